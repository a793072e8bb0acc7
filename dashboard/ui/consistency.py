"""Streamlit glue for the Channel consistency page: how its tables are labelled."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.core import formatting
from dashboard.core.config import Config


def brand_score_columns(config: Config) -> dict[str, Any]:
    """The per-brand consistency table."""
    return {
        "brand": "Brand",
        "channels": st.column_config.NumberColumn(
            "Channels compared", help=f"entry channels with at least {config.min_n} conversations"
        ),
        "consistency": st.column_config.ProgressColumn(
            "Consistency",
            min_value=0,
            max_value=100,
            format="%.1f",
            help="100 minus the mean spread (best - worst channel) of the five components; "
            "100 = every channel scores the same. Empty with fewer than two channels.",
        ),
        "weakest_channel": st.column_config.TextColumn(
            "Weakest channel", help="lowest index (ties: first channel name)"
        ),
        "gap": st.column_config.NumberColumn(
            "Gap (points)", format="%.1f", help="highest channel index - lowest"
        ),
        "best_channel": "Best channel",
        "alerts": st.column_config.NumberColumn(
            "Alerts",
            help=f"channels more than {config.alert_gap_points:g} points below "
            "the brand's best channel",
        ),
        "conversations": st.column_config.NumberColumn(
            "Conversations", format=formatting.COUNT_FORMAT
        ),
        "below_min_n": st.column_config.CheckboxColumn(
            "Under min n", help=f"fewer than {config.min_n} conversations: not enough data"
        ),
    }


def alert_columns() -> dict[str, Any]:
    """The channels more than the alert gap below their brand's best channel."""
    return {
        "brand": "Brand",
        "channel": "Channel",
        "happiness_index": st.column_config.NumberColumn("Index", format="%.1f"),
        "best_channel": "Best channel",
        "best_index": st.column_config.NumberColumn("Best index", format="%.1f"),
        "points_below_best": st.column_config.NumberColumn("Points below best", format="%.1f"),
        "conversations": st.column_config.NumberColumn("n", format=formatting.COUNT_FORMAT),
    }


def channel_columns() -> dict[str, Any]:
    """One brand's channels side by side."""
    return {
        "channel": "Channel",
        "conversations": st.column_config.NumberColumn("n", format=formatting.COUNT_FORMAT),
        "response_rate": st.column_config.NumberColumn("Answered", format="%.1f%%"),
        "median_first_response_s": st.column_config.TextColumn(
            "Median reply",
            help=f"median first response over answered conversations ({formatting.SKETCH_NOTE})",
        ),
        "p90_first_response_s": st.column_config.TextColumn(
            "P90 reply",
            help="90th-percentile first response over answered conversations "
            f"({formatting.SKETCH_NOTE})",
        ),
        "speed": st.column_config.NumberColumn("Within target", format="%.1f%%"),
        "resolution": st.column_config.NumberColumn("Resolved", format="%.1f%%"),
        "mood": st.column_config.NumberColumn("Mood", format="%.1f"),
        "effort": st.column_config.NumberColumn("Effortless", format="%.1f%%"),
        "satisfaction": st.column_config.NumberColumn(
            "Satisfied", format="%.1f%%", help="empty = no ratings"
        ),
        "happiness_index": st.column_config.NumberColumn("Index", format="%.1f"),
        "happiness_index_ci": st.column_config.TextColumn(
            "Index 95% CI", help="the index's 95 % interval (docs/METRICS.md, Intervals)"
        ),
        "points_below_best": st.column_config.NumberColumn(
            "Gap", format="%.1f", help="points below the best channel"
        ),
        "alert": st.column_config.CheckboxColumn("Alert"),
    }


def journey_columns() -> dict[str, Any]:
    """Switching channel, per brand."""
    return {
        "brand": "Brand",
        "switched_n": st.column_config.NumberColumn("Switched (n)", format=formatting.COUNT_FORMAT),
        "switched_pct": st.column_config.NumberColumn("Switched", format="%.1f%%"),
        "index_switched": st.column_config.NumberColumn("Index, switched", format="%.1f"),
        "single_n": st.column_config.NumberColumn(
            "Single channel (n)", format=formatting.COUNT_FORMAT
        ),
        "index_single": st.column_config.NumberColumn("Index, single", format="%.1f"),
        "difference": st.column_config.NumberColumn("Difference", format="%+.1f"),
    }
