"""Plotly figures of the Happiness page. Pure functions: frames in, figures out.
Brand and channel names come from the data: formatting.label escapes them (Plotly
renders a little HTML in labels)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.colors import qualitative

from dashboard.charts.base import (
    ACCENT,
    BAD,
    COLORBAR_BELOW,
    GOOD,
    INK,
    MUTED,
    base_layout,
    interval_texts,
    legend_below,
    period_axis,
)
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


# how each role of a line is drawn (views.happiness_lines): the selected brands bold,
# the largest brands in distinct colours, "all other brands" grey, the peer median a
# dark dashed line
ROLE_STYLE: dict[str, dict] = {
    "selected": {"width": 3.5},
    "top": {"width": 2},
    "others": {"width": 2, "dash": "dot", "color": "#6b7280"},
    "peer": {"width": 2.5, "dash": "dash", "color": INK},
}
SELECTED_PALETTE = ("#2563eb", "#db2777", "#ea580c", "#16a34a", "#7c3aed", "#0891b2")


def _point_notes(rows: pl.DataFrame, min_n: int) -> list[str]:
    """The hover note of each point: under min n, a partial period, a peer median's
    brands."""
    thin = rows["below_min_n"].to_list()
    partial = rows["partial"].to_list() if "partial" in rows.columns else [False] * rows.height
    selected = rows["days_selected"].to_list() if "partial" in rows.columns else [0] * rows.height
    length = rows["days_in_period"].to_list() if "partial" in rows.columns else [0] * rows.height
    peers = rows["peer_brands"].to_list() if "peer_brands" in rows.columns else [None] * rows.height
    notes = []
    for t, p, d, n, k in zip(thin, partial, selected, length, peers, strict=True):
        parts = []
        if k is not None:
            parts.append(f"median of {k:,} brands")
        if t:
            parts.append(f"below the minimum n of {min_n}")
        if p:
            parts.append(f"partial period: {d} of {n} days")
        notes.append(" · ".join(parts))
    return notes


def index_over_time(frame: pl.DataFrame, min_n: int, grain: str = "day") -> go.Figure:
    """One line per group (a by_period frame, or views.happiness_lines' with a `role`
    per line). Points with fewer than `min_n` conversations are grey and hollow; a
    group that never reaches `min_n` is grey throughout; points of a partial period
    (views.periods) are hollow and say so on hover. The legend sits under the plot and
    the figure grows with it (it never squeezes the plot on a phone)."""
    fig = go.Figure()
    groups = frame.partition_by("group", as_dict=True, maintain_order=True)
    colours = iter(PALETTE)
    selected_colours = iter(SELECTED_PALETTE * 4)
    for group, rows in groups.items():
        name = group[0] if isinstance(group, tuple) else group
        role = rows["role"][0] if "role" in rows.columns else "top"
        style = dict(ROLE_STYLE.get(role, ROLE_STYLE["top"]))
        own = next(selected_colours) if role == "selected" else None
        colour = style.pop("color", None) or own or next(colours)
        thin = rows["below_min_n"].to_list()
        partial = rows["partial"].to_list() if "partial" in rows.columns else [False] * len(thin)
        line_colour = MUTED if all(thin) and role != "peer" else colour
        keys = [
            point_key(p, b, c)
            for p, b, c in rows.select("period_start", "brand", "channel").iter_rows()
        ]
        n_label = "n=%{customdata[0]:,}"
        fig.add_trace(
            go.Scatter(
                x=rows["period_start"].to_list(),
                y=rows["happiness_index"].to_list(),
                name=plain_label(name),
                mode="lines+markers",
                line={"color": line_colour, **style},
                opacity=0.55 if all(thin) and role != "peer" else 1.0,
                marker={
                    "color": [MUTED if t else line_colour for t in thin],
                    "symbol": [
                        "circle-open" if t or p else "circle"
                        for t, p in zip(thin, partial, strict=True)
                    ],
                    "size": 7 if role in ("top", "others") else 8,
                },
                customdata=list(
                    zip(
                        rows["conversations"].to_list(),
                        _point_notes(rows, min_n),
                        keys,
                        interval_texts(rows, "happiness_index"),
                        strict=True,
                    )
                ),
                hovertemplate=(
                    "%{fullData.name}: <b>%{y:.1f}</b> %{customdata[3]} ("
                    + n_label
                    + ") %{customdata[1]}<extra></extra>"
                ),
            )
        )
    fig.update_yaxes(title_text="Happiness index (0-100)", range=[0, 100])
    fig = base_layout(fig)
    period_axis(fig, frame["period_start"].to_list(), grain)
    legend_below(fig, len(groups))
    fig.update_layout(hovermode="closest")
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
            colorbar=COLORBAR_BELOW,
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False)
    # headers read across when they fit and turn (Plotly's auto angle) when they would
    # overlap on a narrow screen
    fig.update_xaxes(side="top")
    fig = base_layout(fig, height=max(270, 34 * len(labels) + 130))
    fig.update_layout(hovermode="closest")
    return fig
