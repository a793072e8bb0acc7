"""The 95% intervals of the follower-fairness premiums (docs/METRICS.md, "Follower
fairness"), for display beside the tests' verdicts:

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

import numpy as np

Z95 = 1.959963984540054
RESAMPLES = 2000
SEED = 20250303
MIN_ANSWERED_FOR_INTERVAL = 5  # fewer answered conversations give no speed interval


@dataclass(frozen=True)
class Ratio:
    value: float | None
    low: float | None
    high: float | None


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
