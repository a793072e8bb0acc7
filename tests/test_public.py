"""The public board: ranking, change, suppression, allowlist, history, methodology, JSON,
badges and the static export, on a tiny hand-made log with every number worked out.

min_n = 3 and the allowlist is Acme, Globex, Initech (chi.toml in the data dir).
The data's last day is Sun 30 Mar 2025 (a Secret Co conversation), so
  the period    = 1 Mar .. 30 Mar 2025 (30 days),
  the previous  = 30 Jan .. 28 Feb 2025,
  the sparkline = the 26 weeks starting Mon 30 Sep 2024 .. Mon 24 Mar 2025.

Acme, current (week of 3 Mar), 4 twitter conversations (target 1 h):
  a1 answered in 30 min, mood +0.5;  a2 answered in 30 min, mood +0.5
  a3 answered in 2 h,    mood -0.5;  a4 never answered, no sentiment
  M = 50 x (1 + (0.5 + 0.5 - 0.5) / 3) = 58.333   R = 100 x 2/4 = 50
  V = 100 x 3/4 = 75 (proxy: answered and not dropped)   E = 100   C = none rated
  index = (0.3 x 58.333 + 0.2 x 50 + 0.2 x 75 + 0.1 x 100) / 0.8 = 52.5 / 0.8 = 65.625 -> 65.6
Acme, previous (week of 10 Feb), 3 conversations answered in 30 min, mood +0.2:
  M = 60, R = V = E = 100 -> (18 + 20 + 20 + 10) / 0.8 = 85.0; change 65.6 - 85.0 = -19.4
Globex, current: 2 conversations (under min_n 3): suppressed. Had it been shown:
  g1 answered in 10 min, g2 never, both mood -0.3: M = 35, R = 50, V = 50, E = 100
  -> (10.5 + 10 + 10 + 10) / 0.8 = 50.625 -> "50.6" must appear nowhere.
Globex, previous: 3 conversations, so it has a previous index but no change.
Initech: allowlisted, no data at all. Secret Co: lots of data, not allowlisted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dashboard.charts import badge
from dashboard.charts.public import board_html, card_html
from dashboard.cli import main
from dashboard.core.config import load_config
from dashboard.data import connection
from dashboard.views import movers, public
from dashboard.web.static_export import ExportError, export_public, static_links
from tests.conftest import at, message, write_rows

CONFIG = """
min_n = 3

