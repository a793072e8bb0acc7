"""Happiness index: the 0-100 index over time, its components, what moved it,
how it is computed, and (private mode, analyst role) the conversations behind a point."""

import streamlit as st

from dashboard.charts import happiness as charts_happiness
from dashboard.core import access, formatting
from dashboard.ui import access as ui_access
from dashboard.ui import exports
from dashboard.ui import happiness as ui_happiness
from dashboard.ui import shared as ui
from dashboard.views import export_frames, happiness, happiness_lines, periods
from dashboard.views import exports as export_views

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
    wrap=True,
)
by = right.segmented_control(
    "Lines per",
    list(ui_happiness.BY_OPTIONS),
    key="by",
    default="brand",
    bind="query-params",
    wrap=True,
)
grain = grain or happiness.default_grain(filters)
by = ui_happiness.BY_OPTIONS[by or "brand"]

if by == "brand":
    lines = ui.load(happiness_lines.brand_lines, config, filters, grain)
    trend, notice, summary = lines.frame, None, lines.summary()
    drillable = lines.brands_frame
else:
    lines = ui.load(happiness_lines.group_lines, config, filters, grain, by)
    trend, notice, summary = lines.frame, lines.notice, None
    drillable = trend
if trend.is_empty():
    st.info("No conversations match this selection. Widen the dates or clear a filter.")
    st.stop()
st.subheader("Index over time")
if lines.grain.notice:
    st.info(lines.grain.notice)
figure = charts_happiness.index_over_time(trend, config.min_n, lines.grain.grain)
event = exports.chart(
    figure,
    f"happiness_by_{by}",
    "Happiness index over time",
    filters,
    extra={"grain": lines.grain.grain},
    on_select="rerun",
    selection_mode="points",
    key="trend",
)
exports.csv_button(
    export_views.index_table(trend, config.min_n),
    f"happiness_by_{by}",
    filters,
    extra={"grain": lines.grain.grain},
)
for text in (summary, notice, happiness.thin_note(trend, config.min_n)):
    if text:
        st.caption(formatting.plain(text))
partial = periods.partial_note(trend, lines.grain.grain)
if partial:
    st.caption(partial)

moved = ui.load(happiness.what_moved, config, filters)
st.subheader("Components")
bars, table = st.columns(2)
with bars:
    exports.chart(
        charts_happiness.component_bars(moved),
        "happiness_components",
        "Components",
        filters,
        share=0.5,
    )
groups = ui.load(happiness.by_period, config, filters, "all", by)
with table:
    exports.chart(
        charts_happiness.components_heatmap(groups, config.min_n),
        f"happiness_components_by_{by}",
        "Components per line",
        filters,
    )
    exports.csv_button(
        export_views.index_table(groups, config.min_n), f"happiness_components_by_{by}", filters
    )
st.caption(
    "Left: this selection against the previous period of equal length. "
    "Right: each line of the chart above over the whole selection, with its n."
)

st.subheader("What moved it")
if moved.change is None:
    st.info(happiness.moved_summary(moved))
else:
    exports.chart(
        charts_happiness.waterfall(moved), "happiness_what_moved", "What moved it", filters
    )
    st.markdown(happiness.moved_summary(moved))
exports.csv_button(export_frames.moved_frame(moved), "happiness_what_moved", filters)

with st.expander("How is this computed"):
    ui_happiness.how_computed_panel(moved.how, config)

if ui_access.require(access.DRILLDOWN, "The conversations behind a point and their messages"):
    ui_happiness.drilldown(drillable, filters, lines.grain.grain, event)
