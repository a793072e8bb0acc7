"""One module resolves the settings (dashboard/core/settings.py): the data dir, the
config file, public mode and the warm-up, from CHI_DATA, CHI_CONFIG, CHI_PUBLIC and
CHI_WARMUP."""

from __future__ import annotations

from pathlib import Path

from dashboard.core import settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_data_dir_is_chi_data_else_data() -> None:
    assert settings.data_dir({}) == Path("data")
    assert settings.data_dir({"CHI_DATA": ""}) == Path("data")
    assert settings.data_dir({"CHI_DATA": "/srv/chi"}) == Path("/srv/chi")


def test_the_config_is_chi_config_else_chi_toml_in_the_data_dir() -> None:
    assert settings.config_path({"CHI_DATA": "/srv/chi"}) == Path("/srv/chi/chi.toml")
    assert settings.explicit_config_path({"CHI_DATA": "/srv/chi"}) is None
    env = {"CHI_DATA": "/srv/chi", "CHI_CONFIG": "/etc/chi.toml"}
    assert settings.config_path(env) == settings.explicit_config_path(env) == Path("/etc/chi.toml")


def test_public_mode_is_only_chi_public_1() -> None:
    assert settings.public({"CHI_PUBLIC": "1"})
    assert not settings.public({"CHI_PUBLIC": ""})
    assert not settings.public({})


def test_the_warm_up_is_on_unless_turned_off() -> None:
    assert settings.warmup({})
    assert settings.warmup({"CHI_WARMUP": "1"})
    for off in ("0", "false", "No", " off "):
        assert not settings.warmup({"CHI_WARMUP": off})


def test_chi_serve_hands_its_options_to_the_server_as_the_readers_expect(tmp_path) -> None:
    base = {"PATH": "/bin", "CHI_CONFIG": "/inherited.toml"}
    env = settings.server_environment(tmp_path / "d", None, True, base)
    assert env["PATH"] == "/bin"
    assert settings.data_dir(env) == (tmp_path / "d").resolve()
    assert settings.public(env)
    assert settings.explicit_config_path(env) == Path("/inherited.toml")
    env = settings.server_environment(tmp_path / "d", tmp_path / "c.toml", False, base)
    assert settings.explicit_config_path(env) == (tmp_path / "c.toml").resolve()
    assert not settings.public(env)


def test_no_other_module_reads_the_settings_variables() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for folder in ("dashboard", "pages")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "dashboard" / "core" / "settings.py"
        and any(f'"{name}"' in path.read_text(encoding="utf-8") for name in settings.VARIABLES)
    ]
    assert readers == []
