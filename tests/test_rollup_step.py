"""The one-way data path: write -> rollups (an explicit step) -> read.

Reading (connection.connect, `chi report`, the app) never writes under the data dir;
stale or missing rollups are computed in memory and reported. `chi rollup` (and
`chi ingest`, `chi demo`, the upload page, `chi serve` at start) stores them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import main
from dashboard.commands import serve as serve_command
from dashboard.core.config import load_config
from dashboard.core.filters import Filters
from dashboard.data import connection, rollup, sql
from dashboard.data.rollup import daily, facts
from dashboard.views import overview
from tests.conftest import message, write_rows

CONFIG = load_config()
WHOLE_RANGE = Filters(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
PAGES = Path(__file__).resolve().parent.parent / "pages"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
JAN = dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC)
FEB = dt.datetime(2025, 2, 3, 9, tzinfo=dt.UTC)
MAR = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def january_and_february() -> list[dict]:
    """a: answered in 10 min; b: never answered (both January); c: answered in 20 min
    (February)."""
    return [
        message("a", "inbound", JAN, interaction_id="a1"),
        message("a", "outbound", JAN + 10 * MINUTE, interaction_id="a2"),
        message("b", "inbound", JAN + dt.timedelta(days=10), interaction_id="b1"),
        message("c", "inbound", FEB, interaction_id="c1"),
        message("c", "outbound", FEB + 20 * MINUTE, interaction_id="c2"),
    ]


def march() -> list[dict]:
    """d: answered in 90 min (March), written after the rollups were stored."""
    return [
        message("d", "inbound", MAR, interaction_id="d1"),
        message("d", "outbound", MAR + 90 * MINUTE, interaction_id="d2"),
    ]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    write_rows(path, "interactions", january_and_february())
    return path


def listing(root: Path) -> dict[str, tuple[bool, int, int]]:
    """Every path under `root` (and root itself): is a dir, size, mtime."""
    paths = [root, *root.rglob("*")]
    return {
        str(p.relative_to(root)): (p.is_dir(), p.stat().st_size, p.stat().st_mtime_ns)
        for p in paths
    }


@dataclasses.dataclass(frozen=True, eq=False)
class Figures:
    kpis: list[tuple[str, float | None]]
    conversations: pl.DataFrame
    daily_sums: pl.DataFrame

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Figures)
            and self.kpis == other.kpis
            and self.conversations.equals(other.conversations)
            and self.daily_sums.equals(other.daily_sums)
        )


def figures(con) -> Figures:
    kpis = [(k.label, k.value) for k in overview.kpis(con, CONFIG, WHOLE_RANGE)]
    conversations = sql.run(con, "conversations").sort("brand", "conversation_id")
    sums = con.sql("select * exclude (tz) from daily_sums where tz = 'UTC'").pl()
    return Figures(kpis, conversations, sums.sort(sums.columns))


def read(data_dir: Path) -> tuple[Figures, connection.RollupStatus]:
    con = connection.connect(data_dir, CONFIG)
    return figures(con), connection.rollup_status(con)


def status_of(data_dir: Path) -> connection.RollupStatus:
    return connection.rollup_status(connection.connect(data_dir, CONFIG))


# --- reading never writes --------------------------------------------------------------


def test_opening_a_connection_without_rollups_writes_nothing_and_gives_the_stored_figures(
    data_dir: Path,
) -> None:
    before = listing(data_dir.parent)
    in_memory, status = read(data_dir)
    assert listing(data_dir.parent) == before
    assert status.source == connection.MEMORY and status.reason == "no stored rollups"
    assert dict(in_memory.kpis)["Conversations"] == 3
    assert main(["rollup", "--data", str(data_dir)]) == 0
    stored, status = read(data_dir)
    assert status.source == connection.STORED and status.note() is None
    assert stored == in_memory


def test_a_raw_month_written_after_the_rollup_is_reported_stale_and_still_counted(
    data_dir: Path,
) -> None:
    rollup.refresh(data_dir, CONFIG)
    write_rows(data_dir, "interactions", march())
    before = listing(data_dir.parent)
    stale, status = read(data_dir)
    assert listing(data_dir.parent) == before
    assert dict(stale.kpis)["Conversations"] == 4
    assert status.source == connection.PARTIAL
    assert status.stale_months == ("2025-03",)
    assert status.facts_in_memory == ("2025-03",)  # d starts in March; a-c are untouched
    # January was settled (its newest message more than the longest target, 1 day,
    # before the old as-of); February was not, so the new as-of re-judges it
    assert status.daily_in_memory == ("2025-02", "2025-03")
    assert "raw month 2025-03 changed" in (status.note() or "")
    rollup.refresh(data_dir, CONFIG)
    stored, status = read(data_dir)
    assert status == connection.RollupStatus(connection.STORED)
    assert stored == stale
    assert stale == figures(connection.connect_in_memory(data_dir, CONFIG))


def test_a_changed_target_is_summed_in_memory_until_the_rollups_are_stored_again(
    data_dir: Path,
) -> None:
    rollup.refresh(data_dir, CONFIG)
    # c's 20 min reply is within a 1,800 s twitter target, not within 600 s
    strict = dataclasses.replace(CONFIG, targets_s={**CONFIG.targets_s, "twitter": 600})
    before = listing(data_dir.parent)
    con = connection.connect(data_dir, strict)
    assert listing(data_dir.parent) == before
    status = connection.rollup_status(con)
    assert status.source == connection.PARTIAL
    assert status.stale_months == () and status.facts_in_memory == ()
    assert status.daily_in_memory == ("2025-01", "2025-02")
    assert "targets" in status.reason
    within = {k.label: k.value for k in overview.kpis(con, strict, WHOLE_RANGE)}
    # a (10 min) is the only reply of three conversations within 600 s
    assert within["Within target"] == pytest.approx(100 / 3)
    reference = connection.connect_in_memory(data_dir, strict)
    assert within == {k.label: k.value for k in overview.kpis(reference, strict, WHOLE_RANGE)}


# --- chi rollup -----------------------------------------------------------------------


def test_chi_rollup_says_months_rows_and_seconds_and_a_second_run_is_up_to_date(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollup", "--data", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(
        r"conversation_facts: rebuilt 2 months \(2025-01, 2025-02\), 3 rows in \d+\.\d\d s",
        lines[0],
    )
    # one row per day x brand x channel x bucket x switched: 10 Jan, 20 Jan, 3 Feb
    assert re.fullmatch(
        r"daily: rebuilt 2 months \(2025-01, 2025-02\), 3 rows in \d+\.\d\d s", lines[1]
    )
    stamps = listing(data_dir.parent)
    assert main(["rollup", "--data", str(data_dir)]) == 0
    assert capsys.readouterr().out == f"rollups in {data_dir} are up to date\n"
    assert listing(data_dir.parent) == stamps


def test_chi_rollup_after_new_data_rebuilds_only_the_months_it_changes(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rollup.refresh(data_dir, CONFIG)
    january = facts.month_file(data_dir, "2025-01").stat().st_mtime_ns
    write_rows(data_dir, "interactions", march())
    assert main(["rollup", "--data", str(data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("conversation_facts: rebuilt 1 month (2025-03), 1 rows in ")
    assert lines[1].startswith("daily: rebuilt 2 months (2025-02, 2025-03), 2 rows in ")
    assert facts.month_file(data_dir, "2025-01").stat().st_mtime_ns == january


def test_chi_rollup_full_rebuilds_every_month(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rollup.refresh(data_dir, CONFIG)
    files = [
        module.month_file(data_dir, month)
        for module in (facts, daily)
        for month in ("2025-01", "2025-02")
    ]
    stamps = [f.stat().st_mtime_ns for f in files]
    assert main(["rollup", "--data", str(data_dir), "--full"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "conversation_facts: rebuilt 2 months (2025-01",
        "daily: rebuilt 2 months (2025-01",
    ]
    assert all(f.stat().st_mtime_ns != s for f, s in zip(files, stamps, strict=True))


def test_chi_rollup_on_a_missing_data_dir_is_one_line_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollup", "--data", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err == f"chi rollup: no data directory {tmp_path / 'nowhere'}\n"


def test_chi_rollup_on_an_unwritable_data_dir_is_one_line_without_a_traceback(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_dir / "rollups").write_text("not a directory")  # nothing can be stored here
    assert main(["rollup", "--data", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"chi rollup: cannot store the rollups in {data_dir}: ")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_chi_rollup_without_interaction_data_has_nothing_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollup", "--data", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"no interaction data in {tmp_path}: nothing to roll up\n"
    assert list(tmp_path.iterdir()) == []


# --- chi report -----------------------------------------------------------------------


def test_chi_report_without_rollups_writes_nothing_and_notes_it_on_stderr_only(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = listing(data_dir.parent)
    assert main(["report", "overview", "--data", str(data_dir)]) == 0
    stale = capsys.readouterr()
    assert listing(data_dir.parent) == before
    assert stale.err == (
        "note: rollups are stale (no stored rollups); computed in memory; "
        "run `chi rollup` to store them\n"
    )
    rollup.refresh(data_dir, CONFIG)
    assert main(["report", "overview", "--data", str(data_dir)]) == 0
    stored = capsys.readouterr()
    assert stored.err == ""
    assert stored.out == stale.out


# --- the writers store them -----------------------------------------------------------


def test_chi_ingest_leaves_fresh_rollups(tmp_path: Path, capsys) -> None:
    data_dir = tmp_path / "data"
    csv = str(FIXTURES / "contract_good.csv")
    assert main(["ingest", csv, "--format", "csv", "--data", str(data_dir)]) == 0
    assert "rollups: conversation_facts: rebuilt" in capsys.readouterr().err
    assert status_of(data_dir).source == connection.STORED


def test_chi_demo_leaves_fresh_rollups(tmp_path: Path, capsys) -> None:
    assert main(["demo", "--data", str(tmp_path), "--rows", "3000", "--seed", "1"]) == 0
    assert "rollups: conversation_facts: rebuilt 12 months" in capsys.readouterr().out
    assert status_of(tmp_path).source == connection.STORED


def test_chi_serve_stores_the_rollups_before_the_server_starts(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    started: list[dict[str, str]] = []

    def server(command: list[str], env: dict[str, str]) -> int:
        # what the server process will see: fresh rollups, and where they are
        started.append(env)
        assert status_of(data_dir).source == connection.STORED
        return 0

    monkeypatch.setattr(serve_command.subprocess, "call", server)
    assert main(["serve", "--data", str(data_dir)]) == 0
    assert started and started[0]["CHI_DATA"] == str(data_dir.resolve())
    assert "rollups: conversation_facts: rebuilt 2 months" in capsys.readouterr().err


def test_chi_serve_on_an_unwritable_data_dir_says_so_and_still_serves(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (data_dir / "rollups").write_text("not a directory")
    monkeypatch.setattr(serve_command.subprocess, "call", lambda command, env: 0)
    assert main(["serve", "--data", str(data_dir)]) == 0
    assert "rollups not stored: cannot store the rollups in" in capsys.readouterr().err


# --- the app says when it computes in memory ------------------------------------------


def overview_captions(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    connection.clear_shared()
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    monkeypatch.delenv("CHI_PUBLIC", raising=False)
    app = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=30)
    app.query_params["from"], app.query_params["to"] = "2025-01-01", "2025-02-28"
    app.run()
    assert not app.exception
    return [c.value for c in app.caption]


def test_the_pages_say_when_the_figures_are_computed_in_memory(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    captions = overview_captions(data_dir, monkeypatch)
    assert any("computed in memory" in c and "chi rollup" in c for c in captions)
    rollup.refresh(data_dir, CONFIG)
    assert not any("in memory" in c for c in overview_captions(data_dir, monkeypatch))


@pytest.mark.parametrize("split_from", [8, 1], ids=["filtered", "split into files"])
def test_a_full_build_in_chunks_stores_the_same_facts_as_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split_from: int
) -> None:
    # 5 + 1 + 2 messages in 4 conversations; chunks of 2 messages make ceil(8 / 2) = 4
    # hash chunks, each aggregating whole conversations only. Over SPLIT_FROM chunks the
    # log is first written into files per chunk, a calendar month at a time: conversation
    # a has a message in February too, and must still reach one chunk whole.
    follow_up = message("a", "inbound", FEB + 5 * MINUTE, interaction_id="a3")
    rows = january_and_february() + [follow_up] + march()
    monkeypatch.setattr(facts, "SPLIT_FROM", split_from)

    def stored_facts(name: str, chunk_rows: int) -> pl.DataFrame:
        path = tmp_path / name
        write_rows(path, "interactions", rows)
        monkeypatch.setattr(facts, "CHUNK_ROWS", chunk_rows)
        rollup.refresh(path, CONFIG, full=True)
        assert not (facts.rollup_dir(path) / facts.CHUNKS_FOLDER).exists()
        months = facts.read_manifest(path).months
        files = [str(f) for f in facts.month_files(path, months)]
        return pl.read_parquet(files).sort("conversation_id")

    one_pass = stored_facts("one", 1_000_000)
    chunked = stored_facts("chunked", 2)
    assert one_pass["conversation_id"].to_list() == ["a", "b", "c", "d"]
    assert one_pass["messages"].to_list() == [3, 1, 2, 2]
    assert chunked.equals(one_pass)


def test_synced_rollups_without_the_raw_log_are_read_as_stored(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a dashboard host gets only rollups/ (docs/SCALE.md): no interactions/ folder
    rollup.refresh(data_dir, CONFIG)
    synced = tmp_path / "dashboard-host"
    shutil.copytree(data_dir / "rollups", synced / "rollups")
    before = listing(synced)
    con = connection.connect(synced, CONFIG)
    assert connection.rollup_status(con).source == connection.STORED
    january = Filters(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    tiles = {k.label: k for k in overview.kpis(con, CONFIG, january)}
    # a answered in 10 min, b never: 2 conversations, 1 answered
    assert (tiles["Conversations"].value, tiles["Response rate"].value) == (2, 50.0)
    # chi rollup (and chi serve's refresh) never rebuilds them from the missing raw log
    assert main(["rollup", "--data", str(synced)]) == 0
    assert "synced rollups and no raw log" in capsys.readouterr().out
    assert main(["rollup", "--data", str(synced), "--full"]) == 0
    assert listing(synced) == before