[public]
brands = ["Acme", "Globex", "Initech"]
"""
SECRET_TEXTS = (
    "Where is my parcel? Account 99887766",
    "My card ending 4242 was charged twice",
    "SECRET CO internal complaint about invoice INV-31337",
)
HIDDEN_INDEX = "50.6"  # Globex's current index, were it not suppressed


def _conversation(
    brand: str, cid: str, day: float, reply_min: float | None, sentiment: float | None, text: str
) -> list[dict]:
    rows = [
        message(
            cid,
            "inbound",
            at(0, days=day),
            brand=brand,
            sentiment=sentiment,
            text=text,
            author_id=f"user-{cid}-7f3a9c",
        )
    ]
    if reply_min is not None:
        rows.append(
            message(
                cid,
                "outbound",
                at(reply_min, days=day),
                brand=brand,
                text="Sorry to hear that, we are on it",
                author_id=f"agent-{cid}",
                # the brand's staff member: private, never in a public output
                agent_id=f"Staffer {cid.upper()}",
            )
        )
    return rows


def rows() -> list[dict]:
    log: list[dict] = []
    for cid, reply, mood in (
        ("a1", 30, 0.5),
        ("a2", 30, 0.5),
        ("a3", 120, -0.5),
        ("a4", None, None),
    ):
        log += _conversation("Acme", cid, 0, reply, mood, SECRET_TEXTS[0])
    for cid in ("ap1", "ap2", "ap3"):
        log += _conversation("Acme", cid, -21, 30, 0.2, SECRET_TEXTS[1])
    log += _conversation("Globex", "g1", 1, 10, -0.3, SECRET_TEXTS[1])
    log += _conversation("Globex", "g2", 1, None, -0.3, SECRET_TEXTS[1])
    for cid in ("gp1", "gp2", "gp3"):
        log += _conversation("Globex", cid, -20, 10, 0.0, SECRET_TEXTS[1])
    for k in range(5):
        log += _conversation("Secret Co", f"s{k}", 27, 5, 0.9, SECRET_TEXTS[2])
    return log


def secrets() -> list[str]:
    """Every message text, author id and agent id of the fixture: none may be published."""
    log = rows()
    agents = {r["agent_id"] for r in log if r.get("agent_id")}
    return sorted({r["text"] for r in log} | {r["author_id"] for r in log} | agents)


def write(data_dir: Path) -> Path:
    write_rows(data_dir, "interactions", rows())
    (data_dir / "chi.toml").write_text(CONFIG, encoding="utf-8")
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write(tmp_path / "data")


@pytest.fixture
def config(data_dir: Path):
    return load_config(data_dir)


@pytest.fixture
def con(data_dir: Path, config):
    return connection.connect(data_dir, config)


@pytest.fixture
def board(con, config) -> public.Board:
    return public.board(con, config)


def assert_no_secrets(text: str) -> None:
    for secret in secrets():
        assert secret not in text
    assert HIDDEN_INDEX not in text


# --- the board --------------------------------------------------------------------


def test_period_is_the_last_30_days_to_the_data_last_day_against_the_30_before(board):
    assert board.period == public.Period(dt.date(2025, 3, 1), dt.date(2025, 3, 30))
    assert board.previous == public.Period(dt.date(2025, 1, 30), dt.date(2025, 2, 28))


def test_board_lists_only_allowlisted_brands_ranked_suppressed_last(board):
    assert [(s.rank, s.brand) for s in board.brands] == [
        (1, "Acme"),
        (None, "Globex"),
        (None, "Initech"),
    ]


def test_index_change_and_components_are_computed_by_hand(board):
    acme = board.find("acme")
    assert acme.index == 65.6  # 52.5 / 0.8 = 65.625
    assert acme.previous_index == 85.0  # 68 / 0.8
    assert acme.change == -19.4 and acme.direction == "down"
    assert acme.n == 4
    assert acme.components == {
        "mood": 58.3,
        "speed": 50.0,
        "resolution": 75.0,
        "effort": 100.0,
        "satisfaction": None,
    }
    assert acme.resolution_is_proxy


def test_brand_under_min_n_is_suppressed_not_zero(board):
    globex = board.find("Globex")
    assert globex.suppressed and globex.rank is None
    assert globex.index is None and globex.n is None and globex.change is None
    assert set(globex.components.values()) == {None}
    assert globex.previous_index is not None  # 3 conversations in February: shown


def test_allowlisted_brand_without_data_is_listed_as_not_enough_data(board):
    initech = board.find("initech")
    assert initech.suppressed and all(p.index is None for p in initech.sparkline)


def test_sparkline_is_26_weekly_points_with_suppressed_weeks_null(board):
    acme, globex = board.find("acme"), board.find("globex")
    assert len(acme.sparkline) == 26
    assert acme.sparkline[0].week_start == dt.date(2024, 9, 30)
    assert acme.sparkline[-1].week_start == dt.date(2025, 3, 24)
    shown = {p.week_start: (p.index, p.n) for p in acme.sparkline if p.index is not None}
    assert shown == {dt.date(2025, 2, 10): (85.0, 3), dt.date(2025, 3, 3): (65.6, 4)}
    # Globex: 3 in the week of 10 Feb (shown), 2 in the week of 3 Mar (suppressed)
    assert {p.week_start for p in globex.sparkline if p.index is not None} == {dt.date(2025, 2, 10)}


def test_empty_allowlist_publishes_nothing_rather_than_everything(con, config):
    board = public.board(con, dataclasses.replace(config, public_brands=()))
    assert board.brands == () and board.period is None
    assert "No brands are published" in board_html(board)


def test_brand_history_covers_every_week_and_refuses_non_public_brands(con, config):
    history = public.brand_history(con, config, "Acme")
    assert history[0].week_start == dt.date(2025, 2, 10)  # Monday of the first data day
    assert history[-1].week_start == dt.date(2025, 3, 24)
    assert {p.week_start: p.index for p in history if p.index is not None} == {
        dt.date(2025, 2, 10): 85.0,
        dt.date(2025, 3, 3): 65.6,
    }
    assert public.brand_history(con, config, "Secret Co") == ()


def test_slugs_are_url_safe_and_unique():
    assert public.slugify("Skyline Air") == "skyline-air"
    assert public.slugify("Café & Co.") == "cafe-co"
    assert public.slugify("東京").startswith("brand-")
    cfg = dataclasses.replace(load_config(), public_brands=("A b", "a-B"))
    assert public.public_slugs(cfg) == {"A b": "a-b", "a-B": "a-b-2"}


# --- methodology --------------------------------------------------------------------


def test_methodology_is_generated_from_the_config(config):
    changed = dataclasses.replace(
        config, methodology_version="2.1", min_n=50, weights={**config.weights, "mood": 0.5}
    )
    text = public.methodology_markdown(changed)
    assert "version 2.1" in text and "Minimum n:** 50" in text
    assert "| Mood (M) |" in text and "| 0.5 |" in text
    assert "| email | 24 h |" in text and "| chat | 5 min |" in text
    # 0.5 / (0.5 + 0.2 + 0.2 + 0.2 + 0.1) = 41.7 %
    assert public.methodology(changed)["components"][0]["weight_pct"] == 41.7


# --- JSON, badges, HTML: nothing private, nothing under min n ---------------------------


def test_board_json_has_every_public_figure_and_nothing_private(board, config):
    feed = public.board_json(board, config, {})
    text = json.dumps(feed, ensure_ascii=False)
    assert_no_secrets(text)
    assert "Secret Co" not in text
    assert feed["methodology_version"] == "1.0" and feed["min_n"] == 3
    assert feed["period"] == {"from": "2025-03-01", "to": "2025-03-30", "days": 30}
    acme = feed["brands"][0]
    assert (acme["brand"], acme["index"], acme["change"], acme["n"]) == ("Acme", 65.6, -19.4, 4)
    for brand in feed["brands"]:
        assert brand["n"] is None or brand["n"] >= 3
        assert all(p["n"] is None or p["n"] >= 3 for p in brand["sparkline"])
        if brand["suppressed"]:
            assert brand["index"] is None and set(brand["components"].values()) == {None}


def test_board_and_card_html_show_numbers_but_nothing_private(board):
    html = board_html(board) + "".join(card_html(s, board) for s in board.brands)
    assert_no_secrets(html)
    assert "Secret Co" not in html
    assert "65.6" in html and "−19.4 pts" in html and "n&lt;3" in html


def test_badge_is_valid_svg_with_the_rounded_index(board):
    svg = badge.brand_badge(board.find("acme"), board)
    root = ET.fromstring(svg.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "66" in texts and "happiness" in texts  # 65.6 rounds to 66


def test_suppressed_badge_says_n_under_min_n(board):
    svg = badge.brand_badge(board.find("globex"), board)
    root = ET.fromstring(svg.encode())
    assert "n<3" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert_no_secrets(svg)


def test_badge_escapes_brand_names():
    svg = badge.badge("happiness", "72", "#15803d", 'Brand <script>alert("x")</script> & Co')
    assert ET.fromstring(svg.encode()).find("{http://www.w3.org/2000/svg}title").text == (
        'Brand <script>alert("x")</script> & Co'
    )
    assert "<script>" not in svg


def test_half_points_round_up_on_the_badge():
    assert badge.whole_points(72.5) == "73" and badge.whole_points(72.4) == "72"


# --- the static export ---------------------------------------------------------------------


def test_static_export_writes_html_json_and_badges_with_nothing_private(con, config, tmp_path):
    out = tmp_path / "site"
    summary = export_public(con, config, out)
    assert (summary.brands, summary.scored) == (3, 1)
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == [
        "badges/acme.svg",
        "badges/globex.svg",
        "badges/initech.svg",
        "brands/acme.json",
        "brands/globex.json",
        "brands/initech.json",
        "index.html",
        "index.json",
        "movers.json",
    ]
    for path in out.rglob("*.*"):
        assert_no_secrets(path.read_text(encoding="utf-8"))
        if path.suffix == ".svg":
            ET.fromstring(path.read_bytes())
    feed = json.loads((out / "index.json").read_text())
    assert feed["brands"][0]["links"] == static_links("acme")
    assert json.loads((out / "brands/acme.json").read_text())["history"][0]["index"] == 85.0
    moved = json.loads((out / "movers.json").read_text())
    assert moved["previous_period"] == {"from": "2025-01-30", "to": "2025-02-28", "days": 30}
    assert moved["compared"] == 1  # Acme (4 and 3); Globex has 2 now, Initech none


def test_movers_json_holds_public_brands_and_aggregates_only(con, config):
    # Acme: 65.625 (n 4) against 85.0 (n 3, three equal conversations: no spread). Now
    # M = 58.3 on three moods (+0.5, +0.5, -0.5; df 2, t 4.303), R and V on 4 varied
    # conversations: the interval of -19.4 spans 0, so Acme is compared, not a mover.
    board = public.board(con, config)
    result = movers.public_movers(con, config, board)
    acme = result.groups.filter(result.groups["brand"] == "Acme").row(0, named=True)
    assert (acme["index_now"], acme["index_before"], acme["change_points"]) == (65.6, 85.0, -19.4)
    assert acme["compared"] and acme["change_low"] < 0 < acme["change_high"]
    assert set(result.groups["brand"]) <= set(config.public_brands)
    text = json.dumps(movers.movers_json(board, result, {}))
    assert_no_secrets(text)
    assert "Secret Co" not in text


def test_public_movers_ask_for_public_brands_only_even_when_secret_co_moves(data_dir, config):
    # Secret Co's 5 conversations are all in the current period: were it public it would
    # not be compared (no previous period), but it must not even be asked for
    con = connection.connect(data_dir, config)
    board = public.board(con, config)
    result = movers.public_movers(con, config, board)
    assert "Secret Co" not in set(result.groups["brand"])
    assert [s.brand for s in board.brands] == ["Acme", "Globex", "Initech"]


def test_static_html_is_self_contained(con, config, tmp_path):
    export_public(con, config, tmp_path / "site")
    html = (tmp_path / "site" / "index.html").read_text()
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "<svg" in html and "65.6" in html
    assert "methodology version 1.0" in html


def test_export_replaces_a_previous_export_but_not_other_folders(con, config, tmp_path):
    out = tmp_path / "site"
    export_public(con, config, out)
    (out / "badges" / "stale.svg").write_text("old")
    export_public(con, config, out)
    assert not (out / "badges" / "stale.svg").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    with pytest.raises(ExportError):
        export_public(con, config, precious)
    assert (precious / "thesis.txt").read_text() == "do not delete"


def test_chi_export_public_command(data_dir, tmp_path, capsys):
    assert main(["export-public", "--out", str(tmp_path / "site"), "--data", str(data_dir)]) == 0
    assert "3 public brand(s) (1 scored)" in capsys.readouterr().out
    assert (tmp_path / "site" / "index.html").is_file()


def test_chi_export_public_refuses_a_foreign_folder_in_one_line(data_dir, tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("x")
    assert main(["export-public", "--out", str(tmp_path / "docs"), "--data", str(data_dir)]) == 2
    assert "not a previous export" in capsys.readouterr().err


def test_chi_report_public_prints_the_board(data_dir, capsys):
    assert main(["report", "public", "--data", str(data_dir), "--format", "json"]) == 0
    out = capsys.readouterr().out
    rows = json.loads(out)
    assert [(r["brand"], r["index"], r["change"]) for r in rows] == [
        ("Acme", 65.6, -19.4),
        ("Globex", None, None),
        ("Initech", None, None),
    ]
    assert_no_secrets(out)


def test_topics_never_reach_a_public_output(con, config, tmp_path):
    from dashboard.core.filters import Filters
    from dashboard.ui.navigation import visible_pages
    from dashboard.views import topics
    from dashboard.web import api

    # privately, the customers' words are topics of their brands...
    year = Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    private = topics.topics_by_brand(con, dataclasses.replace(config, topics_min_count=1), year)
    words = {"parcel", "charged twice", "internal complaint"}
    assert words <= set(private["term"])
    # ...and no public page, feed, export or badge carries them
    assert not [s for s, _ in visible_pages(True) if "topic" in s.file]
    assert not [r for r in api.routes(api.Feed()) if "topic" in r.path]
    export_public(con, config, tmp_path / "site")
    published = " ".join(
        p.read_text(encoding="utf-8").lower() for p in (tmp_path / "site").rglob("*.*")
    )
    assert not [w for w in words if w in published]
