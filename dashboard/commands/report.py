"""`chi report VIEW`: the numbers behind a view, as CSV or JSON.

Each view is a module dashboard/reports/<view>.py with
`add_arguments(parser)` and `run(args) -> polars.DataFrame`.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import dashboard.reports
from dashboard.commands.common import add_data_args, add_format_arg, positive_count, render


def available_views() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.iter_modules(dashboard.reports.__path__)
        if not m.name.startswith("_")
    )


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("report", help="print the numbers behind a view (csv or json)")
    views = parser.add_subparsers(dest="view", required=True, metavar="VIEW")
    for name in available_views():
        module = importlib.import_module(f"dashboard.reports.{name}")
        view = views.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
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
        sys.stdout.write(render(frame, args.format))
        return 0

    return handle
