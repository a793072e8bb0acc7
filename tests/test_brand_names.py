"""Brand display names ([brands] in chi.toml): applied when the data is read, so the
stored data and rollups keep the source names and a change needs no re-ingest; two
handles given one name are one brand everywhere (reports, drill-down, engagement, the
public board and feeds); `chi report --brand` takes names, slugs and handles.

The log (all on Mon 3 Mar 2025, twitter, target 1 h, default weights mood 0.3,
speed 0.2, resolution 0.2, effort 0.1, satisfaction 0.2; nothing rated, so
satisfaction drops out and the weights sum to 0.8):

  AppleSupport a1: inbound mood +0.5, answered in 30 min (within target), resolved
  AppleSupport a2: inbound mood -0.5, answered in 2 h (late), resolved
  AppleCare    c1: inbound mood +0.2, never answered (not resolved: the proxy)
  sprintcare   s1: inbound mood  0.0, answered in 10 min, resolved
  (resolved is the proxy "answered and not dropped"; every conversation has one
  inbound message on one channel, so all are effortless)

With AppleSupport = "Apple" and applecare = "Apple" (keys match without case), Apple
is a1 + a2 + c1, n = 3:
  M = 50 x (1 + (0.5 - 0.5 + 0.2) / 3) = 53.333   R = 100 x 1/3 = 33.333
  V = 100 x 2/3 = 66.667                          E = 100
  index = (0.3 x 53.333 + 0.2 x 33.333 + 0.2 x 66.667 + 0.1 x 100) / 0.8
        = (16 + 6.667 + 13.333 + 10) / 0.8 = 46 / 0.8 = 57.5
  median first response over its answered conversations: (1800 + 7200) / 2 = 4500 s
Without a mapping AppleSupport alone (a1, a2): M = 50, R = 50, V = 100, E = 100
  -> (15 + 10 + 20 + 10) / 0.8 = 68.75.
sprintcare (s1, n = 1): M = 50, R = V = E = 100 -> (15 + 20 + 20 + 10) / 0.8 = 81.25.

Audience (twitter, 3 Mar): AppleSupport followers 1000, 2 posts, 10 likes + 2 comments;
AppleCare followers 500, 1 post, 3 likes + 1 share. As one Apple account: followers
1000 + 500 = 1500, 3 posts, 16 engagements, engagement rate 100 x 16 / 3 / 1500 =
0.35556 %, conversations per 1,000 followers 1000 x 3 / 1500 = 2.0. sprintcare has two
per-post rows that day (followers 200 and 210): one account, kept as stored (2
snapshots, mean followers 205).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.commands.report import available_views
from dashboard.core.config import ConfigError, load_config
from dashboard.data import connection, rollup, sql
from dashboard.views import public
from tests.conftest import at, message, write_rows
from tests.test_public_api import call

NAMES = """
[brands]
AppleSupport = "Apple"
applecare = "Apple"
"""
DAY = at().date()


def log() -> list[dict]:
    def conversation(brand: str, cid: str, mood: float, reply_min: float | None) -> list[dict]:
        rows = [message(cid, "inbound", at(0), brand=brand, sentiment=mood)]
        if reply_min is not None:
            rows.append(message(cid, "outbound", at(reply_min), brand=brand))
        return rows

    return [
        *conversation("AppleSupport", "a1", 0.5, 30),
        *conversation("AppleSupport", "a2", -0.5, 120),
        *conversation("AppleCare", "c1", 0.2, None),
        *conversation("sprintcare", "s1", 0.0, 10),
    ]


def audience() -> list[dict]:
    def row(brand: str, followers: int, posts: int, likes: int, comments: int, shares: int):
        return {
            "brand": brand,
            "channel": "twitter",
            "date": DAY,
            "followers": followers,
            "posts": posts,
            "likes": likes,
            "comments": comments,
            "shares": shares,
        }

    return [
        row("AppleSupport", 1000, 2, 10, 2, 0),
        row("AppleCare", 500, 1, 3, 0, 1),
        row("sprintcare", 200, 1, 1, 0, 0),
        row("sprintcare", 210, 1, 2, 0, 0),
    ]


def write_config(data_dir: Path, text: str) -> None:
    (data_dir / "chi.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The log with its rollups stored under the source names, then [brands] set."""
    path = tmp_path / "data"
    write_rows(path, "interactions", log())
    write_rows(path, "audience", audience())
    rollup.refresh(path, load_config(path))
    write_config(path, NAMES)
    return path


