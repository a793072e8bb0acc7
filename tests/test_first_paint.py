"""A chart's first paint (dashboard/charts/first_paint.py): the Plotly figure drawn as
SVG on the server, placed as Plotly places it. The expected pixels are worked out by
hand from the drawing's rules: a 940 px wide drawing; the plot starts after the
figure's margin plus the room of the y tick labels (7 px a character + 8); 22 px under
it for the x tick labels."""

from __future__ import annotations

import datetime as dt
import re

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.first_paint import first_paint_svg
from dashboard.charts.svg_paint import colour_of

NO_MARGIN = {"l": 0, "r": 0, "t": 0, "b": 0}


def _figure(*traces: go.BaseTraceType, **layout: object) -> go.Figure:
    fig = go.Figure(list(traces))
    fig.update_layout(height=300, margin=NO_MARGIN, **layout)
    return fig


def _polylines(svg: str) -> list[str]:
    return re.findall(r'<polyline points="([^"]+)"', svg)


def _bars(svg: str) -> list[tuple[float, float, float, float, str]]:
    # the bars: every filled rect but the white background
    found = re.findall(
        r'<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)" height="([\d.-]+)" fill="([^"]+)"/>',
        svg,
    )
    return [(float(x), float(y), float(w), float(h), f) for x, y, w, h, f in found]


def test_a_line_runs_from_corner_to_corner_of_its_ranges():
    # y ticks 0, 20, ..., 100: 3 characters, 29 px; the plot 29-940 wide, 0-278 high
    fig = _figure(
        go.Scatter(x=[0, 10], y=[0, 100], mode="lines"),
        xaxis={"range": [0, 10]},
        yaxis={"range": [0, 100]},
    )
    assert _polylines(first_paint_svg(fig)) == ["29.0,278.0 940.0,0.0"]


def test_a_missing_value_breaks_the_line_in_two():
    fig = _figure(go.Scatter(x=[0, 1, 2, 3, 4], y=[1, 2, None, 3, 4], mode="lines"))
    assert len(_polylines(first_paint_svg(fig))) == 2


def test_a_bar_is_as_tall_as_its_value_and_bars_share_the_width():
    # two categories in 911 px: 455.5 each, a bar 80 % of it (364.4 px); 100 = 278 px
    fig = _figure(
        go.Bar(x=["a", "b"], y=[50, 100], marker={"color": "#2563eb"}), yaxis={"range": [0, 100]}
    )
    bars = [b for b in _bars(first_paint_svg(fig)) if b[4] == "#2563eb"]
    assert [(round(w, 1), round(h, 1)) for _, _, w, h, _ in bars] == [
        (364.4, 139.0),
        (364.4, 278.0),
    ]
    assert bars[0][0] < bars[1][0]  # "a" left of "b"


def test_grouped_bars_stand_side_by_side():
    fig = _figure(
        go.Bar(x=["a"], y=[1], marker={"color": "#111111"}),
        go.Bar(x=["a"], y=[1], marker={"color": "#222222"}),
        barmode="group",
    )
    bars = {b[4]: b for b in _bars(first_paint_svg(fig))}
    first, second = bars["#111111"], bars["#222222"]
    assert first[2] == second[2]  # as wide as each other
    assert first[0] + first[2] <= second[0] + 0.1  # the first ends where the second starts


def test_heatmap_cells_take_their_colour_on_the_scale_and_empty_cells_none():
    fig = _figure(
        go.Heatmap(
            z=[[0, 50, None, 100]],
            x=["a", "b", "c", "d"],
            y=["row"],
            zmin=0,
            zmax=100,
            colorscale=[[0.0, "#000000"], [1.0, "#ffffff"]],
            showscale=False,
        )
    )
    fills = [b[4] for b in _bars(first_paint_svg(fig)) if b[4] != "white"]
    assert fills == ["#000000", "#808080", "#ffffff"]


