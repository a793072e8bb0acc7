"""The executive overview: KPI figures against the previous period, and the page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import main
from dashboard.core import formatting
from dashboard.core.filters import Filters
from dashboard.views import overview
from tests.conftest import at, message, write_rows
from tests.markdown_text import shown

PAGES = Path(__file__).resolve().parent.parent / "pages"


def two_weeks() -> list[dict]:
    """Week 1 (3-9 Mar): 2 conversations, one answered in 30 min, one never.
    Week 2 (10-16 Mar): 4 conversations, answered in 10, 20, 90 min and 3 days."""
    rows = [
        message("a", "inbound", at(0)),
        message("a", "outbound", at(30)),
        message("b", "inbound", at(60)),
    ]
    for cid, reply_min in (("c", 10), ("d", 20), ("e", 90), ("f", 3 * 24 * 60)):
        rows += [
            message(cid, "inbound", at(0, days=7)),
            message(cid, "outbound", at(reply_min, days=7)),
        ]
    return rows


def test_kpis_compare_with_the_previous_period_of_equal_length(make_db, config):
    con = make_db(two_weeks())
    week2 = Filters(dt.date(2025, 3, 10), dt.date(2025, 3, 16))
    # min n 1: the tiny log's 4 and 2 conversations may be compared
    tiles = {k.label: k for k in overview.kpis(con, dataclasses.replace(config, min_n=1), week2)}
    assert tiles["Conversations"].value == 4
    assert tiles["Conversations"].previous == 2
    assert tiles["Response rate"].value == 100.0
    assert tiles["Response rate"].previous == 50.0
    # median of 600, 1200, 5400, 259200 s = (1200 + 5400) / 2 = 3300, read from the
    # response-time sketch: within +-1 % (alpha 0.01, docs/METRICS.md "Percentiles")
    assert tiles["Median response"].value == pytest.approx(3300.0, rel=0.01)
    assert tiles["Median response"].value != 3300.0  # a sketch value, not the exact one
    assert tiles["Median response"].previous == pytest.approx(1800.0, rel=0.01)
    # within the 1 h twitter target: 10 and 20 min of 4; previous 1 of 2
    assert tiles["Within target"].value == 50.0
    assert tiles["Within target"].change == 0.0


def test_previous_period_is_as_long_as_the_selection():
    selection = Filters(dt.date(2025, 3, 10), dt.date(2025, 3, 16))
    previous = selection.previous()
    assert (previous.date_from, previous.date_to) == (dt.date(2025, 3, 3), dt.date(2025, 3, 9))


def test_empty_selection_has_no_rates(make_db, config):
    con = make_db(two_weeks())
    tiles = overview.kpis(con, config, Filters(dt.date(2024, 1, 1), dt.date(2024, 1, 7)))
    assert tiles[0].value == 0
    assert tiles[1].value is None


@pytest.fixture
def app_data(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", two_weeks())
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    return data_dir


def test_overview_page_shows_kpis_for_the_linked_selection(app_data):
    (app_data / "chi.toml").write_text("min_n = 1\n")
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["from"] = "2025-03-10"
    app.query_params["to"] = "2025-03-16"
    app.run()
    assert not app.exception
    values = {m.label: m.value for m in app.metric}
    assert values["Conversations"] == "4"
    assert values["Response rate"] == "100.0%"
    # 3300 s = 55.0 min exactly; the sketch's median is within +-1 % of it
    shown = values["Median response"]
    assert shown.endswith(" min") and float(shown.split()[0]) == pytest.approx(55.0, rel=0.01)
    assert len(app.get("plotly_chart")) == 1


@pytest.mark.parametrize(
    ("date_from", "date_to", "exact_median_s"),
    [
        # week 2, days inside March (the sketch's day grain): 600, 1200, 5400, 259200 s,
        # median (1200 + 5400) / 2 = 3300 s
        ("2025-03-10", "2025-03-16", 3300.0),
        # the whole of March (its month grain): 600, 1200, 1800, 5400, 259200 s, median
        # 1800 s
        ("2025-03-01", "2025-03-31", 1800.0),
    ],
)
def test_the_page_and_chi_report_give_the_same_percentiles(
    app_data, capsys, date_from, date_to, exact_median_s
):
    # both read the one response-time sketch: the tile shows the report's value
    (app_data / "chi.toml").write_text("min_n = 1\n")
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["from"] = date_from
    app.query_params["to"] = date_to
    app.run()
    assert not app.exception
    page = {m.label: m.value for m in app.metric}
    args = ["report", "overview", "--data", str(app_data), "--format", "json"]
    assert main([*args, "--from", date_from, "--to", date_to]) == 0
    report = {r["kpi"]: r for r in json.loads(capsys.readouterr().out)}
    median = report["Median response"]
    # the sketch's value within +-1 % of the exact one
    assert median["value"] == pytest.approx(exact_median_s, rel=0.01)
    assert page["Median response"] == formatting.duration(median["value"])
    assert median["ci_low"] is not None and median["ci_low"] <= median["value"]
    assert page["P90 reply"] == formatting.duration(report["P90 reply"]["value"])


def test_overview_tiles_under_min_n_say_not_enough_data(app_data):
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["from"] = "2025-03-10"
    app.query_params["to"] = "2025-03-16"
    app.run()
    assert not app.exception
    tiles = {m.label: m for m in app.metric}
    # the count is shown (it is the n), without a change against 2 conversations
    assert tiles["Conversations"].value == "4"
    assert not tiles["Conversations"].delta
    assert tiles["Response rate"].value == "not enough data"
    assert not tiles["Happiness index"].delta
    assert any(c.value.startswith("n = 4 conversations · 95% CI") for c in app.caption)


def test_overview_page_says_so_when_nothing_matches(app_data):
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["from"] = "2025-03-05"  # no conversation starts on 5-6 March
    app.query_params["to"] = "2025-03-06"
    app.run()
    assert not app.exception
    assert any("No conversations match" in i.value for i in app.info)


def test_overview_page_on_an_empty_data_dir_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CHI_DATA", str(tmp_path / "nothing"))
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.run()
    assert not app.exception
    assert any("chi demo" in i.value for i in app.info)


def test_unknown_brand_in_the_link_is_ignored_with_a_notice(app_data):
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["brand"] = "NoSuchBrand"
    app.run()
    assert not app.exception
    assert any("NoSuchBrand" in c.value for c in app.caption)
    assert {m.label: m.value for m in app.metric}["Conversations"] != "0"


def test_date_outside_the_data_in_the_link_is_ignored_with_a_notice(app_data):
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["from"] = "2019-01-01"
    app.run()
    assert not app.exception
    assert any("from=2019-01-01" in shown(c.value) for c in app.caption)


def test_last_local_day_east_of_utc_can_be_selected(tmp_path, monkeypatch):
    # 16 Mar 23:30 UTC is 17 Mar 00:30 in Paris: that local day must be reachable
    data_dir = tmp_path / "data"
    late = two_weeks() + [message("late", "inbound", at(14 * 60 + 30, days=13))]
    write_rows(data_dir, "interactions", late)
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["tz"] = "Europe/Paris"
    app.query_params["from"] = "2025-03-17"
    app.query_params["to"] = "2025-03-17"
    app.run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Conversations"] == "1"


ALERTS_CONFIG = "min_n = 1\n[alerts]\nwindow_days = 7\nmin_history_days = 5\n"


def spike_log() -> list[dict]:
    """3-12 Mar 2025: 4 conversations a day on twitter; Thu 13 Mar: 13 (the spike of
    tests/test_alerts.py: median 4, spread sqrt(4) = 2, score 4.5)."""
    counts = [4] * 10 + [13]
    return [
        message(f"s{k}-{i}", "inbound", at(i, days=k))
        for k, count in enumerate(counts)
        for i in range(count)
    ]


@pytest.fixture
def spike_data(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", spike_log())
    (data_dir / "chi.toml").write_text(ALERTS_CONFIG)
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    return data_dir


def test_overview_lists_the_latest_alerts_and_marks_them_on_the_trend(spike_data):
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["from"] = "2025-03-03"
    app.query_params["to"] = "2025-03-13"
    app.query_params["grain"] = "day"
    app.run()
    assert not app.exception
    assert {"Latest alerts", "Movers"} <= {s.value for s in app.subheader}
    table = app.dataframe[0].value
    assert table["channel"].to_list() == ["all channels", "twitter"]
    assert table["value"].to_list() == [13.0, 13.0] and table["n"].to_list() == [13, 13]
    assert any(c.value.startswith("2 alerts in the selection") for c in app.caption)
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    (marker,) = [t for t in spec["data"] if t.get("name") == "Alerts"]
    assert marker["x"] == ["2025-03-13"] and "2 alerts" in marker["hovertext"][0]
    assert "Acme · all channels: volume 13 (expected 4, score +4.5, n=13)" in marker["hovertext"][0]


def test_an_alert_lists_the_conversations_behind_it(spike_data):
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["from"] = "2025-03-03"
    app.query_params["to"] = "2025-03-13"
    app.run()
    assert not app.exception
    picker = next(s for s in app.selectbox if s.label == "Conversations behind an alert")
    assert picker.options[0].startswith("2025-03-13 · Acme · all channels · volume ▲ 13")
    assert any(c.value.startswith("13 conversations; showing all") for c in app.caption)
    listed = app.dataframe[1].value
    assert len(listed) == 13 and set(listed["channel"]) == {"twitter"}


def test_the_conversations_behind_an_alert_need_the_analyst_role(spike_data, monkeypatch):
    monkeypatch.setattr("dashboard.ui.access.allows", lambda needed: False)
    monkeypatch.setattr("dashboard.ui.access.require", lambda needed, what: False)
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["from"] = "2025-03-03"
    app.query_params["to"] = "2025-03-13"
    app.run()
    assert not app.exception
    assert "Latest alerts" in {s.value for s in app.subheader}
    assert not [s for s in app.selectbox if s.label == "Conversations behind an alert"]
    assert len(app.dataframe) == 1  # the alerts, no conversations
