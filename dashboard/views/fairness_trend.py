"""Follower fairness, the tests behind the verdicts (docs/METRICS.md, "Follower fairness").

Per brand (and entry channel when split), over every conversation with a known
follower count in the window, with x = log10(1 + followers):

- influencer test: a logistic regression of answered (0/1) on x with an intercept
  per entry channel. The p-value is the score test of slope 0 (the stratified
  Cochran-Armitage trend test: closed form, defined even when the follower count
  separates answered from unanswered); the effect is the maximum-likelihood odds
  ratio per tenfold followers, exp(beta), with its Wald 95% interval.
- speed test: least squares of ln(first response) on x within each entry channel,
  over the answered conversations; heteroscedasticity-robust (HC1) standard error,
  Wald z. The effect is the speed factor per tenfold followers, exp(-slope): 1.25 =
  a tenfold audience is answered 1.25x as fast.

Comparing within entry channel keeps a channel's norms (chat in minutes, email in
hours) from posing as a follower effect. The p-values of all tests in a view are
then adjusted together (Benjamini-Hochberg), and a test is flagged only when its
q-value is within the false-discovery rate and its effect reaches the minimum
(config [fairness]).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from dashboard.core.filters import Filters
from dashboard.data import sql

Z95 = 1.959963984540054
MAX_ITERATIONS = 100
# |slope| beyond this (an odds ratio of e^30 per tenfold followers) is taken as the
# follower count separating answered from unanswered: no finite estimate exists
SEPARATED_SLOPE = 30.0
# a sum of squared residuals under this share of the sum of squares is rounding error
ROUNDING = 1e-10


@dataclass(frozen=True)
class Fit:
    """One test's result; `effect` None = unbounded (separation), `direction` +1 =
    customers with more followers are served better (more often / faster)."""

    effect: float | None
    low: float | None
    high: float | None
    z: float
    p: float
    direction: int


def two_sided_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


def _informative(stratum: np.ndarray, x: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The cells of the strata that can say anything about a slope: `keep` per stratum
    (e.g. both outcomes present) and at least two different follower counts."""
    useful = np.zeros(len(x), dtype=bool)
    for s in np.unique(stratum):
        cells = stratum == s
        if keep[cells].all() and len(np.unique(x[cells])) > 1:
            useful |= cells
    return useful


