"""Per-conversation metrics, each on a hand-made log.

They read the model's `conversations` table exactly as connection.connect builds it for
every page (queries/model/conversation_facts.sql, then queries/model/conversations.sql);
tests/test_rollups.py proves the stored rollup equal to the model computed in memory."""

from __future__ import annotations

import polars as pl

from tests.conftest import at, message


def conversations(con) -> pl.DataFrame:
    return con.table("conversations").pl()


def conversation(con, conversation_id: str) -> dict:
    frame = conversations(con).filter(pl.col("conversation_id") == conversation_id)
    assert frame.height == 1, f"expected one row for {conversation_id}"
    return frame.row(0, named=True)


def test_first_response_is_seconds_to_first_brand_reply(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0)),
            message("c1", "outbound", at(30)),
            message("c1", "outbound", at(45)),
        ]
    )
    row = conversation(con, "c1")
    assert row["first_response_s"] == 1800.0
    assert row["answered"] is True
    assert row["within_target"] is True  # twitter target 3600 s


def test_conversation_without_inbound_message_is_not_counted(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0)),
            message("broadcast", "outbound", at(5)),
        ]
    )
    assert conversations(con)["conversation_id"].to_list() == ["c1"]


def test_outbound_before_any_inbound_is_not_a_response(make_db):
    con = make_db(
        [
            message("c1", "outbound", at(0)),
            message("c1", "inbound", at(10)),
            message("c1", "outbound", at(100)),
        ]
    )
    assert conversation(con, "c1")["first_response_s"] == 90 * 60


def test_reply_at_the_same_second_as_the_question_does_not_count(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0)),
            message("c1", "outbound", at(0)),
        ]
    )
    row = conversation(con, "c1")
    assert row["answered"] is False
    assert row["first_response_s"] is None


def test_slow_answer_is_answered_but_not_within_target(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0), channel="chat"),
            message("c1", "outbound", at(6), channel="chat"),
        ]
    )
    row = conversation(con, "c1")
    assert (row["answered"], row["within_target"], row["target_s"]) == (True, False, 300.0)


def test_peer_answer_counts_only_on_community(make_db):
    con = make_db(
        [
            message("forum", "inbound", at(0), channel="community"),
            message("forum", "peer", at(20), channel="community"),
            message("tweet", "inbound", at(0)),
            message("tweet", "peer", at(20)),
        ]
    )
    assert conversation(con, "forum")["first_response_s"] == 1200.0
    assert conversation(con, "tweet")["answered"] is False


def test_dropped_conversation_is_not_resolved(make_db):
    # the customer's last word is negative and unanswered for 2 h, past the 1 h target
    # (the newest timestamp in the data is the other conversation's message at 180 min)
    con = make_db(
        [
            message("c1", "inbound", at(0)),
            message("c1", "outbound", at(10)),
            message("c1", "inbound", at(60), sentiment=-0.4),
            message("later", "inbound", at(180)),
        ]
    )
    row = conversation(con, "c1")
    assert row["dropped"] is True
    assert row["resolved"] is False
    assert row["resolved_is_proxy"] is True


def test_positive_last_word_is_not_dropped(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0)),
            message("c1", "outbound", at(10)),
            message("c1", "inbound", at(60), sentiment=0.6),
            message("later", "inbound", at(180)),
        ]
    )
    row = conversation(con, "c1")
    assert (row["dropped"], row["resolved"]) == (False, True)


def test_explicit_resolved_flag_beats_the_proxy(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0)),
            message("c1", "outbound", at(10), resolved=False),
            message("c2", "inbound", at(0)),
            message("c2", "outbound", at(10), resolved=True),
            # a thank-you after the resolving message keeps it resolved
            message("c2", "inbound", at(11), resolved=False, sentiment=0.6),
        ]
    )
    assert (conversation(con, "c1")["resolved"], conversation(con, "c1")["resolved_is_proxy"]) == (
        False,
        False,
    )
    assert conversation(con, "c2")["resolved"] is True
    assert conversation(con, "c2")["reopened"] is False


