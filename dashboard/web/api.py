"""The public feeds served beside the app (dashboard/server.py mounts `routes()`):

    GET /api/index.json            every public brand: index, change, n, period, components
    GET /api/brands/<brand>.json   one brand's board entry and weekly history
    GET /api/badge/<brand>.svg     a build-badge style SVG ("happiness | 72")
    GET /api/methodology.json      formula, weights, targets, minimum n, version
    GET /api/movers.json           the board's movers up and down (public brands only)

<brand> is the brand's slug (skyline-air) or its exact name, or a [brands] source name or
handle of it (a link made before the brand was named keeps working). Everything comes from
dashboard/views/public.py, so the feeds show exactly what the public board shows:
allowlisted brands only, aggregates only, groups under the minimum n suppressed.

Responses carry `Cache-Control: public, max-age=300`, a strong ETag (a hash of the body,
which is a function of the data version and the config) answered with 304 on
If-None-Match, and `Access-Control-Allow-Origin: *`. Unknown brands get a 404 JSON
error; a failure gets a one-line JSON error, never a traceback.

The routes run outside Streamlit's script runs. The board is the process's one board
(dashboard/views/public_shared.py), the object the public pages render; the histories
are asked of the process's one cache of connections (connection.shared_connection,
shared with the pages). Here only the response bodies are kept, per data version +
config fingerprint (rechecked at most every RECHECK_S seconds). A body already built is
answered on the event loop; building one runs in the thread pool.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dashboard.charts.badge import brand_badge
from dashboard.core import settings
from dashboard.core.config import Config, ConfigError, load_config
from dashboard.data import connection
from dashboard.views import movers, public, public_shared

CACHE_CONTROL = "public, max-age=300"
RECHECK_S = 2.0
JSON_TYPE = "application/json"
SVG_TYPE = "image/svg+xml"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match",
    "Access-Control-Expose-Headers": "ETag",
    "X-Content-Type-Options": "nosniff",
}
log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """Everything the feeds serve for one data version + config: the board and the
    response bodies built so far (never a connection: `cursor()` asks the shared one)."""

    data_dir: Path
    version: str
    config: Config
    board: public.Board
    bodies: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # name -> body, etag

    @property
    def key(self) -> str:
        return f"{self.version}|{self.config.fingerprint()}"

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return connection.shared_connection(self.data_dir, self.config, self.version).cursor()


def api_links(slug: str) -> dict[str, str]:
    return {"badge": f"/api/badge/{slug}.svg", "history": f"/api/brands/{slug}.json"}


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def json_bytes(payload: dict) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode()


class Feed:
    """The feeds' data source: the data dir and config of dashboard/core/settings.py,
    as the pages use them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0

    def snapshot(self) -> Snapshot:
        with self._lock:
            now = time.monotonic()
            if self._snapshot is None or now - self._checked_at > RECHECK_S:
                data_dir = settings.data_dir()
                config = load_config(data_dir, settings.explicit_config_path())
                version = public_shared.SHARED.version(data_dir)
                key = f"{version}|{config.fingerprint()}"
                if self._snapshot is None or self._snapshot.key != key:
                    # the very board the pages show (dashboard/views/public_shared.py)
                    version, board = public_shared.SHARED.versioned_board(data_dir, config)
                    self._snapshot = Snapshot(data_dir, version, config, board)
                self._checked_at = now
            return self._snapshot

    def cached(self, kind: str, key: str) -> tuple[bytes, str, str] | None:
        """The body `_serve` would answer when it is built already and the snapshot
        needs no recheck: no I/O, so the endpoint answers it on the event loop without
        a hop to the thread pool (3,100 -> 3,500-3,800 requests/s at 16 connections,
        docs/BENCHMARKS.md). None: ask `_serve` in a thread."""
        with self._lock:
            snap = self._snapshot
            if snap is None or time.monotonic() - self._checked_at > RECHECK_S:
                return None
            if kind in ("index", "methodology", "movers"):
                name = kind
            else:
                score = snap.board.find(key)
                if score is None:
                    return None
                name = f"{kind}:{score.slug}"
            found = snap.bodies.get(name)
        if found is None:
            return None
        return (*found, SVG_TYPE if kind == "badge" else JSON_TYPE)

    def body(self, snap: Snapshot, name: str, build: Callable[[], bytes]) -> tuple[bytes, str]:
        """A response body (and its ETag), built once per snapshot."""
        with self._lock:
            if name not in snap.bodies:
                body = build()
                snap.bodies[name] = (body, _etag(body))
            return snap.bodies[name]