def report(capsys, data_dir: Path, view: str, *flags: str) -> list[dict]:
    code = main(
        ["report", view, "--data", str(data_dir), "--format", "json", "--precision", "full", *flags]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def by_brand(rows: list[dict]) -> dict[str, dict]:
    return {r["brand"]: r for r in rows}


# --- configuration ------------------------------------------------------------------


def test_brands_table_is_empty_by_default():
    assert load_config().brands == {}
    assert load_config().display_brand("AppleSupport") == "AppleSupport"


def test_brand_keys_match_source_names_without_case(tmp_path):
    write_config(tmp_path, NAMES)
    config = load_config(tmp_path)
    assert [config.display_brand(n) for n in ("APPLESUPPORT", "AppleCare", "sprintcare")] == [
        "Apple",
        "Apple",
        "sprintcare",
    ]


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('[brands]\nAppleSupport = ""', "'AppleSupport' must be a non-empty display name"),
        ("[brands]\nAppleSupport = 3", "'AppleSupport' must be a non-empty display name"),
        ('[brands.AppleSupport]\nname = "Apple"', "'AppleSupport' is a table"),
        ('[brands]\nApple.Support = "Apple"', "'Apple' is a table, not a display name; quote"),
        (
            '[brands]\nAppleSupport = "Apple"\napplesupport = "Apple Inc"',
            "'AppleSupport' and 'applesupport' are the same brand",
        ),
        ("brands = 3", "must be a table"),
    ],
)
def test_a_bad_brands_entry_is_an_error_naming_the_file_and_key(tmp_path, toml, problem):
    write_config(tmp_path, toml + "\n")
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / 'chi.toml'}: [brands] ")
    assert problem in str(error.value)


def test_public_brands_are_display_names_and_accept_source_names(tmp_path):
    write_config(tmp_path, NAMES + '\n[public]\nbrands = ["applesupport", "Apple", "Sprint"]\n')
    assert load_config(tmp_path).public_brands == ("Apple", "Sprint")


def test_changing_the_brand_names_changes_the_fingerprint(tmp_path):
    before = load_config(tmp_path).fingerprint()
    write_config(tmp_path, NAMES)
    assert load_config(tmp_path).fingerprint() != before


# --- the reading connection ------------------------------------------------------------


def test_two_handles_given_one_name_report_as_one_brand_with_summed_n(capsys, data_dir):
    rows = by_brand(report(capsys, data_dir, "happiness", "--grain", "all"))
    assert set(rows) == {"Apple", "sprintcare"}
    apple = rows["Apple"]
    assert apple["conversations"] == 3  # a1 + a2 (AppleSupport) + c1 (AppleCare)
    assert apple["mood"] == pytest.approx(53.333333)
    assert apple["speed"] == pytest.approx(33.333333)
    assert apple["resolution"] == pytest.approx(66.666667)
    assert apple["index"] == pytest.approx(57.5)
    assert rows["sprintcare"]["index"] == pytest.approx(81.25)


def test_names_are_applied_at_read_time_from_the_stored_rollups(capsys, data_dir):
    # the rollups were stored before [brands] was set and are still fresh for it
    con = connection.connect(data_dir, load_config(data_dir))
    assert connection.rollup_status(con).source == connection.STORED
    stored = sql.run(con, "data_bounds", tz="UTC")
    assert list(stored["brands"][0]) == ["Apple", "sprintcare"]
    # the raw data keeps the source names
    source = con.sql("select distinct brand from source_interactions order by brand").fetchall()
    assert [b for (b,) in source] == ["AppleCare", "AppleSupport", "sprintcare"]


