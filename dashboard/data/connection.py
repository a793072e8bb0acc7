"""The reading DuckDB connection over a data dir: the raw views and config tables of
dashboard/data/raw.py plus the model tables the view queries read (see
dashboard/data/sql.py for the runner).

Views/tables: `interactions`, `audience`, `channel_targets`, `conversation_facts`,
`data_as_of`, `conversations`, every daily table of sql.DAILY_TABLES (`daily_sums`,
`agent_daily_sums`, the response-time sketches, the superfans' days, the fairness
cells, the channel paths: with a `tz` column), and
`term_daily_counts` (the topics' term counts: a view over the stored files, read only
by the queries that ask; another time zone's rows computed on first use,
sql.ensure_term_zone).

Brands are shown by their display names ([brands] in chi.toml) in every one of them:
the model is computed by source brand, as the stored rollups are, and the names are
mapped where rows enter the connection (the conversation facts, the stored daily sums,
then the raw views: dashboard/data/raw.py). Two source names given one display name
are one brand: its daily sums are the sums over both (exact, they are additive), its
medians come from the sum of their response-time sketches. The mapping is
part of the config's fingerprint, so `shared_connection` builds a new connection when
it changes; nothing stored changes. (The response-time sketches are additive too: a
brand's counts per bucket are the sums over its source names, so its medians are those
of the union of their conversations, within the sketch's accuracy.)

Opening a connection never writes anything under the data dir. When the stored
rollups (dashboard/data/rollup/) are fresh for the raw log and the config it reads
them; what is stale is computed in memory, as narrowly as the staleness allows:

- raw months changed since the last `chi rollup`: the conversations with a message in
  them are recomputed from the raw log and replace their stored rows; the other
  rollup months are read from their files;
- nothing stored, the facts query changed, a raw month deleted: the whole model is
  computed from the raw log;
- daily months stale for the config (targets, time zone) or the as-of time: their
  sums are computed from the conversations, the current months read from their files.

`rollup_status(con)` says which it was, for `chi report`'s note and the app's caption.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard.core.config import Config
from dashboard.data import raw
from dashboard.data.rollup import daily, facts
from dashboard.data.sql import (
    DAILY_TABLES,
    FILE_TABLES,
    TERM_TABLE,
    ensure_daily_zone,
    memory_table,
    query_text,
    sql_string,
)
from dashboard.data.store import parquet_files

STORED, PARTIAL, MEMORY, EMPTY = "stored", "partial", "memory", "empty"


@dataclass(frozen=True)
class RollupStatus:
    """Where a connection's model comes from."""

    source: str  # STORED, PARTIAL (stale months in memory), MEMORY (all), EMPTY (no data)
    reason: str = ""  # why the stored rollups were not (all) used; "" when they were
    stale_months: tuple[str, ...] = ()  # raw months changed since the rollups were stored
    facts_in_memory: tuple[str, ...] = ()  # conversation facts months recomputed (PARTIAL)
    daily_in_memory: tuple[str, ...] = ()  # daily months summed in memory (PARTIAL)

    @property
    def stored(self) -> bool:
        """Nothing was computed in memory that a `chi rollup` would have stored."""
        return self.source in (STORED, EMPTY)

    def how(self) -> str:
        """How the figures were computed, in a few words."""
        if self.source == MEMORY:
            return "computed in memory"
        parts = []
        if self.facts_in_memory:
            parts.append(f"{_count(self.facts_in_memory, 'conversation month')}")
        if self.daily_in_memory:
            parts.append(f"{_count(self.daily_in_memory, 'daily month')}")
        if not parts:  # the changed raw months touched no conversation
            return "read from the rollups (nothing needed recomputing)"
        return f"{' and '.join(parts)} computed in memory, the rest read from the rollups"

    def note(self) -> str | None:
        """The one line `chi report` prints on stderr when something was stale."""
        if self.stored:
            return None
        return (
            f"note: rollups are stale ({self.reason}); {self.how()}; run `chi rollup` to store them"
        )


