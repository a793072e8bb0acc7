"""The 95 % interval of vs_brand (an agent's index minus their colleagues' level, of
which the agent's own conversations are part: docs/METRICS.md, "Agents and superfans")
covers the truth about 95 % of the time: a simulation through the real queries
(queries/model/agent_daily_sums.sql, queries/views/agent_leaderboard.sql) and
dashboard/views/people.py, DuckDB for real.

Each replicate is one brand whose conversations come from the process of
tests/test_interval_coverage.py, handled by agents drawn at random (a tenth of the
conversations by two of them): no agent makes a difference, so every agent's true
vs_brand is 0."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dashboard.core.config import load_config
from dashboard.core.filters import Filters
from dashboard.data import raw, sql
from dashboard.views import people
from tests.test_interval_coverage import DAY, simulated_conversations

AGENTS = ("A", "B", "C", "D")


def with_agents(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    first = rng.integers(0, len(AGENTS), frame.height)
    second = (first + rng.integers(1, len(AGENTS), frame.height)) % len(AGENTS)
    handover = rng.random(frame.height) < 0.1
    agents = [
        sorted({AGENTS[a], AGENTS[b]}) if h else [AGENTS[a]]
        for a, b, h in zip(first, second, handover, strict=True)
    ]
    return frame.with_columns(
        pl.Series("agents", agents, dtype=pl.List(pl.String)),
        pl.Series("first_outbound_agent", [AGENTS[a] for a in first]),
        pl.Series("first_outbound_s", rng.exponential(900, frame.height)),
    )


def vs_brand_coverage(n: int, replicates: int, seed: int) -> tuple[float, int]:
    config = load_config()
    con = raw.raw_connection(Path("/nonexistent-chi-data"), config)
    frame = with_agents(simulated_conversations(n, replicates, seed), seed + 1)
    con.register("incoming", frame.to_arrow())
    con.execute("create table conversations as select * from incoming")
    # the model's agent tables, as a connection builds them from the conversations
    con.execute("create table daily_zones as select 'UTC' as tz")
    for table in (
        "agent_daily_sums",
        "agent_response_time_buckets",
        "agent_response_time_day_buckets",
    ):
        con.execute(
            f"create table {table} as select 'UTC' as tz, * from (" + sql.query_text(table) + ")",
            {"tz": "UTC"},
        )
    board = people.leaderboard(con, config, Filters(DAY.date(), DAY.date()))
    rated = board.agents.filter(pl.col("vs_brand_ci_low").is_not_null())
    inside = (pl.col("vs_brand_ci_low") <= 0) & (pl.col("vs_brand_ci_high") >= 0)
    return rated.select(inside.mean()).item(), rated.height


@pytest.mark.parametrize(("n", "replicates"), [(80, 600), (400, 300)])
def test_vs_brand_interval_covers_a_null_difference_95_percent_of_the_time(n, replicates):
    covered, agents = vs_brand_coverage(n, replicates, seed=n)
    assert agents == len(AGENTS) * replicates
    assert 0.93 <= covered <= 0.97, covered
