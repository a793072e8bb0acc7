"""On-disk layout: Parquet, hive-partitioned by month, written atomically.

    <data dir>/interactions/month=YYYY-MM/part-<batch>.parquet
    <data dir>/audience/month=YYYY-MM/part-<batch>.parquet

A part file is written under a temporary name in the same folder and renamed into
place, so a reader sees either the whole file or nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dashboard.core.schema import PARTITION_TIME_COLUMN, TABLES


def table_dir(data_dir: Path, table: str) -> Path:
    return Path(data_dir) / table


def parquet_files(data_dir: Path, table: str) -> list[Path]:
    root = table_dir(data_dir, table)
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("month=*/*.parquet") if not p.name.startswith("."))


def has_data(data_dir: Path) -> bool:
    return bool(parquet_files(data_dir, "interactions"))


def _months(table: pa.Table, name: str) -> pa.Array:
    column = table.column(PARTITION_TIME_COLUMN[name])
    return pc.strftime(column, format="%Y-%m")


def atomic_write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def split_by_month(table: pa.Table, name: str) -> Iterator[tuple[str, pa.Table]]:
    months = _months(table, name)
    for month in sorted(pc.unique(months).to_pylist()):
        yield month, table.filter(pc.equal(months, month))


def write_batch(data_dir: Path, name: str, table: pa.Table, batch: str) -> list[Path]:
    """Write rows of `name` (interactions or audience) as one part file per month.

    `batch` names the part files; writing the same batch again replaces them,
    which keeps re-runs idempotent.
    """
    schema = TABLES[name]
    table = table.select(schema.names).cast(schema)
    written = []
    for month, rows in split_by_month(table, name):
        path = table_dir(data_dir, name) / f"month={month}" / f"part-{batch}.parquet"
        atomic_write(rows, path)
        written.append(path)
    return written
