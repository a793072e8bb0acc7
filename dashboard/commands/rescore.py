"""`chi rescore`: recompute the stored sentiment of inbound messages with the current
scorer (what the customer wrote, docs/METRICS.md "Mood: what is scored"), then bring
the rollups up to date.

Every interactions file is replaced atomically, and only when a value changes; a
sentiment the source gave is kept (dashboard/ingest/rescore.py, docs/DATA.md
"Rescoring sentiment"). Prints files read and rewritten, messages rescored, changed,
kept, seconds and the rollups' refresh. Exit code 0, or 1 when a file was skipped
(it is named; nothing else is lost), 2 for a problem the user can fix.
"""

from __future__ import annotations

import argparse

from dashboard.commands.common import (
    add_data_args,
    add_no_wait_arg,
    config_for,
    internal_error,
    store_rollups,
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "rescore",
        help="recompute the stored sentiment of customer messages, then the rollups",
        description="Recompute the stored sentiment of inbound messages with the current "
        "scorer (no @mentions, links or brand names), replacing each file atomically; a "
        "sentiment the source gave is kept. Then refresh the rollups.",
    )
    add_data_args(parser)
    add_no_wait_arg(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dashboard.cli import UserError
    from dashboard.data.lock import LockBusy
    from dashboard.ingest.rescore import RescoreError, rescore

    config_for(args)  # a bad configuration stops the run before any file is touched
    if not args.data.is_dir():
        raise UserError(f"no data directory {args.data}")
    try:
        report = rescore(args.data, wait=args.wait)
    except (RescoreError, LockBusy) as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:  # e.g. a read-only data directory
        where = exc.filename or args.data
        raise UserError(f"{where}: {exc.strerror or exc}") from exc
    except Exception as exc:  # never a traceback for the user; CHI_DEBUG=1 shows it
        return internal_error("rescore", exc)
    print("\n".join(report.lines()))
    print(store_rollups(args.data, args.config, lean=True))
    return 1 if report.skipped else 0
