"""The conversation facts rollup: one row per conversation, stored beside the raw log.

    <data dir>/rollups/conversation_facts/month=YYYY-MM/part-<content hash>.parquet
    <data dir>/rollups/_manifest.json

Each row is queries/model/conversation_facts.sql: everything about a conversation that
depends only on its own messages (no config, no "now"). A conversation lives in the
month of its first inbound message; files are sorted by brand, channel and
first_inbound_at so DuckDB's zone maps skip row groups outside a filter.
connection.connect turns the rows into the `conversations` view with
queries/model/conversations.sql, adding the first-response targets of the current
config and `dropped`, which is judged at the data's newest timestamp (as_of, kept in
the manifest) - so neither a config change nor new data that moves as_of makes a
stored row wrong. The daily rollup (daily.py) is built on these files.

Staleness (`state`, which only reads): the manifest keeps, per raw month, a fingerprint
of its files (name, size, mtime) and its newest created_at. The raw months whose
fingerprint changed are *changed*; a deleted raw month, a changed facts query or a
missing rollup file means every month must be rebuilt.

Incremental update (`stage_changed`, used by the writer `refresh` and, in memory, by
connection.connect): the conversations with a message in a changed raw month (they may
have started in an earlier month, or continue into a later one) are recomputed from
the whole log; only the rollup months that held or now hold one of them change. The
writer rewrites exactly those months.

Publishing (docs/DATA.md, "Writers, locks and publishing"): a month file is named by
the hash of its content and never rewritten in place; the manifest (one file for both
rollups: the daily rollup keeps its part under "daily") names the file of each month,
and readers read the files it names. A refresh writes its new files beside the old
ones, then replaces the manifest in one os.replace, then deletes the files no manifest
names (`sweep`): a refresh killed at any moment leaves the old rollups or the new.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dashboard.data import raw, sql, store
from dashboard.data.store import parquet_files

ROLLUP_DIR = "rollups"
FACTS = "conversation_facts"
LEGACY_FACTS = "conversations"  # the folder's name before issue 12; a full build drops it
MANIFEST = "_manifest.json"
LEGACY_FILE = "part-0.parquet"  # a month's file before content-named files
MONTH = "strftime(timezone('UTC', first_inbound_at), '%Y-%m')"
# the order of a month file's rows: by brand, channel and time (what readers prune by),
# then by conversation_id, so that the order is total and the same rows give the same
# bytes whatever order the query produced them in
SORT = "brand, channel, first_inbound_at, conversation_id"
KEY = "brand, conversation_id"
DAILY_FOLDER = "daily"  # the daily rollup's folder (daily.py), named in the manifest
# the folder of each daily query's files (daily.DAILY_TABLES), for `sweep`
DAILY_TABLE_FOLDERS = {
    "daily_sums": DAILY_FOLDER,
    "agent_daily_sums": "agent_daily",
    "term_daily_counts": "term_daily",  # the topics' term counts (sql.TERM_TABLE)
    # the response-time sketches (docs/METRICS.md, "Percentiles")
    "response_time_buckets": "response_time_buckets",
    "response_time_day_buckets": "response_time_day_buckets",
    "agent_response_time_buckets": "agent_response_time_buckets",
    "agent_response_time_day_buckets": "agent_response_time_day_buckets",
    "superfan_daily_sums": "superfan_daily",
    # the follower-fairness tests' cells (docs/METRICS.md, "Follower fairness")
    "fairness_cells": "fairness_cells",
    "fairness_day_cells": "fairness_day_cells",
    "channel_path_daily_counts": "channel_path_daily",  # the channel journeys
}
LEGACY_DAILY_MANIFEST = "_daily.json"  # the daily rollup's own manifest before
# DuckDB's memory cap for the rollup builds (facts and daily), spilling to rollups/.spill
# beyond it. `chi rollup`, `chi demo` and the upload page build at BUILD_MEMORY on every
# core. The refresh that follows an import (`chi ingest`, `chi rescore`) builds lean:
# LEAN_MEMORY on one thread (one thread's hash tables and sort runs), so an import of
# 1M rows peaks under 500 MB (docs/BENCHMARKS.md, "ingest memory"); 192MB is too little
# for the facts query of 1M rows (an operator that cannot spill), and a lean build that
# runs out of memory runs once more at BUILD_MEMORY (rollup.refresh).
BUILD_MEMORY = "1GB"
LEAN_MEMORY = "224MB"
# a full facts build aggregates this many raw messages at a time (_rebuild_all); a lean
# one LEAN_CHUNK_ROWS
CHUNK_ROWS = 2_000_000
LEAN_CHUNK_ROWS = 400_000
# a full build of more than SPLIT_FROM chunks first writes the log's rows (without their
# text, which no fact reads) into a set of Parquet files per chunk, a calendar month of
# messages at a time, so that each chunk reads its own rows: filtering the whole log for
# every chunk reads it once per chunk, 50 times at 100M interactions. Below it the
# filtered reads are cheaper than the writing (docs/BENCHMARKS.md, "2026-12-02
# (evening): the facts build at 100M").
SPLIT_FROM = 8
# a full build's working files under rollups/ (the raw rows by chunk, the facts by
# month), removed when it ends and by `sweep`
CHUNKS_FOLDER = ".facts_build"
_lean: list[bool] = [False]  # the builds now are lean (lean_builds)


@dataclass(frozen=True)
class Manifest:
    """What the stored rollup was built from."""

    version: str  # hash of the facts query: a changed query means a full rebuild
    raw: dict[str, str]  # raw interactions month -> fingerprint of its files
    newest: dict[str, str]  # raw month -> its newest created_at (ISO) or ""
    months: list[str]  # rollup months that have a file
    files: dict[str, str] = field(default_factory=dict)  # month -> its file's name

    @property
    def as_of(self) -> dt.datetime | None:
        return as_of(self.newest)


def as_of(newest: dict[str, str]) -> dt.datetime | None:
    """The newest created_at over raw months (ISO strings, "" for an empty month)."""
    stamps = [v for v in newest.values() if v]
    return max(dt.datetime.fromisoformat(v) for v in stamps) if stamps else None


@dataclass(frozen=True)
class FactsState:
    """How the stored facts compare with the raw log; judged without writing."""

    manifest: Manifest | None
    files: dict[str, list[Path]]  # raw month -> its Parquet files now
    raw: dict[str, str]  # raw month -> fingerprint now
    rebuild_all: str  # why every month must be rebuilt; "" when month by month will do
    changed: tuple[str, ...]  # raw months new or changed since the manifest (all if rebuild)

    @property
    def fresh(self) -> bool:
        return not self.rebuild_all and not self.changed


@dataclass(frozen=True)
class FactsUpdate:
    """What `refresh` wrote."""

    manifest: Manifest
    months: list[str]  # rollup months written
    removed: list[str]  # rollup months deleted (no conversation starts there any more)
    rows: int  # rows in the written months


def rollup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / ROLLUP_DIR


def version() -> str:
    """Changes when the stored rows would: the facts query and the macros it may use
    (generated ones included: a changed follower bucket rebuilds). conversations.sql
    runs at read time, and the daily rollup records its own rules."""
    text = sql.query_text("conversation_facts") + sql.macros_text()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def raw_months(data_dir: Path) -> dict[str, list[Path]]:
    months: dict[str, list[Path]] = {}
    for path in parquet_files(data_dir, "interactions"):
        months.setdefault(path.parent.name.removeprefix("month="), []).append(path)
    return months


def fingerprint(paths: list[Path]) -> str:
    """Stable across processes (unlike hash()): names, sizes and mtimes of the files."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def read_body(data_dir: Path) -> dict:
    """The published manifest as JSON ({} when missing or unreadable)."""
    try:
        return parse_body((rollup_dir(data_dir) / MANIFEST).read_text(encoding="utf-8"))
    except OSError:
        return {}


