"""CSV written for people neutralises spreadsheet formulas (issue 18, item 6): a text
cell that starts with = + - @, a tab or a carriage return gets a single quote in front
in every `chi report --format csv` and in the rejects CSV of an import; numbers (also
negative ones) stay numbers; `--format json` keeps every value raw."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest

from dashboard.cli import main
from dashboard.data import csv_safe
from tests.conftest import at, message, write_rows

FORMULA = '=HYPERLINK("http://evil.example","x")'


def test_text_cells_that_start_like_a_formula_get_a_quote_and_numbers_stay_numbers():
    frame = pl.DataFrame(
        {
            "text": ["=1+1", "+1", "-1.5 pts", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", None],
            "number": [-5, 1, -2, 0, 3, 4, 5, 6, None],
            "ratio": [-1.5, 0.0, 2.5, -0.1, 1.0, 1.0, 1.0, 1.0, None],
        }
    )
    out = csv_safe.neutralise(frame)
    assert out["text"].to_list() == [
        "'=1+1",
        "'+1",
        "'-1.5 pts",  # a text cell: quoted even when it is a real value (documented)
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "plain",
        "a=b",  # only the first character counts
        None,
    ]
    assert out["number"].to_list() == frame["number"].to_list()
    assert out["ratio"].to_list() == frame["ratio"].to_list()
    assert out.schema == frame.schema


def test_a_column_name_that_starts_like_a_formula_gets_a_quote_too():
    assert csv_safe.neutralise(pl.DataFrame({"=cmd": ["a"], "ok": ["b"]})).columns == [
        "'=cmd",
        "ok",
    ]


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A brand named like a formula, public, with a previous period happier than this
    one (public change negative): 3 Feb 2025 two conversations answered in 5 minutes
    with mood +0.8; 10 and 11 March 2025 two answered in 5 minutes with mood -0.8."""
    path = tmp_path / "data"
    rows = []
    for cid, day, sentiment in (
        ("c1", -28, 0.8),
        ("c2", -28, 0.8),
        ("c3", 7, -0.8),
        ("c4", 8, -0.8),
    ):
        rows.append(message(cid, "inbound", at(0, days=day), brand=FORMULA, sentiment=sentiment))
        rows.append(message(cid, "outbound", at(5, days=day), brand=FORMULA))
    write_rows(path, "interactions", rows)
    (path / "chi.toml").write_text(f"min_n = 1\n\n[public]\nbrands = ['{FORMULA}']\n")
    return path


def report(data_dir: Path, capsys, name: str, fmt: str) -> str:
    capsys.readouterr()
    assert main(["report", name, "--data", str(data_dir), "--format", fmt]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", ["happiness", "public"])
def test_report_csv_shows_a_formula_brand_as_text(data_dir, capsys, name):
    rows = list(csv.DictReader(io.StringIO(report(data_dir, capsys, name, "csv"))))
    assert rows and {r["brand"] for r in rows} == {"'" + FORMULA}
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())


@pytest.mark.parametrize("name", ["happiness", "public"])
def test_report_json_keeps_the_brand_raw(data_dir, capsys, name):
    records = json.loads(report(data_dir, capsys, name, "json"))
    assert records and {r["brand"] for r in records} == {FORMULA}


def test_a_negative_change_stays_a_number_in_the_public_csv(data_dir, capsys):
    (row,) = csv.DictReader(io.StringIO(report(data_dir, capsys, "public", "csv")))
    (record,) = json.loads(report(data_dir, capsys, "public", "json"))
    # the mood fell from +0.8 to -0.8 with everything else equal: the index fell
    assert record["change"] < 0
    assert row["change"] == str(record["change"])  # "-18.0"-like, no quote


def test_a_rejected_row_that_holds_a_formula_is_text_in_the_rejects_csv(tmp_path, capsys):
    source = tmp_path / "log.csv"
    source.write_text(
        "interaction_id,conversation_id,brand,channel,direction,author_id,created_at,text\n"
        "m1,c1,Acme,twitter,inbound,u1,2025-03-03T09:00:00Z,hello\n"
        "m2,c2,Acme,=1+1,inbound,u2,2025-03-03T09:05:00Z,=1+1\n"
        "m3,c3,Acme,twitter,inbound,u3,2025-03-03T09:10:00Z,-5 stars\n",
        encoding="utf-8",
    )
    data_dir = tmp_path / "data"
    assert main(["ingest", str(source), "--format", "csv", "--data", str(data_dir)]) == 0
    (rejects,) = (data_dir / "rejects").glob("*.csv")
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    # row 2 of the data (the header is not a row): its channel and text, neutralised
    assert [(r["row"], r["channel"], r["text"]) for r in rows] == [("2", "'=1+1", "'=1+1")]
    assert rows[0]["reason"].startswith("column 'channel'")
    assert "rejected: 1" in capsys.readouterr().out
