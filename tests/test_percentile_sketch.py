"""The response-time sketch (docs/METRICS.md, "Percentiles"): the bucket tables of the
daily rollup per local month and per local day (queries/model/response_time_buckets.sql,
response_time_day_buckets.sql and the agents' two), the rows a selection reads from
them (sketch_rows: whole months from the month grain, edge days from the day grain) and
the quantiles read from those (sketch_quantiles in queries/_macros.sql), DuckDB for
real: hand-made logs with the buckets worked out by hand, property tests against the
exact quantile_disc / quantile_cont and against the day grain alone, the rollup's month
files and rebuilds.

Worked numbers use alpha = 0.1 (round figures): gamma = (1 + 0.1) / (1 - 0.1) = 11/9,
ln gamma = 0.200671; bucket k = ceil(ln x / ln gamma) holds gamma^(k-1) < x <= gamma^k
and reports 2 gamma^k / (gamma + 1) = (1 - alpha) gamma^k = 0.9 x (11/9)^k.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.config import Config, ConfigError, load_config
from dashboard.core.filters import Filters
from dashboard.data import raw, rollup, sql
from dashboard.data.rollup import daily, facts
from tests.conftest import at, message
from tests.test_rollups import message as raw_message
from tests.test_rollups import write

ALPHA_10 = dataclasses.replace(load_config(), percentile_relative_accuracy=0.1, min_n=1)
DAY = Filters(dt.date(2025, 3, 3), dt.date(2025, 3, 3))


def replies_after(seconds: list[float], agent: str | None = None) -> list[dict]:
    """One twitter conversation per delay: an inbound message at T0, the reply after it."""
    rows = []
    for i, s in enumerate(seconds):
        rows += [
            message(f"c{i}", "inbound", at(0)),
            message(f"c{i}", "outbound", at(s / 60), agent_id=agent),
        ]
    return rows


HAND_LOG = [1.0, 10.0, 60.0, 600.0]
# bucket of each, by hand (ln x / 0.200671, rounded up):
#   1 s:   ln 1 = 0        -> k = 0,  reports 0.9 x 1              = 0.9
#   10 s:  2.302585 / ...  = 11.47 -> k = 12, reports 0.9 x 11.11225 = 10.0010
#   60 s:  4.094345 / ...  = 20.40 -> k = 21, reports 0.9 x 67.63223 = 60.8690
#   600 s: 6.396930 / ...  = 31.88 -> k = 32, reports 0.9 x 614.9016 = 553.4114


def test_each_response_lands_in_its_log_spaced_bucket(make_db):
    con = make_db(replies_after(HAND_LOG), cfg=ALPHA_10)
    rows = con.sql(
        "select bucket_index, responses_n from response_time_buckets "
        "where tz = 'UTC' order by bucket_index nulls first"
    ).fetchall()
    assert rows == [(0, 1), (12, 1), (21, 1), (32, 1)]
    values = con.sql(
        "select sketch_value_s(bucket_index, gamma) from response_time_buckets, "
        "percentile_sketch order by bucket_index nulls first"
    ).fetchall()
    assert [v for (v,) in values] == pytest.approx([0.9, 10.0010, 60.8690, 553.4114], abs=1e-4)


def test_a_reply_of_zero_seconds_is_the_zero_bucket_and_reports_zero():
    # (a stored reply is never at its inbound message's instant, so straight to the model
    # query: one conversation answered after 0 s, one after 1 s)
    con = sketch_connection(ALPHA_10, [0.0, 1.0])
    rows = con.sql(
        "select bucket_index, responses_n from response_time_buckets order by 1 nulls first"
    ).fetchall()
    assert rows == [(None, 1), (0, 1)]
    # n = 2: rank 1 (level 0.25) is the zero bucket, reported as 0 exactly
    disc = con.sql("select disc_s from sketch_quantiles(response_time_buckets, ['brand'], [0.25])")
    assert disc.fetchall() == [([0.0],)]


def test_the_median_and_p90_of_a_hand_made_log_come_from_its_buckets(make_db):
    con = make_db(replies_after(HAND_LOG), cfg=ALPHA_10)
    [row] = sql.run(con, "consistency_by_channel", **query(ALPHA_10)).iter_rows(named=True)
    # n = 4, quantile_cont: the median at (4 - 1) x 0.5 = 1.5, between ranks 2 and 3:
    # 10.0010 + 0.5 x (60.8690 - 10.0010) = 35.4350 (exact 35)
    assert row["median_first_response_s"] == pytest.approx(35.4350, abs=1e-4)
    # p90 at (4 - 1) x 0.9 = 2.7: ranks 3 and 4, 60.8690 + 0.7 x (553.4114 - 60.8690)
    # = 405.6487 (exact 60 + 0.7 x 540 = 438: 7.4 % off, within alpha = 10 %)
    assert row["p90_first_response_s"] == pytest.approx(405.6487, abs=1e-4)


def test_an_order_statistic_is_the_value_of_the_bucket_its_rank_reaches(make_db):
    con = make_db(replies_after(HAND_LOG), cfg=ALPHA_10)
    # quantile_disc's rank max(1, ceil(n q)) of n = 4: 0.1 -> 1 (k = 0: 0.9), 0.3 -> 2
    # (k = 12: 10.0010), 0.9 -> ceil(3.6) = 4 (k = 32: 553.4114)
    stats = sql.run(
        con, "response_time_order_statistics", **query(ALPHA_10), quantiles=[0.1, 0.3, 0.9]
    )
    assert stats["values_s"].to_list() == [pytest.approx([0.9, 10.0010, 553.4114], abs=1e-4)]
    # nothing in scope: one row, no values
    empty = dict(query(ALPHA_10), date_from=dt.date(2030, 1, 1), date_to=dt.date(2030, 1, 1))
    nothing = sql.run(con, "response_time_order_statistics", **empty, quantiles=[0.5])
    assert nothing["values_s"].to_list() == [None]


def test_an_agents_median_comes_from_the_agents_sketch(make_db):
    con = make_db(replies_after([60.0, 600.0, 10.0], agent="KC"), cfg=ALPHA_10)
    rows = con.sql(
        "select agent_id, bucket_index, responses_n from agent_response_time_buckets "
        "order by bucket_index"
    ).fetchall()
    assert rows == [("KC", 12, 1), ("KC", 21, 1), ("KC", 32, 1)]  # as in HAND_LOG
    ranks = [{"brand": "Acme", "agent_id": "KC", "low_rank": 1, "high_rank": 3}]
    stats = sql.run(con, "agent_response_order_statistics", **query(ALPHA_10), ranks=ranks)
    rows = {r["agent_id"]: r for r in stats.iter_rows(named=True)}
    # rank 2 of 3 (60 s) in both: the agent's own and the brand's over every agent
    assert rows[None]["median_first_response_s"] == pytest.approx(60.8690, abs=1e-4)
    assert rows["KC"]["median_first_response_s"] == pytest.approx(60.8690, abs=1e-4)
    # the agent's ranks 1 and 3: 10 s (k = 12) and 600 s (k = 32); the brand row has none
    assert rows["KC"]["values_s"] == pytest.approx([10.0010, 553.4114], abs=1e-4)
    assert rows[None]["values_s"] is None
    # no ranks asked: the medians alone
    bare = sql.run(con, "agent_response_order_statistics", **query(ALPHA_10), ranks=[])
    assert bare["values_s"].to_list() == [None, None]
    assert bare["median_first_response_s"].to_list() == pytest.approx([60.8690, 60.8690], abs=1e-4)


def query(config: Config) -> dict:
    return {
        "date_from": DAY.date_from,
        "date_to": DAY.date_to,
        "tz": "UTC",
        "brands": [],
        "channels": [],
        "weights": config.weights,
    }


# --- the guarantee: within alpha of the exact value of the same rank -----------------


def sketch_connection(config: Config, seconds: list[float]) -> duckdb.DuckDBPyConnection:
    """A connection with the model's bucket query run over one conversation per value."""
    con = raw.raw_connection(Path("/nonexistent-chi-data"), config)
    con.execute(
        "create table conversations (brand varchar, channel varchar, follower_bucket "
        "varchar, first_inbound_at timestamptz, first_response_s double)"
    )
    con.executemany(
        "insert into conversations values ('Acme', 'twitter', '<100', "
        "timestamptz '2025-03-03 09:00:00+00', ?)",
        [[s] for s in seconds],
    )
    con.execute(
        "create table response_time_buckets as select 'UTC' as tz, * from ("
        + sql.query_text("response_time_buckets")
        + ")",
        {"tz": "UTC"},
    )
    return con


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.just(0.0),  # the zero bucket
            st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=300,
    ),
    st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=5),
    st.sampled_from([0.005, 0.01, 0.05]),
)
def test_every_sketch_quantile_is_within_alpha_of_the_exact_one(
    seconds: list[float], levels: list[float], alpha: float
) -> None:
    config = dataclasses.replace(load_config(), percentile_relative_accuracy=alpha)
    con = sketch_connection(config, seconds)
    sketch = con.sql(
        "select disc_s, cont_s, responses_n from sketch_quantiles(response_time_buckets, "
        "['brand'], $levels)",
        params={"levels": levels},
    ).fetchall()[0]
    exact = con.sql(
        "select quantile_disc(first_response_s, $levels), "
        "quantile_cont(first_response_s, $levels) from conversations",
        params={"levels": levels},
    ).fetchall()[0]
    assert sketch[2] == len(seconds)
    bound = alpha * (1 + 1e-9)  # floating point at a bucket's edge
    for got, want in zip(sketch[0], exact[0], strict=True):
        assert abs(got - want) <= bound * want, (got, want)
    for got, want in zip(sketch[1], exact[1], strict=True):
        assert abs(got - want) <= bound * want, (got, want)


