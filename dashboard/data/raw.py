"""The raw side of every DuckDB connection: views over the Parquet tables, the
configuration's first-response targets, the macros and the as-of time. It only reads.

Both the reading connection (dashboard/data/connection.py) and the rollup builders
(dashboard/data/rollup/) start from here, so neither imports the other.

Views/tables: `interactions`, `audience` (the raw Parquet, or empty typed tables),
`channel_targets(channel, target_s)`, `resolution_rule(rule)`,
`percentile_sketch(relative_accuracy, gamma)`; `data_as_of(as_of)` once
`set_as_of` ran.

Brand names ([brands] in chi.toml): the raw tables and the stored rollups keep the
brand names of the source. Only the reading connection shows the display names, through
the macro `display_brand(brand)` (`install_display_brands`) that connection.py applies
where brand names enter it (`with_display_brands`, `show_display_brands`); the rollup
builders never install it, so a changed mapping needs no re-ingest and no rollup.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from dashboard.core.config import Config
from dashboard.core.schema import FUTURE_SLACK, PLAUSIBLE_FROM, TABLES
from dashboard.data.sql import install_macros, query_text, sql_string
from dashboard.data.store import parquet_files

SPILL_DIR = str(Path(tempfile.gettempdir()) / "chi-duckdb-spill")


def create_table_view(
    con: duckdb.DuckDBPyConnection, data_dir: Path, name: str, as_name: str | None = None
) -> None:
    """A view `as_name` (default `name`) over the raw table, or an empty typed table."""
    target = as_name or name
    files = parquet_files(data_dir, name)
    if files:
        # the published files (store.parquet_files), never a glob: a writer's staged
        # files are not part of the data until it publishes them
        source = (
            f"read_parquet({parquet_list(files)}, hive_partitioning = true, union_by_name = true)"
        )
        present = {row[0] for row in con.sql(f"describe select * from {source}").fetchall()}
        # a contract column that older files lack reads as null (e.g. time_known)
        missing = ", ".join(
            f"null::{_sql_type(f.type)} as {f.name}" for f in TABLES[name] if f.name not in present
        )
        extra = f", {missing}" if missing else ""
        con.execute(
            f"create or replace view {target} as select * exclude (month){extra} from {source}"
        )
    else:
        create_table_from(con, target, {f.name: _sql_type(f.type) for f in TABLES[name]}, [])


def _sql_type(arrow_type: pa.DataType) -> str:
    types = {
        pa.bool_(): "boolean",
        pa.string(): "varchar",
        pa.int64(): "bigint",
        pa.int8(): "tinyint",
        pa.float64(): "double",
        pa.date32(): "date",
        pa.timestamp("us", tz="UTC"): "timestamp with time zone",
    }
    return types[arrow_type]


def create_table_from(
    con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str], rows: list[tuple]
) -> None:
    """A real (not temporary) table of `columns` (name -> SQL type) holding `rows`, so
    every cursor of the connection sees it. Plain SQL: building or registering an Arrow
    table makes pyarrow and DuckDB import pandas (~1 s at the start of a `chi report`)."""
    typed = ", ".join(f"{column} {sql_type}" for column, sql_type in columns.items())
    con.execute(f"create or replace table {name} ({typed})")
    if rows:
        marks = ", ".join("?" for _ in columns)
        con.executemany(f"insert into {name} values ({marks})", rows)


def raw_connection(data_dir: Path, config: Config) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the raw views, `channel_targets` and the macros, and no
    model tables: what the rollup builders and connection.connect start from."""
    con = duckdb.connect(":memory:")
    con.execute("set TimeZone = 'UTC'")
    # DuckDB spills to ./.tmp by default, which is the data dir when run from there: a
    # reader must never write under it (the rollup builders set their own)
    con.execute(f"set temp_directory = {sql_string(SPILL_DIR)}")
    for name in TABLES:
        create_table_view(con, Path(data_dir), name)
    create_table_from(
        con,
        "channel_targets",
        {"channel": "varchar", "target_s": "double"},
        [(channel, float(target)) for channel, target in config.targets_s.items()],
    )
    create_table_from(con, "resolution_rule", {"rule": "varchar"}, [(config.resolution_rule,)])
    # the response-time sketch's accuracy ([percentiles]): the model's bucket tables and
    # the sketch_quantiles macro read gamma from here (docs/METRICS.md, "Percentiles")
    create_table_from(
        con,
        "percentile_sketch",
        {"relative_accuracy": "double", "gamma": "double"},
        [(config.percentile_relative_accuracy, config.percentile_gamma)],
    )
    # the DuckDB macros every model and view query may call (queries/_macros.sql)
    install_macros(con)
    return con


