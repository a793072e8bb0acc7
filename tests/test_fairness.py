"""Follower fairness: buckets by customer follower count, influencer and speed
premiums with 95% intervals, verdicts (docs/METRICS.md, Follower fairness)."""

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
from dashboard.views import fairness
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
    assert low["median_first_response_s"] == 2400.0  # (30 + 50) / 2 min over answered only
    assert low["within_target_share"] == 50.0
    # (0.2 x 50 speed + 0.2 x 50 resolution + 0.1 x 100 effort) / 0.5
    assert low["happiness_index"] == pytest.approx(60.0)
    high = rows[">=100k"]
    assert (high["conversations"], high["response_rate"]) == (20, 90.0)
    assert high["median_first_response_s"] == 480.0
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
    assert row["influencer_verdict"] == (
        "Acme answers customers with 100k or more followers 1.80x as often "
        "(95% CI 1.28-2.54) as those with fewer than 100 followers."
    )
    assert row["speed_premium"] == pytest.approx(5.0)  # 40 min / 8 min
    # resample medians of <100 are 30, 40 or 50 min (41%, 18%, 41%); >=100k always 8 min
    assert (row["speed_ci_low"], row["speed_ci_high"]) == (30 / 8, 50 / 8)
    assert row["speed_verdict"].startswith(
        "Acme answers customers with 100k or more followers 5.00x as fast (95% CI 3.75-6.25)"
    )
    assert row["note"] is None


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
    assert row["influencer_verdict"] == fairness.NO_CLEAR_DIFFERENCE
    assert row["speed_verdict"] == fairness.NO_CLEAR_DIFFERENCE


def test_fewer_than_two_qualifying_buckets_give_no_premium_and_say_why(make_db, config):
    rows = conversations("a", 30, 10, reply_min=5) + conversations("b", 19, 50_000, reply_min=5)
    row = fairness.premiums(make_db(rows), config, WEEK).row(0, named=True)
    assert row["influencer_premium"] is None and row["speed_premium"] is None
    assert row["influencer_verdict"] is None
    assert row["note"] == (
        "no premiums: fewer than two follower buckets with at least 20 conversations"
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
    assert row["influencer_verdict"].startswith(
        "Acme answers customers with 10k to 100k followers 0.00x as often"
    )


def test_too_few_answered_conversations_give_a_premium_without_interval(make_db, config):
    rows = conversations("a", 20, 10, reply_min=40, answered=3) + conversations(
        "b", 20, 50_000, reply_min=10
    )
    row = fairness.premiums(make_db(rows), config, WEEK).row(0, named=True)
    assert row["speed_premium"] == pytest.approx(4.0)
    assert row["speed_ci_low"] is None
    assert row["speed_verdict"] == fairness.NO_CLEAR_DIFFERENCE
    assert "no speed interval" in row["note"]


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
    fast = fairness.bootstrap_medians(data, np.random.default_rng(1), 20_000)
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
        "median_first_response_s",
        "within_target_share",
        "index",
    ]
    assert [r["follower_bucket"] for r in rows] == [
        "<100",
        "100-1k",
        "1k-10k",
        "10k-100k",
        ">=100k",
        "unknown",
    ]
    assert rows[0]["median_first_response_s"] == "2400.0"
    assert rows[2]["response_rate"] == ""  # empty bucket


def test_report_fairness_premiums_as_json(data_dir, capsys):
    assert (
        main(["report", "fairness", "--data", str(data_dir), "--premiums", "--format", "json"]) == 0
    )
    [row] = json.loads(capsys.readouterr().out)
    assert "channel" not in row
    assert row["influencer_premium"] == pytest.approx(1.8)
    assert row["speed_ci_low"] == 3.75


def test_report_fairness_by_channel_adds_the_channel(data_dir, capsys):
    assert main(["report", "fairness", "--data", str(data_dir), "--by-channel"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0])[:3] == ["brand", "channel", "follower_bucket"]
    assert {r["channel"] for r in rows} == {"twitter"}
