"""`chi ingest FILE... --format F`: import users' exports into the data directory.

Prints the summary (rows read, accepted, rejected by reason, duplicates skipped, date
range, brands, channels, the rejects file) on stdout, then refreshes the stored rollups
(only the months the new rows touch) and says so on stderr. A fatal problem is one
line on stderr and exit code 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dashboard.commands.common import (
    add_data_args,
    add_no_wait_arg,
    internal_error,
    store_rollups,
)
from dashboard.ingest import FORMATS, IngestError, ingest_files, readers

# Show a progress bar from this much input on (or always with --progress).
PROGRESS_MIN_BYTES = 5_000_000


def register(sub: argparse._SubParsersAction) -> None:
    formats = "\n".join(f"  {name:15} {f.description}" for name, f in FORMATS.items())
    parser = sub.add_parser(
        "ingest",
        help="validate, normalise and append exports (see docs/DATA.md)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Import exports into the data directory.\n\nformats:\n" + formats,
        epilog="Rejected rows go to <data>/rejects/ with their reason. Re-importing a "
        "file adds nothing.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--format",
        "-f",
        required=True,
        choices=list(FORMATS),
        dest="input_format",
        metavar="F",
        help=f"input format: {', '.join(FORMATS)}",
    )
    parser.add_argument(
        "--brand",
        help="brand name or handle (required by twitter-json, tickets and facebook-posts)",
    )
    parser.add_argument(
        "--channel", help="channel for rows without one / instead of the format's default"
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=SOURCE",
        dest="mapping",
        help="read column COLUMN from the file's column SOURCE (repeatable; table formats)",
    )
    parser.add_argument(
        "--tz", default="UTC", help="time zone of timestamps that carry none (default UTC)"
    )
    parser.add_argument(
        "--date-format",
        metavar="FMT",
        help="strftime format of every timestamp column, e.g. '%%d/%%m/%%Y %%H:%%M' "
        "(default: one format detected per file and stated in the summary)",
    )
    parser.add_argument(
        "--year",
        type=int,
        help="year of posts in files that give only month and weekday (facebook-posts)",
    )
    add_data_args(parser)
    add_no_wait_arg(parser)
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress", action="store_true", default=None, help="always show a progress bar"
    )
    bar.add_argument("--no-progress", action="store_false", dest="progress")
    parser.set_defaults(handler=run)


def parse_mapping(items: list[str]) -> dict[str, str]:
    from dashboard.cli import UserError

    try:
        return readers.parse_mapping(items)
    except IngestError as exc:
        raise UserError(str(exc)) from exc


def run(args: argparse.Namespace) -> int:
    from dashboard.cli import UserError

    mapping = parse_mapping(args.mapping)
    size = sum(p.stat().st_size for p in args.files if p.is_file())
    show = (
        args.progress
        if args.progress is not None
        else (size >= PROGRESS_MIN_BYTES and sys.stderr.isatty())
    )
    progress = RichProgress() if show else None
    try:
        summary = ingest_files(
            args.files,
            args.input_format,
            args.data,
            brand=args.brand,
            channel=args.channel,
            mapping=mapping,
            tz=args.tz,
            year=args.year,
            date_format=args.date_format,
            progress=progress,
            wait=args.wait,
        )
    except IngestError as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"{exc.filename or ''}: {exc.strerror or exc}") from exc
    except Exception as exc:  # never a traceback for the user; CHI_DEBUG=1 shows it
        return internal_error("ingest", exc)
    finally:
        if progress is not None:
            progress.close()
    print("\n".join(summary.lines()))
    print(store_rollups(args.data, args.config, lean=True), file=sys.stderr)
    return 0


class RichProgress:
    """The import's stages as a rich progress bar on stderr."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._bar.start()
        self._task: Any = None

    def stage(self, name: str, total: int | None = None) -> None:
        if self._task is not None:  # the previous stage is complete
            total = self._bar.tasks[-1].total or 1
            self._bar.update(self._task, total=total, completed=total)
        self._task = self._bar.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, n)

    def close(self) -> None:
        if self._task is not None:
            total = self._bar.tasks[-1].total or 1
            self._bar.update(self._task, total=total, completed=total)
        self._bar.stop()
