"""The executive overview's trend chart."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.base import ACCENT, GOOD, MUTED, base_layout, interval_texts


def overview_trend(frame: pl.DataFrame, min_n: int) -> go.Figure:
    """Conversations as bars (left axis); index and within-target share as lines (right)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = frame["period_start"].to_list()
    n = frame["conversations"].to_list()
    fig.add_trace(
        go.Bar(
            x=x,
            y=n,
            name="Conversations",
            marker_color="#dbeafe",
            hovertemplate="%{y:,} conversations<extra></extra>",
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
                marker={"color": [MUTED if t else color for t in thin]},
                customdata=list(zip(n, interval_texts(frame, column), strict=True)),
                hovertemplate="%{y:.1f} %{customdata[1]} (n=%{customdata[0]:,})<extra>"
                + name
                + "</extra>",
            ),
            secondary_y=True,
        )
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
    return base_layout(fig)
