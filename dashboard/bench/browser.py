"""`chi bench --browser`: the overview's first render in headless Chromium.

What is timed (DESIGN.md target: <= 2.5 s at 10M interactions): a brand-new browser
context (no HTTP cache, no cookies, no Streamlit session) navigates to /overview of a
real `chi serve`; the clock runs from the navigation request until the KPI tiles and
the Plotly trend chart are visible. The browser process is launched beforehand (not
timed). Three figures, each on a new context:

- warm (the headline, Result.browser_s): the server has started and its warm-up
  (dashboard/web/warmup.py: the shared DuckDB connection; `chi serve` refreshed the rollups first)
  has ended - GET /ready answers 200. Streamlit's data caches are still empty: this is
  the first visitor after a deploy or restart once the server is ready.
- repeat: a second new context right after; the page's data calls now come from
  Streamlit's cache shared by sessions (what later visitors get).
- cold: a second server started with CHI_WARMUP=0, navigated as soon as
  /_stcore/health answers: the first visitor pays for the connection build, as before
  the warm-up existed. It runs after the warm server, so a stale rollup has already
  been refreshed by then and is not part of this figure; the OS file cache is warm.

Playwright (a dev dependency) and Debian's /usr/bin/chromium are needed: see
`unavailable()`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.core import settings
from dashboard.data.store import has_data

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TARGET_S = 2.5  # DESIGN.md, performance: overview first render at 10M interactions
PAGE = "overview"
TILES = "[data-testid='stMetric']"
PLOTLY = ".js-plotly-plot"
# a new visit's first run shows each chart as an image of the figure until Plotly's
# script has run and draws it over the image (dashboard/ui/first_paint.py): either is
# the chart the reader sees; PLOTLY alone is the chart they can hover
CHART = f"{PLOTLY}, img.chi_first_paint"
VISIBLE = " >> visible=true"
FAILED = "[data-testid='stException'], [data-testid='stAlertContentError']"
VIEWPORT = {"width": 1400, "height": 1000}


class RenderError(RuntimeError):
    """The overview did not render (server died, timed out, or showed an error)."""


@dataclass
class BrowserTiming:
    warm_s: float  # new context, server warmed, Streamlit caches empty
    repeat_s: float  # new context again, Streamlit caches hot
    cold_s: float | None = None  # new server without warm-up, navigated once healthy
    warm_up_s: float | None = None  # the server's warm-up, as /ready reports it
    tiles: int = 0  # KPI tiles seen on the warm render
    screenshot: Path | None = None
    notes: list[str] = field(default_factory=list)


def unavailable() -> str | None:
    """Why the browser timing cannot run here, or None when it can."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (uv sync --group dev)"
    return None


def first_render_seconds(
    data_dir: Path, config_path: Path | None = None, port: int | None = None
) -> float:
    """Seconds to the overview's first render in a new browser context on a warmed
    `chi serve` (see the module docstring); `port` None picks a free one."""
    return measure_first_render(data_dir, config_path, port, cold=False).warm_s


