"""Looking up what the data directory already holds (DuckDB over the Parquet files)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from dashboard.core.schema import TABLES
from dashboard.data import store


def lookup(
    data_dir: Path | None, table: str, candidates: pl.DataFrame, columns: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Distinct stored rows of `table` whose key (the candidates' columns) is among
    `candidates`: the key and `columns`. Empty when nothing is stored."""
    key = list(candidates.columns)
    names = [*key, *[c for c in columns if c not in key]]
    schema = TABLES[table]
    unknown = set(names) - set(schema.names)
    if unknown:  # column names come from code, never from users; this guards the SQL
        raise ValueError(f"unknown {table} column(s): {sorted(unknown)}")
    files = store.parquet_files(data_dir, table) if data_dir is not None else []
    if candidates.height == 0 or not files:
        empty = pl.from_arrow(pa.table({n: pa.array([], schema.field(n).type) for n in names}))
        assert isinstance(empty, pl.DataFrame)
        return empty
    # the published files only (store.parquet_files): what a concurrent writer is still
    # staging is not there yet, and it writes under the lock this caller holds
    paths = [str(p.resolve()) for p in files]
    con = duckdb.connect(":memory:")
    try:
        con.register("candidates", candidates.unique().to_arrow())
        return con.sql(
            f"select distinct {', '.join(names)} "
            f"from read_parquet($paths, hive_partitioning = false) "
            f"semi join candidates using ({', '.join(key)})",
            params={"paths": paths},
        ).pl()
    finally:
        con.close()
