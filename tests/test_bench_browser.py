"""The server warm-up (dashboard/web/warmup.py) and the browser timing of `chi bench`
(dashboard/bench/browser.py). No assertion on speed: benchmarks are not timed tests."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.bench import browser as bench_browser
from dashboard.bench import runner as bench
from dashboard.core.config import load_config
from dashboard.data import connection
from dashboard.web import warmup

ROWS = 4000
PAGES = Path(__file__).resolve().parent.parent / "pages"

needs_chromium = pytest.mark.skipif(
    bench_browser.unavailable() is not None,
    reason=f"browser timing unavailable: {bench_browser.unavailable()}",
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench-browser")
    bench.ensure_data(path, ROWS, 7)
    return path


def _ready_body(status: warmup.Warmup) -> tuple[int, dict]:
    response = asyncio.run(warmup.route(status).endpoint(None))
    return response.status_code, json.loads(response.body)


def test_warm_up_builds_the_connection_the_pages_then_use(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHI_DATA", str(data_dir))
    monkeypatch.delenv("CHI_CONFIG", raising=False)
    monkeypatch.delenv("CHI_WARMUP", raising=False)
    job = warmup.Warmup()
    job.start().join(timeout=120)
    assert job.status.state == "ready"
    # the same key as the pages (dashboard/ui/shared.py): the warm-up's connection is reused
    config = load_config(data_dir)
    warmed = connection.shared_connection(data_dir, config, connection.data_version(data_dir))
    assert warmed is warmup.warm_connection()
    built: list[int] = []
    real_connect = connection.connect

    def counting_connect(*args: object, **kwargs: object) -> object:
        built.append(1)
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(connection, "connect", counting_connect)
    page = AppTest.from_file(str(PAGES / "overview.py"), default_timeout=60).run()
    assert not page.exception
    assert len(page.metric) >= 4  # the KPI tiles rendered
    assert built == []  # the page found the warmed connection: no second build


def test_ready_route_answers_503_while_warming_and_200_once_ready(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CHI_WARMUP", raising=False)
    release = threading.Event()
    job = warmup.Warmup(work=lambda: release.wait(30))
    thread = job.start()
    code, body = _ready_body(job)
    assert (code, body["state"], body["ready"]) == (503, "warming", False)
    release.set()
    thread.join(timeout=30)
    code, body = _ready_body(job)
    assert (code, body["state"], body["ready"]) == (200, "ready", True)
    assert body["warm_up_s"] >= 0
    assert job.start() is None  # once per process


def test_a_failed_warm_up_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHI_WARMUP", raising=False)

    def broken() -> None:
        raise FileNotFoundError("/secret/path/chi.toml")

    job = warmup.Warmup(work=broken)
    job.start().join(timeout=30)
    code, body = _ready_body(job)
    assert (code, body["state"], body["ready"]) == (200, "failed", True)
    assert body["error"] == "FileNotFoundError"  # the type only: no path leaks out


def test_warm_up_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHI_WARMUP", "0")
    job = warmup.Warmup(work=lambda: pytest.fail("the warm-up ran"))
    assert job.start() is None
    assert job.done.is_set() and job.status.state == "off"


@needs_chromium
@pytest.mark.e2e
def test_first_render_seconds_is_a_positive_number(data_dir: Path) -> None:
    seconds = bench_browser.first_render_seconds(data_dir)
    assert isinstance(seconds, float) and seconds > 0


@needs_chromium
@pytest.mark.e2e
def test_measured_overview_really_rendered_warm_repeat_and_cold(
    data_dir: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "overview.png"
    timing = bench_browser.measure_first_render(data_dir, screenshot=shot, timeout_s=120)
    assert timing.tiles >= 4  # Conversations, response rate, median response, ...
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert timing.warm_up_s is not None and timing.warm_up_s >= 0
    for seconds in (timing.warm_s, timing.repeat_s, timing.cold_s):
        assert isinstance(seconds, float) and seconds > 0


@needs_chromium
@pytest.mark.e2e
def test_bench_prints_the_browser_row_with_its_target(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dashboard.cli import main

    out_file = tmp_path / "BENCHMARKS.md"
    code = main(
        [
            "bench",
            "--rows",
            str(ROWS),
            "--data",
            str(data_dir),
            "--runs",
            "1",
            "--no-peers",
            "--cli-runs",
            "0",
            "--browser",
            "--append",
            str(out_file),
        ]
    )
    assert code == 0
    text = out_file.read_text(encoding="utf-8")
    row = next(
        line
        for line in text.splitlines()
        if line.startswith("| overview first render (Chromium) |")
    )
    assert "cold" in row and "repeat" in row and "2.5 s" in row
    # every view's first chart, default and heaviest filter, timed in seconds
    from dashboard.bench.browser import PAGE_VIEWS

    for label in PAGE_VIEWS:
        line = next(x for x in text.splitlines() if x.startswith(f"| first chart: {label} |"))
        assert line.split("|")[2].strip().endswith(" s"), line
    assert "Chromium" in capsys.readouterr().out  # the printed table has the row too


def test_bench_without_browser_has_no_browser_row(data_dir: Path, tmp_path: Path) -> None:
    from dashboard.cli import main

    out_file = tmp_path / "BENCHMARKS.md"
    assert (
        main(
            [
                "bench",
                "--rows",
                str(ROWS),
                "--data",
                str(data_dir),
                "--runs",
                "1",
                "--no-peers",
                "--cli-runs",
                "0",
                "--no-browser",
                "--append",
                str(out_file),
            ]
        )
        == 0
    )
    assert "first render" not in out_file.read_text(encoding="utf-8")