def _count(months: tuple[str, ...], noun: str) -> str:
    return f"1 {noun}" if len(months) == 1 else f"{len(months)} {noun}s"


def connect(data_dir: Path, config: Config, one_shot: bool = False) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB over `data_dir`, reading only. Use `.cursor()` per thread.
    `one_shot`: for a command that runs a few queries and exits (`chi report`): the
    stored daily sums are read from their files by each query rather than loaded into
    memory first (the same rows either way)."""
    data_dir = Path(data_dir)
    con = raw.raw_connection(data_dir, config)
    raw.install_display_brands(con, config)
    status = _load_model(con, data_dir, config, from_files=one_shot)
    raw.show_display_brands(con, data_dir, config)
    _record_status(con, status)
    return con


def connect_in_memory(data_dir: Path, config: Config) -> duckdb.DuckDBPyConnection:
    """The whole model computed from the raw log, ignoring any stored rollup: the
    reference the stored rollups are proved equal to (tests), and what `connect` does
    when nothing stored is usable."""
    con = raw.raw_connection(Path(data_dir), config)
    raw.install_display_brands(con, config)
    _model_in_memory(con, config)
    raw.show_display_brands(con, Path(data_dir), config)
    _record_status(con, RollupStatus(MEMORY, "asked for the in-memory model"))
    return con


def rollup_status(con: duckdb.DuckDBPyConnection) -> RollupStatus:
    """The status recorded by `connect` (readable from any cursor of the connection)."""
    row = con.execute(
        "select source, reason, stale_months, facts_in_memory, daily_in_memory from _rollup_status"
    ).fetchall()[0]
    return RollupStatus(row[0], row[1], *(tuple(v) for v in row[2:]))


def _record_status(con: duckdb.DuckDBPyConnection, status: RollupStatus) -> None:
    con.execute(
        "create or replace table _rollup_status as select $source::varchar as source, "
        "$reason::varchar as reason, $stale::varchar[] as stale_months, "
        "$facts::varchar[] as facts_in_memory, $daily::varchar[] as daily_in_memory",
        {
            "source": status.source,
            "reason": status.reason,
            "stale": list(status.stale_months),
            "facts": list(status.facts_in_memory),
            "daily": list(status.daily_in_memory),
        },
    )


def data_version(data_dir: Path) -> str:
    """The key of a connection over `data_dir`: changes when a connection built now
    would differ - a raw Parquet file (interactions, audience) changed, or a refresh
    stored new rollups (each writes its manifest last)."""
    root = Path(data_dir)
    if not root.is_dir():
        return "missing"
    digest = hashlib.sha256()
    paths = [p for table in ("interactions", "audience") for p in parquet_files(root, table)]
    paths += [facts.rollup_dir(root) / name for name in (facts.MANIFEST, daily.MANIFEST)]
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:  # replaced while we listed, or never stored
            continue
        digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


# --- the one cache of connections in a process ---------------------------------------

_SHARED: OrderedDict[tuple[str, str, str], duckdb.DuckDBPyConnection] = OrderedDict()
_SHARED_LOCK = threading.Lock()
SHARED_MAX = 2  # connections kept per process (the current and the previous data version)


def _key(data_dir: Path, config: Config, version: str) -> tuple[str, str, str]:
    return (str(Path(data_dir).resolve()), version, config.fingerprint())


def shared_connection(data_dir: Path, config: Config, version: str) -> duckdb.DuckDBPyConnection:
    """The process's connection for a data dir, data version (`data_version`) and
    config: the only cache of connections, asked by the Streamlit pages (dashboard/ui)
    and the public feeds (dashboard/web/api.py) alike, so the model is loaded once.
    Built under a lock: concurrent first requests wait for one build."""
    key = _key(data_dir, config, version)
    with _SHARED_LOCK:
        if key in _SHARED:
            _SHARED.move_to_end(key)
            return _SHARED[key]
        con = connect(data_dir, config)
        _SHARED[key] = con
        while len(_SHARED) > SHARED_MAX:
            _SHARED.popitem(last=False)
        return con


def is_shared(data_dir: Path, config: Config, version: str) -> bool:
    """Whether `shared_connection` has this connection already (no build needed)."""
    with _SHARED_LOCK:
        return _key(data_dir, config, version) in _SHARED


def clear_shared() -> None:
    """Drop every shared connection (tests; a process that is done with its data)."""
    with _SHARED_LOCK:
        while _SHARED:
            _SHARED.popitem()[1].close()


# --- the model ------------------------------------------------------------------------


def _load_model(
    con: duckdb.DuckDBPyConnection, data_dir: Path, config: Config, from_files: bool = False
) -> RollupStatus:
    if not parquet_files(data_dir, "interactions") and not facts.rollups_only(data_dir):
        _model_in_memory(con, config)  # empty, typed tables
        return RollupStatus(EMPTY)
    stored = facts.state(data_dir)
    if stored.rebuild_all:
        _model_in_memory(con, config)
        return RollupStatus(MEMORY, stored.rebuild_all, stored.changed)
    manifest = stored.manifest
    assert manifest is not None
    recomputed: list[str] = []
    if stored.changed:
        recomputed = _recompute_changed(con, data_dir, stored)
        newest = {**manifest.newest, **facts.newest_by_month(con, stored.files, stored.changed)}
        as_of = facts.as_of({m: newest.get(m, "") for m in stored.raw})
    else:
        as_of = manifest.as_of
    kept = [m for m in manifest.months if m not in recomputed]
    source = raw.with_display_brands(
        _facts_source(data_dir, kept, with_recomputed=bool(stored.changed)), config
    )
    con.execute(f"create or replace view conversation_facts as {source}")
    raw.set_as_of(con, as_of)
    # a view: medians, paths and drill-downs read only the row groups they need
    con.execute("create or replace view conversations as " + query_text("conversations"))
    sums = daily.state(data_dir, config, kept, as_of)
    summed = sorted({*sums.stale, *recomputed})
    _daily_sums(con, data_dir, config, sorted(sums.current), summed, source, from_files)
    if not stored.changed and not summed:
        return RollupStatus(STORED)
    reasons = []
    if stored.changed:
        reasons.append(
            f"raw {facts.describe_months(stored.changed)} changed since they were stored"
        )
    if sums.rules_changed:
        reasons.append("the daily sums were stored for other targets, time zone or rules")
    elif sums.stale and not stored.changed:
        reasons.append(f"daily {facts.describe_months(sums.stale)} not stored for this data")
    return RollupStatus(
        PARTIAL, "; ".join(reasons), stored.changed, tuple(recomputed), tuple(summed)
    )


def _model_in_memory(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Every model table computed from the raw log (no stored rollup read)."""
    con.execute(
        "create or replace table conversation_facts as "
        + raw.with_display_brands(query_text("conversation_facts"), config)
    )
    raw.set_as_of(con, raw.newest_created_at(con, "interactions"))
    con.execute("create or replace table conversations as " + query_text("conversations"))
    _empty_daily_sums(con)
    ensure_daily_zone(con, config.display_time_zone)


