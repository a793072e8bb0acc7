"""Topics: the words and phrases that stand out in a brand's customer messages against
the other brands, the drivers of negative mood, and example messages of a term.
Private only (the customers' words)."""

import streamlit as st

from dashboard.charts import topics as charts_topics
from dashboard.ui import shared as ui
from dashboard.ui import topics as ui_topics
from dashboard.views import topics

st.title("Topics and drivers")
st.markdown("*What customers write about, and what sours their mood.*")
filters = ui.filters_sidebar()
if filters is None:
    st.stop()
config = ui.current_config()
chosen = ui_topics.brand_filters(filters)
if chosen is None:
    st.stop()
brand = chosen.brands[0]
st.caption(ui_topics.caption(chosen))

st.subheader(f"What stands out for {brand}")
terms = ui.load(topics.topics, config, chosen, 20)
event = None
if terms.is_empty():
    st.info(
        f"No term is in at least {config.topics_min_count} of this brand's messages and "
        "another brand's text to compare with in this selection ([topics] min_count)."
    )
else:
    event = st.plotly_chart(
        charts_topics.top_terms(terms),
        width="stretch",
        key="topics_chart",
        on_select="rerun",
        selection_mode="points",
    )
    st.dataframe(ui_topics.term_table(terms), hide_index=True, width="stretch")
st.caption(
    "Words and two-word phrases of the customers' messages, against every other brand in "
    "the same channels and days: the log-odds ratio with an informative Dirichlet prior "
    "(Monroe, Colaresi and Quinn 2008), as a z score, so a rare word needs more evidence. "
    f"Terms in fewer than {config.topics_min_count} messages are not shown; stop words, "
    "handles, links, id-like numbers, pseudonyms and the brand's own name are left out "
    "(docs/METRICS.md, Topics)."
)

st.subheader("Drivers of negative mood")
lowering = ui_topics.lowering(ui.load(topics.drivers, config, chosen, 10))
if lowering.is_empty():
    st.info("No term lowers the mean sentiment in this selection.")
else:
    st.plotly_chart(charts_topics.drivers(lowering), width="stretch", key="drivers_chart")
    st.dataframe(ui_topics.driver_table(lowering), hide_index=True, width="stretch")
st.caption(
    "Mean sentiment (-1..1) of the messages that contain the term minus that of the "
    "brand's other messages, with Welch's 95% interval; n: the messages with a sentiment "
    "that contain it."
)

if not terms.is_empty():
    ui_topics.examples(chosen, brand, terms["term"].to_list(), event)
