"""The demo's planted outage (Voltline Energy, 17 June 2025) is what stands out in
Voltline's customer messages that week, and its words are the drivers of their anger."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.core.config import load_config
from dashboard.core.filters import Filters
from dashboard.data import connection, rollup
from dashboard.demo import generator as demo
from dashboard.demo import text
from dashboard.views import topics

VOLTLINE = demo.PLANTED["outage"]
# the week (Monday to Sunday) of the outage day
WEEK = Filters(dt.date(2025, 6, 16), dt.date(2025, 6, 22), brands=(VOLTLINE,))
# the outage messages' texts (dashboard/demo/text.py), lower case
OUTAGE_TEXTS = [t.lower() for t in text._TEMPLATES[text.OUTAGE][0]]
# words of the outage texts only: no other kind of message, no other brand, says them
OUTAGE_WORDS = {"power", "electricity", "no electricity", "blackout", "fridge", "defrosting"}


def from_an_outage_text(term: str) -> bool:
    return any(term in t for t in OUTAGE_TEXTS)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    demo.generate(data_dir, rows=60_000, seed=42)
    rollup.refresh(data_dir, load_config())
    con = connection.connect(data_dir, load_config())
    assert connection.rollup_status(con).source == connection.STORED
    return con


def test_the_outages_words_top_voltlines_topics_in_its_week(con):
    assert dt.date(2025, 6, 17) == demo.OUTAGE_DAY
    top = topics.topics(con, load_config(), WEEK, limit=5)
    assert top.height == 5
    assert all(from_an_outage_text(t) for t in top["term"]), top
    assert top["term"][0] == "power"
    assert (top["mood"] < -0.5).all()  # the planted anger (sentiment ~ -0.8)


def test_the_outage_is_not_voltlines_topic_in_another_week(con):
    later = Filters(dt.date(2025, 9, 1), dt.date(2025, 9, 7), brands=(VOLTLINE,))
    assert not set(topics.topics(con, load_config(), later)["term"]) & OUTAGE_WORDS


def test_the_outages_words_are_the_drivers_of_voltlines_anger_that_week(con):
    found = topics.drivers(con, load_config(), WEEK, limit=5)
    assert "power" in set(found["term"])
    assert (found["effect_high"] < 0).all()  # every interval below 0
