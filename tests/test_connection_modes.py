"""A report's one-shot connection (the stored daily sums read from their files) and a
page's connection (loaded into memory) give the same rows; the channel paths of the
switched conversations are stored with the daily rollup, not rebuilt by a reader."""

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


def test_the_switched_conversations_paths_are_read_from_the_stored_daily_counts(
    tmp_path: Path,
) -> None:
    _stored_log(tmp_path)
    for con in (connection.connect(tmp_path, CONFIG), connection.connect(tmp_path, CONFIG, True)):
        assert connection.rollup_status(con).stored
        # c3 switched from email to chat on 2 April; nobody else did
        rows = con.sql(
            "select day::varchar, channel, channel_path, conversations_n from "
            "channel_path_daily_counts where tz = 'UTC'"
        ).fetchall()
        assert rows == [("2025-04-02", "email", "email -> chat", 1)]
        paths = sql.run(
            con,
            "channel_paths",
            date_from="2025-03-01",
            date_to="2025-04-30",
            tz="UTC",
            brands=[],
            channels=[],
            split_brand=False,
        )
        # c1 and c2 stayed on twitter (daily_sums), c3 took email -> chat
        assert sorted(zip(paths["path"], paths["conversations"], strict=True)) == [
            ("email -> chat", 1),
            ("twitter", 2),
        ]
