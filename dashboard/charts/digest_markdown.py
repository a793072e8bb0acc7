"""The digest as Markdown (what `chi digest` prints without --out, or writes to a .md
file): the same sections and numbers as the HTML, with text charts: a sparkline of
block characters (▁▂▃▄▅▆▇█, `·` for a week or month under min n) and bars of █, which
show in any Markdown viewer, terminal or plain-text email (inline SVG and data: URI
images do not render in most Markdown viewers and mail clients). Every value from the
data goes through formatting.plain, so a brand named '[x](http://...)' or '**x**'
reads as typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from dashboard.charts.digest_svg import spark_range
from dashboard.core.formatting import plain
from dashboard.core.vocabulary import LABELS
from dashboard.views.digest import SPARK_POINTS, BrandDigest, Digest, SparkPoint

BLOCKS = "▁▂▃▄▅▆▇█"
GAP = "·"
BAR_WIDTH = 12  # characters of the largest bar
ALERTS_SHOWN = 10


def text_sparkline(points: Sequence[SparkPoint]) -> str:
    """One block character per week or month, on spark_range's scale; · under min n."""
    lo, hi = spark_range(points)
    chars = []
    for p in points:
        if p.index is None:
            chars.append(GAP)
        else:
            share = (min(max(p.index, lo), hi) - lo) / (hi - lo)
            chars.append(BLOCKS[min(int(share * len(BLOCKS)), len(BLOCKS) - 1)])
    return "".join(chars)


def text_bar(value: float, top: float) -> str:
    """█ repeated in proportion to |value| / top (at least one for a non-zero value)."""
    if top <= 0 or value == 0:
        return ""
    return "█" * max(1, round(BAR_WIDTH * abs(value) / top))


def _signed(points: float) -> str:
    return f"{points:+.1f}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _ci(bounds: tuple[float, float] | None, signed: bool = False) -> str:
    if bounds is None:
        return ""
    if signed:
        return f"95% CI {bounds[0]:+.1f} to {bounds[1]:+.1f}"
    return f"95% CI {bounds[0]:.1f}–{bounds[1]:.1f}"


def _change(brand: BrandDigest, kind: str, min_n: int) -> str:
    if brand.change is not None:
        return f"**{_signed(brand.change)}** ({_ci(brand.change_ci, signed=True)})"
    if brand.previous_n == 0:
        return f"no conversations the previous {kind}"
    return f"none: the previous {kind} has {brand.previous_n:,} (fewer than {min_n})"


def brand_row(brand: BrandDigest, digest: Digest) -> str:
    """The brand's row of the summary table; under min n only "not enough data"."""
    name = plain(brand.brand) + (" \\*" if brand.resolution_is_proxy else "")
    if not brand.enough:
        return (
            f"| {name} | not enough data ({_plural(brand.n, 'conversation')}, fewer than "
            f"{digest.min_n}) | | | | |"
        )
    previous = "–" if brand.previous_index is None else f"{brand.previous_index:.1f}"
    return (
        f"| {name} | **{brand.index:.1f}** ({_ci(brand.index_ci)}) | "
        f"{_change(brand, digest.period.kind, digest.min_n)} | {previous} "
        f"(n = {brand.previous_n:,}) | {brand.n:,} | `{text_sparkline(brand.spark)}` |"
    )


def moved_markdown(brand: BrandDigest) -> list[str]:
    """What moved a brand's index: the sentence and a text bar per component."""
    parts = [(LABELS[p.component], p.points) for p in brand.contributions]
    if abs(brand.moved.availability) >= 0.05:
        parts.append(("Availability", brand.moved.availability))
    line = f"- **{plain(brand.brand)}.** {brand.summary}"
    if parts:
        top = max(abs(v) for _, v in parts)
        line += "  \n  " + " · ".join(
            f"{name} {_signed(v)} `{text_bar(v, top)}`" for name, v in parts
        )
    return [line]


def brands_markdown(digest: Digest) -> list[str]:
    kind = digest.period.kind
    what = "weeks" if kind == "week" else "months"
    lines = [f"## Brands, by conversations this {kind}", ""]
    if not digest.brands:
        return lines + ["No brand selected.", ""]
    lines += [
        f"| brand | index | change (pts) | previous {kind} | n | last {SPARK_POINTS} {what} |",
        "|---|---|---|---|--:|---|",
    ]
    lines += [brand_row(b, digest) for b in digest.brands]
    lines += [
        "",
        f"Trend: the index of the last {SPARK_POINTS} {what} as blocks on a scale of its own "
        f"per brand; {GAP} is a {kind} under {digest.min_n} conversations."
        + (
            " \\* Resolution uses the proxy “answered and not dropped” where conversations "
            "carry no resolved flag."
            if any(b.resolution_is_proxy for b in digest.brands)
            else ""
        ),
        "",
    ]
    scored = [b for b in digest.brands if b.enough]
    if scored:
        lines += ["## What moved it", ""]
        for brand in scored:
            lines += moved_markdown(brand)
        lines.append("")
    return lines


