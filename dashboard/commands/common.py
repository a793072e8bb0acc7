"""Arguments and helpers shared by several verbs."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

import polars as pl

from dashboard.core import settings
from dashboard.core.config import Config, ConfigError, load_config
from dashboard.core.schema import PLAUSIBLE_FROM
from dashboard.data import csv_safe


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


def add_no_wait_arg(parser: argparse.ArgumentParser) -> None:
    """--no-wait, for the verbs that write a data dir (one writer at a time:
    dashboard/data/lock.py)."""
    parser.add_argument(
        "--no-wait",
        action="store_false",
        dest="wait",
        help="when another writer is writing to the data dir, fail (exit 2) instead of "
        "waiting for it",
    )


def config_for(args: argparse.Namespace) -> Config:
    """The config of a command; a report's --min-n overrides the config's min_n."""
    from dashboard.cli import UserError

    try:
        config = load_config(args.data, args.config)
    except ConfigError as exc:
        raise UserError(str(exc)) from exc
    min_n = getattr(args, "min_n", None)
    return config if min_n is None else dataclasses.replace(config, min_n=min_n)


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
    """A YYYY-MM-DD day from 2000 on (schema.PLAUSIBLE_FROM: no stored data is older)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc
    if day < PLAUSIBLE_FROM or day.year > 9000:
        raise argparse.ArgumentTypeError(
            f"{text}: outside the plausible range (from {PLAUSIBLE_FROM:%Y-%m-%d})"
        )
    return day


DEFAULT_PRECISION = 2


def precision(text: str) -> int | None:
    """--precision: decimals 0-12, or `full` (None: every digit)."""
    if text.strip().lower() == "full":
        return None
    try:
        places = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number of decimals or 'full': {text!r}") from exc
    if not 0 <= places <= 12:
        raise argparse.ArgumentTypeError(f"decimals must be 0 to 12 (or 'full'): {text!r}")
    return places


def add_format_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    parser.add_argument(
        "--precision",
        type=precision,
        default=DEFAULT_PRECISION,
        metavar="N|full",
        help=f"decimals of fractional numbers (default {DEFAULT_PRECISION}; whole numbers "
        "print without decimals); 'full' prints every digit",
    )


def render(frame: pl.DataFrame, fmt: str, places: int | None = DEFAULT_PRECISION) -> str:
    """A frame as CSV (nulls empty; a text cell that starts like a spreadsheet formula,
    = + - @, gets a single quote in front: csv_safe) or a JSON array of records (nulls
    null). Numbers are rounded to `places` decimals and a whole number prints as one
    (316731, not 316731.0); `places` None keeps every digit."""
    if fmt == "json":
        rows = [{k: _rounded(v, places) for k, v in row.items()} for row in frame.to_dicts()]
        return json.dumps(rows, default=str, indent=1) + "\n"
    buffer = io.StringIO()
    csv_safe.write_csv(
        frame,
        buffer,
        places=places,
        null_value="",
        datetime_format="%Y-%m-%dT%H:%M:%S%z",
    )
    return buffer.getvalue()


def _rounded(value: object, places: int | None) -> object:
    if not isinstance(value, float) or value != value or value in (float("inf"), float("-inf")):
        return value
    value = value if places is None else round(value, places)
    return int(value) if value.is_integer() else value


def add_filter_args(parser: argparse.ArgumentParser) -> None:
    """--from/--to/--brand/--channel/--tz, shared by the report views."""
    parser.add_argument(
        "--from",
        dest="date_from",
        type=iso_date,
        default=None,
        help="first day (default: 90 days before the last day with data, as on the pages; "
        "the first day with data when --to is given)",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        type=iso_date,
        default=None,
        help="last day, inclusive (default: the last day with data)",
    )
    parser.add_argument("--brand", action="append", default=[], help="repeatable")
    parser.add_argument("--channel", action="append", default=[], help="repeatable")
    parser.add_argument(
        "--tz", type=time_zone, default=None, help="display time zone (default: config)"
    )


