"""A real `chi serve --public` over HTTP: what it refuses (dashboard/web/guard.py,
PUBLIC_FLAGS in dashboard/commands/serve.py) and how fast a kept-alive connection
answers (dashboard/web/nodelay.py).

The private server on the same data is the control: the same upload, made the way
Streamlit's file uploader makes it (a live session, the XSRF cookie and token), is
accepted there (204), so a refusal in public mode is the guard's and not a flaw of
the probe. Both servers run on a 2,000-row demo.
"""

from __future__ import annotations

import http.client
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e_server import chi_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from streamlit_client import upload_attempt  # noqa: E402

DEMO_ROWS = 2_000


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("serve-http") / "data"
    # entered in order: the public server generates the demo the private one reads
    with (
        chi_server(data_dir, public=True, demo_rows=DEMO_ROWS) as public_url,
        chi_server(data_dir, public=False) as private_url,
    ):
        yield {"public": public_url, "private": private_url}


def get(url: str, path: str) -> tuple[int, bytes]:
    parts = urlsplit(url)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        con.request("GET", path)
        response = con.getresponse()
        return response.status, response.read()
    finally:
        con.close()


def test_public_mode_refuses_an_upload_from_a_live_session(servers):
    assert upload_attempt(servers["private"]) == 204  # the probe works: accepted there
    assert upload_attempt(servers["public"]) == 403


def test_public_mode_refuses_a_large_upload_without_reading_it(servers):
    status = upload_attempt(servers["public"], b"x" * 5_000_000)
    assert 400 <= status < 500


def test_public_mode_serves_no_metrics(servers):
    assert get(servers["private"], "/_stcore/metrics")[0] == 200  # Streamlit's default
    status, body = get(servers["public"], "/_stcore/metrics")
    assert status == 404 and b"session" not in body


def test_public_mode_serves_no_agent_api(servers):
    assert get(servers["public"], "/_stcore/agent/openapi.json")[0] == 404


def test_public_mode_still_serves_the_board_and_the_feeds(servers):
    assert get(servers["public"], "/_stcore/health")[0] == 200
    assert get(servers["public"], "/board")[0] == 200
    status, body = get(servers["public"], "/api/index.json")
    assert status == 200 and b'"brands"' in body
    status, body = get(servers["public"], "/api/movers.json")
    assert status == 200 and b'"up"' in body and b'"down"' in body


@pytest.mark.parametrize("mode", ["public", "private"])
def test_kept_alive_requests_do_not_wait_for_a_delayed_ack(servers, mode):
    """Before TCP_NODELAY every request after the first on one connection took ~44 ms
    (Nagle holding the body until the client's delayed ACK of the headers); now ~1 ms.
    The bound, 20 ms, is half the stall: a loaded machine does not reach it."""
    parts = urlsplit(servers[mode])
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    took = []
    try:
        for _ in range(21):
            started = time.perf_counter()
            con.request("GET", "/api/methodology.json")
            response = con.getresponse()
            response.read()
            assert response.status == 200 and not response.will_close
            took.append(time.perf_counter() - started)
    finally:
        con.close()
    assert statistics.median(took[1:]) < 0.020, [round(t * 1000, 1) for t in took]
