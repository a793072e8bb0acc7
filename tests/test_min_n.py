"""One minimum-n rule for pages, reports and feeds (docs/METRICS.md, "Minimum n"), and
the marker of an unsplit brand or channel, which never collides with a real name."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json

import pytest

from dashboard.cli import main
from dashboard.core.filters import Filters
from dashboard.views import evidence, overview
from tests.conftest import at, message, write_rows


def answered(cid: str, brand: str = "Acme", days: float = 0, **extra) -> list[dict]:
    return [
        message(cid, "inbound", at(0, days=days), brand=brand),
        message(cid, "outbound", at(10, days=days), brand=brand, **extra),
    ]


def test_a_change_needs_both_periods_at_min_n():
    assert evidence.comparable_change(60.0, 50.0, 20, 20, 20) == pytest.approx(10.0)
    assert evidence.comparable_change(60.0, 50.0, 20, 19, 20) is None  # thin before
    assert evidence.comparable_change(60.0, 50.0, 19, 20, 20) is None  # thin now
    assert evidence.comparable_change(60.0, None, 20, 0, 20) is None  # empty before


def test_kpi_against_an_empty_previous_period_has_no_change(make_db, config):
    # 3 conversations on 10 March, none the week before
    rows = [r for i in range(3) for r in answered(f"c{i}", days=7)]
    con = make_db(rows)
    week = Filters(dt.date(2025, 3, 10), dt.date(2025, 3, 16))
    tiles = {k.label: k for k in overview.kpis(con, dataclasses.replace(config, min_n=1), week)}
    conversations = tiles["Conversations"]
    # "Conversations 3, +3" against nothing would be a lie: no change
    assert (conversations.value, conversations.previous_n, conversations.change) == (3, 0, None)
    assert tiles["Happiness index"].below_min_n is False
    # at the default min n of 20 the tile itself is under it
    tiles = {k.label: k for k in overview.kpis(con, config, week)}
    assert tiles["Happiness index"].below_min_n is True


def happiness_rows(capsys, data_dir, *flags: str) -> list[dict]:
    assert main(["report", "happiness", "--data", str(data_dir), "--grain", "all", *flags]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_every_happiness_row_carries_conversations_and_below_min_n(tmp_path, capsys):
    data_dir = tmp_path / "data"
    write_rows(
        data_dir,
        "interactions",
        [r for i in range(3) for r in answered(f"a{i}")] + answered("b0", brand="Bolt"),
    )
    rows = {r["brand"]: r for r in happiness_rows(capsys, data_dir)}
    assert (rows["Acme"]["conversations"], rows["Acme"]["below_min_n"]) == ("3", "true")
    rows = {r["brand"]: r for r in happiness_rows(capsys, data_dir, "--min-n", "2")}
    # Acme's 3 conversations reach --min-n 2; Bolt's 1 does not
    assert (rows["Acme"]["below_min_n"], rows["Bolt"]["below_min_n"]) == ("false", "true")
    # and the index carries its interval
    assert rows["Acme"]["index_ci_low"] != "" and rows["Acme"]["index_ci_high"] != ""


def test_a_brand_named_all_never_collides_with_the_unsplit_rows(tmp_path, capsys):
    data_dir = tmp_path / "data"
    write_rows(
        data_dir,
        "interactions",
        answered("x1", brand="all") + answered("y1", brand="Acme") + answered("y2", brand="Acme"),
    )
    by_brand = happiness_rows(capsys, data_dir)
    assert sorted((r["brand"], r["channel"], r["conversations"]) for r in by_brand) == [
        ("Acme", "", "2"),
        ("all", "", "1"),
    ]
    # split by channel only: the brand is empty (CSV) / null (JSON), never "all"
    by_channel = happiness_rows(capsys, data_dir, "--by", "channel")
    assert [(r["brand"], r["channel"], r["conversations"]) for r in by_channel] == [
        ("", "twitter", "3")
    ]
    assert (
        main(
            [
                "report",
                "happiness",
                "--data",
                str(data_dir),
                "--grain",
                "all",
                "--by",
                "channel",
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)[0]["brand"] is None
    # the brand filter still finds the brand called "all"
    rows = happiness_rows(capsys, data_dir, "--brand", "all")
    assert [(r["brand"], r["conversations"]) for r in rows] == [("all", "1")]


def test_public_feed_row_under_min_n_says_how_many_and_is_flagged(tmp_path, capsys):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", [r for i in range(3) for r in answered(f"c{i}")])
    (data_dir / "chi.toml").write_text('[public]\nbrands = ["Acme"]\n')
    assert main(["report", "public", "--data", str(data_dir), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["conversations"], row["below_min_n"], row["index"]) == (3, True, None)
    assert (row["index_ci_low"], row["change"]) == (None, None)
