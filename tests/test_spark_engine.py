"""The Spark engine (`chi rollup --engine spark`) builds the rollups DuckDB builds: the
same files (month partitions, the same columns and types), the same rows, a manifest
the DuckDB engine accepts, and every `chi report` view prints the same bytes on them.

Spark runs in local mode, one SparkSession for the test session (tests/spark_support.py);
the module is skipped, saying why, without pyspark or Java. Each log is built by both
engines in two copies of the same data dir and every stored row is compared.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.spark_support import (
    copy_raw,
    folders,
    schema,
    shared_session,
    skip_without_spark,
    stored_rows,
)

skip_without_spark()

from dashboard.cli import main  # noqa: E402
from dashboard.core.config import load_config  # noqa: E402
from dashboard.core.schema import TABLES  # noqa: E402
from dashboard.data import connection, rollup, store  # noqa: E402
from dashboard.data.rollup import facts, spark_engine  # noqa: E402
from tests.conftest import write_rows  # noqa: E402

pytestmark = pytest.mark.spark

UTC = dt.UTC
CONFIG_TOML = """
display_time_zone = "America/New_York"

[public]
brands = ["Acme", "Bolt"]
"""


@pytest.fixture(scope="module")
def spark():
    return shared_session()


@dataclass(frozen=True)
class Built:
    source: Path  # the hand-made log (raw only)
    duck: Path  # its copy rolled up by DuckDB
    sparked: Path  # its copy rolled up by `chi rollup --engine spark`
    printed: str  # what that command printed


@pytest.fixture(scope="module")
def built(spark, tmp_path_factory) -> Built:
    """The hand-made log rolled up once by each engine, Spark through the command a
    user runs (the tests that only read share it)."""
    root = tmp_path_factory.mktemp("hand-made")
    source = hand_made_dir(root)
    duck, sparked = root / "duckdb", root / "spark"
    copy_raw(source, duck)
    copy_raw(source, sparked)
    rollup.refresh(duck, load_config(duck))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["rollup", "--engine", "spark", "--data", str(sparked)]) == 0
    return Built(source, duck, sparked, out.getvalue())


def t(day: str, clock: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)


def m(conversation: str, direction: str, when: dt.datetime, **extra) -> dict:
    row = {
        "conversation_id": conversation,
        "brand": "Acme",
        "channel": "twitter",
        "direction": direction,
        "author_id": f"cust-{conversation}" if direction == "inbound" else "acme",
        "created_at": when,
    }
    row.update(extra)
    return row


# A hand-made log over January and February 2025 (display time zone New York, UTC-5):
# c1 Acme twitter, opened 2025-01-31 23:30 UTC (18:30 in New York), answered by agent KC
#    at 2025-02-01 00:00 (1800 s), the customer writes again by email at 00:10 (0.7),
#    KC resolves it at 00:20: two raw months, channel path "twitter -> email".
# c2 Acme community, opened 2025-02-10 10:00 (-0.6, no follower count), a peer p1
#    answers at 10:20 (the first response on a community channel: 1200 s), agent JK
#    at 11:00 (the first outbound: 3600 s), csat 4 at 12:00.
# c3 Bolt email, opened 2025-02-27 12:00 at an unknown time of day, answered
#    2025-02-27 15:00: responded, but no first-response time.
# c4 Bolt twitter, 2025-01-15 08:00, 150 followers, never answered.
# c5 Acme twitter, opened 2025-02-01 04:00 UTC (2025-01-31 23:00 in New York), answered
#    unsigned at 04:45 (2700 s): a February conversation on a local January day.
# c6 Acme twitter, 2025-01-31 20:00 UTC (15:00 in New York), never answered.
# c5 and c6 share the daily key (2025-01-31, Acme, twitter, unknown, single channel)
# but live in two facts months: the daily rollup keeps one row in each month's file,
# as DuckDB builds it month by month.
# The customers' texts, tokenised by the topic macros (stop words: again, is, to):
#   c1 "Power cut again! Refund please @Acme" -> power, cut, refund, please,
#      power cut, refund please (the mention goes; "again" is a stop word);
#   c1 "Thanks, power is back" -> thanks, power, back;
#   c2 "Acme's app keeps crashing, power cut" -> app, keeps, crashing, power, cut,
#      app keeps, keeps crashing, power cut ("acme's" is the brand's own name);
#   c3 "Bolt support never replied to order 123456" -> support, never, replied,
#      order, support never, never replied (bolt: the brand; 123456: id-like);
#   c5 "power cut" (no sentiment) -> power, cut, power cut.
HAND_MADE = [
    m("c1", "inbound", t("2025-01-31", "23:30:00"), sentiment=-0.2, author_followers=50,
      text="Power cut again! Refund please @Acme"),
    m("c1", "outbound", t("2025-02-01", "00:00:00"), agent_id="KC"),
    m("c1", "inbound", t("2025-02-01", "00:10:00"), channel="email", sentiment=0.7,
      text="Thanks, power is back"),
    m("c1", "outbound", t("2025-02-01", "00:20:00"), agent_id="KC", resolved=True),
    m("c2", "inbound", t("2025-02-10", "10:00:00"), channel="community", sentiment=-0.6,
      text="Acme's app keeps crashing, power cut"),
    m("c2", "peer", t("2025-02-10", "10:20:00"), channel="community", author_id="p1"),
    m("c2", "outbound", t("2025-02-10", "11:00:00"), channel="community", agent_id="JK"),
    m("c2", "inbound", t("2025-02-10", "12:00:00"), channel="community", csat=4, nps=9),
    m("c3", "inbound", t("2025-02-27", "12:00:00"), brand="Bolt", channel="email",
      time_known=False, text="Bolt support never replied to order 123456"),
    m("c3", "outbound", t("2025-02-27", "15:00:00"), brand="Bolt", channel="email"),
    m("c4", "inbound", t("2025-01-15", "08:00:00"), brand="Bolt", author_followers=150),
    m("c5", "inbound", t("2025-02-01", "04:00:00"), text="power cut"),
    m("c5", "outbound", t("2025-02-01", "04:45:00")),
    m("c6", "inbound", t("2025-01-31", "20:00:00")),
]  # fmt: skip


def write_batch(data_dir: Path, rows: list[dict], batch: str) -> None:
    """Rows added as their own batch (write_rows' batch would replace the fixture's)."""
    schema = TABLES["interactions"]
    columns = {f.name: [r.get(f.name) for r in rows] for f in schema}
    store.write_batch(data_dir, "interactions", pa.table(columns, schema=schema), batch)


def hand_made_dir(root: Path) -> Path:
    data = root / "source"
    write_rows(data, "interactions", [dict(r) for r in HAND_MADE])
    (data / "chi.toml").write_text(CONFIG_TOML, encoding="utf-8")
    return data


def build_both(spark, source: Path, root: Path) -> tuple[Path, Path]:
    """Two copies of `source`'s raw log, rolled up by DuckDB and by Spark."""
    duck, sparked = root / "duckdb", root / "spark"
    copy_raw(source, duck)
    copy_raw(source, sparked)
    config = load_config(duck)
    rollup.refresh(duck, config)
    spark_engine.refresh(spark, str(sparked), str(sparked), load_config(sparked))
    return duck, sparked


