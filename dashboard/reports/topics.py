"""Topics: the words and phrases that stand out for each brand (private).

Per brand of --brand (every brand when none), against every other brand in the same
channels and days, ordered by how much they stand out: brand, rank, term, count (the
brand's messages containing it), score (z of the log-odds ratio with an informative
Dirichlet prior), mood (mean sentiment -1..1 of those messages), n_messages (those
with a sentiment), others_count (the other brands' messages containing it), log_odds
and messages (the brand's messages with text). With --drivers: the drivers of
negative mood instead, per brand: brand, rank, term, n, mood_with, mood_without,
effect with its 95 % interval (effect_low, effect_high), count; most negative first.
Terms in fewer than --min-count messages ([topics] min_count) are suppressed. Topics
are the customers' words: never part of a public output. Formulas: docs/METRICS.md,
"Topics".
"""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import (
    add_filter_args,
    filters_from_args,
    open_connection,
    positive_count,
)
from dashboard.views import topics


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)
    parser.add_argument(
        "--drivers",
        action="store_true",
        help="the drivers of negative mood (terms whose presence lowers mood most)",
    )
    parser.add_argument(
        "--min-count",
        type=positive_count,
        default=None,
        help="suppress terms in fewer messages (default: the config's [topics] min_count)",
    )
    parser.add_argument(
        "--limit", type=positive_count, default=20, help="terms per brand (default 20)"
    )


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    if args.drivers:
        return topics.drivers_by_brand(con, config, filters, args.limit, args.min_count)
    return topics.topics_by_brand(con, config, filters, args.limit, args.min_count)
