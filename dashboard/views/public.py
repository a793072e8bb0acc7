"""The public board: what anyone may see, built only from aggregates.

Rules (documented on the methodology page and in the README):
- Only brands on the allowlist (`[public] brands` in chi.toml) appear. An empty
  allowlist shows nothing: never "all brands".
- Brands are shown by their display names ([brands] in chi.toml): the allowlist is
  of display names and the slugs are made from them (`AppleSupport = "Apple"` gives
  `apple`). A source name or handle of a public brand, or its slug, still finds it
  (`Board.find`), so a link made before the name was set keeps working.
- "The period" is the last PERIOD_DAYS days ending on the data's last day (in the
  configured display time zone), compared with the PERIOD_DAYS days before it.
- The sparkline is the weekly index (weeks start on Monday) over the last
  SPARK_WEEKS weeks up to the data's last day; a brand's history is every week.
- A group (brand x period, or brand x week) with fewer than `min_n` conversations
  is suppressed: its index, components and n are null, never 0, and it has no rank.
- Figures are rounded to one decimal here, so the page, the JSON feed, the badge
  and the static export all show the same numbers; the change is the difference
  of the rounded figures.

Nothing here reads message text or author ids: the only query is the additive
happiness_by_period.sql over the `conversations` table. No Streamlit import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

import duckdb
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.core.vocabulary import COMPONENTS, LABELS, SYMBOLS
from dashboard.data import sql
from dashboard.views import intervals
from dashboard.views.bounds import data_bounds

PERIOD_DAYS = 30
SPARK_WEEKS = 26


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def label(self) -> str:
        return f"{self.date_from:%d %b %Y} – {self.date_to:%d %b %Y}"


@dataclass(frozen=True)
class WeekPoint:
    week_start: dt.date
    index: float | None  # None: suppressed (fewer than min_n) or no conversations
    n: int | None  # None when suppressed
    ci: tuple[float, float] | None = None  # the index's 95 % interval


@dataclass(frozen=True)
class BrandScore:
    brand: str
    slug: str
    rank: int | None  # None when suppressed
    index: float | None
    previous_index: float | None
    change: float | None  # points, current minus previous; None if either is suppressed
    n: int | None
    components: dict[str, float | None]
    resolution_is_proxy: bool
    sparkline: tuple[WeekPoint, ...]
    conversations: int = 0  # in the period, shown even when under min n (the reason)
    index_ci: tuple[float, float] | None = None  # 95 % interval; None when suppressed
    component_cis: dict[str, tuple[float, float] | None] = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return self.index is None

    @property
    def direction(self) -> str | None:
        """'up', 'down' or 'flat' against the previous period; None when unknown."""
        if self.change is None:
            return None
        return "up" if self.change > 0 else "down" if self.change < 0 else "flat"


@dataclass(frozen=True)
class Board:
    period: Period | None  # None when there is no data at all
    previous: Period | None
    time_zone: str
    min_n: int
    methodology_version: str
    brands: tuple[BrandScore, ...] = field(default=())
    allowlist: tuple[str, ...] = field(default=())
    # a public brand's source names and handles ([brands] keys, lower case) and their
    # slugs -> the brand's slug
    aliases: dict[str, str] = field(default_factory=dict)

    def find(self, key: str) -> BrandScore | None:
        """A brand by slug or exact name, else by a source name or handle of it (in
        any case) or that one's slug; None for anything not on the board."""
        for score in self.brands:
            if key in (score.slug, score.brand):
                return score
        slug = self.aliases.get(key.lower())
        return next((s for s in self.brands if s.slug == slug), None) if slug else None


def slugify(brand: str) -> str:
    """A URL- and file-safe name: 'Skyline Air' -> 'skyline-air'."""
    ascii_name = unicodedata.normalize("NFKD", brand).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "brand-" + hashlib.sha256(brand.encode()).hexdigest()[:8]


def public_slugs(config: Config) -> dict[str, str]:
    """Allowlisted brand -> unique slug (a clash gets -2, -3, ... in list order)."""
    slugs: dict[str, str] = {}
    for brand in dict.fromkeys(config.public_brands):
        slug, k = slugify(brand), 2
        while slug in slugs.values():
            slug, k = f"{slugify(brand)}-{k}", k + 1
        slugs[brand] = slug
    return slugs


