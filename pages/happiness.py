"""Happiness index: the 0-100 index over time, its components, what moved it,
how it is computed, and (private mode, analyst role) the conversations behind a point."""

import streamlit as st

from dashboard.charts import happiness as charts_happiness
from dashboard.core import access
from dashboard.ui import access as ui_access
from dashboard.ui import happiness as ui_happiness
from dashboard.ui import shared as ui
from dashboard.views import happiness

st.title("Happiness index")
filters = ui.filters_sidebar()
if filters is None:
    st.stop()
st.caption(ui.selection_caption(filters))
config = ui.current_config()

ui.notice_unknown("grain", ["day", "week", "month"])
ui.notice_unknown("by", list(ui_happiness.BY_OPTIONS))
left, right = st.columns(2)
grain = left.segmented_control(
    "Grain",
    ["day", "week", "month"],
    key="grain",
    default=happiness.default_grain(filters),
    bind="query-params",
)
by = right.segmented_control(
    "Lines per", list(ui_happiness.BY_OPTIONS), key="by", default="brand", bind="query-params"
)
grain = grain or happiness.default_grain(filters)
by = ui_happiness.BY_OPTIONS[by or "brand"]

trend = ui.load(happiness.by_period, config, filters, grain, by)
if trend.is_empty():
    st.info("No conversations match this selection. Widen the dates or clear a filter.")
    st.stop()
st.subheader("Index over time")
figure = charts_happiness.index_over_time(trend, config.min_n, grain)
event = st.plotly_chart(
    figure, width="stretch", on_select="rerun", selection_mode="points", key="trend"
)
st.caption(happiness.thin_note(trend, config.min_n))

moved = ui.load(happiness.what_moved, config, filters)
st.subheader("Components")
bars, table = st.columns(2)
bars.plotly_chart(charts_happiness.component_bars(moved), width="stretch")
groups = ui.load(happiness.by_period, config, filters, "all", by)
table.plotly_chart(charts_happiness.components_heatmap(groups, config.min_n), width="stretch")
st.caption(
    "Left: this selection against the previous period of equal length. "
    "Right: each line of the chart above over the whole selection, with its n."
)

st.subheader("What moved it")
if moved.change is None:
    st.info(happiness.moved_summary(moved))
else:
    st.plotly_chart(charts_happiness.waterfall(moved), width="stretch")
    st.markdown(happiness.moved_summary(moved))

with st.expander("How is this computed"):
    ui_happiness.how_computed_panel(moved.how, config)

if ui_access.require(access.DRILLDOWN, "The conversations behind a point and their messages"):
    ui_happiness.drilldown(trend, filters, grain, event)
