"""Reusable end-to-end helpers: a real `chi serve` on a free port, a static file server
for pages of another origin, and Debian's Chromium through Playwright.

    from tests.e2e_server import chi_server, chromium, serve_directory

    @pytest.fixture(scope="session")
    def browser():
        with chromium() as launched:
            yield launched

    @pytest.fixture(scope="module")
    def app_url(tmp_path_factory):
        data_dir = ...  # write data (and a chi.toml) first
        with chi_server(data_dir, public=True) as url:
            yield url  # e.g. "http://localhost:8641"

    def test_x(browser, app_url):
        page = browser.new_page()
        ...

`chromium()` skips the test with a clear message when /usr/bin/chromium is absent.
The server runs in its own process group and is killed (group-wide) on exit.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from dashboard.bench.browser import CHROMIUM, CHROMIUM_ARGS, RenderError, stop, wait_for_health

START_TIMEOUT_S = 90.0


def free_port(candidates: Iterable[int] | None = None, host: str = "127.0.0.1") -> int:
    """The first of `candidates` nobody listens on, else any free port from the OS."""
    for port in candidates or ():
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def chi_server(
    data_dir: Path,
    *,
    public: bool = False,
    config: Path | None = None,
    port: int | None = None,
    ports: Iterable[int] | None = None,
    demo_rows: int = 20_000,
    timeout_s: float = START_TIMEOUT_S,
) -> Iterator[str]:
    """Run `chi serve` against `data_dir` and yield its base URL (http://localhost:PORT).

    `port` pins the port; else the first free one of `ports`, else any free port.
    An empty data dir gets a demo of `demo_rows` rows first (as `chi serve` does).
    """
    port = port or free_port(ports)
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
        "--demo-rows",
        str(demo_rows),
    ]
    if public:
        command.append("--public")
    if config is not None:
        command += ["--config", str(config)]
    env = {k: v for k, v in os.environ.items() if k not in ("CHI_DATA", "CHI_PUBLIC", "CHI_CONFIG")}
    handle, name = tempfile.mkstemp(prefix="chi-serve-", suffix=".log")
    log_path = Path(name)
    with os.fdopen(handle, "wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )  # its own group: killed whole
    base_url = f"http://localhost:{port}"
    try:
        try:
            wait_for_health(base_url, process, timeout_s)
        except RenderError as exc:
            output = log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{exc}\n--- chi serve output ---\n{output}") from exc
        yield base_url
    finally:
        stop(process)
        log_path.unlink(missing_ok=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_directory(
    directory: Path,
    *,
    port: int | None = None,
    ports: Iterable[int] | None = None,
    host: str = "127.0.0.1",
) -> Iterator[str]:
    """Serve `directory` over HTTP in a thread; yields http://HOST:PORT. Use host
    127.0.0.1 against an app at localhost to get a different origin (and site)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((host, port or free_port(ports, host)), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Debian Chromium (Playwright Browser); skips the calling test when
    /usr/bin/chromium is absent. Wrap it in a fixture of your test module."""
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
