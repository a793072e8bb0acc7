"""Properties of the index on random small logs (hypothesis): it stays in 0..100,
it ignores row order, and every rolled-up figure equals the figure computed
directly from the conversations (counts-weighted), whatever the time zone."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.core.config import load_config
from dashboard.core.filters import Filters
from dashboard.core.vocabulary import COMPONENTS
from dashboard.data import connection, sql
from dashboard.views import happiness
from tests.conftest import write_rows

CONFIG = load_config()
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
YEAR = Filters(dt.date(2024, 12, 1), dt.date(2025, 12, 31))
MEASURES = ["conversations", *COMPONENTS, "happiness_index"]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

messages = st.fixed_dictionaries(
    {
        "direction": st.sampled_from(["inbound", "inbound", "outbound", "peer"]),
        "channel": st.sampled_from(["twitter", "chat", "email", "community"]),
        # coarse minutes over ~10 weeks, so equal timestamps and month ends both happen
        "minute": st.integers(0, 100).map(lambda k: k * 997),
        "sentiment": st.none() | st.floats(-1, 1, allow_nan=False),
        "csat": st.none() | st.integers(1, 5),
        "resolved": st.none() | st.booleans(),
    }
)
conversations = st.tuples(
    st.sampled_from(["Acme", "Beta", "Cora"]), st.lists(messages, min_size=1, max_size=5)
)
logs = st.lists(conversations, min_size=1, max_size=10)


def to_rows(log: list) -> list[dict]:
    rows = []
    for number, (brand, items) in enumerate(log):
        for item in items:
            rows.append(
                {
                    "interaction_id": f"i{len(rows):04d}",
                    "conversation_id": f"c{number}",
                    "brand": brand,
                    "channel": item["channel"],
                    "direction": item["direction"],
                    "author_id": "someone",
                    "sentiment": item["sentiment"],
                    "csat": item["csat"],
                    "resolved": item["resolved"],
                    "created_at": START + dt.timedelta(minutes=item["minute"]),
                }
            )
    return rows


def connect(rows: list[dict], folder: str):
    data_dir = Path(folder) / "data"
    write_rows(data_dir, "interactions", [dict(r) for r in rows])
    return connection.connect(data_dir, CONFIG)


def index_of(components: dict[str, float | None]) -> float | None:
    used = [c for c in COMPONENTS if components[c] is not None]
    weight = sum(CONFIG.weights[c] for c in used)
    if not used or weight == 0:
        return None
    return sum(CONFIG.weights[c] * components[c] for c in used) / weight


def direct_figures(conversations: pl.DataFrame, tz: str) -> dict[tuple, dict]:
    """Month x brand figures straight from the per-conversation rows, in Python."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in conversations.iter_rows(named=True):
        local = row["first_inbound_at"].astimezone(ZoneInfo(tz))
        groups[(local.date().replace(day=1), row["brand"])].append(row)
    figures = {}
    for key, rows in groups.items():
        n = len(rows)
        moods = [r["mood_sentiment"] for r in rows if r["mood_sentiment"] is not None]
        rated = [r["csat"] for r in rows if r["csat"] is not None]
        components = {
            "mood": 50 * (1 + sum(moods) / len(moods)) if moods else None,
            "speed": 100 * sum(r["within_target"] for r in rows) / n,
            "resolution": 100 * sum(r["resolved"] for r in rows) / n,
            "effort": 100 * sum(r["effortless"] for r in rows) / n,
            "satisfaction": 100 * sum(c >= 4 for c in rated) / len(rated) if rated else None,
        }
        figures[key] = {"conversations": n, **components, "happiness_index": index_of(components)}
    return figures


def assert_same(a: dict, b: dict) -> None:
    for measure in MEASURES:
        if a[measure] is None or b[measure] is None:
            assert a[measure] is b[measure] is None, measure
        else:
            assert a[measure] == pytest.approx(b[measure], abs=1e-9), measure


@SETTINGS
@given(log=logs, tz=st.sampled_from(["UTC", "America/New_York", "Asia/Tokyo"]))
def test_monthly_brand_figures_equal_those_computed_from_the_conversations(log, tz):
    with tempfile.TemporaryDirectory() as folder:
        con = connect(to_rows(log), folder)
        filters = Filters(YEAR.date_from, YEAR.date_to, tz=tz)
        frame = happiness.by_period(con, CONFIG, filters, "month", "brand")
        expected = direct_figures(sql.run(con, "conversations"), tz)
    got = {(r["period_start"], r["brand"]): r for r in frame.iter_rows(named=True)}
    assert set(got) == set(expected)
    for key, row in got.items():
        assert_same(row, expected[key])


@SETTINGS
@given(log=logs)
def test_index_and_components_stay_within_0_and_100(log):
    with tempfile.TemporaryDirectory() as folder:
        con = connect(to_rows(log), folder)
        frame = happiness.by_period(con, CONFIG, YEAR, "day", "brand,channel")
    for measure in [*COMPONENTS, "happiness_index"]:
        values = frame[measure].drop_nulls()
        assert ((values >= 0) & (values <= 100)).all(), measure
    assert frame["happiness_index"].null_count() == 0  # speed, resolution, effort always exist


@SETTINGS
@given(log=logs, seed=st.integers(0, 2**32 - 1))
def test_row_order_does_not_change_any_figure(log, seed):
    rows = to_rows(log)
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    results = []
    for order in (rows, shuffled):
        with tempfile.TemporaryDirectory() as folder:
            con = connect(order, folder)
            results.append(
                (
                    sql.run(con, "conversations").sort(["brand", "conversation_id"]),
                    happiness.by_period(con, CONFIG, YEAR, "week", "brand,channel"),
                )
            )
    assert results[0][0].equals(results[1][0])
    assert results[0][1].equals(results[1][1])


@SETTINGS
@given(log=logs)
def test_daily_sums_roll_up_to_the_monthly_figures(log):
    sums = [
        "conversations",
        "within_target_n",
        "resolved_n",
        "effortless_n",
        "mood_sentiment_sum",
        "mood_sentiment_n",
        "rated_n",
        "satisfied_n",
    ]
    with tempfile.TemporaryDirectory() as folder:
        con = connect(to_rows(log), folder)
        days = happiness.by_period(con, CONFIG, YEAR, "day", "brand")
        months = happiness.by_period(con, CONFIG, YEAR, "month", "brand")
    rolled = (
        days.with_columns(pl.col("period_start").dt.truncate("1mo"))
        .group_by("period_start", "brand")
        .agg(pl.col(sums).sum())
    )
    for row in months.iter_rows(named=True):
        total = rolled.filter(
            (pl.col("period_start") == row["period_start"]) & (pl.col("brand") == row["brand"])
        ).row(0, named=True)
        n = total["conversations"]
        components = {
            "mood": (
                50 * (1 + total["mood_sentiment_sum"] / total["mood_sentiment_n"])
                if total["mood_sentiment_n"]
                else None
            ),
            "speed": 100 * total["within_target_n"] / n,
            "resolution": 100 * total["resolved_n"] / n,
            "effort": 100 * total["effortless_n"] / n,
            "satisfaction": (
                100 * total["satisfied_n"] / total["rated_n"] if total["rated_n"] else None
            ),
        }
        assert_same(
            row, {"conversations": n, **components, "happiness_index": index_of(components)}
        )
