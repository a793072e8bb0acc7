"""Fan action, not fan acquisition: engagement against follower count (brand side).

Per brand account (brand x channel) SQL gives the engagement rate
(queries/views/engagement_by_account.sql). Big accounts get a lower rate per follower on
every network, so a raw rate would punish size; instead, per channel, a robust
(Theil-Sen) line of ln(rate) on ln(followers) is fitted over every brand's account
(the peer set, not only the selected brands) and the fan-action index is
100 x rate / the rate that line expects for the account's size: 100 = par for its
size, under 50 = "hollow audience". The line is robust so that one giant account far
off it (a hollow audience with millions of followers) cannot tilt it and move every
other brand away from par, as least squares does. Rules: docs/METRICS.md,
"Engagement versus follower count".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from dashboard.core import formatting
from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.data import sql

HOLLOW_BELOW = 50.0  # fan-action index under which an audience is called hollow


@dataclass(frozen=True)
class SizeCurve:
    """ln(expected rate %) = intercept + slope x ln(followers): the Theil-Sen line of
    one channel's accounts."""

    channel: str
    accounts: int  # accounts the fit used (rate > 0)
    intercept: float | None
    slope: float | None
    followers_min: float | None  # range of the fitted accounts, for drawing the line
    followers_max: float | None
    note: str | None  # why the fit is undefined

    @property
    def defined(self) -> bool:
        return self.slope is not None

    def expected_rate_pct(self, followers: float) -> float | None:
        if self.intercept is None or self.slope is None or followers <= 0:
            return None
        return math.exp(self.intercept + self.slope * math.log(followers))

    def line(self, steps: int = 40) -> tuple[list[float], list[float]]:
        """Followers and expected rate along the fitted range (empty when undefined)."""
        if not self.defined or self.followers_min is None or self.followers_max is None:
            return [], []
        xs = np.geomspace(self.followers_min, self.followers_max, steps).tolist()
        return xs, [self.expected_rate_pct(x) or 0.0 for x in xs]


@dataclass(frozen=True)
class FanAction:
    accounts: pl.DataFrame  # one row per selected brand account (see ACCOUNT_COLUMNS)
    curves: tuple[SizeCurve, ...]  # one per channel present (all brands)

    @property
    def hollow(self) -> pl.DataFrame:
        """Selected accounts flagged as hollow audiences, lowest index first."""
        return self.accounts.filter(pl.col("hollow_audience")).sort("fan_action_index")


