"""One writer at a time, all-or-nothing publishing, and the cleaning of what a killed
writer left (docs/DATA.md, "Writers, locks and publishing").

The writers run as child processes (`chi ingest`, `chi demo`) so that they can really
be killed (SIGKILL): the test-only variable CHI_TEST_KILL_AT=<checkpoint>:<n> makes a
writer kill itself at the n-th checkpoint of that kind (dashboard/data/store.py
`checkpoint`), which makes every kill point deterministic:

- midfile:n    the n-th part file's first bytes are written, its footer is not;
- file:n       the n-th part file is complete (renamed into place, still pending);
- publish:n    every file is written, the manifest not yet replaced;
- published:n  the manifest is replaced, the withdrawn files not yet deleted;
- rollup-file:n, rollup-publish:n   the same for the rollup refresh after the write.

After each kill the data dir must read as exactly the old state or exactly the new
one: the stored rows and `chi report overview` equal one of the two, computed by
runs that were not killed. The next writer must then clean what was left.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest

from dashboard.cli import main
from dashboard.core.schema import TABLES
from dashboard.data import lock, store
from dashboard.data.rollup import facts
from dashboard.web.static_export import remove_orphans

CHI = [str(Path(sys.executable).parent / "chi")]
HEADER = ["interaction_id", "conversation_id", "brand", "channel", "direction"]
HEADER += ["author_id", "created_at", "text"]


def write_csv(path: Path, ids: range, month_of: dict[int, int] | None = None) -> Path:
    """One inbound message per id: m<i> in conversation c<i>, in 2025 month 1 + i % 3
    (or `month_of[i]`)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in ids:
            month = (month_of or {}).get(i, 1 + i % 3)
            stamp = f"2025-{month:02d}-{1 + i % 27:02d}T{i % 24:02d}:00:00Z"
            out.writerow([f"m{i}", f"c{i}", "Acme", "chat", "inbound", f"u{i}", stamp, ""])
    return path


