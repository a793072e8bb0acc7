"""DuckDB access: a connection over the data dir and named queries from queries/*.sql.

Every query file holds one query; it is run on a cursor with bound `$params`
and returned as a Polars frame. The connection exposes these views/tables:

- `interactions`, `audience`: the raw Parquet (empty, typed views when absent)
- `channel_targets(channel, target_s)`: first-response targets from the config
- `conversations`: one row per conversation with every per-conversation metric
  (queries/conversations.sql), materialised once per connection
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from dashboard.config import Config
from dashboard.schema import TABLES
from dashboard.store import parquet_files, table_dir

_PACKAGED = Path(__file__).with_name("queries")
QUERIES_DIR = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).parent.parent / "queries"
_MACROS = QUERIES_DIR / "_macros.sql"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class QueryError(RuntimeError):
    """A named query that does not exist or failed, with the query name."""


@cache
def query_text(name: str) -> str:
    if not _NAME.match(name):
        raise QueryError(f"invalid query name {name!r}")
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql") if _NAME.match(p.stem))


def _sql_string(value: str) -> str:
    """A SQL string literal. Only used for the operator-chosen data dir in DDL,
    which DuckDB cannot bind as a parameter."""
    return "'" + value.replace("'", "''") + "'"


def _create_table_view(con: duckdb.DuckDBPyConnection, data_dir: Path, name: str) -> None:
    if parquet_files(data_dir, name):
        glob = str(table_dir(data_dir, name).resolve() / "month=*" / "*.parquet")
        source = f"read_parquet({_sql_string(glob)}, hive_partitioning = true)"
        con.execute(f"create or replace view {name} as select * exclude (month) from {source}")
    else:
        _create_table_from(con, name, pa.table({f.name: pa.array([], f.type)
                                                for f in TABLES[name]}))


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
        _create_table_view(con, Path(data_dir), name)
    _create_table_from(con, "channel_targets", pa.table({
        "channel": list(config.targets_s),
        "target_s": [float(v) for v in config.targets_s.values()],
    }))
    con.execute(_MACROS.read_text(encoding="utf-8"))
    if materialise:
        con.execute("create or replace table conversations as " + query_text("conversations"))
    return con


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run the named query with bound parameters and return a Polars frame."""
    sql = query_text(name)
    wanted = set(re.findall(r"\$([a-z_][a-z0-9_]*)", _strip_comments(sql)))
    missing = wanted - set(params)
    if missing:
        raise QueryError(f"query {name!r} needs parameter(s) {sorted(missing)}")
    bound = {k: v for k, v in params.items() if k in wanted}
    try:
        return con.sql(sql, params=bound).pl() if bound else con.sql(sql).pl()
    except duckdb.Error as exc:
        raise QueryError(f"query {name!r} failed: {exc}") from exc


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
