"""`chi export-public`: the public board as static files any web host or CDN can serve.

    DIR/index.html              the board, self-contained (inline CSS and SVG, no scripts,
                                works from file://), with the methodology
    DIR/index.json              the same shape as /api/index.json (links are relative)
    DIR/movers.json             the same shape as /api/movers.json (links are relative)
    DIR/brands/<slug>.json      the same shape as /api/brands/<slug>.json
    DIR/badges/<slug>.svg       the same badge as /api/badge/<slug>.svg

Files are written to a temporary sibling folder, then swapped into place, so a web
server never serves a half-written export. An existing DIR is replaced only when it
is empty or a previous export (it holds index.json and index.html).

The sibling folders are `.DIR.new-<pid>-<tag>` and `.DIR.old-<pid>-<tag>`: an export
that was killed leaves them behind, and the next export of DIR removes those whose
process is no longer running (never a running export's).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from html import escape
from pathlib import Path

import duckdb

from dashboard.charts.badge import brand_badge
from dashboard.charts.public import CSS, board_html
from dashboard.core.config import Config
from dashboard.data.lock import pid_alive
from dashboard.views import movers, public

PAGE_CSS = (
    "body{margin:0;padding:12px 14px;background:#fff}"
    ".chi-method{max-width:980px;font-size:.9em}"
    ".chi-method table{border-collapse:collapse;margin:.4em 0}"
    ".chi-method td,.chi-method th{border-bottom:1px solid #e5e7eb;padding:.25em .5em;"
    "text-align:left;vertical-align:top}"
)
# the page may load nothing from anywhere: proof that it needs no server and no CDN
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"


class ExportError(RuntimeError):
    """The export cannot be written (the message names the folder and the reason)."""


@dataclass(frozen=True)
class ExportSummary:
    out: Path
    brands: int
    scored: int
    files: int


def static_links(slug: str) -> dict[str, str]:
    return {"badge": f"badges/{slug}.svg", "history": f"brands/{slug}.json"}


def _dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"


def methodology_html(config: Config) -> str:
    m = public.methodology(config)
    weights = "".join(
        f"<tr><td>{escape(c['name'])} ({c['symbol']})</td><td>{escape(c['definition'])}</td>"
        f"<td>{c['weight']:g}</td><td>{c['weight_pct']:g}%</td></tr>"
        for c in m["components"]
    )
    targets = "".join(
        f"<tr><td>{escape(t['channel'])}</td><td>{t['label']}</td></tr>" for t in m["targets"]
    )
    rules = "".join(f"<li>{escape(rule)}</li>" for rule in m["rules"])
    return (
        '<details class="chi chi-method"><summary>How the index is computed (methodology '
        f"version {escape(m['version'])})</summary><p><b>{escape(m['formula'])}</b></p>"
        "<table><tr><th>Component</th><th>Definition</th><th>Weight</th><th>Share</th></tr>"
        f"{weights}</table><p>First-response targets by entry channel:</p>"
        f"<table><tr><th>Channel</th><th>Target</th></tr>{targets}</table>"
        f"<p>Minimum n: {m['min_n']} conversations per group.</p><ul>{rules}</ul></details>"
    )


def index_html(board: public.Board, config: Config) -> str:
    feed = (
        '<div class="chi chi-foot">Data: <a href="index.json">index.json</a> · '
        "badges: <code>badges/&lt;brand&gt;.svg</code> · history: "
        "<code>brands/&lt;brand&gt;.json</code></div>"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        "<title>Customer Happiness Index</title>"
        f"<style>{PAGE_CSS}{CSS}</style></head>\n<body>\n"
        f"{board_html(board, empty_note=_empty_note(board))}\n{feed}\n"
        f"{methodology_html(config)}\n</body></html>\n"
    )


def _empty_note(board: public.Board) -> str:
    if not board.allowlist:
        return (
            "No brands are published yet: list them under [public] brands in chi.toml, "
            "then export again."
        )
    return "There is no data for the published brands yet."


def _write_tree(
    root: Path, board: public.Board, config: Config, con: duckdb.DuckDBPyConnection
) -> int:
    files: dict[str, str] = {
        "index.json": _dumps(
            public.board_json(board, config, {s.slug: static_links(s.slug) for s in board.brands})
        ),
        "index.html": index_html(board, config),
        "movers.json": _dumps(
            movers.movers_json(
                board,
                movers.public_movers(con, config, board),
                {s.slug: static_links(s.slug) for s in board.brands},
            )
        ),
    }
    for score in board.brands:
        history = public.brand_history(con, config, score.brand)
        files[f"brands/{score.slug}.json"] = _dumps(
            public.history_json(board, score, history, static_links(score.slug))
        )
        files[f"badges/{score.slug}.svg"] = brand_badge(score, board)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(files)


def _replaceable(out: Path) -> bool:
    if not out.exists():
        return True
    if not out.is_dir():
        return False
    return not any(out.iterdir()) or (
        (out / "index.json").is_file() and (out / "index.html").is_file()
    )


def remove_orphans(out: Path) -> list[Path]:
    """Delete the `.DIR.new-*` / `.DIR.old-*` folders of exports of `out` that died (their
    pid is not running; a name without a pid is an older version's). Returns them."""
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.(?:new|old)-(?:(\d+)-)?[0-9a-f]+$")
    removed = []
    if not out.parent.is_dir():
        return removed
    for folder in out.parent.iterdir():
        match = pattern.match(folder.name)
        if not match or not folder.is_dir():
            continue
        if match.group(1) is not None and pid_alive(int(match.group(1))):
            continue  # a running export's
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def export_public(con: duckdb.DuckDBPyConnection, config: Config, out: Path) -> ExportSummary:
    """Write the board to `out` (replacing a previous export there) and say what was written."""
    out = Path(out)
    if not _replaceable(out):
        raise ExportError(
            f"{out}: exists and is not a previous export (no index.json and "
            "index.html); choose an empty or new folder"
        )
    board = public.board(con, config)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(out)
    tag = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp, old = out.with_name(f".{out.name}.new-{tag}"), out.with_name(f".{out.name}.old-{tag}")
    try:
        files = _write_tree(tmp, board, config, con)
        if out.exists():
            out.rename(old)
        try:
            tmp.rename(out)
        except OSError:
            if old.exists():
                old.rename(out)  # put the previous export back
            raise
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the export: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return ExportSummary(out, len(board.brands), sum(not s.suppressed for s in board.brands), files)
