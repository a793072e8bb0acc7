"""Where the app finds its data and how it runs: the one place that reads the
environment. `chi serve` passes its options to the Streamlit process through the same
variables (`server_environment`), and every reader (the pages' glue in
dashboard/ui, the feeds in dashboard/web/api.py, the warm-up, the command line's
defaults) asks this module.

    CHI_DATA     the data directory (default ./data)
    CHI_CONFIG   the configuration file (default <data dir>/chi.toml, else built-in)
    CHI_PUBLIC   "1": public mode, only the public board pages
    CHI_WARMUP   "0", "false", "no" or "off": no warm-up at server start (chi bench)
    CHI_SIGN_IN  "1": the private app asks everyone to sign in (set by `chi serve` when
                 sign-in is configured; README, "Sign-in and roles")
    CHI_AUTH_CLIENT_SECRET, CHI_AUTH_COOKIE_SECRET  the [auth] secrets, when chi.toml
                 leaves them out
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from dashboard.core.config import USER_CONFIG_NAME

DATA = "CHI_DATA"
CONFIG = "CHI_CONFIG"
PUBLIC = "CHI_PUBLIC"
WARMUP = "CHI_WARMUP"
SIGN_IN = "CHI_SIGN_IN"
CLIENT_SECRET = "CHI_AUTH_CLIENT_SECRET"
COOKIE_SECRET = "CHI_AUTH_COOKIE_SECRET"
VARIABLES = (DATA, CONFIG, PUBLIC, WARMUP, SIGN_IN, CLIENT_SECRET, COOKIE_SECRET)
DEFAULT_DATA_DIR = Path("data")
_OFF = ("0", "false", "no", "off")


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The data directory: CHI_DATA, else ./data."""
    value = (os.environ if env is None else env).get(DATA, "")
    return Path(value) if value else DEFAULT_DATA_DIR


def explicit_config_path(env: Mapping[str, str] | None = None) -> Path | None:
    """CHI_CONFIG when set: a file that must exist (load_config says so when not)."""
    value = (os.environ if env is None else env).get(CONFIG, "")
    return Path(value) if value else None


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The configuration file that applies: CHI_CONFIG, else <data dir>/chi.toml (which
    may not exist: then the built-in defaults apply)."""
    return explicit_config_path(env) or data_dir(env) / USER_CONFIG_NAME


def public(env: Mapping[str, str] | None = None) -> bool:
    """Public mode: only the public board pages, aggregates only."""
    return (os.environ if env is None else env).get(PUBLIC, "") == "1"


def warmup(env: Mapping[str, str] | None = None) -> bool:
    """Whether the server warms its connection up at start (on unless turned off)."""
    value = (os.environ if env is None else env).get(WARMUP, "1")
    return value.strip().lower() not in _OFF


def sign_in(env: Mapping[str, str] | None = None) -> bool:
    """Whether the private app asks everyone to sign in (`chi serve` decides)."""
    return (os.environ if env is None else env).get(SIGN_IN, "") == "1"


def auth_client_secret(env: Mapping[str, str] | None = None) -> str | None:
    return (os.environ if env is None else env).get(CLIENT_SECRET) or None


def auth_cookie_secret(env: Mapping[str, str] | None = None) -> str | None:
    return (os.environ if env is None else env).get(COOKIE_SECRET) or None


def server_environment(
    data: Path,
    config: Path | None,
    public_mode: bool,
    base: Mapping[str, str] | None = None,
    *,
    sign_in_required: bool = False,
) -> dict[str, str]:
    """The environment of the Streamlit process `chi serve` starts: `base` (default the
    current environment) with the data dir, config and mode set as the readers above
    expect them. Paths are made absolute: the server may run from another directory."""
    env = dict(os.environ if base is None else base)
    env[DATA] = str(Path(data).resolve())
    env[PUBLIC] = "1" if public_mode else ""
    env[SIGN_IN] = "1" if sign_in_required and not public_mode else ""
    if config is not None:
        env[CONFIG] = str(Path(config).resolve())
    return env
