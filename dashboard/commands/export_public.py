"""`chi export-public --out DIR`: the public board as static files (HTML, JSON, SVG)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.commands.common import add_data_args, open_connection


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export-public",
        help="write the public board as static files for any web host",
        description="Write the public board (brands listed under [public] brands in the "
        "config) to DIR: index.html (self-contained, works offline), index.json, "
        "brands/<brand>.json and badges/<brand>.svg. A previous export in DIR is "
        "replaced in one swap.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="output folder (created; replaced if it holds a previous export)",
    )
    add_data_args(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dashboard.cli import UserError
    from dashboard.web.static_export import ExportError, export_public

    con, config = open_connection(args)
    try:
        summary = export_public(con, config, args.out)
    except ExportError as exc:
        raise UserError(str(exc)) from exc
    print(
        f"wrote {summary.files} files for {summary.brands} public brand(s) "
        f"({summary.scored} scored) to {summary.out}"
    )
    if not config.public_brands:
        print(
            "note: no brands are public; list them under [public] brands in "
            f"{args.config or args.data / 'chi.toml'}"
        )
    return 0
