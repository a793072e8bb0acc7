"""DuckDB access: named queries from queries/model/*.sql and queries/views/*.sql, and
the macros they share (queries/_macros.sql plus the macros generated here from
dashboard/core/vocabulary.py; `install_macros(con)` creates both).

Every query file holds one query; it is run on a cursor with bound `$params`
and returned as a Polars frame. The connection exposes these views/tables:

- `interactions`, `audience`: the raw Parquet (empty, typed views when absent)
- `channel_targets(channel, target_s)`: first-response targets from the config
- `conversation_facts`: the conversation facts rollup (dashboard/data/rollup/facts.py),
  read from `<data dir>/rollups/` where it is fresh, what is stale computed in memory
  (connection.connect never writes; `chi rollup` stores them)
- `data_as_of(as_of)`: the newest timestamp in the data, at which `dropped` is judged
- `conversations`: one row per conversation with every per-conversation metric
  (queries/model/conversations.sql over the facts): a view over the rollup (a table
  when computed in memory)
- `response_time_buckets`, `agent_response_time_buckets`: the response-time sketches
  (queries/model/response_time_buckets.sql, agent_response_time_buckets.sql) with a
  `tz` column, stored and loaded like `daily_sums`: every median and percentile
  (sketch_quantiles in queries/_macros.sql; docs/METRICS.md, "Percentiles")
- `percentile_sketch(relative_accuracy, gamma)`: the sketches' accuracy ([percentiles])
- `agent_daily_sums`: queries/model/agent_daily_sums.sql rows with a `tz` column,
  stored and loaded like `daily_sums`
- `superfan_daily_sums`, `fairness_cells` / `fairness_day_cells`,
  `channel_path_daily_counts`: the superfans' answers per peer, the follower-fairness
  tests' cells (two grains, read as the sketches are) and the switched conversations
  per channel path, per local day, with a `tz` column, stored like `daily_sums`: no
  page reads the conversations for a figure
- `daily_sums`: queries/model/daily_sums.sql rows with a `tz` column: the stored daily
  rollup (dashboard/data/rollup/daily.py) for the config's display time zone, other
  zones added on first use (`ensure_daily_zone`; `run` does it for queries reading
  daily_sums)
- `term_daily_counts`: queries/model/term_daily_counts.sql rows with a `tz` column: a
  view over the stored term files (display time zone) and the rows computed in memory
  (`_term_daily_memory`: stale months; other zones, or every zone on a connection
  computed in memory, on first use: `ensure_term_zone`; `run` does it)
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboard.core import vocabulary

_PACKAGE = Path(__file__).resolve().parent.parent
_PACKAGED = _PACKAGE / "queries"  # the wheel ships queries/ inside the package
QUERIES_DIR = _PACKAGED if _PACKAGED.is_dir() else _PACKAGE.parent / "queries"
MACROS_FILE = QUERIES_DIR / "_macros.sql"
QUERY_FOLDERS = ("model", "views")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# the model queries kept per local day with a `tz` column, filled per time zone
# (dashboard/data/rollup/daily.py stores them for the display time zone)
DAILY_TABLES: tuple[str, ...] = (
    "daily_sums",
    "agent_daily_sums",
    # the response-time sketches: medians and percentiles (docs/METRICS.md,
    # "Percentiles"), per local month and per local day (a selection's edge days)
    "response_time_buckets",
    "response_time_day_buckets",
    "agent_response_time_buckets",
    "agent_response_time_day_buckets",
    # the superfans' answers per local day and peer (the People page)
    "superfan_daily_sums",
    # the follower-fairness tests' cells per local month and per local day
    "fairness_cells",
    "fairness_day_cells",
    # the switched conversations per channel path and local day (the channel journeys)
    "channel_path_daily_counts",
)
# the term counts of the topics (queries/model/term_daily_counts.sql): stored per month
# with the daily tables (dashboard/data/rollup/daily.py) but read on first use, not at
# connect (`ensure_term_counts`): only the topics ask for them
TERM_TABLE = "term_daily_counts"
# the daily tables whose stored rows are read where they lie (a view over their files),
# never loaded at connect: the term counts (large, only the topics read them), the
# sketches' day grain (almost one row per answered conversation, of which a selection
# reads only its edge days) and the agents' month grain (one row per agent, month and
# bucket: the People page alone reads it)
FILE_TABLES: tuple[str, ...] = (
    TERM_TABLE,
    "response_time_day_buckets",
    "agent_response_time_buckets",
    "agent_response_time_day_buckets",
    "superfan_daily_sums",  # one row per peer and day, read by the People page alone
    "fairness_day_cells",  # a selection's edge days only, as the sketches' day grain
)
TERM_MEMORY = "_term_daily_memory"  # its rows computed in memory (connection.py)


def memory_table(table: str) -> str:
    """The in-memory table behind the view of daily table `table` (DAILY_TABLES or
    TERM_TABLE): its rows computed in memory (and, on a page's connection, the stored
    rows loaded); connection.py makes the view."""
    return TERM_MEMORY if table == TERM_TABLE else f"_{table}_memory"


STOP_WORDS_FILE = _PACKAGE / "data" / "stopwords.txt"


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
    """A SQL string literal. Used for the operator-chosen data dir in DDL, which DuckDB
    cannot bind as a parameter, and for the labels of the generated macros."""
    return "'" + value.replace("'", "''") + "'"


def generated_macros() -> str:
    """The macros whose values live in Python (dashboard/core/vocabulary.py), as SQL;
    documented in the header of queries/_macros.sql."""
    buckets = vocabulary.FOLLOWER_BUCKET_TABLE
    bounded = [b for b in buckets if b.below is not None]
    (unbounded,) = [b for b in buckets if b.below is None]
    whens = "".join(
        f"        when followers < {b.below} then {sql_string(b.label)}\n" for b in bounded
    )
    places = ", ".join(
        f"({sql_string(label)}, {i})" for i, label in enumerate(vocabulary.FOLLOWER_BUCKETS, 1)
    )
    return (
        "-- generated by dashboard.data.sql.generated_macros from dashboard/core/vocabulary.py\n"
        "create or replace macro follower_bucket(followers) as\n"
        "    case\n"
        f"        when followers is null then {sql_string(vocabulary.UNKNOWN_BUCKET)}\n"
        f"{whens}"
        f"        else {sql_string(unbounded.label)}\n"
        "    end;\n"
        "create or replace macro follower_buckets() as table\n"
        f"    select * from (values {places}) as b(follower_bucket, bucket_order);\n"
        "create or replace macro default_target_s() as\n"
        f"    {float(vocabulary.DEFAULT_TARGET_S)!r}::double;\n"
        + index_products_macro()
        + stop_words_macro()
    )


@cache
def stop_words() -> tuple[str, ...]:
    """The topics' stop words (dashboard/data/stopwords.txt: its header names the
    source), in file order, without comments and blank lines."""
    lines = STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#"))


def stop_words_macro() -> str:
    """topic_stop_words(): table macro, one row per stop word (column `word`)."""
    values = ", ".join(f"({sql_string(w)})" for w in stop_words())
    return (
        "create or replace macro topic_stop_words() as table\n"
        f"    select * from (values {values}) as s(word);\n"
    )


def index_products_macro() -> str:
    """with_index_products(t): t's rows with, per pair of components, the products of
    their per-conversation terms (vocabulary.cross_sums: cov_<i>_<k>_yy_sum = y_i y_k
    and, where a denominator is not every conversation, _yd_sum, _dy_sum, _dd_sum)."""
    columns = [
        f"{left} * {right} as {column}"
        for a, b in vocabulary.COMPONENT_PAIRS
        for left, right, column in vocabulary.cross_sums(a, b).products
    ]
    body = ",\n        ".join(columns)
    return (
        "create or replace macro with_index_products(t) as table\n"
        f"    select\n        *,\n        {body}\n    from query_table(t);\n"
    )


def macros_text() -> str:
    """Every macro the queries use: the generated ones, then queries/_macros.sql. Part of
    the rollup versions (a changed bucket or target rebuilds the stored rollups)."""
    return generated_macros() + "\n" + MACROS_FILE.read_text(encoding="utf-8")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create every macro on a connection that runs model or view queries."""
    con.execute(macros_text())


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
        for table in DAILY_TABLES:
            con.execute(
                f"insert into {memory_table(table)} select $tz, * from (" + query_text(table) + ")",
                {"tz": tz},
            )
        con.execute("insert into daily_zones values ($tz)", {"tz": tz})


