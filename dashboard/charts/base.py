"""What every chart shares: the palette and the base layout. Charts are pure
functions: frames in, Plotly figures out (no Streamlit)."""

from __future__ import annotations

import datetime as dt
import math

import plotly.graph_objects as go
import polars as pl

from dashboard.core import formatting

INK = "#1f2937"
ACCENT = "#2563eb"
MUTED = "#9ca3af"
GOOD = "#16a34a"
BAD = "#dc2626"


def base_layout(fig: go.Figure, height: int = 380) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"color": INK},
        legend={"orientation": "h", "y": -0.15},
        hovermode="x unified",
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#e5e7eb")
    return fig


def interval_texts(rows: pl.DataFrame, name: str) -> list[str]:
    """'[95% CI 58.1–64.0]' per row of a frame with <name>_ci_low/_ci_high ('' without)."""
    return [
        "" if text is None else f"[{text}]"
        for text in (
            formatting.interval(low, high, "points")
            for low, high in rows.select(f"{name}_ci_low", f"{name}_ci_high").iter_rows()
        )
    ]


# a period's length in ms for a bar's width on a date axis (months: 30 days)
PERIOD_MS: dict[str, int] = {"day": 86_400_000, "week": 7 * 86_400_000, "month": 30 * 86_400_000}
PERIOD_DAYS: dict[str, int] = {"day": 1, "week": 7, "month": 30}
TICK_FORMAT: dict[str, str] = {"day": "%d %b", "week": "%d %b", "month": "%b %Y"}
HOVER_FORMAT: dict[str, str] = {
    "day": "%a %d %b %Y",
    "week": "week of %d %b %Y",
    "month": "%B %Y",
}
# with fewer periods than this the axis still spans this many, so one day is one
# sensible bar among blank days, not a bar filling the plot on a millisecond axis
MIN_PERIODS_SPAN = 7
# up to this many periods every one gets its tick, named the grain's way
EVERY_TICK_UP_TO = 12


def period_axis(fig: go.Figure, periods: list[dt.date], grain: str) -> go.Figure:
    """A date x axis that reads well for any number of periods of `grain`: ticks on
    the periods (never '23:59:59.9996' around a single day), half a period of room on
    each side, at least MIN_PERIODS_SPAN periods wide."""
    if grain not in PERIOD_DAYS or not periods:
        return fig
    first, last = min(periods), max(periods)
    step = dt.timedelta(days=PERIOD_DAYS[grain])
    spanned = (last - first) / step + 1
    pad = step * max(0.5, (MIN_PERIODS_SPAN - spanned + 1) / 2)
    axis: dict = {
        "type": "date",
        "range": [
            dt.datetime.combine(first, dt.time()) - pad,
            dt.datetime.combine(last, dt.time()) + pad,
        ],
        "tickformat": TICK_FORMAT[grain],
        "hoverformat": HOVER_FORMAT[grain],
    }
    distinct = sorted(set(periods))
    if len(distinct) <= EVERY_TICK_UP_TO:
        axis |= {"tickmode": "array", "tickvals": distinct}
    elif grain == "month":
        axis |= {"dtick": "M1" if len(distinct) <= 24 else "M3"}
    fig.update_xaxes(**axis)
    return fig


def legend_below(fig: go.Figure, entries: int, plot_px: int = 300) -> go.Figure:
    """The legend under the plot, horizontal, and the figure tall enough for it on a
    phone (two entries a row at 360 px, LEGEND_ROW_PX each), so the legend never
    squeezes the plot below `plot_px`."""
    rows = -(-entries // 2)
    fig.update_layout(
        height=plot_px + 110 + LEGEND_ROW_PX * rows,
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.08,
            "x": 0,
            "xanchor": "left",
            "entrywidthmode": "pixels",
            "entrywidth": 150,
        },
    )
    return fig


LEGEND_ROW_PX = 24


def _compact(t: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if t >= size:
            return f"{t / size:g}{suffix}"
    return f"{t:g}"


def log_ticks(values: list[float], percent: bool = False, compact: bool = False) -> dict:
    """Ticks of a log axis over `values`: 1, 2, 5 of every decade they span (decades
    only beyond four), each labelled in full ('0.1%', '2%', '10,000'), never the bare
    '2, 1, 5, 2' of Plotly's minor digits. `compact`: decades only, '10k', '1M' (an
    axis of counts that must fit a phone)."""
    positive = [v for v in values if v is not None and v > 0]
    if not positive:
        return {}
    low, high = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
    steps = (1,) if compact or high - low > 4 else (1, 2, 5)
    ticks = [m * 10.0**e for e in range(low, high + 1) for m in steps]
    ticks = [t for t in ticks if min(positive) / 2.5 <= t <= max(positive) * 2.5]

    def text(t: float) -> str:
        if compact:
            return _compact(t)
        shown = f"{t:,.0f}" if t >= 1 else f"{t:.{max(0, -math.floor(math.log10(t)))}f}"
        return shown + ("%" if percent else "")

    return {"tickmode": "array", "tickvals": ticks, "ticktext": [text(t) for t in ticks]}


# a heatmap's 0-100 scale under the plot, thin: at its right it took a quarter of a
# 360 px phone's width from the cells
COLORBAR_BELOW: dict = {
    "title": {"text": "0-100", "side": "right"},
    "orientation": "h",
    "thickness": 10,
    "len": 0.6,
    "x": 0.5,
    "xanchor": "center",
    "y": -0.02,
    "yanchor": "top",
}
