"""Executive overview KPIs for a period and the previous period of equal length.

Columns: kpi, value, ci_low, ci_high (its 95 % interval), previous, change, unit,
conversations (the n the value is computed over: conversations, timed replies,
ratings...; `n_of` says which), previous_conversations, below_min_n, accuracy (for the
median and the 90th percentile, which come from the response-time sketch: how close
they are to the exact value, e.g. "within ±1 % (sketch)"; docs/METRICS.md,
"Percentiles"; empty for the exact figures), and the periods.
`change` is empty (null) unless both periods reach min n (docs/METRICS.md, "Minimum
n"). The headline tiles come first, then the service detail (mean reply, 90th percentile
reply "P90 reply", drop rate, "Reopened" (reopen rate), NPS, "Mood lift" (sentiment lift)).
"""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.views import overview

SCHEMA = {
    "kpi": pl.String,
    "value": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "previous": pl.Float64,
    "change": pl.Float64,
    "unit": pl.String,
    "conversations": pl.Int64,
    "n_of": pl.String,
    "previous_conversations": pl.Int64,
    "below_min_n": pl.Boolean,
    "accuracy": pl.String,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    previous = filters.previous()
    headline, service = overview.kpi_sets(con, config, filters)
    tiles = headline + service
    rows = [
        {
            "kpi": k.label,
            "value": k.value,
            "ci_low": k.ci_low,
            "ci_high": k.ci_high,
            "previous": k.previous,
            "change": k.change,
            "unit": k.unit,
            "conversations": k.n,
            "n_of": k.n_label,
            "previous_conversations": k.previous_n,
            "below_min_n": k.below_min_n,
            "accuracy": k.accuracy,
        }
        for k in tiles
    ]
    return pl.DataFrame(rows, schema=SCHEMA).with_columns(
        pl.lit(filters.date_from).alias("period_start"),
        pl.lit(filters.date_to).alias("period_end"),
        pl.lit(previous.date_from).alias("previous_start"),
        pl.lit(previous.date_to).alias("previous_end"),
    )
