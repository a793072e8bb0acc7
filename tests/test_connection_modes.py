"""A report's one-shot connection (the stored daily sums read from their files) and a
page's connection (loaded into memory) give the same rows; the narrow model tables are
built only when a query reads them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dashboard.core.config import load_config
from dashboard.data import connection, rollup, sql
from tests.conftest import at, message, write_rows

CONFIG = load_config()


def _stored_log(data_dir: Path) -> None:
    # two months, three conversations: c1 answered in 30 min, c2 never, c3 (April,
    # email) switches to chat
    write_rows(
        data_dir,
        "interactions",
        [
            message("c1", "inbound", at(0), sentiment=-0.5),
            message("c1", "outbound", at(30)),
            message("c2", "inbound", at(60, days=1)),
            message("c3", "inbound", at(0, days=30), channel="email"),
            message("c3", "outbound", at(5, days=30), channel="chat"),
        ],
    )
    rollup.refresh(data_dir, CONFIG)


def _daily(con) -> pl.DataFrame:
    return con.sql("select * from daily_sums order by all").pl()


def test_one_shot_connection_reads_the_same_daily_sums_as_a_page(tmp_path: Path) -> None:
    _stored_log(tmp_path)
    page = connection.connect(tmp_path, CONFIG)
    report = connection.connect(tmp_path, CONFIG, one_shot=True)
    assert connection.rollup_status(report).stored
    assert _daily(report).equals(_daily(page))
    # three conversations: 2 on 2025-03-03/04, 1 on 2025-04-02
    assert report.sql("select sum(conversations_n)::int from daily_sums").fetchall() == [(3,)]


def test_one_shot_connection_adds_another_time_zone_in_memory(tmp_path: Path) -> None:
    _stored_log(tmp_path)
    report = connection.connect(tmp_path, CONFIG, one_shot=True)
    sql.ensure_daily_zone(report, "America/New_York")
    zones = report.sql(
        "select tz, sum(conversations_n)::int from daily_sums group by tz order by tz"
    ).fetchall()
    assert zones == [("America/New_York", 3), ("UTC", 3)]


def test_narrow_model_tables_are_built_when_a_query_reads_them(tmp_path: Path) -> None:
    _stored_log(tmp_path)
    con = connection.connect(tmp_path, CONFIG)

    def built() -> set[str]:
        rows = con.sql("select table_name from duckdb_tables()").fetchall()
        return {name for (name,) in rows} & set(sql.LAZY_TABLES)

    assert built() == set()
    sql.ensure_model_table(con, "switched_paths")
    assert built() == {"switched_paths"}
    # c3 switched from email to chat; nobody else did
    assert con.sql("select channel_path from switched_paths").fetchall() == [("email -> chat",)]
