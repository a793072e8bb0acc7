"""The lines of the Happiness chart: the largest brands by n, one "all others" line,
the peer median, and the selected brands highlighted against their peers
(docs/METRICS.md, "What the charts draw").

- Without a brand selected: the TOP_BRANDS brands with the most conversations in the
  selection, each on its line; every other brand in one "All other brands" line, the
  index of their conversations together (from their summed daily sums, SQL
  happiness_lines: a real aggregate, never an average of averages); and the peer
  median over every brand.
- With brands selected: those brands (the TOP_BRANDS largest; more are summed into
  "All other brands"), highlighted, and the peer median over the brands NOT
  selected, so one brand always has its peers to be read against.
- The peer median of a period is the median of the indices of the peer brands that
  reach min n conversations in it; it needs PEER_MIN_BRANDS such brands, else it is
  null (not enough peers). Its n is those brands' conversations.
- The grain coarsens (periods.chart_grain) when the lines over the selection would
  draw more than periods.MAX_POINTS points.

No Streamlit import.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.core.vocabulary import COMPONENTS
from dashboard.data import sql
from dashboard.views import evidence, intervals, periods
from dashboard.views.happiness import by_period

TOP_BRANDS = 8
PEER_MIN_BRANDS = 3
OTHERS = "All other brands"
PEER = "Peer median"
# role of a line: how the chart draws it
SELECTED, TOP, ALL_OTHERS, PEER_MEDIAN = "selected", "top", "others", "peer"
COLUMNS: tuple[str, ...] = (
    "period_start",
    "group",
    "role",
    "brand",
    "channel",
    "conversations",
    "happiness_index",
    "happiness_index_ci_low",
    "happiness_index_ci_high",
    "peer_brands",
    *COMPONENTS,
)


@dataclass(frozen=True)
class BrandLines:
    """The chart's lines (frame: COLUMNS + below_min_n + the partial-period columns),
    what is on them and at which grain."""

    frame: pl.DataFrame
    grain: periods.ChartGrain
    shown: tuple[str, ...]  # brands on their own line, largest n first
    others: tuple[str, ...]  # brands summed into "All other brands"
    peers: tuple[str, ...]  # brands the peer median is taken over
    highlighted: bool  # the shown brands are the selected ones

    @property
    def brands_frame(self) -> pl.DataFrame:
        """The rows of the brands' own lines (what a drill-down may open)."""
        return self.frame.filter(pl.col("role").is_in([SELECTED, TOP]))

    def summary(self) -> str:
        """One sentence: what the lines are (for the caption under the chart)."""
        if self.highlighted:
            text = f"{', '.join(self.shown)} highlighted"
        else:
            text = f"The {len(self.shown)} brands with the most conversations"
        if self.others:
            text += (
                f"; {OTHERS.lower()} ({len(self.others):,}) as one line, their "
                "conversations together"
            )
        if self.peers:
            text += (
                f"; the peer median is the median index of the {len(self.peers):,} "
                f"{'other ' if self.highlighted else ''}brands with at least the minimum n in "
                f"a period (at least {PEER_MIN_BRANDS} needed)"
            )
        else:
            text += "; no peer brand to compare with"
        return text + "."


def _ranked(per_brand: pl.DataFrame) -> list[str]:
    """The brands of a by_period frame split by brand, most conversations over its
    periods first (ties by name): counts add up over periods."""
    totals = per_brand.group_by("brand").agg(pl.col("conversations").sum())
    return totals.sort(["conversations", "brand"], descending=[True, False])["brand"].to_list()


def _own_lines(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    grain: str,
    pool: list[str],
    shown: list[str],
    highlighted: bool,
) -> pl.DataFrame:
    frame = intervals.with_intervals(
        sql.run(
            con,
            "happiness_lines",
            **query_params(
                dataclasses.replace(filters, brands=tuple(pool)),
                config,
                grain=grain,
                shown_brands=shown,
            ),
        ),
        config.weights,
    )
    role = pl.when(pl.col("is_others")).then(pl.lit(ALL_OTHERS))
    role = role.otherwise(pl.lit(SELECTED if highlighted else TOP))
    return frame.with_columns(
        pl.col("brand").fill_null(OTHERS).alias("group"),
        role.alias("role"),
        pl.lit(None, dtype=pl.String).alias("channel"),
        pl.lit(None, dtype=pl.Int64).alias("peer_brands"),
    ).select(COLUMNS)


