"""The sign-in audit (dashboard/web/signin.py): the middleware around Streamlit's
/oauth2callback records a completed sign-in, read from the cookie Streamlit sets,
and nothing for any other request or a callback that set no identity."""

from __future__ import annotations

import asyncio
import json

import pytest
from streamlit.web.server.server_util import get_cookie_secret
from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

from dashboard.core import settings
from dashboard.data import audit
from dashboard.web import signin

USER = {
    "sub": "u-anna",
    "email": "anna@partner.org",
    "groups": ["chi-analysts"],
    "origin": "http://localhost:8501",
    "is_logged_in": True,
    "provider": "default",
}


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    (tmp_path / "chi.toml").write_text('[roles]\nanalyst = ["claim:groups=chi-analysts"]\n')
    monkeypatch.setenv(settings.DATA, str(tmp_path))
    monkeypatch.delenv(settings.CONFIG, raising=False)
    return tmp_path


def app_setting(cookies: list[bytes]):
    """An ASGI app answering 302 with these Set-Cookie headers, as Streamlit's callback."""

    async def app(scope, receive, send):
        headers = [(b"location", b"/"), *((b"set-cookie", c) for c in cookies)]
        await send({"type": "http.response.start", "status": 302, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    return app


def call(app, path: str) -> list[dict]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": path, "method": "GET", "headers": [], "query_string": b""}
    asyncio.run(signin.SignInAudit(app)(scope, receive, send))
    return sent


def user_cookie(value: dict) -> bytes:
    signed = create_signed_value(get_cookie_secret(), signin.USER_COOKIE, json.dumps(value))
    return signin.USER_COOKIE.encode() + b"=" + signed + b"; HttpOnly; Path=/; SameSite=lax"


def test_a_completed_sign_in_is_recorded_with_the_role_it_gets(data_dir):
    sent = call(app_setting([user_cookie(USER)]), "/oauth2callback")
    assert sent[0]["status"] == 302  # the response passes unchanged
    [line] = audit.read(data_dir)
    assert line["event"] == "sign-in"
    assert line["who"] == {"email": "anna@partner.org", "sub": "u-anna"}
    assert (line["provider"], line["role"]) == ("default", "analyst")


def test_other_requests_and_callbacks_without_an_identity_record_nothing(data_dir):
    call(app_setting([user_cookie(USER)]), "/overview")
    deleted = b'_streamlit_user=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'
    call(app_setting([deleted]), "/oauth2callback")
    call(app_setting([]), "/oauth2callback")
    assert audit.read(data_dir) == []


def test_a_cookie_signed_with_another_secret_names_no_one(data_dir):
    forged = create_signed_value("another-secret-" * 3, signin.USER_COOKIE, json.dumps(USER))
    call(app_setting([signin.USER_COOKIE.encode() + b"=" + forged]), "/oauth2callback")
    assert audit.read(data_dir) == []
