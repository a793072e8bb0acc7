"""The overview's "Latest alerts" block: the selection's newest alerts with their n,
and (private mode, analyst role) the conversations behind one of them, through the
Happiness page's drill-down (the same query, the same audit of opened messages)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard.charts.overview import VALUE_FORMAT
from dashboard.core import access, formatting
from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.ui import access as ui_access
from dashboard.ui import happiness as ui_happiness
from dashboard.ui import shared as ui
from dashboard.views import alerts as alert_views
from dashboard.views import happiness

LATEST = 10  # alerts listed
DRILL_LIMIT = ui_happiness.DRILL_LIMIT
ARROWS = {"up": "▲", "down": "▼"}


def label(row: dict) -> str:
    """An alert in one line, for the picker (a selectbox shows its options as typed, as
    the Happiness drill-down's points)."""
    channel = "all channels" if row["channel"] is None else str(row["channel"])
    shown = VALUE_FORMAT.get(row["metric"], "{:.1f}")
    return (
        f"{row['day']:%Y-%m-%d} · {row['brand']} · {channel} · "
        f"{row['metric']} {ARROWS.get(row['direction'], '')} {shown.format(row['value'])} "
        f"(expected {shown.format(row['expected'])}, n={row['n']:,})"
    )


def _table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.head(LATEST).select(
        "day",
        "brand",
        pl.col("channel").fill_null("all channels"),
        "metric",
        pl.col("direction").replace_strict(ARROWS, default="").alias("move"),
        "value",
        "expected",
        "score",
        "n",
    )


def latest_alerts(frame: pl.DataFrame, filters: Filters, config: Config) -> None:
    """The block: the newest LATEST alerts of the selection, then the drill-down."""
    st.subheader("Latest alerts")
    st.caption(alert_views.method_note(config) + " Marked ◆ on the trend above.")
    if frame.is_empty():
        st.info(
            f"No alerts in this selection: no day broke its series' pattern "
            f"({filters.date_from:%d %b} – {filters.date_to:%d %b %Y})."
        )
        return
    shown = min(LATEST, frame.height)
    st.caption(
        f"{frame.height:,} alert{'s' * (frame.height != 1)} in the selection; the latest "
        f"{shown} below, newest first. n = the day's conversations (for mood, those with a mood)."
    )
    st.dataframe(
        _table(frame),
        hide_index=True,
        width="stretch",
        column_config={
            "day": st.column_config.DateColumn("day", format="YYYY-MM-DD"),
            "value": st.column_config.NumberColumn(format="%.1f"),
            "expected": st.column_config.NumberColumn(
                format="%.1f", help="the median of the same series' previous days"
            ),
            "score": st.column_config.NumberColumn(
                format="%+.1f", help="robust z: (value - expected) / (1.4826 × MAD)"
            ),
            "n": st.column_config.NumberColumn(format="%d"),
        },
    )
    if ui_access.require(access.DRILLDOWN, "The conversations behind an alert"):
        conversations_behind(frame.head(LATEST), filters)


def conversations_behind(frame: pl.DataFrame, filters: Filters) -> None:
    """Pick an alert, list the conversations of its day (brand, channel), read one."""
    rows = list(frame.iter_rows(named=True))
    labels = [label(r) for r in rows]
    picked = st.selectbox(
        "Conversations behind an alert",
        range(len(rows)),
        format_func=lambda i: labels[i],
        key="alert_drill",
        help="Private mode only: the conversations whose first customer message falls "
        "on the alert's day, for its brand and channel.",
    )
    row = rows[picked or 0]
    day: dt.date = row["day"]
    channels = (row["channel"],) if row["channel"] is not None else filters.channels
    scope = Filters(day, day, (row["brand"],), channels, filters.tz)
    point = happiness.DrillPoint(day, row["brand"], row["channel"], row["n"], None)
    conversations, total = ui.load(
        happiness.drilldown_conversations, scope, "day", point, DRILL_LIMIT
    )
    if total == 0:
        st.info("No conversations on this day: the alert is a drop in volume.")
        return
    conversation = ui_happiness.conversation_table(
        conversations, total, filters.tz, f"alert_rows|{labels[picked or 0]}"
    )
    if conversation is not None:
        st.markdown(f"**Messages of {formatting.plain(conversation['conversation_id'])}**")
        ui_happiness.show_messages(
            conversation["brand"], conversation["conversation_id"], filters.tz
        )
