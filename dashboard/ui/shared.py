"""Streamlit glue shared by every page: data dir, config, the shared connection,
cached data calls, the shared filters (bound to the URL) and small renderers.

dashboard/ui/ and dashboard/app.py are the only modules that import streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st

from dashboard.core import formatting, settings
from dashboard.core.config import Config, load_config
from dashboard.core.filters import Filters, keep_known, link_period
from dashboard.data import connection
from dashboard.views import evidence
from dashboard.views.bounds import DataBounds, data_bounds
from dashboard.views.overview import Kpi

T = TypeVar("T")
TIME_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
)


def current_data_dir() -> Path:
    return settings.data_dir()


def is_public() -> bool:
    return settings.public()


@st.cache_resource(max_entries=4, show_spinner=False)
def _config(data_dir: str, path: str | None, stamp: float) -> Config:
    return load_config(Path(data_dir), Path(path) if path else None)


def current_config() -> Config:
    """The parsed configuration, re-read when its file changes (cached per file time)."""
    path = settings.config_path()
    stamp = path.stat().st_mtime if path.exists() else 0.0
    explicit = settings.explicit_config_path()
    return _config(str(current_data_dir()), str(explicit) if explicit else None, stamp)


def data_version() -> str:
    return connection.data_version(current_data_dir())


def cursor(version: str | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the process's shared connection (connection.shared_connection, the
    one cache of connections, also asked by the public feeds), for this script run.
    `version`: the data version the caller already read (default: read it now)."""
    data_dir, config = current_data_dir(), current_config()
    version = version or data_version()
    if connection.is_shared(data_dir, config, version):
        return connection.shared_connection(data_dir, config, version).cursor()
    with st.spinner("Reading the data…"):  # one connection per data version is built
        return connection.shared_connection(data_dir, config, version).cursor()


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_call(name: str, version: str, fingerprint: str, args: tuple, kwargs: dict) -> Any:
    fn = _REGISTRY[name]
    return fn(cursor(version), *args, **kwargs)


_REGISTRY: dict[str, Callable[..., Any]] = {}


