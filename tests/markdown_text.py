"""What a person reads from a Markdown body Streamlit renders (st.markdown, st.caption,
st.info, ...): the body rendered as CommonMark (+ tables, strikethrough), tags dropped,
entities decoded. Pages escape values from links and the data (formatting.plain), so
tests compare the text shown, not the escaped source.

CommonMark (markdown-it) does not do GitHub's autolinks, which Streamlit's renderer
finds in the text after the escapes are read: `autolinks` looks for them there."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_TAG = re.compile(r"<[^>]*>")
WORD_JOINER = "\u2060"  # formatting.plain's invisible break of an autolink
# GitHub's extended autolinks (remark-gfm): http(s)://, www., a@b.c
_AUTOLINK = re.compile(r"https?://|(?<![\w])www\.|[\w.+-]@[\w-]+\.\w", re.I)
_CODE = re.compile(r"<code>.*?</code>", re.S)  # code spans are never autolinked


def rendered(body: str) -> str:
    """The HTML CommonMark makes of `body`."""
    return _MARKDOWN.render(body)


def _text(body: str) -> str:
    return html.unescape(_TAG.sub(" ", rendered(body)))


def shown(body: str) -> str:
    """The text of `body` as a person reads it, paragraphs joined by one space (the
    invisible word joiners left out)."""
    return re.sub(r"\s+", " ", _text(body).replace(WORD_JOINER, "")).strip()


def autolinks(body: str) -> list[str]:
    """What GitHub's autolinks would turn into a link in the text of `body` (outside
    code spans; mailto: and xmpp: links need an address a@b.c, found as such)."""
    text = html.unescape(_TAG.sub(" ", _CODE.sub(" ", rendered(body))))
    return _AUTOLINK.findall(text)
