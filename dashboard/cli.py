"""`chi`: the command line. Each verb lives in dashboard/commands/<verb>.py and
exposes `register(subparsers)`; each `chi report VIEW` lives in
dashboard/reports/<view>.py (see dashboard/commands/report.py)."""

from __future__ import annotations

import argparse
import importlib
import sys

# verb -> module under dashboard.commands
COMMANDS: dict[str, str] = {
    "serve": "serve",
    "demo": "demo",
    "ingest": "ingest",
    "rollup": "rollup",
    "rescore": "rescore",
    "report": "report",
    "export-public": "export_public",
    "digest": "digest",
    "bench": "bench",
}


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2, no traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chi", description="Customer Happiness Index")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMANDS.values():
        try:
            module = importlib.import_module(f"dashboard.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"dashboard.commands.{module_name}":
                raise
            continue  # a verb not built yet is simply not offered
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"chi {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
