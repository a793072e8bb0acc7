"""Executive overview: the KPI tiles against the previous period, and the trend."""

import streamlit as st

from dashboard.charts import overview as overview_chart
from dashboard.ui import shared as ui
from dashboard.views import overview

st.title("Executive overview")
filters = ui.filters_sidebar()
if filters is None:
    st.stop()
st.caption(ui.selection_caption(filters))

tiles, service = ui.load(overview.kpi_sets, ui.current_config(), filters)
if not tiles[0].value:
    st.info("No conversations match this selection. Widen the dates or clear a filter.")
    st.stop()
ui.kpi_tiles(tiles)
st.subheader("Service detail")
ui.kpi_tiles(service, per_row=6)

grain = st.segmented_control(
    "Grain",
    ["day", "week", "month"],
    key="grain",
    default=overview.default_grain(filters),
    bind="query-params",
)
trend = ui.load(overview.trend, ui.current_config(), filters, grain or "week")
st.subheader("Trend")
st.plotly_chart(overview_chart.overview_trend(trend, ui.current_config().min_n), width="stretch")
st.caption(
    f"Points in grey have fewer than {ui.current_config().min_n} conversations. "
    "Hover a point for its n and 95% interval. The index is the weighted mean of mood, speed, "
    "resolution, effort and satisfaction; the Happiness page shows how."
)