def parse_body(text: str | None) -> dict:
    """A manifest's text as JSON ({} when missing or not a manifest)."""
    try:
        body = json.loads(text) if text is not None else {}
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def read_manifest(data_dir: Path) -> Manifest | None:
    return manifest_of(read_body(data_dir))


def manifest_of(raw_json: dict) -> Manifest | None:
    """The facts part of a manifest body (None when it is not one)."""
    try:
        return Manifest(
            raw_json["version"],
            dict(raw_json["raw"]),
            dict(raw_json["newest"]),
            list(raw_json["months"]),
            dict(raw_json.get("files", {})),
        )
    except (KeyError, TypeError, ValueError):
        return None


def month_file(data_dir: Path, month: str, manifest: Manifest | None = None) -> Path:
    """The file of a rollup month that `manifest` (default: the published one) names."""
    manifest = manifest if manifest is not None else read_manifest(data_dir)
    name = manifest.files.get(month, LEGACY_FILE) if manifest is not None else LEGACY_FILE
    return rollup_dir(data_dir) / FACTS / f"month={month}" / name


def month_files(data_dir: Path, months: list[str], manifest: Manifest | None = None) -> list[Path]:
    manifest = manifest if manifest is not None else read_manifest(data_dir)
    return [month_file(data_dir, m, manifest) for m in months]


