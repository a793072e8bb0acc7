"""The shared SQL macros (queries/_macros.sql and the ones generated from
dashboard/core/vocabulary.py), on hand-made rows and tiny logs, with DuckDB for real.
The expected numbers are worked out by hand in the comments."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard.core import vocabulary
from dashboard.core.config import Config, load_config
from dashboard.core.filters import Filters, query_params
from dashboard.core.vocabulary import FollowerBucket
from dashboard.data import connection, sql
from dashboard.data.rollup import daily, facts
from tests.conftest import at, message, write_rows

COUNTS = (
    "conversations_n",
    "answered_n",
    "within_target_n",
    "resolved_n",
    "resolved_proxy_n",
    "effortless_n",
    "mood_sentiment_sum",
    "mood_sentiment_n",
    "rated_n",
    "satisfied_n",
)


def summed_order(con: duckdb.DuckDBPyConnection) -> list[str]:
    """summed's output after the keys: every count (_n) of `days`, then every sum (_sum)."""
    names = con.sql("select * from days limit 0").columns
    return [c for c in names if c.endswith("_n")] + [c for c in names if c.endswith("_sum")]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """A bare connection with every macro installed (and nothing else)."""
    con = duckdb.connect(":memory:")
    con.execute("set TimeZone = 'UTC'")
    sql.install_macros(con)
    return con