def measure_first_render(
    data_dir: Path,
    config_path: Path | None = None,
    port: int | None = None,
    *,
    cold: bool = True,
    screenshot: Path | None = None,
    timeout_s: float = 900.0,
) -> BrowserTiming:
    """Warm, repeat and (with `cold`) cold first-render seconds of the overview."""
    problem = unavailable()
    if problem:
        raise RenderError(problem)
    data_dir = Path(data_dir)
    if not has_data(data_dir):  # `chi serve` would generate a demo: not what is measured
        raise RenderError(f"no interaction data in {data_dir}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            with chi_serve(data_dir, config_path, port, warm_up=True, timeout_s=timeout_s) as url:
                warm_up_s = wait_until_warm(url, timeout_s)
                warm_s, tiles = render_once(browser, url, screenshot=screenshot)
                repeat_s, _ = render_once(browser, url)
            timing = BrowserTiming(
                warm_s, repeat_s, warm_up_s=warm_up_s, tiles=tiles, screenshot=screenshot
            )
            if cold:
                with chi_serve(
                    data_dir, config_path, port, warm_up=False, timeout_s=timeout_s
                ) as url:
                    timing.cold_s, _ = render_once(browser, url)
        finally:
            browser.close()
    return timing


def render_once(
    browser: Any, base_url: str, timeout_s: float = 900.0, screenshot: Path | None = None
) -> tuple[float, int]:
    """(seconds, KPI tiles) for a new context's navigation to the overview until its
    tiles and chart are visible. Raises RenderError when the page shows an error."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        timeout_ms = timeout_s * 1000
        started = time.perf_counter()
        page.goto(f"{base_url}/{PAGE}", wait_until="commit", timeout=timeout_ms)
        # the first of tiles / error to show up; then the chart below the tiles
        page.locator(f"{TILES}, {FAILED}").first.wait_for(state="visible", timeout=timeout_ms)
        if page.locator(FAILED).count():
            raise RenderError(
                f"the overview showed an error: {page.locator(FAILED).first.inner_text()[:300]}"
            )
        page.locator(CHART + VISIBLE).first.wait_for(state="visible", timeout=timeout_ms)
        seconds = time.perf_counter() - started
        tiles = page.locator(TILES).count()
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
        return seconds, tiles
    finally:
        context.close()


# each page's first view, then its heaviest filter (`{first}`/`{last}`: the first and
# last day with data); the clock stops at the page's first chart
PAGE_VIEWS: dict[str, str] = {
    "overview": "overview",
    "happiness": "happiness",
    "engagement": "engagement",
    "consistency": "consistency",
    "people": "people",
    "topics": "topics",
    "board": "board",
    "overview, heaviest filter": "overview?from={first}&to={last}&grain=day",
    "happiness, heaviest filter": "happiness?from={first}&to={last}&grain=day&by=brand%2Cchannel",
    "engagement, heaviest filter": "engagement?from={first}&to={last}",
    "consistency, heaviest filter": "consistency?from={first}&to={last}",
    "people, heaviest filter": "people?from={first}&to={last}",
    "topics, heaviest filter": "topics?from={first}&to={last}",
}
# what counts as the view's first chart: a Plotly chart; the board draws its rows in HTML
# (or says that no brand is published)
FIRST_CHART: dict[str, str] = {"board": ".chi-row, [data-testid='stAlert']"}
FIRST_CHART_TARGET_S = 2.0  # issue 19: the first chart of any view, any filter, at 10M


def first_chart_seconds(
    data_dir: Path,
    first_day: str,
    last_day: str,
    config_path: Path | None = None,
    timeout_s: float = 300.0,
) -> tuple[dict[str, float | str], dict[str, float]]:
    """Seconds from a new context's navigation to each PAGE_VIEWS view's first chart
    on one warmed `chi serve` (Streamlit's caches empty for each view's first visit);
    a view that fails gives its error text instead. Second: the seconds until that
    view's first Plotly chart (the one a reader can hover) is drawn."""
    from playwright.sync_api import sync_playwright

    found: dict[str, float | str] = {}
    hoverable: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            with chi_serve(data_dir, config_path, None, warm_up=True, timeout_s=900) as url:
                wait_until_warm(url, 900)
                for label, path in PAGE_VIEWS.items():
                    target = path.format(first=first_day, last=last_day)
                    try:
                        chart = FIRST_CHART.get(label, CHART)
                        seen, hover = _first_chart(browser, f"{url}/{target}", chart, timeout_s)
                        found[label] = seen
                        if hover is not None:
                            hoverable[label] = hover
                    except RenderError as exc:
                        found[label] = str(exc)[:200]
        finally:
            browser.close()
    return found, hoverable


def _first_chart(
    browser: Any, address: str, chart: str, timeout_s: float
) -> tuple[float, float | None]:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(address, wait_until="commit", timeout=timeout_s * 1000)
        # a traceback ends the wait (a red alert box may be content: "Hollow audiences")
        crashed = "[data-testid='stException']"
        first = page.locator(f"{chart}, {crashed}{VISIBLE}").first
        try:
            first.wait_for(state="visible", timeout=timeout_s * 1000)
        except Exception as exc:  # Playwright's TimeoutError: no chart within the time
            raise RenderError(f"no chart within {timeout_s:.0f} s") from exc
        seen = time.perf_counter() - started
        if page.locator(crashed).count():
            raise RenderError(f"error: {page.locator(crashed).first.inner_text()[:150]}")
        if PLOTLY not in chart:
            return seen, None
        page.locator(PLOTLY + VISIBLE).first.wait_for(state="visible", timeout=timeout_s * 1000)
        return seen, time.perf_counter() - started
    finally:
        context.close()


def wait_until_warm(base_url: str, timeout_s: float = 900.0) -> float | None:
    """Poll GET /ready until the warm-up has ended; its duration in seconds."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/ready", timeout=5) as reply:
                status = json.loads(reply.read())
                if status.get("state") == "failed":
                    raise RenderError(f"the server's warm-up failed: {status.get('error')}")
                return status.get("warm_up_s")
        except urllib.error.HTTPError as exc:
            if exc.code != 503:  # 503: still warming
                raise RenderError(f"{base_url}/ready answered {exc.code}") from exc
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RenderError(f"the server did not finish warming up within {timeout_s:.0f} s")


@contextlib.contextmanager
def chi_serve(
    data_dir: Path,
    config_path: Path | None = None,
    port: int | None = None,
    *,
    warm_up: bool = True,
    timeout_s: float = 900.0,
) -> Iterator[str]:
    """`chi serve --data DIR` in its own process group (killed whole on exit);
    yields its base URL once /_stcore/health answers 200."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "dashboard.cli",
        "serve",
        "--data",
        str(data_dir),
        "--port",
        str(port),
        "--host",
        "localhost",
    ]
    if config_path is not None:
        command += ["--config", str(config_path)]
    env = {k: v for k, v in os.environ.items() if k not in settings.VARIABLES}
    env[settings.WARMUP] = "1" if warm_up else "0"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        base_url = f"http://localhost:{port}"
        try:
            try:
                wait_for_health(base_url, process, timeout_s)
            except RenderError as exc:
                log.seek(0)
                tail = log.read()[-2000:].decode(errors="replace")
                raise RenderError(f"{exc}:\n{tail}") from exc
            yield base_url
        finally:
            stop(process)


