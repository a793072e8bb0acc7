"""Executive overview: the KPI tiles against the previous period, the trend with its
alerts, the latest alerts and the movers."""

import streamlit as st

from dashboard.charts import overview as overview_chart
from dashboard.ui import alerts as ui_alerts
from dashboard.ui import movers as ui_movers
from dashboard.ui import shared as ui
from dashboard.views import alerts, movers, overview

st.title("Executive overview")
filters = ui.filters_sidebar()
if filters is None:
    st.stop()
st.caption(ui.selection_caption(filters))
config = ui.current_config()

tiles, service = ui.load(overview.kpi_sets, config, filters)
if not tiles[0].value:
    st.info("No conversations match this selection. Widen the dates or clear a filter.")
    st.stop()
ui.kpi_tiles(tiles)
st.subheader("Service detail")
ui.kpi_tiles(service, per_row=6)

ui.notice_unknown("grain", ["day", "week", "month"])
grain = st.segmented_control(
    "Grain",
    ["day", "week", "month"],
    key="grain",
    default=overview.default_grain(filters),
    bind="query-params",
)
grain = grain or "week"
trend = ui.load(overview.trend, config, filters, grain)
found = ui.load(alerts.alerts, config, filters)
st.subheader("Trend")
st.plotly_chart(
    overview_chart.overview_trend(trend, config.min_n, alerts.with_period_start(found, grain)),
    width="stretch",
)
st.caption(
    f"Points in grey have fewer than {config.min_n} conversations. "
    "Hover a point for its n and 95% interval, a red ◆ for the alerts of its period. The "
    "index is the weighted mean of mood, speed, resolution, effort and satisfaction; the "
    "Happiness page shows how."
)

ui_alerts.latest_alerts(found, filters, config)
ui_movers.movers_block(ui.load(movers.movers, config, filters))