def daily_rows(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Table `days`: brand, channel, switched_channel and the counts of daily_sums."""
    frame = pl.DataFrame(
        rows,
        schema={
            "brand": pl.String,
            "channel": pl.String,
            "switched_channel": pl.Boolean,
            **{c: pl.Float64 if c.endswith("_sum") else pl.Int64 for c in COUNTS},
        },
        orient="row",
    )
    con.register("incoming", frame.to_arrow())
    # every other sum of daily_sums is 0, except that every conversation is timed
    # (its speed measurable) and the products the index interval needs are left 0
    others = ", ".join(
        f"0::{'double' if c.endswith('_sum') else 'bigint'} as {c}"
        for c in daily_sums_columns()
        if c not in COUNTS and c != "timed_n"
    )
    con.execute(
        f"create table days as select *, conversations_n as timed_n, {others} from incoming"
    )
    con.unregister("incoming")


def daily_sums_columns() -> list[str]:
    """The count and sum columns of queries/model/daily_sums.sql, from DuckDB itself."""
    data = connection.connect_in_memory(Path("/nonexistent-chi-data"), load_config())
    names = data.sql("select * from daily_sums limit 0").columns
    return [c for c in names if c.endswith(("_n", "_sum"))]


# brand, channel, switched, conversations, answered, within target, resolved, by proxy,
# effortless, mood sentiment sum, with a mood sentiment, rated, satisfied
DAYS = [
    ("Acme", "twitter", True, 4, 3, 2, 2, 1, 3, 1.5, 3, 2, 1),
    ("Acme", "twitter", False, 6, 5, 4, 3, 2, 5, -0.5, 4, 1, 1),
    ("Acme", "email", False, 2, 1, 0, 1, 1, 2, 0.25, 1, 0, 0),
    ("Bolt", "twitter", False, 1, 1, 1, 1, 0, 1, 0.0, 1, 1, 1),
]


def test_summed_groups_by_the_keys_it_is_given_and_adds_up_every_count(con):
    daily_rows(con, DAYS)
    frame = con.sql(
        "with in_scope as (select * from days) "
        "select * from summed(in_scope, ['brand', 'channel']) order by brand, channel"
    ).pl()
    # switched_channel is not a key: it is dropped and its two Acme/twitter rows merge
    assert frame.columns == ["brand", "channel", *summed_order(con)]
    assert frame.select("brand", "channel", *COUNTS).rows() == [
        ("Acme", "email", 2, 1, 0, 1, 1, 2, 0.25, 1, 0, 0),
        # 4+6, 3+5, 2+4, 2+3, 1+2, 3+5, 1.5-0.5, 3+4, 2+1, 1+1
        ("Acme", "twitter", 10, 8, 6, 5, 3, 8, 1.0, 7, 3, 2),
        ("Bolt", "twitter", 1, 1, 1, 1, 0, 1, 0.0, 1, 1, 1),
    ]
    # whole numbers stay integers (DuckDB's sum of BIGINT would be a HUGEINT)
    assert frame.schema["conversations_n"] == pl.Int64
    assert frame.schema["mood_sentiment_sum"] == pl.Float64


def test_summed_keeps_a_key_the_scope_computed_and_ignores_other_columns(con):
    daily_rows(con, DAYS)
    frame = con.sql(
        "with in_scope as (select *, 'all' as brand_group, 42 as noise from days) "
        "select * from summed(in_scope, ['brand_group', 'switched_channel']) "
        "order by switched_channel"
    ).pl()
    assert frame.columns == ["switched_channel", "brand_group", *summed_order(con)]
    # single channel: 6+2+1 conversations, 5+1+1 answered; switched: the first row only
    assert frame.select("switched_channel", "conversations_n", "answered_n").rows() == [
        (False, 9, 7),
        (True, 4, 3),
    ]


WEIGHTS = {"mood": 0.30, "speed": 0.20, "resolution": 0.20, "effort": 0.10, "satisfaction": 0.20}


def scored_rows(con: duckdb.DuckDBPyConnection, weights: dict) -> dict[str, dict]:
    return {
        r["brand"]: r
        for r in con.sql(
            "with sums as (select * exclude (switched_channel) from days) "
            "select * from scored(sums, $weights)",
            params={"weights": weights},
        )
        .pl()
        .iter_rows(named=True)
    }


def test_scored_turns_the_sums_into_components_and_the_index(con):
    daily_rows(
        con,
        [
            ("Full", "twitter", False, 10, 8, 6, 5, 2, 8, 1.0, 4, 4, 3),
            ("Empty", "twitter", False, 0, 0, 0, 0, 0, 0, 0.0, 0, 0, 0),
            ("Unrated", "twitter", False, 2, 1, 0, 1, 1, 2, 0.0, 0, 0, 0),
        ],
    )
    rows = scored_rows(con, WEIGHTS)
    full = rows["Full"]
    # 8/10 answered; M = 50 x (1 + 1.0/4) = 62.5; R = 6/10; V = 5/10; E = 8/10; C = 3/4
    assert full["response_rate"] == pytest.approx(80.0)
    assert (full["mood"], full["speed"], full["resolution"]) == pytest.approx((62.5, 60, 50))
    assert (full["effort"], full["satisfaction"]) == pytest.approx((80.0, 75.0))
    # (0.3 x 62.5 + 0.2 x 60 + 0.2 x 50 + 0.1 x 80 + 0.2 x 75) / 1.0
    # = 18.75 + 12 + 10 + 8 + 15 = 63.75
    assert full["happiness_index"] == pytest.approx(63.75)
    # the sums pass through unchanged
    assert (full["conversations_n"], full["rated_n"]) == (10, 4)


def test_scored_gives_null_not_zero_for_an_empty_group(con):
    daily_rows(con, [("Empty", "twitter", False, 0, 0, 0, 0, 0, 0, 0.0, 0, 0, 0)])
    empty = scored_rows(con, WEIGHTS)["Empty"]
    for score in ("response_rate", *vocabulary.COMPONENTS, "happiness_index"):
        assert empty[score] is None, score


def test_a_component_without_data_drops_out_of_the_index_with_its_weight(con):
    daily_rows(con, [("Unrated", "twitter", False, 2, 1, 0, 1, 1, 2, 0.0, 0, 0, 0)])
    unrated = scored_rows(con, WEIGHTS)["Unrated"]
    # no mood sentiment and no rating: M and C are null; R = 0, V = 50, E = 100
    assert (unrated["mood"], unrated["satisfaction"]) == (None, None)
    assert (unrated["speed"], unrated["resolution"], unrated["effort"]) == (0.0, 50.0, 100.0)
    # (0.2 x 0 + 0.2 x 50 + 0.1 x 100) / (0.2 + 0.2 + 0.1) = 20 / 0.5 = 40
    assert unrated["happiness_index"] == pytest.approx(40.0)


def test_query_params_bind_the_config_weights_as_one_struct(con, config: Config):
    weights = query_params(Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 3)), config)["weights"]
    assert weights == WEIGHTS  # the packaged [weights]
    daily_rows(con, [("Unrated", "twitter", False, 2, 1, 0, 1, 1, 2, 0.0, 0, 0, 0)])
    heavy_effort = {**weights, "effort": 0.6}
    # (0.2 x 0 + 0.2 x 50 + 0.6 x 100) / (0.2 + 0.2 + 0.6) = 70 / 1.0 = 70
    assert scored_rows(con, heavy_effort)["Unrated"]["happiness_index"] == pytest.approx(70.0)


def test_in_selection_keeps_everything_for_empty_lists_and_only_the_listed_otherwise(con):
    daily_rows(con, DAYS)

    def kept(brands: list[str], channels: list[str]) -> list[tuple]:
        return con.sql(
            "select distinct brand, channel from days "
            "where in_selection(brand, channel, $brands, $channels) order by all",
            params={"brands": brands, "channels": channels},
        ).fetchall()

    everything = [("Acme", "email"), ("Acme", "twitter"), ("Bolt", "twitter")]
    assert kept([], []) == everything
    assert kept(["Acme"], []) == [("Acme", "email"), ("Acme", "twitter")]
    assert kept([], ["twitter"]) == [("Acme", "twitter"), ("Bolt", "twitter")]
    assert kept(["Bolt"], ["email"]) == []


def test_in_local_days_is_the_local_calendar_days_as_an_instant_range(con):
    def inside(utc: dt.datetime, day_from: dt.date, day_to: dt.date) -> bool:
        return con.execute(
            "select in_local_days($ts::timestamptz, 'Europe/Paris', $from, $to)",
            {"ts": utc, "from": day_from, "to": day_to},
        ).fetchall()[0][0]

    monday = dt.date(2025, 3, 3)  # Paris is on CET (UTC+1): the day is 23:00 to 23:00 UTC
    assert not inside(dt.datetime(2025, 3, 2, 22, 59, 59), monday, monday)
    assert inside(dt.datetime(2025, 3, 2, 23, 0), monday, monday)
    assert inside(dt.datetime(2025, 3, 3, 22, 59, 59), monday, monday)
    assert not inside(dt.datetime(2025, 3, 3, 23, 0), monday, monday)
    # 30 March 2025 has 23 hours: clocks go to CEST (UTC+2) at 02:00 local, so the day
    # runs from 29 March 23:00 UTC to 30 March 22:00 UTC
    short = dt.date(2025, 3, 30)
    assert inside(dt.datetime(2025, 3, 29, 23, 0), short, short)
    assert inside(dt.datetime(2025, 3, 30, 21, 59, 59), short, short)
    assert not inside(dt.datetime(2025, 3, 30, 22, 0), short, short)
    # both bounds included over a range of days
    assert inside(dt.datetime(2025, 3, 30, 21, 0), monday, short)


def test_follower_bucket_boundaries_on_a_tiny_log(make_db):
    # one conversation per follower count: the first inbound message's count decides
    counts = [None, 0, 99, 100, 999, 1000, 9999, 10000, 99999, 100000, 5_000_000]
    con = make_db(
        [
            message(f"c{i:02d}", "inbound", at(i), author_followers=followers)
            for i, followers in enumerate(counts)
        ]
    )
    rows = sql.run(con, "conversations").sort("conversation_id")
    assert rows["follower_bucket"].to_list() == [
        "unknown",  # null
        "<100",  # 0
        "<100",  # 99
        "100-1k",  # 100
        "100-1k",  # 999
        "1k-10k",  # 1000
        "1k-10k",  # 9999
        "10k-100k",  # 10000
        "10k-100k",  # 99999
        ">=100k",  # 100000
        ">=100k",  # 5,000,000
    ]


def test_follower_buckets_lists_every_bucket_smallest_audience_first(con):
    rows = con.sql("select * from follower_buckets() order by bucket_order").fetchall()
    assert rows == [
        ("<100", 1),
        ("100-1k", 2),
        ("1k-10k", 3),
        ("10k-100k", 4),
        (">=100k", 5),
        ("unknown", 6),
    ]
    assert [label for label, _ in rows] == list(vocabulary.FOLLOWER_BUCKETS)


def test_a_channel_without_a_target_gets_the_default_target(make_db, config: Config):
    # a config without a twitter target: the default 3,600 s applies
    no_twitter = dataclasses.replace(
        config, targets_s={k: v for k, v in config.targets_s.items() if k != "twitter"}
    )
    con = make_db(
        [
            message("fast", "inbound", at(0)),
            message("fast", "outbound", at(50)),  # 3,000 s <= 3,600 s
            message("slow", "inbound", at(0)),
            message("slow", "outbound", at(70)),  # 4,200 s > 3,600 s
        ],
        cfg=no_twitter,
    )
    rows = {r["conversation_id"]: r for r in sql.run(con, "conversations").iter_rows(named=True)}
    assert rows["fast"]["target_s"] == rows["slow"]["target_s"] == vocabulary.DEFAULT_TARGET_S
    assert (rows["fast"]["within_target"], rows["slow"]["within_target"]) == (True, False)


def test_changing_a_follower_bucket_changes_the_rollup_versions_and_the_buckets(
    tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
):
    data_dir = tmp_path / "data"
    write_rows(data_dir, "interactions", [message("c1", "inbound", at(0), author_followers=150)])

    def bucket() -> str:
        return sql.run(connection.connect(data_dir, config), "conversations")["follower_bucket"][0]

    assert bucket() == "100-1k"
    version, rules = facts.version(), daily.rules(config)
    two = (
        FollowerBucket("<200", 200, "fewer than 200 followers"),
        FollowerBucket(">=200", None, "200 or more followers"),
    )
    monkeypatch.setattr(vocabulary, "FOLLOWER_BUCKET_TABLE", two)
    monkeypatch.setattr(vocabulary, "FOLLOWER_BUCKETS", ("<200", ">=200", "unknown"))
    # the stored rollup was built with the old buckets: both versions move on, so it is
    # rebuilt (or recomputed) instead of being read as it is
    assert facts.version() != version
    assert daily.rules(config) != rules
    assert bucket() == "<200"


def test_summed_adds_up_a_count_or_sum_it_was_never_told_about(con):
    # a metric added to daily_sums later (here escalated_n, wait_s_sum) needs no macro edit
    con.execute(
        "create table new_days as select * from (values "
        "('Acme', 2::bigint, 1::bigint, 30.5), ('Acme', 3::bigint, 0::bigint, 9.5), "
        "('Bolt', 1::bigint, 1::bigint, 4.0)) t(brand, conversations_n, escalated_n, wait_s_sum)"
    )
    frame = con.sql("select * from summed(new_days, ['brand']) order by brand").pl()
    assert frame.columns == ["brand", "conversations_n", "escalated_n", "wait_s_sum"]
    # Acme: 2+3 conversations, 1+0 escalated, 30.5+9.5 s waited
    assert frame.rows() == [("Acme", 5, 1, 40.0), ("Bolt", 1, 1, 4.0)]


def test_in_days_includes_both_ends_of_the_range(con):
    rows = con.sql(
        "select d, in_days(d, date '2025-03-01', date '2025-03-03') from (values "
        "(date '2025-02-28'), (date '2025-03-01'), (date '2025-03-03'), (date '2025-03-04')"
        ") t(d) order by d"
    ).fetchall()
    assert [inside for _, inside in rows] == [False, True, True, False]
