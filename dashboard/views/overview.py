"""The executive overview: KPI tiles against the previous period, and the trend."""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.core import formatting
from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.core.vocabulary import Z95
from dashboard.data import sql
from dashboard.views import evidence, intervals, periods


@dataclass(frozen=True)
class Kpi:
    """A tile: the period's value with its n and 95 % interval, against the previous
    period of equal length (evidence: no change unless both periods reach min n)."""

    label: str
    value: float | None
    previous: float | None
    unit: str  # "count" | "pct" | "seconds" | "points" | "score" (NPS, -100..100)
    higher_is_better: bool
    help: str
    n: int  # what the value is computed over (conversations, answered, ratings...)
    previous_n: int
    n_label: str  # what n counts, e.g. "conversations", "ratings"
    min_n: int
    ci_low: float | None = None
    ci_high: float | None = None
    # a percentile's bound: how close the sketch's value is to the exact one
    # (docs/METRICS.md, "Percentiles"); None for every exact figure
    accuracy: str | None = None

    @property
    def below_min_n(self) -> bool:
        return evidence.below_min_n(self.n, self.min_n)

    @property
    def change(self) -> float | None:
        return evidence.comparable_change(
            self.value, self.previous, self.n, self.previous_n, self.min_n
        )


# tile: label, column, unit, higher is better, the n column and what it counts, help
TILES: tuple[tuple[str, str, str, bool, str, str, str], ...] = (
    (
        "Conversations",
        "conversations",
        "count",
        True,
        "conversations",
        "conversations",
        "conversations whose first customer message falls in the period",
    ),
    (
        "Response rate",
        "response_rate",
        "pct",
        True,
        "conversations",
        "conversations",
        "share of conversations that got a reply",
    ),
    (
        "Median response",
        "median_first_response_s",
        "seconds",
        False,
        "first_responses",
        "timed replies",
        "median time to the first reply, over answered conversations whose times are known",
    ),
    (
        "Within target",
        "within_target_share",
        "pct",
        True,
        "timed",
        "timed conversations",
        "share of conversations answered within their channel's target (conversations "
        "whose speed cannot be measured are left out)",
    ),
    (
        "Happiness index",
        "happiness_index",
        "points",
        True,
        "conversations",
        "conversations",
        "the 0-100 Customer Happiness Index (see the Happiness page)",
    ),
)
SERVICE_TILES: tuple[tuple[str, str, str, bool, str, str, str], ...] = (
    (
        "Mean reply",
        "mean_first_response_s",
        "seconds",
        False,
        "first_responses",
        "timed replies",
        "mean time to the first reply (a few very slow replies pull it above the median)",
    ),
    (
        "P90 reply",
        "p90_first_response_s",
        "seconds",
        False,
        "first_responses",
        "timed replies",
        "9 in 10 first replies come faster than this",
    ),
    (
        "Drop rate",
        "drop_rate",
        "pct",
        False,
        "answered",
        "answered conversations",
        "share of answered conversations dropped: the customer spoke last, not "
        "positively, and has waited longer than the target",
    ),
    (
        "Reopened",
        "reopen_rate",
        "pct",
        False,
        "marked_resolved",
        "resolved cases",
        "share of cases marked resolved that the customer reopened (wrote again, not positively)",
    ),
    (
        "NPS",
        "nps",
        "score",
        True,
        "nps_rated",
        "NPS ratings",
        "Net Promoter Score: % promoters (9-10) minus % detractors (0-6), -100..100",
    ),
    (
        "Mood lift",
        "sentiment_lift",
        "points",
        True,
        "sentiment_lift_conversations",
        "conversations",
        "last minus first customer sentiment on the mood scale, over "
        "conversations with at least two customer messages that have one",
    ),
)


# the percentiles shown, by column: their intervals come from order statistics
PERCENTILES: dict[str, float] = {"median_first_response_s": 0.5, "p90_first_response_s": 0.9}


