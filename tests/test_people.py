"""The agent leaderboard and the community superfans (docs/METRICS.md, "Agents and
superfans"), on hand-made logs whose figures are worked out in the comments."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.data import connection, rollup, sql
from dashboard.views import people
from tests.conftest import at, message, write_rows

DAY = Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 3))


def mood_only(config: Config, min_n: int = 2) -> Config:
    """Index = Mood = 50 x (1 + mean mood sentiment): easy to work out by hand."""
    weights = dict.fromkeys(config.weights, 0.0) | {"mood": 1.0}
    return dataclasses.replace(config, weights=weights, min_n=min_n)


def agent_log() -> list[dict]:
    """Five Acme conversations on 3 March 2025 (minutes after 09:00), mood sentiment on
    the customer's message:
    c1 (+0.6): KC replies at 10            -> KC's; first response KC, 600 s
    c2 (-0.2): unsigned at 5, JK at 20     -> JK's (a later message only); first: unsigned
    c3 (+0.2): KC at 30, JK at 40          -> KC's and JK's; first response KC, 1800 s
    c4 ( 0.0): unsigned at 15 only         -> no named agent: in no agent's row
    c5 (-0.6): JK at 20                    -> JK's; first response JK, 1200 s
    """
    rows = []
    for cid, sentiment, replies in (
        ("c1", 0.6, [(10, "KC")]),
        ("c2", -0.2, [(5, None), (20, "JK")]),
        ("c3", 0.2, [(30, "KC"), (40, "JK")]),
        ("c4", 0.0, [(15, None)]),
        ("c5", -0.6, [(20, "JK")]),
    ):
        rows.append(message(cid, "inbound", at(0), sentiment=sentiment))
        rows += [message(cid, "outbound", at(m), agent_id=agent) for m, agent in replies]
    return rows


def rows_by_agent(board: people.Leaderboard) -> dict[str, dict]:
    return {row["agent_id"]: row for row in board.agents.iter_rows(named=True)}


def test_an_agent_has_every_conversation_they_wrote_in_but_first_responses_only_where_first(
    make_db, config
):
    board = people.leaderboard(make_db(agent_log()), mood_only(config), DAY)
    agents = rows_by_agent(board)
    assert set(agents) == {"KC", "JK"}  # unsigned replies belong to no one
    # KC wrote in c1, c3 and replied first in both (600 s, 1800 s -> median 1200 s)
    assert agents["KC"]["conversations"] == 2
    assert agents["KC"]["first_responses"] == 2
    assert agents["KC"]["median_first_response_s"] == pytest.approx(1200.0, rel=0.01)  # sketch
    # JK wrote in c2 (after an unsigned first reply), c3 (after KC) and c5 (first)
    assert agents["JK"]["conversations"] == 3
    assert agents["JK"]["first_responses"] == 1
    assert agents["JK"]["median_first_response_s"] == pytest.approx(1200.0, rel=0.01)


def test_the_colleagues_level_counts_a_two_agent_conversation_once_and_skips_unsigned_ones(
    make_db, config
):
    board = people.leaderboard(make_db(agent_log()), mood_only(config), DAY)
    level = board.brand_level("Acme")
    assert level is not None
    # c1, c2, c3, c5 (c3 once, though two agents wrote in it; c4 has no named agent)
    assert level["conversations"] == 4
    # mood sentiments 0.6, -0.2, 0.2, -0.6: mean 0 -> index 50
    assert level["happiness_index"] == pytest.approx(50.0)
    # first outbound messages by a named agent: c1 KC 600, c3 KC 1800, c5 JK 1200
    assert level["first_responses"] == 3
    assert level["median_first_response_s"] == pytest.approx(1200.0, rel=0.01)  # sketch


def test_vs_brand_is_the_agents_index_minus_their_colleagues_level_with_its_interval(
    make_db, config
):
    board = people.leaderboard(make_db(agent_log()), mood_only(config), DAY)
    kc, jk = rows_by_agent(board)["KC"], rows_by_agent(board)["JK"]
    # KC: mean(0.6, 0.2) = 0.4 -> 70; JK: mean(-0.2, 0.2, -0.6) = -0.2 -> 40
    assert kc["happiness_index"] == pytest.approx(70.0)
    assert jk["happiness_index"] == pytest.approx(40.0)
    assert kc["vs_brand"] == pytest.approx(20.0)
    assert jk["vs_brand"] == pytest.approx(-10.0)
    # KC's interval: A = {0.6, 0.2}, the rest R = {-0.2, -0.6}; each: sample variance
    # 0.08, var of the mean 0.04, x 50^2 = 100. A is f = 2/4 of the level, so
    # vs_brand = (1 - f)(I_A - I_R) = 0.5 x (70 - 30) = 20 and its half-width is
    # t(1) x 0.5 x sqrt(100 + 100) = 12.706 x 0.5 x 14.142 = 89.85
    assert kc["vs_brand_ci_low"] == pytest.approx(20 - 89.85, abs=0.01)
    assert kc["vs_brand_ci_high"] == pytest.approx(20 + 89.85, abs=0.01)
    assert kc["verdict"] == people.IN_LINE
    assert kc["colleague_conversations"] == 2
    # JK's rest is c1 alone: one conversation has no variance, so no interval
    assert jk["colleague_conversations"] == 1
    assert jk["vs_brand_ci_low"] is None and jk["vs_brand_ci_high"] is None
    assert jk["verdict"] == people.TOO_FEW


def test_an_agent_under_min_n_says_not_enough_data_and_ranks_last(make_db, config):
    board = people.leaderboard(make_db(agent_log()), mood_only(config, min_n=3), DAY)
    kc, jk = rows_by_agent(board)["KC"], rows_by_agent(board)["JK"]
    assert kc["below_min_n"] and kc["verdict"] == "not enough data"
    assert not jk["below_min_n"]
    # JK (3 conversations) ranks first though KC's vs_brand is higher: KC is thin
    assert (jk["rank"], kc["rank"]) == (1, 2)


def test_an_agent_who_wrote_every_conversation_has_no_colleagues_to_compare_with(make_db, config):
    rows = []
    for cid, sentiment in (("a", 0.5), ("b", -0.5)):
        rows += [
            message(cid, "inbound", at(0), sentiment=sentiment),
            message(cid, "outbound", at(5), agent_id="SOLO"),
        ]
    board = people.leaderboard(make_db(rows), mood_only(config), DAY)
    solo = rows_by_agent(board)["SOLO"]
    assert solo["happiness_index"] == pytest.approx(50.0)
    assert solo["vs_brand"] is None
    assert solo["verdict"] == people.NO_COLLEAGUES


def test_a_fast_agent_whose_customers_end_unhappier_is_named(make_db, config):
    # 6 conversations each: FAST replies after 1 minute, customers end at -0.5 and -0.4;
    # SLOW after 30 minutes, customers end at +0.5 and +0.4 (alternating)
    rows = []
    for i in range(12):
        fast = i % 2 == 0
        sentiment = (-0.5 if i % 4 == 0 else -0.4) if fast else (0.5 if i % 4 == 1 else 0.4)
        cid = f"c{i:02d}"
        rows += [
            message(cid, "inbound", at(0), sentiment=sentiment),
            message(cid, "outbound", at(1 if fast else 30), agent_id="FAST" if fast else "SLOW"),
        ]
    board = people.leaderboard(make_db(rows), mood_only(config), DAY)
    agents = rows_by_agent(board)
    # FAST: mean -0.45 -> 27.5; level mean 0 -> 50; vs_brand -22.5. A and R each: sample
    # variance 0.003, var of the mean 0.0005 x 2500 = 1.25; half-width
    # t(5) x 0.5 x sqrt(2.5) = 2.571 x 0.7906 = 2.03 -> clear of 0 (Cornish-Fisher t(5))
    assert agents["FAST"]["vs_brand"] == pytest.approx(-22.5)
    assert agents["FAST"]["vs_brand_ci_high"] == pytest.approx(-22.5 + 2.03, abs=0.02)
    assert agents["FAST"]["verdict"] == people.BELOW
    assert agents["FAST"]["speed_vs_happiness"] == people.FAST_BUT_UNHAPPY
    assert agents["SLOW"]["verdict"] == people.ABOVE
    assert agents["SLOW"]["speed_vs_happiness"] == people.SLOW_BUT_HAPPY
    note = people.overlap_note(board.for_brand("Acme"))
    assert note == (
        "Of 2 agents with enough data, 1 is clearly above their colleagues and 1 clearly "
        "below; the other 0 cannot be told apart from them. No neighbouring intervals "
        "overlap: the order holds at 95 %."
    )


def test_the_median_first_response_carries_its_order_statistic_interval(make_db, config):
    # KC replies first in 5 conversations after 1, 2, 3, 4, 5 minutes: median 180 s;
    # n = 5, q = 0.5: 2.5 -/+ 1.96 x sqrt(1.25) = 2.5 -/+ 2.19 -> ranks 1 and 5
    rows = []
    for i in range(5):
        rows += [
            message(f"c{i}", "inbound", at(0)),
            message(f"c{i}", "outbound", at(i + 1), agent_id="KC"),
        ]
    kc = rows_by_agent(people.leaderboard(make_db(rows), mood_only(config), DAY))["KC"]
    # each read from the agents' response-time sketch: within +-1 % (alpha 0.01)
    assert kc["median_first_response_s"] == pytest.approx(180.0, rel=0.01)
    assert kc["median_first_response_s_ci_low"] == pytest.approx(60.0, rel=0.01)
    assert kc["median_first_response_s_ci_high"] == pytest.approx(300.0, rel=0.01)


def test_an_agents_conversations_add_up_to_their_row(make_db, config):
    con = make_db(agent_log())
    listed = people.agent_conversations(con, mood_only(config), DAY, "Acme", "JK")
    assert sorted(listed["conversation_id"]) == ["c2", "c3", "c5"]
    assert set(listed["total_n"]) == {3}
    first = dict(zip(listed["conversation_id"], listed["first_response_by_agent"], strict=True))
    assert first == {"c2": False, "c3": False, "c5": True}


def community_log() -> list[dict]:
    """Acme, 3 March 2025 (minutes after 09:00):
    p1 community: customer, fan-a at 5, KC at 30     -> first response fan-a (300 s)
    p2 community: customer, staff at 10, fan-a at 20 -> fan-a answered after staff
    p3 twitter:   customer, fan-b at 5               -> a peer on twitter is no response
    p4 community: customer, fan-b at 10 (resolved), fan-b at 12 -> fan-b's (600 s)
    p5 community: customer only                      -> unanswered
    """

    def peer(cid: str, minutes: int, who: str, channel: str = "community", **extra) -> dict:
        return message(cid, "peer", at(minutes), author_id=who, channel=channel, **extra)

    community = {"channel": "community"}
    return [
        message("p1", "inbound", at(0), **community),
        peer("p1", 5, "fan-a"),
        message("p1", "outbound", at(30), agent_id="KC", **community),
        message("p2", "inbound", at(0), **community),
        message("p2", "outbound", at(10), **community),
        peer("p2", 20, "fan-a"),
        message("p3", "inbound", at(0)),
        peer("p3", 5, "fan-b", channel="twitter"),
        message("p4", "inbound", at(0), **community),
        peer("p4", 10, "fan-b", resolved=True),
        peer("p4", 12, "fan-b"),
        message("p5", "inbound", at(0), **community),
    ]


def fans_by_peer(con, config: Config) -> dict[str, dict]:
    return {row["peer"]: row for row in people.superfans(con, config, DAY).iter_rows(named=True)}


def test_a_peer_answer_after_staff_or_off_community_is_an_answer_but_not_a_first_response(
    make_db, config
):
    fans = fans_by_peer(make_db(community_log()), config)
    # fan-a: p1 (first) and p2 (after staff): 2 answers, 1 conversation answered
    assert (fans["fan-a"]["answers"], fans["fan-a"]["conversations_answered"]) == (2, 1)
    # fan-b: p3 on twitter (1) and p4 (2): 3 answers, only p4 answered first
    assert (fans["fan-b"]["answers"], fans["fan-b"]["conversations_answered"]) == (3, 1)
    assert fans["fan-a"]["median_first_response_s"] == pytest.approx(300.0)
    assert fans["fan-b"]["median_first_response_s"] == pytest.approx(600.0)


def test_a_superfans_resolved_conversations_follow_the_usual_rule(make_db, config):
    fans = fans_by_peer(make_db(community_log()), config)
    # p1: no resolved flag, answered and not dropped (the brand spoke last) -> resolved
    # p4: a resolved flag, the customer never wrote again -> resolved
    assert fans["fan-a"]["resolved"] == 1
    assert fans["fan-b"]["resolved"] == 1


def test_superfan_savings_and_community_share_use_the_configured_costs(make_db, config):
    costs = dataclasses.replace(
        config, minutes_per_contact=12.0, cost_per_contact=5.5, currency="EUR"
    )
    con = make_db(community_log())
    fans = fans_by_peer(con, costs)
    # one conversation answered first each: 12 minutes and 5.50 EUR saved
    assert fans["fan-a"]["minutes_saved"] == pytest.approx(12.0)
    assert fans["fan-a"]["cost_saved"] == pytest.approx(5.5)
    assert fans["fan-a"]["currency"] == "EUR"
    # community conversations p1, p2, p4, p5 = 4; answered p1, p2, p4; by a peer p1, p4
    assert fans["fan-a"]["community_conversations"] == 4
    assert fans["fan-a"]["community_peer_answered"] == 2
    # 1 of 4 = 25 %, Wilson: centre (0.25 + 0.4802) / 1.9604 = 0.37247, half-width
    # 1.96 x sqrt(0.046875 + 0.060025) / 1.9604 = 0.32683 -> 4.56 .. 69.93
    assert fans["fan-a"]["community_share"] == pytest.approx(25.0)
    assert fans["fan-a"]["community_share_ci_low"] == pytest.approx(4.56, abs=0.01)
    assert fans["fan-a"]["community_share_ci_high"] == pytest.approx(69.93, abs=0.01)
    (level,) = people.community_levels(people.superfans(con, costs, DAY))
    assert (level.conversations, level.answered, level.peer_answered) == (4, 3, 2)
    assert level.minutes_saved == pytest.approx(24.0)


def test_superfan_daily_sums_keep_each_peers_day_with_their_first_response_times(make_db):
    rows = sql.run(make_db(community_log()), "superfan_daily_sums", tz="UTC")
    by_key = {(r["channel"], r["peer"]): r for r in rows.iter_rows(named=True)}
    assert set(by_key) == {("community", "fan-a"), ("twitter", "fan-b"), ("community", "fan-b")}
    counts = (
        "answers_n",
        "conversations_with_answers_n",
        "conversations_answered_n",
        "resolved_n",
        "timed_answers_n",
    )

    def of(key: tuple[str, str]) -> tuple:
        return tuple(by_key[key][c] for c in counts), by_key[key]["first_response_s_values"]

    # fan-a: p1 (first response, 300 s, resolved) and p2 (after staff)
    assert of(("community", "fan-a")) == ((2, 2, 1, 1, 1), [300.0])
    # fan-b on twitter (p3): an answer, but no response there
    assert of(("twitter", "fan-b")) == ((1, 1, 0, 0, 0), [])
    # fan-b on community (p4): two messages, the first at 600 s, resolved
    assert of(("community", "fan-b")) == ((2, 1, 1, 1, 1), [600.0])


def test_a_superfans_median_over_several_days_is_exact_from_the_stored_rollup(tmp_path, config):
    """fan-a answers four community conversations first, one a day from 3 March: after
    5, 15, 25 and 1 minutes (300, 900, 1500 and 60 s)."""
    log = []
    for day, minutes in enumerate((5, 15, 25, 1)):
        cid = f"d{day}"
        log.append(message(cid, "inbound", at(0, days=day), channel="community"))
        log.append(
            message(cid, "peer", at(minutes, days=day), author_id="fan-a", channel="community")
        )
    write_rows(tmp_path, "interactions", log)
    rollup.refresh(tmp_path, config)
    con = connection.connect(tmp_path, config)
    assert connection.rollup_status(con).source == connection.STORED

    def fan_a(last_day: int) -> dict:
        period = Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 3 + last_day))
        (row,) = people.superfans(con, config, period).iter_rows(named=True)
        return row

    # 3-5 March: 300, 900, 1500 s -> the middle one, exactly (no sketch)
    assert (fan_a(2)["conversations_answered"], fan_a(2)["median_first_response_s"]) == (3, 900.0)
    # 3-6 March: 60, 300, 900, 1500 s -> (300 + 900) / 2
    assert (fan_a(3)["conversations_answered"], fan_a(3)["median_first_response_s"]) == (4, 600.0)
    assert fan_a(3)["community_conversations"] == 4


def two_communities() -> list[dict]:
    """Acme (community_log: fan-a and fan-b answered one community conversation first
    each), and Zeta on 3 March 2025: zed answered z1 (5 min) and z2 (7 min) first, zoe
    z3 (3 min) with two answers."""

    def zeta(cid: str, direction: str, minutes: int, **extra) -> dict:
        return message(cid, direction, at(minutes), brand="Zeta", channel="community", **extra)

    return community_log() + [
        zeta("z1", "inbound", 0),
        zeta("z1", "peer", 5, author_id="zed"),
        zeta("z2", "inbound", 0),
        zeta("z2", "peer", 7, author_id="zed"),
        zeta("z3", "inbound", 0),
        zeta("z3", "peer", 3, author_id="zoe"),
        zeta("z3", "peer", 4, author_id="zoe"),
    ]


def test_the_listed_superfans_are_the_top_first_answerers_over_every_brand(make_db, config):
    # Acme is first in the alphabet, so first in superfans' order by brand
    fans = people.superfans(make_db(two_communities()), config, DAY)
    assert fans["brand"].head(2).to_list() == ["Acme", "Acme"]
    # zed: 2 first answers. Three with 1 first answer: fan-b with 3 answers (p3 on
    # twitter, p4 twice), then fan-a (p1, p2) and zoe (z3 twice) with 2, tied: by brand
    assert people.top_superfans(fans, 4).select("brand", "peer").rows() == [
        ("Zeta", "zed"),
        ("Acme", "fan-b"),
        ("Acme", "fan-a"),
        ("Zeta", "zoe"),
    ]
    assert people.top_superfans(fans, 1)["peer"].to_list() == ["zed"]


def test_listing_each_brands_top_peers_keeps_every_brands_savings_and_medians(make_db, config):
    con = make_db(two_communities())
    every = people.superfans(con, config, DAY)
    listed = people.superfans(con, config, DAY, listed=1)
    # Acme's top: fan-b (1 first answer, 3 answers) over fan-a (1, 2); Zeta's: zed (2)
    assert listed.select("brand", "peer").rows() == [("Acme", "fan-b"), ("Zeta", "zed")]
    # fan-b's first answer p4 at 10 min: 600 s; zed's z1 and z2: (300 + 420) / 2
    assert listed["median_first_response_s"].to_list() == [600.0, 360.0]
    # the brands' lines count every peer's first answers, listed or not: Acme p1 and
    # p4 (2 contacts), Zeta z1, z2, z3 (3)
    levels = people.community_levels(listed)
    assert levels == people.community_levels(every)
    assert [(lv.brand, lv.peer_answered) for lv in levels] == [("Acme", 2), ("Zeta", 3)]
    assert levels[1].minutes_saved == 3 * config.minutes_per_contact
    shared = ["brand", "peer", "answers", "conversations_answered", "median_first_response_s"]
    assert (
        listed.select(shared).rows()
        == every.filter(pl.col("peer").is_in(["fan-b", "zed"])).select(shared).rows()
    )
