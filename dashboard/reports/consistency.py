"""Channel consistency per brand: consistency score, weakest channel and gap.

Columns: brand, channels (entry channels with at least min_n conversations),
consistency (100 - mean spread of the components across those channels), weakest_channel
(lowest index, ties by channel name) and gap (highest index - lowest), over the whole
selected period (default: the data's full range). Empty (CSV) / null (JSON) when a brand
has fewer than two channels to compare. With --by-channel: the per-channel KPI table,
with below_min_n, points_below_best and alert. Formulas: docs/METRICS.md.
"""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.reports import public_names
from dashboard.views import consistency


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)
    parser.add_argument(
        "--by-channel",
        action="store_true",
        help="one row per brand x entry channel: n, response rate, median and "
        "90th-percentile first response, components, index, alert",
    )


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    if args.by_channel:
        frame = consistency.by_channel(con, config, filters)
        return public_names(frame.select(consistency.CHANNEL_COLUMNS))
    return consistency.by_brand(con, config, filters).select(consistency.BRAND_COLUMNS)
