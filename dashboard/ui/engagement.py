"""Streamlit pieces of the Engagement & fairness page: the two sortable tables and
the verdict boxes (rendering only; every number comes from dashboard.engagement
and dashboard.fairness)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.core import formatting
from dashboard.core.filters import Filters
from dashboard.ui import exports
from dashboard.views import engagement, fairness

_NUM = st.column_config.NumberColumn


def fan_action_intro() -> None:
    st.markdown(
        "Big accounts earn fewer engagements per follower on every network, so a raw "
        "rate punishes size. The **fan-action index** compares each account's engagement "
        "rate with the rate expected for its follower count on that channel: a robust "
        "line through every brand's account that a single giant far off it cannot tilt. "
        f"**100 = par for its size**, under {engagement.HOLLOW_BELOW:.0f} = **hollow "
        "audience**, followers who do not act."
    )


def fan_action_caption(view: engagement.FanAction) -> None:
    notes = engagement.undefined_fits(view)
    st.caption(
        "The dotted line is each channel's expected rate for the size: a Theil-Sen line "
        "of ln rate on ln followers (its slope is the median of the slopes between every "
        "pair of accounts, and it passes through the median account), so a single giant "
        "account, hollow or not, does not move the par of the others. Both axes are "
        "logarithmic, so the line is straight; a point on it reads 100, and an account's "
        "height above or below it is its index. Pick a channel to label every brand; "
        "click a column header to sort. "
        + " ".join(f"{n.capitalize()}." for n in notes)  # channels: the fixed vocabulary
    )


def accounts_table(view: engagement.FanAction, filters: Filters | None = None) -> None:
    exports.table(
        view.accounts.sort("fan_action_index", nulls_last=True),
        "fan_action",
        filters,
        height=560,
        column_order=(
            "brand",
            "channel",
            "fan_action_index",
            "hollow_audience",
            "followers",
            "engagement_rate_pct",
            "expected_rate_pct",
            "conversations_per_1k_followers",
            "posts",
            "engagements",
            "note",
        ),
        column_config={
            "brand": "Brand",
            "channel": "Channel",
            "followers": _NUM(
                "Followers",
                format="compact",
                help="mean followers over the audience rows of the period",
            ),
            "engagement_rate_pct": _NUM(
                "Rate %", format="%.3f", help="100 × (engagements / posts) / mean followers"
            ),
            "expected_rate_pct": _NUM(
                "Expected %",
                format="%.3f",
                help="rate the channel's Theil-Sen line expects for these followers",
            ),
            "fan_action_index": _NUM(
                "Index",
                format="%.0f",
                help="fan-action index: 100 × rate / expected; 100 = par for the size",
            ),
            "hollow_audience": st.column_config.CheckboxColumn(
                "Hollow", help=f"fan-action index under {engagement.HOLLOW_BELOW:.0f}"
            ),
            "conversations_per_1k_followers": _NUM(
                "Conv. / 1k followers",
                format="%.2f",
                help="inbound conversations entering on this channel per 1,000 followers",
            ),
            "posts": _NUM("Posts", format="localized"),
            "engagements": _NUM(
                "Engagements", format="localized", help="likes + comments + shares"
            ),
            "note": "Note",
        },
    )


def verdict_box(frame: pl.DataFrame) -> None:
    clear = fairness.clear_verdicts(frame)
    if clear:
        st.warning(
            "**Flagged: customers with more followers are treated differently**\n\n"
            + "\n".join(f"- {formatting.plain(line)}" for line in clear)
        )
    else:
        st.success(
            "No brand is flagged: no test shows customers with more followers treated "
            "differently, after the correction for testing many brands, by at least the "
            "minimum effect."
        )


def premiums_table(frame: pl.DataFrame, by_channel: bool, filters: Filters | None = None) -> None:
    order = ["brand", "channel"] if by_channel else ["brand"]
    exports.table(
        frame.sort(["influencer_q", "speed_q"], nulls_last=True),
        "fairness_premiums",
        filters,
        extra={"split": "channel" if by_channel else ""},
        places=3,
        column_order=(
            *order,
            "influencer_flagged",
            "speed_flagged",
            "tested_conversations",
            "influencer_odds_ratio_per_10x",
            "influencer_q",
            "speed_factor_per_10x",
            "speed_q",
            "low_bucket",
            "high_bucket",
            "influencer_premium",
            "influencer_ci_low",
            "influencer_ci_high",
            "speed_premium",
            "speed_ci_low",
            "speed_ci_high",
            "low_conversations",
            "high_conversations",
            "influencer_verdict",
            "speed_verdict",
            "note",
        ),
        column_config={
            "brand": "Brand",
            "channel": "Entry channel",
            "influencer_flagged": st.column_config.CheckboxColumn(
                "Answers flagged",
                help="q-value within the false-discovery rate and odds "
                "ratio at least the minimum (either way)",
            ),
            "speed_flagged": st.column_config.CheckboxColumn(
                "Speed flagged",
                help="q-value within the false-discovery rate and speed "
                "factor at least the minimum (either way)",
            ),
            "tested_conversations": _NUM(
                "n tested", format="localized", help="conversations with a known follower count"
            ),
            "influencer_odds_ratio_per_10x": _NUM(
                "Odds of an answer ×/10x followers",
                format="%.2f",
                help="logistic regression within entry channel; 1.0 = equal",
            ),
            "influencer_q": _NUM(
                "q (answers)", format="%.4f", help="Benjamini-Hochberg adjusted p-value"
            ),
            "speed_factor_per_10x": _NUM(
                "Speed ×/10x followers",
                format="%.2f",
                help="regression of log first response within entry channel, answered "
                "conversations; 1.0 = equal, 1.25 = a tenfold audience is answered 1.25x as fast",
            ),
            "speed_q": _NUM("q (speed)", format="%.4f", help="Benjamini-Hochberg adjusted p-value"),
            "low_bucket": st.column_config.TextColumn(
                "Lowest", help="lowest follower bucket with n ≥ min n"
            ),
            "high_bucket": st.column_config.TextColumn(
                "Highest", help="highest follower bucket with n ≥ min n"
            ),
            "influencer_premium": _NUM(
                "Influencer premium",
                format="%.2f",
                help="response rate highest / lowest; 1.0 = equal",
            ),
            "influencer_ci_low": _NUM("95% CI low", format="%.2f", help="Katz log method"),
            "influencer_ci_high": _NUM("95% CI high", format="%.2f"),
            "speed_premium": _NUM(
                "Speed premium",
                format="%.2f",
                help="median first response lowest / highest; 1.0 = equal (medians "
                f"{formatting.SKETCH_NOTE}: the ratio within ±2 %)",
            ),
            "speed_ci_low": _NUM(
                "95% CI low ",
                format="%.2f",
                help="percentile bootstrap, 2,000 resamples, fixed seed",
            ),
            "speed_ci_high": _NUM("95% CI high ", format="%.2f"),
            "low_conversations": _NUM("n lowest", format="localized"),
            "high_conversations": _NUM("n highest", format="localized"),
            "influencer_verdict": "Response verdict",
            "speed_verdict": "Speed verdict",
            "note": "Note",
        },
    )


def buckets_table(
    frame: pl.DataFrame, by_channel: bool, min_n: int, filters: Filters | None = None
) -> None:
    order = ["brand", "channel"] if by_channel else ["brand"]
    exports.table(
        frame,
        "fairness_by_follower_bucket",
        filters,
        extra={"split": "channel" if by_channel else ""},
        column_order=(
            *order,
            "follower_bucket",
            "conversations",
            "enough",
            "response_rate",
            "median_first_response_min",
            "within_target_share",
            "happiness_index",
        ),
        column_config={
            "brand": "Brand",
            "channel": "Entry channel",
            "follower_bucket": "Followers",
            "conversations": _NUM("n", format="localized"),
            "enough": st.column_config.CheckboxColumn(f"n ≥ {min_n}"),
            "response_rate": _NUM("Response rate %", format="%.1f"),
            "median_first_response_min": _NUM(
                "Median first response (min)",
                format="%.1f",
                help=f"over answered conversations ({formatting.SKETCH_NOTE})",
            ),
            "within_target_share": _NUM("Within target %", format="%.1f"),
            "happiness_index": _NUM("Index", format="%.1f", help="Customer Happiness Index, 0-100"),
        },
    )
