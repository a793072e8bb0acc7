"""The digest as one email-safe HTML document: tables for layout, inline CSS only
(style attributes: no <style> block, no class), no <script>, no external URL (no
font, no image from a host), charts as inline <svg> (dashboard/charts/digest_svg.py).
Every value from the data is escaped with html.escape: a brand may be named
'<script>...'. Each section is a function of plain data (a Digest, a frame), so the
alerts, movers and topics sections render from any frame of their documented shape.
"""

from __future__ import annotations

import datetime as dt
from html import escape as _escape

import polars as pl

from dashboard.charts import digest_svg
from dashboard.charts.public import index_colour
from dashboard.core.formatting import unlinked
from dashboard.core.vocabulary import LABELS
from dashboard.views.digest import SPARK_POINTS, BrandDigest, Digest

INK, GREY, LINE = "#1f2937", "#6b7280", "#e5e7eb"
UP, DOWN = "#15803d", "#b91c1c"
FONT = "font-family:Arial,Helvetica,sans-serif"
CELL = f"padding:14px 20px;border-top:1px solid {LINE};{FONT};color:{INK}"
ROW = f"padding:8px 20px;border-top:1px solid {LINE};{FONT};color:{INK}"
HEAD = f"padding:16px 20px 6px;border-top:1px solid {LINE};{FONT};color:{INK};font-size:16px;"
HEAD += "font-weight:bold"
SMALL = f"font-size:12px;color:{GREY}"  # inside a cell that sets the font
TH = f"text-align:left;font-size:11px;color:{GREY};font-weight:normal;padding:2px 6px;{FONT}"
TD = f"font-size:13px;padding:4px 6px;border-top:1px solid {LINE};vertical-align:middle;{FONT}"
ALERTS_SHOWN = 10
# the page may load nothing from anywhere (a browser that opens the file obeys it)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def escape(value: object) -> str:
    """A value as HTML text that shows exactly it: markup escaped, and no URL a mail
    client would turn into a link (formatting.unlinked)."""
    return _escape(unlinked(value))


def data_text(value: object) -> str:
    """A name from the data (brand, channel, term): escaped, and free to wrap anywhere,
    so a long one wraps instead of widening the email past a phone's screen."""
    return f'<span style="overflow-wrap:anywhere">{escape(value)}</span>'


def title(digest: Digest) -> str:
    kind = "Weekly" if digest.period.kind == "week" else "Monthly"
    return f"Customer Happiness Index · {kind} digest · {digest.period.label()}"


def _signed(points: float) -> str:
    """'+2.5', '−1.0' (a true minus), '±0.0'."""
    sign = "+" if points > 0 else "−" if points < 0 else "±"
    return f"{sign}{abs(points):.1f}"


def _ci(bounds: tuple[float, float] | None, signed: bool = False) -> str:
    if bounds is None:
        return ""
    low, high = (_signed(b) for b in bounds) if signed else (f"{b:.1f}" for b in bounds)
    return f"95% CI {low} to {high}" if signed else f"95% CI {low}–{high}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _days(kind: str) -> str:
    return "Monday to Sunday" if kind == "week" else "the calendar month"


def header(digest: Digest, generated_at: dt.datetime | None) -> str:
    p = digest.period
    as_of = (
        "no timestamp in the data"
        if digest.as_of is None
        else f"{digest.as_of:%a %d %b %Y %H:%M} ({escape(digest.time_zone)})"
    )
    made = "" if generated_at is None else f" · generated {generated_at:%d %b %Y %H:%M %Z}"
    return (
        f'<tr><td style="padding:18px 20px 12px;{FONT};color:{INK}">'
        '<div style="font-size:20px;font-weight:bold">Customer Happiness Index</div>'
        f'<div data-period style="font-size:15px;margin-top:4px">{escape(p.label())} '
        f"({_days(p.kind)}, {escape(digest.time_zone)}), compared with "
        f"{escape(p.previous_label())}</div>"
        f'<div data-as-of style="{SMALL};margin-top:4px">Data as of {as_of}{made} · '
        f"methodology version {escape(digest.methodology_version)} · minimum n "
        f"{digest.min_n} conversations</div></td></tr>"
    )


