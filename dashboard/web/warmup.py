"""Warm the server up before the first visitor arrives.

`chi serve` (dashboard/server.py) starts `Warmup.start()` from the app's lifespan, so
as soon as the server listens a background thread builds the process's shared DuckDB
connection (connection.shared_connection; it only reads: `chi serve` refreshed the
rollups before starting the server) with exactly the key the pages use
(dashboard/core/settings.py: the data dir and config; connection.data_version), then
asks once for the data bounds in UTC, as every page does (which sums UTC days when the
display zone is another). A page request arriving meanwhile waits for that one build
(shared_connection is lock-protected) instead of starting another.

Progress is observable at GET /ready (see `route()`): 503 while warming, 200 when done.
A failed warm-up is logged and reported there ("failed"); the server keeps serving and
the pages show their own error. CHI_WARMUP=0 turns it off (used by `chi bench` to
measure a fully cold first visit).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from dashboard.core import settings

log = logging.getLogger("chi.warmup")
READY_PATH = "/ready"
ENDED = ("ready", "failed", "off")  # states after which the warm-up will do nothing more


@dataclass
class Status:
    state: str = "idle"  # idle (not started), off (CHI_WARMUP=0), warming, ready, failed
    started_at: float | None = None  # time.monotonic()
    seconds: float | None = None  # how long the warm-up took, once ended
    error: str | None = None  # exception type only: /ready is reachable by anyone

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"state": self.state, "ready": self.state in ENDED}
        if self.seconds is not None:
            out["warm_up_s"] = round(self.seconds, 3)
        elif self.started_at is not None:
            out["warming_for_s"] = round(time.monotonic() - self.started_at, 3)
        if self.error:
            out["error"] = self.error
        return out


def enabled() -> bool:
    return settings.warmup()


def warm_connection() -> duckdb.DuckDBPyConnection:
    """Build the shared connection the pages will use, run the overview's first call
    once, and return the connection."""
    from dashboard.core.config import load_config
    from dashboard.data import connection
    from dashboard.views import bounds

    data_dir = settings.data_dir()  # as ui.current_data_dir() and ui.current_config()
    config = load_config(data_dir, settings.explicit_config_path())
    con = connection.shared_connection(data_dir, config, connection.data_version(data_dir))
    # every page asks for the data bounds in UTC (dashboard/ui/shared.py); when the display
    # time zone is not UTC this sums UTC days once here instead of for the first
    # visitor (sql.ensure_daily_zone). The result itself is not kept.
    cursor = con.cursor()
    try:
        bounds.data_bounds(cursor, "UTC")
    finally:
        cursor.close()
    return con


class Warmup:
    """One warm-up per server process; `status` is safe to read from any thread."""

    def __init__(self, work: Callable[[], object] = warm_connection) -> None:
        self._work = work
        self._lock = threading.Lock()
        self.status = Status()
        self.done = threading.Event()

    def start(self) -> threading.Thread | None:
        """Start the warm-up thread (once); None when it is turned off or already ran."""
        with self._lock:
            if self.status.state != "idle":
                return None
            if not enabled():
                self.status = Status("off")
                self.done.set()
                return None
            self.status = Status("warming", time.monotonic())
        thread = threading.Thread(target=self._run, name="chi-warmup", daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        started = time.monotonic()
        state, error = "ready", None
        try:
            self._work()
        except Exception as exc:  # the pages show their own error; never kill the server
            log.exception("warm-up failed; the first page request will retry")
            state, error = "failed", type(exc).__name__
        seconds = time.monotonic() - started
        with self._lock:
            self.status = Status(state, started, seconds, error)
        self.done.set()
        if state == "ready":
            log.info("warm-up done in %.1f s", seconds)


WARMUP = Warmup()


def lifespan(warmup: Warmup = WARMUP) -> Callable[[Any], contextlib.AbstractAsyncContextManager]:
    """A lifespan for st.App that starts the warm-up once the server starts."""

    @contextlib.asynccontextmanager
    async def _lifespan(_app: Any) -> AsyncIterator[None]:
        warmup.start()
        yield

    return _lifespan


def route(warmup: Warmup = WARMUP) -> Any:
    """GET /ready: the warm-up status as JSON; 503 while warming, else 200."""
    from starlette.responses import Response
    from starlette.routing import Route

    async def ready(_request: Any) -> Response:
        status = warmup.status
        body = json.dumps(status.as_dict()) + "\n"
        return Response(
            body,
            status_code=503 if status.state == "warming" else 200,
            media_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    return Route(READY_PATH, ready, methods=["GET"])
