"""Roles of the private app and who has them (README, "Sign-in and roles").

Three roles, each seeing everything the one below it sees:

    viewer   the aggregate pages
    analyst  also the drill-downs to conversations and their message text, and the
             people and topics views
    admin    also the upload page

A page declares its minimum role once, in dashboard/ui/navigation.py (PageSpec.role);
a feature inside a page (a drill-down) names its constant below and asks
dashboard/ui/access.py's `allows` / `require`.

Who has a role comes from the `[roles]` table of chi.toml: each role lists rules, and a
signed-in person gets the highest role any rule matches (none: no role, only the
public pages). A rule is one of

    "alice@example.com"             that email address (without case)
    "@example.com"                  any email address at that domain (not subdomains)
    "claim:groups=chi-analysts"     an ID-token claim equal to the value, or a list
                                    claim containing it; a dotted name reads a nested
                                    claim ("claim:realm_access.roles=chi-admin")

Email rules only match a verified address: an ID token whose `email_verified` is false
matches no email or domain rule (a provider that does not send the claim, such as
Microsoft Entra ID, is taken at its word; prefer claim rules there).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, NamedTuple


class Role(IntEnum):
    VIEWER = 1
    ANALYST = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


ROLE_NAMES: dict[str, Role] = {role.label: role for role in Role}

# The features inside pages that need more than the page itself (one constant each):
# the happiness page's points -> conversations -> messages drill-down, and uploads.
DRILLDOWN: Role = Role.ANALYST
UPLOAD: Role = Role.ADMIN

CLAIM_PREFIX = "claim:"


class Rule(NamedTuple):
    """One line of [roles]: `kind` is "email", "domain" or "claim"; for a claim,
    `claim` is its (dotted) name. A NamedTuple so the config's fingerprint can hash it."""

    role: Role
    kind: str
    value: str
    claim: str = ""
    text: str = ""  # the rule as written, for messages and the audit log


def parse_rule(role: Role, text: str) -> Rule:
    """A rule as written in [roles] (module docstring); ValueError says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"[roles] {role.label}: a rule must be a non-empty string")
    written = text.strip()
    if written.lower().startswith(CLAIM_PREFIX):
        name, sep, value = written[len(CLAIM_PREFIX) :].partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(
                f"[roles] {role.label}: {written!r} must read claim:NAME=VALUE, "
                'e.g. "claim:groups=chi-analysts"'
            )
        return Rule(role, "claim", value.strip(), name.strip(), written)
    if written.startswith("@"):
        domain = written[1:].lower()
        if not domain or "@" in domain or "." not in domain:
            raise ValueError(
                f'[roles] {role.label}: {written!r} is not a domain rule, e.g. "@example.com"'
            )
        return Rule(role, "domain", domain, text=written)
    local, at, domain = written.partition("@")
    if not at or not local or "." not in domain or "@" in domain:
        raise ValueError(
            f"[roles] {role.label}: {written!r} is neither an email address "
            '("alice@example.com"), a domain ("@example.com") nor a claim '
            '("claim:groups=chi-analysts")'
        )
    return Rule(role, "email", written.lower(), text=written)


def parse_roles(raw: Any) -> tuple[Rule, ...]:
    """The [roles] table: role name -> list of rules. ValueError on an unknown role,
    a value that is not a list, or a rule that cannot be read."""
    if not isinstance(raw, dict):
        raise ValueError("[roles] must be a table of role = [rules]")
    rules: list[Rule] = []
    for name, listed in raw.items():
        role = ROLE_NAMES.get(str(name).lower())
        if role is None:
            raise ValueError(
                f"[roles] has an unknown role {name!r}; the roles are {', '.join(ROLE_NAMES)}"
            )
        if isinstance(listed, str):
            listed = [listed]
        if not isinstance(listed, list):
            raise ValueError(f'[roles] {name} must be a list of rules, e.g. ["@example.com"]')
        rules.extend(parse_rule(role, text) for text in listed)
    return tuple(rules)


def claim_values(claims: Mapping[str, Any], name: str) -> list[str]:
    """The values of a (dotted) claim as strings: a list claim gives each element, a
    scalar one itself; booleans read "true"/"false"; a missing claim gives none."""
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return []
        value = value[part]
    items = value if isinstance(value, list | tuple) else [value]
    return [
        str(item).lower() if isinstance(item, bool) else str(item)
        for item in items
        if item is not None and not isinstance(item, Mapping | list | tuple)
    ]


def verified_email(claims: Mapping[str, Any]) -> str | None:
    """The email of the ID token in lower case, unless absent or `email_verified` is
    false (the string "false" too: some providers send it as a string)."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    if str(claims.get("email_verified", True)).lower() == "false":
        return None
    return email.strip().lower()


def matches(rule: Rule, claims: Mapping[str, Any]) -> bool:
    if rule.kind == "claim":
        return rule.value in claim_values(claims, rule.claim)
    email = verified_email(claims)
    if email is None:
        return False
    if rule.kind == "domain":
        return email.rpartition("@")[2] == rule.value
    return email == rule.value


def role_for(claims: Mapping[str, Any], rules: tuple[Rule, ...]) -> Role | None:
    """The highest role any rule gives the signed-in person, or None."""
    found = [rule.role for rule in rules if matches(rule, claims)]
    return max(found) if found else None


def allows(needed: Role | None, role: Role | None) -> bool:
    """Whether `role` may see what needs `needed` (None: anyone, signed in or not)."""
    return needed is None or (role is not None and role >= needed)


def identity(claims: Mapping[str, Any]) -> dict[str, str]:
    """Who, for the audit log and the sidebar: email (as given) and the provider's
    subject id, whichever the token has."""
    who = {key: str(claims[key]) for key in ("email", "sub") if claims.get(key)}
    return who or {"sub": "unknown"}


def display_name(claims: Mapping[str, Any]) -> str:
    for key in ("email", "name", "preferred_username", "sub"):
        if claims.get(key):
            return str(claims[key])
    return "unknown"
