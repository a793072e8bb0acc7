"""A URL that names no page: Streamlit runs the default page for any path it does not
know, so the router's default asks here first and says "page not found" (with a link
to the first page) instead of silently showing the overview."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard.core import formatting

# the paths of the router's own default page: "/" and its hidden name
HOME_PATHS = ("", "home")


def unknown_path(url: str | None, known: tuple[str, ...] = ()) -> str | None:
    """The path of `url` when it is neither the home page nor one of `known`, else
    None (also None without a URL, as in tests without a browser)."""
    if not url:
        return None
    path = urlsplit(url).path.strip("/")
    last = path.rsplit("/", 1)[-1]
    return None if last in HOME_PATHS or last in known else path


def page_not_found(path: str, first: StreamlitPage) -> None:
    st.title("Page not found")
    st.warning(
        f"There is no page at '/{formatting.plain(path)}'. Check the link, or open "
        f"{formatting.plain(first.title)} or another page from the menu."
    )
    st.page_link(first, label=f"Open {first.title}", icon=":material/arrow_forward:")
