"""The `chi` command line: report output, errors without tracebacks."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dashboard.cli import main
from tests.conftest import write_rows
from tests.test_overview import two_weeks


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    write_rows(path, "interactions", two_weeks())
    return path


def overview_rows(data_dir, capsys, *flags: str) -> dict[str, dict]:
    code = main(
        [
            "report",
            "overview",
            "--data",
            str(data_dir),
            "--from",
            "2025-03-10",
            "--to",
            "2025-03-16",
            *flags,
        ]
    )
    assert code == 0
    return {r["kpi"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}


def test_report_overview_prints_kpis_as_csv(data_dir, capsys):
    # --min-n 1: the tiny log's 4 and 2 conversations count, so changes are shown
    rows = overview_rows(data_dir, capsys, "--min-n", "1")
    assert rows["Conversations"]["value"] == "4.0"
    assert rows["Conversations"]["previous"] == "2.0"
    assert rows["Response rate"]["change"] == "50.0"
    assert rows["Conversations"]["previous_start"] == "2025-03-03"
    assert (rows["Response rate"]["conversations"], rows["Response rate"]["below_min_n"]) == (
        "4",
        "false",
    )


def test_report_overview_shows_no_change_under_the_minimum_n(data_dir, capsys):
    # the config's min_n = 20: 4 conversations now, 2 before
    rows = overview_rows(data_dir, capsys)
    assert rows["Response rate"]["value"] != ""  # the value stays, flagged
    assert (rows["Response rate"]["change"], rows["Response rate"]["below_min_n"]) == ("", "true")
    assert rows["Conversations"]["change"] == ""
    # with --min-n 3 the current period counts but the previous (2) does not
    rows = overview_rows(data_dir, capsys, "--min-n", "3")
    assert (rows["Response rate"]["change"], rows["Response rate"]["below_min_n"]) == ("", "false")


def test_report_overview_as_json_has_null_for_missing_values(data_dir, capsys):
    code = main(
        [
            "report",
            "overview",
            "--data",
            str(data_dir),
            "--format",
            "json",
            "--from",
            "2025-03-03",
            "--to",
            "2025-03-09",
        ]
    )
    assert code == 0
    rows = {r["kpi"]: r for r in json.loads(capsys.readouterr().out)}
    # the previous week (24 Feb - 2 Mar) has no conversations: no rate, not zero
    assert rows["Response rate"]["previous"] is None
    assert rows["Conversations"]["previous"] == 0


def test_unknown_brand_is_one_line_error_naming_the_known_ones(data_dir, capsys):
    code = main(["report", "overview", "--data", str(data_dir), "--brand", "Nope"])
    assert code == 2
    err = capsys.readouterr().err
    assert "Nope" in err and "Acme" in err
    assert "Traceback" not in err


def test_broken_config_file_is_reported_not_raised(data_dir, capsys):
    (data_dir / "chi.toml").write_text("[weights\nmood = ")
    code = main(["report", "overview", "--data", str(data_dir)])
    assert code == 2
    assert "chi.toml" in capsys.readouterr().err


def test_report_on_an_empty_data_dir_says_what_to_do(tmp_path, capsys):
    code = main(["report", "overview", "--data", str(tmp_path / "empty")])
    assert code == 2
    assert "chi demo" in capsys.readouterr().err


def test_row_counts_accept_underscores_and_exponents_but_not_fractions() -> None:
    import argparse

    from dashboard.commands.common import positive_count

    assert positive_count("1_000_000") == 1_000_000
    assert positive_count("1e7") == 10_000_000
    for bad in ("1.5", "0", "ten"):
        with pytest.raises(argparse.ArgumentTypeError):
            positive_count(bad)
