"""`chi serve` and sign-in (dashboard/core/signin.py, dashboard/commands/serve_signin.py):
chi.toml's [auth] read and checked, handed to Streamlit as its [auth] secrets; the
private app on a shared address refused without sign-in unless --no-auth."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.commands import serve_signin
from dashboard.core import settings, signin
from dashboard.data import audit

GOOGLE = "https://accounts.google.com/.well-known/openid-configuration"
AUTH = f"""
[auth]
server_metadata_url = "{GOOGLE}"
client_id = "1234.apps.googleusercontent.com"
client_secret = "not-a-real-secret"
"""
ROLES = '\n[roles]\nviewer = ["@example.com"]\n'


def args(data: Path, host: str = "localhost", **extra: object) -> argparse.Namespace:
    values = {"data": data, "config": None, "host": host, "port": 8501, "public": False}
    return argparse.Namespace(**{**values, "no_auth": False, **extra})


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    for name in (settings.CLIENT_SECRET, settings.COOKIE_SECRET):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


def plan(a: argparse.Namespace, secret_files: list[Path] | None = None):
    return serve_signin.plan(a, secret_files or [])


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"])
def test_loopback_addresses_are_served_open_as_before(data, host):
    assert signin.is_loopback(host)
    assert plan(args(data, host)) == serve_signin.SignInPlan(False, [])


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "chi.example.com"])
def test_a_shared_address_without_sign_in_is_refused_saying_why(data, host):
    assert not signin.is_loopback(host)
    with pytest.raises(ValueError, match=rf"refusing to serve the private app on {host}") as exc:
        plan(args(data, host))
    assert "--no-auth" in str(exc.value) and "[auth]" in str(exc.value)


def test_no_auth_serves_a_shared_address_open_with_a_warning(data):
    result = plan(args(data, "0.0.0.0", no_auth=True))
    assert not result.required
    assert any("anyone who reaches port 8501" in note for note in result.notes)


def test_public_mode_needs_no_sign_in_anywhere(data):
    assert plan(args(data, "0.0.0.0", public=True)) == serve_signin.SignInPlan(False, [])


def test_chi_toml_auth_turns_sign_in_on_and_says_the_cookie_secret_is_per_start(data):
    (data / "chi.toml").write_text(AUTH + ROLES)
    result = plan(args(data))
    assert result.required
    assert any("accounts.google.com" in note for note in result.notes)
    assert any("one is made at each start" in note for note in result.notes)
    assert any(str(audit.audit_path(data)) in note for note in result.notes)
    assert audit.audit_path(data).exists()  # checked writable before the server starts


def test_sign_in_on_a_shared_address_needs_the_redirect_uri_people_open(data):
    (data / "chi.toml").write_text(AUTH + ROLES)
    with pytest.raises(ValueError, match="redirect_uri is needed on 0.0.0.0"):
        plan(args(data, "0.0.0.0"))
    (data / "chi.toml").write_text(
        AUTH + 'redirect_uri = "https://chi.example.com/oauth2callback"\n' + ROLES
    )
    assert plan(args(data, "0.0.0.0")).required


def test_sign_in_without_roles_warns_that_nobody_gets_in(data):
    (data / "chi.toml").write_text(AUTH)
    assert any("gives no one a role" in note for note in plan(args(data)).notes)


def test_no_auth_turns_configured_sign_in_off_and_says_so(data):
    (data / "chi.toml").write_text(AUTH + ROLES)
    result = plan(args(data, no_auth=True))
    assert not result.required
    assert result.notes == ["Sign-in is configured, but --no-auth turns it off."]


def test_streamlit_secrets_toml_auth_counts_as_sign_in_configured(data, tmp_path):
    secrets = tmp_path / "project" / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir(parents=True)
    secrets.write_text(
        '[auth]\nredirect_uri = "https://chi.example.com/oauth2callback"\n'
        f'cookie_secret = "{"x" * 40}"\n\n[auth.keycloak]\nclient_id = "chi"\n'
        'client_secret = "s"\nserver_metadata_url = '
        '"https://sso.example.com/realms/staff/.well-known/openid-configuration"\n'
    )
    result = plan(args(data, "0.0.0.0"), [tmp_path / "absent.toml", secrets])
    assert result.required
    assert any("keycloak" in note and str(secrets) in note for note in result.notes)
    secrets.write_text('[auth]\nredirect_uri = "https://chi.example.com/oauth2callback"\n')
    with pytest.raises(ValueError, match="lacks cookie_secret"):
        plan(args(data, "0.0.0.0"), [secrets])


def test_an_unwritable_audit_log_stops_sign_in_at_start(data):
    (data / "chi.toml").write_text(AUTH + ROLES)
    (data / "audit").write_text("a file where the folder should be")
    with pytest.raises(ValueError, match="sign-in needs an audit log"):
        plan(args(data))


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"client_id": "c", "client_secret": "s"}, "lacks server_metadata_url"),
        ({"server_metadata_url": GOOGLE, "client_id": "c"}, "CHI_AUTH_CLIENT_SECRET"),
        ({"server_metadata_url": "accounts.google.com", "client_id": "c", "client_secret": "s"},
         "absolute http"),
        ({"server_metadata_url": GOOGLE, "client_id": "c", "client_secret": "s",
          "redirect_uri": "https://chi.example.com/callback"}, "must end with /oauth2callback"),
        ({"server_metadata_url": GOOGLE, "client_id": "c", "client_secret": "s",
          "cookie_secret": "short"}, "at least 32 characters"),
        ({"server_metadata_url": GOOGLE, "client_id": "c", "client_secret": "s",
          "clientid": "typo"}, "unknown key"),
    ],
)  # fmt: skip
def test_an_auth_table_that_cannot_work_names_the_key(table, problem):
    with pytest.raises(ValueError, match=problem):
        signin.parse_sign_in(table, "chi.toml")


def test_the_environment_gives_the_secrets_chi_toml_leaves_out():
    table = {"server_metadata_url": GOOGLE, "client_id": "c"}
    sign_in = signin.parse_sign_in(table, "chi.toml", "from-env", "e" * 32)
    assert sign_in is not None
    assert (sign_in.client_secret, sign_in.cookie_secret) == ("from-env", "e" * 32)
    assert "from-env" not in repr(sign_in)  # secrets stay out of logs and tracebacks
    assert signin.parse_sign_in({}, "chi.toml") is None


def test_streamlit_gets_the_default_provider_with_a_generated_cookie_secret():
    sign_in = signin.parse_sign_in(
        {"server_metadata_url": GOOGLE, "client_id": "c", "client_secret": "s"}, "chi.toml"
    )
    assert sign_in is not None
    first, second = signin.auth_secrets(sign_in), signin.auth_secrets(sign_in)
    assert {k: v for k, v in first.items() if k != "cookie_secret"} == {
        "server_metadata_url": GOOGLE,
        "client_id": "c",
        "client_secret": "s",
        "redirect_uri": "http://localhost:{port}/oauth2callback",  # Streamlit fills the port
    }
    assert len(first["cookie_secret"]) >= 32 and first["cookie_secret"] != second["cookie_secret"]
    assert signin.providers(first) == ["default"]


def test_chi_serve_on_0_0_0_0_without_sign_in_exits_2_before_making_any_data(tmp_path, capsys):
    empty = tmp_path / "data"
    code = cli.main(["serve", "--data", str(empty), "--host", "0.0.0.0"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("chi serve: refusing to serve the private app on 0.0.0.0")
    assert not empty.exists()  # no demo generated, nothing written


def test_the_server_learns_sign_in_from_chi_serve_only(tmp_path):
    on = settings.server_environment(tmp_path, None, False, {}, sign_in_required=True)
    assert settings.sign_in(on)
    inherited = {settings.SIGN_IN: "1"}
    assert not settings.sign_in(settings.server_environment(tmp_path, None, False, inherited))
    # public mode never asks to sign in
    public = settings.server_environment(tmp_path, None, True, {}, sign_in_required=True)
    assert not settings.sign_in(public)
