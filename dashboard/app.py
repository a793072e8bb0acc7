"""The Streamlit entrypoint: a router over the pages of dashboard/navigation.py."""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from dashboard.navigation import visible_pages

st.set_page_config(page_title="Customer Happiness Index", page_icon=":material/mood:",
                   layout="wide")

pages = [
    st.Page(str(path), title=spec.title, icon=spec.icon, url_path=spec.url_path)
    for spec, path in visible_pages(public=ui.is_public())
]
if not pages:
    st.error("No pages are available in this mode.")
else:
    st.navigation(pages, position="sidebar").run()
