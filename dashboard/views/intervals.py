"""The 95 % intervals of every score (docs/METRICS.md, "Intervals"), from the additive
sums a view query returns (the `summed` / `scored` rows of queries/_macros.sql).

The point estimates come from SQL (`scored`); the intervals are computed here, on
the few rows a view returns, from the same sums, so the rollups stay exact and the
queries stay quick to plan (an interval is a long expression: in SQL it tripled the
planning time of every page query).

- Shares (Speed, Resolution, Effort, Satisfaction, response, drop and reopen rates):
  Wilson's score interval.
- Means (Mood, mean first response, sentiment lift): mean +- t(n - 1) s / sqrt(n).
- NPS: NPS +- t(n - 1) x 100 sqrt((p + d - (p - d)^2) / (n - 1)).
- The index: the delta method over the components' covariances, from the cross sums
  cov_<i>_<k>_*_sum of the daily rollup, with t(df), df the smallest D - 1 of the
  weighted components with data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
import polars as pl

from dashboard.core.vocabulary import (
    COMPONENT_PAIRS,
    COMPONENT_SUMS,
    COMPONENTS,
    Z95,
    cross_sums,
)

# t quantiles: exact for 1 and 2 degrees of freedom, else the Cornish-Fisher expansion
# of t in 1/df to the fourth term (3.179 at df 3 against 3.182 exact, 2.093 at 19)
_T_SMALL = {1: 12.706, 2: 4.303}
_T_TERMS = (
    (Z95**3 + Z95) / 4,
    (5 * Z95**5 + 16 * Z95**3 + 3 * Z95) / 96,
    (3 * Z95**7 + 19 * Z95**5 + 17 * Z95**3 - 15 * Z95) / 384,
    (79 * Z95**9 + 776 * Z95**7 + 1482 * Z95**5 - 1920 * Z95**3 - 945 * Z95) / 92160,
)

# share score -> (its count, its n)
SHARES: dict[str, tuple[str, str]] = {
    "response_rate": ("answered_n", "conversations_n"),
    "speed": ("within_target_n", "timed_n"),
    "resolution": ("resolved_n", "conversations_n"),
    "effort": ("effortless_n", "conversations_n"),
    "satisfaction": ("satisfied_n", "rated_n"),
    "drop_rate": ("dropped_n", "answered_n"),
    "reopen_rate": ("reopened_n", "marked_resolved_n"),
}
# mean score -> (sum, sum of squares, n, scale of the score per unit, lowest value)
MEANS: dict[str, tuple[str, str, str, float, float | None, float | None]] = {
    "mood": ("mood_sentiment_sum", "mood_sentiment_sq_sum", "mood_sentiment_n", 50.0, 0.0, 100.0),
    "mean_first_response_s": (
        "first_response_s_sum",
        "first_response_s_sq_sum",
        "first_response_n",
        1.0,
        0.0,
        None,
    ),
    "sentiment_lift": (
        "sentiment_lift_sum",
        "sentiment_lift_sq_sum",
        "sentiment_lift_n",
        50.0,
        None,
        None,
    ),
}


def t95(df: np.ndarray) -> np.ndarray:
    """Student's t two-sided 95 % quantile per degrees of freedom (nan under 1)."""
    df = np.asarray(df, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        series = Z95 + sum(c / df**k for k, c in enumerate(_T_TERMS, 1))
    out = np.where(df < 3, np.nan, series)
    out = np.where((df >= 2) & (df < 3), _T_SMALL[2], out)
    return np.where((df >= 1) & (df < 2), _T_SMALL[1], out)


def _wilson(k: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z2 = Z95**2
    p = k / n
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * np.sqrt(np.clip(p * (1 - p), 0, None) / n + z2 / (4 * n**2)) / (1 + z2 / n)
    ok = n > 0
    return np.where(ok, 100 * (centre - half), np.nan), np.where(ok, 100 * (centre + half), np.nan)


class Share(NamedTuple):
    """Shares 0-100 with their Wilson 95 % interval (nan where n is 0)."""

    value: np.ndarray
    low: np.ndarray
    high: np.ndarray


def shares(k: pl.Series | np.ndarray, n: pl.Series | np.ndarray) -> Share:
    """100 k / n with Wilson's score interval, per row (a share of no data is nan)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = _wilson(k, n)
        value = np.where(n > 0, 100 * k / n, np.nan)
    return Share(value, low, high)


def _mean_half(total: np.ndarray, squares: np.ndarray, n: np.ndarray) -> np.ndarray:
    variance = np.clip(squares - total**2 / n, 0, None) / (n - 1)
    return np.where(n >= 2, t95(n - 1) * np.sqrt(variance / n), np.nan)


def index_variance(
    col: Callable[[str], np.ndarray], weights: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """The delta-method variance of the index and its degrees of freedom over summed
    rows (`col(name)` gives a column as floats, nan for null; docs/METRICS.md,
    "Intervals")."""
    w, p, d = {}, {}, {}
    for c in COMPONENTS:
        t = COMPONENT_SUMS[c]
        d[c] = np.nan_to_num(col(t.d_sum))
        w[c] = np.where(d[c] > 0, float(weights[c]), 0.0)
        p[c] = col(t.y_sum) / d[c]
    total = np.zeros_like(d[COMPONENTS[0]])
    for c in COMPONENTS:
        t = COMPONENT_SUMS[c]
        squares = col(t.squares or t.y_sum)
        term = w[c] ** 2 * t.scale**2 * (squares - p[c] ** 2 * d[c]) / (d[c] * (d[c] - 1))
        total += np.nan_to_num(term, nan=0.0, posinf=0.0, neginf=0.0)
    for a, b in COMPONENT_PAIRS:
        sums = cross_sums(a, b)
        yy, yd, dy, dd = col(sums.yy), col(sums.yd), col(sums.dy), col(sums.dd)
        scale = 2 * COMPONENT_SUMS[a].scale * COMPONENT_SUMS[b].scale
        s = yy - p[b] * yd - p[a] * dy + p[a] * p[b] * dd
        term = scale * w[a] * w[b] * s / np.sqrt(d[a] * d[b] * (d[a] - 1) * (d[b] - 1))
        total += np.nan_to_num(term, nan=0.0, posinf=0.0, neginf=0.0)
    weight = sum(w[c] for c in COMPONENTS)
    n = np.nan_to_num(col("conversations_n"))
    variance = np.where(
        (n >= 2) & (weight > 0), total / np.where(weight > 0, weight, 1) ** 2, np.nan
    )
    dfs = np.stack([np.where((w[c] > 0) & (d[c] >= 1), d[c] - 1, np.inf) for c in COMPONENTS])
    df = dfs.min(axis=0)
    return variance, np.where(np.isinf(df), np.nan, df)


def with_intervals(
    frame: pl.DataFrame,
    weights: Mapping[str, float],
    aliases: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """The frame (summed + scored rows) with <score>_ci_low / _ci_high for every score
    it has the sums of; a score without data gets no interval (null, never a bound).
    A query may name conversations_n `conversations`; `aliases` maps a score's
    interval to another name too (e.g. {"speed": "within_target_share"})."""
    names = set(frame.columns)
    if "conversations_n" not in names and "conversations" in names:
        names.add("conversations_n")

    def col(name: str) -> np.ndarray:
        source = (
            "conversations" if name == "conversations_n" and name not in frame.columns else name
        )
        return frame[source].cast(pl.Float64).to_numpy().astype(float, copy=False)

    out: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for score, (k, n) in SHARES.items():
            if {score, k, n} <= names:
                out[f"{score}_ci_low"], out[f"{score}_ci_high"] = _wilson(col(k), col(n))
        for score, (total, squares, n, scale, lo, hi) in MEANS.items():
            if {score, total, squares, n} <= names:
                half = scale * _mean_half(col(total), col(squares), col(n))
                value = col(score)
                out[f"{score}_ci_low"] = np.clip(value - half, lo, hi)
                out[f"{score}_ci_high"] = np.clip(value + half, lo, hi)
        if {"nps", "promoters_n", "detractors_n", "nps_n"} <= names:
            n = col("nps_n")
            share_p, share_d = col("promoters_n") / n, col("detractors_n") / n
            var = 100.0**2 * (share_p + share_d - (share_p - share_d) ** 2) / (n - 1)
            half = np.where(n >= 2, t95(n - 1) * np.sqrt(np.clip(var, 0, None)), np.nan)
            out["nps_ci_low"] = np.clip(col("nps") - half, -100.0, 100.0)
            out["nps_ci_high"] = np.clip(col("nps") + half, -100.0, 100.0)
        if "happiness_index" in names and "cov_mood_speed_yy_sum" in names:
            variance, df = index_variance(col, weights)
            half = t95(df) * np.sqrt(np.clip(variance, 0, None))
            index = col("happiness_index")
            out["happiness_index_ci_low"] = np.clip(index - half, 0.0, 100.0)
            out["happiness_index_ci_high"] = np.clip(index + half, 0.0, 100.0)
    for score, name in (aliases or {}).items():
        if f"{score}_ci_low" in out:
            out[f"{name}_ci_low"] = out[f"{score}_ci_low"]
            out[f"{name}_ci_high"] = out[f"{score}_ci_high"]
    # nan (no data) -> null: an interval of no data stays empty
    return frame.with_columns(
        pl.Series(name, values, dtype=pl.Float64, nan_to_null=True) for name, values in out.items()
    )
