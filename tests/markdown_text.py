"""What a person reads from a Markdown body Streamlit renders (st.markdown, st.caption,
st.info, ...): the body rendered as CommonMark (+ tables, strikethrough), tags dropped,
entities decoded. Pages escape values from links and the data (formatting.plain), so
tests compare the text shown, not the escaped source."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_TAG = re.compile(r"<[^>]*>")


def rendered(body: str) -> str:
    """The HTML CommonMark makes of `body`."""
    return _MARKDOWN.render(body)


def shown(body: str) -> str:
    """The text of `body` as displayed, paragraphs joined by one space."""
    text = html.unescape(_TAG.sub(" ", rendered(body)))
    return re.sub(r"\s+", " ", text).strip()
