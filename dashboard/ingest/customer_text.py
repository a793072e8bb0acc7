"""What the customer wrote: a message's text without the parts that are not the
customer's own words, so that sentiment reads the customer and not the brand.

VADER strips the punctuation around a word, so `@united` reads as "united" (+1.8 in
its lexicon) and "@united my flight was delayed" scores +0.23 while "my flight was
delayed" scores -0.23. The rules below run in this order (docs/METRICS.md, "Mood:
what is scored"); each is tested in tests/test_sentiment_cleaning.py:

1. HTML entities are decoded (`&amp;` -> `&`): exports of tweets keep them escaped.
2. E-mail quotes and footers: lines starting with `>`, everything from an
   "On ... wrote:" line, an "-----Original Message-----" line, an Outlook
   "From: ... Sent:" header or a "-- " signature delimiter on, and "Sent from my ..."
   lines. The quoted part is the brand's (or someone else's) earlier message.
3. Retweets and quoted tweets: from `RT @handle:` / `MT @handle:` to the end, and a
   quoted `"@handle: ..."`, are another author's words.
4. E-mail addresses, then URLs (`http://`, `https://`, `www.`, `t.co/...`, bare
   `name.com/...`).
5. @mentions, any handle (a customer's, a brand's, a pseudonym `@u-<16 hex>`), with
   a possessive `'s`.
6. Hashtags keep their word without the `#`; a capitalised CamelCase tag is split into
   words (`#NeverAgain` -> "Never Again"), so the customer's words are read.
7. The brand's own names (`BrandTerms`): the brand, its handles and the words they are
   made of (`British_Airways` -> "British Airways", `AppleSupport` -> "Apple Support"
   and "Apple"), matched as whole words without case.
8. Agent sign-offs at the end: `^JK`, `^Jools`, ` -AB`, `- KC`, ` /AY`,
   `Thanks - Mike` (signatures.py, the same rule the importers read `agent_id` with;
   not `-NO`, `-NOT`, `- Great`).

What is left, with whitespace collapsed, is scored; text with nothing left is not
(sentiment.py gives it a null score, never an invented 0).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from dashboard.ingest import signatures

_QUOTED_LINE = re.compile(r"^[ \t]*>.*$\n?", re.MULTILINE)
# the start of a quoted earlier message: everything from here on is not the customer's
_QUOTE_START = re.compile(
    # Gmail, Apple Mail: "On <date with digits> ... wrote:", may wrap onto a 2nd line
    r"^[ \t]*(?:On\b(?=[^\n]*\d)[^\n]{0,300}?(?:\n[^\n]{0,200}?)?\bwrote:"
    r"|-{2,}\s*Original Message\s*-{2,}"  # Outlook
    r"|From:[^\n]*\n(?:[^\n]*\n)?Sent:"  # Outlook header block
    r"|-- ?$)",  # the signature delimiter
    re.MULTILINE | re.IGNORECASE,
)
_SENT_FROM = re.compile(r"^[ \t]*Sent from my [^\n]*$", re.MULTILINE | re.IGNORECASE)
# a retweet or modified tweet: the rest of the text is the original author's
_RETWEET = re.compile(r"(?:^|(?<=\s))[RM]T\s?@\w+:.*\Z", re.DOTALL)
# an old-style quoted tweet: "@handle: their words" (straight or curly quotes)
_QUOTED_TWEET = re.compile(r"[\"“]\s?@\w+:[^\"”]*[\"”]?")
_URL = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\bt\.co/\S*"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|co|uk|io|ly|gl|info|biz)\b(?:/\S*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)
# @handle (Twitter: letters, digits, _), or a stored pseudonym @u-<16 hex>
_MENTION = re.compile(r"@(?:u-[0-9a-f]{16}\b|\w+)(?:['’]s\b)?")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# a space left before punctuation where a mention was ("flight with @x." -> "with.")
_SPACE_BEFORE_PUNCT = re.compile(r" ([.,!?;:])")
_EMAIL_HINT = re.compile(r"\w@\w")
_URL_HINT = re.compile(r"://|www\.|t\.co/|\.(?:com|net|org|co|uk|io|ly|gl|info|biz)\b", re.I)

# words that name a brand's support account rather than the brand:
# `AppleSupport` also names "Apple", `Ask_Spectrum` also "Spectrum"
_ACCOUNT_SUFFIXES = frozenset({"support", "help", "helps", "care", "cares", "service", "team"})
_ACCOUNT_PREFIXES = frozenset({"ask"})
_MIN_TERM = 2  # a derived name of fewer letters is never removed on its own


def words_of(name: str) -> list[str]:
    """The words of a brand name or handle: `British_Airways` -> British, Airways;
    `UPSHelp` -> UPS, Help; `comcastcares` -> comcastcares (nothing tells the words)."""
    spaced = _CAMEL.sub(" ", re.sub(r"[_\-.\s]+", " ", name))
    return spaced.split()


def name_variants(name: str) -> set[tuple[str, ...]]:
    """The word sequences that name the brand: the whole name, and without a support
    word at its end or an "Ask" at its start (`AppleSupport` -> (Apple, Support) and
    (Apple,))."""
    words = tuple(w.lower() for w in words_of(name))
    if not words:
        return set()
    variants = {words}
    core = list(words)
    if len(core) > 1 and core[0] in _ACCOUNT_PREFIXES:
        core = core[1:]
    if len(core) > 1 and core[-1] in _ACCOUNT_SUFFIXES:
        core = core[:-1]
    if sum(len(w) for w in core) >= _MIN_TERM:
        variants.add(tuple(core))
    return variants


@dataclass(frozen=True)
class BrandTerms:
    """The brand's own names in a message (the brand and its handles), as one regex."""

    names: frozenset[str] = field(default_factory=frozenset)
    pattern: re.Pattern[str] | None = None

    @classmethod
    def of(cls, names: Iterable[str | None]) -> BrandTerms:
        given = frozenset(n.strip() for n in names if n and n.strip())
        sequences = {seq for n in given for seq in name_variants(n)}
        if not sequences:
            return cls(given, None)
        # words of a name may be written together, spaced, with _ or - ("British
        # Airways", "BritishAirways", "British-Airways"); longest names first
        alternatives = [
            r"[\s_-]?".join(re.escape(w) for w in seq)
            for seq in sorted(sequences, key=lambda s: (-sum(map(len, s)), s))
        ]
        pattern = re.compile(
            r"(?<![\w@#])(?:" + "|".join(alternatives) + r")(?:['’]s)?(?!\w)", re.IGNORECASE
        )
        return cls(given, pattern)


