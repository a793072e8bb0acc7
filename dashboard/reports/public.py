"""The public board: every public brand's index, change, n and period (as exported)."""

from __future__ import annotations

import argparse

import polars as pl

from dashboard.commands.common import open_connection
from dashboard.views import export_frames, public

SCHEMA = export_frames.BOARD_SCHEMA


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Only brands listed under [public] brands in the config; brands with "
        "fewer than min_n conversations in the period have empty figures "
        "(below_min_n true, conversations says how many)."
    )


def run(args: argparse.Namespace) -> pl.DataFrame:
    con, config = open_connection(args)
    return export_frames.board_frame(public.board(con, config))
