"""`chi report happiness`: the index and components per period and group, as CSV/JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dashboard.cli import main
from tests.conftest import write_rows
from tests.test_happiness import edge_log

HEADER = [
    "period_start",
    "brand",
    "channel",
    "conversations",
    *(
        f"{c}{s}"
        for c in ("mood", "speed", "resolution", "effort", "satisfaction")
        for s in ("", "_ci_low", "_ci_high")
    ),
    "index",
    "index_ci_low",
    "index_ci_high",
    "below_min_n",
]


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    write_rows(path, "interactions", edge_log())
    return path


def report(capsys, data_dir, *flags: str) -> list[dict]:
    code = main(["report", "happiness", "--data", str(data_dir), "--precision", "full", *flags])
    assert code == 0
    out = capsys.readouterr().out
    if "--format" in flags and "json" in flags:
        return json.loads(out)
    reader = csv.DictReader(io.StringIO(out))
    assert reader.fieldnames == HEADER
    return list(reader)


def test_default_is_monthly_by_brand_over_the_whole_data(capsys, data_dir):
    rows = report(capsys, data_dir)
    assert [(r["period_start"], r["brand"], r["channel"], r["conversations"]) for r in rows] == [
        ("2025-03-01", "Acme", "", "6")
    ]
    # the worked figures of tests/test_happiness.py
    assert float(rows[0]["index"]) == pytest.approx(62.7333333)
    assert float(rows[0]["mood"]) == pytest.approx(48.0)


def test_component_without_data_is_empty_in_csv_and_null_in_json(capsys, data_dir):
    rows = report(capsys, data_dir, "--grain", "all", "--by", "channel")
    email = next(r for r in rows if r["channel"] == "email")
    assert (email["brand"], email["mood"], email["satisfaction"]) == ("", "", "")
    assert float(email["index"]) == pytest.approx(20.0)
    rows = report(capsys, data_dir, "--grain", "all", "--by", "brand,channel", "--format", "json")
    email = next(r for r in rows if r["channel"] == "email")
    assert (email["brand"], email["mood"], email["satisfaction"]) == ("Acme", None, None)
    assert set(email) == set(HEADER)


def test_time_zone_and_filters_shape_the_rows(capsys, data_dir):
    rows = report(capsys, data_dir, "--tz", "Europe/Paris", "--channel", "twitter")
    assert [(r["period_start"], r["conversations"]) for r in rows] == [
        ("2025-03-01", "3"),
        ("2025-04-01", "1"),
    ]


def test_grain_all_is_one_period_starting_at_from(capsys, data_dir):
    rows = report(capsys, data_dir, "--grain", "all", "--from", "2025-03-02", "--to", "2025-03-31")
    assert [(r["period_start"], r["conversations"]) for r in rows] == [("2025-03-02", "6")]


@pytest.mark.parametrize("flag, value", [("--brand", "Nope"), ("--channel", "fax")])
def test_unknown_brand_or_channel_is_an_error_naming_the_known_ones(capsys, data_dir, flag, value):
    code = main(["report", "happiness", "--data", str(data_dir), flag, value])
    assert code == 2
    err = capsys.readouterr().err
    assert value in err and ("Acme" in err or "twitter" in err)
    assert "Traceback" not in err
