"""Channel consistency: is service the same on every channel?

Pure functions over a DuckDB cursor (no Streamlit). The per-channel figures come
from the named query consistency_by_channel; the brand score is derived from them
here, by the rules of docs/METRICS.md ("Channel consistency"):

- only channels with at least `min_n` conversations are compared ("eligible");
  their count is `channels`;
- spread of a component = max - min over the eligible channels that have it;
  consistency = 100 - mean spread over the components that >= 2 channels have
  (null when there is none);
- weakest channel = lowest index (ties: first channel name); gap = highest index -
  lowest index; both null with fewer than two eligible channels with an index;
- alert: an eligible channel more than `alert_gap_points` below the brand's best.

Journeys: conversations that switched channel against those that did not
(consistency_journeys) and the channel paths customers take (channel_paths).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from dashboard.core import formatting, vocabulary
from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.core.vocabulary import COMPONENTS
from dashboard.data import sql
from dashboard.views import evidence, intervals

# the heatmap's metrics (columns of the per-channel frame) and their names
LABELS: dict[str, str] = {
    "happiness_index": vocabulary.HAPPINESS_INDEX_LABEL,
    **vocabulary.LABELS,
}
HEATMAP_METRICS: tuple[str, ...] = ("happiness_index", *COMPONENTS)
BRAND_COLUMNS: tuple[str, ...] = (
    "brand",
    "conversations",
    "below_min_n",
    "channels",
    "consistency",
    "weakest_channel",
    "gap",
)
CHANNEL_COLUMNS: tuple[str, ...] = (
    "brand",
    "channel",
    "conversations",
    "below_min_n",
    "response_rate",
    "median_first_response_s",
    "p90_first_response_s",
    *(
        f"{c}{suffix}"
        for c in ("speed", "resolution", "mood", "effort", "satisfaction", "happiness_index")
        for suffix in ("", "_ci_low", "_ci_high")
    ),
    "points_below_best",
    "alert",
)
BRAND_SCHEMA: dict[str, Any] = {
    "brand": pl.String,
    "channels": pl.Int64,
    "consistency": pl.Float64,
    "weakest_channel": pl.String,
    "gap": pl.Float64,
    "best_channel": pl.String,
    "alerts": pl.Int64,
    "conversations": pl.Int64,
}


def by_channel(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> pl.DataFrame:
    """The per-channel KPI table (consistency_by_channel) with `below_min_n`,
    `points_below_best` (null when the channel is not compared) and `alert`."""
    frame = intervals.with_intervals(
        sql.run(con, "consistency_by_channel", **query_params(filters, config)), config.weights
    )
    return mark_channels(frame, config.min_n, config.alert_gap_points)


def mark_channels(frame: pl.DataFrame, min_n: int, alert_gap_points: float) -> pl.DataFrame:
    """Add below_min_n, best_channel and best_index of the brand, points_below_best
    (null when the channel is not compared) and alert to a per-channel frame."""
    best = score_brands(frame, min_n, alert_gap_points).select(
        "brand", "best_channel", "best_index"
    )
    compared = (pl.col("conversations") >= min_n) & pl.col("happiness_index").is_not_null()
    return (
        frame.join(best, on="brand", how="left", maintain_order="left")
        .with_columns(
            (pl.col("conversations") < min_n).alias("below_min_n"),
            pl.when(compared)
            .then(pl.col("best_index") - pl.col("happiness_index"))
            .alias("points_below_best"),
        )
        .with_columns(
            pl.col("points_below_best").fill_null(0.0).gt(alert_gap_points).alias("alert")
        )
    )


def _eligible_by_brand(frame: pl.DataFrame, min_n: int) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for row in frame.iter_rows(named=True):
        groups.setdefault(row["brand"], [])
        if row["conversations"] >= min_n:
            groups[row["brand"]].append(row)
    return groups


def consistency_score(channels: list[dict]) -> float | None:
    """100 - mean spread (max - min) of the components that >= 2 channels have."""
    spreads = []
    for component in COMPONENTS:
        values = [c[component] for c in channels if c[component] is not None]
        if len(values) >= 2:
            spreads.append(max(values) - min(values))
    return 100.0 - sum(spreads) / len(spreads) if spreads else None


def score_brands(
    frame: pl.DataFrame, min_n: int, alert_gap_points: float, with_best: bool = True
) -> pl.DataFrame:
    """One row per brand of a per-channel frame: channels, consistency,
    weakest_channel, gap, best_channel, alerts, conversations (all channels);
    with `with_best` also best_index (the index the alerts are measured from)."""
    rows = []
    for brand, channels in _eligible_by_brand(frame, min_n).items():
        indexed = sorted(
            (c for c in channels if c["happiness_index"] is not None),
            key=lambda c: (c["happiness_index"], c["channel"]),
        )
        weakest = best = None
        if len(indexed) >= 2:
            weakest = indexed[0]
            # the best channel: highest index, ties again by channel name
            best = min(indexed, key=lambda c: (-c["happiness_index"], c["channel"]))
        alerts = [
            c
            for c in indexed
            if best is not None
            and best["happiness_index"] - c["happiness_index"] > alert_gap_points
        ]
        total = int(frame.filter(pl.col("brand") == brand)["conversations"].sum())
        rows.append(
            {
                "brand": brand,
                "channels": len(channels),
                "consistency": consistency_score(channels),
                "weakest_channel": weakest["channel"] if weakest else None,
                "gap": best["happiness_index"] - weakest["happiness_index"]
                if weakest and best
                else None,
                "best_channel": best["channel"] if best else None,
                "alerts": len(alerts),
                "conversations": total,
                "best_index": best["happiness_index"] if best else None,
            }
        )
    schema = {**BRAND_SCHEMA, "best_index": pl.Float64}
    result = pl.DataFrame(rows, schema=schema).sort("brand")
    return result if with_best else result.drop("best_index")


def by_brand(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> pl.DataFrame:
    """The brand scores of the selection (one row per brand, sorted by brand)."""
    channels = sql.run(con, "consistency_by_channel", **query_params(filters, config))
    return brand_scores(channels, config)


def brand_scores(channels: pl.DataFrame, config: Config) -> pl.DataFrame:
    """The brand scores from a per-channel table (by_channel), so a page that already
    has the channels does not query them twice."""
    scores = score_brands(channels, config.min_n, config.alert_gap_points, with_best=False)
    return evidence.flag_below_min_n(scores, config.min_n)


@dataclass(frozen=True)
class Alert:
    brand: str
    channel: str
    index: float
    best_channel: str
    best_index: float
    conversations: int

    @property
    def points_below(self) -> float:
        return self.best_index - self.index

    def sentence(self) -> str:
        return (
            f"**{self.brand}**: {self.channel} scores {self.index:.1f}, "
            f"{self.points_below:.1f} points below {self.best_channel} "
            f"({self.best_index:.1f}); n={self.conversations:,}."
        )


def alerts(channels: pl.DataFrame) -> list[Alert]:
    """The alerted channels of a marked per-channel frame, largest shortfall first."""
    flagged = channels.filter(pl.col("alert")).sort(
        ["points_below_best", "brand"], descending=[True, False]
    )
    return [
        Alert(
            r["brand"],
            r["channel"],
            r["happiness_index"],
            r["best_channel"],
            r["best_index"],
            int(r["conversations"]),
        )
        for r in flagged.iter_rows(named=True)
    ]


def alerts_table(channels: pl.DataFrame) -> pl.DataFrame:
    """The alerted channels as a table, largest shortfall first."""
    return pl.DataFrame(
        [
            {
                "brand": a.brand,
                "channel": a.channel,
                "happiness_index": a.index,
                "best_channel": a.best_channel,
                "best_index": a.best_index,
                "points_below_best": a.points_below,
                "conversations": a.conversations,
            }
            for a in alerts(channels)
        ],
        schema={
            "brand": pl.String,
            "channel": pl.String,
            "happiness_index": pl.Float64,
            "best_channel": pl.String,
            "best_index": pl.Float64,
            "points_below_best": pl.Float64,
            "conversations": pl.Int64,
        },
    )


def least_consistent_first(scores: pl.DataFrame) -> pl.DataFrame:
    """Brand scores ordered for reading: lowest consistency first, brands without
    a score last, then by name."""
    return scores.sort(["consistency", "brand"], nulls_last=True)


def default_brand(scores: pl.DataFrame) -> str | None:
    """The brand a detail view opens on: the least consistent one."""
    ordered = least_consistent_first(scores)
    return ordered["brand"][0] if ordered.height else None


def brand_channels(channels: pl.DataFrame, brand: str) -> pl.DataFrame:
    """The per-channel rows of one brand, best index first (thin channels last)."""
    return channels.filter(pl.col("brand") == brand).sort(
        ["below_min_n", "happiness_index", "channel"],
        descending=[False, True, False],
        nulls_last=True,
    )


def brand_score(scores: pl.DataFrame, brand: str) -> dict:
    """One brand's row of a by_brand frame."""
    return scores.filter(pl.col("brand") == brand).row(0, named=True)