# --- the two grains: whole months from the month table, edge days from the day table ---


def two_grains(con: duckdb.DuckDBPyConnection) -> None:
    """Hand-made sketch rows (tz 'UTC', one brand and channel), the month rows the sums
    of the day rows, as the model stores them:
      day grain:   2024-01-31 k=5 n=1; 2024-02-01 k=5 n=1; 2024-02-20 k=5 n=2;
                   2024-02-29 k=7 n=1; 2024-03-05 k=5 n=4
      month grain: 2024-01 k=5 n=1; 2024-02 k=5 n=3, k=7 n=1; 2024-03 k=5 n=4"""
    con.execute(
        "create table months as select 'UTC' as tz, 'Acme' as brand, 'twitter' as channel, "
        "m::date as month_start, k as bucket_index, n::bigint as responses_n from (values "
        "('2024-01-01', 5, 1), ('2024-02-01', 5, 3), ('2024-02-01', 7, 1), "
        "('2024-03-01', 5, 4)) as v(m, k, n)"
    )
    con.execute(
        "create table days as select 'UTC' as tz, 'Acme' as brand, 'twitter' as channel, "
        "d::date as day, k as bucket_index, n::bigint as responses_n from (values "
        "('2024-01-31', 5, 1), ('2024-02-01', 5, 1), ('2024-02-20', 5, 2), "
        "('2024-02-29', 7, 1), ('2024-03-05', 5, 4)) as v(d, k, n)"
    )


