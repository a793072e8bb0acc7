"""SVG badges like a build badge: `happiness | 72`, coloured by the index band
(the board's colours), or a grey `happiness | n<20` when the brand is suppressed.
Pure functions returning a complete, valid SVG document (text is XML-escaped)."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from dashboard.charts.public import index_colour
from dashboard.views.public import Board, BrandScore

LABEL = "happiness"
LABEL_COLOUR = "#555"
SUPPRESSED_COLOUR = "#6b7280"  # darker than the board's grey: white text stays legible
# approximate advance widths of 11 px Verdana, enough to size the two boxes
_NARROW, _WIDE, _DEFAULT = set("ijlt.,:;|!'I1 "), set("mwMW%@"), 7.0


def text_width(text: str) -> float:
    return sum(3.6 if c in _NARROW else 10.0 if c in _WIDE else _DEFAULT for c in text)


def whole_points(index: float) -> str:
    """72.5 -> '73' (half up, not Python's half-to-even)."""
    return str(int(index + 0.5))


def badge(label: str, value: str, colour: str, title: str) -> str:
    left = round(text_width(label) + 12)
    right = round(text_width(value) + 12)
    width = left + right
    aria = quoteattr(f"{label}: {value}")

    def texts(x: float, text: str) -> str:
        body = escape(text)
        return (
            f'<text x="{x:.1f}" y="15" fill="#010101" fill-opacity=".3">{body}</text>'
            f'<text x="{x:.1f}" y="14">{body}</text>'
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
        f'viewBox="0 0 {width} 20" role="img" aria-label={aria}>'
        f"<title>{escape(title)}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<rect width="{width}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f"{texts(left / 2, label)}{texts(left + right / 2, value)}</g></svg>\n"
    )


def brand_badge(score: BrandScore, board: Board) -> str:
    """The badge of one public brand on the board."""
    period = board.period.label() if board.period else "no data"
    if score.suppressed:
        return badge(
            LABEL,
            f"n<{board.min_n}",
            SUPPRESSED_COLOUR,
            f"{score.brand}: Customer Happiness Index not published, fewer than "
            f"{board.min_n} conversations ({period})",
        )
    return badge(
        LABEL,
        whole_points(score.index),
        index_colour(score.index),
        f"{score.brand}: Customer Happiness Index {score.index:.1f} "
        f"(n={score.n:,}, {period}, methodology {board.methodology_version})",
    )


NOT_PUBLISHED = "not published"


def not_published_badge() -> str:
    """The grey badge of a brand that is not on the public board (unknown, or not
    listed under [public] brands): an image where one was embedded, never a broken one,
    and naming no brand (the request's name is not echoed)."""
    return badge(
        LABEL,
        NOT_PUBLISHED,
        SUPPRESSED_COLOUR,
        "Customer Happiness Index: this brand is not published on the public board",
    )
