"""Peer (c) of `chi bench`: DuckDB over the raw Parquet without rollups, what most
DuckDB dashboards do. The same model and view queries as the product, but every model
table is a view over the raw log, so each page call derives the conversations and the
daily sums from the raw Parquet again. Its figures equal the product's by construction
(peers.py checks it anyway); the difference is what the stored rollups save.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb
import polars as pl

from dashboard.bench.figures import product_figures
from dashboard.bench.pages import page_calls
from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.data import raw
from dashboard.data.sql import DAILY_TABLES, query_text, sql_string


def raw_views_connection(data_dir: Path, config: Config) -> duckdb.DuckDBPyConnection:
    """A connection whose model tables are all views over the raw Parquet."""
    con = raw.raw_connection(Path(data_dir), config)
    raw.install_display_brands(con, config)
    facts = raw.with_display_brands(query_text("conversation_facts"), config)
    con.execute(f"create view conversation_facts as {facts}")
    raw.set_as_of(con, raw.newest_created_at(con, "interactions"))
    con.execute("create view conversations as " + query_text("conversations"))
    tz = sql_string(config.display_time_zone)
    for table in DAILY_TABLES:
        # the daily sums of the display time zone, as a view (a view takes no parameter)
        daily = query_text(table).replace("$tz", tz)
        con.execute(f"create view {table} as select {tz} as tz, * from ({daily})")
    con.execute(f"create table daily_zones as select {tz} as tz")
    raw.show_display_brands(con, Path(data_dir), config)
    return con


def timed_page(
    con: duckdb.DuckDBPyConnection, name: str, config: Config, filters: Filters, runs: int
) -> tuple[float, dict[str, pl.DataFrame]]:
    """The warm median ms of page `name`'s data calls (pages.page_calls, the calls the
    product is timed on) on the raw views, and the page's figures."""
    calls = page_calls(config, filters)[name]
    for call in calls:
        call(con.cursor())
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for call in calls:
            call(con.cursor())
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), product_figures(name, con.cursor(), config, filters)
