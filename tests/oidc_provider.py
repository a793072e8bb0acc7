"""A minimal OpenID Connect provider for the sign-in tests, on 127.0.0.1 in a thread.

It speaks the authorization-code flow as Google or Keycloak do, enough for Streamlit's
st.login (Authlib's Starlette client) to run it for real:

    GET  /.well-known/openid-configuration   discovery (S256 PKCE advertised, so
                                             Streamlit sends a code challenge)
    GET  /authorize    a sign-in form: one button per test user (checks the client and
                       its registered redirect URI)
    POST /authorize    the chosen user: a one-time code, 302 back to redirect_uri
    POST /token        client secret (Basic or form), code, redirect URI and PKCE
                       verifier checked; an RS256 ID token (iss, sub, aud, exp, iat,
                       nonce, at_hash, the user's claims) signed with joserfc
    GET  /jwks         the public key
    GET  /userinfo     the user's claims for the access token

    with oidc_provider(USERS, client_id="chi", client_secret="s3cret",
                       redirect_uris=["http://localhost:8501/oauth2callback"]) as idp:
        idp.metadata_url   # http://127.0.0.1:PORT/.well-known/openid-configuration

Nothing leaves loopback. `idp.tokens_issued` counts ID tokens, `idp.errors` lists the
requests it refused, with the reason, for a test to show when a sign-in fails.
"""

from __future__ import annotations

import base64
import contextlib
import html
import http.server
import json
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.jwk import RSAKey

KEY_ID = "chi-test-key"
TOKEN_LIFETIME_S = 300


@dataclass
class Provider:
    users: dict[str, dict[str, Any]]  # login name -> claims (sub, email, ...)
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    issuer: str = ""
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(
            2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"}, private=True
        )
    )
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, str] = field(default_factory=dict)  # token -> login
    tokens_issued: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name", "groups"],
        }

    def check_authorize(self, params: Mapping[str, str]) -> str | None:
        """Why an authorization request is refused, or None."""
        if params.get("client_id") != self.client_id:
            return "unknown client_id"
        if params.get("redirect_uri") not in self.redirect_uris:
            return f"redirect_uri not registered: {params.get('redirect_uri')}"
        if params.get("response_type") != "code":
            return "response_type must be code"
        if "openid" not in params.get("scope", "").split():
            return "scope lacks openid"
        return None

    def issue_code(self, params: Mapping[str, str], login: str) -> str:
        code = generate_token(32)
        with self.lock:
            self.codes[code] = {"login": login, **params}
        return code

    def token_response(self, form: Mapping[str, str], basic: tuple[str, str] | None) -> dict:
        """The token endpoint: every check a real provider makes, then the ID token.
        ValueError names the check that failed."""
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if (client_id, secret) != (self.client_id, self.client_secret):
            raise ValueError("invalid_client")
        if form.get("grant_type") != "authorization_code":
            raise ValueError("unsupported_grant_type")
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # one use only
        if grant is None:
            raise ValueError("invalid_grant: unknown or used code")
        if form.get("redirect_uri") != grant.get("redirect_uri"):
            raise ValueError("invalid_grant: redirect_uri differs")
        challenge = grant.get("code_challenge")
        if challenge is not None:
            verifier = form.get("code_verifier", "")
            if grant.get("code_challenge_method") != "S256" or (
                create_s256_code_challenge(verifier) != challenge
            ):
                raise ValueError("invalid_grant: PKCE verifier does not match")
        login = grant["login"]
        access_token = generate_token(40)
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "auth_time": now,
            "exp": now + TOKEN_LIFETIME_S,
            "at_hash": create_half_hash(access_token, "RS256").decode(),
            **self.users[login],
        }
        if grant.get("nonce"):
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self.key)
        with self.lock:
            self.access_tokens[access_token] = login
            self.tokens_issued += 1
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_S,
            "id_token": id_token,
            "scope": grant.get("scope", "openid"),
        }


def login_form(provider: Provider, params: Mapping[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
    )
    buttons = "".join(
        f'<button name="login" value="{html.escape(login)}">Sign in as '
        f"{html.escape(str(claims.get('email', login)))}</button>"
        for login, claims in provider.users.items()
    )
    return (
        "<!doctype html><title>Test provider</title><h1>Test identity provider</h1>"
        f'<form method="post" action="/authorize">{hidden}{buttons}</form>'
    )


def _handler(provider: Provider) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def _send(self, status: int, body: str, kind: str = "application/json") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _refuse(self, status: int, reason: str) -> None:
            provider.errors.append(f"{self.command} {urlsplit(self.path).path}: {reason}")
            self._send(status, json.dumps({"error": reason}))

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            url = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._send(200, json.dumps(provider.metadata()))
            elif url.path == "/jwks":
                self._send(200, json.dumps({"keys": [provider.key.as_dict(private=False)]}))
            elif url.path == "/authorize":
                reason = provider.check_authorize(params)
                if reason:
                    self._refuse(400, reason)
                else:
                    self._send(200, login_form(provider, params), "text/html")
            elif url.path == "/favicon.ico":  # the browser asks on the sign-in form
                self._send(204, "", "image/x-icon")
            elif url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                login = provider.access_tokens.get(token)
                if login is None:
                    self._refuse(401, "invalid_token")
                else:
                    self._send(200, json.dumps(provider.users[login]))
            else:
                self._refuse(404, "not found")

        def do_POST(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            form = self._form()
            if path == "/authorize":
                login = form.pop("login", "")
                reason = provider.check_authorize(form) or (
                    None if login in provider.users else "unknown user"
                )
                if reason:
                    self._refuse(400, reason)
                    return
                code = provider.issue_code(form, login)
                query = urlencode({"code": code, "state": form.get("state", "")})
                self.send_response(302)
                self.send_header("Location", f"{form['redirect_uri']}?{query}")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/token":
                try:
                    self._send(200, json.dumps(provider.token_response(form, _basic(self))))
                except ValueError as exc:
                    self._refuse(400, str(exc))
            else:
                self._refuse(404, "not found")

    return Handler


def _basic(handler: http.server.BaseHTTPRequestHandler) -> tuple[str, str] | None:
    header = handler.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    from urllib.parse import unquote

    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return unquote(user), unquote(password)  # RFC 6749 2.3.1: form-encoded, then Basic


@contextlib.contextmanager
def oidc_provider(
    users: dict[str, dict[str, Any]],
    *,
    client_id: str,
    client_secret: str,
    redirect_uris: list[str],
) -> Iterator[Provider]:
    """Run the provider on 127.0.0.1 (a free port) for the `with` block."""
    provider = Provider(users, client_id, client_secret, redirect_uris)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
