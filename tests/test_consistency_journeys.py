"""Cross-channel journeys: share of conversations that switch channel, their index
against single-channel conversations, and the channel paths, on a hand-made log."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dashboard.core.filters import Filters
from dashboard.views import consistency
from tests.conftest import at, message

MARCH = Filters(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def journeys_log() -> list[dict]:
    """Six conversations of Acme (no sentiment, no ratings):

    j1, j2  twitter -> email: reply on twitter after 10 min ("please email us"),
            then the customer writes by email and gets an email answer
    j3      chat -> phone: the brand calls back 1 min after a chat message
    s1..s3  twitter only: answered after 30 min, after 2 h, never
    o1      a brand post with no customer message: not a conversation
    """
    rows = []
    for cid in ("j1", "j2"):
        rows += [
            message(cid, "inbound", at(0)),
            message(cid, "outbound", at(10)),
            message(cid, "inbound", at(60), channel="email"),
            message(cid, "outbound", at(120), channel="email"),
        ]
    rows += [
        message("j3", "inbound", at(0), channel="chat"),
        message("j3", "outbound", at(1), channel="phone"),
    ]
    rows += [
        message("s1", "inbound", at(0)),
        message("s1", "outbound", at(30)),
        message("s2", "inbound", at(0)),
        message("s2", "outbound", at(120)),
        message("s3", "inbound", at(200)),
    ]
    rows += [
        message("o1", "outbound", at(5), channel="facebook"),
        message("o1", "outbound", at(6), channel="email"),
    ]
    return rows


def test_share_switched_and_index_of_each_group(make_db, config):
    summary = consistency.switch_summary(make_db(journeys_log()), config, MARCH)
    # 3 of the 6 conversations used more than one channel (o1 has no inbound message)
    assert (summary.conversations, summary.switched) == (6, 3)
    assert summary.share_switched_pct == 50.0
    # switched: all within target (10 min on twitter, 60 s on chat), all resolved,
    # none effortless -> (0.2 x 100 + 0.2 x 100 + 0.1 x 0) / 0.5 = 80
    assert summary.index_switched == pytest.approx(80.0)
    # single: within 1 of 3, resolved 2 of 3 (s3 never answered), effortless 3 of 3
    # -> (0.2 x 33.33 + 0.2 x 66.67 + 0.1 x 100) / 0.5 = 30 / 0.5 = 60
    assert summary.index_single == pytest.approx(60.0)
    assert summary.difference == pytest.approx(20.0)


def test_channel_path_lists_channels_in_order_of_first_appearance(make_db):
    paths = consistency.channel_paths(make_db(journeys_log()), MARCH)
    counts = dict(zip(paths["path"].to_list(), paths["conversations"].to_list(), strict=True))
    # a brand reply on another channel counts (chat -> phone); the post o1 is not there
    assert counts == {"twitter": 3, "twitter -> email": 2, "chat -> phone": 1}


def test_top_paths_keep_multi_channel_paths_most_common_first(make_db):
    top = consistency.top_paths(make_db(journeys_log()), MARCH, limit=10)
    assert top["path"].to_list() == ["twitter -> email", "chat -> phone"]
    # of all 6 conversations: 2/6 and 1/6; of the 3 switched ones: 2/3 and 1/3
    assert top["share_pct"].to_list() == pytest.approx([100 * 2 / 6, 100 / 6])
    assert top["share_of_switched_pct"].to_list() == pytest.approx([100 * 2 / 3, 100 / 3])


def test_same_time_messages_order_inbound_first(make_db):
    # the brand's email and the customer's tweet carry the same timestamp: the
    # customer's message comes first, so the path starts on twitter
    rows = [message("x", "outbound", at(0), channel="email"), message("x", "inbound", at(0))]
    paths = consistency.channel_paths(make_db(rows), MARCH)
    assert paths["path"].to_list() == ["twitter -> email"]


def test_journeys_are_split_per_brand(make_db, config):
    rows = [*journeys_log(), message("z", "inbound", at(0), brand="Zeta")]
    per_brand = consistency.journeys_by_brand(make_db(rows), config, MARCH)
    acme, zeta = per_brand.iter_rows(named=True)
    assert (acme["brand"], acme["switched_n"], acme["single_n"]) == ("Acme", 3, 3)
    assert acme["difference"] == pytest.approx(20.0)
    # Zeta never switched: 0 switched, no index for that group
    assert (zeta["switched_n"], zeta["switched_pct"], zeta["index_switched"]) == (0, 0.0, None)


def test_entry_channel_filter_keeps_whole_journeys(make_db, config):
    # filtering on twitter keeps j1, j2 (entered on twitter) with their email part
    twitter = dataclasses.replace(MARCH, channels=("twitter",))
    con = make_db(journeys_log())
    top = consistency.top_paths(con, twitter)
    assert top["path"].to_list() == ["twitter -> email"]
    summary = consistency.switch_summary(con, config, twitter)
    assert (summary.conversations, summary.switched) == (5, 2)


def test_no_conversations_give_an_empty_summary(make_db, config):
    empty = Filters(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    con = make_db(journeys_log())
    summary = consistency.switch_summary(con, config, empty)
    assert summary.conversations == 0 and summary.share_switched_pct is None
    assert consistency.top_paths(con, empty).is_empty()
