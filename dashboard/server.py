"""ASGI entry for `chi serve`: the Streamlit app plus the routes of dashboard/api.py
(JSON feed, SVG badges) when that module exists."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import streamlit as st

_routes = []
if importlib.util.find_spec("dashboard.api") is not None:
    from dashboard.api import routes as _api_routes

    _routes = _api_routes()

app = st.App(str(Path(__file__).with_name("app.py")), routes=_routes)
