"""The public board's visuals: self-contained HTML + inline SVG (no scripts, no external
files), shared by the Streamlit pages (st.html) and the static export, plus the
brand card's Plotly history chart. Pure functions; every brand name is escaped."""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from html import escape

import plotly.graph_objects as go

from dashboard.charts.base import ACCENT, MUTED, base_layout
from dashboard.views.public import SPARK_WEEKS, Board, BrandScore, WeekPoint

GREY = "#6b7280"
# index bands (shared with the SVG badge): >= 75, >= 60, >= 45, below
BANDS: tuple[tuple[float, str], ...] = (
    (75, "#15803d"),
    (60, "#4d7c0f"),
    (45, "#b45309"),
    (0, "#b91c1c"),
)
ARROWS = {"up": ("▲", "#15803d"), "down": ("▼", "#b91c1c"), "flat": ("▬", GREY)}

CSS = """
.chi{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 color:#1f2937;max-width:980px;line-height:1.35}
.chi *{box-sizing:border-box}
.chi-title{font-size:1.35em;font-weight:700;margin:0 0 .15em}
.chi-sub,.chi-meta,.chi-foot{color:#6b7280;font-size:.8em}
.chi-sub{margin-bottom:.6em}
.chi-row{display:grid;grid-template-columns:2em minmax(0,1fr) 104px 6.6em;
 align-items:center;gap:.7em;padding:.55em .25em;border-bottom:1px solid #e5e7eb}
.chi-rank{color:#6b7280;text-align:right;font-variant-numeric:tabular-nums}
.chi-name{font-weight:600;overflow-wrap:break-word;word-break:normal;hyphens:manual}
.chi-name a{color:inherit;text-decoration:none}
.chi-name a:hover{text-decoration:underline}
.chi-score{text-align:right;white-space:nowrap}
.chi-index{font-size:1.5em;font-weight:700;font-variant-numeric:tabular-nums}
.chi-change{font-size:.8em;font-variant-numeric:tabular-nums;display:block}
.chi-none{color:#9ca3af;font-weight:600}
.chi-spark svg,.chi-spark img{display:block;width:100%;height:auto;max-width:100%}
.chi-foot{margin-top:.7em}
.chi-empty{padding:1em;border:1px dashed #d1d5db;border-radius:8px;color:#374151}
.chi-card{border:1px solid #e5e7eb;border-radius:10px;padding:1em 1.1em;max-width:560px}
.chi-card .chi-index{font-size:3em;line-height:1}
.chi-card .chi-change{display:inline;font-size:1em;margin-left:.5em}
.chi-bars{margin:.8em 0 .4em}
.chi-bar{display:grid;grid-template-columns:7.5em minmax(0,1fr) 3em;gap:.5em;
 align-items:center;font-size:.85em;margin:.2em 0}
.chi-track{background:#f3f4f6;border-radius:3px;height:.6em}
.chi-fill{background:#2563eb;border-radius:3px;height:.6em}
.chi-num{text-align:right;font-variant-numeric:tabular-nums}
@media (max-width:480px){
 .chi-row{grid-template-columns:1.4em minmax(0,1fr) auto;gap:.15em .5em;
  grid-template-areas:"rank name score" "rank spark score"}
 .chi-row>.chi-rank{grid-area:rank}
 .chi-row>div:nth-child(2){grid-area:name}
 .chi-row>.chi-spark{grid-area:spark;max-width:160px}
 .chi-row>.chi-score{grid-area:score}
 .chi-index{font-size:1.3em}
}
"""


def index_colour(index: float | None) -> str:
    if index is None:
        return "#9ca3af"
    return next(colour for floor, colour in BANDS if index >= floor)


def _ci_title(ci: tuple[float, float] | None) -> str:
    """A component's 95 % interval, as the tooltip of its number."""
    return "no interval" if ci is None else f"95% CI {ci[0]:.1f}–{ci[1]:.1f}"


def change_html(score: BrandScore) -> str:
    """'▲ +1.4 pts' in green, '▼ −2.0 pts' in red, '▬ 0.0 pts' grey; 'new' when unknown."""
    if score.direction is None:
        text = "no previous figure" if score.index is not None else ""
        return f'<span class="chi-change" style="color:{GREY}">{text}</span>'
    arrow, colour = ARROWS[score.direction]
    sign = "+" if score.change > 0 else "−" if score.change < 0 else "±"
    return (
        f'<span class="chi-change" style="color:{colour}">{arrow} '
        f"{sign}{abs(score.change):.1f} pts</span>"
    )


