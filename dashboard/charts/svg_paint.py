"""Colours, markers and text of a chart drawn on the server (charts/first_paint.py), read
from a Plotly trace's own settings. Text from the data arrives escaped for Plotly
(formatting.label) and leaves escaped for SVG; a colour that is not a plain colour is
never written out."""

from __future__ import annotations

import html
import re
from typing import Any

_TAG = re.compile(r"<br\s*/?>|</?(b|i|sup|sub|span)[^>]*>", re.IGNORECASE)
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|rgba?\([0-9., %]+\)|[a-zA-Z]{3,20})$")
_DASHES = {"dot": "2,3", "dash": "6,4", "dashdot": "6,3,2,3", "longdash": "10,4"}


def _plain_text(text: Any) -> str:
    """Plotly label text as the reader sees it: its markup dropped (a line break a
    space), its entities read."""
    plain = _TAG.sub(lambda m: " " if m.group(0).lower().startswith("<br") else "", str(text))
    return html.unescape(plain).strip()


def text_of(text: Any) -> str:
    """Plotly label text as SVG text: read (_plain_text), then escaped again."""
    return html.escape(_plain_text(text))


def label(
    x: float,
    y: float,
    text: Any,
    *,
    anchor: str = "start",
    size: int = 12,
    fill: str = "#444",
    turn: int = 0,
    cut: int | None = None,
) -> str:
    """A text element at (x, y): `anchor` start, middle or end; `turn` degrees about
    its point; longer than `cut` characters: cut, with an ellipsis."""
    shown = _plain_text(text)
    if cut is not None and len(shown) > cut:
        shown = shown[: cut - 1] + "…"
    place = (
        f'transform="translate({x:.1f},{y:.1f}) rotate({turn})"'
        if turn
        else f'x="{x:.1f}" y="{y:.1f}"'
    )
    return (
        f'<text {place} text-anchor="{anchor}" font-family="sans-serif" '
        f'font-size="{size}" fill="{fill}">{html.escape(shown)}</text>'
    )


def _plain(colour: Any) -> str | None:
    return colour if isinstance(colour, str) and _COLOUR.match(colour.strip()) else None


def _hex(colour: str) -> tuple[int, int, int] | None:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    if len(digits) != 6:
        return None
    try:
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    except ValueError:
        return None


def _interpolate(scale: Any, share: float, default: str) -> str:
    """The colour at `share` (0-1) of a Plotly colour scale [[position, colour], ...]."""
    if not isinstance(scale, (list, tuple)) or not scale:
        return default
    share = min(1.0, max(0.0, share))
    stops = [(float(position), str(colour)) for position, colour in scale]
    for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
        if p0 <= share <= p1:
            a, b = _hex(c0), _hex(c1)
            if a is None or b is None:
                return _plain(c0) or default
            t = (share - p0) / ((p1 - p0) or 1.0)
            mixed = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
            return "#" + "".join(f"{v:02x}" for v in mixed)
    return _plain(stops[-1][1]) or default


def colour_of(value: Any, index: float, default: str, *, scale: bool = False) -> str:
    """A plain colour: `value` itself, its `index`-th entry, or (`scale`) the colour at
    share `index` of the colour scale `value`; `default` otherwise."""
    if scale:
        return _interpolate(value, float(index), default)
    if isinstance(value, (list, tuple)):
        value = value[int(index)] if int(index) < len(value) else None
    return _plain(value) or default


def scale_colour(marker: Any, index: int, default: str) -> str:
    """The fill of point or bar `index`: its colour, or its number on the marker's
    colour scale (cmin-cmax)."""
    colour = marker.color
    if isinstance(colour, (list, tuple)):
        colour = colour[index] if index < len(colour) else None
    if isinstance(colour, (int, float)) and marker.colorscale is not None:
        low = marker.cmin if marker.cmin is not None else 0.0
        high = marker.cmax if marker.cmax is not None else 1.0
        return _interpolate(marker.colorscale, (colour - low) / ((high - low) or 1.0), default)
    return _plain(colour) or default


def dash_of(dash: Any) -> str:
    pattern = _DASHES.get(dash) if isinstance(dash, str) else None
    return f' stroke-dasharray="{pattern}"' if pattern else ""


def marker_shape(marker: Any, index: int, x: float, y: float, line_colour: str) -> str:
    """Point `index` of a trace: a filled or open circle, or a diamond."""
    symbol = marker.symbol
    if isinstance(symbol, (list, tuple)):
        symbol = symbol[index] if index < len(symbol) else None
    size = marker.size
    if isinstance(size, (list, tuple)):
        size = size[index] if index < len(size) else None
    radius = float(size or 6) / 2
    fill = scale_colour(marker, index, line_colour)
    if symbol == "diamond":
        r = radius * 1.2
        return (
            f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} '
            f'{x - r:.1f},{y:.1f}" fill="{fill}" stroke="white"/>'
        )
    if isinstance(symbol, str) and symbol.endswith("-open"):
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="white" '
            f'stroke="{fill}" stroke-width="1.5"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{fill}"/>'