def source_aliases(config: Config, slugs: dict[str, str]) -> dict[str, str]:
    """Each [brands] key of a public brand (lower case) and its slug -> the brand's slug:
    the names a link may still use for it."""
    aliases: dict[str, str] = {}
    for key, name in config.brands.items():
        if name in slugs:
            aliases[key.lower()] = slugs[name]
            aliases[slugify(key)] = slugs[name]
    return aliases


def periods(last_day: dt.date) -> tuple[Period, Period]:
    """The current period (PERIOD_DAYS ending on last_day) and the one before it."""
    current = Period(last_day - dt.timedelta(days=PERIOD_DAYS - 1), last_day)
    prev_to = current.date_from - dt.timedelta(days=1)
    return current, Period(prev_to - dt.timedelta(days=PERIOD_DAYS - 1), prev_to)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _by_brand(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    brands: list[str],
    date_from: dt.date,
    date_to: dt.date,
    grain: str,
) -> pl.DataFrame:
    if not brands:  # an empty list would mean "all brands" to the query
        raise ValueError("no public brands to query")
    filters = Filters(date_from, date_to, tuple(brands), (), config.display_time_zone)
    frame = sql.run(
        con,
        "happiness_by_period",
        **query_params(filters, config, grain=grain, split_brand=True, split_channel=False),
    )
    return intervals.with_intervals(frame, config.weights)


def _interval(row: dict, name: str) -> tuple[float, float] | None:
    low, high = _round(row.get(f"{name}_ci_low")), _round(row.get(f"{name}_ci_high"))
    return None if low is None or high is None else (low, high)


def _rows(frame: pl.DataFrame) -> dict[tuple[str, dt.date], dict]:
    return {(r["brand"], r["period_start"]): r for r in frame.iter_rows(named=True)}


