"""The stored conversation facts rollup (dashboard/data/rollup/facts.py), built in full
or refreshed month by month by the explicit step (`rollup.refresh`), gives exactly the
model computed in memory from the raw log in one go (connection.connect_in_memory:
queries/model/conversation_facts.sql, then conversations.sql); so does a reading
connection over stale rollups, which recomputes only what is stale, in memory."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.core.config import load_config
from dashboard.core.schema import TABLES
from dashboard.data import connection, rollup, sql, store
from dashboard.data.rollup import facts

CONFIG = load_config()
START = dt.datetime(2025, 1, 20, tzinfo=dt.UTC)  # logs span January to March
CHANNELS = ("twitter", "email", "community", "facebook")
KEY = ["brand", "conversation_id"]


def write(data_dir: Path, rows: list[dict], batch: str) -> None:
    schema = TABLES["interactions"]
    columns = {f.name: [r.get(f.name) for r in rows] for f in schema}
    store.write_batch(data_dir, "interactions", pa.table(columns, schema=schema), batch)


def direct(data_dir: Path) -> pl.DataFrame:
    return sql.run(connection.connect_in_memory(data_dir, CONFIG), "conversations").sort(KEY)


def stored_connection(data_dir: Path):
    """Store the rollups (the explicit step), then a connection that reads only them."""
    rollup.refresh(data_dir, CONFIG)
    con = connection.connect(data_dir, CONFIG)
    assert connection.rollup_status(con).source == connection.STORED
    return con


def from_rollup(data_dir: Path) -> pl.DataFrame:
    return stored_connection(data_dir).sql("select * from conversations").pl().sort(KEY)


def as_read(data_dir: Path) -> pl.DataFrame:
    """What a reading connection gives without storing anything first."""
    return connection.connect(data_dir, CONFIG).sql("select * from conversations").pl().sort(KEY)


def stored_paths(data_dir: Path) -> dict[tuple[str, str], str]:
    con = stored_connection(data_dir)
    rows = con.sql("select brand, conversation_id, channel_path from conversation_facts")
    return {(b, c): p for b, c, p in rows.fetchall()}


def expected_paths(rows: list[dict]) -> dict[tuple[str, str], str]:
    """Channels in order of first appearance (created_at, inbound first, interaction_id),
    for conversations with an inbound message."""
    ordered = sorted(
        rows, key=lambda r: (r["created_at"], r["direction"] != "inbound", r["interaction_id"])
    )
    paths: dict[tuple[str, str], list[str]] = {}
    for row in ordered:
        seen = paths.setdefault((row["brand"], row["conversation_id"]), [])
        if row["channel"] not in seen:
            seen.append(row["channel"])
    has_inbound = {(r["brand"], r["conversation_id"]) for r in rows if r["direction"] == "inbound"}
    return {k: " -> ".join(v) for k, v in paths.items() if k in has_inbound}


@st.composite
def logs(draw: st.DrawFn) -> list[dict]:
    n = draw(st.integers(1, 30))
    rows = []
    for i in range(n):
        rows.append(
            {
                "interaction_id": f"m{i:03d}",
                "conversation_id": draw(st.sampled_from(["c1", "c2", "c3", "c4", "c5"])),
                "brand": draw(st.sampled_from(["Acme", "Bolt"])),
                "channel": draw(st.sampled_from(CHANNELS)),
                "direction": draw(st.sampled_from(["inbound", "inbound", "outbound", "peer"])),
                "author_id": "someone",
                "author_followers": draw(st.none() | st.integers(0, 200_000)),
                # minutes over ~60 days, coarse enough to give ties
                "created_at": START + dt.timedelta(minutes=30 * draw(st.integers(0, 2900))),
                "sentiment": draw(st.none() | st.sampled_from([-0.6, 0.0, 0.04, 0.05, 0.7])),
                "csat": draw(st.none() | st.integers(1, 5)),
                "nps": draw(st.none() | st.integers(0, 10)),
                "resolved": draw(st.none() | st.booleans()),
            }
        )
        if rows[-1]["direction"] == "outbound":  # a reply signed by an agent, or not
            rows[-1]["agent_id"] = draw(st.none() | st.sampled_from(["KC", "JK"]))
    return rows


SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(logs())
def test_rollup_conversations_equal_the_direct_computation(rows: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        write(data_dir, rows, "one")
        assert from_rollup(data_dir).equals(direct(data_dir))
        assert stored_paths(data_dir) == expected_paths(rows)


@SETTINGS
@given(logs(), st.data())
def test_incremental_refresh_equals_full_build_and_direct_computation(
    rows: list[dict], data: st.DataObject
) -> None:
    later = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    first = [r for r, late in zip(rows, later, strict=True) if not late]
    second = [r for r, late in zip(rows, later, strict=True) if late]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        if first:
            write(data_dir, first, "first")
            facts.refresh(data_dir)
        if second:
            write(data_dir, second, "second")
        # stale rollups, read as they are: the changed months recomputed in memory
        stale = as_read(data_dir)
        incremental = from_rollup(data_dir)
        shutil.rmtree(facts.rollup_dir(data_dir))
        full = from_rollup(data_dir)
        assert incremental.equals(full)
        assert incremental.equals(direct(data_dir))
        assert stale.equals(incremental)


def message(i: int, conversation: str, direction: str, when: dt.datetime, **extra) -> dict:
    return {
        "interaction_id": f"m{i}",
        "conversation_id": conversation,
        "brand": "Acme",
        "channel": extra.pop("channel", "twitter"),
        "direction": direction,
        "author_id": "x",
        "created_at": when,
        **extra,
    }


def test_a_new_month_continuing_an_old_conversation_rewrites_only_the_months_it_touches(
    tmp_path: Path,
) -> None:
    jan = dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC)
    write(
        tmp_path,
        [
            message(1, "a", "inbound", jan),
            message(2, "a", "outbound", jan + dt.timedelta(minutes=5)),
            message(3, "b", "inbound", jan - dt.timedelta(days=5)),
        ],
        "jan",
    )
    facts.refresh(tmp_path)
    manifest = facts.read_manifest(tmp_path)
    assert manifest is not None and manifest.months == ["2025-01"]
    # February: a new conversation, and conversation "a" continues on email
    feb = dt.datetime(2025, 2, 2, 9, tzinfo=dt.UTC)
    write(
        tmp_path,
        [
            message(4, "a", "inbound", feb, channel="email", sentiment=-0.5),
            message(5, "c", "inbound", feb),
        ],
        "feb",
    )
    march_file = facts.month_file(tmp_path, "2025-03")
    assert not march_file.exists()
    assert as_read(tmp_path).equals(direct(tmp_path))  # before the rollup step
    incremental = from_rollup(tmp_path)
    assert facts.read_manifest(tmp_path).months == ["2025-01", "2025-02"]
    assert incremental.equals(direct(tmp_path))
    a = incremental.filter(pl.col("conversation_id") == "a").row(0, named=True)
    # a: 3 messages, twitter then email, first response 5 min = 300 s; it stays in
    # January (its first inbound message); the customer spoke last, negatively, and
    # as of the newest message (the same one) has waited 0 s: not dropped
    assert (a["messages"], a["channels_used"], a["first_response_s"], a["dropped"]) == (
        3,
        2,
        300.0,
        False,
    )
    assert stored_paths(tmp_path)[("Acme", "a")] == "twitter -> email"


def test_a_fresh_rollup_is_not_rebuilt(tmp_path: Path) -> None:
    write(tmp_path, [message(1, "a", "inbound", dt.datetime(2025, 1, 10, tzinfo=dt.UTC))], "x")
    facts.refresh(tmp_path)
    path = facts.month_file(tmp_path, "2025-01")
    stamp = path.stat().st_mtime_ns
    assert facts.is_fresh(tmp_path)
    facts.refresh(tmp_path)
    connection.connect(tmp_path, CONFIG)
    assert path.stat().st_mtime_ns == stamp


def test_a_deleted_raw_month_removes_its_conversations(tmp_path: Path) -> None:
    write(
        tmp_path,
        [
            message(1, "a", "inbound", dt.datetime(2025, 1, 10, tzinfo=dt.UTC)),
            message(2, "b", "inbound", dt.datetime(2025, 2, 10, tzinfo=dt.UTC)),
        ],
        "x",
    )
    facts.refresh(tmp_path)
    shutil.rmtree(tmp_path / "interactions" / "month=2025-02")
    assert as_read(tmp_path)["conversation_id"].to_list() == ["a"]
    assert from_rollup(tmp_path)["conversation_id"].to_list() == ["a"]
    assert not facts.month_file(tmp_path, "2025-02").exists()


def test_an_unwritable_data_dir_still_gives_the_conversations(tmp_path: Path) -> None:
    write(tmp_path, [message(1, "a", "inbound", dt.datetime(2025, 1, 10, tzinfo=dt.UTC))], "x")
    (tmp_path / "rollups").write_text("not a directory")  # refresh cannot write here
    with pytest.raises(rollup.RollupError, match="cannot store the rollups"):
        rollup.refresh(tmp_path, CONFIG)
    assert as_read(tmp_path)["conversation_id"].to_list() == ["a"]


def test_a_replaced_raw_file_drops_the_conversations_it_no_longer_holds(tmp_path: Path) -> None:
    # January holds a and b (a continues into February); the January file is then
    # replaced by one holding only c (a regenerated demo, an edited export): a and b
    # are gone from January, a's February reply alone has no inbound message
    jan, feb = dt.datetime(2025, 1, 10, tzinfo=dt.UTC), dt.datetime(2025, 2, 3, tzinfo=dt.UTC)
    write(tmp_path, [message(1, "a", "inbound", jan), message(2, "b", "inbound", jan)], "old")
    write(tmp_path, [message(3, "a", "outbound", feb)], "feb")
    facts.refresh(tmp_path)
    for path in (tmp_path / "interactions" / "month=2025-01").glob("*.parquet"):
        path.unlink()
    write(tmp_path, [message(4, "c", "inbound", jan)], "new")
    assert as_read(tmp_path)["conversation_id"].to_list() == ["c"]
    assert from_rollup(tmp_path)["conversation_id"].to_list() == ["c"]
    assert from_rollup(tmp_path).equals(direct(tmp_path))