def run_chi(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CHI, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def stored_ids(data_dir: Path) -> list[str]:
    files = store.parquet_files(data_dir, "interactions")
    if not files:
        return []
    return pl.read_parquet(files, columns=["interaction_id"])["interaction_id"].to_list()


def overview(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, object]:
    """`chi report overview --format json`: its exit code and its figures, rounded to 9
    decimals (stored rollups and figures computed in memory from the same rows sum in
    another order, e.g. 62.52832382871811 and 62.5283238287181)."""
    capsys.readouterr()
    code = main(["report", "overview", "--data", str(data_dir), "--format", "json"])
    out = capsys.readouterr().out
    return code, _rounded(json.loads(out)) if code == 0 else out


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def summary_counts(stdout: str) -> dict[str, int]:
    counts = {}
    for line in stdout.splitlines():
        for key in ("rows read", "accepted", "rejected", "duplicates skipped"):
            if line.startswith(f"{key}: "):
                counts[key] = int(line.split(": ")[1].replace(",", ""))
    return counts


def leftovers(data_dir: Path) -> list[str]:
    """What a dead writer may leave: temporary files, unpublished part files, a manifest
    with pending or withdrawn names, rollup files the rollup manifest does not name."""
    found = [str(p) for p in data_dir.rglob("*.tmp")]
    if not store.read_published(data_dir).clean:
        found.append("_published.json has pending or withdrawn files")
    body = facts.read_body(data_dir)
    if body:
        named = facts.named_files(data_dir, body)
        found += [str(p) for p in facts.rollup_dir(data_dir).rglob("*.parquet") if p not in named]
    return found


# --- one writer at a time --------------------------------------------------------------


def test_two_concurrent_ingests_with_shared_ids_store_each_id_once(tmp_path: Path) -> None:
    # a holds m0..m2999, b holds m2000..m4999: 1,000 ids in both, 5,000 distinct
    a = write_csv(tmp_path / "a.csv", range(0, 3000))
    b = write_csv(tmp_path / "b.csv", range(2000, 5000))
    data = tmp_path / "data"
    # each pauses 0.2 s after each of its 3 month files, holding the lock longer
    env = {**os.environ, store.PAUSE_ENV: "0.2"}
    children = [
        subprocess.Popen(
            [*CHI, "ingest", str(f), "-f", "csv", "--data", str(data), "--no-progress"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for f in (a, b)
    ]
    results = [c.communicate(timeout=300) for c in children]
    assert [c.returncode for c in children] == [0, 0], results
    counts = [summary_counts(out) for out, _ in results]
    for c in counts:  # every row is accounted for, in each run
        assert c["rows read"] == 3000
        assert c["rows read"] == c["accepted"] + c["rejected"] + c["duplicates skipped"]
    # whichever ran second found the 1,000 shared ids already published
    assert sum(c["accepted"] for c in counts) == 5000
    assert sorted(c["duplicates skipped"] for c in counts) == [0, 1000]
    ids = stored_ids(data)
    assert len(ids) == len(set(ids)) == 5000


def hold_in_thread(data_dir: Path) -> tuple[threading.Event, threading.Thread]:
    """Hold the writer lock from another thread until the returned event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock.writer_lock(data_dir, "the test's writer"):
            taken.set()
            release.wait(60)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    return release, thread


def test_no_wait_fails_in_one_line_naming_the_writer_that_holds_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    csv_file = write_csv(tmp_path / "a.csv", range(3))
    store.write_batch(data, "interactions", _one_row(), "seed")  # x1, published
    release, thread = hold_in_thread(data)
    try:
        for verb in (
            ["ingest", str(csv_file), "-f", "csv"],
            ["demo", "--rows", "500"],
            ["rollup"],
            ["rescore"],
        ):
            assert main([*verb, "--data", str(data), "--no-wait"]) == 2, verb
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and "Traceback" not in err, err
            assert f"pid {os.getpid()}" in err and "the test's writer" in err, err
    finally:
        release.set()
        thread.join()
    assert stored_ids(data) == ["x1"]  # nothing was published while it was held


def _one_row() -> pa.Table:
    """One inbound message (x1, 2025-01-05)."""
    schema = TABLES["interactions"]
    row: dict[str, list] = {f.name: [None] for f in schema}
    row.update(
        interaction_id=["x1"],
        conversation_id=["cx"],
        brand=["Acme"],
        channel=["chat"],
        direction=["inbound"],
        author_id=["u"],
        created_at=[dt.datetime(2025, 1, 5, tzinfo=dt.UTC)],
    )
    return pa.table({k: pa.array(v, schema.field(k).type) for k, v in row.items()})


def test_a_second_writer_waits_and_says_for_whom(tmp_path: Path) -> None:
    data = tmp_path / "data"
    csv_file = write_csv(tmp_path / "a.csv", range(30))
    release, thread = hold_in_thread(data)
    child = subprocess.Popen(
        [*CHI, "ingest", str(csv_file), "-f", "csv", "--data", str(data), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stderr is not None
        first = child.stderr.readline()  # blocks until the child says it waits
        assert first.startswith(f"waiting for pid {os.getpid()} on "), first
        assert "the test's writer" in first
        time.sleep(0.5)
        assert child.poll() is None and stored_ids(data) == []  # still waiting
    finally:
        release.set()
        thread.join()
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert "is free now: chi ingest goes on" in err
    assert summary_counts(out)["accepted"] == 30 and len(stored_ids(data)) == 30


def test_a_stale_lock_of_a_dead_writer_is_taken_over_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()  # its pid no longer runs
    body = {"pid": dead.pid, "host": os.uname().nodename, "command": "chi ingest"}
    lock.lock_path(data).write_text(json.dumps({**body, "since": "2026-01-01"}))
    csv_file = write_csv(tmp_path / "a.csv", range(6))
    assert main(["ingest", str(csv_file), "-f", "csv", "--data", str(data)]) == 0
    err = capsys.readouterr().err
    assert f"took over a stale lock on {data} left by pid {dead.pid}" in err
    assert "(no longer running)" in err
    assert len(stored_ids(data)) == 6
    assert not lock.lock_path(data).exists()  # let go: the file is gone


# --- all or nothing: kills at every step -----------------------------------------------

# old: m0..m299 in January..March. new adds m300..m599 over February..April (month
# 2 + i % 3): 3 part files, of which February and March months already had data
NEW_MONTHS = {i: 2 + i % 3 for i in range(300, 600)}
INGEST_KILLS = [
    "midfile:1",
    "file:1",
    "midfile:2",
    "file:2",
    "midfile:3",
    "file:3",
    "publish:1",
    "published:1",
    "rollup-file:1",
    "rollup-file:3",
    "rollup-file:5",
    "rollup-publish:1",
]


@pytest.fixture(scope="module")
def ingest_states(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("states")
    old_csv = write_csv(root / "old.csv", range(0, 300))
    new_csv = write_csv(root / "new.csv", range(300, 600), NEW_MONTHS)
    old = root / "old"
    assert run_chi("ingest", str(old_csv), "-f", "csv", "--data", str(old)).returncode == 0
    new = root / "new"
    shutil.copytree(old, new)
    assert run_chi("ingest", str(new_csv), "-f", "csv", "--data", str(new)).returncode == 0
    return {"old": old, "new": new, "csv": new_csv}


@pytest.mark.parametrize("kill_at", INGEST_KILLS)
def test_a_killed_ingest_leaves_the_old_or_the_new_state_and_the_next_write_cleans_up(
    ingest_states: dict[str, Path],
    kill_at: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old, new = ingest_states["old"], ingest_states["new"]
    expect = {
        "old": (sorted(stored_ids(old)), overview(old, capsys)),
        "new": (sorted(stored_ids(new)), overview(new, capsys)),
    }
    assert len(expect["old"][0]) == 300 and len(expect["new"][0]) == 600
    data = tmp_path / "data"
    shutil.copytree(old, data)
    child = run_chi(
        "ingest", str(ingest_states["csv"]), "-f", "csv", "--data", str(data),
        env={store.KILL_AT_ENV: kill_at},
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    state = (sorted(stored_ids(data)), overview(data, capsys))
    # before the publish the old state, from it on the new (the rollups only change
    # how the figures are computed, never which)
    published = kill_at.startswith(("published", "rollup"))
    assert state == expect["new" if published else "old"], kill_at
    # the next write (here an import of 10 rows already stored: it adds nothing, and
    # refreshes the rollups) cleans what the killed writer left
    again = write_csv(tmp_path / "again.csv", range(10))
    assert main(["ingest", str(again), "-f", "csv", "--data", str(data)]) == 0
    assert summary_counts(capsys.readouterr().out)["duplicates skipped"] == 10
    assert leftovers(data) == []
    assert not lock.lock_path(data).exists()
    assert (sorted(stored_ids(data)), overview(data, capsys)) == state


DEMO_KILLS = ["midfile:1", "file:1", "file:6", "publish:1", "published:1", "rollup-file:4"]


@pytest.fixture(scope="module")
def demo_states(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("demo")
    states = {}
    for name, seed in (("old", "1"), ("new", "2")):
        states[name] = root / name
        args = ("demo", "--rows", "3000", "--seed", seed, "--data", str(states[name]))
        assert run_chi(*args).returncode == 0
    return states


@pytest.mark.parametrize("kill_at", DEMO_KILLS)
def test_a_killed_demo_over_a_demo_leaves_the_old_demo_or_the_new_one(
    demo_states: dict[str, Path],
    kill_at: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = demo_states["old"]
    expect = {
        name: (len(stored_ids(d)), sorted(stored_ids(d))[:50], overview(d, capsys))
        for name, d in demo_states.items()
    }
    assert expect["old"] != expect["new"]
    data = tmp_path / "data"
    shutil.copytree(old, data)
    child = run_chi(
        "demo", "--rows", "3000", "--seed", "2", "--data", str(data),
        env={store.KILL_AT_ENV: kill_at},
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    state = (len(stored_ids(data)), sorted(stored_ids(data))[:50], overview(data, capsys))
    published = kill_at.startswith(("published", "rollup"))
    assert state == expect["new" if published else "old"], kill_at
    again = write_csv(tmp_path / "again.csv", range(1))  # the next write: one new row
    assert main(["ingest", str(again), "-f", "csv", "--data", str(data)]) == 0
    assert leftovers(data) == []
    # the old demo's files, or the new one's, are gone: only one demo is on disk
    assert not [p for p in data.rglob("part-demo-*.parquet") if p not in _published(data)]


def _published(data_dir: Path) -> set[Path]:
    return {p for t in ("interactions", "audience") for p in store.parquet_files(data_dir, t)}


# --- cleaning: never a living writer's files ------------------------------------------


def test_what_a_live_writer_stages_is_not_swept_and_a_dead_ones_is(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with lock.writer_lock(data, "a writer"):
        store.begin(data, {"interactions": [store.part_name("live")]})
        store.write_batch(data, "interactions", _one_row(), "live", publish=False)
        staged = data / "interactions" / "month=2025-01" / "part-live.parquet"
        assert staged.is_file() and stored_ids(data) == []  # written, not visible
        # a second writer cannot sweep now: it must wait for the lock
        assert lock.is_held(data)
        csv_file = write_csv(tmp_path / "a.csv", range(3))
        args = ["ingest", str(csv_file), "-f", "csv", "--data", str(data), "--no-wait"]
        busy = subprocess.run([*CHI, *args], capture_output=True, text=True)
        assert busy.returncode == 2 and staged.is_file()
    # the writer "died" without publishing: the next one removes its staged file
    assert store.sweep(data) == [staged]
    assert stored_ids(data) == [] and store.read_published(data).clean


def test_static_export_leftovers_are_removed_only_when_their_process_is_gone(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    dead = subprocess.Popen(["true"])
    dead.wait()
    mine = tmp_path / f".site.new-{os.getpid()}-0123abcd"  # a running export's
    gone = tmp_path / f".site.old-{dead.pid}-89abcdef"
    legacy = tmp_path / ".site.new-deadbeef"  # before pids were in the name
    other = tmp_path / ".other.new-1-00ff"  # another export's folder
    for folder in (mine, gone, legacy, other):
        folder.mkdir()
    assert sorted(remove_orphans(out)) == sorted([gone, legacy])
    assert mine.is_dir() and other.is_dir() and not gone.exists() and not legacy.exists()
