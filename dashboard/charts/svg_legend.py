"""The title, legend and default colours of a chart drawn on the server
(charts/first_paint.py), read from the Plotly figure as Plotly would show them: the
legend lists the named traces (not heatmaps) when there are two or more, or when the
figure asks for it; a trace without a colour takes Plotly's default colour for its
place."""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go

from dashboard.charts.svg_paint import colour_of, label, scale_colour, text_of

ENTRY_PX = 165  # a legend entry's width
ROW_PX = 22  # a legend row's height
_NAME_CHARS = 22  # a longer name is cut, with an ellipsis
_PLOTLY_COLOURS = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3")


def default_colour(fig: go.Figure, trace: Any) -> str:
    """Plotly's colour for a trace that sets none: by its place in the figure."""
    index = list(fig.data).index(trace)
    return _PLOTLY_COLOURS[index % len(_PLOTLY_COLOURS)]


def title_text(layout: Any) -> str:
    return text_of(layout.title.text or "chart")


def title(layout: Any) -> list[str]:
    """The title and its subtitle lines, top left."""
    if not layout.title.text:
        return []
    parts = [label(12, 24, layout.title.text, size=16, fill="#1f2937")]
    lines = re.split(r"<br\s*/?>", layout.title.subtitle.text or "")
    for i, line in enumerate(line for line in lines if line):
        parts.append(label(12, 44 + 16 * i, line))
    return parts


def entries(fig: go.Figure) -> list[Any]:
    """The traces the legend lists."""
    shown = [t for t in fig.data if t.type != "heatmap" and t.name and t.showlegend is not False]
    if fig.layout.showlegend is False or (len(shown) < 2 and fig.layout.showlegend is not True):
        return []
    return shown


def _per_row(width: int) -> int:
    return max(1, int((width - 20) // ENTRY_PX))


def rows(fig: go.Figure, width: int) -> int:
    return -(-len(entries(fig)) // _per_row(width))


def legend(fig: go.Figure, width: int, height: int) -> list[str]:
    """The legend in rows at the bottom of the drawing: a swatch and a name each."""
    shown = entries(fig)
    per_row = _per_row(width)
    top = height - ROW_PX * rows(fig, width) - 4
    parts = []
    for i, trace in enumerate(shown):
        x = 12 + (i % per_row) * ENTRY_PX
        y = top + (i // per_row) * ROW_PX + 12
        line = trace.line.color if trace.type == "scatter" else None
        colour = colour_of(line, 0, "") or scale_colour(trace.marker, 0, default_colour(fig, trace))
        parts.append(f'<rect x="{x}" y="{y - 9}" width="18" height="10" fill="{colour}"/>')
        parts.append(label(x + 24, y, trace.name, cut=_NAME_CHARS))
    return parts
