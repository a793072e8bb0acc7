"""On-disk layout: Parquet, hive-partitioned by month, published all at once.

    <data dir>/interactions/month=YYYY-MM/part-<batch>.parquet
    <data dir>/audience/month=YYYY-MM/part-<batch>.parquet
    <data dir>/_published.json

A part file is written under a temporary name in the same folder and renamed into
place, so a reader sees either the whole file or nothing. A write of many files (an
import, the demo) is published all at once (docs/DATA.md, "Writers, locks and
publishing"), under the writer lock (dashboard/data/lock.py):

1. `begin` records, in `_published.json`, the names of the files the writer is about
   to write as *pending*: readers do not see them;
2. the writer writes them (`write_batch(..., publish=False)`);
3. `publish` rewrites `_published.json` in one os.replace: the pending names become
   visible and the files they replace (`withdraw`, e.g. the previous demo) become
   invisible, in the same instant; then those are deleted.

A writer killed at any moment leaves the old state (its files still pending) or the
new one (published). `parquet_files` is the one function readers list files with; it
honours the manifest. Files someone writes into the month folders by hand are never
pending, so they stay visible. `sweep`, run by every writer under the lock before it
writes, deletes what a dead writer left: its pending files, withdrawn files, and
temporary files.
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.core.schema import PARTITION_TIME_COLUMN, TABLES

PUBLISHED = "_published.json"
# tests only: SIGKILL this process at the n-th checkpoint of a kind ("file:2"), or
# sleep this many seconds after each staged file
KILL_AT_ENV = "CHI_TEST_KILL_AT"
PAUSE_ENV = "CHI_TEST_PAUSE_AFTER_FILE"
_CHECKPOINTS: Counter[str] = Counter()


def table_dir(data_dir: Path, table: str) -> Path:
    return Path(data_dir) / table


@dataclass
class Published:
    """`_published.json`: per table, the file names being written (hidden) and the
    files withdrawn by a publish and not yet deleted (hidden)."""

    pending: dict[str, list[str]] = field(default_factory=dict)  # table -> file names
    withdrawn: dict[str, list[str]] = field(default_factory=dict)  # table -> month=M/name

    def hidden(self, table: str) -> tuple[set[str], set[str]]:
        return set(self.pending.get(table, [])), set(self.withdrawn.get(table, []))

    @property
    def clean(self) -> bool:
        return not any(self.pending.values()) and not any(self.withdrawn.values())


def read_published(data_dir: Path) -> Published:
    try:
        body = json.loads((Path(data_dir) / PUBLISHED).read_text(encoding="utf-8"))
        return Published(
            {t: list(v) for t, v in body.get("pending", {}).items()},
            {t: list(v) for t, v in body.get("withdrawn", {}).items()},
        )
    except FileNotFoundError:
        return Published()
    except (OSError, ValueError, AttributeError, TypeError):
        # unreadable: hide nothing rather than everything (the next writer rewrites it)
        return Published()


def _write_published(data_dir: Path, published: Published) -> None:
    path = Path(data_dir) / PUBLISHED
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    body = {"pending": published.pending, "withdrawn": published.withdrawn}
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(body, indent=1, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)  # the one atomic step readers see
    finally:
        tmp.unlink(missing_ok=True)


def relative(path: Path) -> str:
    """month=YYYY-MM/<name>: how `_published.json` names a file of a table."""
    return f"{path.parent.name}/{path.name}"


def parquet_files(data_dir: Path, table: str) -> list[Path]:
    """The published Parquet files of `table`: what every reader reads."""
    root = table_dir(data_dir, table)
    if not root.is_dir():
        return []
    pending, withdrawn = read_published(data_dir).hidden(table)
    return sorted(
        p
        for p in root.glob("month=*/*.parquet")
        if not p.name.startswith(".") and p.name not in pending and relative(p) not in withdrawn
    )


def has_data(data_dir: Path) -> bool:
    return bool(parquet_files(data_dir, "interactions"))


def checkpoint(kind: str) -> None:
    """A point where tests kill or pause a writer (environment variables only the tests
    set); nothing happens otherwise."""
    kill_at = os.environ.get(KILL_AT_ENV)
    pause = os.environ.get(PAUSE_ENV)
    if not kill_at and not pause:
        return
    _CHECKPOINTS[kind] += 1
    if kill_at == f"{kind}:{_CHECKPOINTS[kind]}":
        os.kill(os.getpid(), signal.SIGKILL)
    if pause and kind == "file":
        time.sleep(float(pause))


class _MidFile:
    """A file object for pyarrow that passes the "midfile" checkpoint after its first
    write: the file's first bytes are on disk, the rest (and the footer) are not."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._writes = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        written = self._handle.write(data)
        self._writes += 1
        if self._writes == 1:
            self._handle.flush()
            checkpoint("midfile")
        return written

    def tell(self) -> int:
        return self._handle.tell()

    def flush(self) -> None:
        self._handle.flush()

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True


