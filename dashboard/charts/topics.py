"""Plotly figures of the Topics page: the terms that stand out for a brand, and the
drivers of negative mood. Pure functions: frames in, figures out.

Terms are the customers' words: they are escaped before Plotly sees them (Plotly
renders a little HTML in labels)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.base import BAD, INK, base_layout
from dashboard.core import formatting

# mean sentiment -1..1 as a colour: red (angry) through grey to green (happy)
MOOD_SCALE = [[0.0, "#dc2626"], [0.5, "#d1d5db"], [1.0, "#16a34a"]]


def _mood(value: float | None) -> str:
    return "no sentiment" if value is None else f"{value:+.2f}"


def top_terms(rows: pl.DataFrame) -> go.Figure:
    """One bar per term (the topics' frame: term, count, score, mood, n_messages), the
    one that stands out most at the top: bar length = score (z), colour = the mean
    sentiment of the messages that contain it, the count and its n in the hover and
    beside the bar."""
    ordered = rows.reverse()  # Plotly draws the first category at the bottom
    terms = formatting.labels(ordered["term"])
    moods = ordered["mood"].to_list()
    hover = [
        f"<b>{term}</b><br>score z = {score:.1f}<br>in {count:,} messages<br>"
        f"mean sentiment {_mood(mood)} (n = {n:,})"
        for term, score, count, mood, n in zip(
            terms,
            ordered["score"].to_list(),
            ordered["count"].to_list(),
            moods,
            ordered["n_messages"].to_list(),
            strict=True,
        )
    ]
    fig = go.Figure(
        go.Bar(
            x=ordered["score"].to_list(),
            y=terms,
            orientation="h",
            marker={
                "color": [0.0 if m is None else m for m in moods],
                "colorscale": MOOD_SCALE,
                "cmin": -1,
                "cmax": 1,
                "colorbar": {"title": {"text": "mean<br>sentiment"}, "thickness": 12},
                "line": {"color": INK, "width": 0.5},
            },
            text=[f"n = {c:,}" for c in ordered["count"].to_list()],
            textposition="outside",
            cliponaxis=False,  # the n beside the longest bar stays whole
            hovertext=hover,
            hoverinfo="text",
            customdata=ordered["term"].to_list(),
        )
    )
    base_layout(fig, height=max(260, 26 * rows.height + 80))
    fig.update_layout(hovermode="closest", showlegend=False)
    scores = [float(v) for v in ordered["score"].to_list()]
    # room for the "n = ..." beside the longest bar
    span = [min(0.0, *scores) * 1.2, max(0.0, *scores) * 1.2] if scores else None
    fig.update_xaxes(title_text="stands out (z of the log-odds ratio)", zeroline=True, range=span)
    fig.update_yaxes(gridcolor="rgba(0,0,0,0)")
    return fig


def drivers(rows: pl.DataFrame) -> go.Figure:
    """The drivers' effects (mood with the term minus without, -1..1 sentiment) with
    their 95 % intervals, the most negative at the top."""
    ordered = rows.reverse()
    terms = formatting.labels(ordered["term"])
    effect = ordered["effect"].to_list()
    low, high = ordered["effect_low"].to_list(), ordered["effect_high"].to_list()
    fig = go.Figure(
        go.Scatter(
            x=effect,
            y=terms,
            mode="markers",
            marker={"color": BAD, "size": 9},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [None if h is None else h - e for e, h in zip(effect, high, strict=True)],
                "arrayminus": [
                    None if lo is None else e - lo for e, lo in zip(effect, low, strict=True)
                ],
                "color": INK,
            },
            hovertext=[
                f"<b>{t}</b><br>with: {_mood(w)}, without: {_mood(wo)}<br>n = {n:,}"
                for t, w, wo, n in zip(
                    terms,
                    ordered["mood_with"].to_list(),
                    ordered["mood_without"].to_list(),
                    ordered["n"].to_list(),
                    strict=True,
                )
            ],
            hoverinfo="text",
        )
    )
    base_layout(fig, height=max(240, 26 * rows.height + 80))
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_xaxes(title_text="mean sentiment with the term minus without", zeroline=True)
    return fig
