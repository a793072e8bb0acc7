"""ASGI entry for `chi serve`: the Streamlit app plus the routes of dashboard/web/api.py
(JSON feed, SVG badges) when that module exists, and GET /ready.

At start the lifespan launches the warm-up (dashboard/web/warmup.py): a background thread
builds the shared DuckDB connection the pages use, so the first visitor does not pay
for it. /ready answers 503 while it runs and 200 once it has ended.

With sign-in on (CHI_SIGN_IN, set by `chi serve`), chi.toml's [auth] becomes the
`[auth]` secrets of st.login and a middleware records each sign-in in the audit log
(dashboard/web/signin.py). In public mode (CHI_PUBLIC) a middleware refuses uploads,
metrics and the agent API (dashboard/web/guard.py).

At start the listening socket gets TCP_NODELAY (dashboard/web/nodelay.py): without it
every request after the first on a kept-alive connection waited ~40 ms.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

from dashboard.core import settings
from dashboard.web import guard, nodelay, warmup

_routes = [warmup.route()]
if importlib.util.find_spec("dashboard.web.api") is not None:
    from dashboard.web.api import routes as _api_routes

    _routes += _api_routes()

_secrets: dict[str, Any] | None = None
_middleware: list[Middleware] = []
if settings.sign_in():
    from dashboard.web import signin

    _secrets = signin.streamlit_secrets()
    _middleware = [Middleware(signin.SignInAudit)]
if settings.public():
    _middleware = [Middleware(guard.PublicGuard), *_middleware]


@contextlib.asynccontextmanager
async def _lifespan(app: Any) -> AsyncIterator[None]:
    ports = nodelay.set_on_listeners()
    logging.getLogger("chi.nodelay").info("TCP_NODELAY on the listener(s) at %s", ports)
    async with warmup.lifespan()(app):
        yield


app = st.App(
    str(Path(__file__).with_name("app.py")),
    routes=_routes,
    lifespan=_lifespan,
    secrets=_secrets,
    middleware=_middleware,
)
