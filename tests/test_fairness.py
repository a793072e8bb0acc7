"""Follower fairness: buckets by customer follower count, influencer and speed
premiums with 95% intervals, the worked example's tests and verdicts (docs/METRICS.md,
Follower fairness; the tests themselves in tests/test_fairness_trend.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.cli import main
from dashboard.core.filters import Filters
from dashboard.views import fairness, fairness_intervals
from tests.conftest import at, message, write_rows

WEEK = Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 9))


def conversations(
    prefix: str,
    n: int,
    followers: int | None,
    reply_min: float | None = None,
    answered: int | None = None,
    **columns,
) -> list[dict]:
    """`n` one-question conversations from customers with `followers`; the first
    `answered` (default all, when reply_min is given) get a reply after reply_min."""
    answered = (n if reply_min is not None else 0) if answered is None else answered
    rows = []
    for i in range(n):
        cid = f"{prefix}{i}"
        rows.append(message(cid, "inbound", at(i), author_followers=followers, **columns))
        if i < answered:
            rows.append(message(cid, "outbound", at(i + reply_min), **columns))
    return rows


def worked_example() -> list[dict]:
    """Acme on twitter, the worked example of docs/METRICS.md (Engagement versus follower count)."""
    return (
        conversations("s", 10, 50, reply_min=30)  # <100: 10 answered in 30 min,
        + conversations("t", 10, 99, reply_min=50)  # 10 in 50 min,
        + conversations("u", 20, 0)  # 20 never: 40 conversations, 20 answered
        + conversations("m", 10, 500, reply_min=10)  # 100-1k: 10, under the min n
        + conversations("b", 20, 250_000, reply_min=8, answered=18)  # >=100k: 18 of 20
        + conversations("x", 5, None)  # unknown: 5, never answered
    )


def by_bucket(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["follower_bucket"]: r for r in frame.iter_rows(named=True)}


def test_worked_example_bucket_table(make_db, config):
    rows = by_bucket(fairness.buckets(make_db(worked_example()), config, WEEK))
    assert list(rows) == ["<100", "100-1k", "1k-10k", "10k-100k", ">=100k", "unknown"]
    low = rows["<100"]
    assert (low["conversations"], low["response_rate"]) == (40, 50.0)  # 20 of 40
    # (30 + 50) / 2 min over answered only, from the sketch: within +-1 %
    assert low["median_first_response_s"] == pytest.approx(2400.0, rel=0.01)
    assert low["within_target_share"] == 50.0
    # (0.2 x 50 speed + 0.2 x 50 resolution + 0.1 x 100 effort) / 0.5
    assert low["happiness_index"] == pytest.approx(60.0)
    high = rows[">=100k"]
    assert (high["conversations"], high["response_rate"]) == (20, 90.0)
    assert high["median_first_response_s"] == pytest.approx(480.0, rel=0.01)
    assert high["happiness_index"] == pytest.approx(92.0)  # (18 + 18 + 10) / 0.5
    assert rows["100-1k"]["enough"] is False  # 10 < min n 20
    assert rows["unknown"]["conversations"] == 5
    assert rows["unknown"]["median_first_response_s"] is None
    assert rows["unknown"]["happiness_index"] == pytest.approx(20.0)  # (0 + 0 + 0.1 x 100) / 0.5


def test_empty_buckets_are_listed_with_no_rates(make_db, config):
    rows = by_bucket(fairness.buckets(make_db(worked_example()), config, WEEK))
    for bucket in ("1k-10k", "10k-100k"):
        assert rows[bucket]["conversations"] == 0
        assert rows[bucket]["response_rate"] is None
        assert rows[bucket]["median_first_response_s"] is None
        assert rows[bucket]["happiness_index"] is None


def test_worked_example_premiums_and_verdicts(make_db, config):
    row = fairness.premiums(make_db(worked_example()), config, WEEK).row(0, named=True)
    assert (row["low_bucket"], row["high_bucket"]) == ("<100", ">=100k")  # 100-1k: n 10
    assert row["influencer_premium"] == pytest.approx(1.8)  # 0.90 / 0.50
    # Katz: se = sqrt(1/18 - 1/20 + 1/20 - 1/40); exp(ln 1.8 -+ 1.96 se)
    se = math.sqrt(1 / 18 - 1 / 20 + 1 / 20 - 1 / 40)
    assert row["influencer_ci_low"] == pytest.approx(1.8 * math.exp(-1.959964 * se))
    assert row["influencer_ci_high"] == pytest.approx(1.8 * math.exp(1.959964 * se))
    assert (round(row["influencer_ci_low"], 2), round(row["influencer_ci_high"], 2)) == (1.28, 2.54)
    # 40 min / 8 min; a ratio of two sketch medians, each within alpha = 1 %, is within
    # a factor gamma = 1.01 / 0.99 = 1.0202 of the exact ratio
    gamma = 1.01 / 0.99
    assert row["speed_premium"] == pytest.approx(5.0, rel=gamma - 1)
    # resample medians of <100 are 30, 40 or 50 min (41%, 18%, 41%); >=100k always 8 min
    assert row["speed_ci_low"] == pytest.approx(30 / 8, rel=gamma - 1)
    assert row["speed_ci_high"] == pytest.approx(50 / 8, rel=gamma - 1)
    assert row["note"] is None


def test_worked_example_tests_and_flags(make_db, config):
    row = fairness.premiums(make_db(worked_example()), config, WEEK).row(0, named=True)
    # cells (x = log10(1 + followers) to 0.1): 0.0 (20, none answered), 1.7 (10 of 10),
    # 2.0 (10 of 10), 2.7 (10 of 10), 5.4 (18 of 20); unknown (5) not tested
    assert (row["tested_conversations"], row["tested_answered"]) == (70, 48)
    # score test, ybar = 48/70: U = sum x (a - n ybar) = 6.4 x 22/7 + 5.4 x 30/7 = 302.8/7;
    # Sxx = sum n x^2 - (sum n x)^2 / n = 725 - 172^2/70 = 302.371;
    # I = (48/70)(22/70) x 302.371 = 65.164; z = 43.257 / 8.0724 = 5.3587
    z = (302.8 / 7) / math.sqrt(48 * 22 / 70**2 * (725 - 172**2 / 70))
    assert row["influencer_p"] == pytest.approx(math.erfc(z / math.sqrt(2)))  # 8.4e-8
    # the maximum-likelihood slope solves sum (a - n p) = 0 and sum x (a - n p) = 0
    beta = math.log(row["influencer_odds_ratio_per_10x"])
    cells = [(0.0, 20, 0), (1.7, 10, 10), (2.0, 10, 10), (2.7, 10, 10), (5.4, 20, 18)]

    def score_in_alpha(alpha: float) -> float:
        return sum(a - n / (1 + math.exp(-alpha - beta * x)) for x, n, a in cells)

    low, high = -20.0, 20.0  # the intercept that solves the first equation (bisection)
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if score_in_alpha(mid) > 0 else (low, mid)
    slope_score = sum(x * (a - n / (1 + math.exp(-low - beta * x))) for x, n, a in cells)
    assert abs(slope_score) < 1e-6
    assert round(row["influencer_odds_ratio_per_10x"], 2) == 4.44
    # speed: ln first response on x over the 48 answered, one entry channel: mean x =
    # 161.2 / 48 = 3.3583, Sxx = 666.68 - 161.2^2 / 48 = 125.317, slope = Sxy / Sxx
    # = -48.2807 / 125.317 = -0.38527 -> speed factor e^0.38527 = 1.470 per tenfold
    x = [1.7] * 10 + [2.0] * 10 + [2.7] * 10 + [5.4] * 18
    y = [math.log(s) for s in [1800] * 10 + [3000] * 10 + [600] * 10 + [480] * 18]
    mx, my = sum(x) / 48, sum(y) / 48
    sxx = sum((v - mx) ** 2 for v in x)
    slope = sum((v - mx) * (w - my) for v, w in zip(x, y, strict=True)) / sxx
    assert row["speed_factor_per_10x"] == pytest.approx(math.exp(-slope))
    assert round(row["speed_factor_per_10x"], 3) == 1.470
    # HC1: sum (x - mean)^2 e^2 / Sxx^2 x 48 / 46
    hc1 = (
        sum((v - mx) ** 2 * (w - my - slope * (v - mx)) ** 2 for v, w in zip(x, y, strict=True))
        / sxx**2
        * 48
        / 46
    )
    assert row["speed_p"] == pytest.approx(
        math.erfc(abs(slope) / math.sqrt(hc1) / math.sqrt(2)), rel=1e-6
    )
    # a family of 2: speed p (2e-52) first, q = p x 2 / 1; the influencer's q = p x 2 / 2
    assert row["speed_q"] == pytest.approx(2 * row["speed_p"])
    assert row["influencer_q"] == pytest.approx(row["influencer_p"])
    assert (row["influencer_flagged"], row["speed_flagged"]) == (True, True)
    assert row["influencer_verdict"] == (
        "Acme answers customers with more followers more often: each tenfold in followers "
        "multiplies the odds of an answer by 4.44 (95% CI 2.20-8.95; 70 conversations, "
        "q < 0.001)."
    )
    assert row["speed_verdict"] == (
        "Acme answers customers with more followers faster: each tenfold in followers "
        "makes the first response 1.47x as fast (95% CI 1.40-1.54; 48 answered "
        "conversations, q < 0.001)."
    )
    # speed first: its q is the smaller
    assert fairness.clear_verdicts(fairness.premiums(make_db(worked_example()), config, WEEK)) == [
        row["speed_verdict"],
        row["influencer_verdict"],
    ]


def test_premiums_are_deterministic(make_db, config):
    con = make_db(worked_example())
    assert fairness.premiums(con, config, WEEK).equals(fairness.premiums(con, config, WEEK))


def test_unknown_followers_are_never_compared(make_db, config):
    # unknown is the biggest and best-served bucket, but only <100 and 1k-10k compete
    rows = (
        conversations("a", 20, 10, reply_min=5, answered=10)
        + conversations("b", 20, 5_000, reply_min=5, answered=10)
        + conversations("c", 50, None, reply_min=1)
    )
    row = fairness.premiums(make_db(rows), config, WEEK).row(0, named=True)
    assert (row["low_bucket"], row["high_bucket"]) == ("<100", "1k-10k")
    assert row["influencer_premium"] == pytest.approx(1.0)
    assert row["tested_conversations"] == 40  # the 50 unknown are not tested either
    assert row["influencer_p"] == pytest.approx(1.0)  # 10 of 20 answered in both: U = 0
    assert row["influencer_verdict"] == fairness.NO_CLEAR_DIFFERENCE
    # every reply took 5 minutes: nothing for the speed test to compare
    assert row["speed_verdict"] is None and "no speed test" in row["note"]


def test_fewer_than_two_qualifying_buckets_give_no_premium_and_say_why(make_db, config):
    rows = conversations("a", 30, 10, reply_min=5) + conversations("b", 19, 50_000, reply_min=5)
    row = fairness.premiums(make_db(rows), config, WEEK).row(0, named=True)
    assert row["influencer_premium"] is None and row["speed_premium"] is None
    assert row["influencer_verdict"] is None
    assert row["note"].startswith(
        "no premiums: fewer than two follower buckets with at least 20 conversations; "
    )


def test_unanswered_lowest_bucket_gives_no_influencer_premium(make_db, config):
    rows = conversations("a", 20, 10) + conversations("b", 20, 50_000, reply_min=5)
    row = fairness.premiums(make_db(rows), config, WEEK).row(0, named=True)
    assert row["influencer_premium"] is None
    assert row["speed_premium"] is None
    assert "division by 0" in row["note"]
    assert "no answered conversation with fewer than 100 followers" in row["note"]


def test_unanswered_highest_bucket_is_a_premium_of_zero_with_haldane_interval(make_db, config):
    rows = conversations("a", 20, 10, reply_min=5) + conversations("b", 20, 50_000)
    row = fairness.premiums(make_db(rows), config, WEEK).row(0, named=True)
    assert row["influencer_premium"] == 0.0
    # 0.5 added to every cell: (0.5 / 21) / (20.5 / 21), se = sqrt(2 - 2/21 + 1/20.5 - 1/21)
    centre = math.log(0.5 / 20.5)
    se = math.sqrt(1 / 0.5 - 1 / 21 + 1 / 20.5 - 1 / 21)
    assert row["influencer_ci_high"] == pytest.approx(math.exp(centre + 1.959964 * se))
    assert row["influencer_ci_high"] < 1
    # the test: nobody with 10k+ followers answered, so the odds ratio is unbounded
    assert row["influencer_odds_ratio_per_10x"] is None
    assert row["influencer_verdict"].startswith(
        "Acme answers customers with more followers less often: their follower count "
        "separates answered from unanswered"
    )


def test_too_few_answered_conversations_give_a_premium_without_interval(make_db, config):
    rows = conversations("a", 20, 10, reply_min=40, answered=3) + conversations(
        "b", 20, 50_000, reply_min=10
    )
    row = fairness.premiums(make_db(rows), config, WEEK).row(0, named=True)
    assert row["speed_premium"] == pytest.approx(4.0, rel=1.01 / 0.99 - 1)  # two sketch medians
    assert row["speed_ci_low"] is None
    assert "no speed interval" in row["note"]
    # the test: each bucket's replies all took the same time, nothing to compare
    assert row["speed_verdict"] is None and "no speed test" in row["note"]


def test_split_by_entry_channel(make_db, config):
    rows = worked_example() + conversations("e", 25, 10, reply_min=600, channel="email")
    frame = fairness.buckets(make_db(rows), config, WEEK, by_channel=True)
    assert sorted(set(frame["channel"].to_list())) == ["email", "twitter"]
    email = by_bucket(frame.filter(pl.col("channel") == "email"))
    assert email["<100"]["conversations"] == 25
    premiums = fairness.premiums(make_db(rows), config, WEEK, by_channel=True)
    by_channel = {r["channel"]: r for r in premiums.iter_rows(named=True)}
    assert by_channel["twitter"]["influencer_premium"] == pytest.approx(1.8)
    assert by_channel["twitter"]["influencer_verdict"].startswith("On twitter, Acme answers")
    assert by_channel["email"]["influencer_premium"] is None  # only one bucket


def test_each_brand_gets_its_own_row(make_db, config):
    rows = worked_example() + [
        dict(r, brand="Zeta", conversation_id="z" + r["conversation_id"])
        for r in conversations("a", 20, 10, reply_min=5)
    ]
    frame = fairness.premiums(make_db(rows), config, WEEK)
    assert frame["brand"].to_list() == ["Acme", "Zeta"]
    assert fairness.clear_verdicts(frame)[0].startswith("Acme answers")


def test_no_conversations_in_the_dates_give_empty_tables(make_db, config):
    con = make_db(worked_example())
    empty = Filters(dt.date(2024, 1, 1), dt.date(2024, 1, 7))
    assert fairness.buckets(con, config, empty).is_empty()
    assert fairness.premiums(con, config, empty).is_empty()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=12))
def test_order_statistic_bootstrap_matches_plain_resampling(values):
    """The medians drawn from Beta order statistics have the distribution of the
    medians of ordinary resamples with replacement."""
    data = np.array(values, dtype=float)
    fast = fairness_intervals.bootstrap_medians(data, np.random.default_rng(1), 20_000)
    slow_rng = np.random.default_rng(2)
    slow = np.median(slow_rng.choice(data, size=(20_000, len(data))), axis=1)
    # the two empirical distributions agree: Kolmogorov-Smirnov distance under 0.025
    # (the 99.9% critical value for two samples of 20,000 is 1.95 x sqrt(2 / 20,000)
    # = 0.0195; a wrong order statistic shifts whole atoms, i.e. by far more)
    atoms = np.unique(np.r_[fast, slow])
    cdf_fast = np.searchsorted(np.sort(fast), atoms, side="right") / len(fast)
    cdf_slow = np.searchsorted(np.sort(slow), atoms, side="right") / len(slow)
    assert np.abs(cdf_fast - cdf_slow).max() < 0.025
    assert abs(fast.mean() - slow.mean()) <= 0.05 * (data.max() - data.min()) + 1e-9


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    write_rows(path, "interactions", worked_example())
    return path


def test_report_fairness_has_the_documented_columns(data_dir, capsys):
    assert main(["report", "fairness", "--data", str(data_dir)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == [
        "brand",
        "follower_bucket",
        "conversations",
        "response_rate",
        "response_rate_ci_low",
        "response_rate_ci_high",
        "median_first_response_s",
        "within_target_share",
        "within_target_share_ci_low",
        "within_target_share_ci_high",
        "index",
        "index_ci_low",
        "index_ci_high",
        "below_min_n",
    ]
    assert [r["follower_bucket"] for r in rows] == [
        "<100",
        "100-1k",
        "1k-10k",
        "10k-100k",
        ">=100k",
        "unknown",
    ]
    # 2400 s exactly; the sketch's median is within +-1 % (docs/METRICS.md, "Percentiles")
    assert float(rows[0]["median_first_response_s"]) == pytest.approx(2400.0, rel=0.01)
    assert rows[0]["conversations"] == "40"  # whole numbers print as whole numbers
    assert rows[2]["response_rate"] == ""  # empty bucket


def test_report_fairness_premiums_as_json(data_dir, capsys):
    assert (
        main(["report", "fairness", "--data", str(data_dir), "--premiums", "--format", "json"]) == 0
    )
    [row] = json.loads(capsys.readouterr().out)
    assert "channel" not in row
    assert row["influencer_premium"] == pytest.approx(1.8)
    assert row["speed_ci_low"] == pytest.approx(3.75, rel=1.01 / 0.99 - 1)  # sketch medians


def test_report_fairness_premiums_has_the_flags_as_booleans(data_dir, capsys):
    assert main(["report", "fairness", "--data", str(data_dir), "--premiums"]) == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # the worked example: both tests flagged (test_worked_example_tests_and_flags)
    assert (row["influencer_flagged"], row["speed_flagged"]) == ("true", "true")
    assert row["tested_conversations"] == "70"
    assert round(float(row["influencer_odds_ratio_per_10x"]), 2) == 4.44


def test_report_fairness_by_channel_adds_the_channel(data_dir, capsys):
    assert main(["report", "fairness", "--data", str(data_dir), "--by-channel"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0])[:3] == ["brand", "channel", "follower_bucket"]
    assert {r["channel"] for r in rows} == {"twitter"}
