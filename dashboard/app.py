"""The Streamlit entrypoint: a router over the pages of dashboard/ui/navigation.py."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard.ui import shared as ui
from dashboard.ui.navigation import visible_pages

st.set_page_config(
    page_title="Customer Happiness Index", page_icon=":material/mood:", layout="wide"
)

pages = [
    st.Page(str(path), title=spec.title, icon=spec.icon, url_path=spec.url_path)
    for spec, path in visible_pages(public=ui.is_public())
]


def _home() -> None:
    # Streamlit serves its default page only at "/"; a hidden default that forwards to
    # the first real page gives every page (the embeddable /board too) its own URL.
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


if not pages:
    st.error("No pages are available in this mode.")
else:
    home = st.Page(_home, title=pages[0].title, default=True, visibility="hidden", url_path="home")
    try:
        st.navigation([home, *pages], position="sidebar").run()
    except Exception:  # Streamlit's stop/rerun are BaseExceptions and pass through
        # a user never sees a traceback: log it for the operator, say it plainly
        logging.getLogger("chi").exception("page failed")
        st.error(
            "This page could not be shown because of an internal error. The details "
            "are in the server log; other pages are unaffected."
        )
