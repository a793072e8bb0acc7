"""The conversation rollup: one row per conversation, persisted beside the raw log.

    <data dir>/rollups/conversations/month=YYYY-MM/part-0.parquet
    <data dir>/rollups/_manifest.json

Each row is queries/conversation_facts.sql: everything about a conversation that
depends only on its own messages (no config, no "now"). A conversation lives in the
month of its first inbound message; files are sorted by brand, channel and
first_inbound_at so DuckDB's zone maps skip row groups outside a filter.
connection.connect turns the rows into the `conversations` table with
queries/conversations_from_facts.sql, adding the first-response targets of the
current config and `dropped`, which is judged at the data's newest timestamp
(as_of, kept in the manifest) - so neither a config change nor new data that
moves as_of makes a stored row wrong.

The daily rollup (dashboard/daily.py) is built on these files.

Incremental refresh: the manifest keeps, per raw month, a fingerprint of its files
(name, size, mtime) and its newest created_at. A refresh finds the raw months whose
fingerprint changed, collects the conversations with a message in them (they may
have started in an earlier month, or continue into a later one), recomputes exactly
those conversations from the whole log, and rewrites only the rollup months that
held or now hold one of them. A deleted raw month, a changed facts query or a
missing rollup file means a full rebuild. Every file is written under a temporary
name and renamed into place; the manifest is written last, so a reader never sees
a manifest that promises files that are not there yet.
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

from dashboard.data import connection, sql
from dashboard.data.store import parquet_files

ROLLUP_DIR = "rollups"
CONVERSATIONS = "conversations"
MANIFEST = "_manifest.json"
MONTH = "strftime(timezone('UTC', first_inbound_at), '%Y-%m')"
SORT = "brand, channel, first_inbound_at"
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
        stamps = [v for v in self.newest.values() if v]
        return max(dt.datetime.fromisoformat(v) for v in stamps) if stamps else None


def from_epoch_us(value: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=value)


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


def data_version(data_dir: Path) -> str:
    """A token that changes whenever a raw Parquet file (interactions, audience) changes.

    Unlike store.data_version it ignores the rollups, which connection.connect may write
    itself: a connection that refreshed a stale rollup keeps its cache key."""
    root = Path(data_dir)
    if not root.is_dir():
        return "missing"
    digest = hashlib.sha256()
    for table in ("interactions", "audience"):
        for path in parquet_files(root, table):
            try:
                stat = path.stat()
            except FileNotFoundError:  # replaced while we listed; the next call sees it
                continue
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def read_manifest(data_dir: Path) -> Manifest | None:
    path = rollup_dir(data_dir) / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(raw["version"], dict(raw["raw"]), dict(raw["newest"]), list(raw["months"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def month_file(data_dir: Path, month: str) -> Path:
    return rollup_dir(data_dir) / CONVERSATIONS / f"month={month}" / "part-0.parquet"


def rollup_glob(data_dir: Path) -> str:
    return str(rollup_dir(data_dir).resolve() / CONVERSATIONS / "month=*" / "*.parquet")


def is_fresh(data_dir: Path, manifest: Manifest | None = None) -> bool:
    manifest = manifest or read_manifest(data_dir)
    if manifest is None or manifest.version != version():
        return False
    current = {m: fingerprint(p) for m, p in raw_months(data_dir).items()}
    return current == manifest.raw and all(
        month_file(data_dir, m).is_file() for m in manifest.months
    )


def refresh(data_dir: Path) -> Manifest:
    """Bring the stored rollup up to date with the raw log; returns its manifest.

    Raises OSError when the data dir cannot be written (callers then compute in memory).
    """
    data_dir = Path(data_dir)
    files = raw_months(data_dir)
    current = {m: fingerprint(p) for m, p in files.items()}
    old = read_manifest(data_dir)
    if old is not None and is_fresh(data_dir, old):
        return old
    full = (
        old is None
        or old.version != version()
        or set(old.raw) - set(current)
        or not all(month_file(data_dir, m).is_file() for m in old.months)
    )
    changed = (
        sorted(current) if full else sorted(m for m in current if old.raw.get(m) != current[m])
    )
    with _build_connection(data_dir) as con:
        newest = {} if full else dict(old.newest)
        newest.update(_newest(con, files, changed))
        months = (
            _rebuild_all(con, data_dir)
            if full
            else _rebuild_changed(con, data_dir, files, changed, old.months)
        )
    manifest = Manifest(version(), current, {m: newest.get(m, "") for m in current}, sorted(months))
    _write_manifest(data_dir, manifest)
    return manifest


def refresh_after_write(data_dir: Path) -> bool:
    """Refresh both rollups after new raw data was written (chi demo, chi ingest), the
    daily one with the data dir's config. A failure (an unreadable file, a read-only
    dir, a broken chi.toml) must not fail the write that already happened: the rollups
    stay stale and connection.connect retries or computes in memory."""
    from dashboard.core.config import ConfigError, load_config
    from dashboard.data.rollup import daily

    try:
        manifest = refresh(data_dir)
        daily.refresh(data_dir, load_config(data_dir), manifest)
    except (OSError, duckdb.Error, ConfigError):
        return False
    return True


def _build_connection(data_dir: Path) -> duckdb.DuckDBPyConnection:
    rollup_dir(data_dir).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute("set TimeZone = 'UTC'")
    con.execute("set preserve_insertion_order = false")
    # the build may see the whole raw log: cap its memory, spilling to disk beyond
    con.execute(f"set memory_limit = '{BUILD_MEMORY}'")
    # the raw log as `raw`; the facts query reads `interactions`, defined per build
    con.execute(f"set temp_directory = {sql.sql_string(str(rollup_dir(data_dir) / '.spill'))}")
    connection.create_table_view(con, data_dir, "interactions", as_name="raw")
    sql.install_macros(con)
    return con


def _parquet_list(paths: list[Path]) -> str:
    return "[" + ", ".join(sql.sql_string(str(p.resolve())) for p in paths) + "]"


def _newest(
    con: duckdb.DuckDBPyConnection, files: dict[str, list[Path]], months: list[str]
) -> dict[str, str]:
    newest = {}
    for month in months:
        value = con.execute(
            f"select epoch_us(max(created_at)) from read_parquet({_parquet_list(files[month])})"
        ).fetchone()[0]
        newest[month] = from_epoch_us(value).isoformat() if value is not None else ""
    return newest


def _rebuild_all(con: duckdb.DuckDBPyConnection, data_dir: Path) -> list[str]:
    con.execute("create view interactions as select * from raw")
    con.execute(
        "create temp table fresh as select *, "
        + MONTH
        + " as month from ("
        + sql.query_text("conversation_facts")
        + ")"
    )
    months = [r[0] for r in con.execute("select distinct month from fresh").fetchall()]
    for month in months:
        _write_month(
            con,
            data_dir,
            month,
            "select * exclude (month) from fresh where month = $month",
            {"month": month},
        )
    root = rollup_dir(data_dir) / CONVERSATIONS
    if root.is_dir():  # months that no longer hold any conversation
        for folder in root.glob("month=*"):
            if folder.name.removeprefix("month=") not in months:
                shutil.rmtree(folder, ignore_errors=True)
    return months


def _rebuild_changed(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    files: dict[str, list[Path]],
    changed: list[str],
    old_months: list[str],
) -> list[str]:
    paths = [p for m in changed for p in files[m]]
    con.execute(
        "create temp table touched as select distinct brand, conversation_id "
        f"from read_parquet({_parquet_list(paths)}, union_by_name = true)"
    )
    # every message of a touched conversation, wherever it lies in the log
    con.execute(
        "create view interactions as select * from raw semi join touched "
        "using (brand, conversation_id)"
    )
    con.execute(
        "create temp table fresh as select *, "
        + MONTH
        + " as month from ("
        + sql.query_text("conversation_facts")
        + ")"
    )
    if old_months:
        con.execute(
            "create view stored as select * from read_parquet("
            f"{sql.sql_string(rollup_glob(data_dir))}, hive_partitioning = true)"
        )
    else:
        con.execute("create view stored as select * from fresh limit 0")
    affected = {
        r[0]
        for r in con.execute(
            "select distinct month from stored semi join touched using (brand, conversation_id) "
            "union select distinct month from fresh"
        ).fetchall()
    }
    months = set(old_months)
    for month in sorted(affected):
        # the month's untouched stored rows plus its recomputed ones
        query = (
            "select * exclude (month) from stored anti join touched "
            "using (brand, conversation_id) where month = $month "
            "union all select * exclude (month) from fresh where month = $month"
        )
        if _write_month(con, data_dir, month, query, {"month": month}):
            months.add(month)
        else:
            months.discard(month)
    return sorted(months)


def _write_month(
    con: duckdb.DuckDBPyConnection, data_dir: Path, month: str, query: str, params: dict
) -> bool:
    """Write one rollup month atomically; False (and no file) when it has no rows."""
    path = month_file(data_dir, month)
    rows = con.execute(f"select count(*) from ({query})", params).fetchone()[0]
    if rows == 0:
        shutil.rmtree(path.parent, ignore_errors=True)
        return False
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
    return True


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
