"""`chi bench`: how fast the pages' data calls are, beside two references.

For a demo data set of N rows (generated once, then reused) it measures:

- the conversation rollup: a full build, and an incremental refresh after one raw
  month changed;
- loading it (connection.connect: the `conversations` table from the rollup);
- each page's data calls - the same view functions the pages call through ui.load,
  with the pages' default filters (the last 90 days, all brands, all channels) -
  cold (first run on a fresh connection) and warm (median of repeated runs; no
  Streamlit cache, so this is the query time itself);
- the peers (peers.py): every page's default figures computed from the raw Parquet by
  pandas, by Polars (lazy) and by DuckDB without rollups, each checked against the
  product's figures;
- the floor: DuckDB's plain scan of the raw columns the pages depend on.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from dashboard.bench.pages import Call, default_filters, heaviest_filters, page_calls
from dashboard.bench.peers import PEERS, PeerTiming, measure_peers
from dashboard.core.config import Config
from dashboard.data import connection, rollup, sql
from dashboard.data.rollup import facts
from dashboard.data.store import parquet_files, table_dir

WARM_RUNS = 5
PEER_RUNS = 1  # after one warm-up run: a peer takes seconds per page at 10M
RAW_COLUMNS = ("brand", "conversation_id", "channel", "direction", "created_at")


@dataclass
class PageTiming:
    page: str
    cold_ms: float  # all the page's calls, first run on a fresh connection
    warm_ms: float  # all the page's calls: sum of each call's warm median
    slowest_ms: float  # the slowest single call, warm median


@dataclass
class Result:
    rows: int
    conversations: int
    data_dir: Path
    build_s: float | None  # None: --keep-rollups, the stored rollups were reused
    incremental_s: float
    load_s: float
    pages: list[PageTiming]
    peak_mb: float
    peers: list[PeerTiming] = field(default_factory=list)  # empty: --no-peers
    floor_ms: float = 0.0
    generated_s: float | None = None
    browser_s: float | None = None  # overview first render, warmed server (bench_browser)
    browser_cold_s: float | None = None  # the same on a just-started, unwarmed server
    browser_repeat_s: float | None = None  # the same with Streamlit's caches hot
    notes: list[str] = field(default_factory=list)
    # the heaviest filter each page offers (pages.heaviest_filters, page_calls(heaviest))
    heavy: list[PageTiming] = field(default_factory=list)
    cli: dict[str, float] = field(default_factory=dict)  # command -> seconds end to end
    days: tuple[str, str] = ("", "")  # the first and last day with data
    # view -> seconds to its first chart in Chromium (or the error text)
    first_charts: dict[str, float | str] = field(default_factory=dict)
    # view -> seconds until its first chart is Plotly's (hover works), not its image
    hoverable_charts: dict[str, float] = field(default_factory=dict)


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _run_all(con: duckdb.DuckDBPyConnection, calls: list[Call]) -> None:
    for call in calls:
        call(con.cursor())


def ensure_data(data_dir: Path, rows: int, seed: int) -> float | None:
    """Generate the demo data unless the dir already holds interactions; seconds taken."""
    if parquet_files(data_dir, "interactions"):
        return None
    from dashboard.demo import generator as demo

    return demo.generate(data_dir, rows, seed).seconds


def count_rows(data_dir: Path) -> int:
    glob = str(table_dir(data_dir, "interactions") / "month=*" / "*.parquet")
    with duckdb.connect(":memory:") as con:
        query = f"select count(*) from read_parquet({sql.sql_string(glob)})"
        return con.execute(query).fetchone()[0]


def measure(
    data_dir: Path,
    config: Config,
    warm_runs: int = WARM_RUNS,
    with_peers: bool = True,
    rebuild: bool = True,
    cli_runs: int = 3,
    peers: tuple[str, ...] = PEERS,
) -> Result:
    data_dir = Path(data_dir)
    build_s = None
    if rebuild:
        shutil.rmtree(facts.rollup_dir(data_dir), ignore_errors=True)
        build_s = _timed(lambda: refresh_rollups(data_dir, config)) / 1000
    else:  # reuse what is stored (brought up to date first, not timed)
        refresh_rollups(data_dir, config)
    incremental_s = _timed(lambda: _refresh_one_month(data_dir, config)) / 1000
    started = time.perf_counter()
    con = connection.connect(data_dir, config)
    load_s = time.perf_counter() - started
    filters = default_filters(con.cursor(), config)
    conversations = con.execute("select count(*) from conversations").fetchone()[0]
    pages = _time_pages(data_dir, config, con, page_calls(config, filters), warm_runs)
    everything = heaviest_filters(con.cursor(), config)
    heaviest = page_calls(config, everything, heaviest=True)
    heavy = _time_pages(data_dir, config, con, heaviest, warm_runs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = Result(
        count_rows(data_dir),
        conversations,
        data_dir,
        build_s,
        incremental_s,
        load_s,
        pages,
        peak_mb,
        floor_ms=floor_ms(data_dir, warm_runs),
        heavy=heavy,
        cli=cli_timings(data_dir, cli_runs) if cli_runs > 0 else {},
        days=(everything.date_from.isoformat(), everything.date_to.isoformat()),
    )
    if with_peers:
        result.peers = measure_peers(data_dir, config, filters, con, PEER_RUNS, peers)
    return result


def _time_pages(
    data_dir: Path,
    config: Config,
    con: duckdb.DuckDBPyConnection,
    calls_by_page: dict[str, list[Call]],
    warm_runs: int,
) -> list[PageTiming]:
    pages = []
    for page, calls in calls_by_page.items():
        fresh = connection.connect(data_dir, config)
        cold = _timed(lambda calls=calls, fresh=fresh: _run_all(fresh, calls))
        fresh.close()
        warm = [
            statistics.median(
                _timed(lambda call=call: call(con.cursor())) for _ in range(warm_runs)
            )
            for call in calls
        ]
        pages.append(PageTiming(page, cold, sum(warm), max(warm)))
    return pages


CLI_COMMANDS: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    "chi --help": ["-m", "dashboard.cli", "--help"],
    **{
        f"chi report {view}": ["-m", "dashboard.cli", "report", view]
        for view in ("overview", "happiness", "engagement", "consistency", "agents", "public")
    },
}


def cli_timings(data_dir: Path, runs: int = 3) -> dict[str, float]:
    """Seconds, end to end (a fresh process; median of `runs`), of `chi --help`, of each
    `chi report` on `data_dir`, and of a bare `python -c pass` (what starting Python
    costs on this machine, the reference of the --help target)."""
    import subprocess
    import sys

    # as on a user's machine, Python keeps the compiled bytecode of what it imports
    # (a sandbox may set PYTHONDONTWRITEBYTECODE); one unmeasured run writes it
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    timings = {}
    for label, argv in CLI_COMMANDS.items():
        extra = ["--data", str(data_dir)] if "report" in argv else []
        command = [sys.executable, *argv, *extra]

        def once(command: list[str] = command) -> None:
            subprocess.run(command, capture_output=True, check=True, env=env)

        once()
        timings[label] = statistics.median(_timed(once) / 1000 for _ in range(runs))
    return timings


def refresh_rollups(data_dir: Path, config: Config) -> None:
    """Both rollups (the explicit step of `chi rollup`): the conversation facts, then
    the daily sums built on them."""
    rollup.refresh(data_dir, config)


def _refresh_one_month(data_dir: Path, config: Config) -> None:
    """Touch the newest raw month (as an ingest into it would) and refresh."""
    months = facts.raw_months(data_dir)
    if months:
        newest = months[max(months)][0]
        os.utime(newest)
    refresh_rollups(data_dir, config)


def floor_ms(data_dir: Path, runs: int = 3) -> float:
    """DuckDB's plain scan of the raw columns the pages depend on (warm median)."""
    glob = sql.sql_string(str(table_dir(data_dir, "interactions") / "month=*" / "*.parquet"))
    con = duckdb.connect(":memory:")
    query = (
        f"select count(conversation_id), min(brand), max(channel), min(direction), "
        f"epoch_us(max(created_at)) from read_parquet({glob})"
    )
    con.execute(query).fetchall()
    return statistics.median(_timed(lambda: con.execute(query).fetchall()) for _ in range(runs))


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores, {ram_gb:.0f} GB RAM, {cpu}"
