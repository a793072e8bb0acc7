"""Configuration: weights, targets, minimum n, public allowlist and brand display
names, read from TOML.

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

from dashboard.core.access import Rule, parse_roles
from dashboard.core.schema import CHANNELS
from dashboard.core.vocabulary import COMPONENTS

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.toml")
USER_CONFIG_NAME = "chi.toml"
# [resolution] rule: docs/METRICS.md, "Resolution"
RESOLUTION_RULES: tuple[str, ...] = ("stayed_resolved", "ever_resolved")
# [alerts] seasonal: docs/METRICS.md, "Alerts"
ALERT_SEASONS: tuple[str, ...] = ("none", "weekday")


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
    public_brands: tuple[str, ...]  # display names (source names in the file are mapped)
    # 'stayed_resolved' (a reopened conversation is not resolved) or 'ever_resolved'
    resolution_rule: str = "stayed_resolved"
    # [brands]: source brand name or handle -> display name, keys as written in the file
    brands: dict[str, str] = field(default_factory=dict)
    source: str = field(default="defaults")
    # follower fairness ([fairness], docs/METRICS.md "Follower fairness"): the
    # false-discovery rate of the verdicts (Benjamini-Hochberg) and the smallest
    # effects per tenfold followers worth a verdict, either way
    fairness_fdr: float = 0.05
    fairness_min_odds_ratio: float = 1.15
    fairness_min_speed_factor: float = 1.15
    # [costs] (docs/METRICS.md, "Agents and superfans"): what one contact handled by
    # staff takes, used for what community superfans save
    minutes_per_contact: float = 6.0
    cost_per_contact: float = 8.01
    currency: str = "USD"
    # [roles]: who gets which role once sign-in is on (dashboard/core/access.py)
    roles: tuple[Rule, ...] = ()
    # [alerts] (docs/METRICS.md, "Alerts"): a day's volume, index or mood against the
    # median and MAD of the same series' previous alerts_window_days days
    alerts_window_days: int = 28
    alerts_min_history_days: int = 14
    alerts_seasonal: str = "none"  # or "weekday": the same weekday of the window only
    alerts_z_threshold: float = 4.0
    alerts_min_n: int | None = None  # None: the global min_n
    alerts_mad_floor_volume: float = 1.0  # conversations
    alerts_mad_floor_index: float = 3.0  # index points
    alerts_mad_floor_mood: float = 3.0  # mood points

    @property
    def alerts_effective_min_n(self) -> int:
        """The conversations a day needs for an index or mood alert ([alerts] min_n,
        else the global min_n)."""
        return self.alerts_min_n if self.alerts_min_n is not None else self.min_n

    # [topics] (docs/METRICS.md, "Topics"): a term in fewer messages of the selection is
    # suppressed; the size alpha_0 of the log-odds ratio's informative Dirichlet prior
    # (None: the corpus's own size, so the prior is the corpus's counts)
    topics_min_count: int = 10
    topics_prior_size: float | None = None
    # [percentiles] (docs/METRICS.md, "Percentiles"): the relative accuracy alpha of the
    # response-time sketch stored in the daily rollup; every median and percentile is
    # within alpha (relative) of the exact value of the same rank
    percentile_relative_accuracy: float = 0.01

    @property
    def percentile_gamma(self) -> float:
        """The sketch's bucket growth factor gamma = (1 + alpha) / (1 - alpha)."""
        alpha = self.percentile_relative_accuracy
        return (1 + alpha) / (1 - alpha)

    def fingerprint(self) -> str:
        """Changes whenever any number or name that affects results changes (cache key:
        the [brands] names are in it, so a running app shows an edited mapping). The
        [roles] are not: they change who sees a figure, never the figure."""
        figures = {key: value for key, value in self.__dict__.items() if key != "roles"}
        payload = json.dumps(figures, sort_keys=True, default=list)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def display_brand(self, name: str) -> str:
        """The name people know for a brand name or handle of the data: its [brands]
        entry (keys match without case), else the name itself."""
        return display_names(self.brands).get(name.lower(), name)


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