def rollups_only(data_dir: Path) -> bool:
    """A dashboard host fed with synced rollups (docs/SCALE.md, "Getting the rollups to
    the dashboard"): a published manifest and no `interactions/` folder at all. The
    rollups are then the data: read as stored, never rebuilt (there is nothing to
    rebuild them from), and the pages' message drill-downs have no messages."""
    data_dir = Path(data_dir)
    return not (data_dir / "interactions").exists() and (rollup_dir(data_dir) / MANIFEST).is_file()


def state(data_dir: Path) -> FactsState:
    """Which raw months the stored facts lack, or why they must be rebuilt."""
    data_dir = Path(data_dir)
    if rollups_only(data_dir) and (synced := read_manifest(data_dir)) is not None:
        # the raw log lives elsewhere (the Spark cluster's storage): as the manifest saw it
        return FactsState(synced, {}, dict(synced.raw), _synced_problem(data_dir, synced), ())
    files = raw_months(data_dir)
    current = {m: fingerprint(p) for m, p in files.items()}
    old = read_manifest(data_dir)
    reason = ""
    if old is None:
        reason = "no stored rollups"
    elif old.version != version():
        reason = "the conversation rules changed since they were stored"
    elif deleted := sorted(set(old.raw) - set(current)):
        reason = f"raw {describe_months(deleted)} deleted"
    elif (rollup_dir(data_dir) / LEGACY_FACTS).is_dir():
        reason = f"stored in the old layout ({ROLLUP_DIR}/{LEGACY_FACTS}/)"
    elif missing := [m for m in old.months if not month_file(data_dir, m, old).is_file()]:
        reason = f"stored {describe_months(missing)} missing"
    if reason:
        changed = sorted(current)
    else:
        changed = sorted(m for m in current if old.raw.get(m) != current[m])
    return FactsState(old, files, current, reason, tuple(changed))


def _synced_problem(data_dir: Path, synced: Manifest) -> str:
    """Why synced rollups cannot be read as stored ("" when they can)."""
    if synced.version != version():
        return "the conversation rules changed since they were stored"
    if missing := [m for m in synced.months if not month_file(data_dir, m, synced).is_file()]:
        return f"stored {describe_months(missing)} missing"
    return ""


def describe_months(months: list[str] | tuple[str, ...]) -> str:
    """ "month 2025-03", "months 2025-01, 2025-02", "12 months (2025-01 to 2025-12)"."""
    if len(months) == 1:
        return f"month {months[0]}"
    if len(months) <= 3:
        return "months " + ", ".join(months)
    return f"{len(months)} months ({months[0]} to {months[-1]})"


def is_fresh(data_dir: Path) -> bool:
    return state(data_dir).fresh


