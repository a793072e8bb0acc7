"""Configuration: weights, targets, minimum n and public allowlist, read from TOML.

Lookup order: an explicit path, else `<data dir>/chi.toml`, else the packaged
defaults (dashboard/core/default_config.toml). A user file only overrides the keys it sets.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.core.schema import CHANNELS
from dashboard.core.vocabulary import COMPONENTS

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.toml")
USER_CONFIG_NAME = "chi.toml"
# [resolution] rule: docs/METRICS.md, "Resolution"
RESOLUTION_RULES: tuple[str, ...] = ("stayed_resolved", "ever_resolved")


class ConfigError(ValueError):
    """A configuration file that cannot be used, with the file and key in the message."""


@dataclass(frozen=True)
class Config:
    methodology_version: str
    min_n: int
    display_time_zone: str
    weights: dict[str, float]
    targets_s: dict[str, int]
    alert_gap_points: float
    public_brands: tuple[str, ...]
    # 'stayed_resolved' (a reopened conversation is not resolved) or 'ever_resolved'
    resolution_rule: str = "stayed_resolved"
    source: str = field(default="defaults")

    def fingerprint(self) -> str:
        """Changes whenever any number that affects results changes (cache key)."""
        payload = json.dumps(self.__dict__, sort_keys=True, default=list)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc


def load_config(data_dir: Path | None = None, path: Path | None = None) -> Config:
    raw = _read(DEFAULT_CONFIG_PATH)
    source = "defaults"
    user_path = path or (data_dir / USER_CONFIG_NAME if data_dir else None)
    if user_path is not None and user_path.exists():
        raw = _merge(raw, _read(user_path))
        source = str(user_path)
    elif path is not None:
        raise ConfigError(f"{path}: configuration file not found")
    return _validate(raw, source)


def _validate(raw: dict[str, Any], source: str) -> Config:
    weights = {k: float(v) for k, v in raw["weights"].items()}
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ConfigError(f"{source}: [weights] has unknown component(s) {sorted(unknown)}")
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ConfigError(f"{source}: [weights] must be >= 0 and not all zero")
    targets = {k: int(v) for k, v in raw["targets_s"].items()}
    missing = set(CHANNELS) - set(targets)
    if missing:
        raise ConfigError(f"{source}: [targets_s] lacks channel(s) {sorted(missing)}")
    if any(t <= 0 for t in targets.values()):
        raise ConfigError(f"{source}: [targets_s] values must be positive seconds")
    min_n = int(raw["min_n"])
    if min_n < 1:
        raise ConfigError(f"{source}: min_n must be at least 1")
    resolution_rule = str(raw.get("resolution", {}).get("rule", "stayed_resolved"))
    if resolution_rule not in RESOLUTION_RULES:
        raise ConfigError(
            f"{source}: [resolution] rule must be one of {list(RESOLUTION_RULES)}, "
            f"not {resolution_rule!r}"
        )
    return Config(
        methodology_version=str(raw["methodology_version"]),
        min_n=min_n,
        display_time_zone=str(raw["display_time_zone"]),
        weights={name: weights.get(name, 0.0) for name in COMPONENTS},
        targets_s=targets,
        alert_gap_points=float(raw.get("consistency", {}).get("alert_gap_points", 15)),
        public_brands=tuple(raw.get("public", {}).get("brands", [])),
        resolution_rule=resolution_rule,
        source=source,
    )
