"""The digest's HTML in Debian's Chromium, opened from file:// as a mail client's
preview would: no request leaves the page, no script runs (a brand named as markup
stays text), and every SVG chart is drawn with a size. A screenshot goes to
/work/snap/shots-digest/ when that folder exists (else the test's tmp dir)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pytest

from dashboard.charts.digest_html import render_html
from dashboard.core.config import load_config
from dashboard.core.formatting import WORD_JOINER
from dashboard.data import connection
from dashboard.views.digest import digest
from tests.digest_data import (
    HOSTILE,
    WEEK_FROM,
    WEEK_TO,
    alerts_frame,
    movers_frame,
    topics_frame,
    write_digest_data,
)
from tests.e2e_server import chromium

pytestmark = pytest.mark.e2e
SHOTS = Path("/work/snap/shots-digest")


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def digest_file(tmp_path: Path) -> Path:
    data_dir = write_digest_data(tmp_path / "data")
    config = load_config(data_dir)
    made = digest(connection.connect(data_dir, config), config, "week")
    made = dataclasses.replace(
        made,
        alerts=alerts_frame().filter(pl.col("day").is_between(WEEK_FROM, WEEK_TO)),
        movers=movers_frame(),
        topics=topics_frame(),
    )
    path = tmp_path / "digest.html"
    path.write_text(render_html(made), encoding="utf-8")
    return path


def test_digest_renders_offline_with_visible_charts_and_no_script(browser, digest_file, tmp_path):
    page = browser.new_page(viewport={"width": 720, "height": 900})
    requested: list[str] = []

    def record(route) -> None:
        requested.append(route.request.url)
        route.continue_()

    page.route("**/*", record)
    page.goto(digest_file.as_uri())
    page.wait_for_load_state("load")
    # the file itself is the only request (no font, image, style sheet or beacon)
    assert requested == [digest_file.as_uri()]
    # the hostile brand is text, its script and onerror never ran
    assert page.evaluate("window.__pwned") is None
    assert page.locator("script, img, iframe, link").count() == 0
    # shown as typed (the invisible word joiners that stop autolinks aside)
    assert HOSTILE in page.locator("body").inner_text().replace(WORD_JOINER, "")
    # every chart is drawn: 3 brand sparklines (the hostile brand has none), Acme's
    # bars of what moved it, 2 movers, 2 alerts and 2 topics
    charts = page.locator("svg")
    assert charts.count() == 2 + 1 + 2 + 2 + 2
    for k in range(charts.count()):
        box = charts.nth(k).bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, k
    assert page.locator("[data-brand=Acme] [data-index]").inner_text() == "87.5"
    assert page.locator("[data-section=alerts] tr").count() == 1 + 2  # the head, 2 alerts
    # it fits a 640 px email column without sideways scrolling at 720 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 720
    shots = SHOTS if SHOTS.is_dir() else tmp_path
    page.screenshot(path=str(shots / "digest-e2e.png"), full_page=True)
    page.close()


def test_digest_fits_a_phone(browser, digest_file):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(digest_file.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()
