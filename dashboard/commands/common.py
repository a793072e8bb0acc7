"""Arguments and helpers shared by several verbs."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
from pathlib import Path

import polars as pl

from dashboard.core import settings
from dashboard.core.config import Config, ConfigError, load_config


def add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=settings.data_dir(),
        help="data directory (default: $CHI_DATA or ./data)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="configuration TOML (default: <data>/chi.toml, else built-in)",
    )


def config_for(args: argparse.Namespace) -> Config:
    from dashboard.cli import UserError

    try:
        return load_config(args.data, args.config)
    except ConfigError as exc:
        raise UserError(str(exc)) from exc


def positive_count(text: str) -> int:
    """A whole number >= 1 for row and worker counts: `1_000_000` and `1e7` work."""
    try:
        number = float(text.replace("_", ""))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc
    if not number.is_integer():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return int(number)


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


def add_filter_args(parser: argparse.ArgumentParser) -> None:
    """--from/--to/--brand/--channel/--tz, shared by the report views."""
    parser.add_argument(
        "--from",
        dest="date_from",
        type=iso_date,
        default=None,
        help="first day (default: first day with data)",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        type=iso_date,
        default=None,
        help="last day, inclusive (default: last day with data)",
    )
    parser.add_argument("--brand", action="append", default=[], help="repeatable")
    parser.add_argument("--channel", action="append", default=[], help="repeatable")
    parser.add_argument("--tz", default=None, help="display time zone (default: config)")


def filters_from_args(args: argparse.Namespace, con, config: Config):
    """The Filters of a report: unknown brands/channels are an error naming the
    known ones; missing dates default to the data's range."""
    from dashboard.cli import UserError
    from dashboard.core.filters import Filters, keep_known
    from dashboard.views.bounds import data_bounds

    tz = args.tz or config.display_time_zone
    bounds = data_bounds(con, tz)
    if bounds.implausible_note():  # stderr: stdout carries the report alone
        print(f"note: {bounds.implausible_note()}", file=sys.stderr)
    if bounds.conversations == 0:
        raise UserError(f"no conversations in {args.data}; run `chi demo` or `chi ingest`")
    for flag, values, known in (
        ("--brand", args.brand, bounds.brands),
        ("--channel", args.channel, bounds.channels),
    ):
        _, unknown = keep_known(values, known)
        if unknown:
            raise UserError(
                f"{flag} {', '.join(unknown)} not in the data (known: {', '.join(known)})"
            )
    date_from = args.date_from or bounds.first_day
    date_to = args.date_to or bounds.last_day
    if date_from > date_to:
        raise UserError(f"--from {date_from} is after --to {date_to}")
    return Filters(date_from, date_to, tuple(args.brand), tuple(args.channel), tz)


def open_connection(args: argparse.Namespace):
    """Config + DuckDB connection for a report, with one-line errors. The connection
    only reads: stale rollups are computed in memory, with a one-line note on stderr
    (stdout carries the report alone)."""
    from dashboard.cli import UserError
    from dashboard.data import connection, sql

    config = config_for(args)
    try:
        con = connection.connect(args.data, config)
    except sql.QueryError as exc:
        raise UserError(str(exc)) from exc
    note = connection.rollup_status(con).note()
    if note:
        print(note, file=sys.stderr)
    return con, config


def store_rollups(data_dir: Path, config_file: Path | None) -> str:
    """Refresh the stored rollups after a verb wrote data: the one-line summary, or why
    they could not be stored (the write itself has succeeded either way; readers then
    compute what is stale in memory)."""
    import duckdb

    from dashboard.data import rollup

    try:
        return rollup.refresh(data_dir, load_config(data_dir, config_file)).summary()
    except (ConfigError, rollup.RollupError) as exc:
        return f"rollups not stored: {exc}; pages compute them in memory"
    except duckdb.Error as exc:  # e.g. an unreadable Parquet file
        return f"rollups not stored: {first_line(exc)}; pages compute them in memory"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
