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
from dashboard.core.filters import Filters, default_period, keep_known
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
    return _cached_call(name, data_version(), current_config().fingerprint(), args, kwargs)


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
        _notice_out_of_range(first, last)
        default_from, _ = default_period(first, known.last_day)
        date_from = st.date_input(
            "From",
            value=default_from,
            min_value=first,
            max_value=last,
            key="from",
            bind="query-params",
        )
        date_to = st.date_input(
            "To",
            value=known.last_day,
            min_value=first,
            max_value=last,
            key="to",
            bind="query-params",
        )
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
        rollup_notice()
        if note:
            st.caption(note)
    if date_from > date_to:
        st.warning(f"'From' is after 'To'; showing the single day {date_to}.")
        date_from = date_to
    return Filters(date_from, date_to, tuple(brands), tuple(channels), tz)


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


def _notice_out_of_range(first: dt.date, last: dt.date) -> None:
    for key in ("from", "to"):
        raw = st.query_params.get(key)
        if raw is None:
            continue
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            st.caption(
                f"Ignored '{key}={formatting.plain(raw)}' from the link: not a date (YYYY-MM-DD)."
            )
            continue
        if not first <= day <= last:
            st.caption(
                f"Ignored '{key}={formatting.plain(raw)}' from the link: the data covers "
                f"{first:%Y-%m-%d} to {last:%Y-%m-%d}."
            )


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


def kpi_tiles(items: list[Kpi], per_row: int = 5) -> None:
    """One bordered tile per KPI, `per_row` to a row: the value (or "not enough data"
    under min n), the change only when both periods reach min n, and under it n and the
    95 % interval."""
    for start in range(0, len(items), per_row):
        _tile_row(items[start : start + per_row], per_row)


def _tile_row(items: list[Kpi], per_row: int) -> None:
    for column, kpi in zip(st.columns(per_row)[: len(items)], items, strict=True):
        # a count is its own n: it is always shown (only its change needs min n)
        enough = not kpi.below_min_n or kpi.unit == "count"
        column.metric(
            kpi.label,
            formatting.value(kpi.value, kpi.unit) if enough else evidence.NOT_ENOUGH_DATA,
            delta=formatting.change(kpi.change, kpi.unit),
            delta_color="normal" if kpi.higher_is_better else "inverse",
            help=f"{kpi.help}. Change against the previous period of equal length "
            f"(previous: {formatting.value(kpi.previous, kpi.unit)}, n = {kpi.previous_n:,}); "
            f"no change is shown unless both periods have at least {kpi.min_n} {kpi.n_label}.",
            border=True,
        )
        column.caption(formatting.evidence(kpi.n, kpi.n_label, kpi.ci_low, kpi.ci_high, kpi.unit))


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
