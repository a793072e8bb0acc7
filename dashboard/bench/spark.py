"""`chi bench --engine spark`: the rollup build on Spark beside DuckDB on the same data.

For each engine: the full build (both rollups from scratch) and a one-month refresh
(the newest raw month touched, as an ingest into it would), in copies of the same
data dir. Spark runs on `local[2]` and on a standalone cluster of two workers started
here on 127.0.0.1 from the classes inside the pyspark package (`local_cluster`), which
is stopped afterwards. The load average is recorded beside each figure: the machine
may be shared. Each engine's row is handed to `on_row` as soon as it is measured (the
command prints and appends it then: a run stopped half-way still records its rows),
with the time of each step of the build (the engine's log, logger chi.spark).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.core.config import Config
from dashboard.data import rollup
from dashboard.data.rollup import facts, spark_engine


@dataclass(frozen=True)
class EngineTiming:
    engine: str  # "duckdb", "spark local[2]", "spark standalone (2 workers x 1 core)"
    full_s: float
    refresh_s: float
    load_before: float  # 1-minute load average when the full build started
    load_after: float  # and when the refresh ended
    steps: tuple[str, ...] = field(default=())  # "full: <step>: 12.3 s", in order


# memory per JVM: local mode runs its two tasks in the driver; a standalone worker
# offers WORKER_MEMORY to one executor of EXECUTOR_MEMORY (the same total: 2 x 1.5 GB)
LOCAL_DRIVER_MEMORY = "3g"
WORKER_MEMORY = "2g"
EXECUTOR_MEMORY = "1536m"


def _load() -> float:
    return os.getloadavg()[0]


class _Steps(logging.Handler):
    """The engine's step lines (logger chi.spark) while a run is timed."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.phase = "full"

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{self.phase}: {record.getMessage()}"
        self.lines.append(line)
        print(line, file=sys.stderr, flush=True)  # seen while a long run goes on


