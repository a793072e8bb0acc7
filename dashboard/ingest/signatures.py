"""Agent signatures: the initials or first name a brand's agent signs a reply with.

Brands answering on Twitter sign their replies at the end (docs/DATA.md, "Agent
signatures"). The forms, as the real twcs sample writes them:

- a caret and initials or a name: `^JR`, `^AC`, `^HSB`, `^Jools`, `^Rashmi`
  (British_Airways, SouthwestAir, VirginTrains, ChaseSupport, HPSupport, UPSHelp);
- a slash and initials: `/AY`, `/CP` (SpotifyCares);
- a dash and initials: `-AD`, `-AC`, `- KC` (comcastcares, sprintcare);
- a dash and a first name after a sign-off: `Thanks - Mike`, `:) - Dani`,
  `of age. - Paige` (Tesco).

The signature may be followed by links and a part counter (`^RR https://t.co/x`,
`- Lee 2/2`), never by other words. A dash or slash needs a space before it (so
`A-B`, `and/or` and `COVID-19` are not signatures), initials are 2 or 3 capitals, and
after a dash or slash they are not a common acronym or word (`-NO`, `-NOT`, `-LOL`,
`/UK`). A dash-name needs punctuation, an emoticon or a thanks word before the dash
(`for you - Mike` is not taken) and is not a word VADER's lexicon scores (`- Great`,
`- Thanks`) nor a sign-off word, day or month (`- Regards`, `- Monday`). `*TJ` and
names without a mark (`... sales. Amanda`) are not recognised: the sample's only
unmarked name could as well be a word, and a missed agent is better than a wrong one.

The agent id is the initials in upper case (`^jk` -> `JK`) or the name as written
(`Jools`). One pattern serves both the sentiment cleaning (customer_text: the sign-off
is not the customer's words) and the importers (`agent_id` of brand replies): Python's
`re` for single texts, Polars' regex engine for columns; the two are built from the
same parts (tests/test_agent_ids.py checks they agree).
"""

from __future__ import annotations

import re
from functools import cache

import polars as pl

_DASHES = "-\u2013\u2014"  # hyphen-minus, en dash, em dash
# words that end a reply before the agent's name ("Thanks - Mike")
_THANKS = r"[Tt]hanks|[Tt]hank you|TY|[Tt]hx|[Cc]heers|[Rr]egards|[Bb]est"
_CARET = r"\^\s?(?P<caret>[A-Za-z]{2,15})"
_SLASH = r"(?:^|\s)/(?P<slash>[A-Z]{2,3})"
_DASH = rf"(?:^|\s)[{_DASHES}]\s?(?P<dash>[A-Z]{{2,3}})"
_NAME = rf"(?P<pre>[^\w\s]|\b(?:{_THANKS}))\s+[{_DASHES}]\s?(?P<name>[A-Z][a-z]{{1,14}})"
# what may follow a signature: links and part counters ("1/2", "(2/2)")
_TAIL = r"(?:\s+(?:(?:https?://|www\.)\S+|\(?\d{1,2}/\d{1,2}\)?))*\s*"
_BODY = f"(?:{_CARET}|{_SLASH}|{_DASH}|{_NAME}){_TAIL}"
WINDOW = 200
# the same pattern for Python's re (end of text: \Z) and Polars' Rust regex (\z)
PATTERN = re.compile(_BODY + r"\Z")
POLARS_PATTERN = _BODY + r"\z"

# after a dash or slash, capitals that are a word or an acronym, not initials
_ACRONYMS = """NO OK NOT YES YEP NAH LOL OMG WTF FFS SMH FYI BTW IMO TBH WOW BAD SAD MAD FIX
    THX TY PLS PLZ UGH YAY IDK DM DMS PM AM UK US USA EU UN TV ID IT IS ME MY WE OR SO
    TO DO GO HI ON IN AT BY OF UP THE AND FOR YOU ALL ANY NOW NEW OUT WHY HOW WHO SMS
    MMS APP IOS PC MAC VPN ATM PIN FAQ VIP CEO HR IR QA"""