def facts_query() -> str:
    """The facts of every conversation in `interactions`, with their rollup month."""
    return f"select *, {MONTH} as month from ({sql.query_text('conversation_facts')})"


def newest_by_month(
    con: duckdb.DuckDBPyConnection, files: dict[str, list[Path]], months: list[str]
) -> dict[str, str]:
    """Each raw month's newest created_at (ISO; "" when it has no rows)."""
    newest = {}
    for month in months:
        value = raw.newest_created_at(con, f"read_parquet({raw.parquet_list(files[month])})")
        newest[month] = value.isoformat() if value is not None else ""
    return newest


def stage_changed(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    facts: FactsState,
    raw_log: str,
) -> list[str]:
    """Table `_recomputed` in `con`: for the changed raw months of `facts` (an
    incremental state), the rows of every rollup month they touch, with a `month`
    column. Returns those months.

    The touched conversations are those with a message in a changed raw month; they
    are recomputed from every message of the whole log `raw_log` (a view over the raw
    interactions). A touched month holds its untouched stored rows plus the touched
    conversations that now start in it. `interactions` is left as a view of the
    touched conversations' messages: the caller restores it."""
    assert facts.manifest is not None and not facts.rebuild_all
    paths = [p for m in facts.changed for p in facts.files[m]]
    con.execute(
        f"create or replace table _touched as select distinct {KEY} "
        f"from read_parquet({raw.parquet_list(paths)}, union_by_name = true)"
    )
    stored = month_files(data_dir, facts.manifest.months, facts.manifest)
    if stored:
        # a changed month may have lost messages (a file replaced, e.g. a regenerated
        # demo or an edited export): every stored conversation whose messages span a
        # changed month is recomputed too, so one whose messages are gone is dropped
        con.execute(
            f"insert into _touched select {KEY} "
            f"from read_parquet({raw.parquet_list(stored)}, hive_partitioning = false) "
            f"where len(list_filter($changed, lambda c: c between {MONTH} and "
            f"{MONTH.replace('first_inbound_at', 'last_message_at')})) > 0 "
            f"except select {KEY} from _touched",
            {"changed": list(facts.changed)},
        )
    # every message of a touched conversation, wherever it lies in the log
    con.execute(
        f"create or replace view interactions as select * from {raw_log} "
        f"semi join _touched using ({KEY})"
    )
    con.execute("create or replace table _fresh as " + facts_query())
    if stored:
        stored_rows = f"read_parquet({raw.parquet_list(stored)}, hive_partitioning = true)"
    else:
        stored_rows = "(select * from _fresh limit 0)"
    con.execute(f"create or replace view _stored as select * from {stored_rows}")
    con.execute(
        "create or replace table _touched_months as "
        f"select distinct month from _stored semi join _touched using ({KEY}) "
        "union select distinct month from _fresh"
    )
    con.execute(
        "create or replace table _recomputed as "
        f"select * from _stored anti join _touched using ({KEY}) "
        "semi join _touched_months using (month) "
        "union all by name select * from _fresh"
    )
    months = con.execute("select month from _touched_months").fetchall()
    con.execute("drop view _stored")
    for name in ("_fresh", "_touched_months"):
        con.execute(f"drop table {name}")
    return sorted(r[0] for r in months)


