"""Executive overview: the KPI tiles against the previous period, the trend with its
alerts, the latest alerts and the movers."""

import streamlit as st

from dashboard.charts import overview as overview_chart
from dashboard.ui import alerts as ui_alerts
from dashboard.ui import exports
from dashboard.ui import movers as ui_movers
from dashboard.ui import shared as ui
from dashboard.views import alerts, export_frames, headline, movers, overview, periods
from dashboard.views import exports as export_views

st.title("Executive overview")
filters = ui.filters_sidebar()
if filters is None:
    st.stop()
st.caption(ui.selection_caption(filters))
config = ui.current_config()

tiles, service = ui.load(overview.kpi_sets, config, filters)
top = headline.headline(tiles)
if not top.has_conversations:
    st.info("No conversations match this selection. Widen the dates or clear a filter.")
    st.stop()
ui.lead_tile(top.lead, headline.plain_sentence(ui.load(headline.what_moved_it, config, filters)))
ui.kpi_tiles(top.others)
st.subheader("Service detail")
ui.kpi_tiles(service, key="service")
exports.csv_button(export_frames.kpi_frame([*tiles, *service]), "overview_kpis", filters)

ui.notice_unknown("grain", ["day", "week", "month"])
grain = st.segmented_control(
    "Grain",
    ["day", "week", "month"],
    key="grain",
    default=overview.default_grain(filters),
    bind="query-params",
    wrap=True,
)
grain = grain or "week"
trend = ui.load(overview.trend, config, filters, grain)
found = ui.load(alerts.alerts, config, filters)
st.subheader("Trend")
exports.chart(
    overview_chart.overview_trend(
        trend, config.min_n, alerts.with_period_start(found, grain), grain
    ),
    "overview_trend",
    "Happiness index over time",
    filters,
    extra={"grain": grain},
)
exports.csv_button(
    export_views.index_table(trend, config.min_n),
    "overview_trend",
    filters,
    extra={"grain": grain},
)
st.caption(
    f"Points in grey have fewer than {config.min_n} conversations. "
    "Hover a point for its n and 95% interval, a red ◆ for the alerts of its period. The "
    "index is the weighted mean of mood, speed, resolution, effort and satisfaction; the "
    "Happiness page shows how."
)
partial = periods.partial_note(trend, grain)
if partial:
    st.caption(partial)

ui_alerts.latest_alerts(found, filters, config)
ui_movers.movers_block(ui.load(movers.movers, config, filters), filters=filters)
