"""Recompute the stored sentiment of inbound messages with the current scorer
(`chi rescore`, docs/DATA.md "Rescoring sentiment").

Which stored values are recomputed: the contract has no column saying where a
sentiment came from, so the value tells. A stored sentiment equal to what chi's
scorer gives now is current (left as is). One equal to what chi computed before
customer_text existed (VADER on the raw text, sentiment.raw_chunk) was computed by
chi and is replaced by the current score, which may be null when nothing of the
customer's words is left. So is any value on a text holding a pseudonymised @mention
(`@u-<16 hex>`): only the twcs and twitter-json importers write those, after scoring
the text with the original handle (so the old score cannot be recomputed), and
their formats carry no sentiment of their own. Any other value came from the source
(an export's own sentiment column, the demo generator) and is kept, as is a missing
one: rescoring recomputes what chi computed and never invents a value ingest did
not give.

Each interactions file is read whole, and only a file with a changed value is
written: to a temporary file in the same folder, fsynced, then renamed over the old
one (os.replace) and the folder fsynced, so an interrupted run leaves every file
either old or new, and running again finishes the job (current values count as
unchanged). A file that changed on disk while it was being rescored (a concurrent
import) is left alone and reported.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.data import store
from dashboard.data.lock import writer_lock
from dashboard.ingest import sentiment

NEEDED = ("brand", "direction", "author_id", "text", "sentiment")
TMP_SUFFIX = ".rescore.tmp"
SAME = 1e-9  # VADER rounds to 4 decimals; Parquet keeps float64 exactly
PSEUDONYM_MENTION = re.compile(r"@u-[0-9a-f]{16}\b")
# distinct texts whose scores are kept between files (template texts repeat across
# months); beyond this the memo starts afresh, so memory stays bounded
MEMO_MAX = 200_000


class RescoreError(Exception):
    """Nothing to rescore (one line)."""


@dataclass
class RescoreReport:
    files: int = 0  # interactions files read
    rewritten: int = 0  # files replaced with new scores
    messages: int = 0  # inbound messages with text and a stored sentiment
    changed: int = 0  # of those, replaced by a different current score (or null)
    current: int = 0  # already the current score
    kept: int = 0  # a value from the source, kept
    unscored: int = 0  # inbound messages with text and no sentiment, left as they are
    skipped: list[str] = field(default_factory=list)  # files not rescored, with why
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [
            f"files: {self.files:,} read, {self.rewritten:,} rewritten",
            f"messages rescored: {self.messages:,} inbound with text and a sentiment",
            f"  changed: {self.changed:,}",
            f"  unchanged: {self.current:,}",
            f"  kept as the source gave them: {self.kept:,}",
        ]
        if self.unscored:
            out.append(f"  without a sentiment, left as they are: {self.unscored:,}")
        out.extend(f"skipped: {why}" for why in self.skipped)
        out.append(f"time: {self.seconds:.1f} s")
        return out


def rescore(
    data_dir: Path,
    on_file: Callable[[Path], None] | None = None,
    wait: bool = True,
) -> RescoreReport:
    """Rescore every published interactions file under `data_dir` (see the module
    docstring), under the data dir's writer lock (waited for; with `wait` false
    lock.LockBusy says who holds it). `on_file(path)` is called after each file (tests
    interrupt the run with it)."""
    data_dir = Path(data_dir)
    if not store.parquet_files(data_dir, "interactions"):
        raise RescoreError(f"no interaction data in {data_dir}")
    with writer_lock(data_dir, "chi rescore", wait=wait):
        return _rescore(data_dir, on_file)


def _rescore(data_dir: Path, on_file: Callable[[Path], None] | None) -> RescoreReport:
    started = time.perf_counter()
    store.sweep(data_dir)  # what an interrupted import left
    files = store.parquet_files(data_dir, "interactions")
    if not files:
        raise RescoreError(f"no interaction data in {data_dir}")
    _remove_leftovers(files)
    report = RescoreReport()
    handles = _handles(files)
    cache = _Scores(handles)
    for path in files:
        _rescore_file(path, cache, report)
        report.files += 1
        cache.bound()
        if on_file:
            on_file(path)
    report.seconds = time.perf_counter() - started
    return report


class _Scores:
    """Current and pre-cleaning scores, each distinct text computed once (per run, up
    to MEMO_MAX texts)."""

    def __init__(self, handles: dict[str, set[str]]) -> None:
        self.handles = handles
        self.current: dict[tuple[str, str], float | None] = {}
        self.raw: dict[str, float | None] = {}

    def fill_current(self, pairs: list[tuple[str, str]]) -> None:
        todo = [p for p in dict.fromkeys(pairs) if p not in self.current]
        if todo:
            brands, texts = zip(*todo, strict=True)
            scores = sentiment.score(list(texts), brands=list(brands), handles=self.handles)
            self.current.update(zip(todo, scores, strict=True))

    def bound(self) -> None:
        if len(self.current) + len(self.raw) > MEMO_MAX:
            self.current.clear()
            self.raw.clear()

    def fill_raw(self, texts: list[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.raw]
        if todo:
            self.raw.update(zip(todo, sentiment.score_raw(todo), strict=True))


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < SAME


def _read(path: Path, columns: list[str] | None = None) -> pa.Table | None:
    try:
        return pq.read_table(path, columns=columns)
    except (OSError, KeyError, ValueError, pa.ArrowException):  # ArrowInvalid: a ValueError
        return None


def _handles(files: list[Path]) -> dict[str, set[str]]:
    """brand -> the handles it answers from (outbound authors), over all files."""
    handles: dict[str, set[str]] = {}
    for path in files:
        # an unreadable file, or one without these columns, is reported by _rescore_file
        table = _read(path, ["brand", "direction", "author_id"])
        if table is None:
            continue
        part = pl.from_arrow(table.select(["brand", "direction", "author_id"]))
        assert isinstance(part, pl.DataFrame)
        for brand, found in sentiment.outbound_handles(part).items():
            handles.setdefault(brand, set()).update(found)
    return handles


def _rescore_file(path: Path, cache: _Scores, report: RescoreReport) -> None:
    before = path.stat()
    table = _read(path)
    if table is None:
        report.skipped.append(f"{path}: not a readable Parquet file")
        return
    missing = [c for c in NEEDED if c not in table.column_names]
    if missing:
        report.skipped.append(f"{path}: no column {', '.join(missing)}")
        return
    frame = pl.from_arrow(table.select(list(NEEDED)))
    assert isinstance(frame, pl.DataFrame)
    inbound = (pl.col("direction") == "inbound") & pl.col("text").is_not_null()
    report.unscored += frame.filter(inbound & pl.col("sentiment").is_null()).height
    rows = frame.with_row_index("i").filter(inbound & pl.col("sentiment").is_not_null())
    if rows.height == 0:
        return
    brands, texts = rows["brand"].to_list(), rows["text"].to_list()
    stored = rows["sentiment"].to_list()
    cache.fill_current(list(zip(brands, texts, strict=True)))
    new = [cache.current[(b, t)] for b, t in zip(brands, texts, strict=True)]
    differ = [not _same(s, n) for s, n in zip(stored, new, strict=True)]
    marked = [bool(PSEUDONYM_MENTION.search(t)) for t in texts]
    cache.fill_raw([t for t, d, m in zip(texts, differ, marked, strict=True) if d and not m])
    values = frame["sentiment"].to_list()
    changed_before = report.changed
    for i, text, old, current, d, m in zip(
        rows["i"], texts, stored, new, differ, marked, strict=True
    ):
        report.messages += 1
        if not d:
            report.current += 1
        elif m or _same(old, cache.raw[text]):
            # chi's own earlier score: recompute it
            values[i] = current
            report.changed += 1
        else:  # the source's value
            report.kept += 1
    if report.changed == changed_before:
        return
    field_ = table.schema.field("sentiment")
    updated = table.set_column(
        table.schema.get_field_index("sentiment"), field_, pa.array(values, type=field_.type)
    )
    if _changed_on_disk(path, before):
        report.skipped.append(f"{path}: changed on disk while being rescored; run again")
        return
    replace_atomically(updated, path)
    report.rewritten += 1


def _changed_on_disk(path: Path, before: os.stat_result) -> bool:
    now = path.stat()
    return (now.st_size, now.st_mtime_ns, now.st_ino) != (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


def replace_atomically(table: pa.Table, path: Path) -> None:
    """Write `table` over `path` so that `path` is always the old or the new file: a
    temporary file in the same folder, fsynced, renamed into place, the folder fsynced."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}{TMP_SUFFIX}")
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:  # name the file being replaced, not the temporary one
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _remove_leftovers(files: list[Path]) -> None:
    """Temporary files an interrupted rescore left behind (never another writer's)."""
    for folder in {p.parent for p in files}:
        for leftover in folder.glob(f".*{TMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)