def set_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None) -> None:
    """The data's newest timestamp, at which `dropped` is judged (table data_as_of)."""
    con.execute(
        "create or replace table data_as_of as select $as_of::timestamptz as as_of",
        {"as_of": as_of},
    )


def from_epoch_us(value: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=value)


def newest_created_at(con: duckdb.DuckDBPyConnection, source: str) -> dt.datetime | None:
    """max(created_at) of a relation (a table name or a read_parquet(...) call), over
    plausible times only (schema.PLAUSIBLE_FROM to a day after now, the importers'
    rule): a stray year-9999 row must not become the as-of time `dropped` is judged at."""
    latest = dt.datetime.now(dt.UTC) + FUTURE_SLACK
    value = con.execute(
        f"select epoch_us(max(created_at)) from {source} "
        "where created_at >= $plausible_from and created_at <= $latest",
        {
            "plausible_from": dt.datetime.combine(PLAUSIBLE_FROM, dt.time(), dt.UTC),
            "latest": latest,
        },
    ).fetchall()[0][0]
    return None if value is None else from_epoch_us(value)


def parquet_list(paths: list[Path]) -> str:
    """A DuckDB list literal of absolute file paths, for read_parquet([...])."""
    return "[" + ", ".join(sql_string(str(Path(p).resolve())) for p in paths) + "]"


# --- brand display names (the reading connection only) --------------------------------


def display_brand_macro(brands: dict[str, str]) -> str:
    """The SQL of `display_brand(brand)`: a source brand name or handle -> the display
    name of its [brands] entry, keys matched without case (both sides lower-cased by
    DuckDB); any other name is returned as it is."""
    if not brands:
        return "create or replace macro display_brand(brand) as brand"
    whens = "".join(
        f"        when lower({sql_string(key)}) then {sql_string(name)}\n"
        for key, name in brands.items()
    )
    return (
        "create or replace macro display_brand(brand) as\n"
        f"    case lower(brand)\n{whens}        else brand\n    end"
    )


def install_display_brands(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """The macro `display_brand(brand)` for this config's [brands] (reading connection)."""
    con.execute(display_brand_macro(config.brands))


def with_display_brands(select: str, config: Config) -> str:
    """`select` (rows with a `brand` column of source names) with every brand shown by
    its display name: the one rule the reading connection applies to the conversation
    facts and the stored daily sums. Unchanged without [brands], so nothing is paid
    for a mapping that does not exist."""
    if not config.brands:
        return select
    return f"select * replace (display_brand(brand) as brand) from ({select})"


def show_display_brands(con: duckdb.DuckDBPyConnection, data_dir: Path, config: Config) -> None:
    """`interactions` and `audience` by display name, once the model has been computed
    from them (it groups by source brand, as the stored rollups do). The raw tables stay
    readable as `source_interactions` and `source_audience`. An audience display brand x
    channel made of several source accounts becomes one account (queries/views/
    display_audience.sql, kept as a table)."""
    if not config.brands:
        return
    # an absent table is an empty typed table: no brand to rename
    if parquet_files(data_dir, "interactions"):
        create_table_view(con, data_dir, "interactions", as_name="source_interactions")
        con.execute(
            "create or replace view interactions as "
            + with_display_brands("select * from source_interactions", config)
        )
    if parquet_files(data_dir, "audience"):
        create_table_view(con, data_dir, "audience", as_name="source_audience")
        # a table: a few rows per account and day, grouped once rather than per query
        con.execute("drop view audience")
        con.execute("create table audience as " + query_text("display_audience"))
