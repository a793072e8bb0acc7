"""Streamlit glue for the public pages (board, brand card, methodology): the cached
board, embed detection, absolute links for snippets, and the explanatory notes.

Public pages never call ui.filters_sidebar: they take at most `?brand=` on the card.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote, urlsplit

import streamlit as st

from dashboard.charts import public as charts_public
from dashboard.core import formatting
from dashboard.core.access import Role
from dashboard.core.filters import Filters
from dashboard.ui import access as ui_access
from dashboard.ui import exports
from dashboard.ui import shared as ui
from dashboard.views import export_frames, public, public_shared
from dashboard.views import exports as export_views
from dashboard.views import movers as movers_view
from dashboard.views.bounds import data_bounds

FALLBACK_ORIGIN = "https://your-chi-host.example"
# inside an embed: no navigation toggle and little top padding, only the numbers
EMBED_CSS = (
    '[data-testid="stExpandSidebarButton"],[data-testid="stSidebar"],'
    '[data-testid="stHeader"]{display:none}'
    '[data-testid="stMainBlockContainer"]{padding-top:.75rem;padding-bottom:.75rem}'
)


# Inside an embed, the page tells its host page how tall its content is, so a frame can
# fit it exactly (the README's listener sets the iframe's height; without one nothing
# happens). Only a number leaves, to the parent window; nothing is read from the host.
RESIZE_MESSAGE = "chi-embed-height"
RESIZE_JS = (
    "<script>(function(){if(window.parent===window||window.__chiResize)return;"
    "window.__chiResize=true;var last=0;function send(){"
    "var main=document.querySelector('[data-testid=\"stMainBlockContainer\"]');"
    "if(!main)return;var h=Math.ceil(main.getBoundingClientRect().top+main.offsetHeight);"
    "if(h!==last){last=h;window.parent.postMessage({type:'"
    + RESIZE_MESSAGE
    + "',height:h,href:location.href},'*');}}"
    "new ResizeObserver(send).observe(document.body);"
    "var wait=setInterval(function(){var m=document.querySelector("
    "'[data-testid=\"stMainBlockContainer\"]');if(m){new ResizeObserver(send).observe(m);"
    "clearInterval(wait);send();}},100);})();</script>"
)


def board() -> public.Board:
    """The process's one public board, the object the JSON feed serves too: no query
    and no copy per script run (dashboard/views/public_shared.py)."""
    return public_shared.SHARED.board(ui.current_data_dir(), ui.current_config())


def history(brand: str) -> tuple[public.WeekPoint, ...]:
    """A public brand's weekly history, kept with the shared board."""
    return public_shared.SHARED.history(ui.current_data_dir(), ui.current_config(), brand)


def movers() -> movers_view.Movers | None:
    """The board's movers (public brands only), kept with the shared board: the object
    /api/movers.json serves."""
    return public_shared.SHARED.movers(ui.current_data_dir(), ui.current_config())


def embedded() -> bool:
    """True inside an embed (`?embed=true`): pages drop everything but the numbers."""
    return bool(st.context.is_embedded)


def origin() -> str:
    """scheme://host[:port] the visitor sees, for copy-paste snippets."""
    url = st.context.url
    if not url:
        return FALLBACK_ORIGIN
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def card_href(slug: str) -> str:
    return f"brand?brand={quote(slug)}" + ("&embed=true" if embedded() else "")


def show_html(fragment: str) -> None:
    """An HTML fragment of dashboard/charts/public.py with its stylesheet."""
    css = charts_public.CSS + (EMBED_CSS if embedded() else "")
    st.html(f"<style>{css}</style>{fragment}")
    if embedded():
        st.html(RESIZE_JS, unsafe_allow_javascript=True, width=1)


def empty_note(shown: public.Board) -> str:
    """Why the board is empty. Only private mode may name brands that are not public,
    and with sign-in on only to someone signed in with a role."""
    if shown.allowlist and shown.period is None:
        return "There is no data for the published brands yet."
    if shown.allowlist:
        return ""
    if ui.is_public() or not ui_access.allows(Role.VIEWER):
        return "No brands are published on this board yet."
    known = ui.load(data_bounds, ui.current_config().display_time_zone).brands
    hint = f" Brands in your data: {', '.join(map(formatting.plain, known))}." if known else ""
    return (
        "No brand is public yet. List the brands to publish in chi.toml in the data "
        'folder, for example `[public]` `brands = ["Brand A", "Brand B"]`, and reload.' + hint
    )


def private_mode_caption() -> None:
    if not ui.is_public() and not embedded():
        st.caption(
            "This is what the public sees: only brands listed under `[public] brands` "
            "in the config, aggregates only, groups under the minimum n suppressed. "
            "Serve it alone with `chi serve --public` or as static files with "
            "`chi export-public`."
        )


def board_downloads(shown: public.Board) -> None:
    """'Download CSV' and 'Download JSON' of the board as shown: every public brand's
    rank, index with its 95 % interval, change, n and period (a suppressed brand has no
    figures); the JSON is /api/index.json's."""
    day = shown.period.date_to if shown.period else None
    period = (
        Filters(shown.period.date_from, shown.period.date_to, tz=shown.time_zone)
        if shown.period
        else None
    )
    left, right = st.columns(2, width=420)
    with left:
        exports.csv_button(
            export_frames.board_frame(shown),
            "public_board",
            period,
            names=export_frames.BOARD_NAMES,
            day=day,
        )
    links = {
        s.slug: {"badge": f"/api/badge/{s.slug}.svg", "history": f"/api/brands/{s.slug}.json"}
        for s in shown.brands
    }
    body = json.dumps(public.board_json(shown, ui.current_config(), links), indent=2)
    right.download_button(
        "Download JSON",
        body.encode(),
        file_name=export_views.file_name("public_board", period, day, "json"),
        mime="application/json",
        icon=":material/data_object:",
        key="json_public_board",
        on_click="ignore",
    )


def history_chart(
    points: tuple[public.WeekPoint, ...], brand: str, slug: str, shown: public.Board
) -> None:
    """The card's weekly history, titled for a saved image, and its CSV."""
    day = shown.period.date_to if shown.period else None
    period = (
        Filters(
            points[0].week_start,
            points[-1].week_start + dt.timedelta(days=6),
            brands=(brand,),
            tz=shown.time_zone,
        )
        if points
        else None
    )
    exports.chart(
        charts_public.history_figure(points),
        "brand_history",
        f"{brand}: weekly Customer Happiness Index",
        period,
        day=day,
    )
    exports.csv_button(export_frames.history_frame(points), "brand_history", period, day=day)
