"""Follower fairness (customer side): are customers with many followers served
better? Conversations are bucketed by the customer's follower count; per brand the
influencer premium (response rate, highest bucket / lowest) and the speed premium
(median first response, lowest bucket / highest) come with 95% intervals, for
display. The verdicts and flags come from the tests of dashboard/views/fairness_trend.py
(every conversation with a known follower count, Benjamini-Hochberg across the
table, a minimum effect).
The premiums' intervals are in dashboard/views/fairness_intervals.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.core.vocabulary import FOLLOWER_BUCKET_PHRASES, KNOWN_FOLLOWER_BUCKETS
from dashboard.data import sql
from dashboard.views import evidence, fairness_trend, intervals
from dashboard.views.fairness_intervals import (
    MIN_ANSWERED_FOR_INTERVAL,
    Ratio,
    influencer_ratio,
    speed_ratio,
)

# the premiums compare buckets of a known follower count ('unknown' never takes part)
PREMIUM_BUCKETS: tuple[str, ...] = KNOWN_FOLLOWER_BUCKETS
BUCKET_PHRASE: dict[str, str] = FOLLOWER_BUCKET_PHRASES
NO_CLEAR_DIFFERENCE = "no clear difference"


def buckets(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    by_channel: bool = False,
    with_medians: bool = True,
) -> pl.DataFrame:
    """Per brand (x entry channel) and follower bucket: n, response rate, median
    first response (null unless `with_medians`), within-target share and index;
    `enough` = n >= min n."""
    frame = intervals.with_intervals(
        sql.run(
            con,
            "fairness_by_bucket",
            **query_params(filters, config, split_channel=by_channel, with_medians=with_medians),
        ),
        config.weights,
        {"speed": "within_target_share"},
    )
    return frame.with_columns(
        (pl.col("median_first_response_s") / 60).alias("median_first_response_min"),
        (pl.col("conversations") >= config.min_n).alias("enough"),
    )


PREMIUM_SCHEMA: dict[str, type[pl.DataType]] = {
    "brand": pl.String,
    "channel": pl.String,
    "low_bucket": pl.String,
    "high_bucket": pl.String,
    "low_conversations": pl.Int64,
    "high_conversations": pl.Int64,
    "low_response_rate": pl.Float64,
    "high_response_rate": pl.Float64,
    "influencer_premium": pl.Float64,
    "influencer_ci_low": pl.Float64,
    "influencer_ci_high": pl.Float64,
    "low_median_first_response_s": pl.Float64,
    "high_median_first_response_s": pl.Float64,
    "speed_premium": pl.Float64,
    "speed_ci_low": pl.Float64,
    "speed_ci_high": pl.Float64,
    "note": pl.String,
}


def _compared_buckets(group: list[dict]) -> tuple[dict, dict] | None:
    """The lowest and highest follower buckets with n >= min n ('unknown' excluded)."""
    qualified = sorted(
        (r for r in group if r["enough"] and r["follower_bucket"] in PREMIUM_BUCKETS),
        key=lambda r: r["bucket_order"],
    )
    if len(qualified) < 2:
        return None
    return qualified[0], qualified[-1]


def _notes(low: dict, high: dict, influencer: Ratio, speed: Ratio) -> str | None:
    notes = []
    if influencer.value is None:
        notes.append(
            f"no influencer premium: no answered conversation with "
            f"{BUCKET_PHRASE[low['follower_bucket']]} (division by 0)"
        )
    for row in (low, high):
        if row["answered_n"] == 0:
            notes.append(
                f"no speed premium: no answered conversation with "
                f"{BUCKET_PHRASE[row['follower_bucket']]}"
            )
    if speed.value is not None and speed.low is None:
        notes.append(
            f"no speed interval: fewer than {MIN_ANSWERED_FOR_INTERVAL} answered "
            "conversations in a compared bucket"
        )
    return "; ".join(notes) or None


def premiums(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, by_channel: bool = False
) -> pl.DataFrame:
    """Per brand (x entry channel): the influencer and speed premiums with their 95%
    intervals (for display), the two tests on every conversation with a known follower
    count, their Benjamini-Hochberg q-values across the frame, the flags and verdicts
    (from the tests) and, where something is null, the reason in `note`."""
    # the medians of the compared buckets come from the sketch values fetched for the
    # bootstrap (the same median), so the bucket table need not compute them
    table = buckets(con, config, filters, by_channel, with_medians=False)
    return premiums_of(con, config, filters, table, by_channel)


@dataclass(frozen=True)
class FairnessTab:
    buckets: pl.DataFrame  # per brand (not split by channel), for the chart
    premiums: pl.DataFrame  # per brand, or brand x channel with by_channel
    table: pl.DataFrame  # the bucket table shown: per brand x channel with by_channel


def tab(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, by_channel: bool = False
) -> FairnessTab:
    """Everything the Fairness tab shows, with the bucket sums queried once per split."""
    table = buckets(con, config, filters, False)
    shown = buckets(con, config, filters, True) if by_channel else table
    return FairnessTab(table, premiums_of(con, config, filters, shown, by_channel), shown)


def premiums_of(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    filters: Filters,
    table: pl.DataFrame,
    by_channel: bool,
) -> pl.DataFrame:
    """The premiums from a bucket table (`buckets` with the same split)."""
    parts: dict[tuple[str, str], list[dict]] = {}
    for row in table.iter_rows(named=True):
        parts.setdefault((row["brand"], row["channel"]), []).append(row)
    chosen = {key: _compared_buckets(group) for key, group in parts.items()}
    wanted = [
        [b, ch, row["follower_bucket"]]
        for (b, ch), pair in chosen.items()
        if pair
        for row in pair
        if row["answered_n"] > 0
    ]
    times = _response_times(con, filters, by_channel, wanted)
    rows = []
    for (brand, channel), pair in chosen.items():
        if pair is None:
            rows.append(
                {
                    "brand": brand,
                    "channel": channel,
                    "note": f"no premiums: fewer than two follower buckets with at "
                    f"least {config.min_n} conversations",
                }
            )
            continue
        low, high = pair
        influencer = influencer_ratio(
            high["answered_n"], high["conversations"], low["answered_n"], low["conversations"]
        )
        empty = np.array([], dtype=float)
        samples = [times.get((brand, channel, r["follower_bucket"]), empty) for r in (low, high)]
        low["median_first_response_s"], high["median_first_response_s"] = (
            float(np.median(s)) if len(s) else None for s in samples
        )
        speed = speed_ratio(samples[0], samples[1], f"{brand}|{channel}")
        lb, hb = low["follower_bucket"], high["follower_bucket"]
        rows.append(
            {
                "brand": brand,
                "channel": channel,
                "low_bucket": lb,
                "high_bucket": hb,
                "low_conversations": low["conversations"],
                "high_conversations": high["conversations"],
                "low_response_rate": low["response_rate"],
                "high_response_rate": high["response_rate"],
                "influencer_premium": influencer.value,
                "influencer_ci_low": influencer.low,
                "influencer_ci_high": influencer.high,
                "low_median_first_response_s": low["median_first_response_s"],
                "high_median_first_response_s": high["median_first_response_s"],
                "speed_premium": speed.value,
                "speed_ci_low": speed.low,
                "speed_ci_high": speed.high,
                "note": _notes(low, high, influencer, speed),
            }
        )
    frame = pl.DataFrame(rows, schema=PREMIUM_SCHEMA)
    tests = fairness_trend.trend_tests(con, filters, config.min_n, by_channel)
    # every report row carries its group's conversations and the min-n flag (evidence)
    totals = table.group_by("brand", "channel").agg(
        pl.col("conversations").sum().cast(pl.Int64).alias("conversations")
    )
    verdicts = with_verdicts(frame, tests, config).join(totals, on=["brand", "channel"], how="left")
    return evidence.flag_below_min_n(verdicts, config.min_n)


def _response_times(
    con: duckdb.DuckDBPyConnection, filters: Filters, by_channel: bool, wanted: list[list[str]]
) -> dict[tuple[str, str, str], np.ndarray]:
    """Answered first-response times of the compared buckets, by (brand, channel, bucket),
    as the response-time sketch gives them: each bucket's reported value repeated by its
    count (each within the sketch's relative accuracy of the exact time, docs/METRICS.md
    "Percentiles"), so their median is the one the bucket table shows."""
    if not wanted:
        return {}
    frame = sql.run(
        con, "fairness_response_times", **filters.params(), groups=wanted, split_channel=by_channel
    )
    return {
        (brand, channel, bucket): np.repeat(
            np.asarray(values, dtype=float), np.asarray(counts, dtype=np.int64)
        )
        for brand, channel, bucket, values, counts in frame.iter_rows()
    }


def with_verdicts(frame: pl.DataFrame, tests: pl.DataFrame, config: Config) -> pl.DataFrame:
    """The premiums joined with the tests (adjusted together, flagged) and the verdicts."""
    joined = frame.join(tests, on=["brand", "channel"], how="left").with_columns(
        pl.col("tested_conversations", "tested_answered").fill_null(0)
    )
    joined = fairness_trend.adjusted(
        joined,
        config.fairness_fdr,
        config.fairness_min_odds_ratio,
        config.fairness_min_speed_factor,
    )
    rows = []
    for row in joined.iter_rows(named=True):
        notes = [n for n in (row["note"], row["test_note"]) if n]
        if row["tested_conversations"] == 0:
            notes.append("no test: no conversation with a known follower count")
        rows.append(
            {
                "influencer_verdict": influencer_verdict(row, config),
                "speed_verdict": speed_verdict(row, config),
                "note": "; ".join(notes) or None,
            }
        )
    verdicts = pl.DataFrame(
        rows,
        schema={"influencer_verdict": pl.String, "speed_verdict": pl.String, "note": pl.String},
    )
    return joined.drop("note").hstack(verdicts).select(OUTPUT_COLUMNS)


OUTPUT_COLUMNS: tuple[str, ...] = (
    *(c for c in PREMIUM_SCHEMA if c != "note"),
    "tested_conversations",
    "influencer_odds_ratio_per_10x",
    "influencer_or_ci_low",
    "influencer_or_ci_high",
    "influencer_p",
    "influencer_q",
    "influencer_flagged",
    "influencer_verdict",
    "tested_answered",
    "speed_factor_per_10x",
    "speed_factor_ci_low",
    "speed_factor_ci_high",
    "speed_p",
    "speed_q",
    "speed_flagged",
    "speed_verdict",
    "note",
)


def _where(brand: str, channel: str) -> str:
    return brand if channel == "all" else f"On {channel}, {brand}"


def _q(q: float) -> str:
    return "q < 0.001" if q < 0.001 else f"q = {q:.3f}"


def _unflagged(q: float, effect: float | None, fdr: float, minimum: float) -> str:
    """Why a test gives no verdict: not a discovery at the false-discovery rate, or
    an effect under the minimum."""
    if q > fdr or effect is None:
        return NO_CLEAR_DIFFERENCE
    return (
        f"{NO_CLEAR_DIFFERENCE}: {effect:.2f}x per tenfold followers is under the "
        f"minimum effect ({minimum:.2f}x either way)"
    )


def influencer_verdict(row: dict, config: Config) -> str | None:
    """The influencer test in words; None when there is no test (the note says why)."""
    if row["influencer_p"] is None:
        return None
    effect = row["influencer_odds_ratio_per_10x"]
    if not row["influencer_flagged"]:
        return _unflagged(
            row["influencer_q"], effect, config.fairness_fdr, config.fairness_min_odds_ratio
        )
    more = "more" if row["influencer_direction"] > 0 else "less"
    head = (
        f"{_where(row['brand'], row['channel'])} answers customers with more followers {more} often"
    )
    n = f"{row['tested_conversations']:,} conversations, {_q(row['influencer_q'])}"
    if effect is None:
        return f"{head}: their follower count separates answered from unanswered ({n})."
    return (
        f"{head}: each tenfold in followers multiplies the odds of an answer by "
        f"{effect:.2f} (95% CI {row['influencer_or_ci_low']:.2f}-"
        f"{row['influencer_or_ci_high']:.2f}; {n})."
    )


def speed_verdict(row: dict, config: Config) -> str | None:
    """The speed test in words; None when there is no test (the note says why)."""
    if row["speed_p"] is None:
        return None
    effect = row["speed_factor_per_10x"]
    if not row["speed_flagged"]:
        return _unflagged(
            row["speed_q"], effect, config.fairness_fdr, config.fairness_min_speed_factor
        )
    faster = "faster" if row["speed_direction"] > 0 else "slower"
    return (
        f"{_where(row['brand'], row['channel'])} answers customers with more followers "
        f"{faster}: each tenfold in followers makes the first response {effect:.2f}x as "
        f"fast (95% CI {row['speed_factor_ci_low']:.2f}-{row['speed_factor_ci_high']:.2f}; "
        f"{row['tested_answered']:,} answered conversations, {_q(row['speed_q'])})."
    )


def clear_verdicts(frame: pl.DataFrame) -> list[str]:
    """The verdicts of the flagged tests, smallest q-value first."""
    found = [
        (row[f"{kind}_q"], row[f"{kind}_verdict"])
        for row in frame.iter_rows(named=True)
        for kind in ("influencer", "speed")
        if row[f"{kind}_flagged"]
    ]
    return [verdict for _, verdict in sorted(found, key=lambda item: item[0])]


def method_sentence(frame: pl.DataFrame, config: Config) -> str:
    """How the verdicts were reached, with the numbers of this frame."""
    tests = int(frame["influencer_p"].is_not_null().sum() + frame["speed_p"].is_not_null().sum())
    return (
        f"Tested on all {int(frame['tested_conversations'].sum()):,} conversations with a "
        f"known follower count ({int(frame['tested_answered'].sum()):,} answered), within "
        "each entry channel: a logistic regression of answered on log10 followers "
        "(score test) and a regression of log first response on log10 followers (robust "
        f"standard error). Benjamini-Hochberg at {100 * config.fairness_fdr:g}% across the "
        f"{tests} tests in this table; a verdict also needs at least "
        f"{config.fairness_min_odds_ratio:.2f}x (odds of an answer) or "
        f"{config.fairness_min_speed_factor:.2f}x (speed) per tenfold followers, either way."
    )