def movers_markdown(movers: pl.DataFrame, kind: str) -> list[str]:
    lines = ["## Movers", ""]
    if movers.is_empty():
        return lines + [f"No brand's index changed by more than its 95% interval this {kind}.", ""]
    ordered = movers.sort(
        [pl.col("direction") != "up", pl.col("change_points").abs()], descending=[False, True]
    )
    top = max(abs(v) for v in ordered["change_points"])
    lines += [
        f"| | brand | change (pts) | 95% CI | previous {kind} → now | n | |",
        "|---" * 7 + "|",
    ]
    for r in ordered.iter_rows(named=True):
        arrow = "▲" if r["direction"] == "up" else "▼"
        lines.append(
            f"| {arrow} | {plain(r['brand'])} | {_signed(r['change_points'])} | "
            f"{r['change_low']:+.1f} to {r['change_high']:+.1f} | "
            f"{r['index_before']:.1f} → {r['index_now']:.1f} | "
            f"{r['n_before']:,} → {r['n_now']:,} | {text_bar(r['change_points'], top)} |"
        )
    return lines + [""]


def alerts_markdown(alerts: pl.DataFrame, kind: str) -> list[str]:
    lines = ["## Alerts", ""]
    if alerts.is_empty():
        return lines + [f"No alerts this {kind}.", ""]
    lines += ["| day | brand · channel | metric | value | expected | score | n |", "|---" * 7 + "|"]
    for r in alerts.head(ALERTS_SHOWN).iter_rows(named=True):
        metric = str(r["metric"])
        fmt = "{:,.0f}" if metric == "volume" else "{:.1f}"
        where = plain(r["brand"]) + ("" if r["channel"] is None else f" · {plain(r['channel'])}")
        arrow = "▲" if r["direction"] == "up" else "▼"
        lines.append(
            f"| {r['day']:%a %d %b} | {where} | {arrow} {plain(LABELS.get(metric, metric).lower())}"
            f" | {fmt.format(r['value'])} | {fmt.format(r['expected'])} | {r['score']:+.1f} | "
            f"{r['n']:,} |"
        )
    more = alerts.height - ALERTS_SHOWN
    if more > 0:
        lines += ["", f"and {more:,} more (chi report alerts lists them all)"]
    return lines + [""]


def topics_markdown(topics: pl.DataFrame) -> list[str]:
    lines = ["## Top topics", ""]
    if topics.is_empty():
        return lines + ["No topic stands out this period.", ""]
    top = max(float(v) for v in topics["score"])
    # count: the messages that contain the term; n_messages: those with a mood
    lines += ["| brand | term | messages | mean mood (n) | score | |", "|---" * 6 + "|"]
    for r in topics.iter_rows(named=True):
        mood = "–" if r["mood"] is None else f"{r['mood']:+.2f} ({r['n_messages']:,})"
        lines.append(
            f"| {plain(r['brand'])} | {plain(r['term'])} | {r['count']:,} | "
            f"{mood} | {r['score']:.1f} | {text_bar(r['score'], top)} |"
        )
    return lines + [""]


def render_markdown(digest: Digest, generated_at: dt.datetime | None = None) -> str:
    p = digest.period
    kind_title = "Weekly" if p.kind == "week" else "Monthly"
    as_of = (
        "no timestamp in the data"
        if digest.as_of is None
        else f"{digest.as_of:%a %d %b %Y %H:%M} ({plain(digest.time_zone)})"
    )
    made = "" if generated_at is None else f" · generated {generated_at:%d %b %Y %H:%M %Z}"
    lines = [
        f"# Customer Happiness Index · {kind_title} digest",
        "",
        f"**{p.label()}** ({'Monday to Sunday' if p.kind == 'week' else 'the calendar month'}"
        f", {plain(digest.time_zone)}), compared with {p.previous_label()}  ",
        f"Data as of {as_of}{made} · methodology version "
        f"{plain(digest.methodology_version)} · minimum n {digest.min_n} conversations",
        "",
    ]
    lines += brands_markdown(digest)
    lines += movers_markdown(digest.movers, p.kind)
    lines += alerts_markdown(digest.alerts, p.kind)
    lines += topics_markdown(digest.topics)
    lines += [
        "---",
        "",
        "Index 0-100, higher is happier. Figures are rounded to one decimal; a change is the "
        "difference of the rounded figures and needs both periods to reach the minimum n; "
        "95% CI: the 95% interval (of a change: from both periods' intervals). n counts "
        "conversations, each in the period of its first customer message. Made by chi digest.",
        "",
    ]
    return "\n".join(lines)
