"""The people behind the numbers (docs/METRICS.md, "Agents and superfans"): the agent
leaderboard ranked by the happiness an agent's customers end with, against their
colleagues, and the community superfans with what their answers save.

Private only: agent ids are the brand's own staff and never appear in a public
output; superfans are shown by their pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.data import sql
from dashboard.views import evidence, intervals
from dashboard.views.overview import order_statistic_ranks

# how an agent's index compares with their colleagues', from vs_brand's interval
ABOVE, BELOW, IN_LINE, NO_COLLEAGUES, TOO_FEW = (
    "above colleagues",
    "below colleagues",
    "in line with colleagues",
    "no colleagues to compare with",
    "too few conversations for an interval",
)
FAST_BUT_UNHAPPY = "fast, but customers end unhappier"
SLOW_BUT_HAPPY = "slower, but customers end happier"

# the sums a row carries (summed by conversation_sums), which a difference subtracts
_SUM_SUFFIXES = ("_n", "_sum")


@dataclass(frozen=True)
class Leaderboard:
    """The agents of the selection (one row each, best vs_brand first within a brand)
    and each brand's level over every conversation a named agent wrote in."""

    agents: pl.DataFrame
    brands: pl.DataFrame
    min_n: int

    def brand_names(self) -> list[str]:
        return self.brands["brand"].to_list()

    def for_brand(self, brand: str) -> pl.DataFrame:
        return self.agents.filter(pl.col("brand") == brand)

    def brand_level(self, brand: str) -> dict | None:
        rows = self.brands.filter(pl.col("brand") == brand)
        return rows.row(0, named=True) if rows.height else None


