"""The chart library, on its way to the browser before the page's first chart.

Streamlit's browser code loads Plotly's script (4.7 MB, about 0.7 s of one core to
compile and run on the bench machine) only when the first Plotly chart of a visit
arrives, which is after the page's figures are computed. A page that draws charts
therefore starts, in a new browser session, with one empty chart in a hidden
container: the browser fetches and runs Plotly's script while the server computes
the page, and the page's first real chart draws as soon as it arrives (issue 19, item
3; docs/BENCHMARKS.md, "The first chart"). Only a session's first run sends it (the
script stays loaded for the rest of the visit), and the router takes it out again
once the page has run, so the page's own charts are the only ones in it.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

KEY = "chi_chart_prefetch"
_SENT = "_chi_chart_library_sent"  # session state: this visit has the script already
_CSS = f"<style>.st-key-{KEY} {{ display: none !important; }}</style>"


def send_chart_library(page_has_charts: bool) -> DeltaGenerator | None:
    """A hidden empty chart when this page draws charts and this session has not had
    one yet; the slot holding it (for `take_out`), else None. An embed (`?embed=true`)
    gets none: an embedded card shows numbers only."""
    if not page_has_charts or st.context.is_embedded or st.session_state.get(_SENT):
        return None
    st.session_state[_SENT] = True
    slot = st.empty()
    with slot.container(key=KEY):
        st.html(_CSS)
        st.plotly_chart(go.Figure(), key=f"{KEY}_chart", config={"staticPlot": True})
    return slot


def take_out(slot: DeltaGenerator | None) -> None:
    """Remove the hidden chart once the page has run (its script is loaded by now or
    on its way: removing the chart does not stop that)."""
    if slot is not None:
        slot.empty()
