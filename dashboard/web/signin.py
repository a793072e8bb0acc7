"""Sign-in beside the pages (README, "Sign-in and roles"), for dashboard/server.py
when `chi serve` turned sign-in on:

- `streamlit_secrets`: chi.toml's [auth] as the `[auth]` secrets Streamlit's st.login
  reads, handed to st.App (nothing is written to disk; without a cookie secret a random
  one is made for this process, so sign-ins end when the server restarts). None when
  chi.toml has no [auth]: Streamlit then reads its own .streamlit/secrets.toml.
- `SignInAudit`: an ASGI middleware around Streamlit's /oauth2callback that records
  each completed sign-in in the audit log (who, when, provider, role). It reads the
  identity from the cookie Streamlit sets in that response, with Streamlit's own
  decoding helpers (`get_cookie_secret`, `decode_signed_value`,
  `get_cookie_with_chunks`, Streamlit 1.67).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from dashboard.core import access, settings, signin
from dashboard.core.config import load_config, user_table
from dashboard.data import audit

USER_COOKIE = "_streamlit_user"  # streamlit/web/server/starlette/starlette_server_config.py
_NOT_CLAIMS = ("is_logged_in", "origin", "provider")
_log = logging.getLogger("chi")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def sign_in_settings() -> signin.SignIn | None:
    """chi.toml's [auth] with the secrets the environment gives (ValueError when wrong)."""
    table, source = user_table(settings.data_dir(), settings.explicit_config_path(), "auth")
    return signin.parse_sign_in(
        table, source, settings.auth_client_secret(), settings.auth_cookie_secret()
    )


def streamlit_secrets() -> dict[str, Any] | None:
    sign_in = sign_in_settings()
    return None if sign_in is None else {"auth": signin.auth_secrets(sign_in)}


def set_cookies(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """The cookies a response sets (not those it deletes: empty or Max-Age=0)."""
    found: dict[str, str] = {}
    for name, value in headers:
        if name.lower() != b"set-cookie":
            continue
        jar: SimpleCookie = SimpleCookie()
        jar.load(value.decode("latin-1"))
        for key, morsel in jar.items():
            if morsel.value and morsel["max-age"] not in ("0", 0):
                found[key] = morsel.value
    return found


def user_from_cookies(cookies: dict[str, str]) -> dict[str, Any] | None:
    """The identity Streamlit stored in its user cookie (None when it set none)."""
    if USER_COOKIE not in cookies:
        return None
    from streamlit.auth_util import get_cookie_with_chunks
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value

    secret = get_cookie_secret()

    def single(name: str) -> bytes | None:
        value = cookies.get(name)
        return None if value is None else decode_signed_value(secret, name, value)

    raw = get_cookie_with_chunks(single, USER_COOKIE)
    return json.loads(raw) if raw else None


def record_sign_in(user: dict[str, Any]) -> dict[str, Any]:
    """The audit line of a completed sign-in, with the role [roles] gives now."""
    claims = {key: value for key, value in user.items() if key not in _NOT_CLAIMS}
    config = load_config(settings.data_dir(), settings.explicit_config_path())
    role = access.role_for(claims, config.roles)
    return audit.record(
        settings.data_dir(),
        "sign-in",
        access.identity(claims),
        provider=user.get("provider"),
        role=role.label if role else None,
    )


class SignInAudit:
    """Records each sign-in that Streamlit's /oauth2callback completes. Never changes
    the response; a failure to record is logged for the operator."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or not str(scope.get("path", "")).endswith(
            signin.CALLBACK_PATH
        ):
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = []

        async def watch(message: Message) -> None:
            if message.get("type") == "http.response.start":
                headers.extend(message.get("headers", []))
            await send(message)

        await self.app(scope, receive, watch)
        try:
            user = user_from_cookies(set_cookies(headers))
            if user is not None:
                record_sign_in(user)
        except Exception:  # the sign-in itself has succeeded; the operator must know
            _log.exception("a sign-in could not be recorded in the audit log")