def _recompute_changed(
    con: duckdb.DuckDBPyConnection, data_dir: Path, stored: facts.FactsState
) -> list[str]:
    """Table `_recomputed`: the rows of every rollup month that the changed raw months
    touch (its untouched stored rows and the touched conversations recomputed from the
    whole log), with a `month` column. Returns those months."""
    raw.create_table_view(con, data_dir, "interactions", as_name="_raw_log")
    months = facts.stage_changed(con, data_dir, stored, raw_log="_raw_log")
    raw.create_table_view(con, data_dir, "interactions")  # the raw log again
    facts.end_stage(con)
    con.execute("drop view _raw_log")
    return months


def _facts_source(data_dir: Path, months: list[str], with_recomputed: bool) -> str:
    """The select behind `conversation_facts`: the stored files of `months` and, after
    an in-memory recomputation, the `_recomputed` rows."""
    parts = []
    if months:
        files = raw.parquet_list(facts.month_files(data_dir, months))
        parts.append(f"select * from read_parquet({files}, hive_partitioning = false)")
    if with_recomputed or not parts:
        # without stored months or recomputed rows: the facts query's typed empty result
        parts.append(
            "select * exclude (month) from _recomputed"
            if with_recomputed
            else f"select * from ({query_text('conversation_facts')}) limit 0"
        )
    return " union all by name ".join(parts)


