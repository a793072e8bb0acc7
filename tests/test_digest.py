"""`chi digest`: the period rules, the figures on a hand-made log (tests/digest_data.py
has the arithmetic), the HTML's email safety, the Markdown, the sections built from
hand-made frames of the alerts/movers/topics shapes, and the command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from dashboard.charts.digest_html import render_html
from dashboard.charts.digest_markdown import render_markdown, text_sparkline
from dashboard.cli import main
from dashboard.core.config import load_config
from dashboard.data import connection
from dashboard.views.digest import (
    Digest,
    SparkPoint,
    change_interval,
    complete_period,
    digest,
    spark_starts,
)
from tests.conftest import at, message, write_rows
from tests.digest_data import (
    HOSTILE,
    MIN_N,
    WEEK_FROM,
    WEEK_TO,
    alerts_frame,
    movers_frame,
    topics_frame,
    write_digest_data,
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_digest_data(tmp_path / "data")


@pytest.fixture
def week(data_dir: Path) -> Digest:
    config = load_config(data_dir)
    return digest(connection.connect(data_dir, config), config, "week")


def with_sections(made: Digest) -> Digest:
    """The digest with the other views' sections from hand-made frames (the week's
    alerts only: the adapter drops the other days, tested below)."""
    alerts = alerts_frame().filter(pl.col("day").is_between(WEEK_FROM, WEEK_TO))
    return dataclasses.replace(made, alerts=alerts, movers=movers_frame(), topics=topics_frame())


# --- the period --------------------------------------------------------------------


@pytest.mark.parametrize(
    "last_day, expected",
    [
        # a Sunday completes its own week; any other day: the week before
        (dt.date(2025, 3, 16), (dt.date(2025, 3, 10), dt.date(2025, 3, 16), dt.date(2025, 3, 3))),
        (dt.date(2025, 3, 18), (dt.date(2025, 3, 10), dt.date(2025, 3, 16), dt.date(2025, 3, 3))),
        (dt.date(2025, 3, 15), (dt.date(2025, 3, 3), dt.date(2025, 3, 9), dt.date(2025, 2, 24))),
    ],
)
def test_week_is_the_last_complete_monday_to_sunday(last_day, expected):
    period = complete_period("week", last_day)
    assert (period.date_from, period.date_to, period.prev_from) == expected
    assert period.prev_to == expected[0] - dt.timedelta(days=1)
    assert period.date_from.weekday() == 0 and period.date_to.weekday() == 6


@pytest.mark.parametrize(
    "last_day, month, previous",
    [
        # the month's last day completes it; else the month before; the previous month
        # is the calendar month, whatever its length (28 days, 29 in 2024)
        (dt.date(2025, 3, 31), (dt.date(2025, 3, 1), dt.date(2025, 3, 31)), (1, 28)),
        (dt.date(2025, 3, 18), (dt.date(2025, 2, 1), dt.date(2025, 2, 28)), (1, 31)),
        (dt.date(2024, 3, 15), (dt.date(2024, 2, 1), dt.date(2024, 2, 29)), (1, 31)),
        (dt.date(2025, 1, 10), (dt.date(2024, 12, 1), dt.date(2024, 12, 31)), (1, 30)),
    ],
)
def test_month_is_the_last_complete_calendar_month_against_the_one_before(
    last_day, month, previous
):
    period = complete_period("month", last_day)
    assert (period.date_from, period.date_to) == month
    assert (period.prev_from.day, period.prev_to.day) == previous
    assert period.prev_to == period.date_from - dt.timedelta(days=1)


def test_sparkline_covers_the_period_and_the_eleven_before_it():
    weeks = spark_starts(complete_period("week", dt.date(2025, 3, 16)))
    assert (len(weeks), weeks[0], weeks[-1]) == (12, dt.date(2024, 12, 23), dt.date(2025, 3, 10))
    months = spark_starts(complete_period("month", dt.date(2025, 3, 31)))
    assert (months[0], months[-1]) == (dt.date(2024, 4, 1), dt.date(2025, 3, 1))


def test_change_interval_adds_the_two_half_widths_in_quadrature():
    # halves (90.5 - 84.5) / 2 = 3 and (89 - 81) / 2 = 4: sqrt(9 + 16) = 5 -> 2.5 ± 5
    assert change_interval(2.5, (84.5, 90.5), (81.0, 89.0)) == (-2.5, 7.5)
    assert change_interval(2.5, None, (81.0, 89.0)) is None


# --- the figures ---------------------------------------------------------------------


def test_week_figures_match_the_hand_computed_log(week):
    assert (week.period.date_from, week.period.date_to) == (WEEK_FROM, WEEK_TO)
    # the newest timestamp: the late conversation's reply, Tue 18 Mar 09:10 UTC
    assert week.as_of == dt.datetime(2025, 3, 18, 9, 10, tzinfo=dt.UTC)
    assert (week.min_n, week.methodology_version) == (MIN_N, "1.0")
    # ordered by n: Acme 5, Bluebird 4, HOSTILE 1
    assert [(b.brand, b.n, b.previous_n) for b in week.brands] == [
        ("Acme", 5, 4),
        ("Bluebird", 4, 2),
        (HOSTILE, 1, 0),
    ]
    acme, bluebird, hostile = week.brands
    assert (acme.index, acme.previous_index, acme.change) == (87.5, 85.0, 2.5)
    assert [(c.component, round(c.points, 6)) for c in acme.contributions] == [
        ("mood", 7.5),
        ("speed", -5.0),
    ]
    low, high = acme.index_ci
    assert low < 87.5 <= high
    change_low, change_high = acme.change_ci
    # the change's interval is centred on it and wider than the week's own half-width
    assert (change_low + change_high) / 2 == pytest.approx(2.5, abs=0.05)
    assert (change_high - change_low) / 2 >= (high - low) / 2 - 0.05
    # Bluebird: an index, but the previous week is under min n: no change, no bars
    assert (bluebird.index, bluebird.previous_index, bluebird.change) == (85.0, None, None)
    assert bluebird.contributions == [] and bluebird.change_ci is None
    assert "Not enough data to compare" in bluebird.summary
    # the hostile brand is under min n: no index, no interval, no change
    assert (hostile.index, hostile.index_ci, hostile.change, hostile.enough) == (
        None,
        None,
        None,
        False,
    )


def test_sparkline_is_weekly_with_n_and_gaps_under_min_n(week):
    acme = week.brands[0]
    assert len(acme.spark) == 12
    assert acme.spark[-2:] == (
        SparkPoint(dt.date(2025, 3, 3), 4, 85.0),
        SparkPoint(dt.date(2025, 3, 10), 5, 87.5),
    )
    assert all(p.index is None and p.n == 0 for p in acme.spark[:-2])
    # Bluebird's previous week has 2 conversations: a gap that still says its n
    assert week.brands[1].spark[-2] == SparkPoint(dt.date(2025, 3, 3), 2, None)
    assert text_sparkline(acme.spark) == "··········▅▅"


def test_selected_brands_only(data_dir):
    config = load_config(data_dir)
    made = digest(connection.connect(data_dir, config), config, "week", ("Bluebird",))
    assert [b.brand for b in made.brands] == ["Bluebird"]


# --- the adapter to the other views ------------------------------------------------------


@dataclasses.dataclass
class FakeMover:
    brand: str
    index_now: float
    index_before: float
    change_points: float
    change_low: float
    change_high: float
    n_now: int
    n_before: int
    direction: str


def test_adapter_reads_the_other_views_in_their_documented_shapes(monkeypatch, data_dir):
    calls: list[tuple] = []
    from dashboard.views import alerts as alerts_view
    from dashboard.views import movers as movers_view

    monkeypatch.setattr(alerts_view, "alerts", lambda con, config, filters: alerts_frame())
    asked: list = []

    def fake_movers(con, config, filters, by, before):
        asked.append((filters.date_from, before.date_from, before.date_to))
        return types.SimpleNamespace(
            up=[FakeMover("Acme", 87.5, 80.0, 7.5, 2.0, 13.0, 500, 480, "up")], down=[]
        )

    monkeypatch.setattr(movers_view, "movers", fake_movers)
    from dashboard.views import topics as topics_view

    def fake_topics_by_brand(con, config, filters, limit):
        calls.append((filters.brands, limit))
        # Bluebird's rows first: the digest puts them in its own brand order
        both = pl.concat([topics_frame().with_columns(brand=pl.lit("Bluebird")), topics_frame()])
        return both.with_columns(rank=pl.int_range(1, pl.len() + 1).over("brand"))

    monkeypatch.setattr(topics_view, "topics_by_brand", fake_topics_by_brand)
    config = load_config(data_dir)
    made = digest(connection.connect(data_dir, config), config, "week")
    # the alert of 17 Mar is outside the week; newest first
    assert made.alerts["day"].to_list() == [dt.date(2025, 3, 12), dt.date(2025, 3, 11)]
    assert made.movers.select("brand", "change_points", "direction").rows() == [("Acme", 7.5, "up")]
    # against the digest's previous period (the week of 3-9 Mar), not an equal-length guess
    assert asked == [(dt.date(2025, 3, 10), dt.date(2025, 3, 3), dt.date(2025, 3, 9))]
    # topics: asked once for the scored brands (Acme, Bluebird), 5 terms each, in that order
    assert calls == [(("Acme", "Bluebird"), 5)]
    assert made.topics["brand"].to_list() == ["Acme", "Acme", "Bluebird", "Bluebird"]


# --- HTML ------------------------------------------------------------------------------


class Tags(HTMLParser):
    """Every element and attribute of a document, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]