def ensure_term_zone(con: duckdb.DuckDBPyConnection, tz: str) -> None:
    """`term_daily_counts` rows for time zone `tz`. The stored files hold the config's
    display time zone; another zone's (or, on a connection computed in memory, every
    zone's) are tokenised from the conversations' messages on first use, once per
    connection."""
    with _ZONE_LOCK:
        done = con.execute("select count(*) from term_zones where tz = $tz", {"tz": tz})
        if done.fetchall()[0][0]:
            return
        con.execute(
            f"insert into {TERM_MEMORY} select $tz, * from (" + query_text(TERM_TABLE) + ")",
            {"tz": tz},
        )
        con.execute("insert into term_zones values ($tz)", {"tz": tz})


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run the named query with bound parameters and return a Polars frame."""
    sql = query_text(name)
    bound = bind(name, sql, params)
    code = _strip_comments(sql)
    if "tz" in bound and re.search(rf"\bfrom ({'|'.join(DAILY_TABLES)})\b", code):
        ensure_daily_zone(con, bound["tz"])
    if "tz" in bound and re.search(r"\bfrom term_daily_counts\b", code):
        ensure_term_zone(con, bound["tz"])
    try:
        return con.sql(sql, params=bound).pl() if bound else con.sql(sql).pl()
    except duckdb.Error as exc:
        raise QueryError(f"query {name!r} failed: {exc}") from exc


def bind(name: str, sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The values of `params` that query `name` (text `sql`) names as $params outside
    its comments (DuckDB refuses a value the query does not name); an error if it names
    one not given."""
    wanted = set(re.findall(r"\$([a-z_][a-z0-9_]*)", _strip_comments(sql)))
    missing = wanted - set(params)
    if missing:
        raise QueryError(f"query {name!r} needs parameter(s) {sorted(missing)}")
    return {k: v for k, v in params.items() if k in wanted}


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
