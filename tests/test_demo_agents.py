"""The demo's people (docs/DEMO.md, "Agents and superfans"): named agents who sign
every brand's replies, the planted agents of Atlas Logistics seen through the agent
leaderboard (dashboard/views/people.py, `chi report agents`), and Pixel Games'
superfans seen through `chi report superfans`, on a 150k-row demo."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard.cli import main
from dashboard.core.config import Config, load_config
from dashboard.core.filters import Filters
from dashboard.data import connection
from dashboard.demo import generator as demo
from dashboard.demo.staff import ROSTERS, initials
from dashboard.views import evidence, people

ROWS = 150_000
SEED = 7
YEAR = Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
# the People page's default window: the last 90 days of the data (as the other pages)
LAST_90_DAYS = Filters(dt.date(2025, 10, 3), dt.date(2025, 12, 31))
ATLAS = demo.PLANTED_AGENTS["brand"]
PIXEL = demo.PLANTED["community_peers"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-agents")
    demo.generate(path, rows=ROWS, seed=SEED)
    return path


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config()


@pytest.fixture(scope="module")
def con(data_dir: Path, config: Config) -> duckdb.DuckDBPyConnection:
    return connection.connect(data_dir, config)


@pytest.fixture(scope="module")
def messages(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(
        "select brand, conversation_id, interaction_id, channel, direction, author_id, "
        "agent_id, text, created_at from interactions"
    ).pl()


@pytest.fixture(scope="module")
def year_board(con: duckdb.DuckDBPyConnection, config: Config) -> people.Leaderboard:
    return people.leaderboard(con, config, YEAR)


def agent_row(board: people.Leaderboard, brand: str, agent: str) -> dict:
    rows = board.for_brand(brand).filter(pl.col("agent_id") == agent)
    assert rows.height == 1, (brand, agent)
    return rows.row(0, named=True)


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:
    capsys.readouterr()
    assert main(["report", *argv]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


# --- named agents on every brand ------------------------------------------------------


def test_every_brand_has_four_to_twelve_named_agents_from_its_roster(
    messages: pl.DataFrame,
) -> None:
    agents = (
        messages.filter(pl.col("agent_id").is_not_null())
        .group_by("brand")
        .agg(pl.col("agent_id").unique())
    )
    seen = {row["brand"]: set(row["agent_id"]) for row in agents.iter_rows(named=True)}
    assert set(seen) == set(demo.BRAND_NAMES)
    for brand, names in seen.items():
        assert names <= set(ROSTERS[brand]), brand
        assert 4 <= len(names) <= 12, brand


def test_signed_replies_end_with_their_agents_sign_off_and_unsigned_ones_with_none(
    messages: pl.DataFrame,
) -> None:
    replies = messages.filter((pl.col("direction") == "outbound") & pl.col("text").is_not_null())
    signed = replies.filter(pl.col("agent_id").is_not_null())
    expected = signed["agent_id"].map_elements(lambda a: f" ^{initials(a)}", pl.String)
    assert (signed["text"].str.ends_with(expected)).all()  # "... ^PS" for Priya S.
    unsigned = replies.filter(pl.col("agent_id").is_null())
    assert unsigned.height > 0
    assert not unsigned["text"].str.contains(r"\^[A-Z]{2}$").any()


def test_about_one_reply_in_twenty_is_unsigned(messages: pl.DataFrame) -> None:
    replies = messages.filter(pl.col("direction") == "outbound")
    unsigned = replies["agent_id"].null_count() / replies.height
    assert 0.03 < unsigned < 0.07  # staff.UNSIGNED_SHARE = 5 %


def test_customer_and_peer_messages_never_carry_an_agent_or_a_sign_off(
    messages: pl.DataFrame,
) -> None:
    others = messages.filter(pl.col("direction") != "outbound")
    assert others.height > 0 and others["agent_id"].null_count() == others.height
    # so the sign-off cleaning of customer text (docs/METRICS.md, Mood, rule 8) has
    # nothing to strip and the demo's planted sentiment stands as written
    texts = others["text"].drop_nulls()
    assert not texts.str.contains(r"\^[A-Z]{2}$").any()


def test_some_conversations_are_handed_over_once_to_a_second_agent(
    messages: pl.DataFrame,
) -> None:
    signed = messages.filter(pl.col("agent_id").is_not_null()).sort(
        "conversation_id", "created_at", "interaction_id"
    )
    per_conversation = signed.group_by("conversation_id").agg(
        agents=pl.col("agent_id").n_unique(),
        # a hand-over: the writer changes once and never back
        changes=(pl.col("agent_id") != pl.col("agent_id").shift(1)).sum(),
    )
    two = per_conversation.filter(pl.col("agents") >= 2)
    assert 0.02 < two.height / per_conversation.height < 0.10
    assert two["agents"].max() == 2 and two["changes"].max() == 1


# --- the planted agents of Atlas Logistics, through the leaderboard -------------------


def test_the_careful_agent_is_slower_than_the_brand_but_ends_markedly_happier(
    year_board: people.Leaderboard,
) -> None:
    miguel = agent_row(year_board, ATLAS, demo.PLANTED_AGENTS["happy"])
    assert miguel["verdict"] == people.ABOVE
    assert miguel["speed_vs_happiness"] == people.SLOW_BUT_HAPPY
    assert miguel["vs_brand_ci_low"] > 4  # several points, interval clear of 0
    assert miguel["median_first_response_s"] > 1.5 * miguel["brand_median_first_response_s"]
    assert miguel["mood"] > 60 > year_board.brand_level(ATLAS)["mood"]


def test_the_fastest_agent_ends_worse_than_colleagues(year_board: people.Leaderboard) -> None:
    tyler = agent_row(year_board, ATLAS, demo.PLANTED_AGENTS["fast"])
    ranked = year_board.for_brand(ATLAS).filter(~pl.col("below_min_n"))
    fastest = ranked.sort("median_first_response_s").row(0, named=True)
    assert fastest["agent_id"] == tyler["agent_id"]
    assert tyler["median_first_response_s"] < 0.5 * tyler["brand_median_first_response_s"]
    assert tyler["verdict"] == people.BELOW
    assert tyler["speed_vs_happiness"] == people.FAST_BUT_UNHAPPY
    assert tyler["vs_brand_ci_high"] < -3
    assert tyler["speed"] > 85 and tyler["resolution"] < 65  # quick, but cases come back


def test_the_planted_gaps_stand_out_from_interchangeable_colleagues(
    year_board: people.Leaderboard,
) -> None:
    # elsewhere agents are interchangeable: their gaps are noise (about 1 in 20 comes
    # out above or below at 95 %), all smaller than either planted gap
    planted = {demo.PLANTED_AGENTS["happy"], demo.PLANTED_AGENTS["fast"]}
    agents = year_board.agents.filter(~pl.col("below_min_n"))
    gaps = agents.filter((pl.col("brand") == ATLAS) & pl.col("agent_id").is_in(planted))
    others = agents.filter(~((pl.col("brand") == ATLAS) & pl.col("agent_id").is_in(planted)))
    assert gaps.height == 2 and others.height > 100
    assert others["vs_brand"].abs().max() < gaps["vs_brand"].abs().min()


def test_the_new_starter_has_too_few_conversations_to_be_ranked(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    messages: pl.DataFrame,
    year_board: people.Leaderboard,
) -> None:
    zoe = demo.PLANTED_AGENTS["new_starter"]
    first = messages.filter((pl.col("brand") == ATLAS) & (pl.col("agent_id") == zoe))
    assert first["created_at"].min().date() >= dt.date(2025, 12, 22)  # joined 22 December
    row = agent_row(year_board, ATLAS, zoe)
    assert row["conversations"] < config.min_n and row["verdict"] == evidence.NOT_ENOUGH_DATA
    # everyone else clears min n, also in the page's default window
    window = people.leaderboard(con, config, LAST_90_DAYS).agents
    assert window.filter(pl.col("below_min_n"))["agent_id"].to_list() == [zoe]
    assert window.height >= 130


def test_chi_report_agents_ranks_the_careful_agent_first_and_the_fast_one_last(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = report(capsys, "agents", "--data", str(data_dir), "--brand", ATLAS)
    ranked = [r["agent"] for r in rows if r["below_min_n"] == "false"]
    assert ranked[0] == demo.PLANTED_AGENTS["happy"]
    assert ranked[-1] == demo.PLANTED_AGENTS["fast"]
    assert rows[-1]["agent"] == demo.PLANTED_AGENTS["new_starter"]  # under min n: last


# --- Pixel Games' superfans -----------------------------------------------------------


def test_a_handful_of_superfans_answer_most_of_pixel_games_community_questions(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = report(capsys, "superfans", "--data", str(data_dir), "--brand", PIXEL)
    top = sorted(rows, key=lambda r: -int(r["conversations_answered"]))
    fans = top[: len(demo.SUPERFAN_IDS)]
    assert {r["peer"] for r in fans} == set(demo.SUPERFAN_IDS)
    answered = sum(int(r["conversations_answered"]) for r in fans)
    assert answered > 0.5 * int(rows[0]["community_conversations"])
    # everyone else is an occasional helper
    assert (
        max(int(r["answers"]) for r in top[len(fans) :]) <= 5 < min(int(r["answers"]) for r in fans)
    )


def test_superfans_sometimes_answer_after_staff_or_off_community(
    messages: pl.DataFrame,
) -> None:
    pixel = messages.filter(pl.col("brand") == PIXEL).sort(
        "conversation_id", "created_at", "interaction_id"
    )
    pixel = pixel.with_columns(
        staff_before=(pl.col("direction") == "outbound").cum_sum().over("conversation_id") > 0
    )
    fans = pixel.filter(
        (pl.col("direction") == "peer") & pl.col("author_id").is_in(demo.SUPERFAN_IDS)
    )
    assert fans["author_id"].str.starts_with("cust-").all()  # pseudonyms like customers
    after_staff = fans["staff_before"].mean()
    off_community = (fans["channel"] != "community").mean()
    assert 0.02 < after_staff < 0.25
    assert 0.002 < off_community < 0.05
    assert set(fans.filter(pl.col("channel") != "community")["channel"]) <= {"twitter", "youtube"}