def test_html_is_self_contained_and_email_safe(week):
    html = render_html(with_sections(week))
    parsed = Tags()
    parsed.feed(html)
    # tables, text and inline SVG only: no script, style sheet, image, frame or form
    allowed = {"html", "head", "meta", "title", "body", "table", "tr", "td", "th", "div"}
    allowed |= {"span", "b", "br", "svg", "g", "line", "polyline", "circle", "rect", "text"}
    assert parsed.tags <= allowed, parsed.tags - allowed
    names = {name for _, name, _ in parsed.attrs}
    assert not {"src", "href", "class", "srcset", "xlink:href"} & names
    assert not [n for n in names if n.startswith("on")]  # no event handler
    assert not [v for _, n, v in parsed.attrs if n == "style" and "url(" in v]
    # no URL anywhere, not even in text (a mail client would link it) or a namespace
    assert not re.search(r"https?://", html)
    assert html.count("<svg") >= 6  # 3 sparklines (brands), bars, movers, alerts, topics


def test_html_escapes_a_brand_named_as_markup(week):
    html = render_html(with_sections(week))
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert HOSTILE not in html and "<b>refund</b>" not in html
    assert "&lt;b&gt;refund&lt;/b&gt;" in html


def test_html_states_period_as_of_methodology_and_every_n(week):
    html = render_html(with_sections(week), dt.datetime(2025, 3, 19, 7, 0, tzinfo=dt.UTC))
    assert "week of 10–16 Mar 2025 (Monday to Sunday, UTC), compared with week of 03–09 Mar" in html
    assert "Data as of Tue 18 Mar 2025 09:10 (UTC) · generated 19 Mar 2025 07:00 UTC" in html
    assert "methodology version 1.0" in html and "minimum n 4 conversations" in html
    assert "87.5" in html and "▲ +2.5 pts" in html
    assert "n = 5 conversations" in html and "previous week 85.0 (n = 4)" in html
    assert "no change: the previous week has 2 conversations (fewer than 4)" in html
    assert "not enough data: 1 conversation this week, fewer than 4" in html
    # sections from the hand-made frames, each figure with its n
    assert "149" not in html  # the alert of 17 Mar is not in the week
    assert "41.7</b> against 70.2 expected" in html and "n = 30" in html
    assert "n = 480 → 500" in html and "95% CI +2.0 to +13.0" in html
    assert "120 messages" in html and "n = 118" in html and "-0.62" in html


