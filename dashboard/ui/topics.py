"""The Topics page's Streamlit parts: the brand picker, the tables of terms and drivers
(every figure with its n) and the example messages of a term (private: a role that may
open drill-downs, access.DRILLDOWN; with sign-in on, each term's examples are recorded
in the audit log once per session before they are shown)."""

from __future__ import annotations

import dataclasses
from typing import Any

import polars as pl
import streamlit as st

from dashboard.core import access, formatting
from dashboard.core.filters import Filters
from dashboard.data.audit import AuditError
from dashboard.ui import access as ui_access
from dashboard.ui import shared as ui
from dashboard.views import topics

EXAMPLES_LIMIT = 20


def brand_filters(filters: Filters) -> Filters | None:
    """The selection narrowed to the one brand picked on the page (among the sidebar's
    brands, or every brand when none is chosen there); None without brands."""
    known = list(filters.brands) or ui.bounds().brands
    if not known:
        return None
    brand = st.selectbox("Brand", known, key="topics_brand", bind="query-params")
    return dataclasses.replace(filters, brands=(brand or known[0],))


def caption(filters: Filters) -> str:
    """The selection in one caption line: the picked brand against the other brands in
    the same channels and days (Markdown; names plain)."""
    brand = formatting.plain(filters.brands[0])
    chans = (
        ", ".join(map(formatting.plain, filters.channels)) if filters.channels else "all channels"
    )
    return (
        f"{filters.date_from:%d %b %Y} – {filters.date_to:%d %b %Y} ({filters.days} days, "
        f"{filters.tz}) · {chans} · {brand}'s customer messages against every other brand's"
    )


def term_table(rows: pl.DataFrame) -> pl.DataFrame:
    """The topics as people read them: the term, in how many messages, how much it
    stands out, the mean sentiment and its n ("no sentiment" without one)."""
    return rows.select(
        pl.col("term"),
        pl.col("count").alias("messages"),
        pl.col("score").round(1).alias("stands out (z)"),
        pl.col("mood").round(2).alias("mean sentiment"),
        pl.col("n_messages").alias("n (with a sentiment)"),
    )


def driver_table(rows: pl.DataFrame) -> pl.DataFrame:
    """The drivers with their n and 95 % interval as text."""
    interval = [
        "" if low is None or high is None else f"{low:+.2f} to {high:+.2f}"
        for low, high in rows.select("effect_low", "effect_high").iter_rows()
    ]
    return rows.select(
        pl.col("term"),
        pl.col("n"),
        pl.col("mood_with").round(2).alias("mean sentiment with"),
        pl.col("mood_without").round(2).alias("without"),
        pl.col("effect").round(2).alias("effect"),
    ).with_columns(pl.Series("95% interval", interval))


def lowering(rows: pl.DataFrame) -> pl.DataFrame:
    """The drivers whose presence lowers mood (effect below 0)."""
    return rows.filter(pl.col("effect") < 0)


def clicked_term(event: Any) -> str | None:
    """The term of the first bar selected on the chart, if any."""
    try:
        points = event["selection"]["points"]
        return str(points[0]["customdata"]) if points else None
    except (KeyError, IndexError, TypeError):
        return None


def examples(filters: Filters, brand: str, terms: list[str], event: Any) -> None:
    """Pick a term (or click its bar) and read the newest messages that contain it.
    Only for a role that may open drill-downs; recorded in the audit log first."""
    if not ui_access.require(access.DRILLDOWN, "Example messages"):
        return
    st.subheader("Example messages")
    st.caption("Private. Click a bar above, or pick a term here.")
    clicked = clicked_term(event)
    if clicked in terms and st.session_state.get("topics_clicked") != clicked:
        st.session_state["topics_clicked"] = clicked
        st.session_state["topics_term"] = clicked
    if st.session_state.get("topics_term") not in terms:
        st.session_state.pop("topics_term", None)
    term = st.selectbox("Term", terms, key="topics_term")
    if term is None:
        return
    try:
        ui_access.record_once("topic-examples", f"{brand}|{term}", brand=brand, term=term)
    except AuditError as exc:
        st.error(
            "Messages are shown only once their opening is recorded in the audit log, and "
            f"it cannot be written now ({exc}). Tell the dashboard's operator."
        )
        return
    rows, total = ui.load(topics.examples, filters, brand, term, EXAMPLES_LIMIT)
    shown = f"the newest {EXAMPLES_LIMIT}" if total > EXAMPLES_LIMIT else "all"
    st.caption(
        f"{total:,} messages contain “{term}”; showing {shown}, without @mentions, links "
        "and e-mail addresses."
    )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            "created_local": st.column_config.DatetimeColumn(
                f"created ({filters.tz})", format="YYYY-MM-DD HH:mm"
            ),
            "text": st.column_config.TextColumn(width="large"),
            "sentiment": st.column_config.NumberColumn(format="%.2f"),
        },
    )
