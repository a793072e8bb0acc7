"""The Engagement & fairness page renders both views from a hand-made data dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import write_rows
from tests.markdown_text import shown
from tests.test_engagement import beta_conversations
from tests.test_engagement import worked_example as audience_example
from tests.test_fairness import worked_example as fairness_example

PAGE = Path(__file__).resolve().parent.parent / "pages" / "engagement.py"


@pytest.fixture
def app_data(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", fairness_example() + beta_conversations())
    write_rows(data_dir, "audience", audience_example())
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    return data_dir


def page(**query: str) -> AppTest:
    app = AppTest.from_file(str(PAGE), default_timeout=60)
    app.query_params["from"] = "2025-03-01"
    app.query_params["to"] = "2025-03-31"
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def test_fan_action_tab_names_the_hollow_audience(app_data):
    app = page()
    assert not app.exception
    assert "Beta" in app.error[0].value and "instagram" in app.error[0].value
    assert len(app.get("plotly_chart")) == 1
    assert app.dataframe[0].value.shape[0] == 4  # Alpha x2, Beta, Gamma


def test_fan_action_caption_says_what_the_line_is(app_data):
    app = page()
    assert not app.exception
    caption = next(c.value for c in app.caption if "Theil-Sen" in c.value)
    assert "median of the slopes between every pair of accounts" in caption
    # Alpha's lone twitter account: the reason its index is missing is on the page
    assert "Fit undefined: fewer than 2 twitter accounts with engagements." in caption
    # The page's dates stop at the conversations' last day (2-3 March), so Beta has only
    # its 3 March row: 9,000 followers, 100 x (600 / 12) / 9,000 = 0.556%. The line
    # still goes through Alpha (4% at 1k) and Gamma (1% at 100k): halving per tenfold,
    # it expects 4% x 2^-log10(9) = 2.064% at 9,000; index 100 x 0.556 / 2.064 = 27.
    assert "fan-action index 27 (0.556% against 2.064% expected for 9,000 followers)" in (
        app.error[0].value
    )


def test_fairness_tab_gives_the_verdicts(app_data):
    app = page(tab="Fairness")
    assert not app.exception
    warning = shown(app.warning[0].value)  # brand names escaped: compare the text shown
    assert "multiplies the odds of an answer by 4.44 (95% CI 2.20-8.95" in warning
    assert "makes the first response 1.47x as fast" in warning
    assert any("Benjamini-Hochberg at 5% across the 2 tests" in c.value for c in app.caption)
    assert len(app.get("plotly_chart")) == 1


def test_fairness_tab_split_by_channel(app_data):
    app = page(tab="Fairness", by_channel="true")
    assert not app.exception
    assert "On twitter, Acme" in shown(app.warning[0].value)


def test_brand_without_audience_rows_says_so(app_data):
    app = page(brand="Acme")  # Acme has conversations but no audience rows
    assert not app.exception
    assert any("No audience data" in i.value for i in app.info)
