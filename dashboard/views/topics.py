"""Topics and drivers of mood (docs/METRICS.md, "Topics"): the words and two-word
phrases of the customers' messages that stand out for a brand against the other
brands, and the terms whose presence lowers mood most.

Both read the term counts rollup (queries/model/term_daily_counts.sql) through
queries/views/topic_terms.sql and topic_drivers.sql. Private only: topics are the
customers' words, and never appear in a public page, feed, export or badge.
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.data import sql
from dashboard.views import intervals

TOPIC_COLUMNS = ("term", "count", "score", "mood", "n_messages")
DRIVER_COLUMNS = ("term", "n", "mood_with", "mood_without", "effect", "effect_low", "effect_high")
_TOPIC_SCHEMA = {
    "term": pl.String,
    "count": pl.Int64,
    "score": pl.Float64,
    "mood": pl.Float64,
    "n_messages": pl.Int64,
}


def _params(
    config: Config, filters: Filters, per_brand: bool, min_count: int | None
) -> dict[str, object]:
    return query_params(
        filters,
        config,
        per_brand=per_brand,
        prior_size=config.topics_prior_size,
        min_count=int(min_count if min_count is not None else config.topics_min_count),
    )


def _topic_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({"mood_n": "n_messages"})


def topics(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    limit: int = 20,
    min_count: int | None = None,
) -> pl.DataFrame:
    """The terms of the filters' brands (taken together) that stand out most against
    the other brands in the same channels and days, highest score first: term, count
    (the selection's messages containing it), score (the z of the log-odds ratio with an
    informative Dirichlet prior), mood (mean sentiment -1..1 of those messages, None
    when none has one) and n_messages (those with a sentiment: the n of mood). Terms in
    fewer than `min_count` messages (default [topics] min_count) are left out. Empty
    without a brand in the filters, or when no other brand wrote in the selection's
    channels and days: there is nothing to stand out against."""
    if not filters.brands:
        return pl.DataFrame(schema=_TOPIC_SCHEMA)
    frame = sql.run(con, "topic_terms", **_params(config, filters, False, min_count))
    return _topic_rows(frame).select(TOPIC_COLUMNS).head(limit).cast(_TOPIC_SCHEMA)  # type: ignore[arg-type]


def topics_by_brand(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    limit: int = 20,
    min_count: int | None = None,
) -> pl.DataFrame:
    """`topics` for every brand of the filters (all when none) on its own, each against
    every other brand: brand, rank (1 = stands out most), the topics' columns, then
    others_count (the other brands' messages containing the term), log_odds (delta) and
    messages (the brand's messages with text). At most `limit` terms per brand."""
    frame = sql.run(con, "topic_terms", **_params(config, filters, True, min_count))
    frame = (
        _topic_rows(frame)
        .rename({"grp": "brand"})
        .with_columns(pl.int_range(1, pl.len() + 1).over("brand").alias("rank"))
        .filter(pl.col("rank") <= limit)
    )
    return frame.select(
        "brand", "rank", *TOPIC_COLUMNS, "others_count", "log_odds", "messages"
    ).sort(["brand", "rank"])


def _with_effect_interval(frame: pl.DataFrame) -> pl.DataFrame:
    """effect_low, effect_high: Welch's 95 % interval of mood_with - mood_without from
    each side's n, sum and sum of squares (sample variances; t with Welch-Satterthwaite
    degrees of freedom)."""
    if frame.is_empty():
        return frame.with_columns(
            pl.lit(None, pl.Float64).alias("effect_low"),
            pl.lit(None, pl.Float64).alias("effect_high"),
        )

    def col(name: str) -> np.ndarray:
        return frame[name].cast(pl.Float64).to_numpy()

    n1, n2 = col("n_with"), col("n_without")
    with np.errstate(divide="ignore", invalid="ignore"):
        var1 = np.clip((col("with_sq_sum") - col("with_sum") ** 2 / n1) / (n1 - 1), 0, None)
        var2 = np.clip((col("without_sq_sum") - col("without_sum") ** 2 / n2) / (n2 - 1), 0, None)
        se1, se2 = var1 / n1, var2 / n2
        se = np.sqrt(se1 + se2)
        df = (se1 + se2) ** 2 / (se1**2 / (n1 - 1) + se2**2 / (n2 - 1))
        # no spread on either side: no interval can be drawn from it
        df = np.where(se > 0, df, np.nan)
        half = intervals.t95(np.maximum(np.nan_to_num(df, nan=1.0), 1.0)) * se
        half = np.where(se > 0, half, np.nan)
    effect = col("effect")
    return frame.with_columns(
        pl.Series("effect_low", effect - half, nan_to_null=True),
        pl.Series("effect_high", effect + half, nan_to_null=True),
    )


def _driver_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return _with_effect_interval(frame).rename({"n_with": "n"})


def drivers(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    limit: int = 10,
    min_count: int | None = None,
) -> pl.DataFrame:
    """The drivers of negative mood in the selection (every brand when the filters name
    none): per term in at least `min_count` messages (default [topics] min_count), n
    (the selection's messages with a sentiment that contain it), mood_with and
    mood_without (mean sentiment -1..1 of the messages with and without it), effect
    (their difference) and its 95 % interval (effect_low, effect_high), most negative
    effect first."""
    frame = sql.run(con, "topic_drivers", **_params(config, filters, False, min_count))
    return _driver_rows(frame).select(DRIVER_COLUMNS).head(limit)


def drivers_by_brand(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    limit: int = 10,
    min_count: int | None = None,
) -> pl.DataFrame:
    """`drivers` for every brand of the filters (all when none) on its own: brand,
    rank, the drivers' columns and count (messages containing the term)."""
    frame = sql.run(con, "topic_drivers", **_params(config, filters, True, min_count))
    frame = (
        _driver_rows(frame)
        .rename({"grp": "brand"})
        .with_columns(pl.int_range(1, pl.len() + 1).over("brand").alias("rank"))
        .filter(pl.col("rank") <= limit)
    )
    return frame.select("brand", "rank", *DRIVER_COLUMNS, "count").sort(["brand", "rank"])


def examples(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    brand: str,
    term: str,
    limit: int = 20,
) -> tuple[pl.DataFrame, int]:
    """The brand's newest messages of the selection that contain `term` (private):
    created_local, conversation_id, channel, text (without @mentions, links and e-mail
    addresses), sentiment; and how many there are in all."""
    frame = sql.run(
        con,
        "topic_examples",
        **filters.params(),
        brand=brand,
        term=term,
        limit=int(limit),
    )
    total = int(frame["total_n"][0]) if frame.height else 0
    return frame.drop("total_n"), total