@contextlib.contextmanager
def _recording() -> Iterator[_Steps]:
    logger = logging.getLogger("chi.spark")
    handler, level = _Steps(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _touch_newest(data_dir: Path) -> None:
    months = facts.raw_months(data_dir)
    os.utime(months[max(months)][0])


def time_duckdb(data_dir: Path, config: Config) -> EngineTiming:
    shutil.rmtree(facts.rollup_dir(data_dir), ignore_errors=True)
    before = _load()
    started = time.perf_counter()
    built = rollup.refresh(data_dir, config)
    full = time.perf_counter() - started
    _touch_newest(data_dir)
    started = time.perf_counter()
    again = rollup.refresh(data_dir, config)
    refresh = time.perf_counter() - started
    steps = tuple(
        f"{phase}: {r.name}: {r.seconds:.1f} s"
        for phase, report in (("full", built), ("refresh", again))
        for r in report.rollups
    )
    return EngineTiming("duckdb", full, refresh, before, _load(), steps)


def time_spark(data_dir: Path, config: Config, master: str, label: str) -> EngineTiming:
    shutil.rmtree(facts.rollup_dir(data_dir), ignore_errors=True)
    if master.startswith("spark://"):
        conf = {"spark.executor.memory": EXECUTOR_MEMORY}
    else:
        conf = {"spark.driver.memory": LOCAL_DRIVER_MEMORY}
    spark = spark_engine.session(master, conf=conf)
    try:
        with _recording() as steps:
            before = _load()
            started = time.perf_counter()
            spark_engine.refresh(spark, str(data_dir), str(data_dir), config)
            full = time.perf_counter() - started
            _touch_newest(data_dir)
            steps.phase = "refresh"
            started = time.perf_counter()
            spark_engine.refresh(spark, str(data_dir), str(data_dir), config)
            refresh = time.perf_counter() - started
    finally:
        spark.stop()
    return EngineTiming(label, full, refresh, before, _load(), tuple(steps.lines))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _workers_alive(web_port: int) -> int:
    try:
        url = f"http://127.0.0.1:{web_port}/json/"
        with urllib.request.urlopen(url, timeout=5) as answer:
            state = json.loads(answer.read())
    except (OSError, ValueError):
        return 0
    return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")


@contextlib.contextmanager
def local_cluster(workers: int = 2, memory: str = WORKER_MEMORY) -> Iterator[str]:
    """A Spark standalone master and `workers` one-core workers on 127.0.0.1; yields
    the master URL and stops every process it started (their process groups)."""
    from pyspark.find_spark_home import _find_spark_home

    spark_class = str(Path(_find_spark_home()) / "bin" / "spark-class")
    work = Path(tempfile.mkdtemp(prefix="chi-spark-cluster-"))
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", SPARK_WORKER_DIR=str(work))
    env["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # the driver binds there too
    port, web = _free_port(), _free_port()
    started: list[subprocess.Popen] = []

    def start(*args: str, log: str) -> None:
        started.append(
            subprocess.Popen(
                [spark_class, *args],
                stdout=(work / log).open("wb"),
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        )

    try:
        start(
            "org.apache.spark.deploy.master.Master",
            *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(web)),
            log="master.log",
        )
        for i in range(workers):
            start(
                "org.apache.spark.deploy.worker.Worker",
                f"spark://127.0.0.1:{port}",
                *("--host", "127.0.0.1", "--cores", "1", "--memory", memory),
                *("--webui-port", str(_free_port())),
                log=f"worker-{i}.log",
            )
        deadline = time.monotonic() + 180
        while _workers_alive(web) < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in started):
                raise RuntimeError(f"the Spark cluster did not start (logs in {work})")
            time.sleep(1)
        yield f"spark://127.0.0.1:{port}"
    finally:
        for process in reversed(started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


def measure(
    data_dir: Path,
    config: Config,
    masters: tuple[str, ...] = ("local[2]", "cluster"),
    on_row: Callable[[EngineTiming], None] | None = None,
) -> list[EngineTiming]:
    """DuckDB, then Spark on each master ("cluster": a two-worker standalone cluster
    started here), each in its own copy of the raw log (the source is left alone);
    `on_row` gets each engine's timing as soon as it is measured."""
    timings = []
    scratch = Path(tempfile.mkdtemp(prefix="chi-bench-spark-", dir=data_dir.parent))
    try:
        runs = [("duckdb", "duckdb")] + [("spark", m) for m in masters]
        for i, (engine, master) in enumerate(runs):
            copy = scratch / f"run-{i}"
            shutil.copytree(
                data_dir,
                copy,
                ignore=shutil.ignore_patterns("rollups"),
                copy_function=shutil.copy2,
            )
            if engine == "duckdb":
                timings.append(time_duckdb(copy, config))
            elif master == "cluster":
                with local_cluster(2) as url:
                    label = "spark standalone (2 workers x 1 core)"
                    timings.append(time_spark(copy, config, url, label))
            else:
                timings.append(time_spark(copy, config, master, f"spark {master}"))
            shutil.rmtree(copy, ignore_errors=True)
            if on_row is not None:
                on_row(timings[-1])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return timings


def header(rows: int, machine: str, when: str) -> str:
    """The table's title and head, written before the first engine is timed."""
    return (
        "\n".join(
            [
                f"\n### Rollup build by engine: {rows:,} interactions\n",
                f"{when} · {machine}\n",
                "| engine | full build | one-month refresh | load average (start / end) |",
                "|---|---|---|---|",
            ]
        )
        + "\n"
    )


def row(t: EngineTiming) -> str:
    return (
        f"| {t.engine} | {t.full_s:,.1f} s | {t.refresh_s:,.1f} s | "
        f"{t.load_before:.1f} / {t.load_after:.1f} |\n"
    )


def steps(timings: list[EngineTiming]) -> str:
    """Each engine's step times, after the table (none: "")."""
    lines = [f"- {t.engine}: " + "; ".join(t.steps) for t in timings if t.steps]
    return ("\nSteps (seconds):\n\n" + "\n".join(lines) + "\n") if lines else ""


def markdown(rows: int, timings: list[EngineTiming], machine: str, when: str) -> str:
    """The whole section: header, one row per engine, the step times."""
    return header(rows, machine, when) + "".join(row(t) for t in timings) + steps(timings)
