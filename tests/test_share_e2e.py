"""Exports, links and embeds in a real browser (Debian Chromium) on the demo data: no
page requests any host but the server, downloads save what their names say, a link
keeps its dates, an unknown path says so, the board wraps at 320 px without breaking a
word, embedded frames fit their content, and a badge of a brand not on the board is an
image, not a broken one."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dashboard.ui.public import RESIZE_MESSAGE
from tests.e2e_server import chi_server, chromium, serve_directory

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 90_000
PRIVATE_PAGES = (
    "overview",
    "happiness",
    "engagement",
    "consistency",
    "people",
    "topics",
    "board",
    "brand?brand=bluebird-bank",
    "methodology",
    "upload",
    "doesnotexist",
)
PUBLIC_PAGES = ("board", "board?embed=true", "brand?brand=bluebird-bank", "methodology", "overview")
# the documented iframe heights (README, "Embed it"): enough for the demo's six public
# brands at desktop width; the resize script fits any width and any number of brands
BOARD_HEIGHT, CARD_HEIGHT = 760, 480


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("share") / "data"


@pytest.fixture(scope="module")
def app_url(data_dir):
    with chi_server(data_dir, demo_rows=20_000) as url:  # writes the demo first
        yield url


@pytest.fixture(scope="module")
def public_url(app_url, data_dir):
    with chi_server(data_dir, public=True) as url:
        yield url


def settled(page, path: str) -> None:
    """Wait until the page has drawn: its heading (or the board) and no request left."""
    page.locator("[data-testid='stMain'] h1, .chi-row, .chi-card").first.wait_for(
        timeout=TIMEOUT_MS
    )
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)


def hosts_requested(browser, base: str, paths: tuple[str, ...]) -> dict[str, set[str]]:
    """Per page: every host the browser asked for (documents, scripts, images, fonts,
    the favicon) and every favicon link the page declares."""
    found: dict[str, set[str]] = {}
    for path in paths:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        hosts: set[str] = set()
        page.on("request", lambda r, hosts=hosts: hosts.add(urlsplit(r.url).netloc))
        page.goto(f"{base}/{path}")
        settled(page, path)
        icons = page.evaluate(
            "() => [...document.querySelectorAll('link[rel*=icon]')].map(l => l.href)"
        )
        hosts |= {urlsplit(i).netloc for i in icons if not i.startswith("data:")}
        found[path] = hosts - {""}
        page.close()
    return found


def test_no_private_page_requests_another_host(browser, app_url):
    server = urlsplit(app_url).netloc
    for path, hosts in hosts_requested(browser, app_url, PRIVATE_PAGES).items():
        assert hosts == {server}, path


def test_no_public_page_requests_another_host(browser, public_url):
    server = urlsplit(public_url).netloc
    for path, hosts in hosts_requested(browser, public_url, PUBLIC_PAGES).items():
        assert hosts == {server}, path


# the words of each brand name: each must sit on one line (a word broken across lines
# has client rects on two line tops)
BROKEN_WORDS = """() => {
  const broken = [];
  for (const name of document.querySelectorAll('.chi-name')) {
    const link = name.querySelector('a');
    const text = link ? link.firstChild : name.firstChild;
    const value = text.textContent;
    let at = 0;
    for (const word of value.split(' ')) {
      const range = document.createRange();
      range.setStart(text, at); range.setEnd(text, at + word.length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(word);
      at += word.length + 1;
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [320, 360])
def test_board_wraps_at_phone_width_without_breaking_a_word(browser, public_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{public_url}/board?embed=true")
    page.locator(".chi-row").first.wait_for(timeout=TIMEOUT_MS)
    names = page.locator(".chi-name").all_inner_texts()
    assert "Glitter Cosmetics" in names and "Northwind Telecom" in names
    assert page.evaluate(BROKEN_WORDS) == []
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.chi-name'));"
        " return [s.overflowWrap, s.wordBreak]; }"
    )
    assert style == ["break-word", "normal"]
    # nothing wider than the phone: no sideways scrolling
    assert page.evaluate("() => document.querySelector('.chi').scrollWidth") <= width
    page.close()


def host_page(directory: Path, app: str, listener: bool) -> None:
    script = (
        "<script>addEventListener('message', function (e) {"
        f"if (e.origin !== '{app}' || !e.data || e.data.type !== '{RESIZE_MESSAGE}') return;"
        "for (const f of document.querySelectorAll('iframe'))"
        " if (f.contentWindow === e.source) f.style.height = e.data.height + 'px';"
        "});</script>"
        if listener
        else ""
    )
    (directory / "index.html").write_text(
        "<!doctype html><html><body style='margin:0'><h1>A news site</h1>"
        f'<iframe id="board" src="{app}/board?embed=true" width="100%" '
        f'height="{BOARD_HEIGHT}" style="border:0"></iframe>'
        f'<iframe id="card" src="{app}/brand?brand=bluebird-bank&embed=true" width="100%" '
        f'height="{CARD_HEIGHT}" style="border:0"></iframe>{script}</body></html>'
    )


def frame_fits(page, frame_id: str) -> tuple[int, int]:
    """(content height, frame height) of one embedded frame, once it has drawn."""
    frame = page.frame_locator(f"#{frame_id}")
    frame.locator(".chi-foot, .chi-card").last.wait_for(timeout=TIMEOUT_MS)
    content = frame.locator("[data-testid='stMain']").evaluate("m => m.scrollHeight")
    height = page.locator(f"#{frame_id}").evaluate("f => f.getBoundingClientRect().height")
    return content, round(height)


def test_documented_iframe_heights_fit_the_demo_board_and_card(
    browser, public_url, tmp_path_factory
):
    site = tmp_path_factory.mktemp("host-static")
    host_page(site, public_url, listener=False)
    with serve_directory(site) as host:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{host}/index.html")
        for frame_id in ("board", "card"):
            content, height = frame_fits(page, frame_id)
            assert content <= height, (frame_id, content, height)  # no last row cut off
        page.close()


@pytest.mark.parametrize("width", [320, 360, 1280])
def test_resize_script_fits_the_frames_at_any_width(browser, public_url, tmp_path_factory, width):
    site = tmp_path_factory.mktemp(f"host-{width}")
    host_page(site, public_url, listener=True)
    with serve_directory(site) as host:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{host}/index.html")
        for frame_id in ("board", "card"):
            frame_fits(page, frame_id)
            # the frame takes the height its page posts: its content, no inner scroll
            page.wait_for_function(
                f"() => document.getElementById('{frame_id}').style.height.endsWith('px')",
                timeout=TIMEOUT_MS,
            )
            content, height = frame_fits(page, frame_id)
            assert content <= height <= content + 40, (frame_id, content, height)
        page.close()


def test_badge_of_a_brand_not_on_the_board_shows_as_an_image(browser, public_url, tmp_path_factory):
    site = tmp_path_factory.mktemp("badges")
    (site / "index.html").write_text(
        f'<img id="public" src="{public_url}/api/badge/bluebird-bank.svg">'
        f'<img id="hidden" src="{public_url}/api/badge/not-a-brand.svg">'
    )
    with serve_directory(site) as host:
        page = browser.new_page()
        page.goto(f"{host}/index.html")
        page.wait_for_load_state("networkidle")
        widths = page.evaluate(
            "() => ['public', 'hidden'].map(id => document.getElementById(id).naturalWidth)"
        )
        assert all(w > 50 for w in widths)  # a broken image is 0 (or a 16 px icon) wide
        page.close()


def test_unknown_path_says_page_not_found_with_a_link(browser, app_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/doesnotexist")
    page.get_by_text("There is no page at '/doesnotexist'").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Open Executive overview").wait_for(timeout=TIMEOUT_MS)
    page.close()


def test_a_link_keeps_explicit_dates_and_a_relative_one_says_range(browser, app_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # the demo's last day is 31 Dec 2025: these are "today's" defaults for the end
    page.goto(f"{app_url}/overview?from=2025-12-01&to=2025-12-31")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function("() => location.search.includes('to=2025-12-31')", timeout=TIMEOUT_MS)
    assert "from=2025-12-01" in page.url and "range=" not in page.url
    page.goto(f"{app_url}/overview")
    page.wait_for_function("() => location.search.includes('range=90d')", timeout=TIMEOUT_MS)
    assert "from=" not in page.url
    page.close()


def test_downloads_save_named_csv_png_and_svg_with_the_title_drawn_in(browser, app_url):
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.goto(f"{app_url}/overview?from=2025-12-01&to=2025-12-31&brand=Bluebird+Bank&grain=week")
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as csv_download:
        page.get_by_role("button", name="Download CSV").first.click()
    name = csv_download.value.suggested_filename
    assert name == "overview_kpis_2025-12-01_to_2025-12-31_brand-bluebird-bank_asof-2025-12-31.csv"
    body = Path(csv_download.value.path()).read_text()
    assert body.splitlines()[0].startswith("KPI,Unit,Value,Value 95% CI low,Value 95% CI high,n")

    stem = "overview_trend_2025-12-01_to_2025-12-31_brand-bluebird-bank_grain-week_asof-2025-12-31"
    chart.hover()
    with page.expect_download(timeout=TIMEOUT_MS) as png:
        chart.locator("[data-title='Download plot as a PNG']").click()
    assert png.value.suggested_filename == f"{stem}.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # the sidebar's "Chart images"
    page.locator("[data-testid='stSidebar']").get_by_text("SVG", exact=True).click()
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot [data-title=\"Download plot\"]')",
        timeout=TIMEOUT_MS,
    )
    chart = page.locator(".js-plotly-plot").first
    chart.hover()
    with page.expect_download(timeout=TIMEOUT_MS) as svg:
        chart.locator("[data-title='Download plot']").click()
    assert svg.value.suggested_filename == f"{stem}.svg"
    root = ET.fromstring(Path(svg.value.path()).read_text())
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Happiness index over time" in texts
    assert "1 Dec 2025 – 31 Dec 2025 (UTC)" in texts
    assert "Bluebird Bank · all channels · data as of 31 Dec 2025" in texts
    # the legend lies inside the image: its top plus its height within the svg's height
    legend = next(
        g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "legend"
    )
    top = float(re.search(r"translate\([^,]+,\s*([-\d.]+)\)", legend.get("transform")).group(1))
    box = next(r for r in legend.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "bg")
    assert top >= 0 and top + float(box.get("height")) <= float(root.get("height"))
    page.close()
