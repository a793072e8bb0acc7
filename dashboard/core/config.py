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
    source: str = field(default="defaults")
    # follower fairness ([fairness], docs/METRICS.md "Follower fairness"): the
    # false-discovery rate of the verdicts (Benjamini-Hochberg) and the smallest
    # effects per tenfold followers worth a verdict, either way
    fairness_fdr: float = 0.05
    fairness_min_odds_ratio: float = 1.15
    fairness_min_speed_factor: float = 1.15

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
    return Config(
        methodology_version=str(raw["methodology_version"]),
        min_n=min_n,
        display_time_zone=str(raw["display_time_zone"]),
        weights={name: weights.get(name, 0.0) for name in COMPONENTS},
        targets_s=targets,
        alert_gap_points=float(raw.get("consistency", {}).get("alert_gap_points", 15)),
        public_brands=tuple(raw.get("public", {}).get("brands", [])),
        source=source,
        **_fairness(raw.get("fairness", {}), source),
    )


def _fairness(raw: dict[str, Any], source: str) -> dict[str, float]:
    """The [fairness] keys: 0 < false_discovery_rate < 1, minimum effects >= 1."""
    fdr = float(raw.get("false_discovery_rate", 0.05))
    if not 0 < fdr < 1:
        raise ConfigError(f"{source}: [fairness] false_discovery_rate must be between 0 and 1")
    minimums = {}
    for key in ("min_odds_ratio_per_10x", "min_speed_factor_per_10x"):
        minimums[key] = float(raw.get(key, 1.15))
        if minimums[key] < 1:
            raise ConfigError(f"{source}: [fairness] {key} must be at least 1 (1 = no minimum)")
    return {
        "fairness_fdr": fdr,
        "fairness_min_odds_ratio": minimums["min_odds_ratio_per_10x"],
        "fairness_min_speed_factor": minimums["min_speed_factor_per_10x"],
    }
