"""Helpers of the Spark engine's tests: skip without pyspark or Java, one SparkSession
for the test session, and the rows of every stored rollup as DuckDB reads them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest


def folders() -> tuple[str, ...]:
    """Every stored rollup's folder: the conversation facts and each table of
    daily.DAILY_TABLES (another daily table is compared without a change here)."""
    from dashboard.data.rollup import daily, facts

    return (facts.FACTS, *(folder for folder, _ in daily.DAILY_TABLES.values()))


def unavailable() -> str:
    """Why the Spark tests cannot run here ("" when they can)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (uv sync --extra spark)"
    if shutil.which("java") is None:
        return "Java is not installed (apt-get install openjdk-17-jre-headless)"
    return ""


def skip_without_spark() -> None:
    reason = unavailable()
    if reason:
        pytest.skip(f"Spark engine tests skipped: {reason}", allow_module_level=True)


def shared_session() -> Any:
    """The test session's SparkSession (local, small: the machine is shared)."""
    from dashboard.data.rollup import spark_engine

    return spark_engine.session("local[2]", shuffle_partitions=1)


def stored_rows(data_dir: Path, folder: str) -> pl.DataFrame:
    """Every row of one stored rollup (the files the manifest names), with the month of
    its file, in a total order: what must be equal between the engines."""
    from dashboard.data.rollup import facts

    body = facts.read_body(data_dir)
    named = sorted(p for p in facts.named_files(data_dir, body) if p.parent.parent.name == folder)
    assert named, f"no {folder} files in {data_dir}"
    files = ", ".join(f"'{p}'" for p in named)
    with duckdb.connect(":memory:") as con:
        con.execute("set TimeZone = 'UTC'")
        frame = con.sql(
            f"select * from read_parquet([{files}], hive_partitioning = true, "
            "union_by_name = false) order by all"
        ).pl()
    return frame


def schema(data_dir: Path, folder: str) -> list[tuple[str, str]]:
    """Column names and DuckDB types of one stored rollup, file by file (all alike)."""
    from dashboard.data.rollup import facts

    body = facts.read_body(data_dir)
    found = set()
    for path in facts.named_files(data_dir, body):
        if path.parent.parent.name != folder:
            continue
        with duckdb.connect(":memory:") as con:
            rows = con.sql(f"describe select * from read_parquet('{path}')").fetchall()
        found.add(tuple((r[0], r[1]) for r in rows))
    assert len(found) == 1, f"{folder} files of {data_dir} differ in their columns"
    return list(found.pop())


def copy_raw(source: Path, target: Path) -> None:
    """The raw log and config of `source` (no rollups), file times kept."""
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns("rollups"), copy_function=shutil.copy2
    )