def change_html(brand: BrandDigest, kind: str) -> str:
    """'▲ +2.5 pts (95% CI ...)' coloured, or why there is no change."""
    if brand.change is None:
        if brand.previous_n == 0:
            reason = f"no conversations the previous {kind}"
        else:
            reason = (
                f"no change: the previous {kind} has {_plural(brand.previous_n, 'conversation')}"
                f" (fewer than {brand.moved.min_n})"
            )
        return f'<span style="font-size:13px;color:{GREY}">{reason}</span>'
    arrow = "▲" if brand.change > 0 else "▼" if brand.change < 0 else "▬"
    colour = GREY  # grey unless the change's 95 % interval excludes 0
    if brand.change_ci is not None and (brand.change_ci[0] > 0 or brand.change_ci[1] < 0):
        colour = UP if brand.change > 0 else DOWN
    interval = _ci(brand.change_ci, signed=True)
    return (
        f'<span data-change style="font-size:15px;font-weight:bold;color:{colour}">'
        f"{arrow} {_signed(brand.change)} pts</span>"
        f'<span style="font-size:12px;color:{GREY}"> {interval}</span>'
    )


def brand_html(brand: BrandDigest, digest: Digest) -> str:
    """The brand's row of the summary: name, index with n and interval, change with its
    interval, the sparkline; under min n only "not enough data"."""
    kind = digest.period.kind
    name = (
        f'<div style="font-size:15px;font-weight:bold">'
        f"{data_text(brand.brand)}{' *' if brand.resolution_is_proxy else ''}</div>"
    )
    if not brand.enough:
        return (
            f'<tr><td data-brand="{escape(brand.brand)}" style="{ROW}">{name}'
            f'<div style="font-size:13px;color:{GREY};margin-top:2px">not enough data: '
            f"{_plural(brand.n, 'conversation')} this {kind}, fewer than {digest.min_n}, so "
            "no index and no change</div></td></tr>"
        )
    previous = (
        ""
        if brand.previous_index is None
        else f" · previous {kind} {brand.previous_index:.1f} (n = {brand.previous_n:,})"
    )
    return (
        f'<tr><td data-brand="{escape(brand.brand)}" style="{ROW}">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="border-collapse:collapse"><tr><td valign="top">'
        f"{name}<div>"
        f'<span data-index style="font-size:26px;font-weight:bold;'
        f'color:{index_colour(brand.index)}">{brand.index:.1f}</span> '
        f"{change_html(brand, kind)}</div>"
        f'<div style="{SMALL}">n = {_plural(brand.n, "conversation")} · '
        f"{_ci(brand.index_ci)}{previous}</div></td>"
        f'<td valign="middle" align="right" width="35%" style="padding-left:8px">'
        f"{digest_svg.sparkline(brand.spark, kind)}</td></tr></table></td></tr>"
    )


def moved_html(brand: BrandDigest) -> str:
    """What moved a brand's index: the sentence and one bar per component."""
    bars = (
        digest_svg.contribution_bars(brand.contributions, brand.moved.availability)
        if brand.contributions
        else ""
    )
    return (
        f'<tr><td data-moved="{escape(brand.brand)}" style="{ROW}">'
        f'<div style="font-size:13px"><b>{escape(brand.brand)}.</b> {escape(brand.summary)}'
        f'</div><div style="margin-top:4px">{bars}</div></td></tr>'
    )


