"""Methodology: the formula, weights, targets, minimum n and version behind every number."""

import streamlit as st

from dashboard.ui import shared as ui
from dashboard.views import public

config = ui.current_config()
st.title("Methodology")
st.caption(
    "Generated from the configuration that computes the numbers on this site; "
    "every change of formula, weight or target changes the version."
)
st.markdown(public.methodology_markdown(config))
st.markdown(
    "**Open data.** The board is also published as JSON (`/api/index.json`, "
    "`/api/brands/<brand>.json`, `/api/methodology.json`) and as SVG badges "
    "(`/api/badge/<brand>.svg`)."
)