def _months(table: pa.Table, name: str) -> pa.Array:
    column = table.column(PARTITION_TIME_COLUMN[name])
    return pc.strftime(column, format="%Y-%m")


def atomic_write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        if os.environ.get(KILL_AT_ENV):  # tests: a checkpoint once part of the file is out
            with open(tmp, "wb") as handle:
                pq.write_table(table, _MidFile(handle), compression="zstd")
        else:
            pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    checkpoint("file")


def split_by_month(table: pa.Table, name: str) -> Iterator[tuple[str, pa.Table]]:
    months = _months(table, name)
    for month in sorted(pc.unique(months).to_pylist()):
        yield month, table.filter(pc.equal(months, month))


def part_name(batch: str) -> str:
    return f"part-{batch}.parquet"


def write_batch(
    data_dir: Path, name: str, table: pa.Table, batch: str, publish: bool = True
) -> list[Path]:
    """Write rows of `name` (interactions or audience) as one part file per month.

    `batch` names the part files; writing the same batch again replaces them, which
    keeps re-runs idempotent. With `publish` (a one-batch write, e.g. a test's fixture)
    the files are visible at once, under the writer lock; without it the caller has
    declared them pending (`begin`) and publishes them all together."""
    if publish:
        from dashboard.data.lock import writer_lock

        with writer_lock(data_dir, "write_batch"):
            begin(data_dir, {name: [part_name(batch)]})
            written = write_batch(data_dir, name, table, batch, publish=False)
            publish_files(data_dir)
        return written
    schema = TABLES[name]
    table = table.select(schema.names).cast(schema)
    written = []
    for month, rows in split_by_month(table, name):
        path = table_dir(data_dir, name) / f"month={month}" / part_name(batch)
        atomic_write(rows, path)
        written.append(path)
    return written


# --- publishing (the caller holds the writer lock) ---------------------------------


def begin(data_dir: Path, names: dict[str, Iterable[str]]) -> None:
    """Declare the part file names (per table) about to be written: hidden until
    `publish_files`. Run `sweep` first: a clean manifest is assumed."""
    published = read_published(data_dir)
    for table, files in names.items():
        published.pending[table] = sorted({*published.pending.get(table, []), *files})
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    _write_published(data_dir, published)


def publish_files(data_dir: Path, withdraw: Iterable[Path] = ()) -> None:
    """Make every pending file visible and every `withdraw` file invisible, in one
    atomic step; then delete the withdrawn files."""
    published = Published()
    for path in withdraw:
        table = path.parent.parent.name
        published.withdrawn.setdefault(table, []).append(relative(path))
    checkpoint("publish")
    _write_published(data_dir, published)
    checkpoint("published")
    if not published.clean:
        _delete_withdrawn(data_dir, published)
        _write_published(data_dir, Published())


def _delete_withdrawn(data_dir: Path, published: Published) -> int:
    removed = 0
    for table, files in published.withdrawn.items():
        for rel in files:
            path = table_dir(data_dir, table) / rel
            if path.exists():
                path.unlink()
                removed += 1
    return removed


def sweep(data_dir: Path, say: Callable[[str], None] | None = None) -> list[Path]:
    """Delete what a writer that died left behind - its pending part files, files a
    publish withdrew, temporary files - and clear the manifest. Only under the writer
    lock: holding it proves that the writer who left them is gone. Returns what was
    removed."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    published = read_published(data_dir)
    removed: list[Path] = []
    for table in TABLES:
        root = table_dir(data_dir, table)
        if not root.is_dir():
            continue
        pending, withdrawn = published.hidden(table)
        for path in root.glob("month=*/*"):
            orphan = path.name in pending or relative(path) in withdrawn
            temporary = path.name.startswith(".") and path.name.endswith(".tmp")
            if path.is_file() and (orphan or temporary):
                path.unlink()
                removed.append(path)
        for folder in root.glob("month=*"):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    for tmp in data_dir.glob(f".{PUBLISHED}.*.tmp"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    if not published.clean:
        _write_published(data_dir, Published())
    if removed and say is not None:
        say(f"removed {len(removed):,} file(s) an interrupted write left in {data_dir}")
    return removed