def wait_for_health(
    base_url: str, process: subprocess.Popen | None = None, timeout_s: float = 90.0
) -> None:
    """Poll /_stcore/health until it answers 200; RenderError when `process` exits
    first or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RenderError(f"chi serve exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RenderError(f"{base_url} did not become healthy within {timeout_s:.0f} s")


def stop(process: subprocess.Popen, timeout_s: float = 10.0) -> None:
    """SIGTERM the server's process group, SIGKILL what lingers, and wait until the
    whole group is gone (`chi serve` runs Streamlit as a child: a survivor would still
    hold the port and answer the next server's health check)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            process.poll()  # reap the leader, else it stays a zombie in the group
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def table_rows(result: Any) -> list[list[str]]:
    """The bench table's row for the browser timing (none when it was not measured);
    `result` is a dashboard.bench.Result."""
    if result.browser_s is None:
        return []
    extra = [f"repeat {result.browser_repeat_s:.2f} s"] if result.browser_repeat_s else []
    if result.browser_cold_s is not None:
        extra.insert(0, f"cold {result.browser_cold_s:.2f} s")
    text = f"{result.browser_s:.2f} s" + (f" ({', '.join(extra)})" if extra else "")
    met = (
        "met" if result.browser_s <= TARGET_S else f"missed by {result.browser_s - TARGET_S:.2f} s"
    )
    return [["overview first render (Chromium)", text, "", "", "", f"{met} (≤ {TARGET_S} s)"]]
