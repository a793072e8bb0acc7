"""`chi ingest` as a user runs it: summary on stdout, one line and exit 2 on fatal
problems, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"


def chi(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # as the `chi` script does: import dashboard.cli, then call main()
    launcher = "import sys; from dashboard.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", launcher, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_prints_the_summary_and_exits_0(tmp_path):
    done = chi("ingest", FIXTURES / "twcs_messy.csv", "--format", "twcs", "--data", tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for expected in (
        "rows read: 11",
        "accepted: 7",
        "rejected: 3",
        "1 × column 'inbound': not true/false",
        "duplicates skipped: 1",
        "date range: 2017-10-10 20:25 UTC to 2017-10-11 12:00 UTC",
        "brands: AcmeHelp, OtherCo",
        "channels: twitter",
        f"rejected rows with reasons: {tmp_path / 'rejects'}",
    ):
        assert expected in out
    assert "Traceback" not in done.stderr


def test_cli_second_run_reports_only_duplicates(tmp_path):
    args = ("ingest", FIXTURES / "contract_good.csv", "--format", "csv", "--data", tmp_path)
    assert chi(*args).returncode == 0
    again = chi(*args)
    assert again.returncode == 0
    assert "accepted: 0" in again.stdout and "duplicates skipped: 5" in again.stdout


def test_cli_map_option_renames_columns(tmp_path):
    done = chi(
        "ingest",
        FIXTURES / "contract_renamed.csv",
        "--format",
        "csv",
        "--data",
        tmp_path,
        "--channel",
        "chat",
        "--map",
        "interaction_id=id",
        "--map",
        "conversation_id=thread",
        "--map",
        "brand=company",
        "--map",
        "direction=who",
        "--map",
        "author_id=user",
        "--map",
        "created_at=sent_at",
    )
    assert done.returncode == 0, done.stderr
    assert "accepted: 2" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "{missing}"], "chi ingest: nope.csv: no such file"),
        (["--format", "csv", "{binary}"], "chi ingest: blob.csv: not a table: binary content"),
        (
            ["--format", "tickets", "{tickets}"],
            "chi ingest: tickets_mixed.csv: the file has no brand column",
        ),
        (["--format", "twitter-json", "{v2}"], "chi ingest: twitter-json needs --brand"),
        (
            ["--format", "csv", "{good}", "--tz", "Mars/Olympus"],
            "chi ingest: --tz 'Mars/Olympus': unknown time zone",
        ),
        (["--format", "csv", "{good}", "--map", "oops"], "chi ingest: --map 'oops': expected"),
        (
            ["--format", "csv", "{bad}"],
            "chi ingest: bad.csv row 1 column 'created_at': not a timestamp: 'yesterday'",
        ),
    ],
)
def test_cli_fatal_problems_give_one_line_and_exit_2(tmp_path, capsys, args, message):
    (tmp_path / "blob.csv").write_bytes(b"\x00\x01\x02binary")
    head = (FIXTURES / "contract_good.csv").read_text().splitlines()[0]
    (tmp_path / "bad.csv").write_text(head + "\nz,c,Acme,twitter,inbound,a,1,yesterday,,x,,,,\n")
    paths = {
        "missing": tmp_path / "nope.csv",
        "binary": tmp_path / "blob.csv",
        "tickets": FIXTURES / "tickets_mixed.csv",
        "v2": FIXTURES / "twitter_v2.json",
        "good": FIXTURES / "contract_good.csv",
        "bad": tmp_path / "bad.csv",
    }
    argv = ["ingest", "--data", str(tmp_path / "data")] + [a.format(**paths) for a in args]
    code = main(argv)  # in-process: main() is where tracebacks would escape
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert out == ""


def test_cli_fatal_problem_in_a_real_process_is_one_line_and_exit_2(tmp_path):
    done = chi(
        "ingest", FIXTURES / "twitter_v2.json", "--format", "twitter-json", "--data", tmp_path
    )
    assert done.returncode == 2
    assert done.stderr == (
        "chi ingest: twitter-json needs --brand HANDLE: the brand's own "
        "tweets are the outbound ones\n"
    )


def test_cli_unknown_format_is_a_usage_error():
    done = chi("ingest", FIXTURES / "contract_good.csv", "--format", "xml")
    assert done.returncode == 2 and "invalid choice" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_unexpected_error_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    import dashboard.commands.ingest as command

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "ingest_files", explode)
    code = main(
        ["ingest", str(FIXTURES / "contract_good.csv"), "--format", "csv", "--data", str(tmp_path)]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err == "chi ingest: internal error: RuntimeError: boom (set CHI_DEBUG=1 for details)\n"


def test_cli_progress_bar_goes_to_stderr(tmp_path):
    done = chi(
        "ingest",
        FIXTURES / "contract_good.csv",
        "--format",
        "csv",
        "--data",
        tmp_path,
        "--progress",
    )
    assert done.returncode == 0
    assert "writing" in done.stderr and "writing" not in done.stdout
