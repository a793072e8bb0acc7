"""Sign-in settings: the OpenID Connect provider of the private app (README, "Sign-in
and roles"), as the `[auth]` table of chi.toml gives it, and the checks of Streamlit's
own `.streamlit/secrets.toml` `[auth]`, which works too.

chi.toml (one provider; the secrets may come from the environment instead):

    [auth]
    server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"
    client_id = "1234.apps.googleusercontent.com"
    client_secret = "..."        # or $CHI_AUTH_CLIENT_SECRET
    redirect_uri = "https://chi.example.com/oauth2callback"
    cookie_secret = "..."        # or $CHI_AUTH_COOKIE_SECRET; else one per start

`chi serve` hands these to Streamlit's st.login as the secrets Streamlit reads
(`auth_secrets`), so nobody edits Streamlit's files. Without a cookie secret the
server makes a random one at each start: sign-ins then end when it restarts.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# Streamlit fills "{port}" in with the server's port (streamlit/auth_util.py)
DEFAULT_REDIRECT_URI = "http://localhost:{port}/oauth2callback"
CALLBACK_PATH = "/oauth2callback"
MIN_COOKIE_SECRET_CHARS = 32
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
KNOWN_KEYS = {*PROVIDER_KEYS, "redirect_uri", "cookie_secret", "client_kwargs"}


@dataclass(frozen=True)
class SignIn:
    """A complete [auth] table: everything st.login needs but possibly the cookie secret."""

    server_metadata_url: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str = DEFAULT_REDIRECT_URI
    cookie_secret: str | None = field(default=None, repr=False)
    client_kwargs: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def redirect_given(self) -> bool:
        return self.redirect_uri != DEFAULT_REDIRECT_URI


def _url(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise ValueError(f"{source}: [auth] {key} must be an absolute http(s) URL, not {value!r}")
    return value


def parse_sign_in(
    raw: Mapping[str, Any],
    source: str,
    client_secret: str | None = None,
    cookie_secret: str | None = None,
) -> SignIn | None:
    """The [auth] table of chi.toml (None when there is none). `client_secret` and
    `cookie_secret` come from the environment and fill in what the file leaves out.
    ValueError names the file and the key that is missing or wrong."""
    if not raw:
        return None
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise ValueError(
            f"{source}: [auth] has unknown key(s) {unknown}; the keys are {sorted(KNOWN_KEYS)}"
        )
    values = dict(raw)
    if client_secret and not values.get("client_secret"):
        values["client_secret"] = client_secret
    if cookie_secret and not values.get("cookie_secret"):
        values["cookie_secret"] = cookie_secret
    missing = [key for key in PROVIDER_KEYS if not values.get(key)]
    if missing:
        hint = " (or set CHI_AUTH_CLIENT_SECRET)" if "client_secret" in missing else ""
        raise ValueError(f"{source}: [auth] lacks {', '.join(missing)}{hint}")
    redirect = values.get("redirect_uri") or DEFAULT_REDIRECT_URI
    if redirect != DEFAULT_REDIRECT_URI:
        _url(redirect, "redirect_uri", source)
        if not urlsplit(redirect).path.endswith(CALLBACK_PATH):
            raise ValueError(
                f"{source}: [auth] redirect_uri must end with {CALLBACK_PATH} "
                f"(e.g. https://chi.example.com{CALLBACK_PATH}), not {redirect!r}"
            )
    secret = values.get("cookie_secret") or None
    if secret is not None and len(str(secret)) < MIN_COOKIE_SECRET_CHARS:
        raise ValueError(
            f"{source}: [auth] cookie_secret must be at least {MIN_COOKIE_SECRET_CHARS} "
            'characters (e.g. the output of `python -c "import secrets; '
            'print(secrets.token_urlsafe(32))"`), or leave it out to get one per start'
        )
    kwargs = values.get("client_kwargs", {})
    if not isinstance(kwargs, dict):
        raise ValueError(
            f'{source}: [auth] client_kwargs must be a table, e.g. {{ prompt = "login" }}'
        )
    return SignIn(
        server_metadata_url=_url(values["server_metadata_url"], "server_metadata_url", source),
        client_id=str(values["client_id"]),
        client_secret=str(values["client_secret"]),
        redirect_uri=redirect,
        cookie_secret=str(secret) if secret else None,
        client_kwargs=dict(kwargs),
        source=source,
    )


def auth_secrets(sign_in: SignIn, cookie_secret: str | None = None) -> dict[str, Any]:
    """The `[auth]` secrets Streamlit's st.login reads (default provider: the flat keys),
    with `cookie_secret` (else the configured one, else a fresh random one)."""
    section: dict[str, Any] = {
        "server_metadata_url": sign_in.server_metadata_url,
        "client_id": sign_in.client_id,
        "client_secret": sign_in.client_secret,
        "redirect_uri": sign_in.redirect_uri,
        "cookie_secret": cookie_secret or sign_in.cookie_secret or new_cookie_secret(),
    }
    if sign_in.client_kwargs:
        section["client_kwargs"] = dict(sign_in.client_kwargs)
    return section


def new_cookie_secret() -> str:
    return secrets.token_urlsafe(32)


def providers(auth: Mapping[str, Any]) -> list[str]:
    """The providers an [auth] section (Streamlit's layout) offers, in order: "default"
    for flat keys, else each sub-table that names a client."""
    if auth.get("client_id"):
        return ["default"]
    return [
        name for name, value in auth.items() if isinstance(value, Mapping) and "client_id" in value
    ]


def check_streamlit_auth(auth: Mapping[str, Any], source: str) -> list[str]:
    """The providers of a `.streamlit/secrets.toml` [auth] section, after the checks
    st.login makes when someone signs in (made here at start, so a mistake stops the
    server with its reason rather than a visitor's sign-in)."""
    for key in ("redirect_uri", "cookie_secret"):
        if not auth.get(key):
            raise ValueError(f"{source}: [auth] lacks {key}")
    found = providers(auth)
    if not found:
        raise ValueError(
            f"{source}: [auth] names no provider: give client_id, client_secret and "
            "server_metadata_url, in [auth] or in a sub-table such as [auth.google]"
        )
    for name in found:
        section = auth if name == "default" else auth[name]
        missing = [key for key in PROVIDER_KEYS if not section.get(key)]
        if missing:
            where = "[auth]" if name == "default" else f"[auth.{name}]"
            raise ValueError(f"{source}: {where} lacks {', '.join(missing)}")
        if "_" in name:
            raise ValueError(f"{source}: [auth.{name}]: a provider name cannot contain '_'")
    return found


def is_loopback(host: str) -> bool:
    """Whether the address `chi serve` listens on is reachable only from this machine:
    localhost or a loopback address (127.0.0.0/8, ::1). Anything else, a host name
    included, counts as shared."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
