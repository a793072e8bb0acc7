"""The digest's small charts as inline SVG: no script, no external file, no font to
load, every text escaped. Each chart is a complete <svg> element with a size, a
role="img" and an aria-label that says what it shows (with n), and each mark carries
a <title> (the number and its n on hover in a browser). Email clients that drop SVG
lose nothing: the digest prints every number beside its chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape as _escape

from dashboard.charts.base import ACCENT, BAD, GOOD, MUTED
from dashboard.core.formatting import unlinked
from dashboard.core.vocabulary import LABELS
from dashboard.views.digest import SparkPoint
from dashboard.views.happiness import Contribution

GRID = "#e5e7eb"


def escape(value: object) -> str:
    """Text for an SVG title or label: markup escaped, no URL to autolink."""
    return _escape(unlinked(value))


FONT_FAMILY = "Arial,Helvetica,sans-serif"


def _svg(width: int, height: int, label: str, body: str, fluid: bool = False) -> str:
    """An <svg> element; a `fluid` one shrinks with its column (a phone), keeping its
    shape, up to its own width."""
    size = f"width:{width}px"
    if fluid:
        size = f"width:100%;max-width:{width}px;min-width:{width // 2}px;height:auto"
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" style="display:block;{size}">{body}</svg>'
    )


def spark_range(points: Sequence[SparkPoint]) -> tuple[float, float]:
    """A y range in tens around the shown values, at least 20 points tall, in 0-100."""
    values = [p.index for p in points if p.index is not None]
    if not values:
        return 0.0, 100.0
    lo, hi = math.floor(min(values) / 10) * 10, math.ceil(max(values) / 10) * 10
    if hi - lo < 20:
        lo, hi = max(0, lo - 10), min(100, hi + 10)
    return float(lo), float(max(hi, lo + 10))


def point_text(point: SparkPoint, kind: str) -> str:
    when = f"{point.start:%b %Y}" if kind == "month" else f"{point.start:%d %b %Y}"
    value = "not enough data" if point.index is None else f"{point.index:.1f}"
    return f"{when}: {value} (n={point.n:,})"


def sparkline(points: Sequence[SparkPoint], kind: str, width: int = 180, height: int = 40) -> str:
    """The index per week or month as a line; a point under min n is a gap; the last
    shown point is a larger dot."""
    lo, hi = spark_range(points)
    step = (width - 8) / max(len(points) - 1, 1)

    def xy(i: int, index: float) -> tuple[float, float]:
        share = (min(max(index, lo), hi) - lo) / (hi - lo)
        return 4 + i * step, height - 4 - (height - 8) * share

    body = [f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" stroke="{GRID}"/>']
    runs: list[list[tuple[float, float]]] = [[]]
    for i, p in enumerate(points):
        if p.index is None:
            runs.append([])
        else:
            runs[-1].append(xy(i, p.index))
    for run in runs:
        if len(run) > 1:
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            body.append(
                f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="1.6"/>'
            )
    shown = [i for i, p in enumerate(points) if p.index is not None]
    for i in shown:
        x, y = xy(i, points[i].index)
        radius = 3 if i == shown[-1] else 1.8
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{ACCENT}">'
            f"<title>{escape(point_text(points[i], kind))}</title></circle>"
        )
    # the points' figures are in their titles (and printed beside the chart): the label
    # says what the line is and its latest point
    what = "monthly" if kind == "month" else "weekly"
    latest = point_text(points[shown[-1]], kind) if shown else "no point with enough data"
    label = f"{what} index, last {len(points)}, scale {lo:.0f}-{hi:.0f}; latest {latest}"
    return _svg(width, height, label, "".join(body), fluid=True)


def contribution_bars(
    parts: Sequence[Contribution], availability: float = 0.0, width: int = 260
) -> str:
    """What moved the index: one bar per component, right (green) for points gained,
    left (red) for points lost, on a scale symmetric around 0."""
    rows = [(LABELS[p.component], p.points) for p in parts]
    if abs(availability) >= 0.05:
        rows.append(("Availability", availability))
    row_h, label_w, value_w = 16, 78, 44
    height = row_h * max(len(rows), 1) + 4
    scale = max([abs(v) for _, v in rows] + [1.0])
    half = (width - label_w - value_w) / 2
    zero = label_w + half
    body = []
    for k, (name, points) in enumerate(rows):
        y = 2 + k * row_h
        length = half * abs(points) / scale
        x = zero if points >= 0 else zero - length
        colour = GOOD if points >= 0 else BAD
        text = f"{name} {points:+.1f} points"
        body.append(
            f'<text x="{label_w - 4}" y="{y + 11}">{escape(name)}</text>'
            f'<rect x="{x:.1f}" y="{y + 2}" width="{max(length, 0.8):.1f}" height="{row_h - 5}" '
            f'fill="{colour}"><title>{escape(text)}</title></rect>'
            f'<text x="{width - 2}" y="{y + 11}">{points:+.1f}</text>'
        )
    body.append(f'<line x1="{zero}" y1="0" x2="{zero}" y2="{height}" stroke="{MUTED}"/>')
    # one group carries the text style (SVG inherits it): a smaller email
    body = [
        f'<g font-size="11" fill="#374151" text-anchor="end" font-family="{FONT_FAMILY}">',
        *body,
        "</g>",
    ]
    label = "what moved the index, in points: " + ", ".join(
        f"{name} {points:+.1f}" for name, points in rows
    )
    return _svg(width, height, label, "".join(body), fluid=True)


def change_bar(
    change: float, low: float | None, high: float | None, scale: float, width: int = 120
) -> str:
    """A change in points as a dot with its 95 % interval as a whisker, around a 0 line,
    on a shared scale (the largest |bound| of the section)."""
    height = 18
    scale = max(scale, 1.0)

    def x(v: float) -> float:
        return 4 + (width - 8) * (min(max(v, -scale), scale) + scale) / (2 * scale)

    colour = GOOD if change > 0 else BAD if change < 0 else MUTED
    body = [f'<line x1="{x(0):.1f}" y1="1" x2="{x(0):.1f}" y2="{height - 1}" stroke="{MUTED}"/>']
    if low is not None and high is not None:
        body.append(
            f'<line x1="{x(low):.1f}" y1="9" x2="{x(high):.1f}" y2="9" stroke="{colour}" '
            'stroke-width="2"/>'
        )
    interval = "" if low is None or high is None else f" (95% CI {low:+.1f} to {high:+.1f})"
    text = f"change {change:+.1f} points{interval}"
    body.append(
        f'<circle cx="{x(change):.1f}" cy="9" r="4" fill="{colour}">'
        f"<title>{escape(text)}</title></circle>"
    )
    return _svg(width, height, text, "".join(body))


def level_bars(value: float, expected: float, unit: str, width: int = 110, title: str = "") -> str:
    """An alert: the day's value (coloured) against what was expected (grey), two bars
    on a scale from 0 to the larger of the two."""
    top = max(abs(value), abs(expected), 1e-9)
    body = []
    for k, (name, v, colour) in enumerate(
        (("expected", expected, MUTED), ("value", value, BAD if value < expected else ACCENT))
    ):
        length = (width - 2) * abs(v) / top
        body.append(
            f'<rect x="1" y="{2 + k * 9}" width="{max(length, 0.8):.1f}" height="7" '
            f'fill="{colour}"><title>{escape(f"{name} {v:,.1f} {unit}")}</title></rect>'
        )
    label = title or f"value {value:,.1f} {unit} against expected {expected:,.1f}"
    return _svg(width, 20, label, "".join(body))


def share_bar(value: float, top: float, colour: str, label: str, width: int = 90) -> str:
    """One horizontal bar, `value` of `top` (a topic's score against the top one's)."""
    length = (width - 2) * max(value, 0.0) / top if top > 0 else 0.0
    body = (
        f'<rect x="1" y="3" width="{width - 2}" height="8" fill="#f3f4f6"/>'
        f'<rect x="1" y="3" width="{max(length, 0.8):.1f}" height="8" fill="{colour}">'
        f"<title>{escape(label)}</title></rect>"
    )
    return _svg(width, 14, label, body)
