"""The executive overview: KPI tiles against the previous period, and the trend."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.data import sql


@dataclass(frozen=True)
class Kpi:
    label: str
    value: float | None
    previous: float | None
    unit: str  # "count" | "pct" | "seconds" | "points"
    higher_is_better: bool
    help: str

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def kpis(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> list[Kpi]:
    previous = filters.previous()
    frame = sql.run(
        con,
        "overview_kpis",
        **query_params(filters, config, prev_from=previous.date_from, prev_to=previous.date_to),
    )
    now = frame.filter(pl.col("period") == "current").row(0, named=True)
    before = frame.filter(pl.col("period") == "previous").row(0, named=True)
    target_note = "share of conversations answered within their channel's target"
    return [
        Kpi(
            "Conversations",
            now["conversations"],
            before["conversations"],
            "count",
            True,
            "conversations whose first customer message falls in the period",
        ),
        Kpi(
            "Response rate",
            now["response_rate"],
            before["response_rate"],
            "pct",
            True,
            "share of conversations that got a reply",
        ),
        Kpi(
            "Median response",
            now["median_first_response_s"],
            before["median_first_response_s"],
            "seconds",
            False,
            "median time to the first reply, over answered conversations",
        ),
        Kpi(
            "Within target",
            now["within_target_share"],
            before["within_target_share"],
            "pct",
            True,
            target_note,
        ),
        Kpi(
            "Happiness index",
            now["happiness_index"],
            before["happiness_index"],
            "points",
            True,
            "the 0-100 Customer Happiness Index (see the Happiness page)",
        ),
    ]


def trend(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, grain: str
) -> pl.DataFrame:
    """Conversations, response rate, within-target share and index per period."""
    return sql.run(
        con,
        "happiness_by_period",
        **query_params(filters, config, grain=grain, split_brand=False, split_channel=False),
    )


def default_grain(filters: Filters) -> str:
    """Days for a month or less, weeks up to half a year, months beyond."""
    if filters.days <= 31:
        return "day"
    if filters.days <= 183:
        return "week"
    return "month"