def brands_html(digest: Digest) -> str:
    """The summary of every brand, then what moved each scored brand."""
    kind = digest.period.kind
    what = "weeks" if kind == "week" else "months"
    if not digest.brands:
        return _section("brands", "Brands", _note("No brand selected."))
    spark_note = (
        f"Lines: the index of the last {SPARK_POINTS} {what} (hover a point for its n); a gap "
        f"is a {kind} under {digest.min_n} conversations. A change is green or red when its "
        "95% interval excludes 0, grey when it does not (it may be noise)."
    )
    proxy = (
        ' * Resolution uses the proxy "answered and not dropped" where conversations carry '
        "no resolved flag."
        if any(b.resolution_is_proxy for b in digest.brands)
        else ""
    )
    rows = "".join(brand_html(b, digest) for b in digest.brands)
    summary = (
        f'<tr><td style="{HEAD}">Brands, by conversations this {kind}'
        f'<div style="{SMALL};font-weight:normal">{escape(spark_note + proxy)}</div></td></tr>'
        f"{rows}"
    )
    scored = [b for b in digest.brands if b.enough]
    if not scored:
        return summary
    moved = "".join(moved_html(b) for b in scored)
    return (
        f'{summary}<tr><td style="{HEAD}">What moved it'
        f'<div style="{SMALL};font-weight:normal">Index points each component added to the '
        f"change against the previous {kind} (docs/METRICS.md, What moved it).</div>"
        f"</td></tr>{moved}"
    )


def _section(name: str, heading: str, body: str) -> str:
    return (
        f'<tr><td data-section="{name}" style="{CELL}">'
        f'<div style="font-size:16px;font-weight:bold;margin-bottom:6px">{heading}</div>'
        f"{body}</td></tr>"
    )


def _note(text: str) -> str:
    return f'<div style="font-size:13px;color:{GREY}">{escape(text)}</div>'


def _table(head: list[str], rows: list[list[str]]) -> str:
    ths = "".join(f'<th style="{TH}">{h}</th>' for h in head)
    trs = "".join("<tr>" + "".join(f'<td style="{TD}">{c}</td>' for c in r) + "</tr>" for r in rows)
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="border-collapse:collapse"><tr>{ths}</tr>{trs}</table>'
    )


def movers_html(movers: pl.DataFrame, kind: str) -> str:
    """The brands whose index moved by more than its interval, up then down."""
    if movers.is_empty():
        return _section(
            "movers",
            "Movers",
            _note(f"No brand's index changed by more than its 95% interval this {kind}."),
        )
    ordered = movers.sort(
        [pl.col("direction") != "up", pl.col("change_points").abs()], descending=[False, True]
    )
    scale = max(
        abs(v) for c in ("change_points", "change_low", "change_high") for v in ordered[c] if v
    )
    rows = []
    for r in ordered.iter_rows(named=True):
        arrow, colour = ("▲", UP) if r["direction"] == "up" else ("▼", DOWN)
        rows.append(
            [
                f'<span style="color:{colour}">{arrow}</span> {data_text(r["brand"])}',
                f'<b style="color:{colour}">{_signed(r["change_points"])}</b>'
                f'<br><span style="{SMALL}">'
                f"{_ci((r['change_low'], r['change_high']), signed=True)}</span>"
                + digest_svg.change_bar(
                    r["change_points"], r["change_low"], r["change_high"], scale
                ),
                f"{r['index_before']:.1f} → {r['index_now']:.1f}<br>"
                f'<span style="{SMALL}">n = {r["n_before"]:,} → {r["n_now"]:,}</span>',
            ]
        )
    body = _table(["brand", "change (pts)", f"index (previous {kind} → now)"], rows)
    return _section("movers", "Movers", body)


def _alert_value(metric: str, value: float) -> str:
    return f"{value:,.0f}" if metric == "volume" else f"{value:.1f}"


