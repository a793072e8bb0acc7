"""Demo audience table: one row per brand x social channel x day of the year.

Engagement per post follows a clean power law of account size per channel,
rate(%) = A_channel x (followers / 100k) ^ -0.3, times a small fixed per-account
factor (sigma 0.15), so bigger accounts get a lower rate, as on real networks.
hollow_audience (Glitter Cosmetics) has millions of followers but its rate is set
so that the per-channel least-squares fit of log(rate) on log(followers) across
all brands (docs/METRICS.md, fan-action index) puts it at HOLLOW_PAR of par.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from dashboard.core.schema import AUDIENCE
from dashboard.demo.brands import AUDIENCE_CHANNELS, BRANDS, PLANTED, YEAR

HOLLOW_PAR = 0.15  # Glitter's engagement rate as a share of what its size predicts
SIZE_SLOPE = -0.3  # d log(rate) / d log(followers)
RATE_AT_100K = {
    "twitter": 0.08,
    "facebook": 0.20,
    "instagram": 1.2,
    "linkedin": 0.6,
    "youtube": 0.9,
}  # engagement rate (%) per post for a 100k account
POSTS_PER_DAY = {"twitter": 3.0, "facebook": 1.2, "instagram": 1.0, "linkedin": 0.5, "youtube": 0.2}
# How engagements split into likes, comments and shares on each network.
SPLIT = {
    "twitter": (0.75, 0.10, 0.15),
    "facebook": (0.80, 0.08, 0.12),
    "instagram": (0.90, 0.08, 0.02),
    "linkedin": (0.85, 0.08, 0.07),
    "youtube": (0.90, 0.08, 0.02),
}
# Reach is not reported by the twitter API, nor reach and impressions by youtube's.
NO_REACH = {"twitter", "youtube"}
NO_IMPRESSIONS = {"youtube"}
# Account-level structure (growth, size noise) is fixed, not drawn from --seed, so
# the planted effect and the brands' positions are the same in every demo.
STRUCTURE_SEED = 20250101


def _growth(day: np.ndarray, g: float, followers: int) -> np.ndarray:
    """Expected followers on each day: steady yearly growth g."""
    return followers * np.exp(g * day / 365.0)


def account_rates() -> dict[tuple[str, str], tuple[float, float, float]]:
    """(brand, channel) -> (engagement rate %, yearly growth, posting factor)."""
    structure = np.random.default_rng(STRUCTURE_SEED)
    days = np.arange(365)
    accounts: dict[tuple[str, str], tuple[float, float, float]] = {}
    for brand in BRANDS:
        for channel in AUDIENCE_CHANNELS:
            if channel not in brand.audience:
                continue
            g = 0.12 if brand.name == PLANTED["hollow_audience"] else structure.uniform(0.03, 0.25)
            mean_f = _growth(days, g, brand.audience[channel]).mean()
            rate = (
                RATE_AT_100K[channel]
                * (mean_f / 1e5) ** SIZE_SLOPE
                * np.exp(0.15 * structure.standard_normal())
            )
            accounts[(brand.name, channel)] = (rate, g, structure.uniform(0.6, 1.6))
    for channel in AUDIENCE_CHANNELS:
        _plant_hollow(accounts, channel)
    return accounts


def _plant_hollow(
    accounts: dict[tuple[str, str], tuple[float, float, float]], channel: str
) -> None:
    """Set Glitter's rate on `channel` so that its residual from the fit over all
    brands (Glitter included) is log(HOLLOW_PAR). With leverage h, the residual of
    a point is (1 - h) x its distance from the fit without it."""
    glitter = next(b for b in BRANDS if b.name == PLANTED["hollow_audience"])
    if channel not in glitter.audience:
        return
    days = np.arange(365)
    others = [(k, v) for k, v in accounts.items() if k[1] == channel and k[0] != glitter.name]
    x = np.array(
        [
            np.log(
                _growth(
                    days, v[1], next(b for b in BRANDS if b.name == k[0]).audience[channel]
                ).mean()
            )
            for k, v in others
        ]
    )
    y = np.log([v[0] for _, v in others])
    _, g, posting = accounts[(glitter.name, channel)]
    x_g = np.log(_growth(days, g, glitter.audience[channel]).mean())
    slope, intercept = np.polyfit(x, y, 1)
    xs = np.r_[x, x_g]
    leverage = 1 / len(xs) + (x_g - xs.mean()) ** 2 / ((xs - xs.mean()) ** 2).sum()
    y_g = intercept + slope * x_g + np.log(HOLLOW_PAR) / (1 - leverage)
    accounts[(glitter.name, channel)] = (float(np.exp(y_g)), g, posting)


def audience_table(seed: int) -> pa.Table:
    """The whole year's audience rows; daily noise comes from `seed`."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    start = dt.date(YEAR, 1, 1)
    n_days = (dt.date(YEAR + 1, 1, 1) - start).days
    days = np.arange(n_days)
    dates = np.datetime64(start.isoformat()) + days.astype("timedelta64[D]")
    frames: list[dict[str, np.ndarray | list]] = []
    for (name, channel), (rate, g, posting) in account_rates().items():
        brand = next(b for b in BRANDS if b.name == name)
        # slowly growing followers with a little day-to-day wobble (unfollows happen)
        wobble = np.exp(rng.normal(0, 0.002, n_days))
        followers = np.rint(_growth(days, g, brand.audience[channel]) * wobble).astype(np.int64)
        posts = rng.poisson(POSTS_PER_DAY[channel] * posting, n_days)
        # engagements per post ~ rate% of followers; daily noise has mean 1
        lam = posts * rate / 100 * followers * np.exp(rng.normal(-0.03, 0.25, n_days))
        like_s, comment_s, share_s = SPLIT[channel]
        reach = np.rint(
            followers * np.maximum(posts, 0.1) * 0.08 * np.exp(rng.normal(0, 0.3, n_days))
        ).astype(np.int64)
        impressions = np.rint(reach * rng.uniform(1.3, 2.0, n_days)).astype(np.int64)
        frames.append(
            {
                "brand": [name] * n_days,
                "channel": [channel] * n_days,
                "date": dates,
                "followers": followers,
                "posts": posts.astype(np.int64),
                "likes": rng.poisson(lam * like_s),
                "comments": rng.poisson(lam * comment_s),
                "shares": rng.poisson(lam * share_s),
                "reach": pa.nulls(n_days, pa.int64()) if channel in NO_REACH else reach,
                "impressions": (
                    pa.nulls(n_days, pa.int64()) if channel in NO_IMPRESSIONS else impressions
                ),
            }
        )
    tables = [
        pa.table(
            {
                k: (v if isinstance(v, pa.Array) else pa.array(v, f.type))
                for (k, v), f in zip(frame.items(), AUDIENCE, strict=True)
            },
            schema=AUDIENCE,
        )
        for frame in frames
    ]
    return pa.concat_tables(tables)