def assert_same_rollups(duck: Path, sparked: Path) -> None:
    for folder in folders():
        assert schema(sparked, folder) == schema(duck, folder), folder
        left, right = stored_rows(duck, folder), stored_rows(sparked, folder)
        assert left.height == right.height, folder
        assert left.equals(right), f"{folder}: {_first_difference(left, right)}"
    mine, theirs = facts.read_body(sparked), facts.read_body(duck)
    for key in ("version", "newest", "months"):
        assert mine[key] == theirs[key], key
    # the raw fingerprints are of each copy's own files (their times differ once a test
    # writes to both): the ones the DuckDB engine computes for the Spark copy
    current = {m: facts.fingerprint(p) for m, p in facts.raw_months(sparked).items()}
    assert mine["raw"] == current and set(mine["raw"]) == set(theirs["raw"])
    assert mine["daily"]["rules"] == theirs["daily"]["rules"]
    for month, built in theirs["daily"]["months"].items():
        other = mine["daily"]["months"][month]
        assert (other["as_of"], other["settled"]) == (built["as_of"], built["settled"])


def _first_difference(left: pl.DataFrame, right: pl.DataFrame) -> str:
    for a, b in zip(left.iter_rows(named=True), right.iter_rows(named=True), strict=True):
        if a != b:
            return str({k: (a[k], b[k]) for k in a if a[k] != b[k]})
    return "equal"