def channel_table(rows: pl.DataFrame, min_n: int) -> pl.DataFrame:
    """A brand_channels frame ready to read: first-response times as durations, the
    index's 95 % interval as text, and channels under the minimum n labelled as such
    (instead of a below_min_n column)."""
    label = (
        pl.when(pl.col("below_min_n"))
        .then(pl.concat_str(pl.col("channel"), pl.lit(f" (n<{min_n})")))
        .otherwise(pl.col("channel"))
    )
    interval = pl.struct("happiness_index_ci_low", "happiness_index_ci_high").map_elements(
        lambda r: formatting.interval(
            r["happiness_index_ci_low"], r["happiness_index_ci_high"], "points"
        ),
        return_dtype=pl.String,
    )
    shown = [c for c in CHANNEL_COLUMNS[1:] if not c.endswith(("_ci_low", "_ci_high"))]
    return (
        rows.with_columns(interval.alias("happiness_index_ci"))
        .select(
            *shown[: shown.index("happiness_index") + 1],
            "happiness_index_ci",
            *shown[shown.index("happiness_index") + 1 :],
        )
        .with_columns(
            label.alias("channel"),
            *(
                pl.col(c).map_elements(formatting.duration, return_dtype=pl.String)
                for c in ("median_first_response_s", "p90_first_response_s")
            ),
        )
        .drop("below_min_n")
    )


