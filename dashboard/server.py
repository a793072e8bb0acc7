"""ASGI entry for `chi serve`: the Streamlit app plus the routes of dashboard/web/api.py
(JSON feed, SVG badges) when that module exists, and GET /ready.

At start the lifespan launches the warm-up (dashboard/web/warmup.py): a background thread
builds the shared DuckDB connection the pages use, so the first visitor does not pay
for it. /ready answers 503 while it runs and 200 once it has ended.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import streamlit as st

from dashboard.web import warmup

_routes = [warmup.route()]
if importlib.util.find_spec("dashboard.web.api") is not None:
    from dashboard.web.api import routes as _api_routes

    _routes += _api_routes()

app = st.App(str(Path(__file__).with_name("app.py")), routes=_routes, lifespan=warmup.lifespan())
