"""The Topics page (AppTest) on a hand-made log: the terms that stand out for the
picked brand, its drivers of negative mood, and example messages of a term only for a
role that may read the customers' messages (recorded in the audit log)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import topics as charts_topics
from dashboard.core import settings
from dashboard.core.access import Role
from dashboard.data import audit
from dashboard.ui.navigation import refused_pages, visible_pages
from tests.conftest import at, message, write_rows

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "topics.py")
ROLES = """min_n = 1

[topics]
min_count = 2

[roles]
analyst = ["claim:groups=chi-analysts"]
viewer = ["@example.com"]
"""
VIEWER = {"is_logged_in": True, "email": "vera@example.com", "sub": "u-vera"}
ANALYST = {
    "is_logged_in": True,
    "email": "anna@partner.org",
    "sub": "u-anna",
    "groups": ["chi-analysts"],
}


def log() -> list[dict]:
    """Acme: two angry power cuts, two content refunds; Bolt: refunds and deliveries.
    Only "power", "cut" and "power cut" are Acme's alone."""
    rows = [
        ("a1", "Acme", "@AcmeHelp power cut since this morning", -0.8),
        ("a2", "Acme", "Another power cut, fed up", -0.6),
        ("a3", "Acme", "refund arrived, thanks", 0.4),
        ("a4", "Acme", "refund arrived", 0.2),
        ("b1", "Bolt", "refund arrived, please", 0.1),
        ("b2", "Bolt", "refund arrived, please", 0.0),
        ("b3", "Bolt", "delivery late", -0.2),
        ("b4", "Bolt", "delivery late", -0.3),
    ]
    return [
        message(cid, "inbound", at(i), brand=brand, text=text, sentiment=mood)
        for i, (cid, brand, text, mood) in enumerate(rows)
    ]


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    write_rows(folder, "interactions", log())
    (folder / "chi.toml").write_text(ROLES)
    monkeypatch.setenv(settings.DATA, str(folder))
    monkeypatch.delenv(settings.SIGN_IN, raising=False)
    monkeypatch.delenv(settings.PUBLIC, raising=False)
    monkeypatch.delenv(settings.CONFIG, raising=False)
    return folder


def open_page(user: dict | None = None, **query: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=60)
    if user is not None:
        app.user = dict(user)
    for key, value in {"from": "2025-03-03", "to": "2025-03-03", **query}.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    return app


def tables(app: AppTest, column: str) -> list:
    return [t.value for t in app.dataframe if column in t.value.columns]


def test_page_shows_the_brands_terms_its_drivers_and_example_messages(data_dir):
    app = open_page()
    assert app.selectbox(key="topics_brand").value == "Acme"
    (terms,) = tables(app, "stands out (z)")
    # Acme's terms in 2+ messages: power, cut, power cut (the angry two), refund,
    # arrived, refund arrived (the other two, which Bolt says as often)
    shared = {"refund", "arrived", "refund arrived"}
    assert set(terms["term"]) == {"power", "cut", "power cut"} | shared
    assert set(terms["term"][:3]) == {"power", "cut", "power cut"}
    assert list(terms["messages"]) == [2] * 6
    (drivers,) = tables(app, "mean sentiment with")
    # the power-cut terms lower Acme's mood: -0.7 with, 0.3 without, n = 2
    assert set(drivers["term"]) == {"power", "cut", "power cut"}
    assert list(drivers["effect"]) == [-1.0] * 3
    assert list(drivers["n"]) == [2] * 3
    (examples,) = tables(app, "text")
    # the term picked first is the top one; its messages without the @mention
    assert sorted(t.strip() for t in examples["text"]) == [
        "Another power cut, fed up",
        "power cut since this morning",
    ]
    assert len(app.get("plotly_chart")) == 2
    assert not (data_dir / "audit").exists()  # without sign-in nothing is recorded


def test_the_other_brand_is_a_pick_away(data_dir):
    app = open_page(topics_brand="Bolt")
    (terms,) = tables(app, "stands out (z)")
    assert set(terms["term"][:4]) == {"delivery", "late", "delivery late", "please"}


def test_a_brand_with_no_term_above_the_minimum_count_says_so(data_dir):
    (data_dir / "chi.toml").write_text(ROLES.replace("min_count = 2", "min_count = 5"))
    app = open_page()
    assert any("No term is in at least 5 of this brand's messages" in i.value for i in app.info)
    assert not tables(app, "text")


def test_a_viewer_never_reads_example_messages(data_dir, monkeypatch):
    monkeypatch.setenv(settings.SIGN_IN, "1")
    assert "Topics" in [s.title for s, _ in refused_pages(False, Role.VIEWER)]
    assert "Topics" in [s.title for s, _ in visible_pages(False, Role.ANALYST)]
    app = open_page(VIEWER)  # opened directly, past the router's refusal
    assert not tables(app, "text")
    assert any("need the analyst role" in c.value for c in app.caption)
    assert audit.read(data_dir) == []


def test_an_analysts_reading_of_a_terms_examples_is_recorded_once(data_dir, monkeypatch):
    monkeypatch.setenv(settings.SIGN_IN, "1")
    app = open_page(ANALYST)
    assert len(tables(app, "text")) == 1
    app.run()
    lines = audit.read(data_dir)
    assert [(x["event"], x["role"], x["brand"]) for x in lines] == [
        ("topic-examples", "analyst", "Acme")
    ]
    assert lines[0]["term"] in {"power", "cut", "power cut"}


def test_chart_escapes_the_customers_words():
    import polars as pl

    rows = pl.DataFrame(
        {
            "term": ["<b>x</b>"],
            "count": [3],
            "score": [2.0],
            "mood": [None],
            "n_messages": [0],
        },
        schema_overrides={"mood": pl.Float64},
    )
    fig = charts_topics.top_terms(rows)
    assert "<b>x</b>" not in str(fig.data[0].y)
    assert "no sentiment" in fig.data[0].hovertext[0]
