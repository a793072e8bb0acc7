"""What every chart shares: the palette and the base layout. Charts are pure
functions: frames in, Plotly figures out (no Streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go

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
