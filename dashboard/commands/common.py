"""Arguments and helpers shared by several verbs."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
from pathlib import Path

import polars as pl

from dashboard.config import Config, ConfigError, load_config
from dashboard.store import DEFAULT_DATA_DIR


def add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR,
                        help="data directory (default: $CHI_DATA or ./data)")
    parser.add_argument("--config", type=Path, default=None,
                        help="configuration TOML (default: <data>/chi.toml, else built-in)")


def config_for(args: argparse.Namespace) -> Config:
    from dashboard.cli import UserError

    try:
        return load_config(args.data, args.config)
    except ConfigError as exc:
        raise UserError(str(exc)) from exc


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def add_format_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["csv", "json"], default="csv")


def render(frame: pl.DataFrame, fmt: str) -> str:
    """A frame as CSV (nulls empty) or a JSON array of records (nulls null)."""
    if fmt == "json":
        return json.dumps(frame.to_dicts(), default=str, indent=1) + "\n"
    buffer = io.StringIO()
    frame.write_csv(buffer, null_value="", datetime_format="%Y-%m-%dT%H:%M:%S%z")
    return buffer.getvalue()
