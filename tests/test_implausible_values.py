"""Nothing stored can crash a page or a report: rows dated in the year 17 (a spreadsheet's
`1/2/17` read as a four-digit year) and 9999 (a placeholder), written straight to Parquet
past every importer, are left out of the bounds with a caption, and every page and
`chi report` view still works and shows the same figures as without them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import main
from dashboard.commands.report import available_views
from dashboard.core.config import load_config
from dashboard.data import connection, rollup
from dashboard.ui.navigation import PAGES, PAGES_DIR
from dashboard.views import bounds
from tests.conftest import message, write_rows
from tests.markdown_text import shown
from tests.test_overview import two_weeks

YEAR_17 = dt.datetime(17, 2, 1, 9, 22, tzinfo=dt.UTC)
YEAR_9999 = dt.datetime(9999, 6, 1, 9, 0, tzinfo=dt.UTC)
CAPTION = "2 conversations with implausible dates (before 2000-01-01 or in the future) are ignored"


def implausible_rows() -> list[dict]:
    # one answered conversation in the year 17, one unanswered in 9999
    return [
        message("old", "inbound", YEAR_17, interaction_id="old-1"),
        message("old", "outbound", YEAR_17 + dt.timedelta(minutes=18), interaction_id="old-2"),
        message("far", "inbound", YEAR_9999, interaction_id="far-1"),
    ]


def audience_row(day: dt.date) -> dict:
    return {
        "brand": "Acme",
        "channel": "twitter",
        "date": day,
        "followers": 1000,
        "posts": 1,
        "likes": 5,
        "comments": 1,
        "shares": 0,
    }


def with_people(rows: list[dict]) -> list[dict]:
    """The replies signed by an agent, and one customer answering another (so the
    agents and superfans reports have rows)."""
    signed = [dict(r, agent_id="KC") if r["direction"] == "outbound" else r for r in rows]
    first = rows[0]
    peer = message(
        first["conversation_id"],
        "peer",
        first["created_at"] + dt.timedelta(minutes=1),
        author_id="fan-1",
        interaction_id="peer-1",
    )
    return [*signed, peer]


def build(data_dir: Path, with_implausible: bool) -> Path:
    rows = with_people(two_weeks()) + (implausible_rows() if with_implausible else [])
    write_rows(data_dir, "interactions", rows)
    days = [dt.date(2025, 3, 3)] + ([dt.date(17, 2, 1), dt.date(9999, 6, 1)] * with_implausible)
    write_rows(data_dir, "audience", [audience_row(d) for d in days])
    (data_dir / "chi.toml").write_text('[public]\nbrands = ["Acme"]\n')  # a non-empty board
    rollup.refresh(data_dir, load_config(data_dir))
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = build(tmp_path / "data", with_implausible=True)
    monkeypatch.setenv("CHI_DATA", str(path))
    monkeypatch.delenv("CHI_PUBLIC", raising=False)
    return path


def test_bounds_leave_out_the_implausible_days_and_count_them(data_dir):
    con = connection.connect(data_dir, load_config(data_dir))
    known = bounds.data_bounds(con, "UTC", today=dt.date(2025, 6, 1))
    # two_weeks: 2 conversations on 3 Mar and 4 on 10 Mar 2025; "old" and "far" are out
    assert (known.first_day, known.last_day) == (dt.date(2025, 3, 3), dt.date(2025, 3, 10))
    assert (known.conversations, known.implausible) == (6, 2)
    assert known.implausible_note().startswith(CAPTION)


def test_bounds_of_plausible_data_count_nothing_as_implausible(make_db):
    known = bounds.data_bounds(make_db(two_weeks()), "UTC")
    assert (known.conversations, known.implausible, known.implausible_note()) == (6, 0, None)


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.file)
def test_every_page_opens_without_an_error(data_dir, spec):
    app = AppTest.from_file(str(PAGES_DIR / spec.file), default_timeout=60)
    app.run()
    assert not app.exception
    assert not [e.value for e in app.error]


@pytest.mark.parametrize("page", ["overview.py", "happiness.py", "engagement.py", "consistency.py"])
def test_pages_with_filters_say_how_many_conversations_are_ignored(data_dir, page):
    app = AppTest.from_file(str(PAGES_DIR / page), default_timeout=60)
    # a link may still carry a day of the year 17: it is outside the bounds, so ignored
    app.query_params["from"] = "0017-01-31"
    app.run()
    assert not app.exception
    assert not [e.value for e in app.error]
    captions = [shown(c.value) for c in app.caption]  # the link's value escaped
    assert any(c.startswith(CAPTION) for c in captions)
    assert any("Ignored 'from=0017-01-31' from the link" in c for c in captions)


# every group, not only the movers: the log's brands need not have moved
EXTRA_ARGS: dict[str, list[str]] = {"movers": ["--all"]}


@pytest.mark.parametrize("view", available_views())
def test_every_report_runs_and_matches_the_data_without_implausible_rows(
    data_dir, tmp_path, capsys, view
):
    clean = build(tmp_path / "clean", with_implausible=False)
    extra = EXTRA_ARGS.get(view, [])
    assert main(["report", view, "--data", str(clean), *extra]) == 0
    expected = capsys.readouterr()
    assert main(["report", view, "--data", str(data_dir), *extra]) == 0
    got = capsys.readouterr()
    assert got.out == expected.out
    # a header and figures (a day that breaks the pattern is not in this log: alerts
    # may list none, and then say so by their header alone; this log's messages have
    # no text, so topics have no terms)
    assert len(got.out.splitlines()) > (0 if view in ("alerts", "topics") else 1)
    if view != "public":  # the public board says nothing about the data's quality
        assert f"note: {CAPTION}" in got.err
