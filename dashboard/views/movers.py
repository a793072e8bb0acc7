"""Movers: the brands (or brand x channel groups) whose index changed most against the
previous period, counted only where the change is clear (docs/METRICS.md, "Movers").

A group is compared when both periods reach min n conversations; it is a mover when
the 95 % interval of its change excludes 0. The interval is the rule of the People
page's vs_brand with no overlap (the two periods' conversations are disjoint: f = 0):

    change = I_now - I_before
    half-width = t(df) x sqrt(var(I_now) + var(I_before)),  df the smaller of the two

with var and df the delta-method variance of dashboard/views/intervals.py. The public
board's movers (`public_movers`) apply it to the board's periods and rounded figures
(one decimal, the change the difference of the rounded indices). No Streamlit import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.data import sql
from dashboard.views import intervals, public

BY: tuple[str, ...] = ("brand", "brand,channel")
# the columns of Movers.groups (every group of the selection, compared or not)
GROUP_SCHEMA: dict[str, pl.DataType] = {
    "brand": pl.String(),
    "channel": pl.String(),
    "index_now": pl.Float64(),
    "index_before": pl.Float64(),
    "change_points": pl.Float64(),
    "change_low": pl.Float64(),
    "change_high": pl.Float64(),
    "n_now": pl.Int64(),
    "n_before": pl.Int64(),
    "compared": pl.Boolean(),
    "moved": pl.Boolean(),
    "direction": pl.String(),
}


@dataclass(frozen=True)
class Mover:
    """A group whose index moved clearly: both periods >= min n, the interval of the
    change clear of 0."""

    brand: str
    channel: str | None  # None: the brand over every selected channel
    index_now: float
    index_before: float
    change_points: float
    change_low: float
    change_high: float
    n_now: int
    n_before: int

    @property
    def direction(self) -> str:
        return "up" if self.change_points > 0 else "down"


@dataclass(frozen=True)
class Movers:
    """The movers of a period against the previous one, biggest first each way."""

    date_from: dt.date
    date_to: dt.date
    prev_from: dt.date
    prev_to: dt.date
    by: str
    min_n: int
    up: tuple[Mover, ...] = ()
    down: tuple[Mover, ...] = ()
    compared: int = 0  # groups with both periods >= min n
    groups: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=GROUP_SCHEMA))


def _side(frame: pl.DataFrame, period: str) -> pl.DataFrame:
    return frame.filter(pl.col("period") == period).drop("period")


def compare(frame: pl.DataFrame, weights: dict[str, float], min_n: int) -> pl.DataFrame:
    """Every group of a movers_by_group frame with its index in both periods, the
    change and its 95 % interval, `compared` (both periods >= min n) and `moved` (the
    interval excludes 0). A group missing from a period has n 0 there."""
    now, before = _side(frame, "current"), _side(frame, "previous")
    joined = now.join(
        before, on=["brand", "channel"], how="full", coalesce=True, nulls_equal=True, suffix="__b"
    )
    if joined.is_empty():
        return pl.DataFrame(schema=GROUP_SCHEMA)

    def side(suffix: str):
        def col(name: str) -> np.ndarray:
            return joined[name + suffix].cast(pl.Float64).fill_null(np.nan).to_numpy()

        return col

    with np.errstate(divide="ignore", invalid="ignore"):
        var_now, df_now = intervals.index_variance(side(""), weights)
        var_before, df_before = intervals.index_variance(side("__b"), weights)
        half = intervals.t95(np.fmin(df_now, df_before)) * np.sqrt(
            np.clip(var_now + var_before, 0, None)
        )
    n_now = pl.col("conversations_n").fill_null(0)
    n_before = pl.col("conversations_n__b").fill_null(0)
    change = pl.col("happiness_index") - pl.col("happiness_index__b")
    out = joined.with_columns(pl.Series("__half", half, nan_to_null=True)).select(
        "brand",
        "channel",
        pl.col("happiness_index").alias("index_now"),
        pl.col("happiness_index__b").alias("index_before"),
        change.alias("change_points"),
        (change - pl.col("__half")).alias("change_low"),
        (change + pl.col("__half")).alias("change_high"),
        n_now.alias("n_now"),
        n_before.alias("n_before"),
    )
    compared = (
        (pl.col("n_now") >= min_n)
        & (pl.col("n_before") >= min_n)
        & pl.col("change_points").is_not_null()
    )
    return _flagged(out.with_columns(compared.alias("compared")))


def _flagged(frame: pl.DataFrame) -> pl.DataFrame:
    """`moved` (compared and the interval clear of 0) and `direction` of a groups frame."""
    moved = pl.col("compared") & ((pl.col("change_low") > 0) | (pl.col("change_high") < 0))
    direction = (
        pl.when(pl.col("change_points") > 0)
        .then(pl.lit("up"))
        .when(pl.col("change_points") < 0)
        .then(pl.lit("down"))
        .when(pl.col("change_points") == 0)
        .then(pl.lit("flat"))
    )
    return frame.with_columns(
        moved.fill_null(False).alias("moved"), direction.alias("direction")
    ).select(pl.col(name).cast(dtype) for name, dtype in GROUP_SCHEMA.items())


def _movers(groups: pl.DataFrame) -> tuple[tuple[Mover, ...], tuple[Mover, ...]]:
    """The movers up (largest rise first) and down (largest fall first)."""
    fields = list(Mover.__dataclass_fields__)
    moved = groups.filter(pl.col("moved"))
    up = moved.filter(pl.col("change_points") > 0).sort(
        ["change_points", "brand", "channel"], descending=[True, False, False], nulls_last=False
    )
    down = moved.filter(pl.col("change_points") < 0).sort(
        ["change_points", "brand", "channel"], nulls_last=False
    )
    return (
        tuple(Mover(**r) for r in up.select(fields).iter_rows(named=True)),
        tuple(Mover(**r) for r in down.select(fields).iter_rows(named=True)),
    )


def _result(groups: pl.DataFrame, now: Filters, before: Filters, by: str, min_n: int) -> Movers:
    up, down = _movers(groups)
    return Movers(
        now.date_from,
        now.date_to,
        before.date_from,
        before.date_to,
        by,
        min_n,
        up,
        down,
        int(groups["compared"].sum()),
        groups,
    )


def movers(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    by: str = "brand",
    before: Filters | None = None,
) -> Movers:
    """The selection's movers against `before` (default: the previous period of equal
    length; the digest passes the previous calendar month), per brand (`by="brand"`) or
    per brand x entry channel (`by="brand,channel"`)."""
    if by not in BY:
        raise ValueError(f"movers by {by!r}: expected one of {BY}")
    previous = before or filters.previous()
    frame = sql.run(
        con,
        "movers_by_group",
        **query_params(
            filters,
            config,
            prev_from=previous.date_from,
            prev_to=previous.date_to,
            split_channel=by == "brand,channel",
        ),
    )
    groups = compare(frame, config.weights, config.min_n)
    return _result(
        groups.sort(["brand", "channel"], nulls_last=False), filters, previous, by, config.min_n
    )


def public_movers(
    con: duckdb.DuckDBPyConnection, config: Config, board: public.Board
) -> Movers | None:
    """The public board's movers: its brands over its period against the previous
    one, with the board's rounding (one decimal; the change is the difference of the
    rounded indices, its interval the rounded bounds; a mover's rounded interval is
    clear of 0). None when the board has no period."""
    if board.period is None or board.previous is None:
        return None
    now = Filters(
        board.period.date_from,
        board.period.date_to,
        tuple(s.brand for s in board.brands),
        (),
        board.time_zone,
    )
    before = now.previous()
    if not now.brands:  # an empty list would mean every brand, public or not
        return _result(pl.DataFrame(schema=GROUP_SCHEMA), now, before, "brand", config.min_n)
    exact = movers(con, config, now).groups
    half = (exact["change_high"] - exact["change_points"]).alias("__half")
    rounded = (
        exact.with_columns(half)
        .with_columns(
            pl.col("index_now").round(1),
            pl.col("index_before").round(1),
        )
        .with_columns(
            (pl.col("index_now") - pl.col("index_before")).round(1).alias("change_points")
        )
        .with_columns(
            (pl.col("change_points") - pl.col("__half")).round(1).alias("change_low"),
            (pl.col("change_points") + pl.col("__half")).round(1).alias("change_high"),
        )
        .drop("__half")
    )
    return _result(_flagged(rounded), now, before, "brand", config.min_n)


# the rule of the public movers, as the feed states it
PUBLIC_RULE = (
    "A public brand is a mover when it has at least min_n conversations in both periods "
    "and the 95% interval of its index change excludes 0 (change = the difference of the "
    "rounded indices; interval: t(df) x sqrt(var now + var before), the delta-method "
    "variances of the two indices). Risers largest first, fallers largest fall first."
)


def _mover_json(mover: Mover, slug: str, links: dict[str, str]) -> dict:
    return {
        "brand": mover.brand,
        "slug": slug,
        "direction": mover.direction,
        "index": mover.index_now,
        "previous_index": mover.index_before,
        "change": mover.change_points,
        "change_ci_low": mover.change_low,
        "change_ci_high": mover.change_high,
        "n": mover.n_now,
        "previous_n": mover.n_before,
        "links": links,
    }


def movers_json(
    board: public.Board, result: Movers | None, links: dict[str, dict[str, str]]
) -> dict:
    """/api/movers.json (and the static export's movers.json): the public board's
    movers up and down; `links` maps slug -> {badge, history}. Only brands of the board
    appear (public_movers asks for nothing else)."""

    def period(date_from: dt.date, date_to: dt.date) -> dict:
        days = (date_to - date_from).days + 1
        return {"from": date_from.isoformat(), "to": date_to.isoformat(), "days": days}

    slugs = {s.brand: s.slug for s in board.brands}

    def listed(rows: tuple[Mover, ...]) -> list[dict]:
        return [
            _mover_json(m, slugs[m.brand], links.get(slugs[m.brand], {}))
            for m in rows
            if m.brand in slugs
        ]

    return {
        "title": "Customer Happiness Index: movers",
        "methodology_version": board.methodology_version,
        "period": None if result is None else period(result.date_from, result.date_to),
        "previous_period": None if result is None else period(result.prev_from, result.prev_to),
        "time_zone": board.time_zone,
        "min_n": board.min_n,
        "rule": PUBLIC_RULE,
        "compared": 0 if result is None else result.compared,
        "up": [] if result is None else listed(result.up),
        "down": [] if result is None else listed(result.down),
    }
