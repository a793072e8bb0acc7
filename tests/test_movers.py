"""Movers (docs/METRICS.md, "Movers"): the groups whose index changed clearly against the
previous period, on a hand-made log with every change and interval worked out.

Previous period: week of Mon 3 Mar 2025; current: week of Mon 10 Mar (min n 3). Every
conversation is answered within 30 min on twitter (speed 100, resolution 100 by the
proxy), none has a mood or a rating, so the index is (20 + 20 + 10 E/100) / 0.5 =
80 + 0.2 E and only Effort varies: a conversation with three customer messages is not
effortless. Speed and resolution are the same for every conversation, so they add no
variance or covariance; by the delta method
    var(I) = w_E^2 x 100^2 x (k - k^2 / n) / (n (n - 1)) / 0.5^2   (k effortless of n),
df = n - 1, and the change's interval is change +- t(df) sqrt(var now + var before).

Acme   before 3 of 10 effortless: index 86, var 100 x 2.1 / 90 / 0.25 = 9.333
       now    9 of 10:            index 98, var 100 x 0.9 / 90 / 0.25 = 4.0
       change +12, half-width t(9) x sqrt(13.333) = 2.262 x 3.651 = 8.26 -> 3.74 to 20.26: up
Globex before 4 of 10: index 88, var 100 x 2.4 / 90 / 0.25 = 10.667
       now    5 of 10: index 90, var 100 x 2.5 / 90 / 0.25 = 11.111
       change +2, half-width 2.262 x sqrt(21.778) = 10.56 -> -8.56 to 12.56: no mover
Initech before 10 of 10 (index 100), now 1 of 2 (index 90, n 2 < 3): not compared
Dropco  before 10 of 10 (index 100), now 0 of 10 (index 80, var 0): change -20 with no
        spread at all (t(9) x 0): down
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dashboard.cli import main
from dashboard.core.filters import Filters
from dashboard.views import movers
from tests.conftest import at, message, write_rows

NOW = Filters(dt.date(2025, 3, 10), dt.date(2025, 3, 16))
T9 = 2.262  # Student's t, 95 %, 9 degrees of freedom


def conversation(brand: str, cid: str, week: int, effortless: bool) -> list[dict]:
    day = 7 * week
    inbound = 1 if effortless else 3
    rows = [
        message(cid, "inbound", at(k, days=day), brand=brand, author_id=f"c-{cid}")
        for k in range(inbound)
    ]
    return rows + [message(cid, "outbound", at(30, days=day), brand=brand)]


def group(brand: str, week: int, effortless: int, n: int) -> list[dict]:
    return [
        row
        for i in range(n)
        for row in conversation(brand, f"{brand}-{week}-{i}", week, i < effortless)
    ]


def log() -> list[dict]:
    return (
        group("Acme", 0, 3, 10)
        + group("Acme", 1, 9, 10)
        + group("Globex", 0, 4, 10)
        + group("Globex", 1, 5, 10)
        + group("Initech", 0, 10, 10)
        + group("Initech", 1, 1, 2)
        + group("Dropco", 0, 10, 10)
        + group("Dropco", 1, 0, 10)
    )


@pytest.fixture
def result(make_db, config):
    con = make_db(log())
    return movers.movers(con, dataclasses.replace(config, min_n=3), NOW)


def test_a_change_beyond_its_interval_is_a_mover_up(result):
    (up,) = result.up
    assert (up.brand, up.channel, up.n_now, up.n_before) == ("Acme", None, 10, 10)
    assert (up.index_now, up.index_before) == (pytest.approx(98.0), pytest.approx(86.0))
    assert up.change_points == pytest.approx(12.0)
    half = T9 * (4.0 + 9.3333) ** 0.5
    assert up.change_low == pytest.approx(12 - half, abs=0.02)
    assert up.change_high == pytest.approx(12 + half, abs=0.02)
    assert up.direction == "up"


def test_a_fall_without_any_spread_is_a_mover_down(result):
    (down,) = result.down
    assert (down.brand, down.change_points, down.change_low, down.change_high) == (
        "Dropco",
        pytest.approx(-20.0),
        pytest.approx(-20.0),
        pytest.approx(-20.0),
    )


def test_a_change_within_its_interval_is_compared_but_no_mover(result):
    globex = result.groups.filter(result.groups["brand"] == "Globex").row(0, named=True)
    assert globex["compared"] and not globex["moved"]
    assert globex["change_points"] == pytest.approx(2.0)
    half = T9 * (10.667 + 11.111) ** 0.5
    assert (globex["change_low"], globex["change_high"]) == (
        pytest.approx(2 - half, abs=0.02),
        pytest.approx(2 + half, abs=0.02),
    )


def test_a_group_under_min_n_in_either_period_is_not_compared(result):
    initech = result.groups.filter(result.groups["brand"] == "Initech").row(0, named=True)
    assert (initech["n_now"], initech["n_before"]) == (2, 10)
    assert not initech["compared"] and not initech["moved"]
    assert result.compared == 3  # Acme, Globex, Dropco


def test_movers_by_brand_and_channel_name_the_channel(make_db, config):
    con = make_db(log())
    result = movers.movers(con, dataclasses.replace(config, min_n=3), NOW, by="brand,channel")
    assert [(m.brand, m.channel) for m in result.up + result.down] == [
        ("Acme", "twitter"),
        ("Dropco", "twitter"),
    ]


def test_chi_report_movers_lists_the_risers_then_the_fallers(tmp_path, capsys):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", log())
    (data_dir / "chi.toml").write_text("min_n = 3\n", encoding="utf-8")
    args = ["report", "movers", "--data", str(data_dir), "--from", "2025-03-10"]
    assert main([*args, "--to", "2025-03-16", "--format", "json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert [(r["brand"], r["direction"], r["below_min_n"]) for r in rows] == [
        ("Acme", "up", False),
        ("Dropco", "down", False),
    ]
    assert rows[0]["previous_start"] == "2025-03-03" and rows[0]["conversations"] == 10
    assert main([*args, "--to", "2025-03-16", "--all", "--format", "json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert {r["brand"]: r["moved"] for r in every} == {
        "Acme": True,
        "Dropco": True,
        "Globex": False,
        "Initech": False,
    }