def value_range(series: list[tuple[WeekPoint, ...]]) -> tuple[float, float]:
    """A shared y range for sparklines, in tens, at least 20 points tall, within 0-100,
    so lines are readable and rows on one board stay comparable."""
    values = [p.index for points in series for p in points if p.index is not None]
    if not values:
        return 0.0, 100.0
    lo, hi = math.floor(min(values) / 10) * 10, math.ceil(max(values) / 10) * 10
    if hi - lo < 20:
        lo, hi = max(0, lo - 10), min(100, hi + 10)
    return float(lo), float(max(hi, lo + 10))


def sparkline_svg(
    points: tuple[WeekPoint, ...],
    width: int = 104,
    height: int = 30,
    y_range: tuple[float, float] = (0.0, 100.0),
) -> str:
    """The weekly index as an inline SVG polyline; suppressed weeks are gaps, the
    latest shown week is a dot."""
    label = "weekly index: " + ", ".join(
        f"{p.week_start:%d %b} {p.index:.1f}" for p in points if p.index is not None
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">',
        f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" '
        'stroke="#e5e7eb" stroke-width="1"/>',
    ]
    step = (width - 6) / max(len(points) - 1, 1)  # 3 px margins keep the end dot whole
    lo, hi = y_range

    def xy(i: int, p: WeekPoint) -> str:
        share = (min(max(p.index, lo), hi) - lo) / (hi - lo)
        return f"{3 + i * step:.1f},{height - 3 - (height - 6) * share:.1f}"

    runs: list[list[str]] = [[]]  # consecutive shown weeks; a suppressed week breaks the line
    for i, p in enumerate(points):
        if p.index is None:
            runs.append([])
        else:
            runs[-1].append(xy(i, p))
    for run in runs:
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{ACCENT}" '
                'stroke-width="1.5" stroke-linejoin="round"/>'
            )
        elif run:
            x, y = run[0].split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="1.2" fill="{ACCENT}"/>')
    shown = [(i, p) for i, p in enumerate(points) if p.index is not None]
    if shown:
        x, y = xy(*shown[-1]).split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="2.2" fill="{ACCENT}"/>')
    parts.append("</svg>")
    return "".join(parts)


def sparkline(
    points: tuple[WeekPoint, ...],
    inline: bool,
    width: int = 104,
    height: int = 30,
    y_range: tuple[float, float] = (0.0, 100.0),
) -> str:
    """Inline <svg> (static pages), or an <img> with the SVG as a data URI: Streamlit's
    st.html sanitiser drops inline SVG but keeps data-URI images."""
    svg = sparkline_svg(points, width, height, y_range)
    if inline:
        return svg
    data = base64.b64encode(svg.encode()).decode()
    alt = "weekly index" if not points else f"weekly index since {points[0].week_start:%d %b %Y}"
    return (
        f'<img src="data:image/svg+xml;base64,{data}" width="{width}" height="{height}" '
        f'alt="{alt}">'
    )


def _row(
    score: BrandScore,
    board: Board,
    href: Callable[[str], str | None],
    inline: bool,
    y_range: tuple[float, float],
) -> str:
    name = escape(score.brand)
    link = href(score.slug)
    if link:
        name = f'<a href="{escape(link)}" target="_self">{name}</a>'
    if score.suppressed:
        meta = f"not enough data ({score.conversations:,} conversations, fewer than {board.min_n})"
        value = f'<span class="chi-index chi-none">n&lt;{board.min_n}</span>'
    else:
        meta = f"n = {score.n:,}"
        if score.index_ci:
            meta += f" · 95% CI {score.index_ci[0]:.1f}–{score.index_ci[1]:.1f}"
        value = (
            f'<span class="chi-index" style="color:{index_colour(score.index)}">'
            f"{score.index:.1f}</span>{change_html(score)}"
        )
    rank = score.rank if score.rank is not None else "–"
    return (
        f'<div class="chi-row" data-brand="{escape(score.slug)}">'
        f'<div class="chi-rank">{rank}</div>'
        f'<div><div class="chi-name">{name}</div><div class="chi-meta">{meta}</div></div>'
        f'<div class="chi-spark">{sparkline(score.sparkline, inline, y_range=y_range)}</div>'
        f'<div class="chi-score">{value}</div></div>'
    )


def period_caption(board: Board) -> str:
    if board.period is None:
        return ""
    return (
        f"{board.period.days} days to {board.period.date_to:%d %b %Y} ({board.time_zone}), "
        f"change against the {board.previous.days} days before · n = conversations"
    )


