"""On the demo data, the views single out the planted brands: the follower-biased
brand (fairness) and the hollow-audience brand (fan action)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.core.config import load_config
from dashboard.core.filters import Filters
from dashboard.data import connection
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


def test_hollow_audience_brand_is_the_only_one_flagged(demo_db):
    config = load_config()
    view = engagement.fan_action(demo_db, config, YEAR)
    glitter = view.accounts.filter(pl.col("brand") == demo.PLANTED["hollow_audience"])
    assert glitter.height >= 4  # its social channels
    assert glitter["fan_action_index"].max() < engagement.HOLLOW_BELOW
    assert set(view.hollow["brand"].to_list()) == {demo.PLANTED["hollow_audience"]}


def test_hollow_audience_holds_in_a_single_month(demo_db):
    config = load_config()
    october = Filters(dt.date(demo.YEAR, 10, 1), dt.date(demo.YEAR, 10, 31))
    view = engagement.fan_action(demo_db, config, october)
    assert set(view.hollow["brand"].to_list()) == {demo.PLANTED["hollow_audience"]}
