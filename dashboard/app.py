"""The Streamlit entrypoint: a router over the pages of dashboard/ui/navigation.py.

With sign-in on (dashboard/ui/access.py), the menu holds only the pages the visitor's
role may open; the other private pages keep their URLs, hidden, and say why instead of
running. A signed-out visitor gets the sign-in page at every private URL; the public
pages (board, brand card, methodology) stay open to anyone."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard.ui import access as ui_access
from dashboard.ui import first_paint, not_found
from dashboard.ui import shared as ui
from dashboard.ui.navigation import (
    PageSpec,
    draws_charts,
    private_pages_in_public_mode,
    refused_pages,
    visible_pages,
)

# the favicon is served by this server: a :material/...: icon would be fetched from
# Google's font host by every visitor's browser (no page requests another host)
FAVICON = Path(__file__).resolve().parent / "ui" / "favicon.svg"
st.set_page_config(page_title="Customer Happiness Index", page_icon=str(FAVICON), layout="wide")

visitor = ui_access.current()
public = ui.is_public()


def _page(spec: PageSpec, path: Path, visibility: str = "visible") -> StreamlitPage:
    return st.Page(
        str(path), title=spec.title, icon=spec.icon, url_path=spec.url_path, visibility=visibility
    )


pages = [_page(spec, path) for spec, path in visible_pages(public, visitor.role)]
hidden = [
    st.Page(
        ui_access.refusal_page(spec.title, spec.role),
        title=spec.title,
        icon=spec.icon,
        url_path=spec.url_path,
        visibility="hidden",
    )
    for spec, _ in refused_pages(public, visitor.role)
]
hidden += [
    st.Page(
        ui_access.not_public_page(spec.title),
        title=spec.title,
        icon=spec.icon,
        url_path=spec.url_path,
        visibility="hidden",
    )
    for spec in private_pages_in_public_mode(public)
]
if visitor.sign_in and not visitor.signed_in:
    # only the sign-in page in the menu; the public pages keep their URLs (embeds)
    hidden += [_page(spec, path, "hidden") for spec, path in visible_pages(public, None)]
    pages = [
        st.Page(ui_access.sign_in_page, title="Sign in", icon=":material/login:", url_path="signin")
    ]
elif visitor.sign_in and visitor.role is None:
    no_access = st.Page(
        ui_access.no_role_page, title="No access", icon=":material/lock:", url_path="access"
    )
    pages = [no_access, *pages]


def _home() -> None:
    # Streamlit serves its default page only at "/"; a hidden default that forwards to
    # the first real page gives every page (the embeddable /board too) its own URL.
    # Streamlit also runs the default page for a path it does not know: that one says
    # so instead of silently showing the first page.
    missing = not_found.unknown_path(st.context.url)
    if missing is not None:
        not_found.page_not_found(missing, pages[0])
        return
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


if not pages:
    st.error("No pages are available in this mode.")
else:
    home = st.Page(_home, title=pages[0].title, default=True, visibility="hidden", url_path="home")
    ui_access.sidebar(visitor)
    try:
        current = st.navigation([home, *pages, *hidden], position="sidebar")
        first_paint.begin(draws_charts(current.url_path))
        try:
            current.run()
        finally:  # also after st.stop(): charts painted as images get Plotly's next
            first_paint.finish()
    except Exception:  # Streamlit's stop/rerun are BaseExceptions and pass through
        # a user never sees a traceback: log it for the operator, say it plainly
        logging.getLogger("chi").exception("page failed")
        st.error(
            "This page could not be shown because of an internal error. The details "
            "are in the server log; other pages are unaffected."
        )