def board_html(
    board: Board,
    href: Callable[[str], str | None] = lambda slug: None,
    methodology_href: str | None = None,
    empty_note: str = "",
    inline_svg: bool = True,
) -> str:
    """The ranked board (title, period, one row per brand, footer) as an HTML fragment."""
    head = (
        '<div class="chi-title">Customer Happiness Index</div>'
        f'<div class="chi-sub">{escape(period_caption(board))}</div>'
    )
    if not board.brands or board.period is None:
        note = empty_note or "No brands are published on this board yet."
        return f'<div class="chi">{head}<div class="chi-empty">{escape(note)}</div></div>'
    y_range = value_range([s.sparkline for s in board.brands])
    rows = "".join(_row(s, board, href, inline_svg, y_range) for s in board.brands)
    method = (
        f'<a href="{escape(methodology_href)}" target="_self">methodology</a>'
        if methodology_href
        else "methodology"
    )
    foot = (
        f'<div class="chi-foot">{_scale_note(y_range)}<br>'
        f"Index 0-100, higher is happier · {method} version "
        f"{escape(board.methodology_version)} · brands with fewer than {board.min_n} "
        "conversations in the period are not scored</div>"
    )
    return f'<div class="chi">{head}{rows}{foot}</div>'


def card_html(score: BrandScore, board: Board, inline_svg: bool = True) -> str:
    """One brand: index, change, n, period, the five components, the sparkline."""
    ranked = sum(1 for s in board.brands if not s.suppressed)
    if score.suppressed:
        main = (
            f'<span class="chi-index chi-none">n&lt;{board.min_n}</span>'
            f'<div class="chi-meta">Not enough data: fewer than {board.min_n} '
            "conversations in the period, so no index is published.</div>"
        )
        bars = ""
    else:
        previous = (
            "" if score.previous_index is None else f" · previous period {score.previous_index:.1f}"
        )
        interval = (
            f" · 95% CI {score.index_ci[0]:.1f}–{score.index_ci[1]:.1f}" if score.index_ci else ""
        )
        main = (
            f'<span class="chi-index" style="color:{index_colour(score.index)}">'
            f"{score.index:.1f}</span>{change_html(score)}"
            f'<div class="chi-meta">rank {score.rank} of {ranked} · n = {score.n:,} '
            f"conversations{interval}{previous}</div>"
        )
        bars = (
            '<div class="chi-bars">'
            + "".join(
                f'<div class="chi-bar"><span>{name.capitalize()}</span><div class="chi-track">'
                f'<div class="chi-fill" style="width:{value or 0:.1f}%"></div></div>'
                f'<span class="chi-num" title="{_ci_title(score.component_cis.get(name))}">'
                f"{'–' if value is None else f'{value:.1f}'}</span></div>"
                for name, value in score.components.items()
            )
            + "</div>"
        )
        if score.resolution_is_proxy:
            bars += (
                '<div class="chi-meta">Resolution uses the proxy "answered and not '
                'dropped" where conversations carry no resolved flag.</div>'
            )
    y_range = value_range([score.sparkline])
    spark = sparkline(score.sparkline, inline_svg, 520, 60, y_range)
    return (
        f'<div class="chi"><div class="chi-card" data-brand="{escape(score.slug)}">'
        f'<div class="chi-title">{escape(score.brand)}</div>'
        f'<div class="chi-sub">Customer Happiness Index · {escape(period_caption(board))}'
        f'</div>{main}{bars}<div class="chi-spark">{spark}</div>'
        f'<div class="chi-meta">{_scale_note(y_range)}</div></div></div>'
    )


def _scale_note(y_range: tuple[float, float]) -> str:
    return (
        f"line: weekly index, last {SPARK_WEEKS} weeks, scale {y_range[0]:.0f}-"
        f"{y_range[1]:.0f}; gaps are weeks under the minimum n"
    )


def history_figure(points: tuple[WeekPoint, ...]) -> go.Figure:
    """The brand's weekly index over all its data; suppressed weeks are gaps."""
    fig = go.Figure(
        go.Scatter(
            x=[p.week_start for p in points],
            y=[p.index for p in points],
            customdata=[
                (p.n, "" if p.ci is None else f"[95% CI {p.ci[0]:.1f}–{p.ci[1]:.1f}]")
                for p in points
            ],
            mode="lines+markers",
            connectgaps=False,
            line={"color": ACCENT, "width": 2},
            marker={"size": 4},
            hovertemplate="week of %{x|%d %b %Y}: %{y:.1f} %{customdata[1]} "
            "(n=%{customdata[0]:,})<extra></extra>",
            name="Weekly index",
        )
    )
    fig.update_yaxes(range=[0, 100], title_text="index (0-100)")
    fig.update_xaxes(linecolor=MUTED)
    return base_layout(fig, height=300)