def test_spark_builds_the_same_rollups_as_duckdb_on_a_hand_made_log(built: Built):
    duck, sparked = built.duck, built.sparked
    assert_same_rollups(duck, sparked)
    facts_rows = {r["conversation_id"]: r for r in stored_rows(sparked, facts.FACTS).to_dicts()}
    # the hand-computed facts (see HAND_MADE)
    assert facts_rows["c1"]["month"] == "2025-01" and facts_rows["c5"]["month"] == "2025-02"
    assert facts_rows["c1"]["first_response_s"] == 1800.0  # 23:30 -> 00:00
    assert facts_rows["c1"]["channel_path"] == "twitter -> email"
    assert facts_rows["c1"]["agents"] == ["KC"]
    assert facts_rows["c2"]["first_response_s"] == 1200.0  # the peer at 10:20
    assert facts_rows["c2"]["first_response_peer"] == "p1"
    assert facts_rows["c2"]["first_outbound_s"] == 3600.0  # JK at 11:00
    assert facts_rows["c2"]["follower_bucket"] == "unknown"
    assert facts_rows["c3"]["responded"] and facts_rows["c3"]["first_response_s"] is None
    assert not facts_rows["c4"]["responded"]
    # c6 (January file) and c5 (February file) on the same New York day and key: one
    # row in each month's daily file, one conversation each
    day = stored_rows(sparked, "daily").filter(
        (pl.col("day") == dt.date(2025, 1, 31))
        & (pl.col("brand") == "Acme")
        & (pl.col("channel") == "twitter")
        & (pl.col("follower_bucket") == "unknown")
    )
    assert sorted(zip(day["month"], day["conversations_n"], strict=True)) == [
        ("2025-01", 1),
        ("2025-02", 1),
    ]


STEPPED = """
with
base as (select id from values (1), (2), (3) as t(id)),
doubled as (select id, id * 2 as twice from base),
later as (select id from base where id > 1)
select d.id, d.twice
from doubled as d
inner join base on d.id = base.id
inner join later on later.id = d.id
order by d.id
"""


def test_a_cte_read_more_than_once_is_one_step_computed_once(spark):
    from dashboard.data.rollup import spark_sql

    steps, final = spark_sql.split_ctes(sqlglot.parse_one(STEPPED, read="spark"), "_t_")
    # base is read by doubled, later and the final query; the others once each
    assert [(s.view, s.reused) for s in steps] == [
        ("_t_base", True),
        ("_t_doubled", False),
        ("_t_later", False),
    ]
    with spark_engine.run_steps(spark, steps, final) as frame:
        rows = [tuple(r) for r in frame.collect()]
        # base 1, 2, 3; later 2, 3; doubled (1, 2), (2, 4), (3, 6): joined, 2 and 3
        assert rows == [(2, 4), (3, 6)] == [tuple(r) for r in spark.sql(STEPPED).collect()]
    # the steps' views are gone once the block ends
    assert not spark.catalog.tableExists("_t_base")


def test_a_query_whose_nested_cte_reuses_a_top_level_name_stays_one_query():
    from dashboard.data.rollup import spark_sql

    text = "with a as (select 1 as x) select * from (with a as (select 2 as x) select * from a)"
    steps, final = spark_sql.split_ctes(sqlglot.parse_one(text, read="spark"), "_t_")
    assert steps == () and "select 2" in final.lower()