def selected_rows(con: duckdb.DuckDBPyConnection, date_from: str, date_to: str) -> list:
    return con.sql(
        "select bucket_index, responses_n from sketch_rows(months, days, $f, $t) "
        "order by bucket_index, responses_n",
        params={"f": date_from, "t": date_to},
    ).fetchall()


def test_a_whole_month_is_read_from_the_month_grain_and_its_edge_days_from_the_day_grain():
    con = raw.raw_connection(Path("/nonexistent-chi-data"), ALPHA_10)
    two_grains(con)
    # all of February 2024 (29 days): the two month rows, not the three day rows
    assert selected_rows(con, "2024-02-01", "2024-02-29") == [(5, 3), (7, 1)]
    # February without its 1st: the days 2..29 from the day grain (20th: 2, 29th: 1)
    assert selected_rows(con, "2024-02-02", "2024-02-29") == [(5, 2), (7, 1)]
    # Jan 31 .. Mar 5: January and March in part (day rows of Jan 31 and Mar 5),
    # February whole (its month rows)
    assert selected_rows(con, "2024-01-31", "2024-03-05") == [(5, 1), (5, 3), (5, 4), (7, 1)]
    # Jan 1 .. Mar 31: three whole months, month rows only
    assert selected_rows(con, "2024-01-01", "2024-03-31") == [(5, 1), (5, 3), (5, 4), (7, 1)]
    # one day inside a month: that day's row
    assert selected_rows(con, "2024-02-20", "2024-02-20") == [(5, 2)]
    # a range without data: nothing
    assert selected_rows(con, "2024-04-01", "2024-04-30") == []


