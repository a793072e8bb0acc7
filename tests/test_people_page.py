"""The People page (AppTest) on the hand-made logs of tests/test_people.py, and its
figures (pure Plotly builders)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import people as charts_people
from dashboard.core.filters import Filters
from dashboard.views import people
from tests.conftest import at, message, write_rows
from tests.test_people import agent_log, community_log, mood_only

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "people.py")


@pytest.fixture
def app_data(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    rows = agent_log() + community_log()
    write_rows(data_dir, "interactions", rows)
    (data_dir / "chi.toml").write_text("min_n = 3\n")
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    monkeypatch.delenv("CHI_PUBLIC", raising=False)
    return data_dir


def open_page(**query: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=30)
    for key, value in {"from": "2025-03-03", "to": "2025-03-03", **query}.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def test_people_page_ranks_agents_names_the_thin_ones_and_lists_superfans(app_data):
    app = open_page()
    text = " ".join(m.value for m in app.markdown)
    # c1-c5 plus p1 (KC at 30 min) -> KC wrote in c1, c3, p1: 3 conversations; JK in
    # c2, c3, c5: 3; the level counts c1, c2, c3, c5, p1 once each = 5
    assert "over 5 conversations in which a named agent wrote" in text
    agents = next(t.value for t in app.dataframe if "Agent" in t.value.columns)
    assert sorted(agents["Agent"]) == ["JK", "KC"]
    assert list(agents["Conversations"]) == [3, 3]
    # the community line: p1, p2, p4, p5 are community; p1 and p4 answered first by a
    # customer: 2 of 4 = 50.0 %, 2 contacts x 6 minutes = 0.2 h, x 8.01 = 16.02 USD
    assert "4 community conversations, 3 answered; customers answered 2 of them first" in text
    assert "0.2 h of staff time and 16.02 USD" in text
    fans = next(t.value for t in app.dataframe if "Superfan (pseudonym)" in t.value.columns)
    assert sorted(fans["Superfan (pseudonym)"]) == ["fan-a", "fan-b"]
    assert app.selectbox(key="agents_brand").value == "Acme"
    assert len(app.get("plotly_chart")) == 2  # leaderboard, speed against happiness


def test_an_agent_under_min_n_reads_not_enough_data_in_the_table(app_data, tmp_path):
    (app_data / "chi.toml").write_text("min_n = 4\n")
    app = open_page()
    agents = next(t.value for t in app.dataframe if "Agent" in t.value.columns)
    assert set(agents["Index"]) == {"not enough data"}
    assert any(
        "Not enough data (under 4 conversations), not ranked" in c.value for c in app.caption
    )


def test_page_without_named_agents_says_where_agent_ids_come_from(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    write_rows(
        data_dir,
        "interactions",
        [message("c1", "inbound", at(0)), message("c1", "outbound", at(5))],
    )
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    monkeypatch.delenv("CHI_PUBLIC", raising=False)
    app = open_page()
    assert any("No reply in this selection is signed by a named agent" in i.value for i in app.info)
    assert any("No customer answered another customer" in i.value for i in app.info)


def test_the_agent_drilldown_lists_the_agents_conversations_and_reads_one(app_data):
    app = open_page()
    app.selectbox(key="people_agent").set_value("JK").run()
    listed = next(t.value for t in app.dataframe if "conversation_id" in t.value.columns)
    assert sorted(listed["conversation_id"]) == ["c2", "c3", "c5"]
    messages = next(t.value for t in app.dataframe if "direction" in t.value.columns)
    assert "agent_id" in messages.columns


def test_leaderboard_chart_draws_only_ranked_agents_with_their_intervals(make_db, config):
    board = people.leaderboard(
        make_db(agent_log()), mood_only(config), Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    )
    figure = charts_people.leaderboard(board.for_brand("Acme"))
    (trace,) = figure.data
    # KC (+20) then JK (-10); JK's interval is empty (one colleague conversation)
    assert list(trace.y) == ["KC", "JK"]
    assert list(trace.x) == pytest.approx([20.0, -10.0])
    assert trace.error_x.array[0] == pytest.approx(89.85, abs=0.01)
    assert trace.error_x.array[1] is None


def test_chart_labels_from_the_data_are_escaped(make_db, config):
    rows = [
        message("c1", "inbound", at(0), sentiment=0.5),
        message("c1", "outbound", at(5), agent_id='<a href="http://evil.example">X</a>'),
        message("c2", "inbound", at(0), sentiment=-0.5),
        message("c2", "outbound", at(5), agent_id="B"),
    ]
    board = people.leaderboard(
        make_db(rows), mood_only(config, min_n=1), Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 3))
    )
    figure = charts_people.leaderboard(board.for_brand("Acme"))
    assert all("<a " not in str(label) for label in figure.data[0].y)
    assert any("&lt;a href" in str(label) for label in figure.data[0].y)