def _empty_daily_sums(con: duckdb.DuckDBPyConnection) -> None:
    """Each daily table (sql.DAILY_TABLES and the term counts) as an empty table of the
    rows held in memory (sql.memory_table: stale months, other time zones) and the view
    the queries read, which `_daily_sums` extends with the stored files."""
    con.execute("create or replace table daily_zones (tz varchar)")
    con.execute("create or replace table term_zones (tz varchar)")
    for table in (*DAILY_TABLES, TERM_TABLE):
        memory = memory_table(table)
        con.execute(
            f"create or replace table {memory} as select $tz::varchar as tz, * from ("
            + query_text(table)
            + ") limit 0",
            {"tz": "UTC"},
        )
        con.execute(f"create or replace view {table} as select * from {memory}")


def _daily_sums(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    config: Config,
    stored_months: list[str],
    summed_months: list[str],
    facts_source: str,
    from_files: bool = False,
) -> None:
    """`daily_sums` and `agent_daily_sums` (sql.DAILY_TABLES) for the config's display
    time zone: the stored daily files of `stored_months`, plus the sums of the
    conversations of `summed_months` computed here (a daily month is the sums over one
    facts month's conversations). The stored rows are loaded into memory, where a
    page's many queries read them quickly; with `from_files` (a command that runs a
    few queries) and always for sql.FILE_TABLES (the term counts, the sketches' day
    grain, the agents' sketches: large, and read in part or by one page) the view reads
    the stored files instead."""
    tz = {"tz": config.display_time_zone}
    _empty_daily_sums(con)
    if stored_months:
        for table in (*DAILY_TABLES, TERM_TABLE):
            files = raw.parquet_list([daily.month_file(data_dir, m, table) for m in stored_months])
            stored = raw.with_display_brands(
                f"select * from read_parquet({files}, hive_partitioning = false)", config
            )
            memory = memory_table(table)
            if from_files or table in FILE_TABLES:
                con.execute(
                    f"create or replace view {table} as select {sql_string(tz['tz'])} as tz, * "
                    f"from ({stored}) union all by name select * from {memory}"
                )
            else:
                con.execute(f"insert into {memory} select $tz, * from ({stored})", tz)
    if summed_months:
        con.execute("create or replace table _months (month varchar)")
        con.executemany("insert into _months values (?)", [[m] for m in summed_months])
        # the conversations of those months only, then the model's views again
        con.execute(
            f"create or replace view conversation_facts as select * from ({facts_source}) "
            f"where {facts.MONTH} in (select month from _months)"
        )
        con.execute("create or replace view conversations as " + query_text("conversations"))
        for table in (*DAILY_TABLES, TERM_TABLE):
            con.execute(
                f"insert into {memory_table(table)} select $tz, * from (" + query_text(table) + ")",
                tz,
            )
        con.execute(f"create or replace view conversation_facts as {facts_source}")
        con.execute("create or replace view conversations as " + query_text("conversations"))
        con.execute("drop table _months")
    con.execute("insert into daily_zones values ($tz)", tz)
    con.execute("insert into term_zones values ($tz)", tz)
