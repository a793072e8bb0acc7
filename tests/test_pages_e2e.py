"""In a real browser (Debian Chromium): `chi serve` on an empty data dir generates the
demo, every private page draws its chart without an error, and a shared link with
filters opens the same view."""

from __future__ import annotations

import pytest

from tests.e2e_server import chi_server, chromium

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 90_000
PAGES = ("overview", "happiness", "engagement", "consistency", "people")


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    empty = tmp_path_factory.mktemp("empty") / "data"
    with chi_server(empty, demo_rows=20_000) as url:
        yield url


@pytest.mark.parametrize("path", PAGES)
def test_page_draws_its_chart_without_an_error(browser, app_url, path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/{path}")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_shared_link_opens_the_same_filtered_view(browser, app_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/overview?brand=Skyline+Air&from=2025-06-01&to=2025-06-30")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
    caption = page.get_by_text("01 Jun 2025 – 30 Jun 2025").first
    caption.wait_for(timeout=TIMEOUT_MS)
    assert "Skyline Air" in caption.inner_text()
    page.close()
