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


def test_a_new_visit_fetches_the_chart_library_before_the_figures_arrive(browser, app_url):
    # dashboard/ui/prefetch.py: the hidden empty chart is the page's first element, so
    # the browser asks for Plotly's script before the KPI tiles (computed after it)
    # need their own script; once the page has run, only the page's charts are left
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url.rsplit("/", 1)[-1]))
    page.goto(f"{app_url}/overview")
    page.locator(".js-plotly-plot >> visible=true").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => !document.querySelector('.st-key-chi_chart_prefetch')", timeout=TIMEOUT_MS
    )
    plotly = next(i for i, name in enumerate(requested) if name.startswith("PlotlyChart."))
    metric = next(i for i, name in enumerate(requested) if name.startswith("Metric."))
    assert plotly < metric, requested
    charts = page.locator(".js-plotly-plot")
    assert charts.count() == page.locator(".js-plotly-plot >> visible=true").count() >= 1
    context.close()
