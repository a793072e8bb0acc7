"""On the default demo (1M rows, seed 42) the fairness verdicts find the planted
follower bias (Skyline Air: answered 95% and 5x faster from 10k followers) and no
other brand, over the page's default window (the last 90 days) and the full year.

Before the tests on every conversation, four unplanted brands got verdicts over the
year and Skyline Air's speed bias was missed at 90 days (its 10k-100k bucket had
n = 12 < min n, so its premium compared <100 with 1k-10k)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.core.config import load_config
from dashboard.data import connection, rollup
from dashboard.demo import generator as demo
from dashboard.views.bounds import data_bounds

BIASED = demo.PLANTED["follower_biased"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`chi demo` with its defaults: the data and its stored rollups."""
    path = tmp_path_factory.mktemp("demo")
    demo.generate(path, rows=demo.DEFAULT_ROWS, seed=demo.DEFAULT_SEED)
    rollup.refresh(path, load_config(path))
    return path


def premiums(data_dir: Path, capsys: pytest.CaptureFixture, *dates: str) -> list[dict]:
    capsys.readouterr()
    assert main(["report", "fairness", "--premiums", "--data", str(data_dir), *dates]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def flagged(rows: list[dict], column: str) -> set[str]:
    return {r["brand"] for r in rows if r[column] == "true"}


def page_default_from(data_dir: Path) -> dt.date:
    """The Fairness page's default window starts 89 days before the data's last day
    (dashboard/ui/shared.py, filters_sidebar: the last 90 days)."""
    config = load_config(data_dir)
    last_day = data_bounds(connection.connect(data_dir, config), config.display_time_zone).last_day
    return last_day - dt.timedelta(days=89)


def test_the_page_default_90_days_flag_only_the_biased_brand(data_dir, capsys):
    start = page_default_from(data_dir)
    assert start == dt.date(2025, 10, 3)
    rows = premiums(data_dir, capsys, "--from", start.isoformat())
    assert len(rows) == 20  # one family of 2 x 20 tests
    assert flagged(rows, "influencer_flagged") == {BIASED}
    assert flagged(rows, "speed_flagged") == {BIASED}
    sky = next(r for r in rows if r["brand"] == BIASED)
    assert float(sky["influencer_q"]) < 0.001 and float(sky["speed_q"]) < 0.001
    assert sky["speed_verdict"].startswith(f"{BIASED} answers customers with more followers faster")


def test_the_full_year_flags_only_the_biased_brand(data_dir, capsys):
    rows = premiums(data_dir, capsys, "--from", "2025-01-01", "--to", "2025-12-31")
    assert flagged(rows, "influencer_flagged") == {BIASED}
    assert flagged(rows, "speed_flagged") == {BIASED}
    others = [r for r in rows if r["brand"] != BIASED]
    assert all(r["influencer_verdict"].startswith("no clear difference") for r in others)
    assert all(r["speed_verdict"].startswith("no clear difference") for r in others)
