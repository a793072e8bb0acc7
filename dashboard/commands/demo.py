"""`chi demo`: write the deterministic synthetic data set (docs/DEMO.md)."""

from __future__ import annotations

import argparse
import shlex
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from dashboard.commands.common import (
    add_data_args,
    add_no_wait_arg,
    positive_count,
    store_rollups,
)
from dashboard.core.config import USER_CONFIG_NAME
from dashboard.demo.generator import DEFAULT_ROWS, DEFAULT_SEED, PLANTED, generate


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo",
        help="write a deterministic synthetic data set with planted effects",
        description="Replace the demo part files (part-demo-*.parquet) in the data dir with "
        "a synthetic year (2025) of customer care for 20 fictional brands. "
        "Other files in the data dir are left alone.",
    )
    add_data_args(parser)
    add_no_wait_arg(parser)
    parser.add_argument(
        "--rows",
        type=positive_count,
        default=DEFAULT_ROWS,
        help=f"approximate number of interaction rows (default {DEFAULT_ROWS:_})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"random seed; same seed and rows give the same data (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--workers",
        type=positive_count,
        default=None,
        help="processes to use (default: 1 below 3M rows, else up to 4); does not change the data",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dashboard.cli import UserError
    from dashboard.data.lock import LockBusy, writer_lock

    try:
        # held across the demo and its rollups (the lock is re-entrant), and taken
        # before the progress bar: --no-wait fails in one line
        with writer_lock(args.data, "chi demo", wait=args.wait):
            return generate_with_progress(
                args.data, args.rows, args.seed, args.workers, args.config
            )
    except LockBusy as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:  # e.g. a read-only data directory
        raise UserError(f"{exc.filename or args.data}: {exc.strerror or exc}") from exc


def write_demo_config(data_dir: Path) -> Path | None:
    """Publish the demo's planted brands on the public board, unless the data dir
    already has a configuration (a user's chi.toml is never overwritten)."""
    path = Path(data_dir) / USER_CONFIG_NAME
    if path.exists():
        return None
    brands = ", ".join(f'"{name}"' for name in PLANTED.values())
    path.write_text(
        "# Written by `chi demo`: the demo brands shown on the public board.\n"
        "# Every other setting keeps its default (dashboard/default_config.toml).\n"
        f"[public]\nbrands = [{brands}]\n",
        encoding="utf-8",
    )
    return path


def generate_with_progress(
    data_dir: Path,
    rows: int,
    seed: int,
    workers: int | None = None,
    config_file: Path | None = None,
    then: str | None = "next",
) -> int:
    """Generate the demo with a progress bar, publish its brands, store its rollups.
    `then`: "next" ends with the command that opens it; a caller that opens it at once
    (`chi serve`) passes what it does next instead (None: nothing)."""
    err = Console(stderr=True)
    out = Console(highlight=False, soft_wrap=True)
    started = time.perf_counter()
    columns = (
        TextColumn("[bold]demo[/]"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.completed:,} / {task.total:,} rows"),
        TextColumn("{task.fields[rate]:,.0f} rows/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("demo", total=rows, rate=0.0)

        def on_progress(written: int) -> None:
            elapsed = max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=written, rate=written / elapsed)

        summary = generate(data_dir, rows=rows, seed=seed, on_progress=on_progress, workers=workers)
        progress.update(task, total=summary.rows, completed=summary.rows)

    path = str(summary.path.resolve())
    rate = summary.rows / max(summary.seconds, 1e-9)
    # the generator writes whole conversations, so it stops near the target, not on it
    out.print(
        f"wrote {summary.rows:,} interactions (of about {rows:,} asked: whole conversations) "
        f"in {summary.conversations:,} conversations, "
        f"{summary.brands} brands, {summary.months} months "
        f"(+{summary.audience_rows:,} audience rows) "
        f"in {summary.seconds:.1f} s ({rate:,.0f} rows/s)"
    )
    config = write_demo_config(data_dir)
    out.print(f"data: {path}")
    if config is not None:
        out.print(f"config: {config} (publishes the planted brands on the public board)")
    out.print(store_rollups(data_dir, config_file), markup=False)
    if then == "next":
        out.print(f"next: chi serve --data {shlex.quote(str(data_dir))}")
    elif then:
        out.print(then, markup=False)
    return 0
