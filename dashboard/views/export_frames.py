"""The frames behind the downloads of blocks that are not one query's frame: the KPI
tiles, the movers and the public board (also `chi report public`). Every figure keeps
its n and its 95 % interval as columns; a figure under min n stays empty, never 0."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from dashboard.core.vocabulary import COMPONENTS, LABELS
from dashboard.views.happiness import WhatMoved
from dashboard.views.movers import Movers
from dashboard.views.overview import Kpi
from dashboard.views.public import Board, WeekPoint

KPI_SCHEMA = {
    "KPI": pl.String,
    "Unit": pl.String,
    "Value": pl.Float64,
    "Value 95% CI low": pl.Float64,
    "Value 95% CI high": pl.Float64,
    "n": pl.Int64,
    "What n counts": pl.String,
    "Under min n (not enough data)": pl.Boolean,
    "Previous value": pl.Float64,
    "Previous n": pl.Int64,
    "Change": pl.Float64,
}
UNITS = {
    "count": "count",
    "pct": "%",
    "seconds": "s",
    "points": "points (0-100)",
    "score": "score (-100 to 100)",
}


def kpi_frame(tiles: Iterable[Kpi]) -> pl.DataFrame:
    """One row per tile as shown: the value (empty under min n, except a count, which
    is its own n), its interval, n and what n counts, the previous period and the
    change (empty unless both periods reach min n)."""
    rows = []
    for kpi in tiles:
        shown = not kpi.below_min_n or kpi.unit == "count"
        rows.append(
            {
                "KPI": kpi.label,
                "Unit": UNITS.get(kpi.unit, kpi.unit),
                "Value": kpi.value if shown else None,
                "Value 95% CI low": kpi.ci_low if shown else None,
                "Value 95% CI high": kpi.ci_high if shown else None,
                "n": kpi.n,
                "What n counts": kpi.n_label,
                "Under min n (not enough data)": kpi.below_min_n,
                "Previous value": kpi.previous,
                "Previous n": kpi.previous_n,
                "Change": kpi.change,
            }
        )
    return pl.DataFrame(rows, schema=KPI_SCHEMA)


MOVER_SCHEMA = {
    "Direction": pl.String,
    "Brand": pl.String,
    "Channel": pl.String,
    "Change (points)": pl.Float64,
    "Change 95% CI low (points)": pl.Float64,
    "Change 95% CI high (points)": pl.Float64,
    "Index now (0-100)": pl.Float64,
    "Index before (0-100)": pl.Float64,
    "n now (conversations)": pl.Int64,
    "n before (conversations)": pl.Int64,
}


def movers_frame(result: Movers, shown: int) -> pl.DataFrame:
    """The movers as listed: up then down, the `shown` largest each way."""
    rows = [
        {
            "Direction": direction,
            "Brand": m.brand,
            "Channel": m.channel if m.channel is not None else "all channels",
            "Change (points)": m.change_points,
            "Change 95% CI low (points)": m.change_low,
            "Change 95% CI high (points)": m.change_high,
            "Index now (0-100)": m.index_now,
            "Index before (0-100)": m.index_before,
            "n now (conversations)": m.n_now,
            "n before (conversations)": m.n_before,
        }
        for direction, movers in (("up", result.up), ("down", result.down))
        for m in movers[:shown]
    ]
    return pl.DataFrame(rows, schema=MOVER_SCHEMA)


BOARD_SCHEMA = {
    "rank": pl.Int64,
    "brand": pl.String,
    "slug": pl.String,
    "index": pl.Float64,
    "index_ci_low": pl.Float64,
    "index_ci_high": pl.Float64,
    "previous_index": pl.Float64,
    "change": pl.Float64,
    "direction": pl.String,
    "n": pl.Int64,
    "conversations": pl.Int64,
    "below_min_n": pl.Boolean,
    "suppressed": pl.Boolean,
    **{c: pl.Float64 for c in COMPONENTS},
    "period_start": pl.Date,
    "period_end": pl.Date,
    "previous_start": pl.Date,
    "previous_end": pl.Date,
    "methodology_version": pl.String,
}


# the board's columns that read differently from the shared names
BOARD_NAMES = {
    "n": "n (conversations; empty under min n)",
    "conversations": "Conversations in the period",
    "slug": "Slug",
    "period_start": "Period start",
    "period_end": "Period end",
    "previous_start": "Previous period start",
    "previous_end": "Previous period end",
}


def board_frame(board: Board) -> pl.DataFrame:
    """The public board, one row per public brand (as `chi report public`): a
    suppressed brand has no index, no n and no rank, only its conversations."""
    period, previous = board.period, board.previous
    rows = [
        {
            "rank": s.rank,
            "brand": s.brand,
            "slug": s.slug,
            "index": s.index,
            "index_ci_low": s.index_ci[0] if s.index_ci else None,
            "index_ci_high": s.index_ci[1] if s.index_ci else None,
            "previous_index": s.previous_index,
            "change": s.change,
            "direction": s.direction,
            "n": s.n,
            "conversations": s.conversations,
            "below_min_n": s.suppressed,
            "suppressed": s.suppressed,
            **s.components,
            "period_start": period.date_from if period else None,
            "period_end": period.date_to if period else None,
            "previous_start": previous.date_from if previous else None,
            "previous_end": previous.date_to if previous else None,
            "methodology_version": board.methodology_version,
        }
        for s in board.brands
    ]
    return pl.DataFrame(rows, schema=BOARD_SCHEMA)


MOVED_SCHEMA = {
    "Component": pl.String,
    "Weight": pl.Float64,
    "Previous period (0-100)": pl.Float64,
    "This period (0-100)": pl.Float64,
    "Index points it moved (points)": pl.Float64,
    "n now (conversations)": pl.Int64,
    "n before (conversations)": pl.Int64,
}


def moved_frame(moved: WhatMoved) -> pl.DataFrame:
    """What moved the index: each component before and now and the index points its
    change adds, the index itself last; both periods' n on every row."""
    rows = [
        {
            "Component": LABELS.get(c.component, c.component),
            "Weight": c.weight,
            "Previous period (0-100)": c.before,
            "This period (0-100)": c.now,
            "Index points it moved (points)": c.points,
            "n now (conversations)": moved.n_now,
            "n before (conversations)": moved.n_before,
        }
        for c in moved.contributions
    ]
    rows.append(
        {
            "Component": "Happiness index",
            "Weight": None,
            "Previous period (0-100)": moved.index_before,
            "This period (0-100)": moved.index_now,
            "Index points it moved (points)": moved.change,
            "n now (conversations)": moved.n_now,
            "n before (conversations)": moved.n_before,
        }
    )
    return pl.DataFrame(rows, schema=MOVED_SCHEMA)


