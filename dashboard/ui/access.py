"""Streamlit glue of sign-in and roles (README, "Sign-in and roles"): who is visiting,
with which role, the check every drill-down asks (`allows` / `require`), the sign-in,
no-role and refusal pages, the sidebar's "signed in as", and the audit log's lines
for what a person opens.

Without sign-in (`chi serve` on localhost with no [auth], or --no-auth) the visitor
counts as admin: every private page is open and nothing is recorded, as before sign-in
existed. In public mode nobody has a role and only the public pages exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from dashboard.core import access, formatting, settings, signin
from dashboard.core.access import Role
from dashboard.data import audit
from dashboard.ui import shared as ui

# keys of st.user that are Streamlit's, not the ID token's claims
_NOT_CLAIMS = ("is_logged_in", "tokens", "origin", "provider")
_RECORDED = "_audit_recorded"  # session_state: what this session has recorded once


@dataclass(frozen=True)
class Visitor:
    sign_in: bool  # sign-in is on for this server
    signed_in: bool = False
    role: Role | None = None  # the role that applies (admin when sign-in is off)
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return access.display_name(self.claims)

    def who(self) -> dict[str, str]:
        return access.identity(self.claims) if self.signed_in else {"sub": "anonymous"}


def claims_of(user: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in user.items() if key not in _NOT_CLAIMS}


def current() -> Visitor:
    """The visitor of this script run and the role [roles] gives them now (an edited
    chi.toml applies at the next page load, like every other key)."""
    if ui.is_public():
        return Visitor(sign_in=False)
    if not settings.sign_in():
        return Visitor(sign_in=False, role=Role.ADMIN)
    user = dict(st.user.to_dict())
    if not user.get("is_logged_in"):
        return Visitor(sign_in=True)
    claims = claims_of(user)
    role = access.role_for(claims, ui.current_config().roles)
    return Visitor(sign_in=True, signed_in=True, role=role, claims=claims)


def allows(needed: Role) -> bool:
    """Whether this visitor may see a feature that needs `needed` (never in public mode)."""
    return access.allows(needed, current().role)


def require(needed: Role, what: str) -> bool:
    """`allows`, and when not (with sign-in on) one caption saying what needs which role:
    the drill-downs' one check."""
    visitor = current()
    if access.allows(needed, visitor.role):
        return True
    if visitor.sign_in:
        st.caption(f"{what} need the {needed.label} role; {_you(visitor)}.")
    return False


def _you(visitor: Visitor) -> str:
    if not visitor.signed_in:
        return "you are not signed in"
    held = f"the {visitor.role.label} role" if visitor.role else "no role"
    return f"you are signed in as {formatting.plain(visitor.name)} with {held}"


def record(event: str, **what: Any) -> None:
    """One line in the audit log, with sign-in on (else nothing: no one to name).
    Raises audit.AuditError when the line cannot be written."""
    visitor = current()
    if not visitor.sign_in:
        return
    audit.record(ui.current_data_dir(), event, visitor.who(), role=_label(visitor.role), **what)


def record_once(event: str, key: str, **what: Any) -> None:
    """`record`, once per browser session and `key` (a rerun of the same view writes
    nothing new)."""
    seen: set[str] = st.session_state.setdefault(_RECORDED, set())
    if f"{event}|{key}" in seen:
        return
    record(event, **what)
    seen.add(f"{event}|{key}")


def _label(role: Role | None) -> str | None:
    return role.label if role else None


def _auth_section() -> dict[str, Any]:
    """Streamlit's [auth] secrets (chi.toml's, as `chi serve` handed them over)."""
    if not st.secrets.load_if_toml_exists():
        return {}
    section = st.secrets.get("auth")
    return section.to_dict() if section is not None else {}


def _providers() -> list[str]:
    return signin.providers(_auth_section()) or ["default"]


def _provider_host() -> str:
    url = _auth_section().get("server_metadata_url")
    return (urlsplit(url).hostname or "") if isinstance(url, str) else ""


def sign_in_page() -> None:
    """The page of a signed-out visitor, wherever they went: a button per provider."""
    st.title("Sign in")
    host = _provider_host()
    st.write(
        "This dashboard shows your team's customer-service figures and conversations. "
        + (
            f"Sign in with your account at **{formatting.plain(host)}**."
            if host
            else "Sign in with your account."
        )
    )
    for name in _providers():
        label = "Sign in" if name == "default" else f"Sign in with {formatting.plain(name)}"
        if st.button(label, type="primary", key=f"sign-in-{name}"):
            st.login(None if name == "default" else name)
    _public_links()


def no_role_page() -> None:
    """The page of someone signed in whom [roles] gives no role."""
    visitor = current()
    st.title("No access yet")
    st.write(
        f"You are signed in as **{formatting.plain(visitor.name)}**, but this dashboard "
        "has given your account no role. Ask its administrator to add you under "
        '`[roles]` in chi.toml (README, "Sign-in and roles").'
    )
    _public_links()


def _public_links() -> None:
    st.caption(
        "Open to everyone without signing in: the [public board](board), the "
        "[brand cards](brand) and the [methodology](methodology)."
    )


def refusal_page(title: str, needed: Role | None) -> Callable[[], None]:
    """What a private page's URL shows to a visitor whose role may not open it."""

    def refused() -> None:
        visitor = current()
        if not visitor.signed_in:
            sign_in_page()
            return
        st.title(title)
        label = needed.label if needed else "viewer"
        st.error(
            f"This page needs the {label} role; {_you(visitor)}. Ask the dashboard's "
            "administrator to change your role under `[roles]` in chi.toml."
        )

    return refused


def not_public_page(title: str) -> Callable[[], None]:
    """What a private page's URL shows on the public board (`chi serve --public`)."""

    def not_public() -> None:
        st.title(title)
        st.warning(
            f"{formatting.plain(title)} is not available on the public board: this "
            "server shows only the public pages."
        )
        st.markdown("[Go to the public board](./board)")

    return not_public


def sidebar(visitor: Visitor) -> None:
    """Who is signed in, with which role, and the way out (sign-in on only)."""
    if not visitor.signed_in:
        return
    with st.sidebar:
        held = visitor.role.label if visitor.role else "no role"
        st.caption(f"Signed in as **{formatting.plain(visitor.name)}** ({held})")
        if st.button("Sign out", key="sign-out"):
            try:
                record("sign-out")
            except audit.AuditError as exc:
                st.toast(formatting.plain(exc))
            st.logout()
