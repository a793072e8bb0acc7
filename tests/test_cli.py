"""The `chi` command line: report output, errors without tracebacks."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest

from dashboard.cli import main
from tests.conftest import message, write_rows
from tests.test_overview import two_weeks

JAN1 = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)


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
    assert rows["Conversations"]["value"] == "4"  # a count prints as a whole number
    assert rows["Conversations"]["previous"] == "2"
    assert rows["Response rate"]["change"] == "50"  # 100 % now, 50 % before
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


def test_version_prints_the_installed_version(capsys):
    from importlib import metadata

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"chi {metadata.version('customer-happiness-index')}\n"


def test_help_lists_every_verb_without_importing_any(tmp_path):
    # a fresh interpreter: `chi --help` must not pay for DuckDB, Polars or a verb's code
    probe = (
        "import sys\n"
        "from dashboard import cli\n"
        "cli.build_parser(['--help']).format_help()\n"
        "heavy = [m for m in ('duckdb', 'polars', 'pyarrow', 'pandas', 'streamlit') "
        "if m in sys.modules]\n"
        "verbs = [m for m in sys.modules if m.startswith('dashboard.commands.')]\n"
        "print(heavy, verbs)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] []"


def test_the_verb_list_says_what_each_verb_itself_says():
    from dashboard import cli

    full = cli.build_parser()  # every verb's own parser
    [verbs] = [a for a in full._actions if isinstance(a, argparse._SubParsersAction)]
    helps = {c.dest: c.help for c in verbs._choices_actions}
    assert helps == {verb: summary for verb, (_, summary) in cli.VERBS.items()}


def test_an_unknown_time_zone_is_a_one_line_error(data_dir, capsys):
    code = _exit_code(["report", "overview", "--data", str(data_dir), "--tz", "Mars/Base"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "not a time zone: 'Mars/Base'" in err
    assert err.startswith("chi report overview: error:")


def test_a_mistyped_option_is_reported_by_its_command(data_dir, capsys):
    code = _exit_code(["report", "overview", "--data", str(data_dir), "--brnad", "Acme"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("chi report overview: error: unrecognized arguments: --brnad Acme")
    assert err.count("\n") == 1


def test_a_missing_data_dir_is_an_error_not_an_empty_report(tmp_path, capsys):
    for view in ("overview", "public"):
        assert main(["report", view, "--data", str(tmp_path / "missing")]) == 2
        err = capsys.readouterr().err
        assert "no data directory" in err and "missing" in err


def test_reports_default_to_the_pages_last_90_days(tmp_path, capsys):
    # 1 Jan and 1 Apr 2025 (90 days later): the default window is 2 Jan - 1 Apr, as on
    # the pages (filters.default_period), so only the April conversation counts
    path = tmp_path / "data"
    write_rows(
        path,
        "interactions",
        [message("j", "inbound", JAN1), message("a", "inbound", JAN1 + dt.timedelta(days=90))],
    )
    assert main(["report", "overview", "--data", str(path), "--min-n", "1"]) == 0
    out = capsys.readouterr()
    rows = {r["kpi"]: r for r in csv.DictReader(io.StringIO(out.out))}
    assert rows["Conversations"]["value"] == "1"
    assert rows["Conversations"]["period_start"] == "2025-01-02"
    assert "period: 2025-01-02 to 2025-04-01" in out.err and "starts 2025-01-01" in out.err
    # naming only --to reaches back to the first day with data
    main(["report", "overview", "--data", str(path), "--min-n", "1", "--to", "2025-04-01"])
    rows = {r["kpi"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["Conversations"]["value"] == "2"


def test_precision_rounds_fractions_and_full_keeps_every_digit(data_dir, capsys):
    # week 2: median of 600, 1200, 5400, 259200 s = 3300 s; within target 2 of 4 = 50 %
    rows = overview_rows(data_dir, capsys, "--min-n", "1", "--precision", "0")
    # (the median from the response-time sketch, within +-1 %: 3289.5 s, printed whole)
    shown = rows["Median response"]["value"]
    assert shown.isdigit() and float(shown) == pytest.approx(3300, rel=0.01)
    # the report says so: the percentiles' bound at the default alpha 0.01; an exact
    # figure has none
    assert rows["Median response"]["accuracy"] == "within ±1 % (sketch)"
    assert rows["P90 reply"]["accuracy"] == "within ±1 % (sketch)"
    assert rows["Within target"]["accuracy"] == ""
    assert rows["Within target"]["value"] == "50"
    assert rows["Conversations"]["value"] == "4"
    # CSV for people: a negative change stays a number, never a quoted formula
    assert not rows["Median response"]["change"].startswith("'")


def test_precision_full_prints_unrounded_values(tmp_path, capsys):
    # 3 conversations, 2 answered: the response rate is 200/3 = 66.666... %
    path = tmp_path / "data"
    rows = []
    for cid, answered in (("a", True), ("b", True), ("c", False)):
        rows.append(message(cid, "inbound", JAN1))
        if answered:
            rows.append(message(cid, "outbound", JAN1 + dt.timedelta(minutes=5)))
    write_rows(path, "interactions", rows)
    flags = ["report", "overview", "--data", str(path), "--min-n", "1", "--format", "json"]
    main([*flags, "--precision", "1"])
    tiles = {r["kpi"]: r for r in json.loads(capsys.readouterr().out)}
    assert tiles["Response rate"]["value"] == 66.7
    assert tiles["Conversations"]["value"] == 3 and isinstance(tiles["Conversations"]["value"], int)
    main([*flags, "--precision", "full"])
    tiles = {r["kpi"]: r for r in json.loads(capsys.readouterr().out)}
    assert tiles["Response rate"]["value"] == pytest.approx(200 / 3, abs=1e-12)
    assert _exit_code([*flags, "--precision", "lots"]) == 2


def test_channels_match_in_any_case(data_dir, capsys):
    flags = ["report", "overview", "--data", str(data_dir), "--from", "2025-03-10"]
    assert main([*flags, "--to", "2025-03-16", "--channel", "TWITTER", "--min-n", "1"]) == 0
    rows = {r["kpi"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["Conversations"]["value"] == "4"


def _exit_code(argv: list[str]) -> int:
    """main's exit code, also when argparse exits (bad arguments)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