def test_a_log_axis_places_decades_evenly():
    fig = _figure(
        go.Scatter(x=[10, 100, 1000], y=[1, 1, 1], mode="markers"),
        xaxis={"type": "log", "range": [1, 3]},
    )
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', first_paint_svg(fig))]
    assert xs[1] - xs[0] == xs[2] - xs[1]


def test_date_ticks_are_named_as_the_figure_says():
    days = [dt.date(2025, 3, 3), dt.date(2025, 3, 10)]
    fig = _figure(
        go.Scatter(x=days, y=[1, 2]),
        xaxis={"type": "date", "tickmode": "array", "tickvals": days, "tickformat": "%d %b"},
    )
    svg = first_paint_svg(fig)
    assert ">03 Mar</text>" in svg and ">10 Mar</text>" in svg


def test_the_second_y_axis_has_its_own_scale():
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=["a"], y=[1000], marker={"color": "#dbeafe"}), secondary_y=False)
    fig.add_trace(go.Scatter(x=["a"], y=[50], mode="markers"), secondary_y=True)
    fig.update_yaxes(range=[0, 1000], secondary_y=False)
    fig.update_yaxes(range=[0, 100], secondary_y=True)
    fig.update_layout(height=300, margin=NO_MARGIN)
    svg = first_paint_svg(fig)
    (bar,) = [b for b in _bars(svg) if b[4] == "#dbeafe"]
    (cy,) = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    # the bar fills the plot's height (1,000 of 1,000); the point sits half way (50 of 100)
    assert abs(cy - (bar[1] + bar[3] / 2)) < 0.2


def test_text_from_the_data_is_escaped_in_the_drawing():
    fig = _figure(
        go.Scatter(x=[1, 2], y=[1, 2], name="<script>alert(1)</script>"),
        go.Scatter(x=[1, 2], y=[2, 1], name="Fish &amp; Chips"),
        title={"text": "Brand <b>A</b> & co"},
    )
    svg = first_paint_svg(fig)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert "Fish &amp; Chips" in svg  # Plotly's escaped label, read and escaped again
    assert ">Brand A &amp; co</text>" in svg


def test_a_figure_with_another_kind_of_trace_or_subplots_gets_no_first_paint():
    assert first_paint_svg(go.Figure(go.Waterfall(x=["a"], y=[1]))) is None
    rows = make_subplots(rows=1, cols=2)
    rows.add_trace(go.Bar(x=["a"], y=[1]), row=1, col=1)
    rows.add_trace(go.Bar(x=["a"], y=[1]), row=1, col=2)
    assert first_paint_svg(rows) is None
    assert first_paint_svg(go.Figure()) is None


def test_the_drawing_is_as_tall_as_the_figure_and_named_after_its_title():
    fig = _figure(go.Scatter(x=[1], y=[1]), title={"text": "Happiness index over time"})
    svg = first_paint_svg(fig, width=470)
    assert 'viewBox="0 0 470 300"' in svg
    assert 'aria-label="Happiness index over time"' in svg


def test_only_a_plain_colour_is_written_out():
    # Plotly checks a figure's colours; the drawing checks again before writing one
    assert colour_of("#2563eb", 0, "grey") == "#2563eb"
    assert colour_of("rgba(0, 0, 0, 0.5)", 0, "grey") == "rgba(0, 0, 0, 0.5)"
    assert colour_of('red" onload="x', 0, "grey") == "grey"
    assert colour_of(["#111111", "#222222"], 1, "grey") == "#222222"


def test_an_error_bar_spans_its_own_minus_and_plus():
    # y ticks: one category "a", 15 px; the plot 15-940 (925 px) for 0-10: 5 - 1 = 4
    # lands at 385.0, 5 + 2 = 7 at 662.5
    fig = _figure(
        go.Scatter(
            x=[5],
            y=["a"],
            mode="markers",
            error_x={"type": "data", "symmetric": False, "array": [2], "arrayminus": [1]},
        ),
        xaxis={"range": [0, 10]},
    )
    (bar,) = re.findall(r'<line x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"', first_paint_svg(fig))[-1:]
    assert bar == ("385.0", "662.5")
