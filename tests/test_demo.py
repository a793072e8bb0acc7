"""`chi demo`: a deterministic synthetic data set that follows the data contract and
shows each planted effect of docs/DEMO.md through the conversations query."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.cli import main
from dashboard.core.config import load_config
from dashboard.core.schema import AUDIENCE, CHANNELS, DIRECTIONS, INTERACTIONS
from dashboard.data import connection, rollup, sql
from dashboard.demo import generator as demo

ROWS = 150_000
SEED = 7


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo")
    demo.generate(path, rows=ROWS, seed=SEED)
    return path


@pytest.fixture(scope="module")
def con(data_dir: Path) -> duckdb.DuckDBPyConnection:
    return connection.connect(data_dir, load_config())


@pytest.fixture(scope="module")
def conversations(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return sql.run(con, "conversations")


def read(data_dir: Path, table: str) -> pa.Table:
    files = sorted((data_dir / table).glob("month=*/*.parquet"))
    return pa.concat_tables(
        pq.read_table(f, schema=INTERACTIONS if table == "interactions" else AUDIENCE)
        for f in files
    )


def file_bytes(data_dir: Path) -> dict[str, bytes]:
    files = sorted(data_dir.rglob("*.parquet"))
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in files}


# --- determinism and size -------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        demo.generate(tmp_path / name, rows=20_000, seed=1)
        rollup.refresh(tmp_path / name, load_config())  # as `chi demo` does next
    assert any(name.startswith("rollups/daily/") for name in file_bytes(tmp_path / "a"))
    assert file_bytes(tmp_path / "a") == file_bytes(tmp_path / "b")


def test_other_seed_gives_other_data(tmp_path: Path) -> None:
    demo.generate(tmp_path / "a", rows=20_000, seed=1)
    demo.generate(tmp_path / "b", rows=20_000, seed=2)
    a, b = read(tmp_path / "a", "interactions"), read(tmp_path / "b", "interactions")
    assert a.column("created_at") != b.column("created_at")
    assert read(tmp_path / "a", "audience") != read(tmp_path / "b", "audience")


def test_each_chunk_is_the_same_whatever_was_generated_before_it() -> None:
    # the property that lets chunks run in any order, in any number of processes
    march = demo.Chunk(month=3, part=0, rows=4_000)
    alone, _ = demo.chunk_table(march, seed=5, total_rows=50_000)
    demo.chunk_table(demo.Chunk(month=1, part=0, rows=4_000), seed=5, total_rows=50_000)
    after, _ = demo.chunk_table(march, seed=5, total_rows=50_000)
    assert alone.equals(after)


@pytest.mark.parametrize("rows", [5_000, 20_000, ROWS])
def test_row_count_is_within_two_percent_of_the_request(
    tmp_path: Path, rows: int, data_dir: Path
) -> None:
    if rows == ROWS:
        written = read(data_dir, "interactions").num_rows
    else:
        written = demo.generate(tmp_path, rows=rows, seed=1).rows
        assert read(tmp_path, "interactions").num_rows == written
    assert abs(written - rows) <= 0.02 * rows


def test_chunks_stay_small_even_for_a_hundred_million_rows() -> None:
    chunks = demo.plan_chunks(100_000_000)
    assert sum(c.rows for c in chunks) == 100_000_000
    assert max(c.rows for c in chunks) <= demo.CHUNK_ROWS
    assert len({c.batch for c in chunks}) == len(chunks)


# --- data contract --------------------------------------------------------------------


def test_interactions_follow_the_data_contract(data_dir: Path) -> None:
    table = read(data_dir, "interactions")
    assert table.schema.equals(INTERACTIONS)
    frame = pl.from_arrow(table)
    assert set(frame["channel"].unique()) == set(CHANNELS)
    assert set(frame["direction"].unique()) == set(DIRECTIONS)
    assert frame["interaction_id"].is_unique().all()
    assert frame["brand"].n_unique() == len(demo.BRANDS) == 20
    assert frame["created_at"].min() >= dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert frame["created_at"].max() < dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    sentiment = frame["sentiment"].drop_nulls()
    assert sentiment.min() >= -1 and sentiment.max() <= 1
    inbound = frame.filter(pl.col("direction") == "inbound")
    assert 0 < inbound["sentiment"].null_count() < 0.05 * inbound.height  # a few unknown
    assert frame.filter(pl.col("direction") != "inbound")["sentiment"].null_count() == (
        frame.height - inbound.height
    )
    csat = frame["csat"].drop_nulls()
    assert csat.len() > 0 and csat.min() >= 1 and csat.max() <= 5
    assert set(frame.filter(pl.col("csat").is_not_null())["channel"]) <= {"email", "phone", "chat"}
    nps = frame["nps"].drop_nulls()
    assert nps.min() >= 0 and nps.max() <= 10
    followers = inbound["author_followers"]
    assert followers.drop_nulls().min() >= 0 and followers.null_count() > 0
    assert set(frame.filter(pl.col("resolved").is_not_null())["channel"]) <= {
        "email",
        "phone",
        "chat",
    }
    assert inbound["author_id"].str.starts_with("cust-").all()


def test_every_reply_points_at_the_previous_message_of_its_conversation(data_dir: Path) -> None:
    frame = pl.from_arrow(read(data_dir, "interactions")).sort(
        "conversation_id", "created_at", "interaction_id"
    )
    frame = frame.with_columns(previous=pl.col("interaction_id").shift(1).over("conversation_id"))
    assert frame.filter(pl.col("in_reply_to").ne_missing(pl.col("previous"))).height == 0
    first = frame.filter(pl.col("previous").is_null())
    assert (first["direction"] == "inbound").all()  # conversations start with the customer


def test_audience_has_one_row_per_brand_social_channel_and_day(data_dir: Path) -> None:
    table = read(data_dir, "audience")
    assert table.schema.equals(AUDIENCE)
    frame = pl.from_arrow(table)
    accounts = sum(len(b.audience) for b in demo.BRANDS)
    assert frame.height == accounts * 365
    assert frame.select("brand", "channel", "date").is_unique().all()
    assert set(frame["channel"]) <= {"twitter", "facebook", "instagram", "linkedin", "youtube"}
    growth = frame.group_by("brand", "channel").agg(
        first=pl.col("followers").sort_by("date").first(),
        last=pl.col("followers").sort_by("date").last(),
    )
    assert (growth["last"] > growth["first"]).all()  # slowly growing
    assert frame.select(pl.col("likes", "comments", "shares", "posts").min()).row(0) >= (0,) * 4


def test_demo_removes_only_its_own_earlier_files(tmp_path: Path) -> None:
    month = tmp_path / "interactions" / "month=2025-03"
    month.mkdir(parents=True)
    user_file = month / "part-upload-1234.parquet"
    user_file.write_bytes(b"users' ingested data")
    stale = month / "part-demo-03-099.parquet"
    stale.write_bytes(b"left over from a bigger demo")
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    demo.generate(tmp_path, rows=5_000, seed=1)
    assert user_file.read_bytes() == b"users' ingested data"
    assert notes.read_text() == "keep me"
    assert not stale.exists()
    assert (month / "part-demo-03-000.parquet").exists()


# --- planted effects (docs/DEMO.md), seen through the conversations query -----------------


def brand(conversations: pl.DataFrame, name: str) -> pl.DataFrame:
    return conversations.filter(pl.col("brand") == name)


def test_skyline_air_answers_influencers_more_often_and_faster(conversations: pl.DataFrame) -> None:
    sky = brand(conversations, demo.PLANTED["follower_biased"])
    high = sky.filter(pl.col("followers") >= 10_000)
    low = sky.filter(pl.col("followers") < 100)
    assert high.height >= 20 and low.height >= 200
    assert high["answered"].mean() > 0.85
    assert low["answered"].mean() < 0.55
    speed_premium = low["first_response_s"].median() / high["first_response_s"].median()
    assert speed_premium > 2.5


def test_other_brands_treat_customers_alike_whatever_their_followers(
    conversations: pl.DataFrame,
) -> None:
    others = conversations.filter(pl.col("brand") != demo.PLANTED["follower_biased"])
    high = others.filter(pl.col("followers") >= 10_000)["answered"].mean()
    low = others.filter(pl.col("followers") < 100)["answered"].mean()
    assert abs(high - low) < 0.08


def test_northwind_email_is_far_slower_and_unhappier_than_its_social_channels(
    conversations: pl.DataFrame,
) -> None:
    northwind = brand(conversations, demo.PLANTED["slow_email"])
    email = northwind.filter(pl.col("channel") == "email")
    twitter = northwind.filter(pl.col("channel") == "twitter")
    assert email["first_response_s"].median() > 24 * 3600  # days
    assert email["first_response_s"].median() > 50 * twitter["first_response_s"].median()
    assert email["mood_sentiment"].mean() < twitter["mood_sentiment"].mean() - 0.4
    assert email["csat"].mean() < 3.0
    assert email["dropped"].mean() > 2 * twitter["dropped"].mean()
    # and it is email specifically: other brands' email is quick enough
    other_email = conversations.filter(
        (pl.col("brand") != northwind["brand"][0]) & (pl.col("channel") == "email")
    )
    assert other_email["within_target"].mean() > 0.7 > 3 * email["within_target"].mean()


def test_bluebird_bank_improves_from_january_to_december(conversations: pl.DataFrame) -> None:
    bank = brand(conversations, demo.PLANTED["improving"]).with_columns(
        month=pl.col("first_inbound_at").dt.month()
    )
    monthly = (
        bank.group_by("month")
        .agg(
            mood=pl.col("mood_sentiment").mean(),
            speed=pl.col("within_target").mean(),
            resolved=pl.col("resolved").mean(),
        )
        .sort("month")
    )
    january, december = monthly.row(0, named=True), monthly.row(-1, named=True)
    assert december["mood"] > january["mood"] + 0.3
    assert december["speed"] > january["speed"] + 0.3
    assert december["resolved"] > january["resolved"] + 0.3
    # steadily: the second half beats the first half on every component
    half = monthly.with_columns(h=pl.col("month") > 6).group_by("h").agg(pl.all().mean())
    first, second = half.sort("h").rows(named=True)
    assert all(second[c] > first[c] for c in ("mood", "speed", "resolved"))


def test_pixel_games_players_answer_each_other_on_community(
    con: duckdb.DuckDBPyConnection, conversations: pl.DataFrame
) -> None:
    peers = con.sql(
        "select brand, count(*) as n from interactions where direction = 'peer' "
        "group by brand order by n desc"
    ).pl()
    assert peers["brand"][0] == demo.PLANTED["community_peers"]
    assert peers["n"][0] > 0.5 * peers["n"].sum()
    community = brand(conversations, demo.PLANTED["community_peers"]).filter(
        pl.col("channel") == "community"
    )
    assert community.height > 0.3 * brand(conversations, demo.PLANTED["community_peers"]).height
    assert community["answered"].mean() > 0.7  # mostly thanks to peers


def test_voltline_outage_day_brings_a_spike_of_angry_messages(
    con: duckdb.DuckDBPyConnection,
) -> None:
    daily = con.sql(
        """
        select created_at::date as day, count(*) as inbound,
               count(*) filter (where sentiment < -0.5) as angry
        from interactions
        where brand = $brand and direction = 'inbound'
        group by day order by day
    """,
        params={"brand": demo.PLANTED["outage"]},
    ).pl()
    outage = daily.filter(pl.col("day") == demo.OUTAGE_DAY).row(0, named=True)
    assert outage["inbound"] == daily["inbound"].max()
    assert outage["inbound"] > 7 * daily["inbound"].median()
    assert outage["angry"] > 0.7 * outage["inbound"]
    assert outage["angry"] > 30 * max(1, daily["angry"].median())


def test_glitter_cosmetics_has_millions_of_followers_but_hollow_engagement(
    con: duckdb.DuckDBPyConnection,
) -> None:
    accounts = con.sql("""
        select brand, channel, avg(followers) as followers,
               100.0 * (sum(likes + comments + shares) / sum(posts)) / avg(followers) as rate
        from audience group by brand, channel
    """).pl()
    hollow = demo.PLANTED["hollow_audience"]
    for channel in ("instagram", "facebook", "twitter", "youtube"):
        points = accounts.filter(pl.col("channel") == channel)
        glitter = points.filter(pl.col("brand") == hollow).row(0, named=True)
        others = points.filter(pl.col("brand") != hollow)
        assert glitter["followers"] > 1_000_000
        assert glitter["followers"] > 5 * others["followers"].median()
        # fan-action index: rate relative to the least-squares fit of log rate on log followers
        x, y = np.log(points["followers"].to_numpy()), np.log(points["rate"].to_numpy())
        slope, intercept = np.polyfit(x, y, 1)
        assert slope < 0  # bigger accounts engage less per follower
        fan_action = 100 * np.exp(
            np.log(glitter["rate"]) - intercept - slope * np.log(glitter["followers"])
        )
        assert 8 < fan_action < 25
        assert glitter["rate"] < 0.2 * others["rate"].min()


# --- command line ---------------------------------------------------------------------


def test_chi_demo_writes_data_and_prints_the_next_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--data", str(tmp_path), "--rows", "20000", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert f"chi serve --data {tmp_path}" in out
    assert str(tmp_path.resolve()) in out
    assert list((tmp_path / "interactions").glob("month=2025-*/part-demo-*.parquet"))
    assert list((tmp_path / "audience").glob("month=2025-*/part-demo-audience.parquet"))


def test_chi_demo_rejects_a_row_count_below_one(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--data", str(tmp_path), "--rows", "0"])


def test_demo_publishes_its_planted_brands_but_keeps_a_users_config(tmp_path):
    from dashboard.cli import main
    from dashboard.core.config import load_config

    fresh = tmp_path / "fresh"
    assert main(["demo", "--data", str(fresh), "--rows", "3000", "--seed", "1"]) == 0
    assert set(load_config(fresh).public_brands) == set(demo.PLANTED.values())

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "chi.toml").write_text("min_n = 5\n")
    assert main(["demo", "--data", str(mine), "--rows", "3000", "--seed", "1"]) == 0
    assert (mine / "chi.toml").read_text() == "min_n = 5\n"
