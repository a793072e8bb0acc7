"""The demo's planted slow-email brand is the one the consistency view flags."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from dashboard.cli import main
from dashboard.core.config import Config, load_config
from dashboard.core.filters import Filters
from dashboard.data import connection
from dashboard.demo import generator as demo
from dashboard.views import consistency

ROWS = 150_000
SEED = 42
SLOW_EMAIL = demo.PLANTED["slow_email"]
YEAR = Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
LAST_QUARTER = Filters(dt.date(2025, 10, 1), dt.date(2025, 12, 31))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo")
    demo.generate(path, rows=ROWS, seed=SEED)
    return path


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config()


@pytest.fixture(scope="module")
def con(data_dir: Path, config: Config) -> duckdb.DuckDBPyConnection:
    return connection.connect(data_dir, config)


@pytest.mark.parametrize("period", [YEAR, LAST_QUARTER], ids=["year", "last-quarter"])
def test_slow_email_brand_has_the_largest_gap_with_email_weakest(con, config, period):
    scores = consistency.by_brand(con, config, period).sort("gap", descending=True, nulls_last=True)
    flagged = scores.row(0, named=True)
    assert flagged["brand"] == SLOW_EMAIL
    assert flagged["weakest_channel"] == "email"
    # the least consistent brand as well
    assert consistency.default_brand(scores) == SLOW_EMAIL


def test_slow_email_brand_email_channel_is_alerted(con, config):
    alerts = consistency.alerts(consistency.by_channel(con, config, YEAR))
    assert (alerts[0].brand, alerts[0].channel) == (SLOW_EMAIL, "email")
    assert alerts[0].points_below > 2 * config.alert_gap_points


def test_report_names_the_slow_email_brand(data_dir, capsys):
    assert main(["report", "consistency", "--data", str(data_dir), "--format", "json"]) == 0
    rows = {r["brand"]: r for r in json.loads(capsys.readouterr().out)}
    assert len(rows) == len(demo.BRANDS)
    worst = max(rows.values(), key=lambda r: r["gap"] or 0)
    assert (worst["brand"], worst["weakest_channel"]) == (SLOW_EMAIL, "email")


def test_switched_conversations_are_a_minority_with_twitter_to_email_most_common(con, config):
    summary = consistency.switch_summary(con, config, YEAR)
    assert 0 < summary.share_switched_pct < 50
    assert consistency.top_paths(con, YEAR)["path"][0] == "twitter -> email"