def test_spark_counts_the_topics_terms_as_duckdb_does(built: Built):
    rows = stored_rows(built.sparked, "term_daily")
    assert rows.equals(stored_rows(built.duck, "term_daily"))

    def term(name: str | None) -> list[tuple]:
        found = rows.filter(
            pl.col("term").is_null() if name is None else pl.col("term") == name
        ).sort("month", "day", "channel")
        keys = ("month", "day", "channel", "messages_n", "sentiment_n", "sentiment_sum")
        return [tuple(r[k] for k in (*keys, "sentiment_sq_sum")) for r in found.to_dicts()]

    jan31, feb10 = dt.date(2025, 1, 31), dt.date(2025, 2, 10)
    # "power cut": c1 (-0.2; January's file), c5 on the same New York day (no
    # sentiment; February's file), c2 (-0.6): squares 0.04 and 0.36
    assert term("power cut") == [
        ("2025-01", jan31, "twitter", 1, 1, -0.2, 0.04),
        ("2025-02", jan31, "twitter", 1, 0, None, None),
        ("2025-02", feb10, "community", 1, 1, -0.6, 0.36),
    ]
    # "power": both of c1's messages count on its day and entry channel (twitter):
    # -0.2 + 0.7 = 0.5, 0.04 + 0.49 = 0.53
    assert term("power")[0] == ("2025-01", jan31, "twitter", 2, 2, 0.5, 0.53)
    # the day's totals (term null) count every message with text: c1's two in January
    assert term(None)[0] == ("2025-01", jan31, "twitter", 2, 2, 0.5, 0.53)
    terms = set(rows["term"].drop_nulls())
    assert {"refund please", "keeps crashing", "never replied"} <= terms
    # the brand's own name, a stop word and an order number are never terms
    assert not terms & {"acme", "acme's", "bolt", "again", "123456", "is"}


def test_duckdb_finds_spark_built_rollups_fresh_and_reads_them(built: Built):
    sparked = built.sparked
    config = load_config(sparked)
    assert rollup.refresh(sparked, config).up_to_date  # nothing rebuilt after Spark
    con = connection.connect(sparked, config)
    assert connection.rollup_status(con).source == connection.STORED
    # 6 conversations in the hand-made log, read from the Spark-built files
    assert con.execute("select count(*) from conversations").fetchall()[0][0] == 6


# every `chi report` view, each with the options that read the most rollup rows
REPORTS = [
    [view]
    for view in ("overview", "happiness", "engagement", "consistency", "agents", "superfans")
    + ("fairness", "public", "alerts", "movers")
]
REPORTS += [["fairness", "--premiums"], ["topics", "--min-count", "1"]]
REPORTS += [["topics", "--drivers", "--min-count", "1"]]


GENERATED = re.compile(r"generated \d\d \w{3} \d{4} \d\d:\d\d UTC")


