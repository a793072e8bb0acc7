"""A chart as it is saved: its title, period and filters drawn into the figure, room for
the legend, and the Plotly config of the camera button (file name, format, size).

The camera button of Plotly's modebar saves exactly the figure on screen, so the title
and the period line are part of the figure (also on screen). A horizontal legend under
the plot is anchored to the figure's bottom edge with a margin large enough for its
rows, so a saved image never cuts it off.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from dashboard.charts.base import INK, MUTED
from dashboard.core import formatting

IMAGE_FORMATS = ("png", "svg")
IMAGE_WIDTH = 1200  # px of the saved image; PNG at scale 2 for sharp slides
_LEGEND_ROW_PX = 22
_LEGEND_ITEMS_PER_ROW = 6  # at IMAGE_WIDTH, a legend entry of ~25 characters


def titled(figure: go.Figure, title: str, subtitle: tuple[str, ...]) -> go.Figure:
    """A copy of `figure` with `title` and the `subtitle` lines (the period, the
    filters) at the top and a bottom margin its legend fits in. Text from the data
    (brand names) is shown as typed, never as markup."""
    fig = go.Figure(figure)
    height = fig.layout.height or 380
    legend_rows = _legend_rows(fig)
    bottom = 40 + legend_rows * _LEGEND_ROW_PX if legend_rows else (fig.layout.margin.b or 10)
    margin = fig.layout.margin
    heading = 60 + 16 * len(subtitle)
    # a heatmap's column labels sit above the plot, in its top margin: the title goes
    # above them, not over them
    labels_on_top = fig.layout.xaxis.side == "top"
    top = (
        max(margin.t or 0, _top_labels_px(fig)) + heading
        if labels_on_top
        else max(margin.t or 0, heading)
    )
    fig.update_layout(
        title={
            "text": formatting.label(title),
            "subtitle": {
                "text": "<br>".join(formatting.label(line) for line in subtitle),
                "font": {"color": MUTED, "size": 12},
            },
            "x": 0,
            "xanchor": "left",
            "y": 0.98,
            "yref": "container",
            "font": {"color": INK, "size": 16},
        },
        margin={
            "t": top,
            "b": max(margin.b or 0, bottom),
            "l": margin.l,
            "r": margin.r,
        },
        height=height
        + 30
        + 16 * len(subtitle)
        + (top - max(margin.t or 0, heading))
        + (legend_rows * _LEGEND_ROW_PX if legend_rows else 0),
    )
    if legend_rows and (fig.layout.legend.orientation or "v") == "h":
        # below the plot, from the figure's bottom edge up: never under the x labels
        fig.update_layout(
            legend={"yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"}
        )
    return fig


def _top_labels_px(fig: go.Figure) -> int:
    """The height of column labels drawn above the plot (turned upright when long: about
    7 px a character at the axis' 12 px font)."""
    labels = fig.layout.xaxis.ticktext or (fig.data[0].x if fig.data else None) or ()
    longest = max((len(str(label)) for label in labels), default=0)
    return 12 + 7 * longest


def _legend_rows(fig: go.Figure) -> int:
    shown = [
        t
        for t in fig.data
        if t.showlegend is not False and getattr(t, "name", None) and t.type != "heatmap"
    ]
    if fig.layout.showlegend is False or not shown:
        return 0
    if fig.layout.legend.orientation != "h":
        return 0
    return math.ceil(len(shown) / _LEGEND_ITEMS_PER_ROW)


def image_config(file_stem: str, image_format: str, height: int | None) -> dict:
    """The `config` of st.plotly_chart: the camera button saves `<file_stem>.<format>`
    at IMAGE_WIDTH px wide and the figure's own height; no Plotly logo or cloud link."""
    fmt = image_format if image_format in IMAGE_FORMATS else "png"
    return {
        "toImageButtonOptions": {
            "format": fmt,
            "filename": file_stem,
            "width": IMAGE_WIDTH,
            "height": height or 420,
            "scale": 2 if fmt == "png" else 1,
        },
        "displaylogo": False,
        "modeBarButtonsToRemove": ["sendDataToCloud"],
    }
