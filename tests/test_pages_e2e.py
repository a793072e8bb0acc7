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


def test_a_new_visit_sees_each_chart_as_an_image_then_plotly_draws_over_it(browser, app_url):
    # dashboard/ui/first_paint.py: the first run sends images of the charts; once the
    # browser has painted them, a fragment run sends Plotly's charts into the same cells
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{app_url}/overview")
    image = page.locator("img.chi_first_paint").first
    image.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert image.get_attribute("src").startswith("data:image/svg+xml;base64,")
    cell = page.locator(".st-key-chi_first_paint_0")
    chart = cell.locator(".js-plotly-plot")
    chart.wait_for(state="visible", timeout=TIMEOUT_MS)
    # the chart covers its image: same cell, same top edge, the image no wider
    under, over = image.bounding_box(), chart.bounding_box()
    assert abs(under["y"] - over["y"]) < 2
    assert under["width"] <= over["width"] + 2
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors
    # the visit's later pages get Plotly's charts at once, with no images
    page.get_by_role("link", name="Happiness index").first.click()
    page.locator(".js-plotly-plot >> visible=true").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("img.chi_first_paint").count() == 0
    context.close()