def grains_connection(config: Config, rows: list[tuple[str, float]], tz: str):
    """The model's two sketch grains over hand-listed conversations (first inbound
    instant, first response seconds), as `months` and `days` with a tz column."""
    con = raw.raw_connection(Path("/nonexistent-chi-data"), config)
    con.execute(
        "create table conversations (brand varchar, channel varchar, follower_bucket "
        "varchar, first_inbound_at timestamptz, first_response_s double)"
    )
    con.executemany(
        "insert into conversations values ('Acme', 'twitter', '<100', ?::timestamptz, ?)",
        [list(r) for r in rows],
    )
    for name, table in (("months", "response_time_buckets"), ("days", "response_time_day_buckets")):
        con.execute(
            f"create table {name} as select $tz as tz, * from (" + sql.query_text(table) + ")",
            {"tz": tz},
        )
    return con


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            # instants from late 2023 to spring 2024 (a leap February, month edges that
            # move with the zone)
            st.datetimes(min_value=dt.datetime(2023, 12, 20), max_value=dt.datetime(2024, 4, 10)),
            st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=80,
    ),
    st.dates(min_value=dt.date(2023, 12, 15), max_value=dt.date(2024, 4, 15)),
    st.integers(min_value=0, max_value=120),
    st.sampled_from(["UTC", "America/New_York", "Asia/Tokyo"]),
)
def test_a_selection_from_two_grains_has_exactly_the_sketch_of_its_days(
    rows: list[tuple[dt.datetime, float]], date_from: dt.date, days: int, tz: str
) -> None:
    con = grains_connection(load_config(), [(f"{t.isoformat()}+00:00", s) for t, s in rows], tz)
    date_to = date_from + dt.timedelta(days=days)
    params = {"f": date_from, "t": date_to}
    # the counts per bucket from sketch_rows equal the day grain's over the same days
    # (each day taken once, from one grain) and the conversations' own count
    both = con.sql(
        "select bucket_index, sum(responses_n)::bigint from sketch_rows(months, days, $f, $t) "
        "group by all order by 1 nulls first",
        params=params,
    ).fetchall()
    only_days = con.sql(
        "select bucket_index, sum(responses_n)::bigint from days where day between $f and $t "
        "group by all order by 1 nulls first",
        params=params,
    ).fetchall()
    assert both == only_days
    total = con.sql(
        "select count(*) from conversations "
        "where timezone($tz, first_inbound_at)::date between $f and $t",
        params={**params, "tz": tz},
    ).fetchall()[0][0]
    assert sum(n for _, n in both) == total


# --- the rollup: month files, rebuilds, the manifest ----------------------------------


def test_the_sketch_is_stored_per_month_and_rebuilt_when_alpha_changes() -> None:
    jan = dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC)
    feb = dt.datetime(2025, 2, 10, 9, tzinfo=dt.UTC)
    config = load_config()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        write(
            data_dir,
            [
                raw_message(1, "a", "inbound", jan),
                raw_message(2, "a", "outbound", jan + dt.timedelta(minutes=1)),
                raw_message(3, "b", "inbound", feb),
                raw_message(4, "b", "outbound", feb + dt.timedelta(minutes=10)),
            ],
            "x",
        )
        rollup.refresh(data_dir, config)
        # alpha 0.01: ln gamma = ln(1.01 / 0.99) = 0.0200007; 60 s: 4.094345 / 0.0200007
        # = 204.71 -> k = 205; 600 s: 6.396930 / 0.0200007 = 319.84 -> k = 320
        for month, k in (("2025-01", 205), ("2025-02", 320)):
            path = daily.month_file(data_dir, month, "response_time_buckets")
            assert path.parent.name == f"month={month}" and path.is_file()
            got = duckdb.sql(f"select bucket_index, responses_n from '{path}'").fetchall()
            assert got == [(k, 1)]
        part = json.loads((facts.rollup_dir(data_dir) / facts.MANIFEST).read_text())["daily"]
        assert part["relative_accuracy"] == 0.01
        looser = dataclasses.replace(config, percentile_relative_accuracy=0.1)
        assert daily.state(data_dir, looser, ["2025-01", "2025-02"], None).rules_changed
        rollup.refresh(data_dir, looser)
        part = json.loads((facts.rollup_dir(data_dir) / facts.MANIFEST).read_text())["daily"]
        assert part["relative_accuracy"] == 0.1
        # alpha 0.1: 60 s -> k = 21 (HAND_LOG)
        path = daily.month_file(data_dir, "2025-01", "response_time_buckets")
        assert duckdb.sql(f"select bucket_index from '{path}'").fetchall() == [(21,)]


@pytest.mark.parametrize("alpha", [0, -0.01, 0.2, "0.01", True])
def test_a_relative_accuracy_outside_0_to_0_1_is_a_config_error(tmp_path, alpha):
    path = tmp_path / "chi.toml"
    value = f'"{alpha}"' if isinstance(alpha, str) else str(alpha).lower()
    path.write_text(f"[percentiles]\nrelative_accuracy = {value}\n")
    with pytest.raises(ConfigError, match="relative_accuracy"):
        load_config(path=path)


def test_gamma_follows_from_alpha():
    # (1 + 0.01) / (1 - 0.01) = 1.0202...
    assert load_config().percentile_gamma == pytest.approx(1.01 / 0.99)
    assert math.isclose(ALPHA_10.percentile_gamma, 11 / 9)
