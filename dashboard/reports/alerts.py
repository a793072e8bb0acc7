"""Alerts: the days a brand's or channel's volume, index or mood broke its pattern.

Columns: day, brand, channel (empty/null: the brand over every selected channel),
metric (volume | index | mood), value, expected (the median of its previous
window_days days), score (the robust z: (value - expected) / (1.4826 x MAD), the MAD
at least its floor), n (the day's conversations; for mood those with a mood),
direction (up | down), conversations (the day's conversations), mad (the history's
median absolute deviation, before its floor), history_days and below_min_n.
Newest first. The method and its thresholds: [alerts] in the config, docs/METRICS.md
"Alerts"; `--min-n` sets the conversations an index or mood alert needs.
"""

from __future__ import annotations

import argparse
import dataclasses

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.views import alerts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)
    parser.epilog = (
        "Alerts for a brand cover its selected channels; each day is compared with the "
        "days before --from too (the history window), so a short range still has a baseline."
    )


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    if args.min_n is not None:  # --min-n is the min n of the alerts too
        config = dataclasses.replace(config, alerts_min_n=None)
    filters = filters_from_args(args, con, config)
    frame = alerts.detailed(con, config, filters)
    # a volume alert may fall to fewer than min n conversations: flagged, never hidden
    return frame.with_columns(
        (pl.col("conversations") < config.alerts_effective_min_n).alias("below_min_n")
    )