def test_a_changed_mapping_shows_on_a_new_connection_without_re_ingest(capsys, data_dir):
    before = connection.data_version(data_dir)
    write_config(data_dir, '[brands]\nsprintcare = "Sprint"\n')
    config = load_config(data_dir)
    con = connection.connect(data_dir, config)
    assert connection.rollup_status(con).source == connection.STORED  # nothing to rebuild
    brands = list(sql.run(con, "data_bounds", tz="UTC")["brands"][0])
    assert brands == ["AppleCare", "AppleSupport", "Sprint"]
    rows = by_brand(report(capsys, data_dir, "happiness", "--grain", "all"))
    assert rows["AppleSupport"]["conversations"] == 2
    assert rows["AppleSupport"]["index"] == pytest.approx(68.75)
    assert connection.data_version(data_dir) == before  # the data did not change


def test_the_shared_connection_follows_an_edited_mapping(data_dir):
    named = load_config(data_dir)
    write_config(data_dir, "")
    plain = load_config(data_dir)
    version = connection.data_version(data_dir)
    try:
        first = connection.shared_connection(data_dir, plain, version)
        second = connection.shared_connection(data_dir, named, version)
        assert first is not second
        assert list(sql.run(first, "data_bounds", tz="UTC")["brands"][0]) == [
            "AppleCare",
            "AppleSupport",
            "sprintcare",
        ]
        assert list(sql.run(second, "data_bounds", tz="UTC")["brands"][0]) == [
            "Apple",
            "sprintcare",
        ]
    finally:
        connection.clear_shared()


def every_report(capsys, data_dir: Path) -> dict[str, list[dict]]:
    return {view: report(capsys, data_dir, view) for view in available_views()}


def test_stored_rollups_and_the_in_memory_model_agree_under_names(capsys, data_dir):
    stored = every_report(capsys, data_dir)
    assert "Apple" in json.dumps(stored)
    assert "AppleSupport" not in json.dumps(stored)
    shutil.rmtree(data_dir / "rollups")  # every figure is now computed in memory
    assert every_report(capsys, data_dir) == stored


def test_stale_months_computed_in_memory_agree_under_names(capsys, data_dir):
    # an April conversation for AppleCare after the rollups were stored: partial
    write_rows(
        data_dir, "interactions", [message("c2", "inbound", at(0, days=31), brand="AppleCare")]
    )
    config = load_config(data_dir)
    assert connection.rollup_status(connection.connect(data_dir, config)).source == (
        connection.PARTIAL
    )
    partial = every_report(capsys, data_dir)
    happiness = report(capsys, data_dir, "happiness", "--grain", "all", "--brand", "Apple")
    assert [r["conversations"] for r in happiness] == [4]  # a1, a2, c1 + c2
    shutil.rmtree(data_dir / "rollups")
    assert every_report(capsys, data_dir) == partial


def test_the_medians_of_one_brand_come_from_both_handles_conversations(capsys, data_dir):
    rows = report(capsys, data_dir, "consistency", "--by-channel")
    apple = next(r for r in rows if r["brand"] == "Apple")
    assert apple["conversations"] == 3
    # median of 1800 and 7200 = 4500, from the summed sketches of both handles: +-1 %
    assert apple["median_first_response_s"] == pytest.approx(4500.0, rel=0.01)


def test_the_drill_down_finds_a_conversation_under_its_display_name(data_dir):
    con = connection.connect(data_dir, load_config(data_dir))
    rows = sql.run(con, "conversation_messages", brand="Apple", conversation_id="a1", tz="UTC")
    assert rows["direction"].to_list() == ["inbound", "outbound"]


def test_two_accounts_given_one_name_are_one_audience(capsys, data_dir):
    rows = by_brand(report(capsys, data_dir, "engagement"))
    apple = rows["Apple"]
    assert (apple["followers"], apple["posts"], apple["engagements"]) == (1500, 3, 16)
    assert apple["engagement_rate_pct"] == pytest.approx(100 * 16 / 3 / 1500)
    assert apple["conversations_per_1k_followers"] == pytest.approx(2.0)
    # sprintcare's two per-post rows are one account as stored: mean of 200 and 210
    con = connection.connect(data_dir, load_config(data_dir))
    snapshots = sql.run(con, "engagement_by_account", **_engagement_params())
    sprint = snapshots.filter(snapshots["brand"] == "sprintcare").row(0, named=True)
    assert (sprint["snapshots"], sprint["followers"]) == (2, 205)


