"""Channel consistency: is service as good on every channel? Brand scores, alerts,
a brand x channel heatmap, one brand's channels side by side, and the journeys of
customers who switch channel."""

import streamlit as st

from dashboard.charts import consistency as charts_consistency
from dashboard.core import formatting
from dashboard.ui import consistency as ui_consistency
from dashboard.ui import shared as ui
from dashboard.views import consistency

st.title("Channel consistency")
st.markdown(
    "*Is service better on Twitter than in the call centre? The goal is "
    "consistency across all channels.*"
)
filters = ui.filters_sidebar()
if filters is None:
    st.stop()
st.caption(ui.selection_caption(filters))
config = ui.current_config()

channels = ui.load(consistency.by_channel, config, filters)
if channels.is_empty():
    st.info("No conversations match this selection. Widen the dates or clear a filter.")
    st.stop()
scores = consistency.brand_scores(channels, config)

st.subheader("Consistency per brand")
st.dataframe(
    consistency.least_consistent_first(scores),
    hide_index=True,
    width="stretch",
    column_config=ui_consistency.brand_score_columns(config),
)
st.caption(
    f"Only entry channels with at least {config.min_n} conversations are compared. "
    "A conversation counts for the channel of its first customer message. "
    "Formulas: Methodology page and docs/METRICS.md."
)

alerts = consistency.alerts_table(channels)
st.subheader("Alerts")
if alerts.is_empty():
    st.success(
        f"No channel is more than {config.alert_gap_points:g} points below its "
        "brand's best channel."
    )
else:
    st.warning(
        f"{alerts.height:,} channel(s) score more than {config.alert_gap_points:g} "
        "index points below their brand's best channel."
    )
    st.dataframe(
        alerts,
        hide_index=True,
        width="stretch",
        column_config=ui_consistency.alert_columns(),
    )

st.subheader("Brand × channel")
ui.notice_unknown("metric", list(consistency.HEATMAP_METRICS))
metric = (
    st.segmented_control(
        "Colour by",
        list(consistency.HEATMAP_METRICS),
        key="metric",
        format_func=consistency.LABELS.get,
        default="happiness_index",
        bind="query-params",
        help="Speed = share answered within the channel's target; "
        "effort = share with at most 2 customer messages on one "
        "channel; satisfaction = share of ratings of 4 or 5.",
    )
    or "happiness_index"
)
st.plotly_chart(charts_consistency.heatmap(channels, metric, config.min_n), width="stretch")
st.caption(
    f"Grey cells marked n<{config.min_n} rest on too few conversations (for "
    "satisfaction: ratings) and are not coloured by their value; a grey – means no "
    "data. Hover any cell for its value and n. A missing cell means no conversations."
)

st.subheader("One brand, channel by channel")
brands = scores["brand"].to_list()
focus = st.selectbox(
    "Brand",
    brands,
    key="focus",
    bind="query-params",
    index=brands.index(consistency.default_brand(scores)),
)
focus = focus or consistency.default_brand(scores)
score = consistency.brand_score(scores, focus)
st.markdown(formatting.plain(consistency.summary_sentence(score, config.min_n)))
rows = consistency.brand_channels(channels, focus)
st.plotly_chart(
    charts_consistency.channel_bars(rows, config.min_n, config.alert_gap_points), width="stretch"
)
st.dataframe(
    consistency.channel_table(rows, config.min_n),
    hide_index=True,
    width="stretch",
    column_config=ui_consistency.channel_columns(),
)
st.caption(
    "First-response times are over answered conversations: the median and the "
    "90th percentile (9 in 10 answered customers waited at most this long). "
    "Targets: "
    + ", ".join(f"{c} {formatting.duration(s)}" for c, s in sorted(config.targets_s.items()))
    + "."
)

st.subheader("Customers who switch channel")
switch = ui.load(consistency.switch_summary, config, filters)
tiles = st.columns(3)
tiles[0].metric(
    "Switched channel",
    formatting.value(switch.share_switched_pct, "pct"),
    help=f"{switch.switched:,} of {switch.conversations:,} conversations used "
    "more than one channel",
    border=True,
)
tiles[1].metric(
    "Index, switched",
    formatting.value(switch.index_switched, "points"),
    delta=formatting.change(switch.difference, "points"),
    help="index of the conversations that switched channel; the change is "
    "against single-channel conversations",
    border=True,
)
tiles[2].metric(
    "Index, single channel", formatting.value(switch.index_single, "points"), border=True
)
st.caption(
    "A conversation switched channel when its messages (the customer's or the "
    "brand's) use more than one channel. Switched conversations score 0 on effort by "
    "definition: an effortless conversation stays on one channel."
)
paths = ui.load(consistency.top_paths, filters, 10)
st.markdown("**Most common channel paths**")
if paths.is_empty():
    st.info("No conversation in this selection switched channel.")
else:
    st.plotly_chart(charts_consistency.top_paths(paths), width="stretch")
    st.caption("A path lists a conversation's channels in the order they first appear.")
with st.expander("Switching per brand"):
    st.dataframe(
        ui.load(consistency.journeys_by_brand, config, filters),
        hide_index=True,
        width="stretch",
        column_config=ui_consistency.journey_columns(),
    )