def _centred(stratum: np.ndarray, x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """x minus its weighted mean within its stratum."""
    out = np.empty(len(x))
    for s in np.unique(stratum):
        cells = stratum == s
        out[cells] = x[cells] - np.average(x[cells], weights=weight[cells])
    return out


def influencer_test(
    stratum: np.ndarray, x: np.ndarray, n: np.ndarray, answered: np.ndarray
) -> Fit | None:
    """Answered on x = log10(1 + followers) with an intercept per stratum, from cells
    (stratum, x, n conversations, answered of them). None when no stratum has both
    answered and unanswered conversations at two different follower counts."""
    stratum, x = np.asarray(stratum), np.asarray(x, dtype=float)
    n, a = np.asarray(n, dtype=float), np.asarray(answered, dtype=float)
    totals = {s: (n[stratum == s].sum(), a[stratum == s].sum()) for s in np.unique(stratum)}
    mixed = np.array([0 < totals[s][1] < totals[s][0] for s in stratum], dtype=bool)
    use = _informative(stratum, x, mixed)
    if not use.any():
        return None
    stratum, x, n, a = stratum[use], x[use], n[use], a[use]
    d = _centred(stratum, x, n)
    # score test at slope 0: U = sum (x - mean_s x)(a - n ybar_s),
    # I = sum_s ybar_s (1 - ybar_s) sum n (x - mean_s x)^2
    ybar = np.array([totals[s][1] / totals[s][0] for s in stratum])
    score = float((d * (a - n * ybar)).sum())
    information = float((ybar * (1 - ybar) * n * d * d).sum())
    z = score / math.sqrt(information)
    direction = 1 if score > 0 else -1
    beta, se = _logistic_slope(stratum, d, n, a, ybar)
    if beta is None or se is None:
        return Fit(None, None, None, z, two_sided_p(z), direction)
    return Fit(
        math.exp(beta),
        math.exp(beta - Z95 * se),
        math.exp(beta + Z95 * se),
        z,
        two_sided_p(z),
        direction,
    )


def _logistic_slope(
    stratum: np.ndarray, d: np.ndarray, n: np.ndarray, a: np.ndarray, ybar: np.ndarray
) -> tuple[float | None, float | None]:
    """Maximum-likelihood slope and its standard error (Newton-Raphson on the grouped
    cells, step halving when the log-likelihood falls); (None, None) when it diverges
    (separation)."""
    levels, index = np.unique(stratum, return_inverse=True)
    design = np.column_stack([np.eye(len(levels))[index], d])
    theta = np.zeros(design.shape[1])
    first = np.unique(index, return_index=True)[1]  # a cell of each stratum
    theta[: len(levels)] = np.log(ybar[first] / (1 - ybar[first]))  # the fit at slope 0

    def loglik(t: np.ndarray) -> float:
        eta = design @ t
        return float((a * eta - n * np.logaddexp(0, eta)).sum())

    current = loglik(theta)
    for _ in range(MAX_ITERATIONS):
        p = 1 / (1 + np.exp(-(design @ theta)))
        hessian = design.T @ (design * (n * p * (1 - p))[:, None])
        try:
            step = np.linalg.solve(hessian, design.T @ (a - n * p))
        except np.linalg.LinAlgError:
            return None, None
        for _ in range(30):
            trial = loglik(theta + step)
            if trial >= current - 1e-12:
                break
            step = step / 2
        theta, current = theta + step, trial
        if abs(theta[-1]) > SEPARATED_SLOPE:
            return None, None
        if np.abs(step).max() < 1e-10:
            break
    else:
        return None, None
    p = 1 / (1 + np.exp(-(design @ theta)))
    hessian = design.T @ (design * (n * p * (1 - p))[:, None])
    try:
        variance = float(np.linalg.inv(hessian)[-1, -1])
    except np.linalg.LinAlgError:
        return None, None
    return float(theta[-1]), math.sqrt(variance)


def speed_test(
    stratum: np.ndarray,
    x: np.ndarray,
    answered: np.ndarray,
    log_sum: np.ndarray,
    log_sq_sum: np.ndarray,
) -> Fit | None:
    """ln(first response) on x within strata, from cells (stratum, x, answered
    conversations, sum and sum of squares of their ln first response). None when no
    stratum has answered conversations at two follower counts, when too few remain
    for the HC1 correction, or when the times leave no residual variation."""
    stratum, x = np.asarray(stratum), np.asarray(x, dtype=float)
    m = np.asarray(answered, dtype=float)
    sy, syy = np.asarray(log_sum, dtype=float), np.asarray(log_sq_sum, dtype=float)
    some = m > 0
    stratum, x, m, sy, syy = stratum[some], x[some], m[some], sy[some], syy[some]
    use = _informative(stratum, x, np.ones(len(x), dtype=bool))
    stratum, x, m, sy, syy = stratum[use], x[use], m[use], sy[use], syy[use]
    levels = np.unique(stratum)
    parameters = len(levels) + 1  # an intercept per stratum and the slope
    if len(levels) == 0 or m.sum() <= parameters:
        return None
    d = _centred(stratum, x, m)
    ybar = np.empty(len(x))
    for s in levels:
        cells = stratum == s
        ybar[cells] = sy[cells].sum() / m[cells].sum()
    sxx = float((m * d * d).sum())
    deviation = sy - m * ybar  # sum over a cell of (y - mean_s y)
    slope = float((d * deviation).sum()) / sxx
    # each cell's sum of squared residuals, from its sums: sum (y - ybar - slope d)^2
    squares = syy - 2 * ybar * sy + m * ybar * ybar
    residual = np.maximum(squares - 2 * slope * d * deviation + m * slope**2 * d * d, 0.0)
    # residuals within the rounding error of the sums (e.g. every reply took exactly
    # 5 minutes): no variation to estimate a standard error from
    if residual.sum() <= ROUNDING * syy.sum():
        return None
    hc0 = float((d * d * residual).sum()) / sxx**2
    variance = hc0 * m.sum() / (m.sum() - parameters)  # HC1: n / (n - parameters)
    se = math.sqrt(variance)
    z = slope / se
    return Fit(
        math.exp(-slope),
        math.exp(-slope - Z95 * se),
        math.exp(-slope + Z95 * se),
        z,
        two_sided_p(z),
        1 if slope < 0 else -1,
    )


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values): for the i-th smallest of m,
    min over j >= i of p_(j) x m / j, capped at 1. A test is a discovery at false-
    discovery rate alpha when its q-value is <= alpha."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        q[i] = running
    return q


def large_enough(effect: float | None, minimum: float) -> bool:
    """The effect (a ratio, 1 = none) is at least `minimum` either way: >= minimum or
    <= 1 / minimum. Unbounded (None: separation) counts as large enough."""
    if effect is None:
        return True
    return max(effect, 1 / effect) >= minimum


