"""Whether `chi serve` asks for sign-in, decided before anything starts (README,
"Sign-in and roles"):

- public mode (--public): never; the board is anonymous.
- sign-in configured (chi.toml [auth], else Streamlit's own .streamlit/secrets.toml
  [auth]) and no --no-auth: required, on any address. A configuration that cannot work
  stops the server with its reason.
- nothing configured: served open on a loopback address (localhost, 127.0.0.1, ::1) as
  always; on any other address `chi serve` refuses, unless --no-auth says to serve it
  open anyway.
"""

from __future__ import annotations

import argparse
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dashboard.core import settings, signin
from dashboard.core.config import ConfigError, load_config, user_table
from dashboard.data import audit


@dataclass(frozen=True)
class SignInPlan:
    required: bool
    notes: list[str] = field(default_factory=list)  # printed to stderr at start


def streamlit_secret_files(home: Path | None = None, cwd: Path | None = None) -> list[Path]:
    """Where Streamlit looks for secrets.toml (its `secrets.files` default), in order:
    the user's ~/.streamlit, then the working directory's .streamlit (the later wins)."""
    return [
        (home or Path.home()) / ".streamlit" / "secrets.toml",
        (cwd or Path.cwd()) / ".streamlit" / "secrets.toml",
    ]


def streamlit_auth(files: list[Path]) -> tuple[dict[str, Any], str] | None:
    """The [auth] table Streamlit would use (the last file that has one), and its file."""
    found = None
    for path in files:
        if not path.is_file():
            continue
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("auth")
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read: {exc}") from exc
        if isinstance(table, dict) and table:
            found = (table, str(path))
    return found


def _refusal(host: str, port: int) -> str:
    return (
        f"refusing to serve the private app on {host} without sign-in: anyone who "
        f"reaches port {port} would see every page, the customers' messages, and could "
        "upload data. Configure sign-in ([auth] and [roles] in chi.toml; README, "
        '"Sign-in and roles"), serve only the public board with --public, or pass '
        "--no-auth to serve it open anyway."
    )


def plan(args: argparse.Namespace, secret_files: list[Path] | None = None) -> SignInPlan:
    """The decision of the module docstring; ValueError with the reason to refuse."""
    if args.public:
        return SignInPlan(False)
    loopback = signin.is_loopback(args.host)
    table, source = user_table(args.data, args.config, "auth")
    own = signin.parse_sign_in(
        table, source, settings.auth_client_secret(), settings.auth_cookie_secret()
    )
    theirs = None
    if own is None:
        theirs = streamlit_auth(streamlit_secret_files() if secret_files is None else secret_files)
    if args.no_auth:
        notes = []
        if own is not None or theirs is not None:
            notes.append("Sign-in is configured, but --no-auth turns it off.")
        if not loopback:
            notes.append(
                f"Warning: no sign-in (--no-auth) on {args.host}: anyone who reaches port "
                f"{args.port} sees every page, the customers' messages, and can upload data."
            )
        return SignInPlan(False, notes)
    if own is None and theirs is None:
        if loopback:
            return SignInPlan(False)
        raise ValueError(_refusal(args.host, args.port))
    notes = []
    if own is not None:
        if not own.redirect_given and not loopback:
            raise ValueError(
                f"{own.source}: [auth] redirect_uri is needed on {args.host}: the address "
                "people open, ending in /oauth2callback (e.g. "
                "https://chi.example.com/oauth2callback), registered with your provider. "
                f"The default, http://localhost:{args.port}/oauth2callback, works only on "
                "this machine."
            )
        provider = urlsplit(own.server_metadata_url).hostname
        notes.append(f"Sign-in required: {provider} (from {own.source}).")
        if own.cookie_secret is None:
            notes.append(
                "No [auth] cookie_secret: one is made at each start, so everyone signs in "
                "again after a restart (set cookie_secret or CHI_AUTH_COOKIE_SECRET to keep "
                "sign-ins for 30 days)."
            )
    else:
        auth, where = theirs  # type: ignore[misc]
        names = signin.check_streamlit_auth(auth, where)
        notes.append(f"Sign-in required: provider(s) {', '.join(names)} (from {where}).")
    try:
        roles = load_config(args.data, args.config).roles
    except ConfigError as exc:
        raise ValueError(str(exc)) from exc
    if not roles:
        notes.append(
            "Warning: [roles] gives no one a role: everyone who signs in sees only the "
            'public pages until you list them (README, "Sign-in and roles").'
        )
    try:
        log = audit.check_writable(args.data)
    except audit.AuditError as exc:
        raise ValueError(f"sign-in needs an audit log: {exc}") from exc
    notes.append(f"Audit log: {log}.")
    return SignInPlan(True, notes)
