"""Two `chi serve --public` behind a sticky proxy (scripts/sticky_proxy.py), opened in
Debian's Chromium: two visitors land on different backends, each visitor's requests and
websocket stay on its backend, and both see the board (README, "Several servers")."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e_server import chi_server, chromium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import sticky_proxy  # noqa: E402

DEMO_ROWS = 2_000


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def balanced(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("balanced") / "data"
    # entered in order: the first server generates the demo the second one reads
    with (
        chi_server(data_dir, public=True, demo_rows=DEMO_ROWS) as first,
        chi_server(data_dir, public=True) as second,
    ):
        backends = [("localhost", urlsplit(u).port or 80) for u in (first, second)]
        with sticky_proxy.running(backends) as (url, proxy):
            yield url, proxy


def test_two_visitors_land_on_both_backends_and_each_stays_on_its_own(browser, balanced):
    url, proxy = balanced
    landed = []
    for _ in range(2):  # two visitors: separate browser contexts, separate cookies
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/board")
        page.wait_for_selector(".chi-row", timeout=60_000)  # the board's rows rendered
        assert page.locator(".chi-row").count() >= 1
        cookie = {c["name"]: c["value"] for c in context.cookies()}[sticky_proxy.COOKIE]
        landed.append(int(cookie))
        context.close()
    assert sorted(landed) == [0, 1]
    sockets = [c for c in proxy.connections if c.websocket]
    assert {c.backend for c in sockets} == {0, 1}  # a Streamlit session on each
    assert all(c.had_cookie for c in sockets)  # opened after the page set the cookie
    first_requests = [c for c in proxy.connections if not c.had_cookie]
    assert [c.backend for c in first_requests] == [0, 1]  # only the two page loads
