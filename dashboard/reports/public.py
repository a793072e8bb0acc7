"""The public board: every public brand's index, change, n and period (as exported)."""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import open_connection
from dashboard.core.vocabulary import COMPONENTS
from dashboard.views import public

SCHEMA = {
    "rank": pl.Int64,
    "brand": pl.String,
    "slug": pl.String,
    "index": pl.Float64,
    "index_ci_low": pl.Float64,
    "index_ci_high": pl.Float64,
    "previous_index": pl.Float64,
    "change": pl.Float64,
    "direction": pl.String,
    "n": pl.Int64,
    "conversations": pl.Int64,
    "below_min_n": pl.Boolean,
    "suppressed": pl.Boolean,
    **{c: pl.Float64 for c in COMPONENTS},
    "period_start": pl.Date,
    "period_end": pl.Date,
    "previous_start": pl.Date,
    "previous_end": pl.Date,
    "methodology_version": pl.String,
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Only brands listed under [public] brands in the config; brands with "
        "fewer than min_n conversations in the period have empty figures "
        "(below_min_n true, conversations says how many)."
    )


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    board = public.board(con, config)
    period, previous = board.period, board.previous
    rows = [
        {
            "rank": s.rank,
            "brand": s.brand,
            "slug": s.slug,
            "index": s.index,
            "index_ci_low": s.index_ci[0] if s.index_ci else None,
            "index_ci_high": s.index_ci[1] if s.index_ci else None,
            "previous_index": s.previous_index,
            "change": s.change,
            "direction": s.direction,
            "n": s.n,
            "conversations": s.conversations,
            "below_min_n": s.suppressed,
            "suppressed": s.suppressed,
            **s.components,
            "period_start": period.date_from if period else None,
            "period_end": period.date_to if period else None,
            "previous_start": previous.date_from if previous else None,
            "previous_end": previous.date_to if previous else None,
            "methodology_version": board.methodology_version,
        }
        for s in board.brands
    ]
    return pl.DataFrame(rows, schema=SCHEMA)