def test_customer_complaining_after_resolution_reopens_the_case(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0)),
            message("c1", "outbound", at(10), resolved=True),
            message("c1", "inbound", at(20), sentiment=-0.4),  # "still broken"
            message("c2", "inbound", at(0)),
            message("c2", "outbound", at(10), resolved=True),
            message("c2", "inbound", at(20)),  # no sentiment: not positive
            # c3 reopened, then resolved again: the last resolving message counts
            message("c3", "inbound", at(0)),
            message("c3", "outbound", at(10), resolved=True),
            message("c3", "inbound", at(20), sentiment=-0.5),
            message("c3", "outbound", at(30), resolved=True),
        ]
    )
    for cid in ("c1", "c2"):
        row = conversation(con, cid)
        assert (row["marked_resolved"], row["reopened"], row["resolved"]) == (True, True, False)
    row = conversation(con, "c3")
    assert (row["marked_resolved"], row["reopened"], row["resolved"]) == (True, False, True)


def test_ever_resolved_rule_counts_a_reopened_case_as_resolved(make_db, config):
    from dataclasses import replace

    con = make_db(
        [
            message("c1", "inbound", at(0)),
            message("c1", "outbound", at(10), resolved=True),
            message("c1", "inbound", at(20), sentiment=-0.4),
        ],
        cfg=replace(config, resolution_rule="ever_resolved"),
    )
    row = conversation(con, "c1")
    assert (row["reopened"], row["resolved"]) == (True, True)


def test_unknown_opening_time_leaves_speed_unmeasured_but_answered(make_db):
    con = make_db(
        [
            # a ticket whose creation time the source lacks (time_known = false)
            message("c1", "inbound", at(60), time_known=False),
            message("c1", "outbound", at(60)),
            message("c2", "inbound", at(0), time_known=True),
            message("c2", "outbound", at(30)),
            message("c3", "inbound", at(0), time_known=False),  # never answered
        ]
    )
    row = conversation(con, "c1")
    assert (row["answered"], row["first_response_s"], row["within_target"]) == (True, None, None)
    assert conversation(con, "c2")["first_response_s"] == 1800.0
    row = conversation(con, "c3")
    assert (row["answered"], row["within_target"]) == (False, False)


def test_sentiment_lift_is_last_minus_first_customer_sentiment(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0), sentiment=-0.5),
            message("c1", "outbound", at(10)),
            message("c1", "inbound", at(20)),  # no sentiment: skipped
            message("c1", "inbound", at(30), sentiment=0.3),
            message("c2", "inbound", at(0), sentiment=-0.5),  # one message: no lift
        ]
    )
    assert conversation(con, "c1")["sentiment_lift"] == 0.8  # 0.3 - (-0.5)
    assert conversation(con, "c2")["sentiment_lift"] is None


def test_entry_channel_and_switching(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0), channel="twitter"),
            message("c1", "outbound", at(5), channel="twitter"),
            message("c1", "inbound", at(6), channel="email"),
        ]
    )
    row = conversation(con, "c1")
    assert row["channel"] == "twitter"
    assert row["switched_channel"] is True
    assert row["effortless"] is False


def test_three_inbound_messages_are_not_effortless(make_db):
    con = make_db(
        [message("c1", "inbound", at(m)) for m in (0, 1, 2)]
        + [message("c2", "inbound", at(m)) for m in (0, 1)]
    )
    assert conversation(con, "c1")["effortless"] is False
    assert conversation(con, "c2")["effortless"] is True


def test_mood_is_last_inbound_sentiment_and_csat_last_rating(make_db):
    con = make_db(
        [
            message("c1", "inbound", at(0), sentiment=-0.8, author_followers=12000),
            message("c1", "outbound", at(1), csat=2),
            message("c1", "inbound", at(2), sentiment=0.4),
            message("c1", "inbound", at(3)),
            message("c1", "outbound", at(4), csat=5),
        ]
    )
    row = conversation(con, "c1")
    assert row["mood_sentiment"] == 0.4
    assert row["csat"] == 5
    assert (row["followers"], row["follower_bucket"]) == (12000, "10k-100k")


def test_inbound_before_outbound_at_equal_timestamps(make_db):
    # both at minute 10: the brand reply is ordered after the customer's message,
    # so the brand had the last word and nothing is dropped
    con = make_db(
        [
            message("c1", "inbound", at(0)),
            message("c1", "outbound", at(10), interaction_id="a"),
            message("c1", "inbound", at(10), interaction_id="b", sentiment=-0.9),
            message("later", "inbound", at(300)),
        ]
    )
    assert conversation(con, "c1")["dropped"] is False