NOT_INITIALS = frozenset(_ACRONYMS.split())
# after a dash, capitalised words that sign off or date a reply rather than name
# someone (lower case; VADER's lexicon words are added in _not_names)
_SIGN_OFF_WORDS = """regards team support help service care customer customers staff thanks thank
    cheers best wishes kind warm many sincerely yours everyone all hi hello dear
    please note update edit via from sent ps mon tue tues wed thu thur thurs fri sat
    sun monday tuesday wednesday thursday friday saturday sunday jan feb mar apr may
    jun jul aug sep sept oct nov dec january february march april june july august
    september october november december today tomorrow tonight yesterday"""
_NOT_NAMES = frozenset(_SIGN_OFF_WORDS.split())


@cache
def _not_names() -> frozenset[str]:
    """Lower-case words that are never taken as a name after a dash: sign-off words,
    days and months, and every word VADER's lexicon scores (so the sentiment cleaning
    never removes a word that carries sentiment)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon = SentimentIntensityAnalyzer().lexicon
    return _NOT_NAMES | frozenset(w for w in lexicon if w.isalpha())


def _agent(caret: str | None, slash: str | None, dash: str | None, name: str | None) -> str | None:
    """The agent id of one match's groups (at most one is set), or None when the
    initials or name are a word (module docstring)."""
    if caret is not None:
        return caret.upper() if len(caret) <= 3 or caret.isupper() else caret
    initials = slash or dash
    if initials is not None:
        return None if initials in NOT_INITIALS else initials
    if name is not None and name.lower() not in _not_names():
        return name
    return None


def find(text: str | None) -> re.Match[str] | None:
    """The signature at the end of `text` (with the links after it), if it names an
    agent."""
    if not text:
        return None
    # a signature, the word before it and the links after it fit in the last WINDOW
    # characters; searching only there is ~3x faster (the lookups around the match
    # still see the whole text)
    match = PATTERN.search(text, max(0, len(text) - WINDOW))
    if match is None or _agent(*match.group("caret", "slash", "dash", "name")) is None:
        return None
    return match


def signature(text: str | None) -> str | None:
    """The agent id a reply is signed with: `"... -KC"` -> "KC", `"... ^Jools"` ->
    "Jools", `"^JK https://t.co/x"` -> "JK"; None when unsigned."""
    match = find(text)
    return None if match is None else _agent(*match.group("caret", "slash", "dash", "name"))


def strip(text: str) -> str:
    """`text` without its signature and whatever follows it (links, a part counter);
    a dash-name keeps the punctuation or thanks word before it."""
    match = find(text)
    if match is None:
        return text
    cut = match.end("pre") if match.group("pre") is not None else match.start()
    return text[:cut]


def agent_expr(text: pl.Expr) -> pl.Expr:
    """The agent id of each text of a column (as `signature`), vectorised."""
    groups = text.str.extract_groups(POLARS_PATTERN)
    caret = groups.struct.field("caret")
    slash = groups.struct.field("slash")
    dash = groups.struct.field("dash")
    name = groups.struct.field("name")
    caret_initials = (caret.str.len_chars() <= 3) | (caret == caret.str.to_uppercase())
    initials = pl.coalesce(slash, dash)
    return (
        pl.when(caret.is_not_null())
        .then(pl.when(caret_initials).then(caret.str.to_uppercase()).otherwise(caret))
        .when(initials.is_not_null())
        .then(pl.when(~initials.is_in(list(NOT_INITIALS))).then(initials))
        .when(name.is_not_null() & ~name.str.to_lowercase().is_in(list(_not_names())))
        .then(name)
        .otherwise(None)
    )


def brand_agents(text: pl.Expr, direction: pl.Expr, brand: pl.Expr) -> pl.Expr:
    """`agent_id` of social-media rows: the signature of an outbound message (a brand
    reply), never of an inbound or peer one (a customer writing "-KC" is no agent);
    a signed name that is the brand's own (`- Tesco` from Tesco) is no agent either."""
    agent = agent_expr(text)
    own_name = brand.str.to_lowercase().str.contains(agent.str.to_lowercase(), literal=True)
    is_name = agent != agent.str.to_uppercase()
    return (
        pl.when((direction == "outbound") & ~(is_name & own_name).fill_null(False))
        .then(agent)
        .otherwise(None)
    )
