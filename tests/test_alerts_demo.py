"""The demo's planted outage (Voltline Energy, 2025-06-17) is found by the alerts, and
an ordinary brand gets few of them in its year (docs/METRICS.md, "Alerts": on the default
1M demo 24 alerts in all, 8 of them the outage's)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.core.config import load_config
from dashboard.core.filters import Filters
from dashboard.data import connection
from dashboard.demo import generator as demo
from dashboard.views import alerts

YEAR = Filters(dt.date(demo.YEAR, 1, 1), dt.date(demo.YEAR, 12, 31))
OUTAGE = demo.PLANTED["outage"]


@pytest.fixture(scope="module")
def year_alerts(tmp_path_factory) -> pl.DataFrame:
    data_dir = tmp_path_factory.mktemp("alerts-demo") / "data"
    demo.generate(data_dir, rows=150_000, seed=42)
    config = load_config()
    return alerts.alerts(connection.connect(data_dir, config), config, YEAR)


def test_the_outage_day_is_a_volume_alert_of_the_outage_brand(year_alerts):
    outage = year_alerts.filter(pl.col("day") == demo.OUTAGE_DAY)
    brand_level = outage.filter(pl.col("channel").is_null()).row(0, named=True)
    assert (brand_level["brand"], brand_level["metric"], brand_level["direction"]) == (
        OUTAGE,
        "volume",
        "up",
    )
    # ~13x the usual conversations: far beyond any threshold
    assert brand_level["value"] > 8 * brand_level["expected"] and brand_level["score"] > 10


def test_no_brand_gets_more_than_ten_alerts_in_its_year(year_alerts):
    per_brand = year_alerts.group_by("brand").len()
    assert per_brand["len"].max() <= 10, per_brand.sort("len", descending=True)
