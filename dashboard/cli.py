"""`chi`: the command line. Each verb lives in dashboard/commands/<verb>.py and
exposes `register(subparsers)`; each `chi report VIEW` lives in
dashboard/reports/<view>.py (see dashboard/commands/report.py).

Starting is cheap: only the verb being run is imported (its module imports what it
needs: DuckDB, Polars, Streamlit...). `chi --help` lists the verbs from VERBS without
importing any of them, so it answers at once.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

PROG = "chi"
DISTRIBUTION = "customer-happiness-index"

# verb -> (module under dashboard.commands, the one-line help `chi --help` shows; the
# module's own parser says the same: tests/test_cli.py keeps the two equal)
VERBS: dict[str, tuple[str, str]] = {
    "serve": ("serve", "start the dashboard"),
    "demo": ("demo", "write a deterministic synthetic data set with planted effects"),
    "ingest": ("ingest", "validate, normalise and append exports (see docs/DATA.md)"),
    "rollup": ("rollup", "build or refresh the stored rollups the pages read"),
    "rescore": (
        "rescore",
        "recompute the stored sentiment of customer messages, then the rollups",
    ),
    "report": ("report", "print the numbers behind a view (csv or json)"),
    "export-public": ("export_public", "write the public board as static files for any web host"),
    "digest": ("digest", "an email-ready summary of the last complete week or month"),
    "bench": ("bench", "measure rollup build, page query times and memory at N rows"),
}


class Parser(argparse.ArgumentParser):
    """Bad arguments are one line on stderr, naming the command they were typed for,
    and exit code 2 (argparse's own would print the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2, no traceback."""


def version() -> str:
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a source tree without installing
        return "unknown (not installed)"


class _Version(argparse.Action):
    """--version, looked up only when asked (reading the installed metadata is slow)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(f"{PROG} {version()}")
        parser.exit()


def _verb(argv: list[str]) -> str | None:
    """The verb of a command line: its first word that is not an option."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of `argv`'s verb in full; the other verbs only by name and help (all
    of them in full when `argv` is None)."""
    parser = Parser(prog=PROG, description="Customer Happiness Index")
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = None if argv is None else _verb(argv)
    for verb, (module_name, summary) in VERBS.items():
        if argv is not None and verb != wanted:
            sub.add_parser(verb, help=summary)
            continue
        try:
            module = importlib.import_module(f"dashboard.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"dashboard.commands.{module_name}":
                raise
            continue  # a verb not built yet is simply not offered
        if argv is not None and hasattr(module, "register_for"):
            # a verb with sub-commands of its own (report VIEW) builds only the one run
            module.register_for(sub, argv[argv.index(verb) + 1 :])
        else:
            module.register(sub)
    _remember_parsers(parser)
    return parser


def _remember_parsers(parser: argparse.ArgumentParser) -> None:
    """Every sub-parser sets `_parser` to itself, so a mistyped option is reported by
    the command it was typed for, with that command's usage."""
    parser.set_defaults(_parser=parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _remember_parsers(child)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        args._parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"{PROG} {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
