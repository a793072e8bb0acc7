"""Roles (dashboard/core/access.py): rules by email, domain and ID-token claim from
chi.toml's [roles], the highest match wins, and which pages each role may open."""

from __future__ import annotations

import pytest

from dashboard.core import access
from dashboard.core.access import Role, parse_roles, role_for
from dashboard.core.config import ConfigError, load_config
from dashboard.ui.navigation import refused_pages, visible_pages

RULES = parse_roles(
    {
        "admin": ["Alice@Example.com"],
        "analyst": ["claim:groups=chi-analysts", "claim:realm_access.roles=chi-analyst"],
        "viewer": ["@example.com", "claim:hd=example.org"],
    }
)


def test_an_email_rule_matches_that_address_without_case():
    assert role_for({"email": "alice@example.com"}, RULES) == Role.ADMIN
    assert role_for({"email": "ALICE@EXAMPLE.COM", "email_verified": True}, RULES) == Role.ADMIN


def test_a_domain_rule_matches_every_address_there_but_not_a_subdomain():
    assert role_for({"email": "bob@example.com"}, RULES) == Role.VIEWER
    assert role_for({"email": "bob@eu.example.com"}, RULES) is None
    assert role_for({"email": "bob@example.com.evil.net"}, RULES) is None


def test_a_claim_rule_matches_an_element_of_a_list_claim_or_a_nested_claim():
    assert role_for({"sub": "1", "groups": ["support", "chi-analysts"]}, RULES) == Role.ANALYST
    assert role_for({"sub": "2", "realm_access": {"roles": ["chi-analyst"]}}, RULES) == (
        Role.ANALYST
    )
    assert role_for({"sub": "3", "hd": "example.org"}, RULES) == Role.VIEWER
    assert role_for({"sub": "4", "groups": ["chi-analysts-old"]}, RULES) is None


def test_the_highest_matching_role_wins():
    # a viewer by domain and an analyst by group: analyst; alice is admin by email
    claims = {"email": "carol@example.com", "groups": ["chi-analysts"]}
    assert role_for(claims, RULES) == Role.ANALYST
    assert role_for({"email": "alice@example.com", "groups": ["chi-analysts"]}, RULES) == (
        Role.ADMIN
    )


def test_an_unverified_email_matches_no_email_or_domain_rule():
    assert role_for({"email": "alice@example.com", "email_verified": False}, RULES) is None
    assert role_for({"email": "bob@example.com", "email_verified": "false"}, RULES) is None
    # a claim rule does not depend on the email
    unverified = {"email": "x@y.org", "email_verified": False, "groups": ["chi-analysts"]}
    assert role_for(unverified, RULES) == Role.ANALYST


def test_someone_no_rule_matches_has_no_role():
    assert role_for({"email": "eve@elsewhere.net", "sub": "e"}, RULES) is None
    assert role_for({}, RULES) is None
    assert role_for({"email": "alice@example.com"}, ()) is None


def test_a_boolean_claim_reads_true_or_false():
    rules = parse_roles({"viewer": ["claim:staff=true"]})
    assert role_for({"staff": True}, rules) == Role.VIEWER
    assert role_for({"staff": False}, rules) is None


@pytest.mark.parametrize(
    ("roles", "problem"),
    [
        ({"owner": ["a@b.com"]}, "unknown role 'owner'"),
        ({"viewer": "@example.com"}, None),  # a single rule may be written as a string
        ({"viewer": [42]}, "non-empty string"),
        ({"viewer": ["example.com"]}, "neither an email"),
        ({"viewer": ["@localhost"]}, "not a domain rule"),
        ({"viewer": ["claim:groups"]}, "claim:NAME=VALUE"),
        ({"viewer": {"a": 1}}, "must be a list"),
    ],
)
def test_a_rule_that_cannot_be_read_is_an_error_naming_it(roles, problem):
    if problem is None:
        assert parse_roles(roles) == (
            access.Rule(Role.VIEWER, "domain", "example.com", "", "@example.com"),
        )
        return
    with pytest.raises(ValueError, match=problem):
        parse_roles(roles)


def test_roles_come_from_chi_toml_and_a_bad_one_names_the_file(tmp_path):
    (tmp_path / "chi.toml").write_text('[roles]\nanalyst = ["@example.com"]\n')
    config = load_config(tmp_path)
    assert role_for({"email": "a@example.com"}, config.roles) == Role.ANALYST
    assert load_config().roles == ()  # the defaults give no one a role
    (tmp_path / "chi.toml").write_text('[roles]\nanalyst = ["example.com"]\n')
    with pytest.raises(ConfigError, match=r"chi\.toml.*\[roles\] analyst"):
        load_config(tmp_path)


def test_editing_roles_does_not_change_the_figures_cache_key(tmp_path):
    (tmp_path / "chi.toml").write_text("min_n = 20\n")
    before = load_config(tmp_path).fingerprint()
    (tmp_path / "chi.toml").write_text('min_n = 20\n[roles]\nviewer = ["@example.com"]\n')
    assert load_config(tmp_path).fingerprint() == before


def _titles(pages) -> list[str]:
    return [spec.title for spec, _ in pages]


def test_each_role_opens_its_pages_and_the_others_are_refused():
    every = _titles(visible_pages(public=False))  # without sign-in: every private page
    assert "Upload data" in every and "Executive overview" in every
    viewer = _titles(visible_pages(False, Role.VIEWER))
    assert "Upload data" not in viewer and "Executive overview" in viewer
    # the People and Topics pages (agents are staff; the customers' words, drill-down to
    # message text) are for analysts
    assert _titles(refused_pages(False, Role.VIEWER)) == ["People", "Topics", "Upload data"]
    analyst = _titles(visible_pages(False, Role.ANALYST))
    assert "People" in analyst and "Upload data" not in analyst
    assert _titles(refused_pages(False, Role.ANALYST)) == ["Upload data"]
    assert _titles(visible_pages(False, Role.ADMIN)) == every
    assert refused_pages(False, Role.ADMIN) == []
    # signed out or no role: only the public pages; every other private page refuses
    public_titles = ["Public board", "Brand card", "Methodology"]
    assert _titles(visible_pages(False, None)) == public_titles
    assert set(_titles(refused_pages(False, None))) == set(every) - set(public_titles)


def test_public_mode_is_unchanged_by_roles():
    assert _titles(visible_pages(True)) == ["Public board", "Brand card", "Methodology"]
    assert _titles(visible_pages(True, None)) == _titles(visible_pages(True))
    assert refused_pages(True, None) == []


def test_the_drilldown_needs_an_analyst_and_upload_an_admin():
    assert not access.allows(access.DRILLDOWN, Role.VIEWER)
    assert access.allows(access.DRILLDOWN, Role.ANALYST)
    assert not access.allows(access.UPLOAD, Role.ANALYST)
    assert access.allows(access.UPLOAD, Role.ADMIN)
    assert access.allows(None, None)  # the public pages
    assert not access.allows(Role.VIEWER, None)
