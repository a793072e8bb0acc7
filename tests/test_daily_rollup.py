"""The daily rollup (dashboard/data/rollup/daily.py), stored by the explicit step
(`rollup.refresh`) or, when stale, summed in memory by a reading connection, gives
exactly the direct computation.

The reference: the model computed in memory from the raw log in one go
(connection.connect_in_memory), then queries/model/daily_sums.sql over it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
from pathlib import Path

import duckdb
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from dashboard.core.config import Config, load_config
from dashboard.data import connection, rollup, sql
from dashboard.data.rollup import daily, facts
from tests.test_rollups import SETTINGS, logs, message, write

CONFIG = load_config()
PARIS = dataclasses.replace(CONFIG, display_time_zone="Europe/Paris")
KEY = ["day", "brand", "channel", "follower_bucket", "switched_channel"]
KEYS = {
    "daily_sums": KEY,
    "agent_daily_sums": ["day", "brand", "channel", "agent_id"],
    # the response-time sketches (docs/METRICS.md, "Percentiles"), per local month and
    # per local day
    "response_time_buckets": ["month_start", "brand", "channel", "follower_bucket", "bucket_index"],
    "response_time_day_buckets": ["day", "brand", "channel", "follower_bucket", "bucket_index"],
    "agent_response_time_buckets": ["month_start", "brand", "channel", "agent_id", "bucket_index"],
    "agent_response_time_day_buckets": ["day", "brand", "channel", "agent_id", "bucket_index"],
    "superfan_daily_sums": ["day", "brand", "channel", "peer"],
    "fairness_cells": ["month_start", "brand", "channel", "followers_log10"],
    "fairness_day_cells": ["day", "brand", "channel", "followers_log10"],
    "channel_path_daily_counts": ["day", "brand", "channel", "channel_path"],
}
CELLS = ("fairness_cells", "fairness_day_cells")
SKETCHES = (
    "response_time_buckets",
    "response_time_day_buckets",
    "agent_response_time_buckets",
    "agent_response_time_day_buckets",
)


def _keyed(rows: pl.DataFrame, table: str) -> pl.DataFrame:
    """`rows` in key order. A sketch's counts are summed per key first: a local month
    (or, away from UTC, a local day) near the edge of a UTC facts month has rows in both
    months' files, and the sketch is the sum of its rows (docs/METRICS.md,
    "Percentiles")."""
    if table in SKETCHES:
        rows = rows.group_by(KEYS[table]).agg(pl.col("responses_n").sum())
    if table == "channel_path_daily_counts":
        rows = rows.group_by(KEYS[table]).agg(pl.col("conversations_n").sum())
    if table == "superfan_daily_sums":
        # a peer's local day cut by a facts month's edge: counts add, times merge
        rows = rows.group_by(KEYS[table]).agg(
            pl.col("^.*_n$").sum(),
            pl.col("first_response_s_values").explode().drop_nulls().sort(),
        )
        rows = rows.select(sorted(rows.columns))
    if table in CELLS:
        # the cells' counts and sums add up too; a sum of two stored halves may differ
        # from the sum of the whole in the last bit of a DOUBLE
        rows = rows.group_by(KEYS[table]).agg(pl.col("^.*_n$").sum(), pl.col("^.*_sum$").sum())
        rows = rows.with_columns(pl.col("^.*_sum$").round(9)).select(sorted(rows.columns))
    return rows.sort(KEYS[table], nulls_last=False)


# every daily table (sql.DAILY_TABLES), compared stored against direct
TABLES = tuple(KEYS)


def direct(data_dir: Path, config: Config, tz: str, table: str = "daily_sums") -> pl.DataFrame:
    return direct_rows(connection.connect_in_memory(data_dir, config), tz, table)


def direct_rows(con: duckdb.DuckDBPyConnection, tz: str, table: str) -> pl.DataFrame:
    """`table`'s rows computed by its model query over the connection's conversations."""
    return _keyed(sql.run(con, table, tz=tz), table)


def loaded(
    data_dir: Path, config: Config, tz: str, store: bool = True, table: str = "daily_sums"
) -> pl.DataFrame:
    """The `daily_sums` (or another daily table's) rows of a reading connection: after
    the rollup step stored them (`store`), or as the connection finds them."""
    return loaded_rows(reading(data_dir, config, store), tz, table)


def reading(data_dir: Path, config: Config, store: bool = True) -> duckdb.DuckDBPyConnection:
    if store:
        rollup.refresh(data_dir, config)
    con = connection.connect(data_dir, config)
    if store:
        assert connection.rollup_status(con).source == connection.STORED
    return con


def loaded_rows(con: duckdb.DuckDBPyConnection, tz: str, table: str) -> pl.DataFrame:
    sql.ensure_daily_zone(con, tz)
    rows = con.sql(f"select * exclude (tz) from {table} where tz = $tz", params={"tz": tz})
    return _keyed(rows.pl(), table)


@SETTINGS
@given(logs(), st.sampled_from([CONFIG, PARIS]))
def test_stored_daily_sums_equal_the_direct_computation(rows: list[dict], config: Config) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        write(data_dir, rows, "one")
        stored = reading(data_dir, config)
        memory = connection.connect_in_memory(data_dir, config)
        # every daily table, in the stored zone and in a zone other than the stored one
        # (summed from the conversations)
        for table in TABLES:
            for zone in (config.display_time_zone, "America/New_York"):
                assert loaded_rows(stored, zone, table).equals(direct_rows(memory, zone, table)), (
                    table,
                    zone,
                )


@SETTINGS
@given(logs(), st.data())
def test_incremental_daily_refresh_equals_a_full_build(
    rows: list[dict], data: st.DataObject
) -> None:
    later = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    first = [r for r, late in zip(rows, later, strict=True) if not late]
    second = [r for r, late in zip(rows, later, strict=True) if late]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        if first:
            write(data_dir, first, "first")
            rollup.refresh(data_dir, CONFIG)  # stores both rollups
        if second:
            write(data_dir, second, "second")
        stale = loaded(data_dir, CONFIG, "UTC", store=False)  # stale months in memory
        refreshed = reading(data_dir, CONFIG)
        incremental = {table: loaded_rows(refreshed, "UTC", table) for table in TABLES}
        refreshed.close()  # its views read the stored files removed next
        shutil.rmtree(facts.rollup_dir(data_dir))
        rebuilt = reading(data_dir, CONFIG)
        memory = connection.connect_in_memory(data_dir, CONFIG)
        assert stale.equals(incremental["daily_sums"])
        for table in TABLES:
            assert incremental[table].equals(loaded_rows(rebuilt, "UTC", table)), table
            assert incremental[table].equals(direct_rows(memory, "UTC", table)), table


def day_row(data_dir: Path, day: dt.date, config: Config = CONFIG) -> dict:
    frame = loaded(data_dir, config, "UTC").filter(pl.col("day") == day)
    assert frame.height == 1
    return frame.row(0, named=True)


def test_new_data_rejudges_a_waiting_conversation_and_leaves_settled_months_alone(
    tmp_path: Path,
) -> None:
    dec = dt.datetime(2024, 12, 2, 9, tzinfo=dt.UTC)
    jan = dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC)
    minute = dt.timedelta(minutes=1)
    write(
        tmp_path,
        [
            # December: answered within 5 min, the brand spoke last: resolved (proxy)
            message(1, "d", "inbound", dec),
            message(2, "d", "outbound", dec + 5 * minute),
            # January: answered, then the customer came back unhappy 10 min later
            message(3, "a", "inbound", jan),
            message(4, "a", "outbound", jan + 5 * minute),
            message(5, "a", "inbound", jan + 10 * minute, sentiment=-0.5),
        ],
        "first",
    )
    # as of 09:10 (the newest message) "a" has waited 0 s, within the twitter
    # target: not dropped, so the proxy counts it resolved
    assert day_row(tmp_path, jan.date())["resolved_n"] == 1
    december = daily.month_file(tmp_path, "2024-12")
    stamp = december.stat().st_mtime_ns
    # a February message moves as_of weeks later: "a" has now waited far longer
    # than its target with no reply, so it is dropped and no longer resolved
    write(tmp_path, [message(6, "b", "inbound", dt.datetime(2025, 2, 3, tzinfo=dt.UTC))], "second")
    assert day_row(tmp_path, jan.date())["resolved_n"] == 0
    assert day_row(tmp_path, dec.date())["resolved_n"] == 1
    # December was settled (its newest message older than as_of minus the longest
    # target) and its conversation month did not change: not rewritten
    assert december.stat().st_mtime_ns == stamp


def test_a_changed_target_rebuilds_the_daily_sums(tmp_path: Path) -> None:
    jan = dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC)
    write(
        tmp_path,
        [
            message(1, "a", "inbound", jan),
            message(2, "a", "outbound", jan + dt.timedelta(minutes=20)),
        ],
        "x",
    )
    # 20 min = 1,200 s: within a 3,600 s target, not within 600 s
    relaxed = dataclasses.replace(CONFIG, targets_s={**CONFIG.targets_s, "twitter": 3600})
    strict = dataclasses.replace(CONFIG, targets_s={**CONFIG.targets_s, "twitter": 600})
    assert day_row(tmp_path, jan.date(), relaxed)["within_target_n"] == 1
    assert day_row(tmp_path, jan.date(), strict)["within_target_n"] == 0


def test_an_unwritable_data_dir_still_gives_the_daily_sums(tmp_path: Path) -> None:
    jan = dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC)
    write(tmp_path, [message(1, "a", "inbound", jan), message(2, "b", "inbound", jan)], "x")
    (tmp_path / "rollups").write_text("not a directory")  # nothing can be stored
    frame = loaded(tmp_path, CONFIG, "UTC", store=False).filter(pl.col("day") == jan.date())
    assert frame["conversations_n"].to_list() == [2]


def test_the_rollup_step_stores_both_rollups(tmp_path: Path) -> None:
    jan = dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC)
    write(tmp_path, [message(1, "a", "inbound", jan)], "x")
    rollup.refresh(tmp_path, CONFIG)
    assert facts.month_file(tmp_path, "2025-01").is_file()
    assert daily.month_file(tmp_path, "2025-01").is_file()


def test_day_runs_keep_whole_days_under_the_most_conversations() -> None:
    days = [(dt.date(2025, 3, d), n) for d, n in ((1, 3), (2, 3), (3, 5), (4, 1), (5, 9))]
    # 3 + 3 = 6 <= 6; 5 + 1 = 6; 9 alone (a day is never split, even past the most)
    assert daily._day_runs(days, 6) == [
        (dt.date(2025, 3, 1), dt.date(2025, 3, 2)),
        (dt.date(2025, 3, 3), dt.date(2025, 3, 4)),
        (dt.date(2025, 3, 5), dt.date(2025, 3, 5)),
    ]
    assert daily._day_runs(days, 100) == [(dt.date(2025, 3, 1), dt.date(2025, 3, 5))]
    assert daily._day_runs([], 6) == []


def test_term_counts_built_in_runs_of_days_are_the_same_file(tmp_path: Path, monkeypatch) -> None:
    """Six conversations over three March days, each customer writing about a refund
    or a delay: one query for the month, or one per day, gives the same bytes."""
    rows = []
    for day in range(3):
        for i, text in enumerate(("refund still missing", "delivery delay again")):
            cid = f"d{day}c{i}"
            when = dt.datetime(2025, 3, 3 + day, 9, tzinfo=dt.UTC)
            rows.append(message(len(rows), cid, "inbound", when, text=text))
            later = when + dt.timedelta(minutes=5)
            rows.append(message(len(rows), cid, "outbound", later, text="sorry"))
    write(tmp_path, rows, "one")
    rollup.refresh(tmp_path, CONFIG)
    whole = {p.name: p.read_bytes() for p in tmp_path.glob("rollups/term_daily/*/*.parquet")}
    shutil.rmtree(facts.rollup_dir(tmp_path))
    monkeypatch.setattr(daily, "TERM_CHUNK_CONVERSATIONS", 2)  # one day a run
    rollup.refresh(tmp_path, CONFIG)
    runs = {p.name: p.read_bytes() for p in tmp_path.glob("rollups/term_daily/*/*.parquet")}
    assert runs == whole
    counts = pl.read_parquet(list(tmp_path.glob("rollups/term_daily/*/*.parquet")))
    # each day: "refund" in one message, "delay" in one, the day's two messages in total
    by_day = counts.filter(pl.col("term") == "refund").sort("day")
    assert by_day["messages_n"].to_list() == [1, 1, 1]
    totals = counts.filter(pl.col("term").is_null()).sort("day")
    assert totals["messages_n"].to_list() == [2, 2, 2]
