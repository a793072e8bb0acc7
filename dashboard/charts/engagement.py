"""Figures of the Engagement & fairness page. Pure functions: frames in, figures out.
Brand and channel names come from the data: formatting.label escapes them (Plotly
renders a little HTML in labels)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard.charts.base import ACCENT, BAD, INK, MUTED, base_layout, log_ticks
from dashboard.core.formatting import label, labels
from dashboard.core.vocabulary import FOLLOWER_BUCKETS
from dashboard.views.engagement import HOLLOW_BELOW, FanAction

# Follower buckets from few to many followers: light to dark; unknown (last) in sand.
BUCKET_COLOURS: dict[str, str] = dict(
    zip(
        FOLLOWER_BUCKETS,
        ("#bfdbfe", "#93c5fd", "#3b82f6", "#1d4ed8", "#1e3a8a", "#d6c6a5"),
        strict=True,
    )
)
THIN = "#e5e7eb"  # buckets under the minimum n


HOLLOW_PLACES = ("middle left", "top left", "bottom left")

CHANNEL_COLOURS = {
    "twitter": "#0ea5e9",
    "facebook": "#2563eb",
    "instagram": "#c026d3",
    "linkedin": "#0f766e",
    "youtube": "#ea580c",
}


def fan_action_scatter(view: FanAction, channel: str | None = None) -> go.Figure:
    """Followers (log) against engagement rate (log), one point per brand account,
    each channel's expected rate drawn (its Theil-Sen line: on log-log axes the fitted
    power law is straight), hollow audiences in red. One channel: every brand labelled. All
    channels (channel=None): one colour and one curve per channel, hollow audiences
    labelled, the other brands on hover."""
    fig = go.Figure()
    accounts = view.accounts.filter(
        pl.col("engagement_rate_pct").is_not_null() & (pl.col("engagement_rate_pct") > 0)
    )
    channels = [channel] if channel else sorted(set(accounts["channel"].to_list()))
    curves = {c.channel: c for c in view.curves}
    hollow_seen = 0  # hollow labels so far, over every channel: their places alternate
    for name in channels:
        shown = label(name)
        colour = ACCENT if channel else CHANNEL_COLOURS.get(name, MUTED)
        points = accounts.filter(pl.col("channel") == name).sort("followers")
        curve = curves.get(name)
        xs, ys = curve.line() if curve else ([], [])
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": INK if channel else colour, "width": 1.5, "dash": "dot"},
                    name=f"expected for size, Theil-Sen line ({shown})",
                    legendgroup=name,
                    showlegend=bool(channel),
                    hovertemplate=f"{shown} line: expected %{{y:.3f}}% at %{{x:,.0f}} "
                    "followers (index 100)<extra></extra>",
                )
            )
        places = []
        for i, hollow in enumerate(points["hollow_audience"].to_list()):
            if hollow:
                places.append(HOLLOW_PLACES[hollow_seen % len(HOLLOW_PLACES)])
                hollow_seen += 1
            else:
                places.append("top center" if i % 2 else "bottom center")
        texts = [
            label(b) if channel else (f"{label(b)} ({shown})" if hollow else "")
            for b, hollow in zip(
                points["brand"].to_list(), points["hollow_audience"].to_list(), strict=True
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=points["followers"].to_list(),
                y=points["engagement_rate_pct"].to_list(),
                mode="markers+text",
                text=texts,
                name="brand account" if channel else shown,
                legendgroup=name,
                # a label near the edge runs past the axis instead of being cut
                # ('Glitter Cosmetics (ins')
                cliponaxis=False,
                # alternate labels above and below so neighbours do not overprint
                # hollow audiences are the big accounts, on the right: their label
                # goes to the left of the point, inside the plot, and two of them at
                # one height (two channels of one brand) take turns above and below
                textposition=places,
                textfont={
                    "size": 10,
                    "color": [BAD if h else "#4b5563" for h in points["hollow_audience"].to_list()],
                },
                marker={
                    "color": [BAD if h else colour for h in points["hollow_audience"].to_list()],
                    "size": [11 if h else 8 for h in points["hollow_audience"].to_list()],
                    "line": {"color": "white", "width": 1},
                },
                customdata=[
                    (label(b), index, expected)
                    for b, index, expected in points.select(
                        "brand", "fan_action_index", "expected_rate_pct"
                    ).iter_rows()
                ],
                hovertemplate=(
                    f"<b>%{{customdata[0]}}</b> ({shown})<br>%{{x:,.0f}} followers"
                    "<br>rate %{y:.3f}%<br>expected %{customdata[2]:.3f}%"
                    "<br>fan-action index %{customdata[1]:.0f}<extra></extra>"
                ),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=(f"hollow audience (index < {HOLLOW_BELOW:.0f})"),
            marker={"color": BAD, "size": 11},
        )
    )
    fig.update_xaxes(
        type="log",
        title_text="followers (log scale)",
        showgrid=True,
        gridcolor="#f3f4f6",
        **log_ticks(accounts["followers"].to_list(), compact=True),
    )
    fig.update_yaxes(
        type="log",
        title_text="engagement rate per post, % (log scale)",
        **log_ticks(accounts["engagement_rate_pct"].to_list(), percent=True),
    )
    fig = base_layout(fig, height=560)
    fig.update_layout(hovermode="closest", legend={"orientation": "h", "y": -0.15})
    return fig


def fairness_bars(frame: pl.DataFrame, min_n: int) -> go.Figure:
    """Response rate (top) and median first response (bottom) by follower bucket,
    grouped per brand; buckets under the minimum n in light grey."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=("Response rate (%)", "Median first response (minutes, log scale)"),
    )
    for bucket, colour in BUCKET_COLOURS.items():
        part = frame.filter(pl.col("follower_bucket") == bucket)
        if part.height == 0:
            continue
        colours = [colour if n >= min_n else THIN for n in part["conversations"].to_list()]
        minutes = [None if s is None else s / 60 for s in part["median_first_response_s"].to_list()]
        custom = part.select("conversations").to_series().to_list()
        # the legend swatch is a separate empty trace, so a grey first bar cannot hide
        # the bucket's colour
        fig.add_trace(
            go.Bar(x=[None], y=[None], name=bucket, legendgroup=bucket, marker={"color": colour}),
            row=1,
            col=1,
        )
        for row, values, unit in (
            (1, part["response_rate"].to_list(), "%{y:.1f}%"),
            (2, minutes, "%{y:.1f} min"),
        ):
            fig.add_trace(
                go.Bar(
                    x=labels(part["brand"].to_list()),
                    y=values,
                    name=bucket,
                    legendgroup=bucket,
                    showlegend=False,
                    marker={"color": colours, "line": {"color": MUTED, "width": 0.3}},
                    customdata=custom,
                    hovertemplate=f"%{{x}} · {bucket} followers<br>{unit} "
                    "(n=%{customdata:,})<extra></extra>",
                ),
                row=row,
                col=1,
            )
    fig.add_trace(
        go.Bar(x=[None], y=[None], name=f"n < {min_n}", marker={"color": THIN}), row=1, col=1
    )
    fig.update_yaxes(range=[0, 100], row=1, col=1)
    fig.update_xaxes(type="category")  # the empty legend traces must not make it numeric
    ticks = [1, 2, 5, 10, 30, 60, 120, 240, 480, 1440]
    fig.update_yaxes(
        type="log",
        row=2,
        col=1,
        tickvals=ticks,
        ticktext=[
            "1 min",
            "2 min",
            "5 min",
            "10 min",
            "30 min",
            "1 h",
            "2 h",
            "4 h",
            "8 h",
            "24 h",
        ],
    )
    fig = base_layout(fig, height=660)
    fig.update_layout(
        barmode="group",
        bargap=0.25,
        hovermode="closest",
        margin={"t": 80},
        legend={"orientation": "h", "y": 1.12, "x": 0, "title": {"text": "customer's followers"}},
    )
    return fig
