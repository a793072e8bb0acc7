"""The happiness index, its components, what moved it and the drill-down, on a
hand-made log that exercises every edge case of docs/METRICS.md.

The log (brand Acme; T0 = Mon 3 Mar 2025 09:00 UTC):

| conv.        | entry   | 1st resp.  | within | dropped | resolved    | effortless | mood | csat |
|--------------|---------|------------|--------|---------|-------------|------------|------|------|
| promo        | (brand post only: no inbound message, not a conversation)                    |
| early        | twitter | 5400 s (1) | no     | no      | yes (proxy) | yes        | -0.5 |      |
| sametime     | chat    | 180 s (2)  | yes    | no      | yes (proxy) | yes        | -0.6 | 4    |
| silent       | email   | none       | no     | no      | no (proxy)  | yes        | none |      |
| switch       | twitter | 1200 s     | yes    | no      | yes (flag)  | no (3)     | 0.1  | 2    |
| ghosted      | twitter | 600 s      | yes    | yes (4) | no (proxy)  | yes        | 0.3  |      |
| midnight (5) | twitter | 2400 s     | yes    | no      | yes (proxy) | yes        | 0.5  | 5    |

(1) the brand's tweet before the customer's first message is not a response.
(2) two customer messages and a brand message share the first second: the brand
    message is not "strictly after", and mood is the later customer message by id (s2).
(3) starts on twitter, continues by email: counted under twitter, not effortless.
(4) the customer's last message has no sentiment after a positive brand reply: not
    positive, so dropped (the brand reply's sentiment must not be used).
(5) starts Mon 31 Mar 23:30 UTC (= Tue 1 Apr 01:30 in Paris), answered on 1 April:
    March in UTC, April in Europe/Paris.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from dashboard.core.filters import Filters
from dashboard.data import sql
from dashboard.views import happiness
from tests.conftest import at, message

MARCH = Filters(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
MIDNIGHT = dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC)
PARIS = "Europe/Paris"


def edge_log() -> list[dict]:
    return [
        message("promo", "outbound", at(0)),
        message("early", "outbound", at(0)),
        message("early", "inbound", at(10), sentiment=-0.5),
        message("early", "outbound", at(100)),
        message("sametime", "inbound", at(0), channel="chat", interaction_id="s1", sentiment=0.2),
        message("sametime", "inbound", at(0), channel="chat", interaction_id="s2", sentiment=-0.6),
        message("sametime", "outbound", at(0), channel="chat", interaction_id="s0"),
        message("sametime", "outbound", at(3), channel="chat", interaction_id="s3", csat=4),
        message("silent", "inbound", at(0), channel="email"),
        message("switch", "inbound", at(0), sentiment=-0.3),
        message("switch", "outbound", at(20)),
        message("switch", "inbound", at(30), channel="email", sentiment=0.1),
        message("switch", "outbound", at(120), channel="email", resolved=True, csat=2),
        message("ghosted", "inbound", at(0), sentiment=0.3),
        message("ghosted", "outbound", at(10), sentiment=0.9),
        message("ghosted", "inbound", at(20)),
        message("midnight", "inbound", MIDNIGHT, sentiment=0.5),
        message("midnight", "outbound", MIDNIGHT + dt.timedelta(minutes=40), csat=5),
    ]


@pytest.fixture
def con(make_db):
    return make_db(edge_log())


def only(frame: pl.DataFrame, **match: object) -> dict:
    for column, value in match.items():
        frame = frame.filter(pl.col(column) == value)
    assert frame.height == 1, f"expected one row for {match}, got {frame.height}"
    return frame.row(0, named=True)


def test_every_conversation_metric_of_the_edge_log(con):
    rows = {r["conversation_id"]: r for r in sql.run(con, "conversations").iter_rows(named=True)}
    assert sorted(rows) == ["early", "ghosted", "midnight", "sametime", "silent", "switch"]
    got = {
        cid: (
            r["channel"],
            r["first_response_s"],
            r["within_target"],
            r["dropped"],
            r["resolved"],
            r["resolved_is_proxy"],
            r["effortless"],
            r["mood_sentiment"],
            r["csat"],
        )
        for cid, r in rows.items()
    }
    assert got == {
        "early": ("twitter", 5400.0, False, False, True, True, True, -0.5, None),
        "sametime": ("chat", 180.0, True, False, True, True, True, -0.6, 4),
        "silent": ("email", None, False, False, False, True, True, None, None),
        "switch": ("twitter", 1200.0, True, False, True, False, False, 0.1, 2),
        "ghosted": ("twitter", 600.0, True, True, False, True, True, 0.3, None),
        "midnight": ("twitter", 2400.0, True, False, True, True, True, 0.5, 5),
    }


def test_month_index_is_the_weighted_mean_of_the_five_components(con, config):
    row = only(happiness.by_period(con, config, MARCH, "month", "brand"), brand="Acme")
    assert (row["period_start"], row["channel"], row["conversations"]) == (
        dt.date(2025, 3, 1),
        None,  # not split by channel: null, never a name a channel could have
        6,
    )
    # mood: (-0.5 - 0.6 + 0.1 + 0.3 + 0.5) / 5 = -0.04 -> 50 x 0.96
    assert row["mood"] == pytest.approx(48.0)
    assert row["speed"] == pytest.approx(100 * 4 / 6)  # sametime, switch, ghosted, midnight
    assert row["resolution"] == pytest.approx(100 * 4 / 6)  # all but silent and ghosted
    assert row["effort"] == pytest.approx(100 * 5 / 6)  # all but switch
    assert row["satisfaction"] == pytest.approx(100 * 2 / 3)  # csat 4, 2, 5
    # 0.3 x 48 + 0.2 x 66.67 x 3 + 0.1 x 83.33 = 14.4 + 40 + 8.333
    assert row["happiness_index"] == pytest.approx(62.7333333)


def test_display_time_zone_moves_the_midnight_conversation_into_april(con, config):
    paris = Filters(dt.date(2025, 3, 1), dt.date(2025, 4, 30), tz=PARIS)
    frame = happiness.by_period(con, config, paris, "month", "brand")
    march = only(frame, period_start=dt.date(2025, 3, 1))
    april = only(frame, period_start=dt.date(2025, 4, 1))
    assert (march["conversations"], april["conversations"]) == (5, 1)
    # March: mood (-0.5 - 0.6 + 0.1 + 0.3) / 4 = -0.175 -> 41.25; speed 3/5; resolution 3/5;
    # effort 4/5; satisfaction 1 of 2 rated -> 12.375 + 12 + 12 + 8 + 10
    assert march["happiness_index"] == pytest.approx(54.375)
    # April: mood 0.5 -> 75, every share 100 -> 0.3 x 75 + 0.7 x 100
    assert april["happiness_index"] == pytest.approx(92.5)


def test_a_conversation_counts_in_the_period_of_its_first_customer_message(con, config):
    # midnight is answered on 1 April but starts on 31 March (UTC)
    frame = happiness.by_period(
        con, config, Filters(dt.date(2025, 4, 1), dt.date(2025, 4, 30)), "month", "brand"
    )
    assert frame.is_empty()


def test_week_grain_starts_weeks_on_monday(con, config):
    frame = happiness.by_period(con, config, MARCH, "week", "brand")
    assert frame.select("period_start", "conversations").rows() == [
        (dt.date(2025, 3, 3), 5),
        (dt.date(2025, 3, 31), 1),
    ]


def test_component_without_data_is_null_and_drops_out_of_the_index(con, config):
    frame = happiness.by_period(con, config, MARCH, "all", "channel")
    email = only(frame, channel="email")
    assert (email["brand"], email["conversations"]) == (None, 1)
    assert email["mood"] is None  # no sentiment at all
    assert email["satisfaction"] is None  # nobody rated
    # speed 0, resolution 0, effort 100 over weights 0.2 + 0.2 + 0.1
    assert email["happiness_index"] == pytest.approx(10 / 0.5)
    twitter = only(frame, channel="twitter")
    # mood (-0.5 + 0.1 + 0.3 + 0.5) / 4 = 0.1 -> 55; speed, resolution, effort 3/4; csat 2, 5
    assert twitter["happiness_index"] == pytest.approx(16.5 + 15 + 15 + 7.5 + 10)
    assert only(frame, channel="chat")["happiness_index"] == pytest.approx(0.3 * 20 + 0.7 * 100)


def test_groups_under_min_n_are_flagged(con, config):
    frame = happiness.by_period(con, dataclasses.replace(config, min_n=2), MARCH, "all", "channel")
    flags = dict(frame.select("channel", "below_min_n").rows())
    assert flags == {"chat": True, "email": True, "twitter": False}
    assert "2 of 3 points have fewer than 2" in happiness.thin_note(frame, 2)


def test_by_brand_and_channel_names_each_line(con, config):
    frame = happiness.by_period(con, config, MARCH, "all", "brand,channel")
    assert frame["group"].to_list() == ["Acme · chat", "Acme · email", "Acme · twitter"]


def test_decomposition_sums_exactly_to_the_change_when_a_component_disappears(config):
    now = {"mood": 60.0, "speed": 50.0, "resolution": 40.0, "effort": 100.0, "satisfaction": None}
    before = {
        "mood": 50.0,
        "speed": 50.0,
        "resolution": 40.0,
        "effort": 100.0,
        "satisfaction": 80.0,
    }
    # now: (18 + 10 + 8 + 10) / 0.8 = 57.5; before: (15 + 10 + 8 + 10 + 16) / 1.0 = 59
    parts, availability = happiness.decompose(now, before, 57.5, 59.0, config.weights)
    points = {p.component: p.points for p in parts}
    # over the four shared components (weights 0.8): mood 0.3 x 10 / 0.8
    assert points == pytest.approx(
        {"mood": 3.75, "speed": 0.0, "resolution": 0.0, "effort": 0.0, "satisfaction": 0.0}
    )
    assert availability == pytest.approx(-1.5 - 3.75)
    assert sum(points.values()) + availability == pytest.approx(57.5 - 59.0)


def test_what_moved_has_no_change_when_a_period_is_under_min_n(con, config):
    april = Filters(dt.date(2025, 4, 1), dt.date(2025, 4, 30), tz=PARIS)
    moved = happiness.what_moved(con, config, april)  # min n 20: 1 and 5 conversations
    assert (moved.index_now, moved.change) == (pytest.approx(92.5), None)
    assert all(p.points == 0.0 for p in moved.contributions)
    assert happiness.moved_summary(moved).startswith(
        "Not enough data to compare: 1 conversation now"
    )


def test_what_moved_splits_the_change_into_component_contributions(con, config):
    april = Filters(dt.date(2025, 4, 1), dt.date(2025, 4, 30), tz=PARIS)
    # min n 1: the tiny log's 1 and 5 conversations may be compared
    moved = happiness.what_moved(con, dataclasses.replace(config, min_n=1), april)
    # the previous 30 days, 2-31 March in Paris, hold the other five conversations
    assert (moved.before.date_from, moved.n_before, moved.n_now) == (dt.date(2025, 3, 2), 5, 1)
    assert moved.change == pytest.approx(92.5 - 54.375)
    points = {p.component: p.points for p in moved.contributions}
    # every component exists in both periods, weights sum to 1: w x (now - before)
    assert points == pytest.approx(
        {
            "mood": 0.3 * (75 - 41.25),
            "speed": 0.2 * 40,
            "resolution": 0.2 * 40,
            "effort": 0.1 * 20,
            "satisfaction": 0.2 * 50,
        }
    )
    assert moved.availability == pytest.approx(0.0)
    assert "rose 38.1 points" in happiness.moved_summary(moved)


def test_what_moved_without_a_previous_period_explains_itself(con, config):
    moved = happiness.what_moved(con, config, MARCH)  # nothing in February
    assert moved.change is None
    assert moved.contributions[0].now == pytest.approx(48.0)
    assert "no index for the previous period" in happiness.moved_summary(moved)


def test_how_computed_shows_live_weights_values_and_the_resolution_rule(con, config):
    weights = dict(config.weights, effort=0.5)
    how = happiness.how_computed(con, dataclasses.replace(config, weights=weights), MARCH)
    assert how.conversations == 6
    assert [(r.symbol, r.weight) for r in how.rows] == [
        ("M", 0.3),
        ("R", 0.2),
        ("V", 0.2),
        ("E", 0.5),
        ("C", 0.2),
    ]
    assert how.rows[4].basis == "2 of 3 rated conversations rated 4 or 5"
    # (14.4 + 0.2 x 66.67 x 3 + 0.5 x 83.33) / 1.4
    assert how.index == pytest.approx((14.4 + 40 + 0.5 * 500 / 6) / 1.4)
    assert "0.50\\,E" in how.formula_latex()
    assert how.substituted_latex().endswith(f"= {how.index:.1f}")
    assert how.resolution_rule.startswith("explicit resolved flags for 1 conversation,")


def test_drilldown_lists_exactly_the_conversations_behind_each_point(con, config):
    frame = happiness.by_period(con, config, MARCH, "week", "brand,channel")
    for point in happiness.drill_points(frame):
        rows, total = happiness.drilldown_conversations(con, MARCH, "week", point)
        assert total == rows.height == point.conversations, point.label


def test_drilldown_is_newest_first_and_limited_with_the_full_count(con, config):
    frame = happiness.by_period(con, config, MARCH, "month", "brand")
    point = happiness.drill_points(frame)[0]
    rows, total = happiness.drilldown_conversations(con, MARCH, "month", point, limit=2)
    assert total == 6
    assert rows["conversation_id"].to_list() == ["midnight", "early"]


def test_drilldown_respects_the_display_time_zone(con, config):
    paris = Filters(dt.date(2025, 3, 1), dt.date(2025, 4, 30), tz=PARIS)
    point = happiness.DrillPoint(dt.date(2025, 4, 1), "Acme", None, 1, 92.5)
    rows, total = happiness.drilldown_conversations(con, paris, "month", point)
    assert (total, rows["conversation_id"].to_list()) == (1, ["midnight"])
    assert rows["first_inbound_local"][0] == dt.datetime(2025, 4, 1, 1, 30)


def test_messages_come_in_the_order_the_metrics_read_them(con):
    frame = happiness.conversation_messages(con, "Acme", "sametime", "UTC")
    # same second: customer messages first (by id), then the brand's
    assert frame["interaction_id"].to_list() == ["s1", "s2", "s0", "s3"]
    assert frame["direction"].to_list() == ["inbound", "inbound", "outbound", "outbound"]


def test_what_moved_carries_the_same_how_computed_as_its_own_view(con, config):
    # the page's formula panel reads what_moved(...).how instead of a second query
    assert happiness.what_moved(con, config, MARCH).how == happiness.how_computed(
        con, config, MARCH
    )