def display_names(brands: dict[str, str]) -> dict[str, str]:
    """[brands] keyed in lower case: how source names are matched (without case)."""
    return {key.lower(): value for key, value in brands.items()}


def _brands(raw: Any, source: str) -> dict[str, str]:
    """[brands]: every key a source brand name or handle, every value a non-empty
    display name (surrounding spaces dropped); two keys equal without case are one
    brand written twice, which is an error rather than a silent pick."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [brands] must be a table of source name = display name")
    brands: dict[str, str] = {}
    seen: dict[str, str] = {}
    for key, value in raw.items():
        if not key.strip():
            raise ConfigError(f"{source}: [brands] has an empty key")
        if isinstance(value, dict):  # `Apple.Support = ...` or [brands.Apple]
            raise ConfigError(
                f"{source}: [brands] {key!r} is a table, not a display name; quote a key "
                f'with dots, e.g. "{key}.Support" = "Apple"'
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f"{source}: [brands] {key!r} must be a non-empty display name in quotes, "
                f'e.g. {key} = "Apple" (got {value!r})'
            )
        if key.lower() in seen:
            raise ConfigError(
                f"{source}: [brands] {seen[key.lower()]!r} and {key!r} are the same brand "
                "(keys match without case); keep one"
            )
        seen[key.lower()] = key
        brands[key] = value.strip()
    return brands


def _public_brands(raw: Any, brands: dict[str, str], source: str) -> tuple[str, ...]:
    """[public] brands as display names: a source name or handle listed there is its
    [brands] display name (a brand listed both ways appears once)."""
    if not isinstance(raw, list) or not all(isinstance(b, str) for b in raw):
        raise ConfigError(f'{source}: [public] brands must be a list of names, e.g. ["Apple"]')
    names = display_names(brands)
    return tuple(dict.fromkeys(names.get(b.lower(), b) for b in raw))


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
    brands = _brands(raw.get("brands", {}), source)
    return Config(
        methodology_version=str(raw["methodology_version"]),
        min_n=min_n,
        display_time_zone=str(raw["display_time_zone"]),
        weights={name: weights.get(name, 0.0) for name in COMPONENTS},
        targets_s=targets,
        alert_gap_points=float(raw.get("consistency", {}).get("alert_gap_points", 15)),
        public_brands=_public_brands(raw.get("public", {}).get("brands", []), brands, source),
        resolution_rule=resolution_rule,
        brands=brands,
        source=source,
        roles=_roles(raw.get("roles", {}), source),
        **_fairness(raw.get("fairness", {}), source),
        **_costs(raw.get("costs", {}), source),
        **_alerts(raw.get("alerts", {}), source),
        **_topics(raw.get("topics", {}), source),
        **_percentiles(raw.get("percentiles", {}), source),
    )


def _percentiles(raw: Any, source: str) -> dict[str, Any]:
    """The [percentiles] keys: relative_accuracy, a number with 0 < alpha <= 0.1 (a
    looser sketch would print medians off by more than a tenth)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [percentiles] must be a table")
    alpha = raw.get("relative_accuracy", 0.01)
    ok = not isinstance(alpha, bool) and isinstance(alpha, int | float) and 0 < alpha <= 0.1
    if not ok:
        raise ConfigError(
            f"{source}: [percentiles] relative_accuracy must be a number above 0 and at most "
            f"0.1 (got {alpha!r})"
        )
    return {"percentile_relative_accuracy": float(alpha)}


