"""People: the agents ranked by the happiness their customers end with, against their
colleagues, speed against happiness, an agent's conversations, and the community
superfans with what they save. Private only (agent ids are the brand's own staff)."""

import streamlit as st

from dashboard.charts import people as charts_people
from dashboard.ui import exports
from dashboard.ui import people as ui_people
from dashboard.ui import shared as ui
from dashboard.views import export_frames, people

st.title("People behind the numbers")
st.markdown("*Hire people based on how happy they'll make your customers.*")
filters = ui.filters_sidebar()
if filters is None:
    st.stop()
st.caption(ui.selection_caption(filters))
config = ui.current_config()

board = ui.load(people.leaderboard, config, filters)
st.subheader("Agents")
if not board.brand_names():
    st.info(
        "No reply in this selection is signed by a named agent (agent_id). Importers fill "
        "it from the source's signatures or an agent column: see docs/DATA.md."
    )
else:
    brand = st.selectbox("Brand", board.brand_names(), key="agents_brand", bind="query-params")
    brand = brand or board.brand_names()[0]
    rows = board.for_brand(brand)
    level = board.brand_level(brand)
    st.markdown(ui_people.level_line(level, brand))
    exports.chart(
        charts_people.leaderboard(rows),
        "agents",
        f"Agents of {brand}",
        filters,
        extra={"agents_of": brand},
        key="leaderboard",
    )
    note = people.overlap_note(rows)
    if note:
        st.info(note)
    thin = ui_people.thin_agents_line(rows, config.min_n)
    if thin:
        st.caption(thin)
    st.dataframe(ui_people.agent_table(rows), hide_index=True, width="stretch")
    exports.csv_button(
        export_frames.agents_frame(rows), "agents", filters, extra={"agents_of": brand}
    )

    st.subheader("Speed against happiness")
    exports.chart(
        charts_people.speed_vs_happiness(rows, level),
        "agents_speed_vs_happiness",
        f"Speed against happiness, {brand}",
        filters,
        extra={"agents_of": brand},
        key="speed_happiness",
    )
    st.caption(
        "Each agent's median first reply (over the conversations where they replied "
        "first) against the index of every conversation they wrote in. Red: faster than "
        "the brand but customers end clearly unhappier; green: slower but clearly "
        'happier ("clearly": the 95% interval of the gap to colleagues excludes 0).'
    )
    ui_people.agent_drilldown(config, filters, brand, rows)

st.subheader("Community superfans")
fans = ui.load(people.superfans, config, filters, people.SUPERFANS_LISTED)
if fans.is_empty():
    st.info("No customer answered another customer (peer messages) in this selection.")
else:
    for level in people.community_levels(fans):
        st.markdown(ui_people.community_line(level))
    listed = people.top_superfans(fans)
    st.dataframe(ui_people.superfan_table(listed), hide_index=True, width="stretch")
    exports.csv_button(export_frames.superfans_frame(listed), "superfans", filters, places=2)
    st.caption(
        f"Savings: each community conversation a customer answered first counts as one "
        f"contact staff did not handle, at {config.minutes_per_contact:g} minutes and "
        f"{config.cost_per_contact:,.2f} {config.currency} ([costs] in chi.toml; "
        "docs/METRICS.md). Superfans are shown by pseudonym. The "
        f"{people.SUPERFANS_LISTED} who answered first most often, over every brand, are listed."
    )
