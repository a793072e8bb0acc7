"""The digest's sections from the views of alerts, movers and topics (issue 16), each
as one plain Polars frame of the shape the digest's renderers read:

- alerts: day, brand, channel (None: the brand over all channels), metric ('volume' |
  'index' | 'mood'), value, expected, score, n, direction ('up' | 'down'): the
  period's days only, newest first (views/alerts.py);
- movers: brand, index_now, index_before, change_points, change_low, change_high,
  n_now, n_before, direction, up then down (views/movers.py);
- topics: brand, term, count, score, mood (mean sentiment, -1..1), n_messages, each
  brand's top terms against the other brands (views/topics.py), brands in the order
  given.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import duckdb
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.views import alerts as alerts_view
from dashboard.views import movers as movers_view
from dashboard.views import topics as topics_view

TOPICS_SHOWN = 5  # per brand


def as_frame(value: Any) -> pl.DataFrame:
    """A frame from a frame, a list of dataclasses or dicts (an empty list: no rows)."""
    if isinstance(value, pl.DataFrame):
        return value
    rows = [dataclasses.asdict(v) if dataclasses.is_dataclass(v) else dict(v) for v in value]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def alerts(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> pl.DataFrame:
    """The period's alerts for the selected brands, newest first."""
    frame = alerts_view.alerts(con, config, filters)
    if frame.is_empty():
        return frame
    # only the period's days (the view may look back further for its baseline)
    days = pl.col("day").cast(pl.Date)
    # newest first; within a day the strongest first, either way
    return frame.filter(days.is_between(filters.date_from, filters.date_to)).sort(
        [pl.col("day"), pl.col("score").abs()], descending=[True, True]
    )


def movers(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, before: Filters
) -> pl.DataFrame:
    """Up and down movers between the period and `before` (the digest's previous week
    or calendar month), as one frame with `direction`, biggest first each way."""
    result = movers_view.movers(con, config, filters, by="brand", before=before)
    parts = [
        as_frame(side).with_columns(pl.lit(direction).alias("direction"))
        for side, direction in ((result.up, "up"), (result.down, "down"))
        if side
    ]
    return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()


def topics(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    brands: tuple[str, ...],
    limit: int = TOPICS_SHOWN,
) -> pl.DataFrame:
    """Each of `brands`' top topics in the period (each brand against the other
    brands), with a `brand` column, brands in the given order: one query for all."""
    if not brands:
        return pl.DataFrame()
    scoped = dataclasses.replace(filters, brands=brands)
    frame = topics_view.topics_by_brand(con, config, scoped, limit=limit)
    place = {brand: i for i, brand in enumerate(brands)}
    return (
        frame.filter(pl.col("brand").is_in(brands))
        .sort(pl.col("brand").replace_strict(place, return_dtype=pl.Int64), "rank")
        .select("brand", *topics_view.TOPIC_COLUMNS)
    )