def load(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn(cursor, *args, **kwargs)` through a cache shared by all sessions,
    keyed by the data version and config, so new data shows without a restart."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _REGISTRY[name] = fn
    # st.spinner shows its message only when the block takes over half a second
    # (streamlit's DELAY_SECS): a quick, cached call shows nothing (issue 19)
    with st.spinner(STATUS):
        return _cached_call(name, data_version(), current_config().fingerprint(), args, kwargs)


STATUS = "Computing the figures…"


def bounds() -> DataBounds:
    return load(data_bounds, "UTC")


def filters_sidebar(tz_default: str | None = None) -> Filters | None:
    """Date range, brands, channels and time zone in the sidebar, bound to the URL.

    Returns None (after showing why) when there is no data at all.
    """
    known = bounds()
    note = known.implausible_note()  # stored by other means than chi ingest
    if known.conversations == 0:
        st.info(
            "There are no conversations in the data directory yet. "
            "Run `chi demo` for demo data or `chi ingest` to import your exports."
        )
        if note:
            st.caption(note)
        return None
    _notice_unknown("brand", known.brands)
    _notice_unknown("channel", known.channels)
    with st.sidebar:
        st.header("Filters")
        # bounds are UTC days; a display time zone can shift a conversation by up to a
        # day either way, so the pickers allow one day more on each side
        first = known.first_day - dt.timedelta(days=1)
        last = known.last_day + dt.timedelta(days=1)
        date_from, date_to = _period_inputs(first, last, known.last_day)
        brands = st.multiselect(
            "Brands", known.brands, key="brand", bind="query-params", placeholder="All brands"
        )
        channels = st.multiselect(
            "Channels",
            known.channels,
            key="channel",
            bind="query-params",
            placeholder="All channels",
        )
        zones = list(dict.fromkeys([tz_default or current_config().display_time_zone, *TIME_ZONES]))
        _notice_unknown("tz", zones)
        tz = st.selectbox(
            "Time zone",
            zones,
            key="tz",
            bind="query-params",
            help="Days, weeks and months are cut in this time zone.",
        )
        image_format_control()
        rollup_notice()
        if note:
            st.caption(note)
    if date_from > date_to:
        st.warning(f"'From' is after 'To'; showing the single day {date_to}.")
        date_from = date_to
    return Filters(date_from, date_to, tuple(brands), tuple(channels), tz)


IMAGE_FORMAT_KEY = "image_format"


def image_format_control() -> None:
    """The sidebar's choice of what a chart's camera button saves: PNG (default) or SVG
    (dashboard/ui/exports.py reads it)."""
    st.segmented_control(
        "Chart images",
        ["PNG", "SVG"],
        key=IMAGE_FORMAT_KEY,
        default="PNG",
        help="What the camera button of a chart saves, with its title, period and "
        "filters drawn in. SVG scales for print and slides.",
    )


def rollup_notice() -> None:
    """A short caption when the figures were computed in memory because the stored
    rollups are stale (private mode: it names the command that stores them)."""
    if is_public():
        return
    status = load(connection.rollup_status)  # cached per data version, like the figures
    if not status.stored:
        st.caption(
            f"Figures {status.how()}: the stored rollups are stale ({status.reason}). "
            "`chi rollup` stores them, and pages load faster."
        )


PERIOD_LINK_KEY = "_period_link"  # the from/to/range of the link the pickers were set from


def _link_day(key: str, first: dt.date, last: dt.date) -> dt.date | None:
    """The link's `key` day, or None (with a caption) when it is no date or outside
    the data's days."""
    raw = st.query_params.get(key)
    if raw is None:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        st.caption(
            f"Ignored '{key}={formatting.plain(raw)}' from the link: not a date (YYYY-MM-DD)."
        )
        return None
    if not first <= day <= last:
        st.caption(
            f"Ignored '{key}={formatting.plain(raw)}' from the link: the data covers "
            f"{first:%Y-%m-%d} to {last:%Y-%m-%d}."
        )
        return None
    return day


def _link_signature() -> tuple[str | None, ...]:
    return tuple(st.query_params.get(key) for key in ("from", "to", "range"))


def _dates_picked() -> None:
    """A date picked by hand is explicit: the link gets both days and loses `range`."""
    for key in ("from", "to"):
        if isinstance(st.session_state.get(key), dt.date):
            st.query_params[key] = st.session_state[key].isoformat()
    st.query_params.pop("range", None)
    st.session_state[PERIOD_LINK_KEY] = _link_signature()


def _period_inputs(first: dt.date, last: dt.date, last_day: dt.date) -> tuple[dt.date, dt.date]:
    """From and To, set from the link, written back to it so it reproduces the view:
    explicit days stay explicit (Streamlit's bound widgets drop a value equal to the
    default, so a link's end date would move with new data); a relative period says
    so (`?range=90d`) and the sidebar explains it."""
    period = link_period(
        _link_day("from", first, last),
        _link_day("to", first, last),
        st.query_params.get("range"),
        first,
        last_day,
    )
    if period.ignored_range is not None:
        shown = formatting.plain(period.ignored_range)
        st.toast(f"Ignored unknown range in the link: {shown}")
        st.caption(
            f"Ignored 'range={shown}' from the link: a range is a number of days, like "
            f"range=30d; showing the last {period.relative_days} days with data."
        )
    if st.session_state.get(PERIOD_LINK_KEY) != _link_signature():
        st.session_state["from"], st.session_state["to"] = period.date_from, period.date_to
    picked_from = st.date_input(
        "From", min_value=first, max_value=last, key="from", on_change=_dates_picked
    )
    picked_to = st.date_input(
        "To", min_value=first, max_value=last, key="to", on_change=_dates_picked
    )
    date_from = picked_from if isinstance(picked_from, dt.date) else period.date_from
    date_to = picked_to if isinstance(picked_to, dt.date) else period.date_to
    if period.relative_days is not None and _link_signature()[:2] == (None, None):
        st.query_params["range"] = period.range_param
        st.caption(
            f"The last {period.relative_days} days with data: the link says "
            f"`range={period.relative_days}d` and moves with new data. Pick a date to fix "
            "the days."
        )
    else:
        st.query_params["from"], st.query_params["to"] = date_from.isoformat(), date_to.isoformat()
        st.query_params.pop("range", None)
    st.session_state[PERIOD_LINK_KEY] = _link_signature()
    return date_from, date_to


def notice_unknown(key: str, known: list[str]) -> None:
    """Say so when the link sets widget `key` to a value it does not offer (`?grain=year`):
    Streamlit drops such a value without a word and shows the default."""
    _notice_unknown(key, [str(k) for k in known])


def _notice_unknown(key: str, known: list[str]) -> None:
    _, ignored = keep_known(st.query_params.get_all(key), known)
    if ignored:  # the values are the link's: shown as plain text, never as Markdown
        shown = ", ".join(formatting.plain(value) for value in ignored)
        st.toast(f"Ignored unknown {key} in the link: {shown}")
        st.caption(f"Ignored unknown {key} value(s) from the link: {shown}")


# A tile is this wide (px); tiles sit in a row that wraps, so from 360 to 1920 px a
# tile keeps its width and no label or value is cut ('Median respo...').
TILE_PX = 160  # the narrowest a tile gets (two side by side on a 360 px phone)
# Streamlit cuts a metric's label and value with an ellipsis when they do not fit:
# they wrap instead (a narrow phone), and the lead tile's value reads larger.
_TILE_CSS = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere;
}
.st-key-lead_tile [data-testid="stMetricValue"] { font-size: 3.4rem; line-height: 1.1; }
[data-testid="stLayoutWrapper"]:has(> [class*="st-key-kpi_tile_"]) {
  flex: 1 1 160px !important; min-width: 160px !important; max-width: 300px !important;
}
</style>"""


def kpi_tiles(items: list[Kpi], per_row: int | None = None, key: str = "kpis") -> None:
    """One bordered tile per KPI, at least TILE_PX wide, in rows that wrap: the
    value (or "not enough data" under min n), the change only when both periods reach
    min n, and under it n and the 95 % interval. (`per_row` is kept for callers; the
    row wraps by itself.) `key` tells two rows of one page apart."""
    st.html(_TILE_CSS)
    with st.container(horizontal=True, gap="small"):
        for i, kpi in enumerate(items):
            with st.container(border=True, key=f"kpi_tile_{key}_{i}"):
                _tile(kpi)


def lead_tile(kpi: Kpi, sentence: str) -> None:
    """The index tile, first and the full width: its value, change and interval, and
    under it the sentence saying what moved it (Markdown, names made plain)."""
    st.html(_TILE_CSS)
    with st.container(border=True, key="lead_tile"):
        _tile(kpi)
        st.markdown(sentence)


def _tile(kpi: Kpi) -> None:
    # a count is its own n: it is always shown (only its change needs min n)
    enough = not kpi.below_min_n or kpi.unit == "count"
    st.metric(
        kpi.label,
        formatting.value(kpi.value, kpi.unit) if enough else evidence.NOT_ENOUGH_DATA,
        delta=formatting.change(kpi.change, kpi.unit),
        delta_color="normal" if kpi.higher_is_better else "inverse",
        help=f"{kpi.help}. Change against the previous period of equal length "
        f"(previous: {formatting.value(kpi.previous, kpi.unit)}, n = {kpi.previous_n:,}); "
        f"no change is shown unless both periods have at least {kpi.min_n} {kpi.n_label}.",
    )
    st.caption(formatting.evidence(kpi.n, kpi.n_label, kpi.ci_low, kpi.ci_high, kpi.unit))


def selection_caption(filters: Filters) -> str:
    """The selection in one caption line (Markdown; brand and channel names plain)."""
    scope = ", ".join(map(formatting.plain, filters.brands)) if filters.brands else "all brands"
    chans = (
        ", ".join(map(formatting.plain, filters.channels)) if filters.channels else "all channels"
    )
    prev = filters.previous()
    return (
        f"{filters.date_from:%d %b %Y} – {filters.date_to:%d %b %Y} ({filters.days} days, "
        f"{filters.tz}) · {scope} · {chans} · compared with "
        f"{prev.date_from:%d %b %Y} – {prev.date_to:%d %b %Y}"
    )
