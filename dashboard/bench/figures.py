"""The product's figures of every page's default view in the peers' terms
(peer_common.py says which), and the check that a peer computed the same numbers."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import polars as pl

from dashboard.bench.peer_common import PAGES
from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.views import consistency, engagement, happiness, overview, people, public

# what "the same numbers" means: counts equal, rates and indices to 1e-6 points;
# medians to 1e-6 relative (linear interpolation either way)
TOLERANCE = 1e-6
# the product's medians come from the response-time sketch (docs/METRICS.md,
# "Percentiles"), the peers' from the exact values: the same number means within the
# sketch's relative accuracy alpha of it (plus floating point at a bucket's edge)
SKETCHED = {"first_response_s", "median_first_response_s"}


def board_periods(board: public.Board) -> dict[str, tuple[dt.date, dt.date]]:
    """The board's current and previous periods (none: nothing is published)."""
    if board.period is None or board.previous is None:
        return {}
    return {
        "current": (board.period.date_from, board.period.date_to),
        "previous": (board.previous.date_from, board.previous.date_to),
    }


def product_figures(
    name: str, con: duckdb.DuckDBPyConnection, config: Config, filters: Filters
) -> dict[str, pl.DataFrame]:
    """Page `name`'s default figures as the product computes them (its view functions),
    in the peers' column names."""
    if name == "overview":
        headline, _ = overview.kpi_sets(con, config, filters)
        value = {k.label: k.value for k in headline}
        kpis = pl.DataFrame(
            {
                "conversations": [value["Conversations"]],
                "response_rate": [value["Response rate"]],
                "first_response_s": [value["Median response"]],
                "speed": [value["Within target"]],
                "happiness_index": [value["Happiness index"]],
            }
        )
        trend = overview.trend(con, config, filters, "week").rename({"period_start": "week"})
        return {"kpis": kpis, "trend": trend}
    if name == "happiness":
        weekly = happiness.by_period(con, config, filters, "week", "brand")
        whole = happiness.by_period(con, config, filters, "all", "brand")
        return {"weekly": weekly.rename({"period_start": "week"}), "by_brand": whole}
    if name == "consistency":
        journeys = consistency.journeys_by_brand(con, config, filters)
        switched = pl.concat(
            [
                journeys.select(
                    "brand",
                    switched=pl.lit(flag),
                    conversations=pl.col(f"{label}_n"),
                    happiness_index=pl.col(f"index_{label}"),
                )
                for flag, label in ((True, "switched"), (False, "single"))
            ]
        ).filter(pl.col("conversations") > 0)
        return {"by_channel": consistency.by_channel(con, config, filters), "switched": switched}
    if name == "engagement":
        return {"accounts": engagement.fan_action(con, config, filters).accounts}
    if name == "people":
        return {"agents": people.leaderboard(con, config, filters).agents}
    if name == "board":
        board = public.board(con, config)
        if not board_periods(board):
            return {}
        rows = {
            label: pl.DataFrame(
                [
                    {"brand": b.brand, "happiness_index": index}
                    for b in board.brands
                    for index in [b.index if label == "current" else b.previous_index]
                    if index is not None  # none shown: no conversations, or under min n
                ],
                schema={"brand": pl.String, "happiness_index": pl.Float64},
            )
            for label in ("current", "previous")
        }
        return rows
    raise ValueError(f"unknown page {name!r}; pages: {', '.join(PAGES)}")


# the columns compared per frame: keys first, then figures
COMPARED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "kpis": (
        (),
        ("conversations", "response_rate", "first_response_s", "speed", "happiness_index"),
    ),
    "trend": (("week",), ("conversations", "happiness_index")),
    "weekly": (("brand", "week"), ("conversations", "happiness_index")),
    "by_brand": (("brand",), ("conversations", "happiness_index")),
    "by_channel": (("brand", "channel"), ("conversations", "happiness_index")),
    "switched": (("brand", "switched"), ("conversations", "happiness_index")),
    "accounts": (
        ("brand", "channel"),
        ("followers", "posts", "engagements", "conversations", "engagement_rate_pct"),
    ),
    "agents": (
        ("brand", "agent_id"),
        ("conversations", "happiness_index", "median_first_response_s"),
    ),
    "current": (("brand",), ("happiness_index",)),
    "previous": (("brand",), ("happiness_index",)),
}
ROUNDED = {"current", "previous"}  # the board shows the index to one decimal


def disagreements(
    mine: dict[str, pl.DataFrame],
    theirs: dict[str, pl.DataFrame],
    relative_accuracy: float = 0.01,
) -> list[str]:
    """Where a peer's figures differ from the product's (empty: the same numbers); a
    median (SKETCHED) within `relative_accuracy` ([percentiles], default 0.01) of the
    peer's exact one is the same."""
    found = []
    for frame, (keys, figures) in COMPARED.items():
        if frame not in mine and frame not in theirs:
            continue
        if frame not in mine or frame not in theirs:
            found.append(f"{frame}: computed by only one of the two")
            continue
        a, b = mine[frame], theirs[frame]
        if frame in ROUNDED:  # the board lists its published brands only
            b = b.filter(pl.col("brand").is_in(a["brand"].to_list()))
            b = b.with_columns(pl.col("happiness_index").round(1))
        a = a.sort(list(keys)) if keys else a
        b = b.sort(list(keys)) if keys else b
        if a.height != b.height:
            found.append(f"{frame}: {a.height} rows, peer {b.height}")
            continue
        for key in keys:
            if a[key].cast(pl.String).to_list() != b[key].cast(pl.String).to_list():
                found.append(f"{frame}.{key}: the groups differ")
        for column in figures:
            for row, (x, y) in enumerate(
                zip(a[column].to_list(), b[column].to_list(), strict=True)
            ):
                tolerance = relative_accuracy * (1 + 1e-9) if column in SKETCHED else None
                if not _same(x, y, tolerance):
                    found.append(f"{frame}.{column} row {row}: {x} against the peer's {y}")
                    break
    return found


def _same(x: object, y: object, sketch_tolerance: float | None = None) -> bool:
    """x (the product's) and y (the peer's) the same number: to TOLERANCE, or for a
    sketched median x within `sketch_tolerance` (relative) of the exact y."""
    if x is None or y is None:
        return x is None and y is None
    if sketch_tolerance is not None:
        return abs(float(x) - float(y)) <= sketch_tolerance * abs(float(y)) + TOLERANCE
    scale = max(1.0, abs(float(x)), abs(float(y)))
    return math.isclose(float(x), float(y), rel_tol=TOLERANCE, abs_tol=TOLERANCE * scale)
