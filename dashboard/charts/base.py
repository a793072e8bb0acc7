"""What every chart shares: the palette and the base layout. Charts are pure
functions: frames in, Plotly figures out (no Streamlit)."""

from __future__ import annotations

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
