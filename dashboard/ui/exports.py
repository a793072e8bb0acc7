"""Downloads on every page: 'Download CSV' of what a view shows and charts whose camera
button saves a titled PNG or SVG named after the view, period, filters and as-of day.

    exports.csv_button(frame, "happiness_by_channel", filters)
    exports.chart(figure, "happiness_trend", "Happiness index over time", filters)

The file's content and name come from dashboard/views/exports.py; the figure's title,
legend room and camera config from dashboard/charts/export.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard.charts import export as chart_export
from dashboard.core.filters import Filters
from dashboard.ui import first_paint
from dashboard.ui import shared as ui
from dashboard.views import exports


def as_of() -> dt.date | None:
    """The data's last day (UTC), the as-of of every file (None without data)."""
    return ui.bounds().last_day


def image_format() -> str:
    return str(st.session_state.get(ui.IMAGE_FORMAT_KEY) or "PNG").lower()


def csv_button(
    frame: pl.DataFrame,
    view: str,
    filters: Filters | None,
    *,
    names: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    places: int | None | Mapping[str, int] = exports.PLACES,
    label: str = "Download CSV",
    day: dt.date | None = None,
) -> None:
    """A 'Download CSV' button for `frame` (what the view shows): readable headers with
    units, rounded as displayed, formula-safe; named after `view`, the filters and the
    as-of day. Downloading does not rerun the page."""
    name = exports.file_name(view, filters, day or as_of(), "csv", extra)
    st.download_button(
        label,
        exports.csv_bytes(frame, names, places),
        file_name=name,
        mime="text/csv",
        icon=":material/download:",
        key=f"csv_{view}",
        on_click="ignore",
        help=f"Saves {name}",
    )


def chart(
    figure: go.Figure,
    view: str,
    title: str,
    filters: Filters | None,
    *,
    extra: Mapping[str, Any] | None = None,
    day: dt.date | None = None,
    share: float = 1.0,
    **kwargs: Any,
) -> Any:
    """st.plotly_chart of `figure` with `title`, the period and filters drawn in, and a
    camera button that saves `<view>_<period>_<filters>_asof-<day>.png|svg` (the
    sidebar's 'Chart images'); `share`: the part of the page's width its column takes
    (for its first paint, ui/first_paint.py). `kwargs` go to st.plotly_chart (key,
    on_select, ...)."""
    stamp = day or as_of()
    fig = chart_export.titled(figure, title, exports.filters_line(filters, stamp))
    stem = exports.file_name(view, filters, stamp, "x", extra).removesuffix(".x")
    kwargs.setdefault("width", "stretch")
    config = chart_export.image_config(stem, image_format(), fig.layout.height)
    return first_paint.plotly_chart(fig, config, share, **kwargs)


def _label(column: str, setting: Any) -> str | None:
    if isinstance(setting, str):
        return setting
    if isinstance(setting, Mapping):
        return setting.get("label")
    return None


def _format(setting: Any) -> str | None:
    if isinstance(setting, Mapping):
        options = setting.get("type_config") or {}
        return options.get("format") if isinstance(options, Mapping) else None
    return None


def table(
    frame: pl.DataFrame,
    view: str,
    filters: Filters | None,
    *,
    column_order: tuple[str, ...] | list[str] | None = None,
    column_config: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    places: int | None = exports.PLACES,
    day: dt.date | None = None,
    **kwargs: Any,
) -> None:
    """st.dataframe of `frame` and under it its 'Download CSV': the same columns in the
    same order under the same labels (a label without a unit gets the column's unit
    from its name), rounded to `places` as the table's format shows them."""
    st.dataframe(
        frame,
        column_order=column_order,
        column_config=column_config,
        hide_index=kwargs.pop("hide_index", True),
        width=kwargs.pop("width", "stretch"),
        **kwargs,
    )
    shown = frame.select([c for c in (column_order or frame.columns) if c in frame.columns])
    names = {
        c: exports.with_unit(label, c, shown.schema[c].is_numeric())
        for c in shown.columns
        if (label := _label(c, (column_config or {}).get(c)))
    }
    # two columns the table labels alike ("95% CI low" of two premiums) get their own
    # readable names in the file
    seen = [n.strip() for n in names.values()]
    names = {
        c: n if seen.count(n.strip()) == 1 else exports.readable_name(c) for c, n in names.items()
    }
    decimals = {
        c: k
        for c in shown.columns
        if (k := exports.format_places(_format((column_config or {}).get(c)))) is not None
    }
    default = exports.PLACES if places is None else places
    csv_button(
        shown,
        view,
        filters,
        names=names,
        extra=extra,
        places={c: decimals.get(c, default) for c in shown.columns},
        day=day,
    )
