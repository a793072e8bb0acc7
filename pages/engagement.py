"""Engagement & fairness: fan action, not fan acquisition (brand side), and the
follower-fairness audit (customer side)."""

import streamlit as st

from dashboard.charts import engagement as charts_engagement
from dashboard.core import formatting
from dashboard.ui import engagement as ui_engagement
from dashboard.ui import exports
from dashboard.ui import shared as ui
from dashboard.views import engagement, fairness

st.title("Engagement & fairness")
filters = ui.filters_sidebar()
if filters is None:
    st.stop()
st.caption(formatting.plain(engagement.selection_caption(filters)))
config = ui.current_config()

ui.notice_unknown("tab", ["Fan action", "Fairness"])
fan_tab, fair_tab = st.tabs(["Fan action", "Fairness"], key="tab", bind="query-params")

if fan_tab.open is not False:
    with fan_tab:
        ui_engagement.fan_action_intro()
        view = ui.load(engagement.fan_action, config, filters)
        if view.accounts.is_empty():
            st.info(
                "No audience data (followers, posts, engagements) for this selection. "
                "Widen the dates or channels, or import audience exports with `chi ingest`."
            )
        else:
            hollow = engagement.hollow_summary(view)
            if hollow:
                st.error("**Hollow audiences:**\n\n" + "\n".join(f"- {h}" for h in hollow))
            else:
                st.success("No hollow audience in this selection.")
            chart, table = st.columns([3, 2])
            with chart:
                picked = st.segmented_control(
                    "Channel",
                    ["All channels", *engagement.channels(view)],
                    key="fan_channel",
                    default="All channels",
                    bind="query-params",
                    wrap=True,
                )
                exports.chart(
                    charts_engagement.fan_action_scatter(
                        view, None if picked in (None, "All channels") else picked
                    ),
                    "fan_action",
                    "Fan action",
                    filters,
                    extra={"channel": None if picked in (None, "All channels") else picked},
                    share=0.6,
                )
            with table:
                ui_engagement.accounts_table(view, filters)
            ui_engagement.fan_action_caption(view)

if fair_tab.open is not False:
    with fair_tab:
        st.markdown(
            "Are customers with many followers answered more often, or faster? Each "
            "brand is **tested on every conversation with a known follower count**: does "
            "the chance of an answer, or the speed of the first response, change with the "
            "customer's followers (compared within each entry channel)? A brand is "
            "**flagged** only when the test holds after the Benjamini-Hochberg correction "
            "for testing many brands at once and the effect is large enough to matter. The "
            "**influencer** and **speed premiums** (highest follower bucket with enough "
            "conversations against the lowest, 1.0 = equal treatment) show the size of the "
            "gap."
        )
        by_channel = st.toggle(
            "Split by entry channel",
            key="by_channel",
            bind="query-params",
            help="one row per brand and channel in the tables below",
        )
        fair = ui.load(fairness.tab, config, filters, by_channel)
        table = fair.buckets
        if table.is_empty():
            st.info("No conversations match this selection. Widen the dates or clear a filter.")
        else:
            premiums = fair.premiums
            ui_engagement.verdict_box(premiums)
            st.caption(fairness.method_sentence(premiums, config))
            st.subheader("Premiums per brand")
            ui_engagement.premiums_table(premiums, by_channel, filters)
            st.subheader("Response by follower bucket")
            exports.chart(
                charts_engagement.fairness_bars(table, config.min_n),
                "fairness_by_follower_bucket",
                "Response by follower bucket",
                filters,
            )
            st.caption(
                f"Buckets with fewer than {config.min_n} conversations are light grey "
                "and never used for a premium; 'unknown' (no follower count) is shown "
                "but not compared. Hover a bar for its n."
            )
            ui_engagement.buckets_table(fair.table, by_channel, config.min_n, filters)
