"""The 95 % intervals of the index and its components cover the true value about 95 %
of the time: a simulation through the real model (queries/model/daily_sums.sql, then
the summed and scored macros, then dashboard/views/intervals.py), with DuckDB for real.

Each replicate is one group ("brand") of n conversations drawn from a process whose
true component values are known in closed form (worked out below); the components
are correlated through `resolved`, as in real care data, so the index interval must
carry the covariances to be right."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dashboard.core.config import load_config
from dashboard.core.filters import Filters, query_params
from dashboard.data import raw, sql
from dashboard.views import intervals

# the process, per conversation:
#   answered ~ Bernoulli(0.8); within target = answered and Bernoulli(0.75)
#   resolved = answered and Bernoulli(0.7); effortless ~ Bernoulli(0.7)
#   sentiment (present with probability 0.9) = -0.6 + 1.2 x Bernoulli(q) + U(-0.2, 0.2),
#     q = 0.7 if resolved else 0.3
#   rated with probability 0.5; satisfied (csat 5, else 2) with probability 0.8 if
#     resolved else 0.3
# true values:
#   R = 100 x 0.8 x 0.75 = 60;  V = 100 x 0.8 x 0.7 = 56;  E = 70
#   C = 100 x (0.56 x 0.8 + 0.44 x 0.3) = 100 x (0.448 + 0.132) = 58
#   mean sentiment = -0.6 + 1.2 x (0.56 x 0.7 + 0.44 x 0.3) = -0.6 + 1.2 x 0.524 = 0.0288
#   M = 50 x (1 + 0.0288) = 51.44
#   index = 0.3 x 51.44 + 0.2 x 60 + 0.2 x 56 + 0.1 x 70 + 0.2 x 58
#         = 15.432 + 12 + 11.2 + 7 + 11.6 = 57.232
TRUE = {
    "mood": 51.44,
    "speed": 60.0,
    "resolution": 56.0,
    "effort": 70.0,
    "satisfaction": 58.0,
    "happiness_index": 57.232,
}
DAY = dt.datetime(2025, 3, 3, 12, tzinfo=dt.UTC)


def simulated_conversations(n: int, replicates: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    size = n * replicates
    answered = rng.random(size) < 0.8
    within = answered & (rng.random(size) < 0.75)
    resolved = answered & (rng.random(size) < 0.7)
    q = np.where(resolved, 0.7, 0.3)
    sentiment = -0.6 + 1.2 * (rng.random(size) < q) + rng.uniform(-0.2, 0.2, size)
    has_sentiment = rng.random(size) < 0.9
    rated = rng.random(size) < 0.5
    satisfied = rng.random(size) < np.where(resolved, 0.8, 0.3)
    return (
        pl.DataFrame(
            {
                "brand": [f"g{i:05d}" for i in range(replicates) for _ in range(n)],
                "channel": "twitter",
                "first_inbound_at": [DAY] * size,
                "follower_bucket": "<100",
                "switched_channel": False,
                "answered": answered,
                "dropped": False,
                "within_target": within,
                "resolved": resolved,
                "resolved_is_proxy": False,
                "marked_resolved": resolved,
                "reopened": False,
                "effortless": rng.random(size) < 0.7,
                "mood_sentiment": pl.Series(np.where(has_sentiment, sentiment, np.nan)).fill_nan(
                    None
                ),
                "csat": pl.Series(np.where(rated, np.where(satisfied, 5, 2), 0)).cast(pl.Int8),
                "rated": rated,
                "first_response_s": pl.Series([None] * size, dtype=pl.Float64),
                "nps": pl.Series([None] * size, dtype=pl.Int8),
                "sentiment_lift": pl.Series([None] * size, dtype=pl.Float64),
            }
        )
        .with_columns(pl.when(pl.col("rated")).then(pl.col("csat")).alias("csat"))
        .drop("rated")
    )


def coverage(n: int, replicates: int, seed: int) -> dict[str, float]:
    config = load_config()
    con = raw.raw_connection(Path("/nonexistent-chi-data"), config)
    frame = simulated_conversations(n, replicates, seed)
    con.register("incoming", frame.to_arrow())
    con.execute("create table conversations as select * from incoming")
    con.execute(
        "create table daily_sums as select 'UTC' as tz, * from ("
        + sql.query_text("daily_sums")
        + ")",
        {"tz": "UTC"},
    )
    params = query_params(Filters(DAY.date(), DAY.date()), config)
    sums = con.sql(
        "with s as (select * from summed(daily_sums, ['brand'])) select * from scored(s, $weights)",
        params={"weights": params["weights"]},
    ).pl()
    scores = intervals.with_intervals(sums, config.weights)
    assert scores.height == replicates
    covered = {}
    for name, truth in TRUE.items():
        inside = (pl.col(f"{name}_ci_low") <= truth) & (pl.col(f"{name}_ci_high") >= truth)
        covered[name] = scores.select(inside.mean()).item()
    return covered


@pytest.mark.parametrize(("n", "replicates"), [(20, 2000), (100, 2000), (1000, 600)])
def test_index_interval_covers_the_true_index_95_percent_of_the_time(n, replicates):
    covered = coverage(n, replicates, seed=n)
    assert 0.93 <= covered["happiness_index"] <= 0.97, covered
    # the components' intervals too (Wilson's for shares is discrete, so a wider band)
    for name in ("mood", "speed", "resolution", "effort", "satisfaction"):
        assert 0.92 <= covered[name] <= 0.98, (name, covered)
