"""In a real browser (Debian Chromium): on a private page over data whose brand names
and agent ids are HTML links (tests/hostile_data.py), and with a Markdown link as the
brand in the URL, the DOM holds no link to evil.example, while the names themselves
are shown as text (a legend entry reads the tag literally)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.e2e_server import chi_server, chromium
from tests.hostile_data import BOLD_LINK, DAY, EVIL, PHISH, write_hostile_data

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 90_000
LINKS = (
    "Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href') || "
    "a.getAttribute('xlink:href') || '')"
)


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    data_dir = write_hostile_data(tmp_path_factory.mktemp("hostile") / "data")
    with chi_server(data_dir) as url:
        yield url


def test_the_happiness_page_has_no_link_from_the_data_or_the_url(browser, app_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    query = urlencode([("from", DAY), ("to", DAY), ("brand", PHISH), ("brand", BOLD_LINK)])
    page.goto(f"{app_url}/happiness?{query}")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
    # the notice of the link's brand, literally
    notice = page.get_by_text("Ignored unknown brand value(s) from the link").first
    notice.wait_for(timeout=TIMEOUT_MS)
    read = notice.inner_text().replace("\u2060", "")  # the invisible autolink breaks
    assert PHISH in read and BOLD_LINK in read
    # the brand from the data, literally, as a legend entry of the trend chart
    legend = page.locator(".js-plotly-plot .legendtext", has_text="ClickMe").first
    legend.wait_for(timeout=TIMEOUT_MS)
    assert legend.text_content() == EVIL
    hrefs = page.evaluate(LINKS)
    assert hrefs, "the page has links of its own (navigation)"
    assert not [h for h in hrefs if "evil.example" in h]
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
