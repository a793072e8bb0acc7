"""The conversation facts rollup: one row per conversation, stored beside the raw log.

    <data dir>/rollups/conversation_facts/month=YYYY-MM/part-0.parquet
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
writer rewrites exactly those months. Every file is written under a temporary name and
renamed into place; the manifest is written last, so a reader never sees a manifest
that promises files that are not there yet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard.data import raw, sql
from dashboard.data.store import parquet_files

ROLLUP_DIR = "rollups"
FACTS = "conversation_facts"
LEGACY_FACTS = "conversations"  # the folder's name before issue 12; a full build drops it
MANIFEST = "_manifest.json"
MONTH = "strftime(timezone('UTC', first_inbound_at), '%Y-%m')"
SORT = "brand, channel, first_inbound_at"
KEY = "brand, conversation_id"
BUILD_MEMORY = "1GB"


@dataclass(frozen=True)
class Manifest:
    """What the stored rollup was built from."""

    version: str  # hash of the facts query: a changed query means a full rebuild
    raw: dict[str, str]  # raw interactions month -> fingerprint of its files
    newest: dict[str, str]  # raw month -> its newest created_at (ISO) or ""
    months: list[str]  # rollup months that have a file

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


def read_manifest(data_dir: Path) -> Manifest | None:
    path = rollup_dir(data_dir) / MANIFEST
    try:
        raw_json = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(
            raw_json["version"],
            dict(raw_json["raw"]),
            dict(raw_json["newest"]),
            list(raw_json["months"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def month_file(data_dir: Path, month: str) -> Path:
    return rollup_dir(data_dir) / FACTS / f"month={month}" / "part-0.parquet"


def month_files(data_dir: Path, months: list[str]) -> list[Path]:
    return [month_file(data_dir, m) for m in months]


def state(data_dir: Path) -> FactsState:
    """Which raw months the stored facts lack, or why they must be rebuilt."""
    data_dir = Path(data_dir)
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
    elif missing := [m for m in old.months if not month_file(data_dir, m).is_file()]:
        reason = f"stored {describe_months(missing)} missing"
    if reason:
        changed = sorted(current)
    else:
        changed = sorted(m for m in current if old.raw.get(m) != current[m])
    return FactsState(old, files, current, reason, tuple(changed))


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
    stored = month_files(data_dir, facts.manifest.months)
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


def refresh(data_dir: Path, full: bool = False) -> FactsUpdate:
    """Bring the stored facts up to date with the raw log (every month with `full`).

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
            months, removed, rows = _rebuild_all(con, data_dir)
        else:
            months, removed, rows = _rebuild_changed(con, data_dir, facts)
    kept = set() if rebuild_all or old is None else set(old.months)
    stored = sorted((kept | set(months)) - set(removed))
    manifest = Manifest(version(), facts.raw, {m: newest.get(m, "") for m in facts.raw}, stored)
    _write_manifest(data_dir, manifest)
    return FactsUpdate(manifest, months, removed, rows)


def _build_connection(data_dir: Path) -> duckdb.DuckDBPyConnection:
    rollup_dir(data_dir).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute("set TimeZone = 'UTC'")
    con.execute("set preserve_insertion_order = false")
    # the build may see the whole raw log: cap its memory, spilling to disk beyond
    con.execute(f"set memory_limit = '{BUILD_MEMORY}'")
    con.execute(f"set temp_directory = {sql.sql_string(str(rollup_dir(data_dir) / '.spill'))}")
    # the raw log as `raw`; the facts query reads `interactions`, defined per build
    raw.create_table_view(con, data_dir, "interactions", as_name="raw")
    sql.install_macros(con)
    return con


def _rebuild_all(
    con: duckdb.DuckDBPyConnection, data_dir: Path
) -> tuple[list[str], list[str], int]:
    con.execute("create view interactions as select * from raw")
    con.execute("create temp table fresh as " + facts_query())
    months = sorted(r[0] for r in con.execute("select distinct month from fresh").fetchall())
    rows = 0
    for month in months:
        rows += _write_month(
            con,
            data_dir,
            month,
            "select * exclude (month) from fresh where month = $month",
            {"month": month},
        )
    removed = []
    root = rollup_dir(data_dir) / FACTS
    if root.is_dir():  # months that no longer hold any conversation
        for folder in sorted(root.glob("month=*")):
            if folder.name.removeprefix("month=") not in months:
                removed.append(folder.name.removeprefix("month="))
                shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(rollup_dir(data_dir) / LEGACY_FACTS, ignore_errors=True)
    return months, removed, rows


def _rebuild_changed(
    con: duckdb.DuckDBPyConnection, data_dir: Path, facts: FactsState
) -> tuple[list[str], list[str], int]:
    written, removed, rows = [], [], 0
    rows_of_month = "select * exclude (month) from _recomputed where month = $month"
    for month in stage_changed(con, data_dir, facts, raw_log="raw"):
        count = _write_month(con, data_dir, month, rows_of_month, {"month": month})
        if count:
            written.append(month)
            rows += count
        else:
            removed.append(month)
    return written, removed, rows


def _write_month(
    con: duckdb.DuckDBPyConnection, data_dir: Path, month: str, query: str, params: dict
) -> int:
    """Write one rollup month atomically; its row count (0: no file, any old one gone)."""
    path = month_file(data_dir, month)
    rows = con.execute(f"select count(*) from ({query})", params).fetchall()[0][0]
    if rows == 0:
        shutil.rmtree(path.parent, ignore_errors=True)
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        con.execute(
            f"copy ({query} order by {SORT}) to {sql.sql_string(str(tmp))} "
            "(format parquet, compression zstd)",
            params,
        )
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return rows


def _write_manifest(data_dir: Path, manifest: Manifest) -> None:
    path = rollup_dir(data_dir) / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    body = {
        "version": manifest.version,
        "raw": manifest.raw,
        "newest": manifest.newest,
        "months": manifest.months,
    }
    tmp.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
