"""`chi digest [--period week|month] [--brand B]... [--out FILE.html|FILE.md]`: a
self-contained summary an executive can read in an email (README, "Digest").

The format follows --out's suffix (.html/.htm: HTML, .md/.markdown: Markdown) or
--format; without --out the digest is printed to stdout, as Markdown unless --format
html (`chi digest --format html | mail ...`). A file is written beside its target and
renamed into place, so a mailer never sends half a digest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from dashboard.commands.common import add_data_args, open_connection

SUFFIXES: dict[str, str] = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "digest",
        help="an email-ready summary of the last complete week or month",
        description="Each brand's index for the last complete week (Monday-Sunday) or "
        "calendar month, with its change against the one before, n and 95%% intervals, "
        "what moved it, the movers, the alerts and the top topics, each with a small chart. "
        "HTML is email-safe (inline CSS and SVG, no scripts, no external requests).",
    )
    parser.add_argument("--period", choices=["week", "month"], default="week")
    parser.add_argument(
        "--brand",
        action="append",
        default=[],
        help="repeatable; a display name, slug or source handle in any case (default: "
        "every brand, by conversations)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="write to FILE (.html or .md); default: print to stdout",
    )
    parser.add_argument(
        "--format",
        choices=["html", "md"],
        default=None,
        help="override the format (default: from --out's suffix; Markdown on stdout)",
    )
    add_data_args(parser)
    parser.set_defaults(handler=run)


def output_format(out: Path | None, fmt: str | None) -> str:
    """html or md, from --format, else --out's suffix, else md (stdout)."""
    from dashboard.cli import UserError

    if fmt:
        return fmt
    if out is None:
        return "md"
    try:
        return SUFFIXES[out.suffix.lower()]
    except KeyError:
        raise UserError(
            f"--out {out}: cannot tell the format from '{out.suffix or 'no suffix'}'; "
            "use .html or .md, or --format html|md"
        ) from None


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it into place."""
    from dashboard.cli import UserError

    if not path.parent.is_dir():
        raise UserError(f"--out {path}: the folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UserError(f"--out {path}: cannot write it: {exc.strerror or exc}") from exc


def run(args: argparse.Namespace) -> int:
    from dashboard.charts.digest_html import render_html
    from dashboard.charts.digest_markdown import render_markdown
    from dashboard.cli import UserError
    from dashboard.commands.common import match_brands
    from dashboard.views.bounds import data_bounds
    from dashboard.views.digest import DigestError, digest

    fmt = output_format(args.out, args.format)
    con, config = open_connection(args)
    known = data_bounds(con, config.display_time_zone).brands
    brands = match_brands(args.brand, known, config)
    try:
        made = digest(con, config, args.period, brands)
    except DigestError as exc:
        raise UserError(f"{args.data}: {exc}") from exc
    now = dt.datetime.now(dt.UTC)
    text = render_html(made, now) if fmt == "html" else render_markdown(made, now)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    write_atomically(args.out, text)
    scored = sum(1 for b in made.brands if b.enough)
    print(
        f"wrote the {made.period.kind}ly digest of {made.period.label()} "
        f"({len(made.brands)} brand(s), {scored} scored) to {args.out}"
    )
    return 0
