"""On the demo data, the views single out the planted brands: the follower-biased
brand (fairness) and the hollow-audience brand (fan action)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.core.config import load_config
from dashboard.core.filters import Filters
from dashboard.data import connection
from dashboard.demo import audience
from dashboard.demo import generator as demo
from dashboard.views import engagement, fairness

YEAR = Filters(dt.date(demo.YEAR, 1, 1), dt.date(demo.YEAR, 12, 31))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    demo.generate(data_dir, rows=150_000, seed=42)
    return connection.connect(data_dir, load_config())


def test_follower_biased_brand_has_the_largest_influencer_premium(demo_db):
    config = load_config()
    frame = fairness.premiums(demo_db, config, YEAR).sort(
        "influencer_premium", descending=True, nulls_last=True
    )
    top = frame.row(0, named=True)
    assert top["brand"] == demo.PLANTED["follower_biased"]
    assert top["influencer_ci_low"] > 1.0
    # clearly apart: its interval's lower end is above every other brand's premium
    assert top["influencer_ci_low"] > frame["influencer_premium"][1]
    assert top["speed_ci_low"] > 1.0
    assert fairness.clear_verdicts(frame)[0].startswith(f"{top['brand']} answers customers")


# The page opens on the last 90 days of the data (dashboard/ui/shared.py
# filters_sidebar); a single month is the smallest window a marketer usually picks.
WINDOWS = {
    "year": YEAR,
    "page default": Filters(dt.date(demo.YEAR, 10, 3), dt.date(demo.YEAR, 12, 31)),
    "october": Filters(dt.date(demo.YEAR, 10, 1), dt.date(demo.YEAR, 10, 31)),
}
HOLLOW = demo.PLANTED["hollow_audience"]


def fan_action_accounts(demo_db, window: str) -> pl.DataFrame:
    return engagement.fan_action(demo_db, load_config(), WINDOWS[window]).accounts


@pytest.mark.parametrize("window", WINDOWS)
def test_hollow_audience_brand_is_the_only_one_flagged(demo_db, window):
    accounts = fan_action_accounts(demo_db, window)
    glitter = accounts.filter(pl.col("brand") == HOLLOW)
    assert glitter.height == 4  # instagram, facebook, twitter, youtube
    # planted at 15% of the least-squares par, which its own weight pulled down; the
    # robust line reads it at 5-11 (seeds 3, 7, 42; year, 90 days, a month)
    assert glitter["fan_action_index"].max() < 15
    assert set(accounts.filter(pl.col("hollow_audience"))["brand"].to_list()) == {HOLLOW}


@pytest.mark.parametrize("window", WINDOWS)
def test_ordinary_brands_sit_near_par(demo_db, window):
    # The demo gives every ordinary account a fixed factor of exp(0.15 z) around its
    # network's power law, so even a perfect fit spreads them: on seed 42 that truth
    # itself puts 5 of the 66 accounts outside 70..130 (64..142). Measured with the
    # robust line (seeds 3, 7, 42): median 100.0-100.7, 59-62 of 66 in 70..130, all
    # in 54..168. The least-squares line (seeds 7, 42) gave median 112-115, 36-40 of 66 in 70..130,
    # 55..228.
    ordinary = fan_action_accounts(demo_db, window).filter(pl.col("brand") != HOLLOW)
    index = ordinary["fan_action_index"]
    assert ordinary.height == 66
    assert 95 <= index.median() <= 105
    assert index.is_between(70, 130).sum() >= 0.85 * ordinary.height
    assert index.min() >= 50
    assert index.max() <= 175


@pytest.mark.parametrize("window", WINDOWS)
def test_large_ordinary_brand_is_not_lifted_by_the_hollow_giant(demo_db, window):
    # Aurora Streaming's 1.5-2.5M-follower accounts sit next to Glitter's: least
    # squares read them 142-201 (year); the robust line 87-123.
    aurora = fan_action_accounts(demo_db, window).filter(pl.col("brand") == "Aurora Streaming")
    assert aurora.height == 4
    assert aurora["fan_action_index"].is_between(70, 130).all()


@pytest.mark.parametrize("window", ["year", "page default"])
def test_ordinary_accounts_read_the_par_the_demo_planted(demo_db, window):
    # The demo's own par for an account: A_network x (followers / 100k)^-0.3
    # (dashboard/demo/audience.py); its planted index is 100 x its rate there over
    # that par. The fitted index stays within x0.75..x1.35 of it (measured
    # x0.79..x1.32 on seeds 3, 7, 42; least squares, seeds 7, 42: x0.57..x2.44).
    planted = audience.account_rates()
    ordinary = fan_action_accounts(demo_db, window).filter(pl.col("brand") != HOLLOW)
    for row in ordinary.iter_rows(named=True):
        rate = planted[(row["brand"], row["channel"])][0]
        par = (
            audience.RATE_AT_100K[row["channel"]] * (row["followers"] / 1e5) ** audience.SIZE_SLOPE
        )
        ratio = row["fan_action_index"] / (100 * rate / par)
        assert 0.75 <= ratio <= 1.35, (row["brand"], row["channel"], ratio)