NO_TERMS = BrandTerms()


def _split_hashtag(match: re.Match[str]) -> str:
    word = match.group(1)
    return _CAMEL.sub(" ", word) if word[0].isupper() else word


def customer_words(text: str | None, brand: BrandTerms = NO_TERMS) -> str:
    """`text` without what the customer did not write (the module's rules, in order);
    "" when nothing is left."""
    if not text:
        return ""
    # each rule runs only when a cheap test says it can match (about 3x faster on tweets)
    out = html.unescape(text) if "&" in text else text
    if "\n" in out or "-----" in out:
        start = _QUOTE_START.search(out)
        if start:
            out = out[: start.start()]
        out = _SENT_FROM.sub("", _QUOTED_LINE.sub("", out))
    if "T" in out and "@" in out:
        out = _RETWEET.sub("", out)
    if ":" in out and "@" in out:
        out = _QUOTED_TWEET.sub(" ", out)
    if "@" in out and _EMAIL_HINT.search(out):
        out = _EMAIL.sub(" ", out)
    if "." in out and _URL_HINT.search(out):
        out = _URL.sub(" ", out)
    if "@" in out:
        out = _MENTION.sub(" ", out)
    if "#" in out:
        out = _HASHTAG.sub(_split_hashtag, out)
    if brand.pattern is not None:
        out = brand.pattern.sub(" ", out)
    tail = out[-40:]
    if "^" in tail or "/" in tail or "-" in tail or "\u2013" in tail or "\u2014" in tail:
        out = signatures.strip(out)
    out = " ".join(out.split())
    return _SPACE_BEFORE_PUNCT.sub(r"\1", out) if " " in out else out