def _engagement_params() -> dict:
    return {
        "date_from": DAY,
        "date_to": DAY,
        "tz": "UTC",
        "brands": [],
        "channels": [],
    }


def test_a_merged_audience_day_lacking_reach_has_no_reach(data_dir):
    # 'display_audience': AppleSupport gave a reach, AppleCare did not -> null, not 1000
    rows = audience()
    rows[0]["reach"] = 1000
    rows[2]["reach"] = 70
    write_rows(data_dir, "audience", rows)
    con = connection.connect(data_dir, load_config(data_dir))
    shown = con.sql("select brand, reach from audience order by brand, reach").fetchall()
    assert shown == [("Apple", None), ("sprintcare", 70), ("sprintcare", None)]


# --- chi report --brand ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["Apple", "apple", "appleSUPPORT", "applecare", "APPLE"])
def test_report_brand_takes_the_name_its_slug_or_a_handle_in_any_case(capsys, data_dir, value):
    rows = report(capsys, data_dir, "happiness", "--grain", "all", "--brand", value)
    assert [(r["brand"], r["conversations"]) for r in rows] == [("Apple", 3)]


def test_report_brand_takes_the_board_slug(capsys, tmp_path):
    path = tmp_path / "data"
    write_rows(path, "interactions", [message("k1", "inbound", at(0), brand="SkylineAirHelp")])
    write_config(path, '[brands]\nSkylineAirHelp = "Skyline Air"\n')
    rows = report(capsys, path, "happiness", "--grain", "all", "--brand", "skyline-air")
    assert [(r["brand"], r["conversations"]) for r in rows] == [("Skyline Air", 1)]


def test_report_brand_unknown_is_an_error_listing_close_matches(capsys, data_dir):
    code = main(["report", "happiness", "--data", str(data_dir), "--brand", "aple"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == (
        "chi report: --brand aple is not a brand in the data; close matches: Apple"
    )
    code = main(["report", "happiness", "--data", str(data_dir), "--brand", "Globex"])
    assert code == 2
    assert "known brands: Apple, sprintcare" in capsys.readouterr().err


# --- the public board -----------------------------------------------------------------


@pytest.fixture
def public_dir(data_dir: Path) -> Path:
    write_config(data_dir, "min_n = 1\n" + NAMES + '\n[public]\nbrands = ["AppleSupport"]\n')
    return data_dir


def test_the_public_board_shows_the_display_name_and_its_slug(public_dir):
    config = load_config(public_dir)
    board = public.board(connection.connect(public_dir, config), config)
    assert [(s.brand, s.slug, s.n, s.index) for s in board.brands] == [("Apple", "apple", 3, 57.5)]


def test_the_feed_uses_the_display_name_and_old_handle_links_still_work(public_dir, monkeypatch):
    from starlette.routing import Router

    from dashboard.web import api

    monkeypatch.setenv("CHI_DATA", str(public_dir))
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    app = Router(routes=api.routes(api.Feed()))
    try:
        status, _, body = call(app, "/api/index.json")
        assert status == 200
        (entry,) = json.loads(body)["brands"]
        assert (entry["brand"], entry["slug"], entry["n"]) == ("Apple", "apple", 3)
        assert entry["links"]["badge"] == "/api/badge/apple.svg"
        assert b"AppleSupport" not in body and b"AppleCare" not in body
        # a badge embedded before the name was set (slug of the handle) keeps working
        for path in ("/api/badge/applesupport.svg", "/api/brands/AppleCare.json"):
            status, _, body = call(app, path)
            assert status == 200, path
        assert json.loads(body)["brand"] == "Apple"
        assert call(app, "/api/brands/sprintcare.json")[0] == 404  # not public
    finally:
        connection.clear_shared()


def test_report_public_prints_the_display_name(capsys, public_dir):
    rows = report(capsys, public_dir, "public")
    assert [(r["brand"], r["slug"]) for r in rows] == [("Apple", "apple")]