def test_under_min_n_brand_shows_no_number(week):
    html = render_html(week)
    block = re.search(r'<td data-brand="&lt;script.*?</td></tr>', html, re.DOTALL).group(0)
    assert "not enough data" in block and "data-index" not in block and "pts" not in block


# --- Markdown --------------------------------------------------------------------------


def test_markdown_has_the_same_figures_and_text_charts(week):
    md = render_markdown(with_sections(week))
    assert md.startswith("# Customer Happiness Index · Weekly digest")
    assert "Data as of Tue 18 Mar 2025 09:10 (UTC)" in md
    assert "| Acme | **87.5** (95% CI" in md and "**+2.5**" in md and "85.0 (n = 4) | 5 |" in md
    assert "`··········▅▅`" in md
    assert "Mood +7.5 `████████████` · Speed -5.0 `████████`" in md  # 12 chars = the top
    assert "| ▲ | Acme | +7.5 | +2.0 to +13.0 | 80.0 → 87.5 | 480 → 500 |" in md
    assert "<svg" not in md and "data:" not in md


def test_markdown_escapes_a_brand_named_as_markup(week):
    md = render_markdown(with_sections(week))
    assert "<script>" not in md and "[x](http" not in md
    assert r"\<script\>" in md


# --- the command -------------------------------------------------------------------------


