"""ASGI entry for `chi serve`: the Streamlit app plus the routes of dashboard/web/api.py
(JSON feed, SVG badges) when that module exists, and GET /ready.

At start the lifespan launches the warm-up (dashboard/web/warmup.py): a background thread
builds the shared DuckDB connection the pages use, so the first visitor does not pay
for it. /ready answers 503 while it runs and 200 once it has ended.

With sign-in on (CHI_SIGN_IN, set by `chi serve`), chi.toml's [auth] becomes the
`[auth]` secrets of st.login and a middleware records each sign-in in the audit log
(dashboard/web/signin.py).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

from dashboard.core import settings
from dashboard.web import warmup

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

app = st.App(
    str(Path(__file__).with_name("app.py")),
    routes=_routes,
    lifespan=warmup.lifespan(),
    secrets=_secrets,
    middleware=_middleware,
)