def alerts_html(alerts: pl.DataFrame, kind: str) -> str:
    """The days that broke their own pattern, newest first (at most ALERTS_SHOWN)."""
    if alerts.is_empty():
        return _section("alerts", "Alerts", _note(f"No alerts this {kind}."))
    rows = []
    for r in alerts.head(ALERTS_SHOWN).iter_rows(named=True):
        metric = str(r["metric"])
        unit = "conversations" if metric == "volume" else "points"
        where = data_text(r["brand"]) + (
            "" if r["channel"] is None else f" · {data_text(r['channel'])}"
        )
        arrow = "▲" if r["direction"] == "up" else "▼"
        rows.append(
            [
                f"{r['day']:%a %d %b}",
                where,
                f"{arrow} {escape(LABELS.get(metric, metric).lower())}",
                f"<b>{_alert_value(metric, r['value'])}</b> against "
                f"{_alert_value(metric, r['expected'])} expected<br>"
                f'<span style="{SMALL}">score {r["score"]:+.1f} · n = {r["n"]:,}</span>'
                + digest_svg.level_bars(float(r["value"]), float(r["expected"]), unit),
            ]
        )
    more = alerts.height - ALERTS_SHOWN
    tail = _note(f"and {more:,} more (chi report alerts lists them all)") if more > 0 else ""
    body = _table(["day", "brand · channel", "metric", "value against expected"], rows) + tail
    return _section("alerts", "Alerts", body)


def topics_html(topics: pl.DataFrame) -> str:
    """Each brand's top terms: how often, how much they stand out (score), their mood."""
    if topics.is_empty():
        return _section("topics", "Top topics", _note("No topic stands out this period."))
    top = max(float(v) for v in topics["score"])
    head = "".join(f'<th style="{TH}">{h}</th>' for h in ("term", "messages", "mean mood", "score"))
    rows = []
    for (brand,), group in topics.group_by("brand", maintain_order=True):
        rows.append(
            f'<tr><td colspan="4" style="{TD};font-weight:bold">{data_text(brand)}</td></tr>'
        )
        for r in group.iter_rows(named=True):
            # count: the messages that contain the term; n_messages: those with a mood
            mood = "–" if r["mood"] is None else f"{r['mood']:+.2f}"
            label = f"{r['term']}: score {r['score']:.1f}, {r['count']:,} messages"
            cells = (
                f"<b>{data_text(r['term'])}</b>",
                _plural(int(r["count"]), "message"),
                f'{mood}<br><span style="{SMALL}">n = {int(r["n_messages"]):,}</span>',
                f"{r['score']:.1f}"
                + digest_svg.share_bar(float(r["score"]), top, "#2563eb", label),
            )
            rows.append("<tr>" + "".join(f'<td style="{TD}">{c}</td>' for c in cells) + "</tr>")
    body = (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="border-collapse:collapse"><tr>{head}</tr>{"".join(rows)}</table>'
        f'<div style="{SMALL};margin-top:4px">Score: how much a term stands out for the brand '
        "against the other brands; mood: the mean sentiment (−1 to 1) of the messages "
        "with it.</div>"
    )
    return _section("topics", "Top topics", body)


def footer(digest: Digest) -> str:
    return (
        f'<tr><td style="{CELL};{SMALL}">Index 0-100, higher is happier. Figures are '
        "rounded to one decimal; a change is the difference of the rounded figures and "
        "needs both periods to reach the minimum n; 95% CI: the 95% interval (of a change: "
        "from both periods' intervals). n counts conversations, each in the period of its "
        f"first customer message. Brands with fewer than {digest.min_n} conversations are "
        "not scored. Made by chi digest.</td></tr>"
    )


def render_html(digest: Digest, generated_at: dt.datetime | None = None) -> str:
    """The whole digest as an HTML document, ready to send as an email body."""
    kind = digest.period.kind
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{escape(title(digest))}</title></head>\n"
        f'<body style="margin:0;padding:0;background:#f3f4f6">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="border-collapse:collapse;background:#f3f4f6"><tr><td align="center" '
        'style="padding:16px 8px">'
        '<table role="presentation" width="640" cellpadding="0" cellspacing="0" '
        'style="border-collapse:collapse;width:100%;max-width:640px;background:#ffffff;'
        f'border:1px solid {LINE};text-align:left">\n'
        f"{header(digest, generated_at)}\n{brands_html(digest)}\n"
        f"{movers_html(digest.movers, kind)}\n{alerts_html(digest.alerts, kind)}\n"
        f"{topics_html(digest.topics)}\n{footer(digest)}\n"
        "</table></td></tr></table></body></html>\n"
    )
