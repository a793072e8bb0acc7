"""A chart's first paint: the Plotly figure drawn as plain SVG on the server.

Why: Streamlit's browser code loads Plotly's script (4.7 MB) only when a visit's first
Plotly chart arrives, and compiling it takes 0.7-1.7 s of one core on the bench
machines, during which nothing draws (docs/BENCHMARKS.md, "The first chart"). So a
visit's first page shows each chart at once as SVG (same data, axes, colours, title
and legend; no hover) and Plotly's chart, drawn over it in the same place, takes over
when its script has run (dashboard/ui/first_paint.py).

It draws what the product's charts use: scatter (lines, markers, text, error bars),
bars (vertical or horizontal) and heatmaps, on linear, log, date and category axes,
with a second y axis, shapes and annotations. A figure with anything else gets no
first paint (None): Plotly alone, as before. Tick labels, text positions and fonts
are close to Plotly's, not the same: the image is on screen for a second or two.
"""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go

from dashboard.charts import svg_legend, svg_scale
from dashboard.charts.svg_paint import colour_of, dash_of, label, marker_shape, scale_colour
from dashboard.charts.svg_scale import Axis

WIDTH = 940  # px of a full-width chart at 1400 px; a narrower column scales it down
DRAWN = {"scatter", "bar", "heatmap"}
_CHAR_PX = 7.0  # a 12 px label's width per character, for the room of tick labels
PLOTLY_HEIGHT = 450  # Plotly's default figure height


def first_paint_svg(fig: go.Figure, width: int = WIDTH) -> str | None:
    """The figure as an SVG document, or None when it holds something not drawn here."""
    if not fig.data or any(
        trace.type not in DRAWN
        or _on_axis(trace, "x") != "x"
        or _on_axis(trace, "y") not in ("y", "y2")
        for trace in fig.data
    ):  # another kind of trace, or subplots: Plotly alone
        return None
    try:
        return _Drawing(fig, width).svg()
    except (TypeError, ValueError, KeyError, IndexError, ZeroDivisionError, AttributeError):
        return None  # a figure this drawing misreads: Plotly alone shows it


def _values(trace: Any, name: str) -> list[Any]:
    found = getattr(trace, name, None)
    return [] if found is None else list(found)


def _on_axis(trace: Any, letter: str) -> str:
    """'x', 'y' or 'y2' for the axis of `trace` in direction `letter`."""
    return getattr(trace, f"{letter}axis", None) or letter


def _error_spans(trace: Any, letter: str) -> list[tuple[int, float, float]]:
    """(point, low, high) of each error bar of `trace` in direction `letter` (Plotly:
    `arrayminus` defaults to `array`, the bar symmetric)."""
    error = getattr(trace, f"error_{letter}", None)
    if error is None or error.array is None:
        return []
    minus = error.arrayminus if error.arrayminus is not None else error.array
    values = _values(trace, letter)
    return [
        (i, v - down, v + up)
        for i, (v, up, down) in enumerate(zip(values, error.array, minus, strict=False))
        if v is not None and up is not None and down is not None
    ]


def _bar_horizontal(trace: Any) -> bool:
    return trace.type == "bar" and trace.orientation == "h"