def end_stage(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what `stage_changed` left (after `interactions` was redefined)."""
    con.execute("drop table if exists _touched")


def refresh(data_dir: Path, full: bool = False, publish: bool = True) -> FactsUpdate:
    """Bring the stored facts up to date with the raw log (every month with `full`).
    The caller holds the writer lock. Without `publish` the new files are written and
    the manifest naming them is returned, not published (rollup.refresh publishes it
    with the daily rollup's, in one step).

    Raises OSError or duckdb.IOException when the data dir cannot be written."""
    data_dir = Path(data_dir)
    facts = state(data_dir)
    old = facts.manifest
    if old is not None and facts.fresh and not full:
        return FactsUpdate(old, [], [], 0)
    rebuild_all = full or bool(facts.rebuild_all)
    changed = sorted(facts.raw) if rebuild_all else list(facts.changed)
    with _build_connection(data_dir) as con:
        newest = {} if rebuild_all or old is None else dict(old.newest)
        newest.update(newest_by_month(con, facts.files, changed))
        if rebuild_all:
            written, removed, rows = _rebuild_all(con, data_dir, old)
        else:
            written, removed, rows = _rebuild_changed(con, data_dir, facts)
    files = {} if rebuild_all or old is None else dict(old.files)
    files.update(written)
    for month in removed:
        files.pop(month, None)
    stored = sorted(files)
    manifest = Manifest(
        version(), facts.raw, {m: newest.get(m, "") for m in facts.raw}, stored, files
    )
    if publish:
        daily_part = read_body(data_dir).get("daily")
        publish_manifest(data_dir, manifest, daily_part)
    return FactsUpdate(manifest, sorted(written), removed, rows)


def _build_connection(data_dir: Path) -> duckdb.DuckDBPyConnection:
    rollup_dir(data_dir).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute("set TimeZone = 'UTC'")
    con.execute("set preserve_insertion_order = false")
    cap_memory(con, data_dir)
    # the raw log as `raw`; the facts query reads `interactions`, defined per build
    raw.create_table_view(con, data_dir, "interactions", as_name="raw")
    sql.install_macros(con)
    return con


@contextlib.contextmanager
def lean_builds() -> Iterator[None]:
    """The builds inside use LEAN_MEMORY on one thread (and aggregate the facts in
    chunks of LEAN_CHUNK_ROWS messages) instead of BUILD_MEMORY."""
    _lean.append(True)
    try:
        yield
    finally:
        _lean.pop()


def cap_memory(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """A build may see the whole raw log: cap its memory, spilling to disk beyond."""
    con.execute(f"set memory_limit = '{LEAN_MEMORY if _lean[-1] else BUILD_MEMORY}'")
    if _lean[-1]:  # one thread's hash tables and sort runs
        con.execute("set threads = 1")
    con.execute(f"set temp_directory = {sql.sql_string(str(rollup_dir(data_dir) / '.spill'))}")


def _rebuild_all(
    con: duckdb.DuckDBPyConnection, data_dir: Path, old: Manifest | None
) -> tuple[dict[str, str], list[str], int]:
    # the conversations in hash chunks of about CHUNK_ROWS messages each: a conversation's
    # facts depend on its own messages only (conversation_facts.sql), so the chunks
    # give the same rows as one pass, and the aggregation's memory is a chunk's, not the
    # log's (the facts query over the whole 10M demo spills: 85 s, against 5 x 12 s)
    chunk_rows = LEAN_CHUNK_ROWS if _lean[-1] else CHUNK_ROWS
    chunks = max(1, -(-con.execute("select count(*) from raw").fetchall()[0][0] // chunk_rows))
    work = rollup_dir(data_dir) / CHUNKS_FOLDER
    shutil.rmtree(work, ignore_errors=True)
    try:
        split = _split_by_chunk(con, work / "rows", chunks) if chunks > SPLIT_FROM else None
        # each chunk's facts go to files by rollup month (not to one table: at 100M the
        # facts of 31M conversations held in memory spill 6 GB and run out of it)
        staged = work / "facts"
        staged.mkdir(parents=True, exist_ok=True)
        for chunk in range(chunks):
            if split is None:
                rows_of_chunk = f"select * from raw where {_chunk_of(chunks)} = {chunk}"
            elif files := sorted((split / f"chunk={chunk}").glob("*.parquet")):
                rows_of_chunk = (
                    f"select * from read_parquet({raw.parquet_list(files)}, "
                    "hive_partitioning = false)"
                )
            else:  # no conversation hashed to this chunk
                continue
            con.execute(f"create or replace view interactions as {rows_of_chunk}")
            con.execute(
                f"copy ({facts_query()}) to {sql.sql_string(str(staged))} (format parquet, "
                f"partition_by (month), filename_pattern 'chunk{chunk:05d}_{{uuid}}', append)"
            )
        con.execute("create or replace view interactions as select * from raw")
        months = sorted(f.name.removeprefix("month=") for f in staged.glob("month=*"))
        rows, written = 0, {}
        for month in months:
            files = raw.parquet_list(sorted((staged / f"month={month}").glob("*.parquet")))
            count, written[month] = _write_month(
                con,
                data_dir,
                month,
                f"select * from read_parquet({files}, hive_partitioning = false)",
                {},
            )
            rows += count
    finally:
        shutil.rmtree(work, ignore_errors=True)
    before = set(old.months) if old is not None else set()
    root = rollup_dir(data_dir) / FACTS
    if root.is_dir():  # month folders of an older layout or manifest
        before |= {f.name.removeprefix("month=") for f in root.glob("month=*") if f.is_dir()}
    # months that no longer hold any conversation: their files go once this is published
    return written, sorted(before - set(months)), rows


def _chunk_of(chunks: int) -> str:
    """A message's hash chunk of `chunks`: its conversation's, so a chunk holds whole
    conversations."""
    return f"hash({KEY}) % {chunks}"


def _split_by_chunk(con: duckdb.DuckDBPyConnection, folder: Path, chunks: int) -> Path:
    """Write the raw log's rows, without their text, into <folder>/chunk=<n>/ by the hash
    chunk (`_chunk_of`, as `_rebuild_all` filters them), one calendar month
    (UTC) of created_at at a time so that the writing's memory is a month's. Returns the
    folder."""
    folder.mkdir(parents=True)
    months = con.execute(
        "select distinct strftime(created_at, '%Y-%m-01') as month from raw order by month"
    ).fetchall()
    for index, (month,) in enumerate(months):
        con.execute(
            f"copy (select * exclude (text), {_chunk_of(chunks)} as chunk from raw "
            "where created_at >= $month::timestamptz "
            "and created_at < $month::timestamptz + interval 1 month) "
            f"to {sql.sql_string(str(folder))} (format parquet, partition_by (chunk), "
            f"filename_pattern 'month{index:04d}_{{uuid}}', compression snappy, append)",
            {"month": month},
        )
    return folder


def _rebuild_changed(
    con: duckdb.DuckDBPyConnection, data_dir: Path, facts: FactsState
) -> tuple[dict[str, str], list[str], int]:
    written, removed, rows = {}, [], 0
    rows_of_month = "select * exclude (month) from _recomputed where month = $month"
    for month in stage_changed(con, data_dir, facts, raw_log="raw"):
        count, name = _write_month(con, data_dir, month, rows_of_month, {"month": month})
        if count:
            written[month] = name
            rows += count
        else:
            removed.append(month)
    return written, removed, rows


def _write_month(
    con: duckdb.DuckDBPyConnection, data_dir: Path, month: str, query: str, params: dict
) -> tuple[int, str]:
    """Write one rollup month's file beside the published one; its row count and file
    name ("" for 0 rows: no file)."""
    folder = rollup_dir(data_dir) / FACTS / f"month={month}"
    name, rows = copy_content_named(
        con,
        folder,
        f"copy ({query} order by {SORT}) to $path (format parquet, compression zstd)",
        params,
        keep_empty=False,
    )
    return rows, name


def write_content_named(
    con: duckdb.DuckDBPyConnection, folder: Path, copy: str, params: dict
) -> str:
    """Run a `copy ... to $path` into a temporary file of `folder`, then name the file by
    the hash of its bytes (part-<hash>.parquet): the same rows give the same name, and a
    published file is never overwritten by different content. Returns the name."""
    return copy_content_named(con, folder, copy, params)[0]


def copy_content_named(
    con: duckdb.DuckDBPyConnection, folder: Path, copy: str, params: dict, keep_empty: bool = True
) -> tuple[str, int]:
    """write_content_named, also returning the rows written; with `keep_empty` false, no
    rows write no file (name "")."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".part.{uuid.uuid4().hex}.tmp"
    try:
        rows = con.execute(copy.replace("$path", sql.sql_string(str(tmp))), params).fetchall()[0][0]
        if rows == 0 and not keep_empty:
            return "", 0
        digest = hashlib.sha256()
        with open(tmp, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        name = f"part-{digest.hexdigest()[:16]}.parquet"
        os.replace(tmp, folder / name)
    finally:
        tmp.unlink(missing_ok=True)
    store.checkpoint("rollup-file")
    return name, rows


def publish_manifest(data_dir: Path, manifest: Manifest, daily_part: dict | None) -> None:
    """Replace the published manifest (both rollups) in one os.replace, then delete what
    no manifest names any more. The caller holds the writer lock."""
    path = rollup_dir(data_dir) / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(manifest_text(manifest, daily_part))
        handle.flush()
        os.fsync(handle.fileno())
    store.checkpoint("rollup-publish")
    os.replace(tmp, path)
    sweep(data_dir)


def manifest_text(manifest: Manifest, daily_part: dict | None) -> str:
    """The manifest file's text: both rollups (the Spark engine writes the same)."""
    body: dict = {
        "version": manifest.version,
        "raw": manifest.raw,
        "newest": manifest.newest,
        "months": manifest.months,
        "files": manifest.files,
    }
    if daily_part is not None:
        body["daily"] = daily_part
    return json.dumps(body, indent=1, sort_keys=True) + "\n"


def named_files(data_dir: Path, body: dict) -> set[Path]:
    """Every rollup file a manifest body names (facts and daily)."""
    root = rollup_dir(data_dir)
    named = {
        root / FACTS / f"month={m}" / body.get("files", {}).get(m, LEGACY_FILE)
        for m in body.get("months", [])
    }
    daily_part = body.get("daily") or {}
    for month, built in (daily_part.get("months") or {}).items():
        built = built if isinstance(built, dict) else {}
        named.add(root / DAILY_FOLDER / f"month={month}" / built.get("file", LEGACY_FILE))
        # the other daily tables' files (daily.DAILY_TABLES), each in its own folder
        files = dict(built.get("files") or {})
        if built.get("agent_file"):  # written before `files` (daily.built_month)
            files.setdefault("agent_daily_sums", built["agent_file"])
        if built.get("term_file"):
            files.setdefault("term_daily_counts", built["term_file"])
        for table, name in files.items():
            folder = DAILY_TABLE_FOLDERS.get(table, DAILY_FOLDER)
            named.add(root / folder / f"month={month}" / name)
    return named


def sweep(data_dir: Path) -> list[Path]:
    """Delete the rollup files the published manifest does not name (superseded by a
    refresh, or left by one that was killed), temporary files, empty month folders and
    the spill folder. Only under the writer lock: no refresh is running then."""
    root = rollup_dir(data_dir)
    if not root.is_dir():
        return []
    body = read_body(data_dir)
    if not body:  # nothing published: a refresh will write everything again
        named: set[Path] | None = None
    else:
        named = named_files(data_dir, body)
        if "daily" not in body and (root / LEGACY_DAILY_MANIFEST).is_file():
            named = None  # the daily rollup of an older layout: leave its files
    removed = []
    for path in root.glob("**/*"):
        if not path.is_file():
            continue
        temporary = path.name.startswith(".") and path.name.endswith(".tmp")
        unnamed = named is not None and path.suffix == ".parquet" and path not in named
        if temporary or unnamed:
            path.unlink(missing_ok=True)
            removed.append(path)
    for sub in (FACTS, *DAILY_TABLE_FOLDERS.values(), LEGACY_FACTS):
        for folder in sorted((root / sub).glob("month=*"), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    if named is not None:
        shutil.rmtree(root / LEGACY_FACTS, ignore_errors=True)
        if "daily" in body:
            (root / LEGACY_DAILY_MANIFEST).unlink(missing_ok=True)
    shutil.rmtree(root / ".spill", ignore_errors=True)
    shutil.rmtree(root / CHUNKS_FOLDER, ignore_errors=True)
    return removed
