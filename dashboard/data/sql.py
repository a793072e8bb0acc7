"""DuckDB access: a connection over the data dir and named queries from queries/*.sql.

Every query file holds one query; it is run on a cursor with bound `$params`
and returned as a Polars frame. The connection exposes these views/tables:

- `interactions`, `audience`: the raw Parquet (empty, typed views when absent)
- `channel_targets(channel, target_s)`: first-response targets from the config
- `conversation_facts`: the conversation facts rollup (dashboard/data/rollup/facts.py),
  read from `<data dir>/rollups/` where it is fresh, what is stale computed in memory
  (connection.connect never writes; `chi rollup` stores them)
- `data_as_of(as_of)`: the newest timestamp in the data, at which `dropped` is judged
- `conversations`: one row per conversation with every per-conversation metric
  (equal to queries/conversations.sql): a view over the rollup through
  queries/conversations_from_facts.sql (a table when computed in memory)
- `response_times`: one row per answered conversation (brand, channel, follower_bucket,
  first_inbound_at, first_response_s) in memory, for medians and percentiles
- `switched_paths`: the conversations that switched channel (brand, channel,
  first_inbound_at, channel_path) in memory, for the channel paths
- `daily_sums`: queries/daily_sums.sql rows with a `tz` column: the stored daily
  rollup (dashboard/daily.py) for the config's display time zone, other zones added
  on first use (`ensure_daily_zone`; db.run does it for queries reading daily_sums)
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

_PACKAGE = Path(__file__).resolve().parent.parent
_PACKAGED = _PACKAGE / "queries"  # the wheel ships queries/ inside the package
QUERIES_DIR = _PACKAGED if _PACKAGED.is_dir() else _PACKAGE.parent / "queries"
MACROS_FILE = QUERIES_DIR / "_macros.sql"
QUERY_FOLDERS = ("model", "views")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class QueryError(RuntimeError):
    """A named query that does not exist or failed, with the query name."""


@cache
def _query_files() -> dict[str, Path]:
    """Every named query: queries/model/*.sql (the model tables) and queries/views/*.sql
    (what pages and reports ask for). Names are unique across both."""
    files: dict[str, Path] = {}
    for folder in QUERY_FOLDERS:
        for path in sorted((QUERIES_DIR / folder).glob("*.sql")):
            if path.stem in files:
                raise QueryError(f"query {path.stem!r} exists twice: {files[path.stem]}, {path}")
            files[path.stem] = path
    return files


@cache
def query_text(name: str) -> str:
    if not _NAME.match(name):
        raise QueryError(f"invalid query name {name!r}")
    path = _query_files().get(name)
    if path is None:
        raise QueryError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def query_names() -> list[str]:
    return sorted(_query_files())


def query_path(name: str) -> Path:
    query_text(name)  # the same errors for a bad name
    return _query_files()[name]


def sql_string(value: str) -> str:
    """A SQL string literal. Only used for the operator-chosen data dir in DDL,
    which DuckDB cannot bind as a parameter."""
    return "'" + value.replace("'", "''") + "'"


_ZONE_LOCK = threading.Lock()


def ensure_daily_zone(con: duckdb.DuckDBPyConnection, tz: str) -> None:
    """`daily_sums` rows for time zone `tz`. The stored rollup holds the config's display
    time zone; another zone's days are summed from the conversations on first use
    (once per connection, a scan of the conversation rollup)."""
    with _ZONE_LOCK:
        if con.execute("select count(*) from daily_zones where tz = $tz", {"tz": tz}).fetchall()[0][
            0
        ]:
            return
        con.execute(
            "insert into daily_sums select $tz, * from (" + query_text("daily_sums") + ")",
            {"tz": tz},
        )
        con.execute("insert into daily_zones values ($tz)", {"tz": tz})


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run the named query with bound parameters and return a Polars frame."""
    sql = query_text(name)
    code = _strip_comments(sql)
    wanted = set(re.findall(r"\$([a-z_][a-z0-9_]*)", code))
    missing = wanted - set(params)
    if missing:
        raise QueryError(f"query {name!r} needs parameter(s) {sorted(missing)}")
    bound = {k: v for k, v in params.items() if k in wanted}
    if "tz" in bound and re.search(r"\bfrom daily_sums\b", code):
        ensure_daily_zone(con, bound["tz"])
    try:
        return con.sql(sql, params=bound).pl() if bound else con.sql(sql).pl()
    except duckdb.Error as exc:
        raise QueryError(f"query {name!r} failed: {exc}") from exc


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