def test_command_writes_html_by_suffix_and_says_what(capsys, data_dir, tmp_path):
    out = tmp_path / "digest.html"
    assert main(["digest", "--data", str(data_dir), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "weekly digest of week of 10–16 Mar 2025 (3 brand(s), 2 scored)" in said
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "87.5" in html
    # the tiny log's changes are all within their intervals: no movers, said so
    assert "No brand&#x27;s index changed by more than its 95% interval this week." in html
    assert not list(tmp_path.glob(".digest.html.*"))  # no temporary file left


def test_command_prints_markdown_without_out(capsys, data_dir):
    assert main(["digest", "--data", str(data_dir), "--brand", "acme"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Customer Happiness Index") and "| Acme |" in md
    assert "Bluebird" not in md


def test_month_compares_the_calendar_month_with_the_one_before(capsys, tmp_path):
    # Acme, 4 conversations at +0.2 in February (11-14 Feb): index 85.0 as above;
    # 4 at +0.6 in March (3-6 Mar), all answered in 10 min: mood 80, speed 100,
    # (0.3 x 80 + 0.2 x 100 + 0.2 x 100 + 0.1 x 100) / 0.8 = 74 / 0.8 = 92.5, change
    # +7.5, all of it mood: 0.3 x (80 - 60) / 0.8 = 7.5; one on 2 April ends the data
    rows = []
    for cid, day, sentiment in [
        *((f"f{k}", -20 + k, 0.2) for k in range(4)),
        *((f"m{k}", k, 0.6) for k in range(4)),
        ("a0", 30, 0.0),
    ]:
        rows.append(message(cid, "inbound", at(0, days=day), sentiment=sentiment))
        rows.append(message(cid, "outbound", at(10, days=day), resolved=True))
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", rows)
    (data_dir / "chi.toml").write_text("min_n = 4\n", encoding="utf-8")
    out = tmp_path / "month.md"
    assert main(["digest", "--data", str(data_dir), "--period", "month", "--out", str(out)]) == 0
    md = out.read_text(encoding="utf-8")
    assert "**March 2025** (the calendar month, UTC), compared with February 2025" in md
    assert "| Acme | **92.5** (95% CI" in md and "**+7.5**" in md
    assert "85.0 (n = 4) | 4 |" in md and "Mood +7.5 `████████████`" in md
    assert "last 12 months" in md


def test_no_complete_period_in_the_data_is_a_clear_error(capsys, data_dir):
    # the data runs from 3 to 18 March: February, the last complete month, precedes it
    assert main(["digest", "--data", str(data_dir), "--period", "month"]) == 2
    err = capsys.readouterr().err
    assert "no complete month in the data yet: it runs from 2025-03-03 to 2025-03-18" in err


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--out", "digest.txt"], "cannot tell the format from '.txt'"),
        (["--out", "no/such/dir/d.html"], "does not exist"),
        (["--brand", "Nope"], "--brand Nope is not a brand in the data"),
    ],
)
def test_command_errors_are_one_line(capsys, data_dir, tmp_path, monkeypatch, flags, message):
    monkeypatch.chdir(tmp_path)
    assert main(["digest", "--data", str(data_dir), *flags]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_command_on_an_empty_data_dir_is_a_clear_error(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    assert main(["digest", "--data", str(tmp_path / "empty")]) == 2
    assert "no conversations" in capsys.readouterr().err
    assert main(["digest", "--data", str(tmp_path / "missing")]) == 2
    assert "no data directory" in capsys.readouterr().err
