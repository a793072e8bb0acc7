"""VADER compound sentiment (-1..1) of what the customer wrote, batched over both cores.

Each text is first reduced to the customer's own words (customer_text.customer_words:
no @mentions, links, e-mail quotes, retweeted text or the brand's own names), then
scored. A text with nothing of the customer's left gets None, never an invented 0:
empty, or no letter and nothing VADER reads ("???", "1/2"); an emoticon or emoji
VADER knows (":)") is still scored.

Small batches run in-process; from PARALLEL_MIN texts on, chunks go to a pool of
worker processes (one per core, at most WORKERS), each with its own analyser.
Workers clean and score the texts they receive and return the scores.
The measured rate is in docs/DATA.md ("Sentiment").
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

import polars as pl
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from dashboard.ingest.customer_text import NO_TERMS, BrandTerms, customer_words

PARALLEL_MIN = 20_000
CHUNK = 5_000
WORKERS = 2

_analyser: SentimentIntensityAnalyzer | None = None

Item = tuple[str | None, BrandTerms]


def _get() -> SentimentIntensityAnalyzer:
    global _analyser
    if _analyser is None:
        _analyser = SentimentIntensityAnalyzer()
    return _analyser


def compound(words: str) -> float | None:
    """VADER's compound score of already-cleaned words; None when there is nothing to
    read (no letter, and no emoticon or emoji VADER scores)."""
    if not words:
        return None
    value = _get().polarity_scores(words)["compound"]
    if value == 0 and not any(ch.isalpha() for ch in words):
        return None
    return value


def score_chunk(items: Sequence[Item]) -> list[float | None]:
    """Scores of (text, brand terms) pairs: the customer's words of each text."""
    return [compound(customer_words(text, terms)) for text, terms in items]


def raw_chunk(texts: Sequence[str | None]) -> list[float | None]:
    """The scorer before the cleaning existed: VADER on the whole raw text (None for
    missing or blank text). `chi rescore` recomputes it to recognise a stored
    sentiment that chi computed, as opposed to one the source gave."""
    analyser = _get()
    return [analyser.polarity_scores(t)["compound"] if t and t.strip() else None for t in texts]


@lru_cache(maxsize=4096)
def brand_terms(brand: str | None, handles: frozenset[str] = frozenset()) -> BrandTerms:
    """The brand's own names: the brand and the handles it answers from."""
    return BrandTerms.of([brand, *sorted(handles)])


def outbound_handles(frame: pl.DataFrame) -> dict[str, set[str]]:
    """brand -> the author ids of its outbound messages in `frame` (its handles)."""
    if frame.height == 0:
        return {}
    pairs = (
        frame.filter(pl.col("direction") == "outbound")
        .select("brand", "author_id")
        .drop_nulls()
        .unique()
    )
    handles: dict[str, set[str]] = {}
    for brand, author in pairs.iter_rows():
        handles.setdefault(brand, set()).add(author)
    return handles


def terms_for(
    brands: Sequence[str | None] | None, handles: Mapping[str, Iterable[str]] | None = None
) -> list[BrandTerms] | None:
    """The brand terms of each message, from its brand and that brand's handles."""
    if brands is None:
        return None
    handles = handles or {}
    return [brand_terms(b, frozenset(handles.get(b, ())) if b else frozenset()) for b in brands]


def score(
    texts: Sequence[str | None],
    on_chunk: Callable[[int], None] | None = None,
    workers: int | None = None,
    brands: Sequence[str | None] | None = None,
    handles: Mapping[str, Iterable[str]] | None = None,
) -> list[float | None]:
    """Scores of what the customer wrote, in input order. `brands[i]` (with `handles`,
    brand -> its handles) names the brand of text i, whose own names are removed.
    `on_chunk(n)` is called as each chunk of n texts finishes."""
    terms = terms_for(brands, handles) or [NO_TERMS] * len(texts)
    items: list[Item] = list(zip(texts, terms, strict=True))
    return _run(score_chunk, items, on_chunk, workers)


def score_raw(
    texts: Sequence[str | None],
    on_chunk: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> list[float | None]:
    """raw_chunk over `texts`, in input order (see raw_chunk)."""
    return _run(raw_chunk, list(texts), on_chunk, workers)


def _run(
    work: Callable[[Sequence], list[float | None]],
    items: list,
    on_chunk: Callable[[int], None] | None,
    workers: int | None,
) -> list[float | None]:
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    n_workers = workers if workers is not None else min(WORKERS, os.cpu_count() or 1)
    results: list[float | None] = []
    if len(items) < PARALLEL_MIN or n_workers < 2:
        for chunk in chunks:
            results.extend(work(chunk))
            if on_chunk:
                on_chunk(len(chunk))
        return results
    # fork where the OS has it: workers start at once and never re-import the caller's
    # main module (spawn would, and an unguarded script would then run again)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with context.Pool(n_workers) as pool:
        for chunk, scores in zip(chunks, pool.imap(work, chunks), strict=True):
            results.extend(scores)
            if on_chunk:
                on_chunk(len(chunk))
    return results
