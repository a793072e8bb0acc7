"""Layout in a real browser (Debian Chromium) at 360 and 1280 px on a demo (issue 17):
no tile label or value cut, the index tile above the fold on a phone, the Happiness
legend never squeezing the plot, every heatmap channel label present, the channel
buttons within the screen."""

from __future__ import annotations

import pytest

from tests.e2e_server import chi_server, chromium

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 90_000
WIDTHS = (360, 1280)
FOLD_PX = 740  # a phone's visible height


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    empty = tmp_path_factory.mktemp("empty") / "data"
    with chi_server(empty, demo_rows=20_000) as url:
        yield url


def open_page(browser, app_url, path: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": FOLD_PX})
    page.goto(f"{app_url}/{path}")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stException']").count() == 0
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_overview_tiles_are_never_cut_and_the_index_leads(browser, app_url, width):
    page = open_page(browser, app_url, "overview", width)
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=TIMEOUT_MS)
    cut = page.evaluate(
        """() => [...document.querySelectorAll(
             "[data-testid='stMetricLabel'] p, [data-testid='stMetricValue'] div,"
             + " [data-testid='stMetricValue']")]
           .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
    )
    assert cut == []
    # and no tile runs past the page's column
    past = page.evaluate(
        """() => [...document.querySelectorAll("[class*='st-key-kpi_tile_']")]
           .filter(t => t.getBoundingClientRect().right >
                        t.closest("[data-testid='stMainBlockContainer']")
                         .getBoundingClientRect().right + 1).length"""
    )
    assert past == 0
    first = page.locator("[data-testid='stMetricLabel']").first.inner_text()
    assert first.startswith("Happiness index")
    box = page.locator(".st-key-lead_tile").bounding_box()
    assert box["y"] + box["height"] / 2 < FOLD_PX  # above the fold
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_happiness_legend_leaves_the_plot_its_height(browser, app_url, width):
    page = open_page(browser, app_url, "happiness", width)
    plot = page.locator(".js-plotly-plot .nsewdrag").first
    plot.wait_for(timeout=TIMEOUT_MS)
    assert plot.bounding_box()["height"] >= 250
    page.close()


def test_heatmap_keeps_every_channel_label_on_a_phone(browser, app_url):
    page = open_page(browser, app_url, "consistency", 360)
    page.locator(".js-plotly-plot .xtick text").first.wait_for(timeout=TIMEOUT_MS)
    channels, ticks = page.evaluate(
        """() => { const plot = document.querySelector('.js-plotly-plot');
                   return [plot.data[0].x,
                           [...plot.querySelectorAll('.xtick text')].map(t => t.textContent)]; }"""
    )
    assert len(channels) >= 4 and sorted(ticks) == sorted(channels)
    page.close()


def test_channel_buttons_stay_on_a_phone_screen(browser, app_url):
    page = open_page(browser, app_url, "engagement", 360)
    buttons = page.locator("[data-testid='stButtonGroup'] button")
    buttons.first.wait_for(timeout=TIMEOUT_MS)
    right = max(b["x"] + b["width"] for b in (x.bounding_box() for x in buttons.all()))
    assert right <= 360
    page.close()
