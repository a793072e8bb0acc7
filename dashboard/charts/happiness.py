"""Plotly figures of the Happiness page. Pure functions: frames in, figures out.
Brand and channel names come from the data: formatting.label escapes them (Plotly
renders a little HTML in labels)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.colors import qualitative

from dashboard.charts.base import ACCENT, BAD, GOOD, INK, MUTED, base_layout, interval_texts
from dashboard.core.formatting import label as plain_label
from dashboard.core.vocabulary import COMPONENTS, HAPPINESS_INDEX_LABEL, LABELS, SYMBOLS
from dashboard.views.happiness import WhatMoved

PALETTE = qualitative.Plotly + qualitative.D3
LIGHT = "#cbd5e1"
SCALE = [[0.0, "#dc2626"], [0.5, "#fde68a"], [1.0, "#16a34a"]]


def point_key(period_start: object, brand: str, channel: str) -> str:
    """The id carried by each chart point, read back by the drill-down on selection
    (the drill-down builds the same key: names escaped on both sides)."""
    return f"{period_start}|{plain_label(brand)}|{plain_label(channel)}"


TICKS: dict[str, dict] = {
    "day": {"tickformat": "%d %b"},
    "week": {"tickformat": "%d %b", "hoverformat": "week of %d %b %Y"},
    "month": {"dtick": "M1", "tickformat": "%b %Y"},
}


def index_over_time(frame: pl.DataFrame, min_n: int, grain: str = "day") -> go.Figure:
    """One line per group (a by_period frame). Points with fewer than `min_n`
    conversations are grey; a group that never reaches `min_n` is grey throughout."""
    fig = go.Figure()
    for i, (group, rows) in enumerate(
        frame.partition_by("group", as_dict=True, maintain_order=True).items()
    ):
        name = group[0] if isinstance(group, tuple) else group
        colour = PALETTE[i % len(PALETTE)]
        thin = rows["below_min_n"].to_list()
        line_colour = MUTED if all(thin) else colour
        keys = [
            point_key(p, b, c)
            for p, b, c in rows.select("period_start", "brand", "channel").iter_rows()
        ]
        notes = [f"below the minimum n of {min_n}" if t else "" for t in thin]
        fig.add_trace(
            go.Scatter(
                x=rows["period_start"].to_list(),
                y=rows["happiness_index"].to_list(),
                name=plain_label(name),
                mode="lines+markers",
                line={"color": line_colour, "width": 2},
                opacity=0.55 if all(thin) else 1.0,
                marker={
                    "color": [MUTED if t else line_colour for t in thin],
                    "symbol": ["circle-open" if t else "circle" for t in thin],
                    "size": 8,
                },
                customdata=list(
                    zip(
                        rows["conversations"].to_list(),
                        notes,
                        keys,
                        interval_texts(rows, "happiness_index"),
                        strict=True,
                    )
                ),
                hovertemplate=(
                    "%{fullData.name}: <b>%{y:.1f}</b> %{customdata[3]} (n=%{customdata[0]:,}) "
                    "%{customdata[1]}<extra></extra>"
                ),
            )
        )
    fig.update_yaxes(title_text="Happiness index (0-100)", range=[0, 100])
    fig = base_layout(fig, height=420)
    fig.update_xaxes(**TICKS.get(grain, {}))
    fig.update_layout(hovermode="closest", legend={"orientation": "v", "y": 1, "x": 1.02})
    return fig


def component_bars(moved: WhatMoved) -> go.Figure:
    """Each component now against the previous period, with its weight."""
    names = [
        f"{LABELS[c]} ({SYMBOLS[c]}, w={p.weight:.2f})"
        for c, p in zip(COMPONENTS, moved.contributions, strict=True)
    ]
    fig = go.Figure()
    for label, attr, colour in (
        ("Previous period", "before", LIGHT),
        ("This period", "now", ACCENT),
    ):
        values = [getattr(p, attr) for p in moved.contributions]
        fig.add_trace(
            go.Bar(
                y=names,
                x=values,
                name=label,
                orientation="h",
                marker_color=colour,
                text=["no data" if v is None else f"{v:.1f}" for v in values],
                textposition="outside",
                hovertemplate="%{y}: %{x:.1f}<extra>" + label + "</extra>",
            )
        )
    fig.update_xaxes(range=[0, 110])
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig = base_layout(fig, height=320)
    fig.update_layout(barmode="group", hovermode="closest")
    return fig


def waterfall(moved: WhatMoved) -> go.Figure:
    """Previous index -> each component's contribution -> current index."""
    steps = [(LABELS[p.component], p.points) for p in moved.contributions]
    if abs(moved.availability) > 1e-9:
        steps.append(("Availability", moved.availability))
    x = ["Previous period", *(s[0] for s in steps), "This period"]
    y = [moved.index_before, *(s[1] for s in steps), moved.index_now]
    fig = go.Figure(
        go.Waterfall(
            x=x,
            y=y,
            measure=["absolute", *["relative"] * len(steps), "total"],
            text=[
                f"{moved.index_before:.1f}",
                *(f"{s[1]:+.2f}" for s in steps),
                f"{moved.index_now:.1f}",
            ],
            textposition="outside",
            connector={"line": {"color": MUTED}},
            increasing={"marker": {"color": GOOD}},
            decreasing={"marker": {"color": BAD}},
            totals={"marker": {"color": ACCENT}},
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    running = [moved.index_before]
    for _, points in steps:
        running.append(running[-1] + points)
    low, high = min(running + [moved.index_now]), max(running + [moved.index_now])
    pad = max(2.0, (high - low) * 0.6)
    fig.update_yaxes(range=[max(0.0, low - pad), min(100.0, high + pad)], title_text="index points")
    fig = base_layout(fig, height=340)
    fig.update_layout(showlegend=False, hovermode="closest", font={"color": INK})
    return fig


def components_heatmap(frame: pl.DataFrame, min_n: int) -> go.Figure:
    """Groups (rows) x components and index (columns), coloured 0-100, with n."""
    columns = [*COMPONENTS, "happiness_index"]
    short = {"resolution": "Resol.", "satisfaction": "Satisf."}
    header = [short.get(c, LABELS.get(c, HAPPINESS_INDEX_LABEL)) for c in columns]
    labels = [
        f"{plain_label(g)} (n={n:,}{', below min n' if n < min_n else ''})"
        for g, n in frame.select("group", "conversations").iter_rows()
    ]
    z = [[row[c] for c in columns] for row in frame.iter_rows(named=True)]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=header,
            y=labels,
            zmin=0,
            zmax=100,
            colorscale=SCALE,
            text=[["–" if v is None else f"{v:.0f}" for v in r] for r in z],
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{z:.1f}<extra></extra>",
            colorbar={"title": "0-100"},
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", tickangle=0)
    fig = base_layout(fig, height=max(220, 34 * len(labels) + 80))
    fig.update_layout(hovermode="closest")
    return fig
