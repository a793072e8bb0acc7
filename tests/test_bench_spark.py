"""`chi bench --engine spark`'s harness (dashboard/bench/spark.py), on DuckDB alone: each
engine's row is handed on as soon as it is measured, with its step times, and the
source data dir is left as it was. (The Spark runs themselves are what
tests/test_spark_engine.py and test_spark_cluster.py check; no timing is asserted.)"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from dashboard.bench import spark as bench_spark
from dashboard.core.config import load_config
from tests.conftest import write_rows

UTC = dt.UTC


def two_month_log(data_dir: Path) -> Path:
    """Two conversations, one in January and one in February 2025."""
    rows = [
        {
            "conversation_id": conversation,
            "brand": "Acme",
            "channel": "twitter",
            "direction": direction,
            "author_id": "u1" if direction == "inbound" else "agent",
            "created_at": dt.datetime(2025, month, 10, hour, tzinfo=UTC),
            "text": "power cut" if direction == "inbound" else None,
        }
        for conversation, month in (("jan", 1), ("feb", 2))
        for direction, hour in (("inbound", 9), ("outbound", 10))
    ]
    write_rows(data_dir, "interactions", rows)
    return data_dir


def test_each_engine_row_is_handed_on_as_soon_as_it_is_measured(tmp_path: Path) -> None:
    source = two_month_log(tmp_path / "source")
    seen: list[bench_spark.EngineTiming] = []
    timings = bench_spark.measure(source, load_config(source), masters=(), on_row=seen.append)
    assert seen == timings and [t.engine for t in seen] == ["duckdb"]
    (duck,) = seen
    assert duck.full_s > 0 and duck.refresh_s > 0
    # the full build rebuilt both rollups, then the refresh (February's raw file
    # touched) both again: one step line per rollup and phase
    names = [re.sub(r": [\d.]+ s$", "", s) for s in duck.steps]
    assert names == [
        "full: conversation_facts",
        "full: daily",
        "refresh: conversation_facts",
        "refresh: daily",
    ]
    # the source's raw log was copied, never rolled up in place
    assert not (source / "rollups").exists()


def test_the_section_is_a_header_one_row_per_engine_and_the_steps() -> None:
    timing = bench_spark.EngineTiming(
        "spark local[2]", 1234.56, 7.04, 2.0, 3.31, ("full: daily: facts read: 1.5 s",)
    )
    text = bench_spark.markdown(9_990_078, [timing], "2 cores", "2026-12-01 23:00 UTC")
    assert "### Rollup build by engine: 9,990,078 interactions" in text
    assert "| spark local[2] | 1,234.6 s | 7.0 s | 2.0 / 3.3 |" in text
    assert text.endswith("- spark local[2]: full: daily: facts read: 1.5 s\n")
    # the parts the command writes one by one are the same text
    parts = bench_spark.header(9_990_078, "2 cores", "2026-12-01 23:00 UTC")
    assert text == parts + bench_spark.row(timing) + bench_spark.steps([timing])