def _not_modified(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",") if t.strip()}
    return "*" in tags or etag in tags


def _error(status: int, message: str) -> Response:
    return Response(
        json_bytes({"error": message}),
        status_code=status,
        media_type=JSON_TYPE,
        headers={**CORS, "Cache-Control": "no-cache"},
    )


def _send(request: Request, body: bytes, etag: str, media_type: str) -> Response:
    headers = {**CORS, "Cache-Control": CACHE_CONTROL, "ETag": etag}
    if media_type == SVG_TYPE:  # an SVG opened directly must not run anything
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _unknown(key: str) -> Response:
    return _error(
        404,
        f"unknown brand {key[:80]!r}: not on the public board "
        "(see /api/index.json for the public brands)",
    )


def _index(snap: Snapshot) -> bytes:
    links = {s.slug: api_links(s.slug) for s in snap.board.brands}
    return json_bytes(public.board_json(snap.board, snap.config, links))


def _movers(snap: Snapshot) -> bytes:
    result = public_shared.SHARED.movers(snap.data_dir, snap.config)
    links = {s.slug: api_links(s.slug) for s in snap.board.brands}
    return json_bytes(movers.movers_json(snap.board, result, links))


def _history(snap: Snapshot, score: public.BrandScore) -> bytes:
    history = public_shared.SHARED.history(snap.data_dir, snap.config, score.brand)
    return json_bytes(public.history_json(snap.board, score, history, api_links(score.slug)))


def _serve(feed: Feed, kind: str, key: str) -> tuple[bytes, str, str] | None:
    """(body, etag, media type) for a feed, or None for a brand not on the board."""
    snap = feed.snapshot()
    if kind == "index":
        return (*feed.body(snap, "index", lambda: _index(snap)), JSON_TYPE)
    if kind == "movers":
        return (*feed.body(snap, "movers", lambda: _movers(snap)), JSON_TYPE)
    if kind == "methodology":
        return (
            *feed.body(snap, kind, lambda: json_bytes(public.methodology(snap.config))),
            JSON_TYPE,
        )
    score = snap.board.find(key)
    if score is None:
        return None
    if kind == "badge":
        return (
            *feed.body(
                snap, f"badge:{score.slug}", lambda: brand_badge(score, snap.board).encode()
            ),
            SVG_TYPE,
        )
    return (*feed.body(snap, f"history:{score.slug}", lambda: _history(snap, score)), JSON_TYPE)


def _endpoint(feed: Feed, kind: str):
    async def endpoint(request: Request) -> Response:
        if request.method == "OPTIONS":  # CORS preflight
            return Response(status_code=204, headers={**CORS, "Access-Control-Max-Age": "86400"})
        key = request.path_params.get("brand", "")
        try:
            found = feed.cached(kind, key) or await run_in_threadpool(_serve, feed, kind, key)
        except ConfigError:
            log.exception("public feed: configuration error")
            return _error(503, "the server's configuration cannot be read")
        except Exception:  # a feed must answer, never show a traceback
            log.exception("public feed failed")
            return _error(500, "internal error")
        if found is None:
            return _unknown(key)
        return _send(request, *found)

    return endpoint


def routes(feed: Feed | None = None) -> list[Route]:
    """The feed routes, for st.App(..., routes=routes())."""
    feed = feed or Feed()
    methods = ["GET", "OPTIONS"]  # Starlette adds HEAD to GET
    return [
        Route("/api/index.json", _endpoint(feed, "index"), methods=methods),
        Route("/api/methodology.json", _endpoint(feed, "methodology"), methods=methods),
        Route("/api/movers.json", _endpoint(feed, "movers"), methods=methods),
        Route("/api/brands/{brand}.json", _endpoint(feed, "history"), methods=methods),
        Route("/api/badge/{brand}.svg", _endpoint(feed, "badge"), methods=methods),
        # anything else under /api/ is a JSON 404, not the app's HTML page
        Route("/api/{rest:path}", _no_such_feed, methods=[*methods, "POST", "PUT", "DELETE"]),
    ]


FEEDS = (
    "/api/index.json",
    "/api/methodology.json",
    "/api/movers.json",
    "/api/brands/<brand>.json",
    "/api/badge/<brand>.svg",
)


async def _no_such_feed(request: Request) -> Response:
    """A path under /api/ that is no feed: 404 in JSON, naming the feeds there are."""
    return _error(404, f"no such feed: {request.url.path[:120]!r}; the feeds: {', '.join(FEEDS)}")
