"""VADER compound sentiment (-1..1) for message text, batched over both cores.

Small batches run in-process; from PARALLEL_MIN texts on, chunks go to a pool of
worker processes (one per core, at most WORKERS), each with its own analyser.
Workers only run VADER on the texts they receive and return the scores.
The measured rate is in docs/DATA.md ("Sentiment").
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

PARALLEL_MIN = 20_000
CHUNK = 5_000
WORKERS = 2

_analyser: SentimentIntensityAnalyzer | None = None


def _get() -> SentimentIntensityAnalyzer:
    global _analyser
    if _analyser is None:
        _analyser = SentimentIntensityAnalyzer()
    return _analyser


def score_chunk(texts: Sequence[str | None]) -> list[float | None]:
    """Compound scores; None for missing or blank text."""
    analyser = _get()
    return [analyser.polarity_scores(t)["compound"] if t and t.strip() else None for t in texts]


def score(
    texts: Sequence[str | None],
    on_chunk: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> list[float | None]:
    """Scores in input order. `on_chunk(n)` is called as each chunk of n texts finishes."""
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    n_workers = workers if workers is not None else min(WORKERS, os.cpu_count() or 1)
    results: list[float | None] = []
    if len(texts) < PARALLEL_MIN or n_workers < 2:
        for chunk in chunks:
            results.extend(score_chunk(chunk))
            if on_chunk:
                on_chunk(len(chunk))
        return results
    # fork where the OS has it: workers start at once and never re-import the caller's
    # main module (spawn would, and an unguarded script would then run again)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with context.Pool(n_workers) as pool:
        for chunk, scores in zip(chunks, pool.imap(score_chunk, chunks), strict=True):
            results.extend(scores)
            if on_chunk:
                on_chunk(len(chunk))
    return results