def _alerts(raw: Any, source: str) -> dict[str, Any]:
    """The [alerts] keys (docs/METRICS.md, "Alerts"): whole days and counts >= 1, a
    threshold and MAD floors > 0, a known seasonality, and a history the window can
    hold (with "weekday" the window holds one day in seven)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [alerts] must be a table")

    def number(key: str, default: float, whole: bool = False) -> float:
        value = raw.get(key, default)
        ok = not isinstance(value, bool) and isinstance(value, int if whole else int | float)
        if not ok or value <= 0:
            kind = "a whole number >= 1" if whole else "a number > 0"
            raise ConfigError(f"{source}: [alerts] {key} must be {kind} (got {value!r})")
        return value

    window = int(number("window_days", 28, whole=True))
    history = int(number("min_history_days", 14, whole=True))
    seasonal = raw.get("seasonal", "none")
    if seasonal not in ALERT_SEASONS:
        raise ConfigError(
            f"{source}: [alerts] seasonal must be one of {list(ALERT_SEASONS)}, not {seasonal!r}"
        )
    room = window if seasonal == "none" else window // 7
    if history > room:
        raise ConfigError(
            f"{source}: [alerts] min_history_days = {history} can never be met: a window "
            f"of {window} days holds {room} day(s)"
            + (" of the same weekday" if seasonal == "weekday" else "")
        )
    min_n = raw.get("min_n")
    return {
        "alerts_window_days": window,
        "alerts_min_history_days": history,
        "alerts_seasonal": seasonal,
        "alerts_z_threshold": float(number("z_threshold", 4.0)),
        "alerts_min_n": None if min_n is None else int(number("min_n", 20, whole=True)),
        "alerts_mad_floor_volume": float(number("mad_floor_volume", 1.0)),
        "alerts_mad_floor_index": float(number("mad_floor_index", 3.0)),
        "alerts_mad_floor_mood": float(number("mad_floor_mood", 3.0)),
    }


def _costs(raw: Any, source: str) -> dict[str, Any]:
    """The [costs] keys: minutes and cost per staff-handled contact (>= 0), currency."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [costs] must be a table")
    values: dict[str, Any] = {}
    for key in ("minutes_per_contact", "cost_per_contact"):
        value = raw.get(key, {"minutes_per_contact": 6.0, "cost_per_contact": 8.01}[key])
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{source}: [costs] {key} must be a number >= 0 (got {value!r})")
        values[key] = float(value)
    currency = raw.get("currency", "USD")
    if not isinstance(currency, str) or not currency.strip():
        raise ConfigError(f'{source}: [costs] currency must be a name such as "USD"')
    values["currency"] = currency.strip()
    return values


def _roles(raw: Any, source: str) -> tuple[Rule, ...]:
    try:
        return parse_roles(raw)
    except ValueError as exc:
        raise ConfigError(f"{source}: {exc}") from exc


def user_table(data_dir: Path | None, path: Path | None, name: str) -> tuple[dict[str, Any], str]:
    """One table of the user's config file as written, without defaults (e.g. [auth],
    whose secrets stay out of Config): ({}, "") when the file or the table is absent."""
    user_path = path or (data_dir / USER_CONFIG_NAME if data_dir else None)
    if user_path is None or not user_path.exists():
        return {}, ""
    table = _read(user_path).get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{user_path}: [{name}] must be a table")
    return table, str(user_path)


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


def _topics(raw: Any, source: str) -> dict[str, Any]:
    """The [topics] keys: min_count, a whole number >= 1; prior_size, a number > 0 or
    "corpus" (the default: alpha_0 is the size of the corpus compared)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [topics] must be a table")
    min_count = raw.get("min_count", 10)
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ConfigError(
            f"{source}: [topics] min_count must be a whole number >= 1 (got {min_count!r})"
        )
    prior = raw.get("prior_size", "corpus")
    if prior == "corpus":
        return {"topics_min_count": min_count, "topics_prior_size": None}
    if isinstance(prior, bool) or not isinstance(prior, int | float) or not prior > 0:
        raise ConfigError(
            f'{source}: [topics] prior_size must be "corpus" or a number > 0 (got {prior!r})'
        )
    return {"topics_min_count": min_count, "topics_prior_size": float(prior)}
