"""Movers: the brands (or brand x channel) whose index changed clearly against the
previous period of equal length.

Columns: brand, channel (empty/null unless --by brand,channel), direction (up | down),
index_now, index_before, change_points and its 95 % interval change_low, change_high,
n_now, n_before, conversations (= n_now) and below_min_n. A group is a mover when both
periods have at least min n conversations and the interval excludes 0 (docs/METRICS.md,
"Movers"); the risers come first, largest rise first, then the fallers, largest fall
first. `--all` lists every group, with `compared` and `moved`.
"""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.views import movers

COLUMNS: tuple[str, ...] = (
    "brand",
    "channel",
    "direction",
    "index_now",
    "index_before",
    "change_points",
    "change_low",
    "change_high",
    "n_now",
    "n_before",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)
    parser.add_argument(
        "--by",
        choices=list(movers.BY),
        default="brand",
        help="a row per brand (default) or per brand x entry channel",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="every group of the selection, with compared and moved, not only the movers",
    )


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    result = movers.movers(con, config, filters, by=args.by)
    groups = result.groups
    if args.all:
        rows = groups.select(*COLUMNS, "compared", "moved")
    else:
        order = {m: i for i, m in enumerate(result.up + result.down)}
        keys = [(m.brand, m.channel) for m in order]
        rank = pl.DataFrame(
            {
                "brand": [k[0] for k in keys],
                "channel": [k[1] for k in keys],
                "__rank": range(len(keys)),
            },
            schema={"brand": pl.String, "channel": pl.String, "__rank": pl.Int64},
        )
        rows = (
            groups.join(rank, on=["brand", "channel"], nulls_equal=True)
            .sort("__rank")
            .select(COLUMNS)
        )
    return rows.with_columns(
        pl.col("n_now").alias("conversations"),
        (pl.min_horizontal("n_now", "n_before") < config.min_n).alias("below_min_n"),
        pl.lit(result.date_from).alias("period_start"),
        pl.lit(result.date_to).alias("period_end"),
        pl.lit(result.prev_from).alias("previous_start"),
        pl.lit(result.prev_to).alias("previous_end"),
    )
