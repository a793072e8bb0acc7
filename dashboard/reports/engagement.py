"""Fan action: engagement rate, expected rate and fan-action index per brand account."""

from __future__ import annotations

import argparse
import dataclasses

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.data import sql
from dashboard.views import engagement, evidence
from dashboard.views.bounds import plausible_days

# The contract of `chi report engagement`: the view's account columns but the page's
# note, then below_min_n (the account's conversations under min n).
COLUMNS = tuple(c for c in engagement.ACCOUNT_COLUMNS if c != "note")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    # without --from/--to, cover the audience days too (the defaults are the
    # conversations' first and last day), as far as they are plausible (views/bounds.py)
    first, last = plausible_days()
    audience = sql.run(con, "engagement_audience_bounds").select(
        pl.col("first_day").clip(first, last), pl.col("last_day").clip(first, last)
    )
    first_day, last_day = audience.row(0)
    if args.date_from is None and first_day is not None:
        filters = dataclasses.replace(filters, date_from=min(filters.date_from, first_day))
    if args.date_to is None and last_day is not None:
        filters = dataclasses.replace(filters, date_to=max(filters.date_to, last_day))
    accounts = engagement.fan_action(con, config, filters).accounts.select(COLUMNS)
    # the one minimum-n rule of every report: the account's conversations
    return evidence.flag_below_min_n(accounts, config.min_n)
