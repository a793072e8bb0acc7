"""Executive overview KPIs for a period and the previous period of equal length."""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import add_filter_args, filters_from_args, open_connection
from dashboard.views import overview


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_args(parser)


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    filters = filters_from_args(args, con, config)
    previous = filters.previous()
    rows = [
        {
            "kpi": k.label,
            "value": k.value,
            "previous": k.previous,
            "change": k.change,
            "unit": k.unit,
        }
        for k in overview.kpis(con, config, filters)
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "kpi": pl.String,
            "value": pl.Float64,
            "previous": pl.Float64,
            "change": pl.Float64,
            "unit": pl.String,
        },
    )
    return frame.with_columns(
        pl.lit(filters.date_from).alias("period_start"),
        pl.lit(filters.date_to).alias("period_end"),
        pl.lit(previous.date_from).alias("previous_start"),
        pl.lit(previous.date_to).alias("previous_end"),
    )
