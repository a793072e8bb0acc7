"""A real Spark cluster on this machine: a standalone master and two workers bound to
127.0.0.1 (the classes inside the pyspark package), `chi rollup --engine spark
--master spark://127.0.0.1:PORT` run against it as a user runs it, and the rollups it
stores equal DuckDB's. Everything started here is stopped in the end (its process
groups killed). Skipped, saying why, without pyspark or Java."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.spark_support import skip_without_spark

skip_without_spark()

from tests.spark_support import copy_raw  # noqa: E402
from tests.test_spark_engine import assert_same_rollups, hand_made_dir  # noqa: E402

pytestmark = pytest.mark.spark

WORKERS = 2
REGISTER_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spark_class(*args: str, log: Path, env: dict[str, str]) -> subprocess.Popen:
    from pyspark.find_spark_home import _find_spark_home

    command = [str(Path(_find_spark_home()) / "bin" / "spark-class"), *args]
    return subprocess.Popen(
        command,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # its own process group: killed as one in the end
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def alive_workers(web_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/json/", timeout=5) as answer:
            state = json.loads(answer.read())
    except (OSError, ValueError):
        return 0
    return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")


def test_chi_rollup_on_a_standalone_cluster_of_two_workers(tmp_path: Path) -> None:
    from dashboard.core.config import load_config
    from dashboard.data import rollup

    source = hand_made_dir(tmp_path)
    duck, sparked = tmp_path / "duckdb", tmp_path / "spark"
    copy_raw(source, duck)
    copy_raw(source, sparked)
    rollup.refresh(duck, load_config(duck))

    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", SPARK_NO_DAEMONIZE="1")
    env["SPARK_WORKER_DIR"] = str(tmp_path / "work")
    env["PYSPARK_PYTHON"] = sys.executable
    port, web = free_port(), free_port()
    started: list[subprocess.Popen] = []
    try:
        started.append(
            spark_class(
                "org.apache.spark.deploy.master.Master",
                *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(web)),
                log=tmp_path / "master.log",
                env=env,
            )
        )
        for i in range(WORKERS):
            started.append(
                spark_class(
                    "org.apache.spark.deploy.worker.Worker",
                    f"spark://127.0.0.1:{port}",
                    *("--host", "127.0.0.1", "--cores", "1", "--memory", "1g"),
                    *("--webui-port", str(free_port())),
                    log=tmp_path / f"worker-{i}.log",
                    env=env,
                )
            )
        deadline = time.monotonic() + REGISTER_TIMEOUT_S
        while alive_workers(web) < WORKERS:
            assert time.monotonic() < deadline, "the workers did not register in time"
            assert all(p.poll() is None for p in started), "a Spark process exited"
            time.sleep(1)
        command = [
            sys.executable,
            "-m",
            "dashboard.cli",
            "rollup",
            "--engine",
            "spark",
            "--master",
            f"spark://127.0.0.1:{port}",
            "--data",
            str(sparked),
            "--conf",
            "spark.executor.memory=512m",
            "--conf",
            "spark.driver.host=127.0.0.1",
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "conversation_facts: rebuilt 2 months (2025-01, 2025-02), 6 rows" in done.stdout
        # the work ran on the cluster's executors: the master saw the application
        with urllib.request.urlopen(f"http://127.0.0.1:{web}/json/", timeout=5) as answer:
            state = json.loads(answer.read())
        finished = [a["name"] for a in state.get("completedapps", [])]
        assert "chi rollup" in finished
    finally:
        for process in reversed(started):
            stop(process)
    assert all(p.poll() is not None for p in started)
    assert_same_rollups(duck, sparked)