def time_zone(text: str) -> str:
    """An IANA time zone name (Europe/London, UTC), checked before any query runs."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise argparse.ArgumentTypeError(
            f"not a time zone: {text!r} (an IANA name such as UTC, Europe/London or "
            "America/New_York)"
        ) from exc
    return text


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
    by_lower = {c.lower(): c for c in bounds.channels}  # channels in any case
    channels = [by_lower.get(c.strip().lower(), c) for c in args.channel]
    _, unknown = keep_known(channels, bounds.channels)
    if unknown:
        raise UserError(
            f"--channel {', '.join(unknown)} not in the data (known: {', '.join(bounds.channels)})"
        )
    brands = match_brands(args.brand, bounds.brands, config)
    date_from, date_to = _dates(args, bounds)
    if date_from > date_to:
        raise UserError(f"--from {date_from} is after --to {date_to}")
    return Filters(date_from, date_to, brands, tuple(dict.fromkeys(channels)), tz)


def _dates(args: argparse.Namespace, bounds) -> tuple[dt.date, dt.date]:
    """--from/--to, else the pages' default (the last 90 days with data:
    filters.default_period). When that default leaves earlier data out, stderr says so,
    so the period is never a guess."""
    from dashboard.core.filters import DEFAULT_DAYS, default_period

    first, last = default_period(bounds.first_day, bounds.last_day)
    date_from = args.date_from or (first if args.date_to is None else bounds.first_day)
    date_to = args.date_to or last
    if args.date_from is None and args.date_to is None and first > bounds.first_day:
        print(
            f"period: {date_from} to {date_to}, the last {DEFAULT_DAYS} days with data as on "
            f"the pages (the data starts {bounds.first_day}; --from/--to choose another)",
            file=sys.stderr,
        )
    return date_from, date_to


def match_brands(values: list[str], known: list[str], config: Config) -> tuple[str, ...]:
    """The brands of `--brand` values as the data shows them (display names, `known`).
    A value may be the display name, its slug as on the public board (`skyline-air`)
    or a source name or handle ([brands] key, or a brand without an entry), in any
    case. An unknown or ambiguous value is an error naming the close matches."""
    from dashboard.cli import UserError
    from dashboard.views.public import slugify

    matched: list[str] = []
    for value in values:
        wanted = value.strip()
        if wanted in known:
            matched.append(wanted)
            continue
        mapped = config.display_brand(wanted)  # a [brands] key, without case
        if mapped != wanted and mapped in known:
            matched.append(mapped)
            continue
        same = [k for k in known if k.lower() == wanted.lower()] or [
            k for k in known if slugify(k) == slugify(wanted)
        ]
        if len(same) == 1:
            matched.append(same[0])
            continue
        if same:
            raise UserError(f"--brand {value} is ambiguous: it could be {', '.join(same)}")
        raise UserError(
            f"--brand {value} is not a brand in the data; {_close(wanted, known, config)}"
        )
    return tuple(dict.fromkeys(matched))


def _close(value: str, known: list[str], config: Config, shown: int = 20) -> str:
    """The brands whose name, slug or handle is close to `value`, else the known ones."""
    import difflib

    from dashboard.views.public import slugify

    aliases = {k.lower(): k for k in known} | {slugify(k): k for k in known}
    aliases |= {key.lower(): name for key, name in config.brands.items() if name in known}
    hits = difflib.get_close_matches(value.lower(), list(aliases), n=10, cutoff=0.6)
    close = list(dict.fromkeys(aliases[h] for h in hits))
    if close:
        return f"close matches: {', '.join(close)}"
    listed = ", ".join(known[:shown]) + (
        f", ... ({len(known) - shown} more)" if len(known) > shown else ""
    )
    return f"known brands: {listed}"


def open_connection(args: argparse.Namespace):
    """Config + DuckDB connection for a report, with one-line errors. The connection
    only reads: stale rollups are computed in memory, with a one-line note on stderr
    (stdout carries the report alone)."""
    from dashboard.cli import UserError
    from dashboard.data import connection, sql

    if not Path(args.data).is_dir():
        raise UserError(
            f"no data directory {args.data}: run `chi demo --data {args.data}` or "
            f"`chi ingest ... --data {args.data}` first (or pass --data DIR)"
        )
    config = config_for(args)
    try:
        # a report runs a few queries: the stored daily sums are read from their files
        con = connection.connect(args.data, config, one_shot=True)
    except sql.QueryError as exc:
        raise UserError(str(exc)) from exc
    note = connection.rollup_status(con).note()
    if note:
        print(note, file=sys.stderr)
    return con, config


def store_rollups(data_dir: Path, config_file: Path | None, lean: bool = False) -> str:
    """Refresh the stored rollups after a verb wrote data: the one-line summary, or why
    they could not be stored (the write itself has succeeded either way; readers then
    compute what is stale in memory). `lean` after an import: little memory, one
    thread (rollup.refresh)."""
    import duckdb

    from dashboard.data import rollup

    try:
        config = load_config(data_dir, config_file)
        return rollup.refresh(data_dir, config, lean=lean).summary()
    except (ConfigError, rollup.RollupError) as exc:
        return f"rollups not stored: {exc}; pages compute them in memory"
    except duckdb.Error as exc:  # e.g. an unreadable Parquet file
        return f"rollups not stored: {first_line(exc)}; pages compute them in memory"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def internal_error(verb: str, exc: Exception) -> int:
    """A bug reported in one line (never a traceback for the user); CHI_DEBUG=1 raises
    it instead. Returns the exit code 1."""
    if os.environ.get("CHI_DEBUG"):
        raise exc
    print(
        f"chi {verb}: internal error: {type(exc).__name__}: {exc} (set CHI_DEBUG=1 for details)",
        file=sys.stderr,
    )
    return 1