def peer_median(per_brand: pl.DataFrame, peers: list[str], min_n: int) -> pl.DataFrame:
    """Per period, the median index of the peer brands reaching `min_n` conversations
    (a by_period frame split by brand), their number and their conversations; null
    index under PEER_MIN_BRANDS such brands."""
    qualified = per_brand.filter(
        pl.col("brand").is_in(peers)
        & (pl.col("conversations") >= min_n)
        & pl.col("happiness_index").is_not_null()
    )
    periods_all = per_brand.select("period_start").unique()
    medians = qualified.group_by("period_start").agg(
        pl.col("happiness_index").median().alias("median"),
        pl.len().cast(pl.Int64).alias("peer_brands"),
        pl.col("conversations").sum().cast(pl.Int64).alias("conversations"),
    )
    enough = pl.col("peer_brands") >= PEER_MIN_BRANDS
    return (
        periods_all.join(medians, on="period_start", how="left")
        .with_columns(
            pl.col("peer_brands").fill_null(0),
            pl.col("conversations").fill_null(0),
            pl.when(enough).then(pl.col("median")).alias("happiness_index"),
            pl.lit(PEER).alias("group"),
            pl.lit(PEER_MEDIAN).alias("role"),
            pl.lit(None, dtype=pl.String).alias("brand"),
            pl.lit(None, dtype=pl.String).alias("channel"),
            pl.lit(None, dtype=pl.Float64).alias("happiness_index_ci_low"),
            pl.lit(None, dtype=pl.Float64).alias("happiness_index_ci_high"),
            *(pl.lit(None, dtype=pl.Float64).alias(c) for c in COMPONENTS),
        )
        .select(COLUMNS)
        .sort("period_start")
    )


def brand_lines(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    grain: str,
    top: int = TOP_BRANDS,
    max_points: int = periods.MAX_POINTS,
) -> BrandLines:
    """The lines of the Happiness chart per brand (module docstring)."""
    # one query per brand and period serves the ranking and the peer median (and is
    # asked again only when the grain coarsens)
    unfiltered = dataclasses.replace(filters, brands=())
    per_brand = by_period(con, config, unfiltered, grain, "brand")
    everyone = _ranked(per_brand)
    selected = [b for b in everyone if b in set(filters.brands)]
    highlighted = bool(filters.brands)
    pool = selected if highlighted else everyone
    shown, others = pool[:top], pool[top:]
    peers = [b for b in everyone if b not in set(selected)] if highlighted else everyone
    lines = len(shown) + bool(others) + bool(peers)
    chosen = periods.chart_grain(filters, grain, lines, max_points)
    frame = _own_lines(con, config, filters, chosen.grain, pool, shown, highlighted)
    if peers:
        if chosen.coarsened:
            per_brand = by_period(con, config, unfiltered, chosen.grain, "brand")
        frame = pl.concat([frame, peer_median(per_brand, peers, config.min_n)])
    # lines in legend order: the brands largest first, then all others, then the peers
    rank = {b: i for i, b in enumerate(shown)} | {OTHERS: len(shown), PEER: len(shown) + 1}
    frame = frame.sort(pl.col("group").replace_strict(rank, return_dtype=pl.Int64), "period_start")
    frame = evidence.flag_below_min_n(frame, config.min_n)
    frame = periods.with_partial(frame, filters, chosen.grain)
    return BrandLines(frame, chosen, tuple(shown), tuple(others), tuple(peers), highlighted)


TOP_GROUPS = 10


@dataclass(frozen=True)
class GroupLines:
    """The chart's lines per channel or brand x channel: the TOP_GROUPS groups with
    the most conversations (the others are listed in the heatmap beside it)."""

    frame: pl.DataFrame
    grain: periods.ChartGrain
    drawn: int
    total: int

    @property
    def notice(self) -> str | None:
        if self.drawn >= self.total:
            return None
        return (
            f"The {self.drawn} lines with the most conversations of {self.total:,}; "
            "every line is in the table beside the components."
        )


def group_lines(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    grain: str,
    by: str,
    top: int = TOP_GROUPS,
    max_points: int = periods.MAX_POINTS,
) -> GroupLines:
    """Lines per `by` ('channel', 'brand,channel', 'all'): the largest `top` groups,
    at the finest grain from `grain` that keeps the points under `max_points`."""
    totals = by_period(con, config, filters, "all", by).sort(
        ["conversations", "group"], descending=[True, False]
    )
    keep = totals["group"].head(top).to_list()
    chosen = periods.chart_grain(filters, grain, len(keep), max_points)
    frame = by_period(con, config, filters, chosen.grain, by).filter(pl.col("group").is_in(keep))
    order = {g: i for i, g in enumerate(keep)}
    frame = frame.sort(pl.col("group").replace_strict(order, return_dtype=pl.Int64), "period_start")
    frame = periods.with_partial(frame, filters, chosen.grain)
    return GroupLines(frame, chosen, len(keep), totals.height)
