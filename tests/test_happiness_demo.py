"""The demo's planted "improving brand" (Bluebird Bank) shows a rising index."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.core.config import load_config
from dashboard.core.filters import Filters
from dashboard.data import connection
from dashboard.demo import generator as demo
from dashboard.views import happiness

IMPROVING = demo.PLANTED["improving"]
YEAR = Filters(dt.date(demo.YEAR, 1, 1), dt.date(demo.YEAR, 12, 31))


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    demo.generate(data_dir, rows=150_000, seed=42)
    return connection.connect(data_dir, load_config())


@pytest.fixture(scope="module")
def monthly(con):
    filters = Filters(YEAR.date_from, YEAR.date_to, brands=(IMPROVING,))
    return happiness.by_period(con, load_config(), filters, "month", "brand")


def test_improving_brand_has_twelve_monthly_points_over_min_n(monthly):
    assert monthly.height == 12
    assert not monthly["below_min_n"].any()


def test_improving_brand_index_rises_through_the_year(monthly):
    index = monthly["happiness_index"].to_list()
    q1, q4 = sum(index[:3]) / 3, sum(index[9:]) / 3
    assert q4 - q1 > 15, f"Q1 {q1:.1f}, Q4 {q4:.1f}"
    # least-squares slope of index on month number, in points per month
    months = list(range(12))
    mean_x, mean_y = sum(months) / 12, sum(index) / 12
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(months, index, strict=True)) / sum(
        (x - mean_x) ** 2 for x in months
    )
    assert slope > 1.0


def test_what_moved_credits_the_improving_brand_with_a_positive_change(con):
    second_half = Filters(dt.date(demo.YEAR, 7, 1), dt.date(demo.YEAR, 12, 31), brands=(IMPROVING,))
    moved = happiness.what_moved(con, load_config(), second_half)
    assert moved.change is not None and moved.change > 10
    assert sum(p.points for p in moved.contributions) + moved.availability == pytest.approx(
        moved.change
    )
    assert max(moved.contributions, key=lambda p: p.points).points > 0
