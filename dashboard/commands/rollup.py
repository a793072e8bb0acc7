"""`chi rollup`: build or refresh the stored rollups (docs/DATA.md, "On disk").

Rebuilds only what is stale (new or changed raw months, a changed configuration or
rule), or everything with --full, and says what it rebuilt: months, rows and seconds
per rollup, or "up to date". Reading (`chi report`, the app) never writes them.
"""

from __future__ import annotations

import argparse

from dashboard.commands.common import add_data_args, add_no_wait_arg, config_for, first_line


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "rollup",
        help="build or refresh the stored rollups the pages read",
        description="Store the rollups of the data dir (one row per conversation, daily "
        "sums), rebuilding only the months that are stale.",
    )
    add_data_args(parser)
    add_no_wait_arg(parser)
    parser.add_argument("--full", action="store_true", help="rebuild every month")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from dashboard.cli import UserError
    from dashboard.data import rollup

    config = config_for(args)
    try:
        report = rollup.refresh(args.data, config, full=args.full, wait=args.wait)
    except rollup.RollupError as exc:
        raise UserError(str(exc)) from exc
    except duckdb.Error as exc:  # e.g. an unreadable Parquet file in the raw log
        raise UserError(f"cannot build the rollups of {args.data}: {first_line(exc)}") from exc
    print("\n".join(report.lines()))
    return 0