class _Drawing:
    def __init__(self, fig: go.Figure, width: int) -> None:
        self.fig, self.layout = fig, fig.layout
        self.width = width
        self.height = int(self.layout.height or PLOTLY_HEIGHT)
        self.axes = {key: self._axis(key) for key in self._axis_keys()}
        self._place_axes()

    # -- axes -----------------------------------------------------------------------
    def _axis_keys(self) -> list[str]:
        keys = ["x", "y"]
        if any(_on_axis(t, "y") == "y2" for t in self.fig.data):
            keys.append("y2")
        return keys

    def _settings(self, key: str) -> Any:
        return self.layout[{"x": "xaxis", "y": "yaxis", "y2": "yaxis2"}[key]]

    def _axis(self, key: str) -> Axis:
        letter, settings = key[0], self._settings(key)
        raw: list[Any] = []
        numbers_from: list[tuple[Any, bool]] = []
        for trace in self.fig.data:
            if _on_axis(trace, letter) != key and not (trace.type == "heatmap" and key != "y2"):
                continue
            values = _values(trace, letter)
            is_value_axis = trace.type == "bar" and (letter == "x") == _bar_horizontal(trace)
            raw += values
            numbers_from += [(v, is_value_axis) for v in values]
            for _, low, high in _error_spans(trace, letter):
                numbers_from += [(low, False), (high, False)]
        kind = svg_scale.axis_kind(settings, raw)
        if kind == "category":
            order = list(settings.categoryarray or [])
            for value in raw:
                if value is not None and str(value) not in order:
                    order.append(str(value))
            low, high = -0.5, len(order) - 0.5
            return Axis(kind, low, high, 0.0, 1.0, settings, order)
        span = None
        if settings.range is not None:
            low, high = settings.range
            if kind == "log":  # Plotly's log ranges are in decades already
                span = (float(low), float(high))
            else:
                span = (svg_scale.as_number(low, kind), svg_scale.as_number(high, kind))
        if span is None or None in span:
            bars = any(flag for _, flag in numbers_from)
            span = svg_scale.extent(
                (svg_scale.as_number(v, kind) for v, _ in numbers_from), settings, bars=bars
            ) or (0.0, 1.0)
        return Axis(kind, float(span[0]), float(span[1]), 0.0, 1.0, settings)

    def _tick_room(self, key: str) -> float:
        labels = [text for _, text in self.axes[key].ticks()]
        return _CHAR_PX * max((len(t) for t in labels), default=0) + 8

    def _place_axes(self) -> None:
        margin = self.layout.margin
        left = (margin.l if margin.l is not None else 80) + self._tick_room("y")
        if self._settings("y").title.text:
            left += 20
        right = margin.r if margin.r is not None else 80
        if "y2" in self.axes:
            right += self._tick_room("y2") + (20 if self._settings("y2").title.text else 0)
        if any(self._colourbar_side(t) == "right" for t in self.fig.data):
            right += 70
        top = margin.t if margin.t is not None else 100
        bottom = margin.b if margin.b is not None else 80
        x_settings = self._settings("x")
        if x_settings.side != "top":
            bottom += 22 + (20 if x_settings.title.text else 0)
        if any(self._colourbar_side(t) == "below" for t in self.fig.data):
            bottom += 45
        if svg_legend.entries(self.fig) and self.layout.legend.yref != "container":
            bottom += svg_legend.ROW_PX * svg_legend.rows(self.fig, self.width)
        self.plot = (left, top, self.width - right, self.height - bottom)
        x0, y0, x1, y1 = self.plot
        for key, axis in self.axes.items():
            reverse = self._settings(key).autorange == "reversed"
            if key == "x":
                axis.px0, axis.px1 = (x1, x0) if reverse else (x0, x1)
            else:
                axis.px0, axis.px1 = (y0, y1) if reverse else (y1, y0)

    def _colourbar_side(self, trace: Any) -> str | None:
        """Where a trace's colour scale sits: 'right', 'below' or None (none shown)."""
        if trace.type == "heatmap":
            if trace.showscale is False:
                return None
            bar = trace.colorbar
        elif trace.type == "bar" and trace.marker.colorscale is not None:
            bar = trace.marker.colorbar
        else:
            return None
        return "below" if bar.orientation == "h" else "right"

    # -- the drawing ----------------------------------------------------------------
    def svg(self) -> str:
        x0, y0, x1, y1 = self.plot
        label = svg_legend.title_text(self.layout)
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chi-first-paint" width="100%" '
            f'height="{self.height}" viewBox="0 0 {self.width} {self.height}" '
            f'preserveAspectRatio="xMinYMin meet" role="img" aria-label="{label}">',
            f'<rect width="{self.width}" height="{self.height}" fill="white"/>',
            f'<clipPath id="chi-plot"><rect x="{x0 - 6}" y="{y0 - 6}" '
            f'width="{x1 - x0 + 12}" height="{y1 - y0 + 12}"/></clipPath>',
            *self._grid_and_ticks(),
            '<g clip-path="url(#chi-plot)">',
        ]
        traces = sorted(self.fig.data, key=lambda t: ("heatmap", "bar", "scatter").index(t.type))
        for trace in traces:
            parts += getattr(self, f"_{trace.type}")(trace)
        parts.append("</g>")
        parts += self._shapes()
        parts += svg_legend.title(self.layout)
        parts += svg_legend.legend(self.fig, self.width, self.height)
        parts.append("</svg>")
        return "".join(parts)

    def _grid_and_ticks(self) -> list[str]:
        x0, y0, x1, y1 = self.plot
        parts = []
        x_axis, x_settings = self.axes["x"], self._settings("x")
        label_y = y0 - 8 if x_settings.side == "top" else y1 + 18
        for px, text in x_axis.ticks():
            if x_settings.showgrid:
                parts.append(_line(px, y0, px, y1, x_settings.gridcolor or "#eee"))
            # a label at the drawing's right edge ends there instead of running off it
            edge = px + 4 * len(text) > self.width
            parts.append(label(px, label_y, text, anchor="end" if edge else "middle"))
        if x_settings.title.text:
            parts.append(label((x0 + x1) / 2, y1 + 40, x_settings.title.text, anchor="middle"))
        for key in ("y", "y2"):
            if key not in self.axes:
                continue
            axis, settings = self.axes[key], self._settings(key)
            left = key == "y"
            for py, text in axis.ticks():
                if settings.showgrid is not False:
                    parts.append(_line(x0, py, x1, py, settings.gridcolor or "#eee"))
                x = x0 - 6 if left else x1 + 6
                parts.append(label(x, py + 4, text, anchor="end" if left else "start"))
            if settings.title.text:
                room = self._tick_room(key) + 12
                x = x0 - room if left else x1 + room
                turn = -90 if left else 90
                parts.append(
                    label(x, (y0 + y1) / 2, settings.title.text, anchor="middle", turn=turn)
                )
        return parts

    def _scatter(self, trace: Any) -> list[str]:
        x_axis, y_axis = self.axes["x"], self.axes[_on_axis(trace, "y")]
        xs, ys = _values(trace, "x"), _values(trace, "y")
        points = [(x_axis.place(x), y_axis.place(y)) for x, y in zip(xs, ys, strict=False)]
        mode = trace.mode or "lines+markers"
        colour = colour_of(
            trace.line.color or trace.marker.color, 0, svg_legend.default_colour(self.fig, trace)
        )
        opacity = f' opacity="{trace.opacity}"' if trace.opacity not in (None, 1) else ""
        parts = [f"<g{opacity}>"]
        if "lines" in mode:
            run: list[str] = []
            for px, py in [*points, (None, None)]:
                if px is None or py is None:
                    if len(run) > 1:
                        parts.append(
                            f'<polyline points="{" ".join(run)}" fill="none" '
                            f'stroke="{colour}" stroke-width="{trace.line.width or 2}"'
                            f"{dash_of(trace.line.dash)}/>"
                        )
                    run = []
                else:
                    run.append(f"{px:.1f},{py:.1f}")
        parts += self._error_bars(trace, points, x_axis, y_axis)
        if "markers" in mode:
            for i, (px, py) in enumerate(points):
                if px is not None and py is not None:
                    parts.append(marker_shape(trace.marker, i, px, py, colour))
        if "text" in mode and trace.text is not None:
            texts = [trace.text] * len(points) if isinstance(trace.text, str) else trace.text
            for (px, py), text in zip(points, texts, strict=False):
                if px is not None and py is not None and text:
                    parts.append(label(px, py - 9, text, anchor="middle", size=10, fill="#4b5563"))
        parts.append("</g>")
        return parts

    def _error_bars(self, trace: Any, points: list, x_axis: Axis, y_axis: Axis) -> list[str]:
        parts = []
        for letter, axis in (("x", x_axis), ("y", y_axis)):
            error = getattr(trace, f"error_{letter}")
            for i, low, high in _error_spans(trace, letter):
                px, py = points[i]
                if px is None or py is None:
                    continue
                a, b = axis.place(low), axis.place(high)
                ends = (a, py, b, py) if letter == "x" else (px, a, px, b)
                parts.append(_line(*ends, error.color or "#9ca3af", error.thickness or 2))
        return parts

    def _bar(self, trace: Any) -> list[str]:
        horizontal = _bar_horizontal(trace)
        x_axis, y_axis = self.axes["x"], self.axes[_on_axis(trace, "y")]
        at_axis, value_axis = (y_axis, x_axis) if horizontal else (x_axis, y_axis)
        places, values = _values(trace, "y"), _values(trace, "x")
        if not horizontal:
            places, values = values, places
        widths = trace.width if trace.width is not None else 0.8
        texts = trace.text if isinstance(trace.text, (list, tuple)) else None
        zero = value_axis.at(0.0)
        # barmode "group": the bar traces side by side in a place, the first one at the
        # axis' start (left; for horizontal bars, the bottom)
        bars = [t for t in self.fig.data if t.type == "bar"]
        grouped = self.layout.barmode == "group" and len(bars) > 1
        share = 1 / len(bars) if grouped else 1.0
        rank = bars.index(trace) - (len(bars) - 1) / 2 if grouped else 0.0
        direction = 1.0 if at_axis.px1 >= at_axis.px0 else -1.0
        parts = []
        for i, (place, value) in enumerate(zip(places, values, strict=False)):
            centre, end = at_axis.place(place), value_axis.place(value)
            if centre is None or end is None:
                continue
            width = widths[i] if isinstance(widths, (list, tuple)) else widths
            half = (width or 0.8) * share * at_axis.band() / 2
            centre += direction * rank * 2 * half
            fill = scale_colour(trace.marker, i, svg_legend.default_colour(self.fig, trace))
            if horizontal:
                x, y, w, h = min(zero, end), centre - half, abs(end - zero), 2 * half
            else:
                x, y, w, h = centre - half, min(zero, end), 2 * half, abs(end - zero)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"/>'
            )
            if texts and i < len(texts) and texts[i] and trace.textposition == "outside":
                tx, ty = (max(zero, end) + 4, centre + 4) if horizontal else (centre, end - 4)
                anchor = "start" if horizontal else "middle"
                parts.append(label(tx, ty, texts[i], anchor=anchor, size=11))
        return parts

    def _heatmap(self, trace: Any) -> list[str]:
        x_axis, y_axis = self.axes["x"], self.axes["y"]
        xs, ys, rows = _values(trace, "x"), _values(trace, "y"), _values(trace, "z")
        texts = _values(trace, "text")
        low, high = trace.zmin or 0.0, trace.zmax if trace.zmax is not None else 1.0
        half_w, half_h = x_axis.band() / 2, y_axis.band() / 2
        gap_x, gap_y = (trace.xgap or 0) / 2, (trace.ygap or 0) / 2
        parts = []
        for r, (y, row) in enumerate(zip(ys, rows, strict=False)):
            cy = y_axis.place(y)
            for c, (x, z) in enumerate(zip(xs, row, strict=False)):
                cx = x_axis.place(x)
                if z is None or cx is None or cy is None:
                    continue
                share = (z - low) / ((high - low) or 1.0)
                fill = colour_of(trace.colorscale, share, "#e5e7eb", scale=True)
                parts.append(
                    f'<rect x="{cx - half_w + gap_x:.1f}" y="{cy - half_h + gap_y:.1f}" '
                    f'width="{2 * (half_w - gap_x):.1f}" height="{2 * (half_h - gap_y):.1f}"'
                    f' fill="{fill}"/>'
                )
                cell = texts[r][c] if r < len(texts) and c < len(texts[r]) else ""
                if cell:
                    parts.append(label(cx, cy + 4, cell, anchor="middle"))
        return parts

    def _shapes(self) -> list[str]:
        parts = []
        x0, y0, x1, y1 = self.plot
        for shape in self.layout.shapes or ():
            if shape.type != "line" or shape.xref != "x":
                continue
            px0, px1 = self.axes["x"].place(shape.x0), self.axes["x"].place(shape.x1)
            if px0 is None or px1 is None:
                continue
            colour = shape.line.color or "#1f2937"
            parts.append(
                _line(px0, y1, px1, y0, colour, 1).replace("/>", f"{dash_of(shape.line.dash)}/>")
            )
        for note in self.layout.annotations or ():
            if note.xref == "x" and note.text and (px := self.axes["x"].place(note.x)) is not None:
                parts.append(label(px + 4, y0 + 12, note.text))
        return parts


def _line(xa: float, ya: float, xb: float, yb: float, colour: str, width: float = 1) -> str:
    return (
        f'<line x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" '
        f'stroke="{html.escape(str(colour))}" stroke-width="{width}"/>'
    )
