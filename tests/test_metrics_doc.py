"""The worked example of docs/METRICS.md: the same log, the numbers the doc states."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.filters import Filters
from dashboard.core.vocabulary import COMPONENTS
from dashboard.data import sql
from dashboard.views import happiness
from tests.conftest import at, message

DOC = Path(__file__).resolve().parent.parent / "docs" / "METRICS.md"
DAY = Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 4))


def worked_example(rated: bool = True) -> list[dict]:
    """Monday 3 March 2025 from 08:00 UTC (at(0) is 09:00)."""

    def csat(value: int) -> dict:
        return {"csat": value} if rated else {}

    return [
        message("promo", "outbound", at(-60)),
        message("t1", "inbound", at(0), sentiment=-0.5),
        message("t1", "outbound", at(20)),
        message("t1", "inbound", at(30), sentiment=0.6),
        message("e1", "inbound", at(0), channel="email", sentiment=-0.2),
        message("e1", "outbound", at(6 * 60, days=1), channel="email", **csat(3)),
        message("h1", "inbound", at(0), channel="chat"),
        message("h1", "outbound", at(2), channel="chat"),
        message("h1", "inbound", at(10), channel="chat"),
        message("x1", "inbound", at(0), sentiment=-0.8),
        message("x1", "outbound", at(50)),
        message("x1", "inbound", at(60), channel="email", sentiment=-0.4),
        message("x1", "outbound", at(120), channel="email", resolved=True, **csat(5)),
        message("p1", "inbound", at(0), channel="phone", sentiment=0.1),
    ]


def worked_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index("## Worked example") :]


def test_conversation_table_of_the_worked_example(make_db):
    con = make_db(worked_example())
    rows = {r["conversation_id"]: r for r in sql.run(con, "conversations").iter_rows(named=True)}
    got = {
        cid: (
            r["first_response_s"],
            r["within_target"],
            r["dropped"],
            r["resolved"],
            r["resolved_is_proxy"],
            r["effortless"],
            r["mood_sentiment"],
            r["csat"],
        )
        for cid, r in rows.items()
    }
    assert got == {
        "t1": (1200.0, True, False, True, True, True, 0.6, None),
        "e1": (108000.0, False, False, True, True, True, -0.2, 3),
        "h1": (120.0, True, True, False, True, True, None, None),
        "x1": (3000.0, True, False, True, False, False, -0.4, 5),
        "p1": (None, False, False, False, True, True, 0.1, None),
    }


def test_components_and_index_of_the_worked_example(make_db, config):
    con = make_db(worked_example())
    row = happiness.by_period(con, config, DAY, "all", "brand").row(0, named=True)
    figures = {k: row[k] for k in ("conversations", *COMPONENTS, "happiness_index")}
    assert figures == pytest.approx(
        {
            "conversations": 5,
            "mood": 51.25,
            "speed": 60.0,
            "resolution": 60.0,
            "effort": 80.0,
            "satisfaction": 50.0,
            "happiness_index": 57.375,
        }
    )
    section = worked_section()
    for stated in (
        "n = 5",
        "**51.25**",
        "**60**",
        "**80**",
        "**50**",
        "**57.375**",
        "shown as 57.4",
    ):
        assert stated in section, stated
    assert happiness.how_computed(con, config, DAY).proxy_n == 4  # "one flag, four by the proxy"


def test_worked_example_without_ratings_drops_satisfaction(make_db, config):
    con = make_db(worked_example(rated=False))
    row = happiness.by_period(con, config, DAY, "all", "brand").row(0, named=True)
    assert row["satisfaction"] is None
    assert row["happiness_index"] == pytest.approx(59.21875)
    assert "**59.21875**" in worked_section()
