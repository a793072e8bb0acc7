"""The one minimum-n rule of every page, report and feed (docs/METRICS.md, "Minimum n").

A figure computed over fewer than the config's min_n conversations (or ratings, or
answered conversations: its own n) is `below_min_n`: pages say "not enough data"
instead of the number, reports keep the number and flag the row, the public feed
leaves it empty. A change between two periods exists only when both periods reach
min n: against an empty or thin previous period there is no change to show.
"""

from __future__ import annotations

import polars as pl

NOT_ENOUGH_DATA = "not enough data"


def below_min_n(n: int | None, min_n: int) -> bool:
    """True when a figure rests on fewer than min_n observations (none counts as 0)."""
    return (n or 0) < min_n


def comparable_change(
    value: float | None,
    previous: float | None,
    n: int | None,
    previous_n: int | None,
    min_n: int,
) -> float | None:
    """value - previous, or None unless both exist and both periods reach min n."""
    if value is None or previous is None:
        return None
    if below_min_n(n, min_n) or below_min_n(previous_n, min_n):
        return None
    return value - previous


def flag_below_min_n(frame: pl.DataFrame, min_n: int, n: str = "conversations") -> pl.DataFrame:
    """The frame with `below_min_n` (its `n` column under min_n; null n counts as 0)."""
    return frame.with_columns((pl.col(n).fill_null(0) < min_n).alias("below_min_n"))
