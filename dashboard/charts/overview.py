"""The executive overview's trend chart, with the alerts of its periods marked."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.base import (
    ACCENT,
    BAD,
    GOOD,
    MUTED,
    PERIOD_MS,
    base_layout,
    interval_texts,
    period_axis,
)
from dashboard.core import formatting

ALERT_TRACE = "Alerts"
# hover lines of one period's marker; the rest are counted
ALERT_LINES = 8
# an alert's value as shown: a count, or points to one decimal
VALUE_FORMAT: dict[str, str] = {"volume": "{:,.0f}", "index": "{:.1f}", "mood": "{:.1f}"}


def alert_line(row: dict) -> str:
    """One alert in a marker's hover text (the brand and channel escaped)."""
    shown = VALUE_FORMAT.get(row["metric"], "{:.1f}")
    channel = "all channels" if row["channel"] is None else formatting.label(row["channel"])
    return (
        f"{row['day']:%d %b} · {formatting.label(row['brand'])} · {channel}: "
        f"{row['metric']} {shown.format(row['value'])} (expected {shown.format(row['expected'])}, "
        f"score {row['score']:+.1f}, n={row['n']:,})"
    )


def _alert_markers(fig: go.Figure, frame: pl.DataFrame, alerts: pl.DataFrame) -> None:
    """One marker per period with alerts, on the index line (at 100 where the period
    has no index), its hover listing them."""
    index_at = dict(
        zip(frame["period_start"].to_list(), frame["happiness_index"].to_list(), strict=True)
    )
    x, y, texts = [], [], []
    for (period,), rows in alerts.sort("day", descending=True).group_by(
        "period_start", maintain_order=True
    ):
        lines = [alert_line(r) for r in rows.head(ALERT_LINES).iter_rows(named=True)]
        if rows.height > ALERT_LINES:
            lines.append(f"and {rows.height - ALERT_LINES} more")
        value = index_at.get(period)
        x.append(period)
        y.append(100.0 if value is None else value)
        texts.append(f"{rows.height} alert{'s' * (rows.height != 1)}<br>" + "<br>".join(lines))
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            name=ALERT_TRACE,
            mode="markers",
            marker={
                "symbol": "diamond",
                "size": 13,
                "color": BAD,
                "line": {"color": "white", "width": 1},
            },
            hovertext=texts,
            hovertemplate="%{hovertext}<extra>Alerts</extra>",
        ),
        secondary_y=True,
    )


def _partial_texts(frame: pl.DataFrame) -> list[str]:
    """' · partial period: 3 of 7 days' per period the selection cuts ('' otherwise)."""
    if "partial" not in frame.columns:
        return [""] * frame.height
    return [
        f" · partial period: {d} of {n} days" if p else ""
        for p, d, n in frame.select("partial", "days_selected", "days_in_period").iter_rows()
    ]


def overview_trend(
    frame: pl.DataFrame, min_n: int, alerts: pl.DataFrame | None = None, grain: str = "week"
) -> go.Figure:
    """Conversations as bars (left axis); index and within-target share as lines (right);
    with `alerts` (views.alerts with period_start), a marker per period that has any.
    A period the selection covers only in part (views.periods) has a hatched bar and
    hollow points, and says so on hover; the axis reads well for one day as for a year
    (base.period_axis)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = frame["period_start"].to_list()
    n = frame["conversations"].to_list()
    partial = frame["partial"].to_list() if "partial" in frame.columns else [False] * len(x)
    notes = _partial_texts(frame)
    fig.add_trace(
        go.Bar(
            x=x,
            y=n,
            name="Conversations",
            width=[PERIOD_MS.get(grain, PERIOD_MS["day"]) * 0.8] * len(x),
            marker={
                "color": "#dbeafe",
                "line": {"color": "#93c5fd", "width": [1 if p else 0 for p in partial]},
                "pattern": {
                    "shape": ["/" if p else "" for p in partial],
                    "fgcolor": "#93c5fd",
                    "solidity": 0.3,
                },
            },
            customdata=notes,
            hovertemplate="%{y:,} conversations%{customdata}<extra></extra>",
        ),
        secondary_y=False,
    )
    thin = [c < min_n for c in n]
    for column, name, color in (
        ("happiness_index", "Happiness index", ACCENT),
        ("speed", "Answered within target (%)", GOOD),
    ):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame[column].to_list(),
                name=name,
                mode="lines+markers",
                line={"color": color, "width": 2},
                marker={
                    "color": [MUTED if t else color for t in thin],
                    "symbol": ["circle-open" if p else "circle" for p in partial],
                    "size": 8,
                },
                customdata=list(zip(n, interval_texts(frame, column), notes, strict=True)),
                hovertemplate="%{y:.1f} %{customdata[1]} (n=%{customdata[0]:,})"
                "%{customdata[2]}<extra>" + name + "</extra>",
            ),
            secondary_y=True,
        )
    if alerts is not None and alerts.height:
        _alert_markers(fig, frame, alerts)
    fig.update_yaxes(title_text="conversations", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(
        title_text="0-100",
        range=[0, 100],
        tickmode="linear",
        tick0=0,
        dtick=20,
        secondary_y=True,
        showgrid=False,
    )
    fig = base_layout(fig)
    return period_axis(fig, x, grain)
