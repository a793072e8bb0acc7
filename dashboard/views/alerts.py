"""Alerts: the days on which a brand's (or one of its channels') volume, index or mood
broke its own recent pattern (docs/METRICS.md, "Alerts").

The robust baseline and score come from the named query daily_alerts over the daily
rollup; here the candidates are checked against the day's own 95 % interval (an index
or mood alert needs the expected value outside it, so a day whose index rests on a
single rating does not fire) and shaped for pages, reports and the digest.
No Streamlit import.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.data import sql
from dashboard.views import intervals

METRICS: tuple[str, ...] = ("volume", "index", "mood")
# an alert's metric -> the interval of the day's own value (volume is a count: none)
OWN_INTERVAL: dict[str, str] = {"index": "happiness_index", "mood": "mood"}
# what a metric's value is, in words (pages and captions)
METRIC_LABELS: dict[str, str] = {
    "volume": "conversations",
    "index": "happiness index",
    "mood": "mood",
}
SCHEMA: dict[str, pl.DataType] = {
    "day": pl.Date(),
    "brand": pl.String(),
    "channel": pl.String(),
    "metric": pl.String(),
    "value": pl.Float64(),
    "expected": pl.Float64(),
    "score": pl.Float64(),
    "n": pl.Int64(),
    "direction": pl.String(),
}
# detailed(): the alerts with what explains them (the report prints these too)
DETAIL_SCHEMA: dict[str, pl.DataType] = {
    **SCHEMA,
    "conversations": pl.Int64(),  # the day's conversations of the series
    "mad": pl.Float64(),  # the history's median absolute deviation (before its floor)
    "history_days": pl.Int64(),  # the history days with a value
}


def alert_params(config: Config, filters: Filters) -> dict:
    """The bound parameters of daily_alerts for a selection under the config's [alerts]."""
    return query_params(
        filters,
        config,
        history_from=filters.date_from - dt.timedelta(days=config.alerts_window_days),
        window_days=config.alerts_window_days,
        seasonal=config.alerts_seasonal,
        min_history=config.alerts_min_history_days,
        min_n=config.alerts_effective_min_n,
        z_threshold=config.alerts_z_threshold,
        floor_volume=config.alerts_mad_floor_volume,
        floor_index=config.alerts_mad_floor_index,
        floor_mood=config.alerts_mad_floor_mood,
    )


def alerts(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> pl.DataFrame:
    """Every alert of the selection's days, newest first: day, brand, channel (None: the
    brand over every selected channel), metric ('volume' | 'index' | 'mood'), value,
    expected (the median of its history), score (the robust z), n (the day's
    conversations; for mood, those with a mood) and direction ('up' | 'down')."""
    return detailed(con, config, filters).select(list(SCHEMA))


def detailed(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> pl.DataFrame:
    """`alerts` with the day's conversations, the history's MAD and its days."""
    frame = sql.run(con, "daily_alerts", **alert_params(config, filters))
    if frame.is_empty():
        return pl.DataFrame(schema=DETAIL_SCHEMA)
    frame = frame.with_columns(pl.col("conversations_n").fill_null(0).alias("conversations"))
    frame = intervals.with_intervals(frame, config.weights)
    # Business rule: an index or mood alert needs the expected value outside the day's
    # own 95 % interval; a day without one (too few ratings for it) does not fire
    outside = pl.lit(False)
    for metric, score in OWN_INTERVAL.items():
        low, high = pl.col(f"{score}_ci_low"), pl.col(f"{score}_ci_high")
        clear = low.is_not_null() & ((pl.col("expected") < low) | (pl.col("expected") > high))
        outside = outside | ((pl.col("metric") == metric) & clear)
    kept = frame.filter((pl.col("metric") == "volume") | outside)
    return kept.select(pl.col(name).cast(dtype) for name, dtype in DETAIL_SCHEMA.items()).sort(
        ["day", "brand", "channel", "metric"],
        descending=[True, False, False, False],
        nulls_last=False,
    )


def with_period_start(frame: pl.DataFrame, grain: str) -> pl.DataFrame:
    """The alerts with the start of the trend's period each falls in (day, week from
    Monday, month), where a chart marks them."""
    unit = {"day": "1d", "week": "1w", "month": "1mo"}.get(grain, "1d")
    return frame.with_columns(pl.col("day").dt.truncate(unit).alias("period_start"))


def method_note(config: Config) -> str:
    """How an alert is decided, in one sentence (captions, report help)."""
    seasonal = " on the same weekday" if config.alerts_seasonal == "weekday" else ""
    return (
        f"An alert is a day whose volume, index or mood is at least "
        f"{config.alerts_z_threshold:g} robust standard deviations (1.4826 × MAD) from the "
        f"median of the same series' previous {config.alerts_window_days} days{seasonal}, "
        f"for a brand and for each of its channels; index and mood need "
        f"{config.alerts_effective_min_n} conversations on the day and the median outside "
        "the day's 95% interval."
    )
