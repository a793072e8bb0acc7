"""The digest's numbers (`chi digest`): each brand's index for the last complete week
or calendar month against the one before, with n, 95 % intervals, what moved it and
a sparkline, plus the alerts, movers and topics of the period (from their own views,
through dashboard/views/digest_sources.py). No rendering here: the HTML and Markdown
are dashboard/charts/digest_html.py and digest_markdown.py.

Rules (docs/METRICS.md, "The digest"):
- The period is the last *complete* week (Monday to Sunday) or calendar month up to
  the data's last day (in the display time zone), compared with the week or calendar
  month before it (a month is compared with the previous month, whatever its length).
- A brand under min n in the period has no index and no change ("not enough data");
  a change needs both periods at min n (dashboard/views/evidence.py).
- Figures are rounded to one decimal; the change is the difference of the rounded
  figures, as on the public board. Its 95 % interval treats the two periods as
  independent samples: half-width sqrt(h_now² + h_before²) from the half-widths of
  the two index intervals.
- What moved it: the components' contributions of dashboard/views/happiness.py
  (`decompose`), computed for every brand from one query per period.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.core.vocabulary import COMPONENTS
from dashboard.data import sql
from dashboard.views import digest_sources, evidence, intervals
from dashboard.views.bounds import data_bounds
from dashboard.views.happiness import Contribution, WhatMoved, decompose, moved_summary

PERIODS: tuple[str, ...] = ("week", "month")
SPARK_POINTS = 12  # the sparkline: the period and the 11 weeks or months before it


class DigestError(ValueError):
    """A digest that cannot be made (no data, no complete period): a one-line reason."""


@dataclass(frozen=True)
class DigestPeriod:
    kind: str  # 'week' | 'month'
    date_from: dt.date
    date_to: dt.date
    prev_from: dt.date
    prev_to: dt.date

    def label(self) -> str:
        return _label(self.kind, self.date_from, self.date_to)

    def previous_label(self) -> str:
        return _label(self.kind, self.prev_from, self.prev_to)


def _label(kind: str, date_from: dt.date, date_to: dt.date) -> str:
    """'March 2025'; 'week of 10–16 Mar 2025', 'week of 31 Mar – 06 Apr 2025'."""
    if kind == "month":
        return f"{date_from:%B %Y}"
    if date_from.month == date_to.month:
        return f"week of {date_from:%d}–{date_to:%d %b %Y}"
    if date_from.year == date_to.year:
        return f"week of {date_from:%d %b} – {date_to:%d %b %Y}"
    return f"week of {date_from:%d %b %Y} – {date_to:%d %b %Y}"


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def complete_period(kind: str, last_day: dt.date) -> DigestPeriod:
    """The last complete week (Monday-Sunday) or calendar month ending on or before
    `last_day` (the data's last local day), and the one before it."""
    if kind == "week":
        # Sunday is weekday 6: a last day on a Sunday completes its own week
        end = last_day - dt.timedelta(days=(last_day.weekday() + 1) % 7)
        start = end - dt.timedelta(days=6)
        return DigestPeriod(kind, start, end, start - dt.timedelta(days=7), start - dt.timedelta(1))
    if kind == "month":
        end = (
            last_day
            if last_day == _month_end(last_day)
            else _month_start(last_day) - dt.timedelta(1)
        )
        start = _month_start(end)
        prev_end = start - dt.timedelta(days=1)
        return DigestPeriod(kind, start, end, _month_start(prev_end), prev_end)
    raise ValueError(f"unknown period {kind!r} (one of {', '.join(PERIODS)})")


def spark_starts(period: DigestPeriod, points: int = SPARK_POINTS) -> list[dt.date]:
    """The first days of the sparkline's weeks or months, oldest first, ending with the
    period itself."""
    if period.kind == "week":
        return [period.date_from - dt.timedelta(weeks=k) for k in range(points - 1, -1, -1)]
    starts, day = [], period.date_from
    for _ in range(points):
        starts.append(day)
        day = _month_start(day - dt.timedelta(days=1))
    return starts[::-1]


@dataclass(frozen=True)
class SparkPoint:
    start: dt.date  # first day of the week or month
    n: int  # conversations in it
    index: float | None  # None under min n (a gap), rounded to one decimal


@dataclass(frozen=True)
class BrandDigest:
    brand: str
    n: int  # conversations in the period
    previous_n: int  # conversations in the previous period
    index: float | None  # None under min n
    index_ci: tuple[float, float] | None
    previous_index: float | None  # None when the previous period is under min n
    change: float | None  # points, None unless both periods reach min n
    change_ci: tuple[float, float] | None
    moved: WhatMoved  # the components' contributions (all 0 without a change)
    spark: tuple[SparkPoint, ...]
    resolution_is_proxy: bool  # some conversations use the resolved proxy

    @property
    def enough(self) -> bool:
        return self.index is not None

    @property
    def summary(self) -> str:
        """One sentence: the change and its largest contributions (happiness.moved_summary)."""
        return moved_summary(self.moved)

    @property
    def contributions(self) -> list[Contribution]:
        """The components that moved the index, largest first (none without a change)."""
        if self.change is None:
            return []
        # what shows at one decimal (a 0.04-point term would read "+0.0")
        moved = [c for c in self.moved.contributions if abs(c.points) >= 0.05]
        return sorted(moved, key=lambda c: abs(c.points), reverse=True)


@dataclass(frozen=True)
class Digest:
    period: DigestPeriod
    as_of: dt.datetime | None  # the data's newest timestamp, in the display time zone
    time_zone: str
    min_n: int
    methodology_version: str
    brands: tuple[BrandDigest, ...]
    # the sections of the alerts, movers and topics views (views/digest_sources.py)
    alerts: pl.DataFrame
    movers: pl.DataFrame
    topics: pl.DataFrame  # with a `brand` column: each brand's top topics


def _round(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 1)


def change_interval(
    change: float, now: tuple[float, float] | None, before: tuple[float, float] | None
) -> tuple[float, float] | None:
    """The 95 % interval of a change between two independent periods: change ± sqrt(h_now²
    + h_before²), h the half-width of each period's index interval; None without both."""
    if now is None or before is None:
        return None
    half = math.hypot((now[1] - now[0]) / 2, (before[1] - before[0]) / 2)
    return round(change - half, 1), round(change + half, 1)


def _by_brand(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    brands: tuple[str, ...],
    date_from: dt.date,
    date_to: dt.date,
    grain: str,
) -> pl.DataFrame:
    filters = Filters(date_from, date_to, brands, (), config.display_time_zone)
    frame = sql.run(
        con,
        "happiness_by_period",
        **query_params(filters, config, grain=grain, split_brand=True, split_channel=False),
    )
    return intervals.with_intervals(frame, config.weights)


def _rows(frame: pl.DataFrame) -> dict[tuple[str, dt.date], dict]:
    return {(r["brand"], r["period_start"]): r for r in frame.iter_rows(named=True)}


def _interval(row: dict) -> tuple[float, float] | None:
    low, high = row.get("happiness_index_ci_low"), row.get("happiness_index_ci_high")
    return None if low is None or high is None else (low, high)


def brand_digest(
    brand: str,
    now: dict,
    before: dict,
    spark: tuple[SparkPoint, ...],
    period: DigestPeriod,
    config: Config,
) -> BrandDigest:
    """One brand's figures from its happiness_by_period rows (an empty dict: no
    conversations) of the period and the previous one."""
    min_n = config.min_n
    n, previous_n = int(now.get("conversations") or 0), int(before.get("conversations") or 0)
    raw_now, raw_before = now.get("happiness_index"), before.get("happiness_index")
    index = None if evidence.below_min_n(n, min_n) else _round(raw_now)
    previous = None if evidence.below_min_n(previous_n, min_n) else _round(raw_before)
    change = None if index is None or previous is None else round(index - previous, 1)
    parts = [Contribution(c, config.weights[c], before.get(c), now.get(c), 0.0) for c in COMPONENTS]
    availability = 0.0
    if change is not None:
        parts, availability = decompose(now, before, raw_now, raw_before, config.weights)
    tz = config.display_time_zone
    moved = WhatMoved(
        Filters(period.date_from, period.date_to, (brand,), (), tz),
        Filters(period.prev_from, period.prev_to, (brand,), (), tz),
        index if index is not None else _round(raw_now),
        previous if previous is not None else _round(raw_before),
        n,
        previous_n,
        parts,
        availability,
        None,
        min_n,
    )
    now_ci = _interval(now) if index is not None else None
    return BrandDigest(
        brand=brand,
        n=n,
        previous_n=previous_n,
        index=index,
        index_ci=None if now_ci is None else (round(now_ci[0], 1), round(now_ci[1], 1)),
        previous_index=previous,
        change=change,
        change_ci=None if change is None else change_interval(change, now_ci, _interval(before)),
        moved=moved,
        spark=spark,
        resolution_is_proxy=index is not None and int(now.get("resolved_proxy_n") or 0) > 0,
    )


def _spark(rows: dict, brand: str, starts: list[dt.date], min_n: int) -> tuple[SparkPoint, ...]:
    points = []
    for start in starts:
        row = rows.get((brand, start)) or {}
        n = int(row.get("conversations") or 0)
        index = None if evidence.below_min_n(n, min_n) else _round(row.get("happiness_index"))
        points.append(SparkPoint(start, n, index))
    return tuple(points)


def as_of_time(con: duckdb.DuckDBPyConnection, tz: str) -> dt.datetime | None:
    """The data's newest timestamp (the as-of time `dropped` is judged at), in `tz`."""
    from zoneinfo import ZoneInfo

    value = sql.run(con, "data_as_of_time").item()
    return None if value is None else value.astimezone(ZoneInfo(tz))


def digest(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    kind: str = "week",
    brands: tuple[str, ...] = (),
) -> Digest:
    """The digest of the last complete week or month for `brands` (display names as the
    data shows them; empty: every brand), brands ordered by n (most conversations first)."""
    tz = config.display_time_zone
    bounds = data_bounds(con, tz)
    if bounds.conversations == 0 or bounds.last_day is None:
        raise DigestError("no conversations in the data; run `chi demo` or `chi ingest`")
    period = complete_period(kind, bounds.last_day)
    if period.date_to < bounds.first_day:
        raise DigestError(
            f"no complete {kind} in the data yet: it runs from {bounds.first_day} to "
            f"{bounds.last_day} ({tz})"
        )
    selected = brands or tuple(bounds.brands)
    now = _rows(_by_brand(con, config, selected, period.date_from, period.date_to, "all"))
    before = _rows(_by_brand(con, config, selected, period.prev_from, period.prev_to, "all"))
    starts = spark_starts(period)
    spark = _rows(_by_brand(con, config, selected, starts[0], period.date_to, kind))
    rows = [
        brand_digest(
            brand,
            now.get((brand, period.date_from), {}),
            before.get((brand, period.prev_from), {}),
            _spark(spark, brand, starts, config.min_n),
            period,
            config,
        )
        for brand in selected
    ]
    rows.sort(key=lambda b: (-b.n, b.brand))
    scope = Filters(period.date_from, period.date_to, tuple(brands), (), tz)
    return Digest(
        period,
        as_of_time(con, tz),
        tz,
        config.min_n,
        config.methodology_version,
        tuple(rows),
        digest_sources.alerts(con, config, scope),
        digest_sources.movers(
            con, config, scope, Filters(period.prev_from, period.prev_to, tuple(brands), (), tz)
        ),
        # topics for the brands with an index, most conversations first
        digest_sources.topics(con, config, scope, tuple(b.brand for b in rows if b.enough)),
    )