def _weeks(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    first = date_from - dt.timedelta(days=date_from.weekday())
    return [first + dt.timedelta(weeks=k) for k in range((date_to - first).days // 7 + 1)]


def _week_points(rows: dict, brand: str, weeks: list[dt.date], min_n: int) -> tuple:
    points = []
    for week in weeks:
        row = rows.get((brand, week))
        if row is None or row["conversations"] < min_n:
            points.append(WeekPoint(week, None, None))
        else:
            points.append(
                WeekPoint(
                    week,
                    _round(row["happiness_index"]),
                    int(row["conversations"]),
                    _interval(row, "happiness_index"),
                )
            )
    return tuple(points)


def board(con: duckdb.DuckDBPyConnection, config: Config) -> Board:
    """Every allowlisted brand, ranked by index (suppressed brands last, by name)."""
    tz = config.display_time_zone
    empty = Board(
        None,
        None,
        tz,
        config.min_n,
        config.methodology_version,
        allowlist=tuple(config.public_brands),
    )
    slugs = public_slugs(config)
    bounds = data_bounds(con, tz)
    if not slugs or bounds.conversations == 0:
        return empty
    brands = list(slugs)
    current, previous = periods(bounds.last_day)
    now = _rows(_by_brand(con, config, brands, current.date_from, current.date_to, "all"))
    before = _rows(_by_brand(con, config, brands, previous.date_from, previous.date_to, "all"))
    spark_from = current.date_to - dt.timedelta(weeks=SPARK_WEEKS - 1)
    weeks = _weeks(spark_from, current.date_to)
    weekly = _rows(_by_brand(con, config, brands, weeks[0], current.date_to, "week"))

    scores = []
    for brand in brands:
        row = now.get((brand, current.date_from))
        old = before.get((brand, previous.date_from))
        shown = row is not None and row["conversations"] >= config.min_n
        index = _round(row["happiness_index"]) if shown else None
        prev = (
            _round(old["happiness_index"]) if old and old["conversations"] >= config.min_n else None
        )
        scores.append(
            BrandScore(
                brand=brand,
                slug=slugs[brand],
                rank=None,
                index=index,
                previous_index=prev,
                change=_round(index - prev) if index is not None and prev is not None else None,
                n=int(row["conversations"]) if shown else None,
                components={c: _round(row[c]) if shown else None for c in COMPONENTS},
                resolution_is_proxy=bool(shown and row["resolved_proxy_n"] > 0),
                sparkline=_week_points(weekly, brand, weeks, config.min_n),
                conversations=int(row["conversations"]) if row else 0,
                index_ci=_interval(row, "happiness_index") if shown else None,
                component_cis={c: _interval(row, c) if shown else None for c in COMPONENTS},
            )
        )
    scores.sort(key=lambda s: (s.index is None, -(s.index or 0.0), s.brand))
    ranked = tuple(
        s if s.suppressed else BrandScore(**{**s.__dict__, "rank": i + 1})
        for i, s in enumerate(scores)
    )
    return Board(
        current,
        previous,
        tz,
        config.min_n,
        config.methodology_version,
        ranked,
        tuple(config.public_brands),
        source_aliases(config, slugs),
    )


def brand_history(
    con: duckdb.DuckDBPyConnection, config: Config, brand: str
) -> tuple[WeekPoint, ...]:
    """Every week of data for one allowlisted brand (suppressed weeks are null)."""
    if brand not in config.public_brands:
        return ()
    bounds = data_bounds(con, config.display_time_zone)
    if bounds.conversations == 0:
        return ()
    weeks = _weeks(bounds.first_day, bounds.last_day)
    rows = _rows(_by_brand(con, config, [brand], weeks[0], bounds.last_day, "week"))
    return _week_points(rows, brand, weeks, config.min_n)


# --- methodology, generated from the same config as the numbers -----------------

# what each component measures, in the methodology's words
DEFINITIONS: dict[str, str] = {
    "mood": "50 × (1 + mean mood), where a conversation's mood is the sentiment "
    "(−1..1) of its last customer message that has one",
    "speed": "100 × share of conversations answered within their entry channel's "
    "first-response target",
    "resolution": "100 × share of conversations resolved",
    "effort": "100 × share of effortless conversations: at most 2 customer "
    "messages, and every message on one channel",
    "satisfaction": "100 × share of rated conversations whose last CSAT rating is 4 or 5 "
    "(only where rated)",
}


def _duration_label(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def methodology(config: Config) -> dict:
    """The public methodology as data: formula, weights, targets, minimum n, rules."""
    total = sum(config.weights.values())
    symbols = [SYMBOLS[c] for c in COMPONENTS]
    return {
        "version": config.methodology_version,
        "formula": "CHI = Σ wᵢ × componentᵢ / Σ wᵢ, over the components ("
        + ", ".join(symbols)
        + ") a group has data for; every component is 0-100, so the index is too.",
        "components": [
            {
                "key": c,
                "name": LABELS[c],
                "symbol": SYMBOLS[c],
                "weight": config.weights[c],
                "weight_pct": round(100 * config.weights[c] / total, 1),
                "definition": DEFINITIONS[c],
            }
            for c in COMPONENTS
        ],
        "targets_s": dict(config.targets_s),
        "targets": [
            {"channel": ch, "target_s": s, "label": _duration_label(s)}
            for ch, s in sorted(config.targets_s.items())
        ],
        "min_n": config.min_n,
        "time_zone": config.display_time_zone,
        "rules": [
            "A conversation is one customer's thread with a brand; it counts in the period "
            "(and against the channel) of its first customer message.",
            "Answered within target: the first brand reply (in a community, also a peer's "
            "answer) comes strictly after the first customer message and within the target.",
            "Resolved: when a conversation carries an explicit resolved flag, that flag"
            + (
                ", as long as it stayed resolved (a case the customer reopens by writing "
                "again, not positively, no longer counts)"
                if config.resolution_rule == "stayed_resolved"
                else ""
            )
            + "; otherwise the proxy 'answered and not dropped' (the brand card and the feed "
            "say when it is in use). Dropped: "
            "the customer wrote last, not positively, and has waited longer than the target.",
            "Every index and component comes with its 95% interval, computed from the same "
            "sums (shares: Wilson's interval; mood: the t interval of the mean; the index: "
            "the delta method over the components' covariances).",
            f"The period is the last {PERIOD_DAYS} days ending on the data's last day "
            f"({config.display_time_zone}); the change is against the {PERIOD_DAYS} days "
            f"before. The sparkline is the weekly index over the last {SPARK_WEEKS} weeks "
            "(weeks start on Monday; the latest week may be partial).",
            f"Groups with fewer than {config.min_n} conversations are suppressed: no index, "
            "no components, no n and no rank (never shown as 0); a change is shown only "
            f"when both periods have at least {config.min_n}.",
            "Brands are ranked by index; figures are rounded to one decimal and the change "
            "is the difference of the rounded figures.",
            "Only brands on the public allowlist appear. The board shows aggregates only: "
            "no message text and no customer identifiers.",
        ],
    }


def methodology_markdown(config: Config) -> str:
    """The methodology page's text (Markdown), from `methodology(config)`."""
    m = methodology(config)
    lines = [
        f"**Methodology version {m['version']}**",
        "",
        f"**{m['formula']}**",
        "",
        "| Component | Definition | Weight | Share of the index |",
        "|---|---|--:|--:|",
    ]
    lines += [
        f"| {c['name']} ({c['symbol']}) | {c['definition']} | {c['weight']:g} | "
        f"{c['weight_pct']:g}% |"
        for c in m["components"]
    ]
    lines += [
        "",
        "When a component has no data for a group (for example no ratings), it is "
        "left out and the other weights are rescaled.",
        "",
        "**First-response targets by entry channel**",
        "",
        "| Channel | Target |",
        "|---|--:|",
    ]
    lines += [f"| {t['channel']} | {t['label']} |" for t in m["targets"]]
    lines += ["", f"**Minimum n:** {m['min_n']} conversations per group.", "", "**Rules**", ""]
    lines += [f"- {rule}" for rule in m["rules"]]
    return "\n".join(lines)


# --- JSON feed (the same shape from the API and the static export) ---------------


def _period_json(period: Period | None) -> dict | None:
    if period is None:
        return None
    return {
        "from": period.date_from.isoformat(),
        "to": period.date_to.isoformat(),
        "days": period.days,
    }


def _points_json(points: tuple[WeekPoint, ...]) -> list[dict]:
    return [
        {
            "week_start": p.week_start.isoformat(),
            "index": p.index,
            "index_ci_low": p.ci[0] if p.ci else None,
            "index_ci_high": p.ci[1] if p.ci else None,
            "n": p.n,
        }
        for p in points
    ]


def brand_json(score: BrandScore, links: dict[str, str]) -> dict:
    return {
        "rank": score.rank,
        "brand": score.brand,
        "slug": score.slug,
        "index": score.index,
        "previous_index": score.previous_index,
        "change": score.change,
        "direction": score.direction,
        "n": score.n,
        "index_ci_low": score.index_ci[0] if score.index_ci else None,
        "index_ci_high": score.index_ci[1] if score.index_ci else None,
        "conversations": score.conversations,
        "below_min_n": score.suppressed,
        "suppressed": score.suppressed,
        "components": score.components,
        "components_ci": {
            c: None if ci is None else {"low": ci[0], "high": ci[1]}
            for c, ci in score.component_cis.items()
        },
        "resolution_is_proxy": score.resolution_is_proxy,
        "sparkline": _points_json(score.sparkline),
        "links": links,
    }


def board_json(board: Board, config: Config, links: dict[str, dict[str, str]]) -> dict:
    """/api/index.json: every public brand; `links` maps slug -> {badge, history}."""
    return {
        "title": "Customer Happiness Index",
        "methodology_version": board.methodology_version,
        "period": _period_json(board.period),
        "previous_period": _period_json(board.previous),
        "time_zone": board.time_zone,
        "min_n": board.min_n,
        "brands": [brand_json(s, links.get(s.slug, {})) for s in board.brands],
        "methodology": methodology(config),
    }


def history_json(
    board: Board, score: BrandScore, history: tuple[WeekPoint, ...], links: dict[str, str]
) -> dict:
    """/api/brands/<brand>.json: the brand's board entry and its weekly history."""
    return {
        **brand_json(score, links),
        "methodology_version": board.methodology_version,
        "period": _period_json(board.period),
        "previous_period": _period_json(board.previous),
        "time_zone": board.time_zone,
        "min_n": board.min_n,
        "history": _points_json(history),
    }