def agents_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """The agent leaderboard as the table lists it, in numbers: an agent under min n
    has no index and no gap to colleagues (the table says "not enough data")."""
    thin = pl.col("below_min_n")

    def unless_thin(name: str) -> pl.Expr:
        return pl.when(thin).then(None).otherwise(pl.col(name)).alias(name)

    return rows.select(
        pl.col("rank").alias("Rank"),
        pl.col("agent_id").alias("Agent"),
        pl.col("conversations").alias("n (conversations)"),
        pl.col("first_responses").alias("First replies (n)"),
        pl.col("median_first_response_s").alias("Median first reply (s)"),
        pl.col("median_first_response_s_ci_low").alias("Median first reply 95% CI low (s)"),
        pl.col("median_first_response_s_ci_high").alias("Median first reply 95% CI high (s)"),
        thin.alias("Under min n (not enough data)"),
        *(
            unless_thin(c).alias(label)
            for c, label in (
                ("happiness_index", "Happiness index (0-100)"),
                ("happiness_index_ci_low", "Happiness index 95% CI low (0-100)"),
                ("happiness_index_ci_high", "Happiness index 95% CI high (0-100)"),
                ("vs_brand", "vs colleagues (points)"),
                ("vs_brand_ci_low", "vs colleagues 95% CI low (points)"),
                ("vs_brand_ci_high", "vs colleagues 95% CI high (points)"),
            )
        ),
        pl.col("colleague_conversations").alias("Colleagues' n (conversations)"),
        pl.col("verdict").alias("Verdict"),
    )


def superfans_frame(fans: pl.DataFrame) -> pl.DataFrame:
    """The superfans as the table lists them, in numbers (staff time in hours)."""
    return fans.select(
        pl.col("brand").alias("Brand"),
        pl.col("peer").alias("Superfan (pseudonym)"),
        pl.col("answers").alias("Answers (n)"),
        pl.col("conversations_answered").alias("Answered first (n)"),
        pl.col("resolved").alias("Resolved (n)"),
        pl.col("median_first_response_s").alias("Median first answer (s)"),
        pl.col("community_share").alias("Share of community (%)"),
        pl.col("community_share_ci_low").alias("Share of community 95% CI low (%)"),
        pl.col("community_share_ci_high").alias("Share of community 95% CI high (%)"),
        pl.col("community_conversations").alias("Community conversations (n)"),
        (pl.col("minutes_saved") / 60).alias("Staff time saved (h)"),
        pl.col("cost_saved").alias("Cost saved"),
        pl.col("currency").alias("Currency"),
    )


HISTORY_SCHEMA = {
    "Week start": pl.Date,
    "Happiness index (0-100)": pl.Float64,
    "Happiness index 95% CI low (0-100)": pl.Float64,
    "Happiness index 95% CI high (0-100)": pl.Float64,
    "n (conversations)": pl.Int64,
}


def history_frame(points: Iterable[WeekPoint]) -> pl.DataFrame:
    """A public brand's weekly history: a suppressed week has no index and no n."""
    rows = [
        {
            "Week start": p.week_start,
            "Happiness index (0-100)": p.index,
            "Happiness index 95% CI low (0-100)": p.ci[0] if p.ci else None,
            "Happiness index 95% CI high (0-100)": p.ci[1] if p.ci else None,
            "n (conversations)": p.n,
        }
        for p in points
    ]
    return pl.DataFrame(rows, schema=HISTORY_SCHEMA)
