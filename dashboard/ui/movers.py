"""The "Movers" block of the overview and of the public board: the groups whose index
rose or fell clearly against the previous period, with their n and the interval of
the change (dashboard/views/movers.py)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.core import formatting
from dashboard.core.filters import Filters
from dashboard.ui import exports
from dashboard.views import export_frames
from dashboard.views.movers import Mover, Movers

SHOWN = 5  # movers listed each way


def _frame(rows: tuple[Mover, ...], by_channel: bool) -> pl.DataFrame:
    data = [
        {
            "brand": m.brand,
            **({"channel": m.channel} if by_channel else {}),
            "change": m.change_points,
            "95% CI": formatting.interval_range(m.change_low, m.change_high, "points"),
            "index now": m.index_now,
            "before": m.index_before,
            "n now": m.n_now,
            "n before": m.n_before,
        }
        for m in rows[:SHOWN]
    ]
    schema = {
        "brand": pl.String,
        **({"channel": pl.String} if by_channel else {}),
        "change": pl.Float64,
        "95% CI": pl.String,
        "index now": pl.Float64,
        "before": pl.Float64,
        "n now": pl.Int64,
        "n before": pl.Int64,
    }
    return pl.DataFrame(data, schema=schema)


def movers_block(
    result: Movers | None, public: bool = False, filters: Filters | None = None
) -> None:
    """Up and down, biggest first, SHOWN each (and their CSV); or why there are none.
    `filters`: the selection they were found in, for the file name (default: their
    period)."""
    st.subheader("Movers")
    if result is None:
        st.info("No period to compare yet.")
        return
    what = "public brand" if public else ("brand × channel" if "channel" in result.by else "brand")
    st.caption(
        f"Index change, {result.date_from:%d %b} – {result.date_to:%d %b %Y} against "
        f"{result.prev_from:%d %b} – {result.prev_to:%d %b %Y}: only {what}s with at least "
        f"{result.min_n} conversations in both periods, and only where the 95% interval "
        f"of the change excludes 0 ({result.compared:,} compared)."
        + (" Figures rounded as on the board." if public else "")
    )
    if not result.up and not result.down:
        st.info("No clear mover: every change is within its 95% interval, or too thin to compare.")
        return
    config = {
        "change": st.column_config.NumberColumn(format="%+.1f", help="index points"),
        "95% CI": st.column_config.TextColumn(help="the 95% interval of the change"),
        "index now": st.column_config.NumberColumn(format="%.1f"),
        "before": st.column_config.NumberColumn(format="%.1f"),
        "n now": st.column_config.NumberColumn(format=formatting.COUNT_FORMAT),
        "n before": st.column_config.NumberColumn(format=formatting.COUNT_FORMAT),
    }
    by_channel = "channel" in result.by
    for title, rows in (("▲ Up", result.up), ("▼ Down", result.down)):
        more = f" (the largest {SHOWN} of {len(rows)})" if len(rows) > SHOWN else ""
        st.markdown(f"**{title}**{more}")
        if rows:
            st.dataframe(
                _frame(rows, by_channel), hide_index=True, width="stretch", column_config=config
            )
        else:
            st.caption("None.")
    exports.csv_button(
        export_frames.movers_frame(result, SHOWN),
        "board_movers" if public else "movers",
        filters or Filters(result.date_from, result.date_to),
    )