def order_statistic_ranks(n: int, q: float) -> tuple[int, int] | None:
    """The ranks (1-based) of the distribution-free 95 % interval of the q-quantile of n
    sorted values: n q - z sqrt(n q (1 - q)) rounded down and n q + z sqrt(n q (1 - q))
    + 1 rounded up, kept within 1..n (docs/METRICS.md, "Intervals"); None for n < 2."""
    if n < 2:
        return None
    spread = Z95 * math.sqrt(n * q * (1 - q))
    low = max(1, math.floor(n * q - spread))
    high = min(n, math.ceil(n * q + spread + 1))
    return low, high


def _percentile_intervals(
    con: duckdb.DuckDBPyConnection, params: dict, n_now: int
) -> dict[str, tuple[float, float] | None]:
    """The current period's percentile intervals, from one query of order statistics."""
    ranks = {c: order_statistic_ranks(n_now, q) for c, q in PERCENTILES.items()}
    wanted = [r for pair in ranks.values() if pair for r in pair]
    if not wanted:
        return dict.fromkeys(PERCENTILES)
    # quantile_disc at (r - 0.5) / n is the value of rank r
    row = sql.run(
        con,
        "response_time_order_statistics",
        **params,
        quantiles=[(r - 0.5) / n_now for r in wanted],
    ).row(0, named=True)
    values = iter(row["values_s"] or [])
    return {c: (next(values), next(values)) if pair else None for c, pair in ranks.items()}


def kpi_sets(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters
) -> tuple[list[Kpi], list[Kpi]]:
    """The headline tiles and the service-detail tiles, from one data call."""
    previous = filters.previous()
    params = query_params(filters, config, prev_from=previous.date_from, prev_to=previous.date_to)
    frame = intervals.with_intervals(
        sql.run(con, "overview_kpis", **params),
        config.weights,
        {"speed": "within_target_share"},
    )
    now = frame.filter(pl.col("period") == "current").row(0, named=True)
    before = frame.filter(pl.col("period") == "previous").row(0, named=True)
    percentiles = _percentile_intervals(con, params, int(now["first_responses"]))
    for column, interval in percentiles.items():
        now[f"{column}_ci_low"], now[f"{column}_ci_high"] = interval or (None, None)

    accuracy = formatting.sketch_accuracy(config.percentile_relative_accuracy)

    def tiles(specs: tuple[tuple[str, str, str, bool, str, str, str], ...]) -> list[Kpi]:
        return [
            Kpi(
                label,
                now[column],
                before[column],
                unit,
                better,
                # a percentile says how close the sketch is (docs/METRICS.md, "Percentiles")
                f"{help_text}; {accuracy}" if column in PERCENTILES else help_text,
                int(now[n_column] or 0),
                int(before[n_column] or 0),
                n_label,
                config.min_n,
                now.get(f"{column}_ci_low"),
                now.get(f"{column}_ci_high"),
                accuracy if column in PERCENTILES else None,
            )
            for label, column, unit, better, n_column, n_label, help_text in specs
        ]

    return tiles(TILES), tiles(SERVICE_TILES)


def kpis(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, service: bool = False
) -> list[Kpi]:
    """The headline tiles (or, with `service`, the service-detail tiles)."""
    headline, detail = kpi_sets(con, config, filters)
    return detail if service else headline


def trend(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, grain: str
) -> pl.DataFrame:
    """Conversations, response rate, within-target share and index per period, with
    their 95 % intervals, and which periods the selection covers only in part
    (periods.with_partial: days_selected, days_in_period, partial)."""
    frame = sql.run(
        con,
        "happiness_by_period",
        **query_params(filters, config, grain=grain, split_brand=False, split_channel=False),
    )
    return periods.with_partial(intervals.with_intervals(frame, config.weights), filters, grain)


def default_grain(filters: Filters) -> str:
    """Days for a month or less, weeks up to half a year, months beyond."""
    if filters.days <= 31:
        return "day"
    if filters.days <= 183:
        return "week"
    return "month"
