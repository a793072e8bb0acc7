"""Follower fairness: response by follower bucket per brand, or the premiums (--premiums)."""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.reports import public_names
from dashboard.views import evidence, fairness

BUCKET_COLUMNS = (
    "brand",
    "follower_bucket",
    "conversations",
    "response_rate",
    "response_rate_ci_low",
    "response_rate_ci_high",
    "median_first_response_s",
    "within_target_share",
    "within_target_share_ci_low",
    "within_target_share_ci_high",
    "happiness_index",  # reported as `index`, with index_ci_low / index_ci_high
    "happiness_index_ci_low",
    "happiness_index_ci_high",
    "below_min_n",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)
    parser.add_argument(
        "--premiums",
        action="store_true",
        help="print the influencer and speed premium per brand with their "
        "95%% intervals and verdicts instead of the bucket table",
    )
    parser.add_argument(
        "--by-channel",
        action="store_true",
        help="one group per brand and entry channel (adds a channel column)",
    )


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    if args.premiums:
        frame = fairness.premiums(con, config, filters, args.by_channel)
        return frame if args.by_channel else frame.drop("channel")
    frame = evidence.flag_below_min_n(
        fairness.buckets(con, config, filters, args.by_channel), config.min_n
    )
    columns = list(BUCKET_COLUMNS)
    if args.by_channel:
        columns.insert(1, "channel")
    return public_names(frame.select(columns))
