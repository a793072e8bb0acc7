"""The DuckDB connection over a data dir: raw views, config tables, macros and the
model tables the view queries read (see dashboard/data/sql.py for the runner).

Views/tables: `interactions`, `audience` (the raw Parquet, or empty typed tables),
`channel_targets`, `conversation_facts`, `data_as_of`, `conversations`,
`response_times`, `switched_paths`, `daily_sums` (with a `tz` column).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from pathlib import Path

import duckdb
import pyarrow as pa

from dashboard.core.config import Config
from dashboard.core.schema import TABLES
from dashboard.data.sql import ensure_daily_zone, install_macros, query_text, sql_string
from dashboard.data.store import parquet_files, table_dir


def create_table_view(
    con: duckdb.DuckDBPyConnection, data_dir: Path, name: str, as_name: str | None = None
) -> None:
    """A view `as_name` (default `name`) over the raw table, or an empty typed table."""
    target = as_name or name
    if parquet_files(data_dir, name):
        glob = str(table_dir(data_dir, name).resolve() / "month=*" / "*.parquet")
        source = f"read_parquet({sql_string(glob)}, hive_partitioning = true)"
        con.execute(f"create or replace view {target} as select * exclude (month) from {source}")
    else:
        _create_table_from(
            con, target, pa.table({f.name: pa.array([], f.type) for f in TABLES[name]})
        )


def _create_table_from(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """A real (not temporary) table, so every cursor of the connection sees it."""
    con.register("_incoming", table)
    con.execute(f"create or replace table {name} as select * from _incoming")
    con.unregister("_incoming")


def connect(data_dir: Path, config: Config, materialise: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB over `data_dir`. Use `.cursor()` per thread."""
    con = duckdb.connect(":memory:")
    con.execute("set TimeZone = 'UTC'")
    for name in TABLES:
        create_table_view(con, Path(data_dir), name)
    _create_table_from(
        con,
        "channel_targets",
        pa.table(
            {
                "channel": list(config.targets_s),
                "target_s": [float(v) for v in config.targets_s.values()],
            }
        ),
    )
    install_macros(con)
    if materialise:
        _load_conversations(con, Path(data_dir), config)
    return con


_SHARED: OrderedDict[tuple[str, str, str], duckdb.DuckDBPyConnection] = OrderedDict()
_SHARED_LOCK = threading.Lock()
SHARED_MAX = 2  # connections kept per process (the current and the previous data version)


def shared_connection(data_dir: Path, config: Config, version: str) -> duckdb.DuckDBPyConnection:
    """One connection per process for a data version + config, shared by the Streamlit
    pages (dashboard/ui.py) and the public feeds (dashboard/api.py), so the rollup is
    loaded once. Built under a lock: concurrent first requests wait for one build."""
    key = (str(Path(data_dir).resolve()), version, config.fingerprint())
    with _SHARED_LOCK:
        if key in _SHARED:
            _SHARED.move_to_end(key)
            return _SHARED[key]
        con = connect(data_dir, config)
        _SHARED[key] = con
        while len(_SHARED) > SHARED_MAX:
            _SHARED.popitem(last=False)
        return con


def set_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None) -> None:
    """The data's newest timestamp, at which `dropped` is judged (table data_as_of)."""
    con.execute(
        "create or replace table data_as_of as select $as_of::timestamptz as as_of",
        {"as_of": as_of},
    )


def _load_conversations(con: duckdb.DuckDBPyConnection, data_dir: Path, config: Config) -> None:
    """`conversation_facts` and `conversations` over the stored conversation rollup
    (refreshed when stale) and the `daily_sums` table from the stored daily rollup;
    without a stored rollup (read-only data dir, no data) all computed in memory."""
    from dashboard.data.rollup import conversations as rollups
    from dashboard.data.rollup import daily

    manifest = None
    if parquet_files(data_dir, "interactions"):
        try:
            manifest = rollups.refresh(data_dir)
        except (OSError, duckdb.IOException):  # read-only data dir: compute in memory
            manifest = None
    stored_daily = False
    if manifest is not None and manifest.months:
        glob = sql_string(rollups.rollup_glob(data_dir))
        source = f"read_parquet({glob}, hive_partitioning = false)"
        con.execute(f"create or replace view conversation_facts as select * from {source}")
        set_as_of(con, manifest.as_of)
        # a view: medians, paths and drill-downs read only the row groups they need
        con.execute("create or replace view conversations as " + query_text("conversations"))
        try:
            daily.refresh(data_dir, config, manifest)
            stored_daily = True
        except (OSError, duckdb.IOException):
            stored_daily = False
    else:
        con.execute(
            "create or replace table conversation_facts as " + query_text("conversation_facts")
        )
        newest = con.execute("select epoch_us(max(created_at)) from interactions").fetchall()[0][0]
        set_as_of(con, None if newest is None else rollups.from_epoch_us(newest))
        con.execute("create or replace table conversations as " + query_text("conversations"))
    for table in ("response_times", "switched_paths"):  # narrow in-memory model tables
        con.execute(f"create or replace table {table} as " + query_text(table))
    con.execute("create or replace table daily_zones (tz varchar)")
    con.execute(
        "create or replace table daily_sums as select $tz::varchar as tz, * from ("
        + query_text("daily_sums")
        + ") limit 0",
        {"tz": "UTC"},
    )
    if stored_daily:  # the stored rollup has a daily file for every conversation month
        files = sql_string(daily.daily_glob(data_dir))
        con.execute(
            "insert into daily_sums select $tz, * from read_parquet("
            f"{files}, hive_partitioning = false)",
            {"tz": config.display_time_zone},
        )
        con.execute("insert into daily_zones values ($tz)", {"tz": config.display_time_zone})
    else:
        ensure_daily_zone(con, config.display_time_zone)