TREND_SCHEMA: dict[str, type[pl.DataType]] = {
    "brand": pl.String,
    "channel": pl.String,
    "tested_conversations": pl.Int64,
    "influencer_odds_ratio_per_10x": pl.Float64,
    "influencer_or_ci_low": pl.Float64,
    "influencer_or_ci_high": pl.Float64,
    "influencer_p": pl.Float64,
    "influencer_direction": pl.Int64,
    "tested_answered": pl.Int64,
    "speed_factor_per_10x": pl.Float64,
    "speed_factor_ci_low": pl.Float64,
    "speed_factor_ci_high": pl.Float64,
    "speed_p": pl.Float64,
    "speed_direction": pl.Int64,
    "test_note": pl.String,
}


def trend_tests(
    con: duckdb.DuckDBPyConnection, filters: Filters, min_n: int, by_channel: bool = False
) -> pl.DataFrame:
    """Both tests per brand (x entry channel), before the false-discovery adjustment;
    a test without enough data has a null p-value and its reason in `test_note`."""
    cells = sql.run(con, "fairness_trend_cells", **filters.params(), split_channel=by_channel)
    rows = []
    for (brand, channel), group in cells.group_by(["brand", "channel"], maintain_order=True):
        rows.append(_group_tests(str(brand), str(channel), group, min_n))
    return pl.DataFrame(rows, schema=TREND_SCHEMA)


def _group_tests(brand: str, channel: str, cells: pl.DataFrame, min_n: int) -> dict:
    stratum = cells["stratum"].to_numpy()
    x = cells["followers_log10"].to_numpy()
    n = int(cells["conversations_n"].sum())
    answered = int(cells["answered_n"].sum())
    notes = []
    influencer = speed = None
    if n < min_n:
        notes.append(
            f"not enough data for the tests: {n} conversations with a known follower "
            f"count (min n {min_n})"
        )
    else:
        influencer = influencer_test(
            stratum, x, cells["conversations_n"].to_numpy(), cells["answered_n"].to_numpy()
        )
        if influencer is None:
            notes.append(
                "no influencer test: no entry channel has answered and unanswered "
                "customers with different follower counts"
            )
        if answered < min_n:
            notes.append(
                f"not enough data for the speed test: {answered} answered conversations "
                f"with a known follower count (min n {min_n})"
            )
        else:
            speed = speed_test(
                stratum,
                x,
                cells["answered_n"].to_numpy(),
                cells["ln_first_response_s_sum"].to_numpy(),
                cells["ln_first_response_s_sq_sum"].to_numpy(),
            )
            if speed is None:
                notes.append(
                    "no speed test: no entry channel has answered customers with different "
                    "follower counts and varying first responses"
                )
    return {
        "brand": brand,
        "channel": channel,
        "tested_conversations": n,
        **_columns("influencer", ("odds_ratio_per_10x", "or_ci"), influencer),
        "tested_answered": answered,
        **_columns("speed", ("factor_per_10x", "factor_ci"), speed),
        "test_note": "; ".join(notes) or None,
    }


def _columns(prefix: str, names: tuple[str, str], fit: Fit | None) -> dict:
    effect, ci = names
    return {
        f"{prefix}_{effect}": fit.effect if fit else None,
        f"{prefix}_{ci}_low": fit.low if fit else None,
        f"{prefix}_{ci}_high": fit.high if fit else None,
        f"{prefix}_p": fit.p if fit else None,
        f"{prefix}_direction": fit.direction if fit else None,
    }


def adjusted(frame: pl.DataFrame, fdr: float, min_odds_ratio: float, min_speed_factor: float):
    """`frame` (trend_tests' columns) with the q-values of every test in it adjusted
    together (one family: all influencer and speed tests with a p-value) and the flags:
    q <= fdr and an effect at least the minimum either way."""
    tests = [(row, kind) for row in range(frame.height) for kind in ("influencer", "speed")]
    tests = [(row, kind) for row, kind in tests if frame[f"{kind}_p"][row] is not None]
    q = benjamini_hochberg([frame[f"{kind}_p"][row] for row, kind in tests])
    values: dict[str, list[float | None]] = {
        kind: [None] * frame.height for kind in ("influencer", "speed")
    }
    for (row, kind), value in zip(tests, q, strict=True):
        values[kind][row] = value
    minimum = {"influencer": min_odds_ratio, "speed": min_speed_factor}
    effect = {"influencer": "influencer_odds_ratio_per_10x", "speed": "speed_factor_per_10x"}
    flags = {
        kind: [
            values[kind][row] is not None
            and values[kind][row] <= fdr
            and large_enough(frame[effect[kind]][row], minimum[kind])
            for row in range(frame.height)
        ]
        for kind in ("influencer", "speed")
    }
    return frame.with_columns(
        pl.Series("influencer_q", values["influencer"], dtype=pl.Float64),
        pl.Series("influencer_flagged", flags["influencer"], dtype=pl.Boolean),
        pl.Series("speed_q", values["speed"], dtype=pl.Float64),
        pl.Series("speed_flagged", flags["speed"], dtype=pl.Boolean),
    )
