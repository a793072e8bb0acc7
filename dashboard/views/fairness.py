"""Follower fairness (customer side): are customers with many followers served
better? Conversations are bucketed by the customer's follower count; per brand the
influencer premium (response rate, highest bucket / lowest) and the speed premium
(median first response, lowest bucket / highest) come with 95% intervals, and a
plain-language verdict only where the interval excludes 1.0.

Intervals (docs/METRICS.md, "Follower fairness"):
- influencer premium, a ratio of two independent proportions: Katz log method,
  exp(ln RR +- 1.96 x sqrt(1/a - 1/n1 + 1/c - 1/n2)); when the highest bucket has
  no answered conversation, 0.5 is added to every cell (Haldane) for the interval.
- speed premium, a ratio of two medians: percentile bootstrap, 2,000 resamples with
  a fixed seed per brand (and channel). The median of a resample is drawn directly
  from its exact distribution (order statistics of uniforms, see
  `bootstrap_medians`), which equals resampling every answered conversation.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from dashboard.core import formatting
from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.core.vocabulary import FOLLOWER_BUCKET_PHRASES, KNOWN_FOLLOWER_BUCKETS
from dashboard.data import sql

# the premiums compare buckets of a known follower count ('unknown' never takes part)
PREMIUM_BUCKETS: tuple[str, ...] = KNOWN_FOLLOWER_BUCKETS
BUCKET_PHRASE: dict[str, str] = FOLLOWER_BUCKET_PHRASES
Z95 = 1.959963984540054
RESAMPLES = 2000
SEED = 20250303
MIN_ANSWERED_FOR_INTERVAL = 5  # fewer answered conversations give no speed interval
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
    frame = sql.run(
        con,
        "fairness_by_bucket",
        **query_params(filters, config, split_channel=by_channel, with_medians=with_medians),
    )
    return frame.with_columns(
        (pl.col("median_first_response_s") / 60).alias("median_first_response_min"),
        (pl.col("conversations") >= config.min_n).alias("enough"),
    )


@dataclass(frozen=True)
class Ratio:
    value: float | None
    low: float | None
    high: float | None

    @property
    def clear(self) -> bool:
        """The 95% interval excludes 1.0."""
        return (
            self.low is not None and self.high is not None and (self.low > 1.0 or self.high < 1.0)
        )


def influencer_ratio(high_answered: int, high_n: int, low_answered: int, low_n: int) -> Ratio:
    """Response rate of the high bucket / that of the low bucket, Katz interval."""
    if high_n == 0 or low_n == 0 or low_answered == 0:
        return Ratio(None, None, None)
    value = (high_answered / high_n) / (low_answered / low_n)
    a, n1, c, n2 = high_answered, high_n, low_answered, low_n
    if a == 0:  # Haldane: add 0.5 to every cell of the 2 x 2 table
        a, n1, c, n2 = a + 0.5, n1 + 1, c + 0.5, n2 + 1
    centre = math.log((a / n1) / (c / n2))
    se = math.sqrt(max(1 / a - 1 / n1 + 1 / c - 1 / n2, 0.0))
    return Ratio(value, math.exp(centre - Z95 * se), math.exp(centre + Z95 * se))


def bootstrap_medians(
    values: np.ndarray, rng: np.random.Generator, resamples: int = RESAMPLES
) -> np.ndarray:
    """Medians of `resamples` bootstrap resamples (n draws with replacement) of `values`.

    Drawing n indices uniformly from 1..n is ceil(n x U) for uniforms U; ceil is
    monotone, so the k-th smallest drawn index is ceil(n x U_(k)), and the k-th
    order statistic of n uniforms is Beta(k, n + 1 - k). The next one is
    U_(k) + (1 - U_(k)) x Beta(1, n - k). So each resample's median needs two
    draws, not n, whatever the size of the bucket."""
    ordered = np.sort(np.asarray(values, dtype=float))
    n = len(ordered)

    def pick(u: np.ndarray) -> np.ndarray:
        return ordered[np.clip(np.ceil(n * u).astype(np.int64), 1, n) - 1]

    k = (n + 1) // 2 if n % 2 else n // 2
    u_k = rng.beta(k, n + 1 - k, resamples)
    if n % 2:
        return pick(u_k)
    u_next = u_k + (1 - u_k) * rng.beta(1, n - k, resamples)
    return (pick(u_k) + pick(u_next)) / 2


def speed_ratio(low_times: np.ndarray, high_times: np.ndarray, seed_key: str) -> Ratio:
    """Median first response of the low bucket / that of the high bucket."""
    if len(low_times) == 0 or len(high_times) == 0:
        return Ratio(None, None, None)
    high_median = float(np.median(high_times))
    if high_median <= 0:
        return Ratio(None, None, None)
    value = float(np.median(low_times)) / high_median
    if min(len(low_times), len(high_times)) < MIN_ANSWERED_FOR_INTERVAL:
        return Ratio(value, None, None)
    rng = np.random.default_rng([SEED, zlib.crc32(seed_key.encode())])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = bootstrap_medians(low_times, rng) / bootstrap_medians(high_times, rng)
    low, high = np.quantile(ratios, [0.025, 0.975], method="inverted_cdf")
    return Ratio(value, *(float(b) if np.isfinite(b) else None for b in (low, high)))


def _where(brand: str, channel: str) -> str:
    return brand if channel == "all" else f"On {channel}, {brand}"


def influencer_verdict(brand: str, channel: str, low: str, high: str, r: Ratio) -> str | None:
    if r.value is None:
        return None
    if not r.clear:
        return NO_CLEAR_DIFFERENCE
    return (
        f"{_where(brand, channel)} answers customers with {BUCKET_PHRASE[high]} "
        f"{r.value:.2f}x as often (95% CI {r.low:.2f}-{r.high:.2f}) as those with "
        f"{BUCKET_PHRASE[low]}."
    )


def speed_verdict(
    brand: str,
    channel: str,
    low: str,
    high: str,
    r: Ratio,
    low_median: float | None,
    high_median: float | None,
) -> str | None:
    if r.value is None:
        return None
    if not r.clear:
        return NO_CLEAR_DIFFERENCE
    return (
        f"{_where(brand, channel)} answers customers with {BUCKET_PHRASE[high]} "
        f"{r.value:.2f}x as fast (95% CI {r.low:.2f}-{r.high:.2f}) as those with "
        f"{BUCKET_PHRASE[low]} (median first response "
        f"{formatting.duration(high_median)} against {formatting.duration(low_median)})."
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
    "influencer_verdict": pl.String,
    "low_median_first_response_s": pl.Float64,
    "high_median_first_response_s": pl.Float64,
    "speed_premium": pl.Float64,
    "speed_ci_low": pl.Float64,
    "speed_ci_high": pl.Float64,
    "speed_verdict": pl.String,
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
    """Influencer and speed premium per brand (x entry channel), with 95% intervals,
    verdicts and, where a premium is null, the reason in `note`."""
    # the medians of the compared buckets come from the times fetched for the
    # bootstrap (the same values), so the bucket table need not compute them
    table = buckets(con, config, filters, by_channel, with_medians=False)
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
                "influencer_verdict": influencer_verdict(brand, channel, lb, hb, influencer),
                "low_median_first_response_s": low["median_first_response_s"],
                "high_median_first_response_s": high["median_first_response_s"],
                "speed_premium": speed.value,
                "speed_ci_low": speed.low,
                "speed_ci_high": speed.high,
                "speed_verdict": speed_verdict(
                    brand,
                    channel,
                    lb,
                    hb,
                    speed,
                    low["median_first_response_s"],
                    high["median_first_response_s"],
                ),
                "note": _notes(low, high, influencer, speed),
            }
        )
    return pl.DataFrame(rows, schema=PREMIUM_SCHEMA)


def _response_times(
    con: duckdb.DuckDBPyConnection, filters: Filters, by_channel: bool, wanted: list[list[str]]
) -> dict[tuple[str, str, str], np.ndarray]:
    """Answered first-response times of the compared buckets, by (brand, channel, bucket)."""
    if not wanted:
        return {}
    frame = sql.run(
        con, "fairness_response_times", **filters.params(), groups=wanted, split_channel=by_channel
    )
    return {
        (brand, channel, bucket): np.asarray(times, dtype=float)
        for brand, channel, bucket, times in frame.iter_rows()
    }


def clear_verdicts(frame: pl.DataFrame) -> list[str]:
    """The verdicts whose interval excludes 1.0, strongest influencer premium first."""
    ordered = frame.sort("influencer_premium", descending=True, nulls_last=True)
    return [
        v
        for col in ("influencer_verdict", "speed_verdict")
        for v in ordered[col].to_list()
        if v and v != NO_CLEAR_DIFFERENCE
    ]