def gap_text(difference: float | None) -> str | None:
    """The switched-channel tile's delta: the gap to single-channel conversations in
    the same period ('-5.6 pts vs single channel'), never read as a change over time."""
    change = formatting.change(difference, "points")
    return None if change is None else f"{change} vs single channel"


def summary_sentence(score: dict, min_n: int) -> str:
    """One line about a brand's score row (from by_brand / score_brands)."""
    if score["channels"] == 0:
        return (
            f"{score['brand']} has no channel with at least {min_n} conversations in "
            "this selection, so there is nothing to compare."
        )
    if score["channels"] == 1 or score["gap"] is None:
        return (
            f"{score['brand']} has only one channel with at least {min_n} "
            "conversations, so there is no spread to measure."
        )
    return (
        f"{score['brand']}: consistency {score['consistency']:.1f} over "
        f"{score['channels']} channels. The weakest channel is "
        f"{score['weakest_channel']}, {score['gap']:.1f} points below "
        f"{score['best_channel']}."
    )


# ---- cross-channel journeys --------------------------------------------------------


@dataclass(frozen=True)
class SwitchSummary:
    conversations: int
    switched: int
    share_switched_pct: float | None
    index_switched: float | None
    index_single: float | None

    @property
    def difference(self) -> float | None:
        if self.index_switched is None or self.index_single is None:
            return None
        return self.index_switched - self.index_single


def journeys(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, split_brand: bool = True
) -> pl.DataFrame:
    """Switched versus single-channel conversations (two rows per brand, or overall)."""
    return sql.run(
        con, "consistency_journeys", **query_params(filters, config, split_brand=split_brand)
    )


def switch_summary(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters
) -> SwitchSummary:
    """The whole selection: share of conversations that switched channel and the
    index of each group."""
    frame = journeys(con, config, filters, split_brand=False)
    if frame.is_empty():
        return SwitchSummary(0, 0, None, None, None)
    rows = {r["switched_channel"]: r for r in frame.iter_rows(named=True)}
    switched, single = rows[True], rows[False]
    return SwitchSummary(
        int(switched["conversations"] + single["conversations"]),
        int(switched["conversations"]),
        switched["share_pct"],
        switched["happiness_index"],
        single["happiness_index"],
    )


def journeys_by_brand(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters
) -> pl.DataFrame:
    """One row per brand: conversations, switched share, index switched / single."""
    frame = journeys(con, config, filters, split_brand=True)
    switched = frame.filter(pl.col("switched_channel")).select(
        "brand",
        pl.col("conversations").alias("switched_n"),
        pl.col("share_pct").alias("switched_pct"),
        pl.col("happiness_index").alias("index_switched"),
    )
    single = frame.filter(~pl.col("switched_channel")).select(
        "brand",
        pl.col("conversations").alias("single_n"),
        pl.col("happiness_index").alias("index_single"),
    )
    return (
        switched.join(single, on="brand")
        .with_columns((pl.col("index_switched") - pl.col("index_single")).alias("difference"))
        .sort("brand")
    )


def channel_paths(
    con: duckdb.DuckDBPyConnection, filters: Filters, split_brand: bool = False
) -> pl.DataFrame:
    """Every channel path with its conversations and share (channel_paths)."""
    return sql.run(con, "channel_paths", **filters.params(), split_brand=split_brand)


def top_paths(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 10) -> pl.DataFrame:
    """The `limit` most common multi-channel paths of the selection, with their
    share of all switched conversations."""
    paths = channel_paths(con, filters).filter(pl.col("channels_in_path") >= 2)
    switched = int(paths["conversations"].sum()) if paths.height else 0
    return (
        paths.head(limit)
        .with_columns((100.0 * pl.col("conversations") / switched).alias("share_of_switched_pct"))
        .select("path", "channels_in_path", "conversations", "share_pct", "share_of_switched_pct")
    )