def leaderboard(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> Leaderboard:
    """Every named agent of the selection with their index, vs_brand and intervals."""
    params = query_params(filters, config)
    frame = intervals.with_intervals(sql.run(con, "agent_leaderboard", **params), config.weights)
    frame = _with_medians(con, params, frame)
    agents = frame.filter(pl.col("agent_id").is_not_null())
    brands = frame.filter(pl.col("agent_id").is_null()).drop("agent_id")
    agents = _against_colleagues(agents, brands, config)
    agents = evidence.flag_below_min_n(agents, config.min_n)
    agents = _with_verdicts(agents, brands)
    agents = agents.sort(
        ["brand", "below_min_n", "vs_brand", "conversations", "agent_id"],
        descending=[False, False, True, True, False],
        nulls_last=True,
    ).with_columns(pl.int_range(1, pl.len() + 1).over("brand").alias("rank"))
    brands = evidence.flag_below_min_n(brands, config.min_n)
    return Leaderboard(agents, brands, config.min_n)


def _against_colleagues(agents: pl.DataFrame, brands: pl.DataFrame, config: Config) -> pl.DataFrame:
    """vs_brand = the agent's index minus the brand's (every conversation a named agent
    wrote in, the agent's own included), with its 95 % interval. The agent's
    conversations A are part of the brand's B, so the difference is (1 - f) times the
    gap between A and the rest R = B - A (f = A's share of B: exact for shares of
    conversations, close for the components with their own denominators), and A and R
    are disjoint: its variance is (1 - f)^2 (var A + var R), each from intervals.py's
    delta method. Null when the agent wrote in every conversation (no colleagues)."""
    sums = [c for c in brands.columns if c.endswith(_SUM_SUFFIXES) and c in agents.columns]
    joined = agents.join(
        brands.select(
            "brand",
            pl.col("happiness_index").alias("brand_index"),
            pl.col("conversations").alias("brand_conversations"),
            pl.col("median_first_response_s").alias("brand_median_first_response_s"),
            *[pl.col(c).alias(f"{c}__brand") for c in sums],
        ),
        on="brand",
        how="left",
    )

    def own(name: str) -> np.ndarray:
        source = "conversations" if name == "conversations_n" else name
        return joined[source].cast(pl.Float64).fill_null(np.nan).to_numpy()

    def rest(name: str) -> np.ndarray:
        brand = "brand_conversations" if name == "conversations_n" else f"{name}__brand"
        return joined[brand].cast(pl.Float64).fill_null(np.nan).to_numpy() - own(name)

    with np.errstate(divide="ignore", invalid="ignore"):
        var_own, df_own = intervals.index_variance(own, config.weights)
        var_rest, df_rest = intervals.index_variance(rest, config.weights)
        n_own, n_rest = own("conversations_n"), rest("conversations_n")
        share = n_own / (n_own + n_rest)
        half = (
            intervals.t95(np.fmin(df_own, df_rest))
            * (1 - share)
            * np.sqrt(np.clip(var_own + var_rest, 0, None))
        )
    gap = (pl.col("happiness_index") - pl.col("brand_index")).alias("vs_brand")
    has_colleagues = pl.Series(n_rest > 0)
    out = joined.with_columns(
        pl.when(has_colleagues).then(gap).otherwise(None).alias("vs_brand"),
        pl.Series("__half", half, nan_to_null=True),
    ).with_columns(
        (pl.col("vs_brand") - pl.col("__half")).alias("vs_brand_ci_low"),
        (pl.col("vs_brand") + pl.col("__half")).alias("vs_brand_ci_high"),
        pl.Series("colleague_conversations", n_rest).cast(pl.Int64),
    )
    return out.drop("__half", *[f"{c}__brand" for c in sums])


def _with_medians(
    con: duckdb.DuckDBPyConnection, params: dict, frame: pl.DataFrame
) -> pl.DataFrame:
    """Each row's median first response and, for the agents, the distribution-free 95 %
    interval of it (the order statistics of overview.order_statistic_ranks), from one
    query: each agent's two ranks passed with it (the sketch reads a rank's value from
    the agent's own buckets, so the cost does not grow with the number of agents)."""
    ranks: list[dict] = []
    for brand, agent, n in frame.select("brand", "agent_id", "timed_first_responses").rows():
        pair = order_statistic_ranks(int(n), 0.5) if agent is not None else None
        if pair:
            ranks.append(
                {"brand": brand, "agent_id": agent, "low_rank": pair[0], "high_rank": pair[1]}
            )
    stats = sql.run(con, "agent_response_order_statistics", **params, ranks=ranks)
    low: list[float | None] = []
    high: list[float | None] = []
    for values in stats["values_s"].to_list():
        low.append(values[0] if values else None)
        high.append(values[1] if values else None)
    bounds = stats.select("brand", "agent_id", "median_first_response_s").with_columns(
        pl.Series("median_first_response_s_ci_low", low, dtype=pl.Float64),
        pl.Series("median_first_response_s_ci_high", high, dtype=pl.Float64),
    )
    return frame.join(bounds, on=["brand", "agent_id"], how="left", nulls_equal=True)


def _with_verdicts(agents: pl.DataFrame, brands: pl.DataFrame) -> pl.DataFrame:
    """Each agent against colleagues (only an interval clear of 0 is a difference) and
    against the brand's speed (faster: median first response under the brand's)."""
    thin = pl.col("below_min_n")
    verdict = (
        pl.when(thin)
        .then(pl.lit(evidence.NOT_ENOUGH_DATA))
        .when(pl.col("vs_brand").is_null())
        .then(pl.lit(NO_COLLEAGUES))
        .when(pl.col("vs_brand_ci_low").is_null())
        .then(pl.lit(TOO_FEW))
        .when(pl.col("vs_brand_ci_low") > 0)
        .then(pl.lit(ABOVE))
        .when(pl.col("vs_brand_ci_high") < 0)
        .then(pl.lit(BELOW))
        .otherwise(pl.lit(IN_LINE))
    )
    faster = pl.col("median_first_response_s") < pl.col("brand_median_first_response_s")
    slower = pl.col("median_first_response_s") > pl.col("brand_median_first_response_s")
    speed = (
        pl.when(thin)
        .then(None)
        .when(faster & (pl.col("vs_brand_ci_high") < 0))
        .then(pl.lit(FAST_BUT_UNHAPPY))
        .when(slower & (pl.col("vs_brand_ci_low") > 0))
        .then(pl.lit(SLOW_BUT_HAPPY))
    )
    return agents.with_columns(verdict.alias("verdict"), speed.alias("speed_vs_happiness"))


def overlap_note(board: pl.DataFrame) -> str | None:
    """One plain sentence on how far the order of one brand's agents can be read: how
    many differ clearly from their colleagues, and how many neighbours' intervals
    overlap (their order among themselves is not established). None without agents."""
    ranked = board.filter(~pl.col("below_min_n") & pl.col("vs_brand").is_not_null())
    if ranked.is_empty():
        return None
    above = ranked.filter(pl.col("verdict") == ABOVE).height
    below = ranked.filter(pl.col("verdict") == BELOW).height
    lows = ranked["vs_brand_ci_low"].to_list()
    highs = ranked["vs_brand_ci_high"].to_list()
    pairs = len(lows) - 1
    overlapping = sum(
        1
        for i in range(pairs)
        if None in (lows[i], highs[i + 1]) or lows[i] <= highs[i + 1]  # i ranks above i + 1
    )
    total = ranked.height
    agents = "agent" if total == 1 else "agents"
    parts = [
        f"Of {total} {agents} with enough data, {above} {'is' if above == 1 else 'are'} "
        f"clearly above their colleagues and {below} clearly below; the other "
        f"{total - above - below} cannot be told apart from them."
    ]
    if pairs:
        parts.append(
            f"The intervals of {overlapping} of {pairs} neighbouring pairs overlap: read the "
            "order as groups, not as ranks."
            if overlapping
            else "No neighbouring intervals overlap: the order holds at 95 %."
        )
    return " ".join(parts)


def agent_conversations(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    brand: str,
    agent_id: str,
    limit: int = 200,
) -> pl.DataFrame:
    """The conversations behind an agent's row (newest first, at most `limit`)."""
    params = query_params(filters, config, brand=brand, agent_id=agent_id, limit=limit)
    return sql.run(con, "agent_conversations", **params)


def superfans(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    listed: int | None = None,
) -> pl.DataFrame:
    """Every peer author of the selection (or, with `listed`, each brand's `listed` who
    answered first most often: the People page's top_superfans are among them) with
    what their answers did and saved, and their share of the brand's community
    conversations (Wilson 95 % interval)."""
    frame = sql.run(
        con,
        "superfan_answers",
        **query_params(
            filters,
            config,
            minutes_per_contact=config.minutes_per_contact,
            cost_per_contact=config.cost_per_contact,
            listed=listed,
        ),
    )
    share = intervals.shares(frame["conversations_answered"], frame["community_conversations"])
    return frame.with_columns(
        pl.Series("community_share", share.value, nan_to_null=True),
        pl.Series("community_share_ci_low", share.low, nan_to_null=True),
        pl.Series("community_share_ci_high", share.high, nan_to_null=True),
        pl.lit(config.currency).alias("currency"),
    )


SUPERFANS_LISTED = 50  # the People page lists this many superfans


def top_superfans(fans: pl.DataFrame, count: int = SUPERFANS_LISTED) -> pl.DataFrame:
    """The `count` peers who answered first most often, over every brand of the
    selection (then by answers, brand and pseudonym, so ties list the same way each
    time): the superfans the People page lists. `superfans` orders its rows by brand;
    with `listed` its rows are each brand's top in this order (superfan_answers.sql,
    `listed`), so the top over every brand is among them."""
    return fans.sort(
        ["conversations_answered", "answers", "brand", "peer"],
        descending=[True, True, False, False],
    ).head(count)


@dataclass(frozen=True)
class CommunityLevel:
    """A brand's community conversations and who answered them first."""

    brand: str
    conversations: int
    answered: int
    peer_answered: int
    minutes_saved: float
    cost_saved: float
    currency: str

    @property
    def peer_share(self) -> float | None:
        """Share (0-100) of community conversations a peer answered first."""
        return 100 * self.peer_answered / self.conversations if self.conversations else None

    @property
    def peer_share_ci_low(self) -> float | None:
        return _finite(intervals.shares([self.peer_answered], [self.conversations]).low[0])

    @property
    def peer_share_ci_high(self) -> float | None:
        return _finite(intervals.shares([self.peer_answered], [self.conversations]).high[0])


def _finite(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def community_levels(fans: pl.DataFrame) -> list[CommunityLevel]:
    """Per brand: community conversations, answered, answered first by a peer, and what
    all the peers' first answers saved."""
    if fans.is_empty():
        return []
    per_brand = (
        fans.group_by("brand", maintain_order=True)
        .agg(
            pl.col("community_conversations").first(),
            pl.col("community_answered").first(),
            pl.col("community_peer_answered").first(),
            pl.col("community_minutes_saved").first(),
            pl.col("community_cost_saved").first(),
            pl.col("currency").first(),
        )
        .sort("brand")
    )
    return [CommunityLevel(*row) for row in per_brand.rows()]
