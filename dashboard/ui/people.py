"""The People page's Streamlit parts: the agent table, an agent's conversations and
the superfans table (display names, rounding, intervals as text)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.core import access, formatting
from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.ui import access as ui_access
from dashboard.ui import happiness as ui_happiness
from dashboard.ui import shared as ui
from dashboard.views import evidence, people

DRILL_LIMIT = 200


def _text(values: list, fn) -> list[str]:
    return [fn(v) for v in values]


def _ci(frame: pl.DataFrame, name: str, unit: str) -> list[str]:
    return [
        formatting.interval_range(low, high, unit) or ""
        for low, high in frame.select(f"{name}_ci_low", f"{name}_ci_high").iter_rows()
    ]


def agent_table(rows: pl.DataFrame) -> pl.DataFrame:
    """The leaderboard as people read it: every figure with its n and interval, and
    "not enough data" instead of an index under min n."""
    thin = rows["below_min_n"].to_list()

    def unless_thin(values: list[str]) -> list[str]:
        return [evidence.NOT_ENOUGH_DATA if t else v for v, t in zip(values, thin, strict=True)]

    return pl.DataFrame(
        {
            "Rank": rows["rank"],
            "Agent": rows["agent_id"],
            "Conversations": rows["conversations"],
            "First replies": rows["first_responses"],
            "Median first reply": _text(
                rows["median_first_response_s"].to_list(), formatting.duration
            ),
            "Median 95% CI": [
                "" if lo is None else f"{formatting.duration(lo)}–{formatting.duration(hi)}"
                for lo, hi in rows.select(
                    "median_first_response_s_ci_low", "median_first_response_s_ci_high"
                ).iter_rows()
            ],
            "Index": unless_thin(
                _text(rows["happiness_index"].to_list(), lambda v: formatting.value(v, "points"))
            ),
            "Index 95% CI": unless_thin(_ci(rows, "happiness_index", "points")),
            "vs colleagues": unless_thin(
                [formatting.change(v, "points") or "–" for v in rows["vs_brand"]]
            ),
            "vs colleagues 95% CI": unless_thin(_ci(rows, "vs_brand", "points")),
            "Verdict": rows["verdict"],
        }
    )


def level_line(level: dict | None, brand: str) -> str:
    """The colleagues' level the leaderboard is measured against, with n and interval."""
    if level is None:
        return f"{formatting.plain(brand)}: no conversation in this selection has a named agent."
    ci = formatting.interval(
        level["happiness_index_ci_low"], level["happiness_index_ci_high"], "points"
    )
    index = (
        evidence.NOT_ENOUGH_DATA
        if level["below_min_n"]
        else formatting.value(level["happiness_index"], "points") + (f" ({ci})" if ci else "")
    )
    return (
        f"**Colleagues' level at {formatting.plain(brand)}:** index {index} over "
        f"{level['conversations']:,} conversations in which a named agent wrote; median "
        f"first reply {formatting.duration(level['median_first_response_s'])} over "
        f"{level['timed_first_responses']:,} timed first replies ({formatting.SKETCH_NOTE})."
    )


def thin_agents_line(rows: pl.DataFrame, min_n: int) -> str | None:
    thin = rows.filter(pl.col("below_min_n"))
    if thin.is_empty():
        return None
    names = ", ".join(
        f"{formatting.plain(a)} (n = {n:,})"
        for a, n in thin.select("agent_id", "conversations").rows()
    )
    return f"Not enough data (under {min_n} conversations), not ranked: {names}."


def agent_drilldown(config: Config, filters: Filters, brand: str, rows: pl.DataFrame) -> None:
    """Pick an agent, list their conversations, read one (private mode only; a role
    that may open drill-downs, access.DRILLDOWN). Each conversation whose messages are
    shown is recorded in the audit log once per session, with sign-in on."""
    if not ui_access.allows(access.DRILLDOWN):
        return
    st.subheader("An agent's conversations")
    agents = rows["agent_id"].to_list()
    agent = st.selectbox("Agent", agents, key="people_agent")
    if agent is None:
        return
    listed = ui.load(people.agent_conversations, config, filters, brand, agent, DRILL_LIMIT)
    if listed.is_empty():
        st.info("No conversations for this agent in this selection.")
        return
    total = int(listed["total_n"][0])
    shown = f"the newest {DRILL_LIMIT}" if total > DRILL_LIMIT else "all"
    st.caption(f"{total:,} conversations; showing {shown}. Select a row to read it.")
    table = listed.drop("total_n").with_columns(
        pl.col("first_outbound_s")
        .map_elements(formatting.duration, return_dtype=pl.String)
        .fill_null("–")
        .alias("first_outbound_s")
    )
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"people_rows|{brand}|{agent}",
        column_config={
            "first_inbound_local": st.column_config.DatetimeColumn(
                f"first inbound ({filters.tz})", format="YYYY-MM-DD HH:mm"
            ),
            "first_response_by_agent": st.column_config.CheckboxColumn("first reply theirs"),
            "first_outbound_s": st.column_config.TextColumn("first brand reply after"),
            "mood_sentiment": st.column_config.NumberColumn("mood", format="%.2f"),
        },
    )
    chosen_rows = picked["selection"]["rows"] if picked else []
    chosen = listed.row(
        chosen_rows[0] if chosen_rows and chosen_rows[0] < listed.height else 0, named=True
    )
    st.markdown(
        f"**Messages of {formatting.plain(chosen['conversation_id'])}** "
        f"({formatting.plain(chosen['brand'])}):"
    )
    ui_happiness.show_messages(chosen["brand"], chosen["conversation_id"], filters.tz)


def community_line(level: people.CommunityLevel) -> str:
    share = formatting.value(level.peer_share, "pct")
    ci = formatting.interval(level.peer_share_ci_low, level.peer_share_ci_high, "pct")
    return (
        f"**{formatting.plain(level.brand)}:** {level.conversations:,} community conversations, "
        f"{level.answered:,} answered; customers answered {level.peer_answered:,} of them "
        f"first ({share}" + (f", {ci}" if ci else "") + "), saving about "
        f"{formatting.hours(level.minutes_saved)} of staff time and "
        f"{level.cost_saved:,.2f} {formatting.plain(level.currency)}."
    )


def superfan_table(fans: pl.DataFrame) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "Brand": fans["brand"],
            "Superfan (pseudonym)": fans["peer"],
            "Answers": fans["answers"],
            "Answered first": fans["conversations_answered"],
            "Resolved": fans["resolved"],
            "Median first answer": _text(
                fans["median_first_response_s"].to_list(), formatting.duration
            ),
            "Share of community": _text(
                fans["community_share"].to_list(), lambda v: formatting.value(v, "pct")
            ),
            "Share 95% CI": _ci(fans, "community_share", "pct"),
            "Staff time saved": _text(fans["minutes_saved"].to_list(), formatting.hours),
            "Cost saved": [
                f"{c:,.2f} {cur}" for c, cur in fans.select("cost_saved", "currency").rows()
            ],
        }
    )
