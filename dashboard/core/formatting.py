"""How numbers read on screen: durations, percentages, changes; and how text from a
link or the data is shown as plain text (`plain` for Markdown, `label` for Plotly)."""

from __future__ import annotations

import re
from collections.abc import Iterable

# The characters that start Markdown in CommonMark, GitHub's extensions and Streamlit's
# own syntax, each shown as itself once backslash-escaped: links and images ([ ] ( ) !),
# emphasis and code (* _ ` ~), HTML and autolinks (< > & and the : . @ of
# http://x.y, www.x.y, a@b.c), headings, quotes and list items (# > - + . at a line
# start), tables (|), LaTeX ($), directives ({ } and :color[...], :material/...:).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&@])")
_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\u2028\u2029]+\s*")
# GitHub's autolinks (http://x, https://x, www.x, a@b.c, mailto:, xmpp:) are found in
# the text after the escapes are read (Streamlit's renderer turns them into links
# anyway), so an invisible word joiner breaks each pattern: after the ':' of '://' and
# of mailto:/xmpp:, after 'www', before '@'. It shows as nothing and does not wrap.
WORD_JOINER = "\u2060"
_AUTOLINK_BREAKS = re.compile(r"(?<=:)(?=//)|(?i:(?<=\bwww)(?=\.)|(?<=mailto:)|(?<=xmpp:))|(?=@)")
# Plotly renders a little HTML in every label (<a href>, <b>, <br>, <span style>) and
# decodes &amp; &lt; &gt; (and numeric entities): escaping these three shows the text.
_PLOTLY_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_PLOTLY_SPECIAL = re.compile("[&<>]")


def plain(text: object) -> str:
    """`text` (a value from a link or the data: a brand, channel, agent id, file name)
    as Markdown that shows exactly that text: no link, no emphasis, no heading, on one
    line. For every st.markdown / st.caption / st.info / ... that interpolates such a
    value; the sentence around it may keep its own Markdown."""
    one_line = _LINE_BREAKS.sub(" ", "" if text is None else str(text))
    unlinked = _AUTOLINK_BREAKS.sub(WORD_JOINER, one_line)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", unlinked)


def unlinked(text: object) -> str:
    """`text` with an invisible word joiner in every autolink pattern (http://x, www.x,
    a@b.c, mailto:), so a mail client or renderer that links URLs in plain text finds
    none in a value from the data (the digest's HTML, after html.escape)."""
    return _AUTOLINK_BREAKS.sub(WORD_JOINER, "" if text is None else str(text))


def label(text: object) -> str:
    """`text` from the data as a Plotly label, hover text, tick, legend name or
    annotation that shows exactly that text (a brand named '<a href=...>x</a>' is no
    link). None reads as the empty string."""
    raw = "" if text is None else str(text)
    return _PLOTLY_SPECIAL.sub(lambda m: _PLOTLY_ENTITIES[m.group(0)], raw)


def labels(values: Iterable[object]) -> list[str | None]:
    """`label` of each value, None kept (a gap on a category axis stays a gap)."""
    return [None if v is None else label(v) for v in values]


# One format for every n: thousands separated ('2,365'), in text ('n = 2,365',
# formatting.count), on charts (Plotly's '%{customdata:,}') and in tables (Streamlit's
# NumberColumn(format=COUNT_FORMAT), which separates thousands in the reader's locale).
COUNT_FORMAT = "localized"


def count(n: int | float | None) -> str:
    """A count as text: '2,365' ('–' without one)."""
    return "–" if n is None else f"{n:,.0f}"


def sketch_accuracy(relative_accuracy: float) -> str:
    """How close a median or percentile from the response-time sketch is to the exact
    one ([percentiles] relative_accuracy; docs/METRICS.md, "Percentiles"): 'within ±1 %
    (sketch)'."""
    return f"within ±{relative_accuracy * 100:g} % (sketch)"


# the same, for column help texts built without the config: the default accuracy
SKETCH_NOTE = "from the response-time sketch: within ±1 % at the default [percentiles] accuracy"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.1f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def hours(minutes: float | None) -> str:
    """Staff time in hours: '41.9 h' (work time reads in hours, not days)."""
    if minutes is None:
        return "–"
    return f"{minutes / 60:,.1f} h"


def value(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    if unit == "count":
        return f"{v:,.0f}"
    if unit == "pct":
        return f"{v:.1f}%"
    if unit == "seconds":
        return duration(v)
    if unit == "score":
        return f"{v:+.1f}"
    return f"{v:.1f}"


def interval_range(low: float | None, high: float | None, unit: str) -> str | None:
    """'58.1–64.0' (a table column already says "95% CI"), or None without one."""
    if low is None or high is None:
        return None
    dash = " to " if low < 0 else "–"  # "-13.1 to -9.0", never "-13.1–-9.0"
    return f"{value(low, unit)}{dash}{value(high, unit)}"


def interval(low: float | None, high: float | None, unit: str) -> str | None:
    """'95% CI 58.1–64.0', or None without an interval."""
    bounds = interval_range(low, high, unit)
    return None if bounds is None else f"95% CI {bounds}"


def evidence(n: int, n_label: str, low: float | None, high: float | None, unit: str) -> str:
    """What a figure rests on: 'n = 1,234 conversations · 95% CI 58.1–64.0'."""
    text = f"n = {n:,} {n_label}"
    ci = interval(low, high, unit)
    return f"{text} · {ci}" if ci else text


def change(delta: float | None, unit: str) -> str | None:
    if delta is None:
        return None
    if unit == "count":
        return f"{delta:+,.0f}"
    if unit == "pct":
        return f"{delta:+.1f} pts"
    if unit == "seconds":
        sign = "+" if delta >= 0 else "-"
        return f"{sign}{duration(abs(delta))}"
    return f"{delta:+.1f} pts"
