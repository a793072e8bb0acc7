"""The Customer Happiness Index and its five components per period and brand/channel.

Columns: period_start, brand, channel, conversations, then mood, speed, resolution,
effort, satisfaction and index, each followed by its 95 % interval (<name>_ci_low,
<name>_ci_high), and below_min_n (conversations < min n: read with care). `brand` /
`channel` are empty (CSV) or null (JSON) where the figures are not split that way (a
brand may be named "all"); a component without data (e.g. no ratings) is empty or
null, never 0. Formulas: docs/METRICS.md.
"""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.reports import public_names
from dashboard.views import happiness

COLUMNS: tuple[str, ...] = ("period_start", "brand", "channel", *happiness.MEASURES)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)
    parser.add_argument(
        "--grain",
        choices=["day", "week", "month", "all"],
        default="month",
        help="period length (default month; 'all' = the whole range as one)",
    )
    parser.add_argument(
        "--by",
        choices=["brand", "channel", "brand,channel"],
        default="brand",
        metavar="SPLIT",
        help="split rows by 'brand', entry 'channel' or both: 'brand,channel' (default brand)",
    )


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    frame = happiness.by_period(con, config, filters, args.grain, args.by)
    return public_names(frame.select(COLUMNS))
