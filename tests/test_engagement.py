"""Fan action, not fan acquisition: engagement rate, the per-channel size curve and
the fan-action index, on hand-made audience rows (docs/METRICS.md, Engagement section)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

import numpy as np
import polars as pl
import pytest

from dashboard.cli import main
from dashboard.core.filters import Filters
from dashboard.views import engagement
from tests.conftest import at, message, write_rows

MARCH = Filters(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def snapshot(
    brand: str,
    channel: str,
    day: int,
    followers: int,
    posts: int,
    likes: int,
    comments: int = 0,
    shares: int = 0,
) -> dict:
    return {
        "brand": brand,
        "channel": channel,
        "date": dt.date(2025, 3, day),
        "followers": followers,
        "posts": posts,
        "likes": likes,
        "comments": comments,
        "shares": shares,
        "reach": None,
        "impressions": None,
    }


def worked_example() -> list[dict]:
    """The worked example of docs/METRICS.md (Engagement versus follower count)."""
    return [
        snapshot("Alpha", "instagram", 3, 1_000, 10, 300, 60, 40),  # 400 engagements
        snapshot("Beta", "instagram", 3, 9_000, 12, 500, 50, 50),  # 600
        snapshot("Beta", "instagram", 4, 11_000, 8, 300, 60, 40),  # 400
        snapshot("Gamma", "instagram", 3, 100_000, 5, 4_000, 500, 500),  # 5,000
        snapshot("Alpha", "twitter", 3, 5_000, 4, 20),  # the only twitter account
    ]


def beta_conversations(n: int = 25) -> list[dict]:
    return [message(f"b{i}", "inbound", at(i), brand="Beta", channel="instagram") for i in range(n)]


def accounts(view: engagement.FanAction) -> dict[tuple[str, str], dict]:
    return {(r["brand"], r["channel"]): r for r in view.accounts.iter_rows(named=True)}


def test_worked_example_rates_expected_rates_and_index(make_db, config):
    con = make_db(beta_conversations(), worked_example())
    rows = accounts(engagement.fan_action(con, config, MARCH))
    alpha, beta, gamma = (rows[(b, "instagram")] for b in ("Alpha", "Beta", "Gamma"))
    # rate = 100 x (engagements / posts) / mean followers
    assert alpha["engagement_rate_pct"] == pytest.approx(4.0)  # 100 x 40 / 1,000
    assert beta["followers"] == 10_000  # mean of 9,000 and 11,000
    assert (beta["posts"], beta["engagements"]) == (20, 1_000)
    assert beta["engagement_rate_pct"] == pytest.approx(0.5)  # 100 x 50 / 10,000
    assert gamma["engagement_rate_pct"] == pytest.approx(1.0)  # 100 x 1,000 / 100,000
    # Theil-Sen (docs/METRICS.md): with L = ln 10 the three pairwise slopes are
    # Alpha-Beta (ln 0.5 - ln 4) / L = -log10(8), Alpha-Gamma -log10(4) / 2 and
    # Beta-Gamma +log10(2); their median is -log10(4) / 2, a halving per tenfold.
    # Residuals y - b x are 5 ln 2, 3 ln 2, 5 ln 2 (median 5 ln 2), so the line goes
    # through Alpha and Gamma and expects 4%, 2%, 1% at 1k, 10k, 100k followers.
    assert alpha["expected_rate_pct"] == pytest.approx(4.0)
    assert beta["expected_rate_pct"] == pytest.approx(2.0)
    assert gamma["expected_rate_pct"] == pytest.approx(1.0)
    # index = 100 x rate / expected: Alpha 100 x 4 / 4, Beta 100 x 0.5 / 2, Gamma 100 x 1 / 1
    assert alpha["fan_action_index"] == pytest.approx(100.0)
    assert gamma["fan_action_index"] == pytest.approx(100.0)
    assert beta["fan_action_index"] == pytest.approx(25.0)
    assert [r["brand"] for r in rows.values() if r["hollow_audience"]] == ["Beta"]
    # 1000 x 25 conversations / 10,000 followers
    assert beta["conversations_per_1k_followers"] == pytest.approx(2.5)
    assert alpha["conversations"] == 0


def test_size_curve_is_the_median_pairwise_slope_through_the_median_residual(make_db, config):
    con = make_db([], worked_example())
    curve = next(
        c for c in engagement.fan_action(con, config, MARCH).curves if c.channel == "instagram"
    )
    # median of -log10(8), -log10(4) / 2, log10(2); least squares gives the same slope
    # here (the three points are evenly spaced), but its intercept would be the mean
    # residual 13/3 ln 2 and Beta's dip would pull the line below Alpha and Gamma
    assert curve.slope == pytest.approx(-math.log10(4) / 2)
    assert curve.intercept == pytest.approx(5 * math.log(2))  # median of 5, 3, 5 (x ln 2)
    assert curve.accounts == 3
    assert (curve.followers_min, curve.followers_max) == (1_000, 100_000)


def test_single_brand_on_a_channel_has_no_index(make_db, config):
    con = make_db([], worked_example())
    twitter = accounts(engagement.fan_action(con, config, MARCH))[("Alpha", "twitter")]
    assert twitter["engagement_rate_pct"] == pytest.approx(0.1)  # 100 x 5 / 5,000
    assert twitter["expected_rate_pct"] is None
    assert twitter["fan_action_index"] is None
    assert twitter["hollow_audience"] is False
    assert twitter["note"].startswith("fit undefined")


def test_selecting_one_brand_still_compares_it_with_its_peers(make_db, config):
    con = make_db([], worked_example())
    only_beta = Filters(MARCH.date_from, MARCH.date_to, brands=("Beta",))
    rows = accounts(engagement.fan_action(con, config, only_beta))
    assert list(rows) == [("Beta", "instagram")]
    assert rows[("Beta", "instagram")]["fan_action_index"] == pytest.approx(25.0)


def test_zero_posts_leave_the_rate_undefined(make_db, config):
    rows = worked_example() + [snapshot("Delta", "instagram", 3, 50_000, 0, 0)]
    con = make_db([], rows)
    view = engagement.fan_action(con, config, MARCH)
    delta = accounts(view)[("Delta", "instagram")]
    assert delta["engagement_rate_pct"] is None
    assert delta["fan_action_index"] is None
    assert delta["note"] == "no posts: rate undefined"
    # and the curve is the worked example's
    assert accounts(view)[("Beta", "instagram")]["fan_action_index"] == pytest.approx(25.0)


def test_zero_followers_leave_rate_and_conversations_per_follower_undefined(make_db, config):
    rows = worked_example() + [snapshot("Delta", "instagram", 3, 0, 3, 50)]
    con = make_db([message("d", "inbound", at(0), brand="Delta", channel="instagram")], rows)
    view = engagement.fan_action(con, config, MARCH)
    delta = accounts(view)[("Delta", "instagram")]
    assert delta["engagement_rate_pct"] is None
    assert delta["conversations"] == 1
    assert delta["conversations_per_1k_followers"] is None
    assert delta["fan_action_index"] is None
    assert accounts(view)[("Beta", "instagram")]["fan_action_index"] == pytest.approx(25.0)


def test_account_without_engagements_scores_zero_but_stays_out_of_the_fit(make_db, config):
    rows = worked_example() + [snapshot("Delta", "instagram", 3, 10_000, 3, 0)]
    con = make_db([], rows)
    view = engagement.fan_action(con, config, MARCH)
    delta = accounts(view)[("Delta", "instagram")]
    assert delta["engagement_rate_pct"] == 0
    assert delta["expected_rate_pct"] == pytest.approx(2.0)  # fit unchanged: Beta's par
    assert delta["fan_action_index"] == 0
    assert delta["hollow_audience"] is True


def test_fit_is_undefined_when_every_account_has_the_same_size(make_db, config):
    con = make_db(
        [], [snapshot("A", "youtube", 3, 5_000, 2, 100), snapshot("B", "youtube", 3, 5_000, 2, 300)]
    )
    view = engagement.fan_action(con, config, MARCH)
    assert all(r["fan_action_index"] is None for r in view.accounts.iter_rows(named=True))
    assert engagement.undefined_fits(view) == [
        "fit undefined: every youtube account has the same follower count"
    ]


def test_two_accounts_are_both_exactly_par(make_db, config):
    con = make_db(
        [], [snapshot("A", "youtube", 3, 1_000, 2, 100), snapshot("B", "youtube", 3, 8_000, 2, 30)]
    )
    indexes = engagement.fan_action(con, config, MARCH).accounts["fan_action_index"].to_list()
    assert indexes == pytest.approx([100.0, 100.0])


def test_days_outside_the_selection_are_ignored(make_db, config):
    rows = worked_example() + [snapshot("Beta", "instagram", 20, 1_000_000, 100, 0)]
    con = make_db([], rows)
    first_week = Filters(dt.date(2025, 3, 1), dt.date(2025, 3, 7))
    beta = accounts(engagement.fan_action(con, config, first_week))[("Beta", "instagram")]
    assert beta["followers"] == 10_000


def test_no_audience_rows_give_an_empty_view(make_db, config):
    con = make_db([message("a", "inbound", at(0))])
    view = engagement.fan_action(con, config, MARCH)
    assert view.accounts.is_empty()
    assert view.curves == ()


def test_fit_helper_ignores_missing_and_zero_rates():
    curve = engagement.fit_size_curve("x", [100.0, 1_000.0, 10.0, 0.0], [2.0, 1.0, None, 5.0])
    # ln rate falls by ln 2 over one ln 10: slope -log10(2)
    assert curve.slope == pytest.approx(-math.log10(2))
    assert curve.accounts == 2
    assert engagement.fit_size_curve("x", [100.0], [1.0]).note == (
        "fit undefined: fewer than 2 x accounts with engagements"
    )


def test_theil_sen_slope_of_four_accounts_is_the_middle_of_six_pairwise_slopes():
    # log10 followers 1, 2, 3, 4; log10 rate 0, -1, -1, -4. The six pairwise slopes
    # (in log10 units, the same in ln): 1-2 -1, 1-3 -1/2, 1-4 -4/3, 2-3 0, 2-4 -3/2,
    # 3-4 -3. Sorted -3, -3/2, -4/3, -1, -1/2, 0: the median is (-4/3 - 1) / 2 = -7/6.
    # Residuals log10 rate + 7/6 x log10 followers: 7/6, 8/6, 15/6, 4/6, median
    # (7/6 + 8/6) / 2 = 5/4, so ln expected = 5/4 ln 10 - 7/6 ln followers.
    # (Least squares would give slope -6/5, pulled by the fourth account.)
    curve = engagement.fit_size_curve(
        "x", [10.0, 100.0, 1_000.0, 10_000.0], [1.0, 0.1, 0.1, 0.0001]
    )
    assert curve.slope == pytest.approx(-7 / 6)
    assert curve.intercept == pytest.approx(5 / 4 * math.log(10))
    assert curve.expected_rate_pct(1_000.0) == pytest.approx(10 ** (5 / 4 - 7 / 2))
    assert curve.accounts == 4


def test_accounts_of_the_same_size_give_no_pairwise_slope():
    # log10 followers 2, 2, 3, 4; log10 rate 0, log10 4, -1, -1. The two accounts of
    # 100 followers have no slope between them; the other five are 1-3 -1, 1-4 -1/2,
    # 2-3 -(1 + log10 4), 2-4 -(1 + log10 4) / 2, 3-4 0. Sorted, the middle one is
    # -(1 + log10 4) / 2 = -log10(40) / 2. (Least squares: -0.71.)
    curve = engagement.fit_size_curve("x", [100.0, 100.0, 1_000.0, 10_000.0], [1.0, 4.0, 0.1, 0.1])
    assert curve.slope == pytest.approx(-math.log10(40) / 2)
    # residuals log10 rate + log10(40) / 2 x log10 followers: log10 40, log10 160,
    # log10 25.3, log10 160; the median of four is (log10 40 + log10 160) / 2 = log10 80
    assert curve.intercept == pytest.approx(math.log(80))


def power_law_accounts(giant: bool) -> list[dict]:
    """Five instagram accounts exactly on rate = 4% x (followers / 1,000)^-1/2 (each
    fourfold in size halves the rate), 10 posts each, and optionally a giant with
    4,096,000 followers (4^6 x 1,000, par 4% / 2^6 = 0.0625%) at a tenth of par."""
    rows = [
        # engagements = rate / 100 x posts x followers
        snapshot("A", "instagram", 3, 1_000, 10, 400),  # 4%
        snapshot("B", "instagram", 3, 4_000, 10, 800),  # 2%
        snapshot("C", "instagram", 3, 16_000, 10, 1_600),  # 1%
        snapshot("D", "instagram", 3, 64_000, 10, 3_200),  # 0.5%
        snapshot("E", "instagram", 3, 256_000, 10, 6_400),  # 0.25%
    ]
    if giant:
        # 0.00625% = 0.0625% / 10: 0.00625 / 100 x 10 x 4,096,000 = 2,560
        rows.append(snapshot("Giant", "instagram", 3, 4_096_000, 10, 2_560))
    return rows


def test_one_giant_hollow_account_does_not_move_the_ordinary_accounts(make_db, config):
    with_giant = accounts(
        engagement.fan_action(make_db([], power_law_accounts(True)), config, MARCH)
    )
    without = accounts(engagement.fan_action(make_db([], power_law_accounts(False)), config, MARCH))
    # The 10 slopes between ordinary accounts are exactly -1/2; the giant's 5 slopes
    # to them are steeper (-1/2 + ln 0.1 / ((6 - k) ln 4) for the k-th); the 8th of
    # the 15 sorted slopes is -1/2. The residuals of A-E are equal and the giant's is
    # ln 0.1 lower, so the median of six is theirs: the line is the power law itself.
    for brand in "ABCDE":
        assert with_giant[(brand, "instagram")]["fan_action_index"] == pytest.approx(100.0)
        assert without[(brand, "instagram")]["fan_action_index"] == pytest.approx(100.0)
    assert with_giant[("Giant", "instagram")]["fan_action_index"] == pytest.approx(10.0)
    assert [b for (b, _), r in with_giant.items() if r["hollow_audience"]] == ["Giant"]


def test_least_squares_would_let_the_giant_move_the_ordinary_accounts(make_db, config):
    # The property the robust fit exists for: on the same six accounts a least-squares
    # line tilts towards the giant (slope -0.74 instead of -0.5), and the ordinary
    # accounts leave par: A 61, B 85, C 118, D 164, E 228 (and the giant 44, not 10).
    view = engagement.fan_action(make_db([], power_law_accounts(True)), config, MARCH)
    rows = view.accounts.filter(pl.col("brand") != "Giant")
    x = np.log(view.accounts["followers"].to_numpy())
    y = np.log(view.accounts["engagement_rate_pct"].to_numpy())
    slope, intercept = np.polyfit(x, y, 1)
    least_squares = 100 * np.exp(
        np.log(rows["engagement_rate_pct"].to_numpy())
        - intercept
        - slope * np.log(rows["followers"].to_numpy())
    )
    assert least_squares.max() > 200
    assert least_squares.min() < 70
    assert rows["fan_action_index"].to_list() == pytest.approx([100.0] * 5)


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    write_rows(path, "interactions", beta_conversations())
    write_rows(path, "audience", worked_example())
    return path


def test_report_engagement_has_the_documented_columns(data_dir, capsys):
    assert main(["report", "engagement", "--data", str(data_dir)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # the report's contract: the robust fit changed the numbers, not the columns; the
    # minimum-n rule of every report adds below_min_n at the end
    assert list(rows[0]) == [
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
        "below_min_n",
    ]
    beta = next(r for r in rows if r["brand"] == "Beta")
    assert float(beta["fan_action_index"]) == pytest.approx(25.0)
    twitter = next(r for r in rows if r["channel"] == "twitter")
    assert twitter["fan_action_index"] == ""  # fit undefined: empty in csv


def test_report_engagement_as_json_filters_by_channel(data_dir, capsys):
    assert (
        main(
            [
                "report",
                "engagement",
                "--data",
                str(data_dir),
                "--format",
                "json",
                "--channel",
                "instagram",
                "--brand",
                "Beta",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [(r["brand"], r["channel"]) for r in rows] == [("Beta", "instagram")]
    assert rows[0]["hollow_audience"] is True
