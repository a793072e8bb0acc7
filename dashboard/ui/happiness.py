"""Streamlit pieces of the Happiness page: the "How is this computed" panel and
the private drill-down (points -> conversations -> messages)."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from dashboard.charts.happiness import point_key
from dashboard.core import access, formatting
from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.core.vocabulary import LABELS
from dashboard.data.audit import AuditError
from dashboard.ui import access as ui_access
from dashboard.ui import shared as ui
from dashboard.views import happiness

# "Lines per" options -> the `by` of happiness.by_period. A bound widget writes the
# option's label into the URL (?by=channel), so the options are the labels.
BY_OPTIONS: dict[str, str] = {
    "brand": "brand",
    "channel": "channel",
    "brand × channel": "brand,channel",
}
DRILL_LIMIT = 200


def how_computed_panel(how: happiness.HowComputed, config: Config) -> None:
    st.markdown(
        "Each component is a 0-100 score computed from sums and counts of this "
        "selection's conversations; the index is their weighted mean, with the "
        "live weights of the configuration "
        f"(`{how.config_source}`, methodology {config.methodology_version})."
    )
    st.latex(how.formula_latex())
    st.latex(how.substituted_latex())
    table = pl.DataFrame(
        [
            {
                "Component": f"{LABELS[r.component]} ({r.symbol})",
                "Weight": r.weight,
                "Value": r.value,
                "95% CI": formatting.interval(r.ci_low, r.ci_high, "points"),
                "Based on": r.basis,
            }
            for r in how.rows
        ],
        schema={
            "Component": pl.String,
            "Weight": pl.Float64,
            "Value": pl.Float64,
            "95% CI": pl.String,
            "Based on": pl.String,
        },
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Weight": st.column_config.NumberColumn(format="%.2f"),
            "Value": st.column_config.NumberColumn(format="%.1f", help="empty = no data"),
        },
    )
    ci = how.index_ci
    interval = f" Index 95% CI {ci[0]:.1f}–{ci[1]:.1f}." if ci else ""
    st.markdown(
        f"**n = {how.conversations:,} conversations.**{interval} "
        f"Resolution uses {how.resolution_rule}"
        + (
            " (a flagged case counts only if it stayed resolved: the customer did not "
            "write again, not positively). "
            if config.resolution_rule == "stayed_resolved"
            else ". "
        )
        + f"Groups under {how.min_n} conversations are greyed. Speed targets: "
        + ", ".join(f"{c} {formatting.duration(s)}" for c, s in sorted(config.targets_s.items()))
        + ". Full definitions: docs/METRICS.md and the Methodology page."
    )


def _selected_key(event: Any) -> str | None:
    """The point key of the first point selected on the chart, if any."""
    try:
        points = event["selection"]["points"]
        return str(points[0]["customdata"][2]) if points else None
    except (KeyError, IndexError, TypeError):
        return None


def drilldown(frame: pl.DataFrame, filters: Filters, grain: str, event: Any) -> None:
    """Pick a point (or click one on the chart), list its conversations, read one.
    Only for a role that may (access.DRILLDOWN); each conversation whose messages are
    shown is recorded in the audit log once per session, with sign-in on."""
    if not ui_access.allows(access.DRILLDOWN):
        return
    st.subheader("Conversations behind a point")
    st.caption("Private mode only. Click a point on the chart above, or pick it here.")
    points = happiness.drill_points(frame)
    labels = {point_key(p.period_start, p.brand, p.channel): p.label for p in points}
    by_label = {p.label: p for p in points}
    clicked = _selected_key(event)
    if clicked in labels and st.session_state.get("drill_clicked") != clicked:
        st.session_state["drill_clicked"] = clicked
        st.session_state["drill_point"] = labels[clicked]
    if st.session_state.get("drill_point") not in by_label:
        st.session_state.pop("drill_point", None)
    label = st.selectbox("Point", list(by_label), key="drill_point")
    point = by_label[label]
    conversations, total = ui.load(
        happiness.drilldown_conversations, filters, grain, point, DRILL_LIMIT
    )
    if total == 0:
        st.info("No conversations behind this point.")
        return
    chosen = conversation_table(conversations, total, filters.tz, f"drill_rows|{label}")
    chosen = chosen or conversations.row(0, named=True)
    st.markdown(
        f"**Messages of {formatting.plain(chosen['conversation_id'])}** "
        f"({formatting.plain(chosen['brand'])}, entry channel "
        f"{formatting.plain(chosen['channel'])}), in the order the metrics read them:"
    )
    show_messages(chosen["brand"], chosen["conversation_id"], filters.tz)


def conversation_table(
    conversations: pl.DataFrame, total: int, tz: str, key: str
) -> dict[str, Any] | None:
    """The drill-down's table of conversations (happiness.drilldown_conversations), the
    one every drill-down shows: `total` said, a row selectable; the selected row or
    None."""
    shown = f"the newest {DRILL_LIMIT}" if total > DRILL_LIMIT else "all"
    st.caption(f"{total:,} conversations; showing {shown}. Select a row to read it.")
    picked = st.dataframe(
        conversations.select(
            "conversation_id",
            "brand",
            "channel",
            "first_inbound_local",
            "first_response",
            "answered",
            "within_target",
            "dropped",
            "resolved",
            "mood_sentiment",
            "csat",
        ),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        column_config={
            "first_inbound_local": st.column_config.DatetimeColumn(
                f"first inbound ({tz})", format="YYYY-MM-DD HH:mm"
            ),
            "first_response": st.column_config.TextColumn(
                "first response", help="time to the first brand reply; – when unanswered"
            ),
            "mood_sentiment": st.column_config.NumberColumn(
                "mood",
                format="%.2f",
                help="sentiment (-1..1) of the last customer message with one",
            ),
        },
    )
    rows = picked["selection"]["rows"] if picked else []
    return (
        conversations.row(rows[0], named=True) if rows and rows[0] < conversations.height else None
    )


def show_messages(brand: str, conversation_id: str, tz: str) -> None:
    """One conversation's messages (private drill-downs: Happiness, People). With
    sign-in on, their opening is recorded in the audit log first, once per session;
    when it cannot be, the messages are withheld."""
    try:
        ui_access.record_once(
            "message-text",
            f"{brand}|{conversation_id}",
            brand=brand,
            conversation_id=conversation_id,
        )
    except AuditError as exc:
        st.error(
            "The messages are shown only once their opening is recorded in the audit "
            f"log, and it cannot be written now ({exc}). Tell the dashboard's operator."
        )
        return
    messages = ui.load(happiness.conversation_messages, brand, conversation_id, tz)
    st.dataframe(
        messages.drop("interaction_id"),
        hide_index=True,
        width="stretch",
        column_config={
            "created_local": st.column_config.DatetimeColumn(
                f"created ({tz})", format="YYYY-MM-DD HH:mm:ss"
            ),
            "text": st.column_config.TextColumn(width="large"),
            "sentiment": st.column_config.NumberColumn(format="%.2f"),
        },
    )
