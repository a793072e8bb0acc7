"""End to end in Debian's Chromium: the public board embedded in an iframe of a page
served from another origin, the feeds on the real server (CORS from that origin), and the
static export opened from file:// with no network at all."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dashboard.core.config import load_config
from dashboard.data import connection
from dashboard.web.static_export import export_public
from tests.e2e_server import chi_server, chromium, serve_directory
from tests.test_public import HIDDEN_INDEX, secrets, write

pytestmark = pytest.mark.e2e
APP_PORTS = range(8641, 8650)
HOST_PORTS = range(8650, 8660)
TIMEOUT_MS = 45_000


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("public-e2e") / "data")


@pytest.fixture(scope="module")
def app_url(data_dir):
    with chi_server(data_dir, public=True, ports=APP_PORTS) as url:
        yield url


@pytest.fixture(scope="module")
def host_url(app_url, tmp_path_factory):
    """A page on http://127.0.0.1:<other port> embedding the board and the card."""
    site = tmp_path_factory.mktemp("host")
    (site / "index.html").write_text(
        "<!doctype html><html><body><h1>A news site</h1>"
        f'<iframe id="board" src="{app_url}/board?embed=true" width="360" height="760" '
        'style="border:1px solid #ccc"></iframe>'
        f'<iframe id="card" src="{app_url}/brand?brand=acme&embed=true" width="600" '
        'height="520"></iframe></body></html>'
    )
    with serve_directory(site, ports=HOST_PORTS) as url:
        yield url


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def test_board_renders_its_numbers_inside_an_iframe_of_another_origin(browser, host_url, tmp_path):
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.goto(f"{host_url}/index.html")
    board = page.frame_locator("#board")
    acme = board.locator('.chi-row[data-brand="acme"]')
    acme.locator(".chi-index").wait_for(timeout=TIMEOUT_MS)
    assert acme.locator(".chi-index").inner_text() == "65.6"
    assert "−19.4 pts" in acme.inner_text()
    assert board.locator(".chi-row").count() == 3
    assert "n<3" in board.locator('.chi-row[data-brand="globex"]').inner_text()
    card = page.frame_locator("#card")
    card.locator(".chi-card .chi-index").wait_for(timeout=TIMEOUT_MS)
    assert card.locator(".chi-card .chi-index").inner_text() == "65.6"
    page.screenshot(path=str(tmp_path / "embedded.png"), full_page=True)
    frame_text = board.locator("body").inner_text() + card.locator("body").inner_text()
    for secret in secrets():
        assert secret not in frame_text
    assert HIDDEN_INDEX not in frame_text
    page.close()


def test_board_fits_a_360_px_wide_frame_without_sideways_scrolling(browser, host_url):
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.goto(f"{host_url}/index.html")
    page.frame_locator("#board").locator(".chi-row").first.wait_for(timeout=TIMEOUT_MS)
    frame = page.locator("#board").element_handle().content_frame()
    widths = frame.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1] <= 360
    page.close()


def test_board_url_is_a_real_page_in_public_mode(browser, app_url):
    page = browser.new_page()
    page.goto(f"{app_url}/board?embed=true")
    page.locator(".chi-row").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)
    assert page.get_by_text("Page not found").count() == 0
    page.close()


def test_feed_is_readable_by_a_script_on_another_origin(browser, host_url, app_url):
    page = browser.new_page()
    page.goto(f"{host_url}/index.html")
    feed = page.evaluate("url => fetch(url).then(r => r.json())", f"{app_url}/api/index.json")
    assert [b["brand"] for b in feed["brands"]] == ["Acme", "Globex", "Initech"]
    assert feed["brands"][0]["index"] == 65.6
    page.close()


def test_real_server_serves_json_badges_304_and_404(app_url):
    status, headers, body = get(f"{app_url}/api/index.json")
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert headers["cache-control"] == "public, max-age=300"
    request = urllib.request.Request(
        f"{app_url}/api/index.json", headers={"If-None-Match": headers["etag"]}
    )
    assert get_status(request) == 304
    status, headers, svg = get(f"{app_url}/api/badge/acme.svg")
    assert status == 200 and headers["content-type"].startswith("image/svg+xml")
    ET.fromstring(svg)
    status, _, body = get(f"{app_url}/api/brands/secret-co.json")
    assert status == 404 and "error" in json.loads(body)


def get_status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


def test_public_mode_has_no_private_pages(browser, app_url):
    page = browser.new_page()
    page.goto(f"{app_url}/")
    page.locator(".chi-row").first.wait_for(timeout=TIMEOUT_MS)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Public board" in nav and "Methodology" in nav
    assert "Upload" not in nav and "overview" not in nav.lower()
    page.close()


def test_static_export_works_from_file_with_no_network(browser, data_dir, tmp_path):
    config = load_config(data_dir)
    export_public(connection.connect(data_dir, config), config, tmp_path / "site")
    page = browser.new_page(viewport={"width": 360, "height": 800})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((tmp_path / "site" / "index.html").as_uri())
    assert page.locator('.chi-row[data-brand="acme"] .chi-index').inner_text() == "65.6"
    assert page.locator(".chi-spark svg").count() == 3
    assert all(url.startswith("file://") for url in requested)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


def test_a_private_url_in_public_mode_says_it_is_not_on_the_public_board(browser, app_url):
    page = browser.new_page()
    page.goto(f"{app_url}/people")
    page.get_by_text("is not available on the public board").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Go to the public board").count() == 1
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "People" not in nav  # still out of the menu
    assert page.locator(".chi-row").count() == 0  # and not the board shown silently
    page.close()
    status, _, body = get(f"{app_url}/api/nothing")
    assert status == 404 and json.loads(body)["error"].startswith("no such feed")
