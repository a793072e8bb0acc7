"""The Happiness page (AppTest) and its figures (pure Plotly builders)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import happiness as charts_happiness
from dashboard.charts.base import MUTED
from dashboard.core.filters import Filters
from dashboard.views import happiness
from tests.conftest import write_rows
from tests.test_happiness import MARCH, edge_log

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "happiness.py")


@pytest.fixture
def app_data(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", edge_log())
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    monkeypatch.delenv("CHI_PUBLIC", raising=False)
    return data_dir


def open_page(**query: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=30)
    for key, value in {"from": "2025-03-03", "to": "2025-03-31", **query}.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def drilldown_tables(app: AppTest) -> list:
    """The conversation list and the message table (the formula panel has a table too)."""
    return [
        t
        for t in app.dataframe
        if "conversation_id" in t.value.columns or "direction" in t.value.columns
    ]


def test_page_shows_trend_components_what_moved_and_the_formula(app_data):
    app = open_page(grain="month")
    # trend, component bars, component heatmap; no waterfall: nothing before 3 March
    assert len(app.get("plotly_chart")) == 3
    assert any("no index for the previous period" in i.value for i in app.info)
    assert any("below the minimum" in c.value or "fewer than 20" in c.value for c in app.caption)
    assert [e.label for e in app.expander] == ["How is this computed"]
    formulas = [latex.value for latex in app.latex]
    assert any("0.30\\,M" in f for f in formulas)
    assert any("= 62.7" in f for f in formulas)  # all six conversations


def test_what_moved_waterfall_appears_when_both_periods_have_data(app_data):
    # 17-31 March holds midnight only; the previous 15 days (2-16 March) the other five;
    # min n 1 lets the tiny log's periods be compared
    (app_data / "chi.toml").write_text("min_n = 1\n")
    app = open_page(**{"from": "2025-03-17", "to": "2025-03-31"})
    assert len(app.get("plotly_chart")) == 4
    assert any("rose 38.1 points, from 54.4 (5 conversations" in m.value for m in app.markdown)


def test_private_drilldown_lists_the_conversations_and_messages_of_a_point(app_data):
    app = open_page(grain="month")
    assert app.selectbox(key="drill_point").value.startswith("2025-03-01 · Acme · all channels")
    tables = drilldown_tables(app)
    assert len(tables) == 2
    assert sorted(tables[0].value["conversation_id"]) == [
        "early",
        "ghosted",
        "midnight",
        "sametime",
        "silent",
        "switch",
    ]
    assert list(tables[1].value["direction"]) == ["inbound", "outbound"]  # midnight


def test_lines_per_channel_follow_the_link(app_data):
    app = open_page(by="channel", grain="month")
    assert app.segmented_control(key="by").value == "channel"
    assert app.selectbox(key="drill_point").options == [
        "2025-03-01 · all brands · chat (index 76.0, n=1)",
        "2025-03-01 · all brands · email (index 20.0, n=1)",
        "2025-03-01 · all brands · twitter (index 64.0, n=4)",
    ]


def test_what_moved_says_not_enough_data_under_min_n(app_data):
    app = open_page(**{"from": "2025-03-17", "to": "2025-03-31"})  # 1 and 5 conversations
    assert len(app.get("plotly_chart")) == 3  # no waterfall
    assert any("Not enough data to compare" in i.value for i in app.info)


def test_public_mode_has_no_drilldown(app_data, monkeypatch):
    monkeypatch.setenv("CHI_PUBLIC", "1")
    app = open_page(grain="month")
    assert not drilldown_tables(app)
    assert not any(s.value == "Conversations behind a point" for s in app.subheader)


def test_empty_selection_says_so(app_data):
    app = open_page(**{"from": "2025-03-10", "to": "2025-03-20"})
    assert any("No conversations match" in i.value for i in app.info)


def test_points_under_min_n_are_grey_and_hollow_with_n_on_hover(make_db, config):
    con = make_db(edge_log())
    frame = happiness.by_period(con, dataclasses.replace(config, min_n=2), MARCH, "all", "channel")
    fig = charts_happiness.index_over_time(frame, 2)
    traces = {t.name: t for t in fig.data}
    assert traces["chat"].marker.color == (MUTED,)
    assert traces["chat"].line.color == MUTED  # a group never reaching min n is grey
    assert traces["twitter"].marker.symbol == ("circle",)
    assert traces["twitter"].customdata[0][0] == 4  # n shown on hover
    assert "n=%{customdata[0]" in traces["twitter"].hovertemplate
    # and the index's 95 % interval
    assert traces["twitter"].customdata[0][3].startswith("[95% CI ")
    assert "%{customdata[3]}" in traces["twitter"].hovertemplate


def test_waterfall_steps_sum_to_the_current_index(make_db, config):
    con = make_db(edge_log())
    moved = happiness.what_moved(
        con,
        dataclasses.replace(config, min_n=1),
        Filters(dt.date(2025, 4, 1), dt.date(2025, 4, 30), tz="Europe/Paris"),
    )
    bars = charts_happiness.waterfall(moved).data[0]
    assert bars.measure[0] == "absolute" and bars.measure[-1] == "total"
    assert sum(bars.y[:-1]) == pytest.approx(bars.y[-1])
