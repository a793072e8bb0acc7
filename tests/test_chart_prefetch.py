"""The chart library on its way before the first chart (dashboard/ui/prefetch.py): a
new visit's first run of a chart page starts with one hidden empty chart, which the
router takes out once the page has run; later runs and chart-less pages send none.
The timing it buys is measured by `chi bench` (docs/BENCHMARKS.md); the browser's
side is tests/test_pages_e2e.py."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.ui import prefetch
from dashboard.ui.navigation import PAGES, draws_charts
from tests.conftest import write_rows
from tests.test_overview import two_weeks

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def _send_and_keep() -> None:
    import streamlit as st

    from dashboard.ui import prefetch

    st.session_state["slot"] = prefetch.send_chart_library(True) is not None


def _send_then_take_out() -> None:
    from dashboard.ui import prefetch

    prefetch.take_out(prefetch.send_chart_library(True))


def _page_without_charts() -> None:
    import streamlit as st

    from dashboard.ui import prefetch

    st.session_state["slot"] = prefetch.send_chart_library(False) is not None


def _prefetch_charts(app: AppTest) -> list:
    return [c for c in app.get("plotly_chart") if prefetch.KEY in c.proto.id]


def test_a_first_run_sends_one_hidden_empty_chart_in_the_hidden_container():
    app = AppTest.from_function(_send_and_keep, default_timeout=30).run()
    assert not app.exception
    assert app.session_state["slot"] is True
    (chart,) = app.get("plotly_chart")
    assert prefetch.KEY in chart.proto.id
    assert json.loads(chart.proto.spec)["data"] == []  # nothing drawn: an empty figure
    # the container that holds it is the one the stylesheet hides
    assert f".st-key-{prefetch.KEY}" in app.get("html")[0].proto.body
    assert "display: none" in app.get("html")[0].proto.body


def test_a_later_run_of_the_same_visit_sends_none():
    app = AppTest.from_function(_send_and_keep, default_timeout=30).run()
    app.run()
    assert app.session_state["slot"] is False
    assert not app.get("plotly_chart")


def test_taking_it_out_leaves_no_chart_behind():
    app = AppTest.from_function(_send_then_take_out, default_timeout=30).run()
    assert not app.exception
    assert not app.get("plotly_chart")


def test_a_page_without_charts_gets_none():
    app = AppTest.from_function(_page_without_charts, default_timeout=30).run()
    assert app.session_state["slot"] is False
    assert not app.get("plotly_chart")


def test_only_the_pages_that_draw_plotly_charts_fetch_the_library():
    # every page draws Plotly charts but these: the board in HTML, text, a form
    without = {spec.url_path for spec in PAGES if not draws_charts(spec.url_path)}
    assert without == {"board", "methodology", "upload"}
    assert draws_charts("overview") and draws_charts("brand")
    assert not draws_charts("board")  # drawn in HTML
    assert not draws_charts("home")  # the router's forwarder


def test_the_overview_through_the_router_keeps_only_its_own_chart(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", two_weeks())
    (data_dir / "chi.toml").write_text("min_n = 1\n")
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    app = AppTest.from_file(str(APP), default_timeout=60)
    # "/" forwards to the first page, the overview
    app.query_params["from"] = "2025-03-10"
    app.query_params["to"] = "2025-03-16"
    app.run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Executive overview"]
    # the hidden chart was sent and taken out: the page's trend is the only chart
    assert app.session_state[prefetch._SENT] is True
    assert len(app.get("plotly_chart")) == 1
    assert not _prefetch_charts(app)
