"""Fan action, not fan acquisition: engagement rate, the per-channel size curve and
the fan-action index, on hand-made audience rows (docs/METRICS.md, Engagement section)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

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
    # expected at the mean size (10k) = (4 x 0.5 x 1)^(1/3) = 2^(1/3); x 2 per tenfold less
    assert beta["expected_rate_pct"] == pytest.approx(2 ** (1 / 3))
    assert alpha["expected_rate_pct"] == pytest.approx(2 * 2 ** (1 / 3))
    assert gamma["expected_rate_pct"] == pytest.approx(2 ** (1 / 3) / 2)
    # index = 100 x rate / expected: 100 x 2^(2/3) for Alpha and Gamma, 100 / 2^(4/3) for Beta
    assert alpha["fan_action_index"] == pytest.approx(158.74, abs=0.01)
    assert gamma["fan_action_index"] == pytest.approx(158.74, abs=0.01)
    assert beta["fan_action_index"] == pytest.approx(39.69, abs=0.01)
    assert [r["brand"] for r in rows.values() if r["hollow_audience"]] == ["Beta"]
    # 1000 x 25 conversations / 10,000 followers
    assert beta["conversations_per_1k_followers"] == pytest.approx(2.5)
    assert alpha["conversations"] == 0


def test_size_curve_slope_is_minus_half_log10_of_4(make_db, config):
    con = make_db([], worked_example())
    curve = next(
        c for c in engagement.fan_action(con, config, MARCH).curves if c.channel == "instagram"
    )
    # b = L (ln 1 - ln 4) / (2 L^2) = -log10(4) / 2
    assert curve.slope == pytest.approx(-math.log10(4) / 2)
    assert curve.accounts == 3


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
    assert rows[("Beta", "instagram")]["fan_action_index"] == pytest.approx(39.69, abs=0.01)


def test_zero_posts_leave_the_rate_undefined(make_db, config):
    rows = worked_example() + [snapshot("Delta", "instagram", 3, 50_000, 0, 0)]
    con = make_db([], rows)
    view = engagement.fan_action(con, config, MARCH)
    delta = accounts(view)[("Delta", "instagram")]
    assert delta["engagement_rate_pct"] is None
    assert delta["fan_action_index"] is None
    assert delta["note"] == "no posts: rate undefined"
    # and the curve is the worked example's
    assert accounts(view)[("Beta", "instagram")]["fan_action_index"] == pytest.approx(
        39.69, abs=0.01
    )


def test_zero_followers_leave_rate_and_conversations_per_follower_undefined(make_db, config):
    rows = worked_example() + [snapshot("Delta", "instagram", 3, 0, 3, 50)]
    con = make_db([message("d", "inbound", at(0), brand="Delta", channel="instagram")], rows)
    view = engagement.fan_action(con, config, MARCH)
    delta = accounts(view)[("Delta", "instagram")]
    assert delta["engagement_rate_pct"] is None
    assert delta["conversations"] == 1
    assert delta["conversations_per_1k_followers"] is None
    assert delta["fan_action_index"] is None
    assert accounts(view)[("Beta", "instagram")]["fan_action_index"] == pytest.approx(
        39.69, abs=0.01
    )


def test_account_without_engagements_scores_zero_but_stays_out_of_the_fit(make_db, config):
    rows = worked_example() + [snapshot("Delta", "instagram", 3, 10_000, 3, 0)]
    con = make_db([], rows)
    view = engagement.fan_action(con, config, MARCH)
    delta = accounts(view)[("Delta", "instagram")]
    assert delta["engagement_rate_pct"] == 0
    assert delta["expected_rate_pct"] == pytest.approx(2 ** (1 / 3))  # fit unchanged
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


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    write_rows(path, "interactions", beta_conversations())
    write_rows(path, "audience", worked_example())
    return path


def test_report_engagement_has_the_documented_columns(data_dir, capsys):
    assert main(["report", "engagement", "--data", str(data_dir)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0])[:8] == [
        "brand",
        "channel",
        "followers",
        "posts",
        "engagements",
        "engagement_rate_pct",
        "expected_rate_pct",
        "fan_action_index",
    ]
    beta = next(r for r in rows if r["brand"] == "Beta")
    assert float(beta["fan_action_index"]) == pytest.approx(39.69, abs=0.01)
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
