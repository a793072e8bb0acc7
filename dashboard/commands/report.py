"""`chi report VIEW`: the numbers behind a view, as CSV or JSON.

Each view is a module dashboard/reports/<view>.py with
`add_arguments(parser)` and `run(args) -> polars.DataFrame`.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import dashboard.reports
from dashboard.commands.common import add_data_args, add_format_arg, positive_count, render


def available_views() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.iter_modules(dashboard.reports.__path__)
        if not m.name.startswith("_")
    )


def summary(view: str) -> str:
    """The first line of a view module's docstring, read without importing it."""
    path = Path(dashboard.reports.__path__[0]) / f"{view}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def register(sub: argparse._SubParsersAction) -> None:
    register_for(sub, None)


def register_for(sub: argparse._SubParsersAction, words: list[str] | None) -> None:
    """`chi report` with every view; in full only the view `words` name (all of them
    when `words` is None), so a report imports only its own view's code."""
    parser = sub.add_parser("report", help="print the numbers behind a view (csv or json)")
    views = parser.add_subparsers(dest="view", required=True, metavar="VIEW")
    wanted = None if words is None else next((w for w in words if not w.startswith("-")), None)
    for name in available_views():
        if words is not None and name != wanted:
            views.add_parser(name, help=summary(name))
            continue
        module = importlib.import_module(f"dashboard.reports.{name}")
        view = views.add_parser(name, help=summary(name))
        add_data_args(view)
        add_format_arg(view)
        view.add_argument(
            "--min-n",
            type=positive_count,
            default=None,
            help="minimum n for a figure to count (default: the config's min_n); every "
            "row carries conversations and below_min_n",
        )
        module.add_arguments(view)
        view.set_defaults(handler=_handler(module))


def _handler(module):
    def handle(args: argparse.Namespace) -> int:
        frame = module.run(args)
        sys.stdout.write(render(frame, args.format, args.precision))
        return 0

    return handle
