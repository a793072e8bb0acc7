"""Sign-in end to end, in Debian's Chromium: a real `chi serve` with chi.toml's [auth]
pointing at the test OpenID Connect provider of tests/oidc_provider.py (127.0.0.1), two
people signed in through the real redirect flow (app -> provider's form -> code ->
/oauth2callback -> token exchange with PKCE -> signed cookie), each seeing what their
role allows and refused the rest, a signed-out browser seeing only the sign-in page
(the public board and feed stay open), and the audit log naming who opened what.
Nothing leaves loopback."""

from __future__ import annotations

import json
import urllib.request

import pytest

from dashboard.data import audit
from tests.conftest import at, message, write_rows
from tests.e2e_server import chi_server, chromium, free_port
from tests.oidc_provider import oidc_provider

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000
CLIENT_ID = "chi-dashboard"
CLIENT_SECRET = "test-only-client-secret"  # the test provider's, not a real one
PRIVATE_PAGES = ("Executive overview", "Happiness index", "Engagement & fairness")
# vera is a viewer by her domain; anna an analyst by her group claim (her domain has no
# rule); nobody here is an admin
USERS = {
    "vera": {"sub": "u-vera", "email": "vera@example.com", "email_verified": True},
    "anna": {
        "sub": "u-anna",
        "email": "anna@partner.org",
        "email_verified": True,
        "groups": ["support", "chi-analysts"],
    },
}
ROLES = """
[roles]
admin = ["root@example.com"]
analyst = ["claim:groups=chi-analysts"]
viewer = ["@example.com"]
"""
TEXTS = ("Where is my parcel? It never arrived.", "Thanks for the quick refund!")


def conversations() -> list[dict]:
    """Two answered conversations of Acme on twitter, 3 and 4 March 2025."""
    return [
        message("parcel", "inbound", at(0), text=TEXTS[0]),
        message("parcel", "outbound", at(20), text="Sorry, we are on it."),
        message("refund", "inbound", at(0, days=1), text=TEXTS[1]),
        message("refund", "outbound", at(5, days=1), text="Glad we could help."),
    ]


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(app URL, data dir, provider): the provider first, registered with the app's
    redirect URI (the default, http://localhost:<port>/oauth2callback)."""
    data_dir = tmp_path_factory.mktemp("signin") / "data"
    write_rows(data_dir, "interactions", conversations())
    port = free_port()
    with oidc_provider(
        USERS,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[f"http://localhost:{port}/oauth2callback"],
    ) as idp:
        (data_dir / "chi.toml").write_text(
            "min_n = 1\n\n[auth]\n"
            f'server_metadata_url = "{idp.metadata_url}"\n'
            f'client_id = "{CLIENT_ID}"\nclient_secret = "{CLIENT_SECRET}"\n' + ROLES
        )
        with chi_server(data_dir, port=port) as url:
            yield url, data_dir, idp


def wait_for_page(page) -> None:
    page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for(timeout=TIMEOUT_MS)


def sign_in(browser, url: str, email: str, idp):
    """A new browser context signed in as `email` through the provider's form."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/overview")
    page.get_by_role("button", name="Sign in", exact=True).click(timeout=TIMEOUT_MS)
    page.get_by_role("button", name=f"Sign in as {email}").click(timeout=TIMEOUT_MS)
    # back from /oauth2callback at "/", forwarded to the first page
    # the name is shown as plain text: an invisible word joiner before '@' keeps it
    # from becoming a mailto: link (formatting.plain)
    shown = email.replace("@", "\u2060@")
    page.get_by_text(f"Signed in as {shown}").wait_for(timeout=TIMEOUT_MS)
    assert idp.errors == [], idp.errors
    return context, page


def menu(page) -> str:
    """The sidebar menu's text (each link: its icon's name, then its title)."""
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.wait_for(timeout=TIMEOUT_MS)
    return nav.inner_text()


def open_page(page, url: str, path: str) -> str:
    page.goto(f"{url}/{path}")
    wait_for_page(page)
    page.wait_for_timeout(1500)  # let the page finish its run
    return page.locator("[data-testid='stMain']").inner_text()


def test_a_viewer_sees_the_aggregate_pages_and_is_refused_the_rest(browser, site):
    url, data_dir, idp = site
    assert url.startswith("http://localhost:") and idp.issuer.startswith("http://127.0.0.1:")
    context, page = sign_in(browser, url, "vera@example.com", idp)
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)  # the overview
    shown = menu(page)
    assert all(title in shown for title in PRIVATE_PAGES)
    assert "Upload data" not in shown
    caption = page.get_by_text("Signed in as").inner_text().replace("\u2060", "")
    assert "Signed in as vera@example.com (viewer)" in caption

    upload = open_page(page, url, "upload")
    assert "This page needs the admin role" in upload
    assert page.locator("[data-testid='stFileUploader']").count() == 0

    open_page(page, url, "happiness")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
    # the refusal is the page's last element: wait for it, not a fixed time
    page.get_by_text("need the analyst role").wait_for(timeout=TIMEOUT_MS)
    happiness = page.locator("[data-testid='stMain']").inner_text()
    assert "need the analyst role" in happiness
    assert "Conversations behind a point" not in happiness
    assert not any(text in page.content() for text in TEXTS)
    context.close()
    lines = audit.read(data_dir)
    assert {"event": "sign-in", "role": "viewer", "provider": "default"}.items() <= next(
        line for line in lines if line["who"].get("email") == "vera@example.com"
    ).items()
    assert not [
        line
        for line in lines
        if line["event"] == "message-text" and line["who"]["email"] == "vera@example.com"
    ]


def test_an_analyst_reads_the_messages_behind_a_point_and_it_is_recorded(browser, site):
    url, data_dir, idp = site
    context, page = sign_in(browser, url, "anna@partner.org", idp)
    assert "Upload data" not in menu(page)
    assert "This page needs the admin role" in open_page(page, url, "upload")

    page.goto(f"{url}/happiness")
    page.get_by_text("Conversations behind a point").wait_for(timeout=TIMEOUT_MS)
    # the newest conversation's messages are shown at once: refund, 4 March
    page.get_by_text("Messages of").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)
    opened = [
        line
        for line in audit.read(data_dir)
        if line["event"] == "message-text" and line["who"]["email"] == "anna@partner.org"
    ]
    assert [(line["brand"], line["conversation_id"], line["role"]) for line in opened] == [
        ("Acme", "refund", "analyst")
    ]
    assert any(
        line["event"] == "sign-in" and line["who"] == {"email": "anna@partner.org", "sub": "u-anna"}
        for line in audit.read(data_dir)
    )

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in", exact=True).wait_for(timeout=TIMEOUT_MS)
    assert page.locator("[data-testid='stSidebarNav']").count() == 0  # one page: no menu
    context.close()


def test_a_signed_out_browser_sees_only_the_sign_in_page(browser, site):
    url, _, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for path in ("", "overview", "happiness", "upload"):
        text = open_page(page, url, path)
        assert text.startswith("Sign in"), (path, text[:200])
        assert page.locator(".js-plotly-plot").count() == 0
        assert page.locator("[data-testid='stFileUploader']").count() == 0
        assert page.locator("[data-testid='stSidebarNav']").count() == 0  # one page: no menu
    # the public pages and the feed stay anonymous
    board = open_page(page, url, "board")
    assert "No brands are published on this board yet." in board
    assert "Acme" not in board  # no unpublished brand named to an anonymous visitor
    with urllib.request.urlopen(f"{url}/api/index.json", timeout=30) as answer:
        assert answer.status == 200
        assert "brands" in json.loads(answer.read())
    context.close()
