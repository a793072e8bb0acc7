"""The digest's adapter to the views built on other branches: alerts, movers and
topics (issue 16). Each is called through `importlib`, so a build without the module
gets None ("not available in this build") instead of an ImportError, and every
result is turned into one plain Polars frame of the documented shape:

- alerts: `dashboard.views.alerts.alerts(con, config, filters)` -> day, brand,
  channel (None: the brand over all channels), metric ('volume' | 'index' | 'mood'),
  value, expected, score, n, direction ('up' | 'down'), newest first;
- movers: `dashboard.views.movers.movers(con, config, filters, by="brand")` -> up and
  down movers with brand, index_now, index_before, change_points, change_low,
  change_high, n_now, n_before, direction (a frame, or an object with `up` and `down`
  lists or frames: both are accepted);
- topics: `dashboard.views.topics.topics(con, config, filters, limit=...)` -> term,
  count, score, mood (mean sentiment, -1..1), n_messages, by score descending, for the
  filters' brand against the others (so it is asked once per brand).

When the three branches are merged, the guard can go: call the views directly here
and keep the frames' shapes (the digest's renderers read only the columns above).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import Any

import duckdb
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.views import alerts as alerts_view
from dashboard.views import movers as movers_view

ALERT_COLUMNS = ("day", "brand", "channel", "metric", "value", "expected", "score", "n")
MOVER_COLUMNS = (
    "brand",
    "index_now",
    "index_before",
    "change_points",
    "change_low",
    "change_high",
    "n_now",
    "n_before",
    "direction",
)
TOPIC_COLUMNS = ("term", "count", "score", "mood", "n_messages")
TOPICS_SHOWN = 5  # per brand


def optional_view(module: str, function: str) -> Callable[..., Any] | None:
    """dashboard.views.<module>.<function>, or None when this build has no such module
    (an ImportError inside an existing module is a bug and is raised)."""
    name = f"dashboard.views.{module}"
    try:
        loaded = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
    return getattr(loaded, function, None)


def as_frame(value: Any) -> pl.DataFrame:
    """A frame from a frame, a list of dataclasses or dicts (an empty list: no rows)."""
    if isinstance(value, pl.DataFrame):
        return value
    rows = [dataclasses.asdict(v) if dataclasses.is_dataclass(v) else dict(v) for v in value]
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def alerts(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> pl.DataFrame:
    """The period's alerts for the selected brands, newest first."""
    frame = alerts_view.alerts(con, config, filters)
    if frame.is_empty():
        return frame
    # only the period's days (the view may look back further for its baseline)
    days = pl.col("day").cast(pl.Date)
    # newest first; within a day the strongest first, either way
    return frame.filter(days.is_between(filters.date_from, filters.date_to)).sort(
        [pl.col("day"), pl.col("score").abs()], descending=[True, True]
    )


def movers(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, before: Filters
) -> pl.DataFrame:
    """Up and down movers between the period and `before` (the digest's previous week
    or calendar month), as one frame with `direction`, biggest first each way."""
    result = movers_view.movers(con, config, filters, by="brand", before=before)
    parts = [
        as_frame(side).with_columns(pl.lit(direction).alias("direction"))
        for side, direction in ((result.up, "up"), (result.down, "down"))
        if side
    ]
    return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()


def topics(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    brands: tuple[str, ...],
    limit: int = TOPICS_SHOWN,
) -> pl.DataFrame | None:
    """Each brand's top topics in the period (a topic stands out for a brand against the
    other brands, so the view is asked once per brand), with a `brand` column, brands in
    the given order; None when unavailable."""
    view = optional_view("topics", "topics")
    if view is None:
        return None
    frames = []
    for brand in brands:
        one = dataclasses.replace(filters, brands=(brand,))
        frame = as_frame(view(con, config, one, limit=limit)).head(limit)
        if not frame.is_empty():
            frames.append(frame.with_columns(pl.lit(brand).alias("brand")))
    return pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
