"""Plotly figures of the People page: the agent leaderboard against colleagues, and
speed against happiness per agent. Pure functions: frames in, figures out.

Agent ids and brand names come from the data: they are escaped before Plotly sees
them (Plotly renders a little HTML in labels)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.charts.base import ACCENT, BAD, GOOD, INK, MUTED, base_layout
from dashboard.core import formatting
from dashboard.views import people

VERDICT_COLOURS: dict[str, str] = {
    people.ABOVE: GOOD,
    people.BELOW: BAD,
    people.IN_LINE: ACCENT,
    people.NO_COLLEAGUES: MUTED,
    people.TOO_FEW: MUTED,
}


def _ranked(rows: pl.DataFrame) -> pl.DataFrame:
    """The agents with enough data and colleagues to compare with, best first."""
    return rows.filter(~pl.col("below_min_n") & pl.col("vs_brand").is_not_null()).sort("rank")


def _hover(row: dict) -> str:
    ci = formatting.interval(row["vs_brand_ci_low"], row["vs_brand_ci_high"], "points")
    index_ci = formatting.interval(
        row["happiness_index_ci_low"], row["happiness_index_ci_high"], "points"
    )
    lines = [
        f"<b>{formatting.label(row['agent_id'])}</b>",
        f"vs colleagues: {formatting.change(row['vs_brand'], 'points')}"
        + (f" ({ci})" if ci else ""),
        f"index: {formatting.value(row['happiness_index'], 'points')}"
        + (f" ({index_ci})" if index_ci else ""),
        f"n = {row['conversations']:,} conversations, {row['first_responses']:,} first replies",
        f"median first reply: {formatting.duration(row['median_first_response_s'])}",
        formatting.label(row["verdict"]),
    ]
    return "<br>".join(lines)


def leaderboard(rows: pl.DataFrame) -> go.Figure:
    """One brand's agents, best first: each agent's index minus their colleagues'
    level, with its 95 % interval; 0 is the colleagues' level. Agents under min n or
    without colleagues are left out (the page lists them)."""
    ranked = _ranked(rows)
    fig = go.Figure()
    labels = formatting.labels(ranked["agent_id"])
    values = ranked["vs_brand"].to_list()
    lows = ranked["vs_brand_ci_low"].to_list()
    highs = ranked["vs_brand_ci_high"].to_list()
    fig.add_trace(
        go.Scatter(
            x=values,
            y=labels,
            mode="markers",
            marker={
                "size": 11,
                "color": [VERDICT_COLOURS.get(v, MUTED) for v in ranked["verdict"]],
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [None if h is None else h - v for v, h in zip(values, highs, strict=True)],
                "arrayminus": [
                    None if lo is None else v - lo for v, lo in zip(values, lows, strict=True)
                ],
                "color": MUTED,
                "thickness": 2,
            },
            hovertext=[_hover(r) for r in ranked.iter_rows(named=True)],
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.add_vline(x=0, line_color=INK, line_dash="dot", annotation_text="colleagues' level")
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    fig.update_xaxes(title_text="index points vs colleagues (95% interval)", zeroline=False)
    height = max(220, 60 + 34 * ranked.height)
    fig = base_layout(fig, height=height)
    fig.update_layout(hovermode="closest", margin={"l": 10, "r": 20, "t": 30, "b": 40})
    return fig


def speed_vs_happiness(rows: pl.DataFrame, level: dict | None) -> go.Figure:
    """Each agent's median first reply (minutes) against their index, with both
    intervals; the brand's median and index (every conversation a named agent wrote
    in) split the plane: bottom left is fast but leaves customers unhappier."""
    ranked = _ranked(rows).filter(pl.col("median_first_response_s").is_not_null())
    fig = go.Figure()
    minutes = [s / 60 for s in ranked["median_first_response_s"]]

    def spread(high: list, centre: list) -> list:
        return [None if h is None else h / 60 - c for h, c in zip(high, centre, strict=True)]

    lows = ranked["median_first_response_s_ci_low"].to_list()
    highs = ranked["median_first_response_s_ci_high"].to_list()
    index = ranked["happiness_index"].to_list()
    fig.add_trace(
        go.Scatter(
            x=minutes,
            y=index,
            mode="markers+text",
            text=formatting.labels(ranked["agent_id"]),
            textposition="top center",
            marker={
                "size": 11,
                "color": [
                    BAD
                    if s == people.FAST_BUT_UNHAPPY
                    else GOOD
                    if s == people.SLOW_BUT_HAPPY
                    else ACCENT
                    for s in ranked["speed_vs_happiness"]
                ],
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": spread(highs, minutes),
                "arrayminus": [
                    None if lo is None else c - lo / 60 for lo, c in zip(lows, minutes, strict=True)
                ],
                "color": "#d1d5db",
            },
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [
                    None if h is None else h - v
                    for v, h in zip(index, ranked["happiness_index_ci_high"], strict=True)
                ],
                "arrayminus": [
                    None if lo is None else v - lo
                    for v, lo in zip(index, ranked["happiness_index_ci_low"], strict=True)
                ],
                "color": "#d1d5db",
            },
            hovertext=[_hover(r) for r in ranked.iter_rows(named=True)],
            hoverinfo="text",
            showlegend=False,
        )
    )
    if level and level.get("median_first_response_s") is not None:
        fig.add_vline(
            x=level["median_first_response_s"] / 60,
            line_color=MUTED,
            line_dash="dot",
            annotation_text="brand median",
        )
    if level and level.get("happiness_index") is not None:
        fig.add_hline(
            y=level["happiness_index"],
            line_color=MUTED,
            line_dash="dot",
            annotation_text="brand index",
        )
    fig.add_annotation(
        text="faster, customers unhappier",
        xref="paper",
        yref="paper",
        x=0.01,
        y=0.01,
        showarrow=False,
        font={"color": BAD, "size": 11},
        xanchor="left",
        yanchor="bottom",
    )
    fig.update_xaxes(title_text="median first reply (minutes, 95% interval)", rangemode="tozero")
    fig.update_yaxes(title_text="index (95% interval)")
    fig = base_layout(fig, height=420)
    fig.update_layout(hovermode="closest", margin={"l": 10, "r": 20, "t": 30, "b": 40})
    return fig