def _printed(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert main(args) == 0, args
    out = capsys.readouterr()
    assert "computed" not in out.err, args  # read from the stored rollups
    return out.out


def test_every_report_prints_the_same_bytes_on_spark_built_rollups(
    built: Built, capsys: pytest.CaptureFixture[str]
):
    for report in REPORTS:
        for fmt in ("csv", "json"):
            printed = [
                _printed(
                    capsys,
                    ["report", *report, "--data", str(data), "--min-n", "1", "--format", fmt]
                    + ["--precision", "full"],
                )
                for data in (built.duck, built.sparked)
            ]
            assert printed[0] == printed[1], f"chi report {' '.join(report)} --format {fmt}"
            assert printed[0].strip(), report


def test_the_digest_prints_the_same_bytes_on_spark_built_rollups(
    built: Built, capsys: pytest.CaptureFixture[str]
):
    for period in ("week", "month"):
        for fmt in ("md", "html"):
            printed = [
                # the one line that differs: when each was generated (to the minute)
                GENERATED.sub(
                    "generated <time>",
                    _printed(
                        capsys, ["digest", "--period", period, "--format", fmt, "--data", str(d)]
                    ),
                )
                for d in (built.duck, built.sparked)
            ]
            assert "generated <time>" in printed[0]
            assert printed[0] == printed[1], f"chi digest --period {period} --format {fmt}"
            assert "Acme" in printed[0]


def test_an_incremental_spark_refresh_rewrites_only_the_months_a_new_file_touches(
    spark, built: Built, tmp_path: Path
):
    # copies of both built dirs, file times kept (the fingerprints stay valid)
    duck, sparked = tmp_path / "duckdb", tmp_path / "spark"
    shutil.copytree(built.duck, duck, copy_function=shutil.copy2)
    shutil.copytree(built.sparked, sparked, copy_function=shutil.copy2)
    # a later batch in February: c1 (a January conversation) gets a customer reply
    # (with text: January's term counts change), so the January facts month is
    # rewritten with it; c2 gets one more message
    later = [
        m(
            "c1",
            "inbound",
            t("2025-02-02", "09:00:00"),
            channel="email",
            sentiment=0.1,
            text="power is back, thanks",
        ),
        m("c2", "outbound", t("2025-02-11", "09:00:00"), channel="community", agent_id="JK"),
    ]
    for data in (duck, sparked):
        rows = [dict(r, interaction_id=f"n{i}") for i, r in enumerate(later)]
        write_batch(data, rows, "later")
    rollup.refresh(duck, load_config(duck))
    report = spark_engine.refresh(spark, str(sparked), str(sparked), load_config(sparked))
    conversations, sums = report.rollups
    assert conversations.months == ("2025-01", "2025-02")  # c1's month and c2's month
    assert_same_rollups(duck, sparked)
    # and nothing is left to do for either engine
    assert rollup.refresh(sparked, load_config(sparked)).up_to_date
    again = spark_engine.refresh(spark, str(sparked), str(sparked), load_config(sparked))
    assert again.up_to_date


def test_chi_rollup_engine_spark_says_what_it_rebuilt(
    built: Built, capsys: pytest.CaptureFixture[str]
):
    # January: c1, c4, c6; February: c2, c3, c5 (by their first inbound message)
    assert "conversation_facts: rebuilt 2 months (2025-01, 2025-02), 6 rows" in built.printed
    assert "daily: rebuilt 2 months (2025-01, 2025-02)" in built.printed
    data = str(built.sparked)
    assert main(["rollup", "--engine", "spark", "--data", data]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["rollup", "--master", "local[1]", "--data", data]) == 2
    assert "need --engine spark" in capsys.readouterr().err


START = dt.datetime(2025, 1, 25, tzinfo=UTC)  # random logs span late January to March
# pieces of customer text the topic rules cut, keep or tokenise differently
FRAGMENTS = [
    "power cut", "Refund!", "@acme's app", "https://t.co/x", "café ok", "RT @bob: gone",
    "line\n> quoted", "order 12345", "can't log in", "— dash —", "Acme", "Bolt's fault",
    "ΟΔΟΣ İzmir", "power cut.", "",
]  # fmt: skip


@st.composite
def logs(draw: st.DrawFn) -> list[dict]:
    rows = []
    for i in range(draw(st.integers(1, 25))):
        direction = draw(st.sampled_from(["inbound", "inbound", "outbound", "peer"]))
        row = {
            "interaction_id": f"r{i:03d}",
            "conversation_id": draw(st.sampled_from(["c1", "c2", "c3", "c4"])),
            "brand": draw(st.sampled_from(["Acme", "Bolt"])),
            "channel": draw(st.sampled_from(["twitter", "email", "community"])),
            "direction": direction,
            "author_id": draw(st.sampled_from(["u1", "u2"])),
            "author_followers": draw(st.none() | st.integers(0, 200_000)),
            # half hours over ~45 days: ties, month ends and odd durations
            "created_at": START + dt.timedelta(seconds=1791 * draw(st.integers(0, 2200))),
            "sentiment": draw(st.none() | st.sampled_from([-0.6, 0.0, 0.04, 0.05, 0.7])),
            "csat": draw(st.none() | st.integers(1, 5)),
            "nps": draw(st.none() | st.integers(0, 10)),
            "resolved": draw(st.none() | st.booleans()),
            "time_known": draw(st.sampled_from([None, True, False])),
            "text": draw(
                st.none() | st.lists(st.sampled_from(FRAGMENTS), max_size=4).map(" ".join)
            ),
        }
        if direction == "outbound":
            row["agent_id"] = draw(st.none() | st.sampled_from(["KC", "JK"]))
        rows.append(row)
    return rows


@settings(
    max_examples=int(os.environ.get("CHI_SPARK_EXAMPLES", "3")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(logs())
def test_spark_equals_duckdb_on_random_logs(spark, tmp_path_factory, rows: list[dict]):
    root = tmp_path_factory.mktemp("random")
    source = root / "source"
    write_rows(source, "interactions", rows)
    (source / "chi.toml").write_text('display_time_zone = "Asia/Kolkata"\n', encoding="utf-8")
    if not facts.raw_months(source):
        return
    duck, sparked = build_both(spark, source, root)
    if not facts.read_body(duck).get("months"):  # no conversation has an inbound message
        assert not facts.read_body(sparked).get("months")
        return
    assert_same_rollups(duck, sparked)
    shutil.rmtree(root, ignore_errors=True)