def theil_sen(x: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """(intercept, slope) of the Theil-Sen line of y on x, or None when every x is
    the same.

    Slope: the median of the slopes between every pair of points with different x
    (Sen 1968; pairs with the same x have no slope and are skipped). Intercept: the
    median of y - slope x, so the point with the median residual lies on the line
    (scipy.stats.theilslopes with method="joint" gives the same line). A point far
    off the line moves only its own n - 1 of the n (n - 1) / 2 pairwise slopes and
    one of the n residuals, so up to about 29% of the points can be arbitrarily far
    off before the line follows them; least squares follows a single one."""
    first, second = np.triu_indices(len(x), k=1)
    dx = x[second] - x[first]
    distinct = dx != 0
    if not distinct.any():
        return None
    slope = float(np.median((y[second] - y[first])[distinct] / dx[distinct]))
    intercept = float(np.median(y - slope * x))
    return intercept, slope


def fit_size_curve(channel: str, followers: list[float], rates: list[float | None]) -> SizeCurve:
    """Theil-Sen line of ln(rate) on ln(followers) over accounts with a positive
    rate (ln 0 is undefined, so accounts without engagements and without a rate stay
    out). Undefined with fewer than two such accounts or when they all have the same
    follower count."""
    pairs = [
        (f, r) for f, r in zip(followers, rates, strict=True) if r is not None and r > 0 and f > 0
    ]
    if len(pairs) < 2:
        return SizeCurve(
            channel,
            len(pairs),
            None,
            None,
            None,
            None,
            f"fit undefined: fewer than 2 {channel} accounts with engagements",
        )
    fit = theil_sen(np.log([f for f, _ in pairs]), np.log([r for _, r in pairs]))
    if fit is None:
        return SizeCurve(
            channel,
            len(pairs),
            None,
            None,
            None,
            None,
            f"fit undefined: every {channel} account has the same follower count",
        )
    intercept, slope = fit
    spread = [f for f, _ in pairs]
    return SizeCurve(channel, len(pairs), intercept, slope, min(spread), max(spread), None)


ACCOUNT_COLUMNS = (
    "brand",
    "channel",
    "followers",
    "posts",
    "engagements",
    "engagement_rate_pct",
    "expected_rate_pct",
    "fan_action_index",
    "hollow_audience",
    "conversations",
    "conversations_per_1k_followers",
    "note",
)


def _account_note(row: dict, curve: SizeCurve) -> str | None:
    if row["followers"] <= 0:
        return "no followers: rate undefined, left out of the fit"
    if row["posts"] <= 0:
        return "no posts: rate undefined"
    if not curve.defined:
        return curve.note
    if row["engagement_rate_pct"] == 0:
        return "no engagements: rate 0, left out of the fit"
    return None


def score_accounts(points: pl.DataFrame) -> FanAction:
    """Fit a size curve per channel over all rows of `points` (the SQL rows) and
    score the rows marked `selected`."""
    curves: dict[str, SizeCurve] = {}
    for channel in sorted(set(points["channel"].to_list())):
        rows = points.filter(pl.col("channel") == channel)
        curves[channel] = fit_size_curve(
            channel, rows["followers"].to_list(), rows["engagement_rate_pct"].to_list()
        )
    scored = []
    for row in points.filter(pl.col("selected")).iter_rows(named=True):
        curve = curves[row["channel"]]
        rate = row["engagement_rate_pct"]
        expected = curve.expected_rate_pct(row["followers"]) if rate is not None else None
        index = 100.0 * rate / expected if expected else None
        scored.append(
            {
                **{
                    k: row[k]
                    for k in (
                        "brand",
                        "channel",
                        "followers",
                        "posts",
                        "engagements",
                        "engagement_rate_pct",
                        "conversations",
                        "conversations_per_1k_followers",
                    )
                },
                "expected_rate_pct": expected,
                "fan_action_index": index,
                "hollow_audience": index is not None and index < HOLLOW_BELOW,
                "note": _account_note(row, curve),
            }
        )
    schema = {
        "brand": pl.String,
        "channel": pl.String,
        "followers": pl.Float64,
        "posts": pl.Int64,
        "engagements": pl.Int64,
        "engagement_rate_pct": pl.Float64,
        "expected_rate_pct": pl.Float64,
        "fan_action_index": pl.Float64,
        "hollow_audience": pl.Boolean,
        "conversations": pl.Int64,
        "conversations_per_1k_followers": pl.Float64,
        "note": pl.String,
    }
    accounts = pl.DataFrame(scored, schema=schema).select(ACCOUNT_COLUMNS)
    return FanAction(accounts, tuple(curves.values()))


def fan_action(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> FanAction:
    """Every selected brand account with its rate, expected rate and fan-action index.

    The curve of a channel is fitted over every brand in the data for these dates,
    so selecting one brand still compares it with its peers."""
    points = sql.run(con, "engagement_by_account", **filters.params())
    return score_accounts(points)


def hollow_summary(view: FanAction) -> list[str]:
    """One line per hollow audience, for the page: "Glitter Cosmetics on instagram: 15"."""
    return [
        f"**{formatting.plain(r['brand'])}** on {formatting.plain(r['channel'])}: "
        f"fan-action index {r['fan_action_index']:.0f} "
        f"({r['engagement_rate_pct']:.3f}% against {r['expected_rate_pct']:.3f}% expected "
        f"for {r['followers']:,.0f} followers)"
        for r in view.hollow.iter_rows(named=True)
    ]


def channels(view: FanAction) -> list[str]:
    """Channels with at least one selected account, for the chart's channel picker."""
    return sorted(set(view.accounts["channel"].to_list()))


def undefined_fits(view: FanAction) -> list[str]:
    return [c.note for c in view.curves if c.note is not None]


def selection_caption(filters: Filters) -> str:
    scope = ", ".join(filters.brands) if filters.brands else "all brands"
    chans = ", ".join(filters.channels) if filters.channels else "all channels"
    return (
        f"{filters.date_from:%d %b %Y} – {filters.date_to:%d %b %Y} ({filters.days} days, "
        f"{filters.tz}) · {scope} · {chans}"
    )
