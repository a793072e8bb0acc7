"""The periods of a chart: which are partial, how many points a selection draws, and
when the grain coarsens (docs/METRICS.md, "What the charts draw").

A period is partial when the selection covers only some of its days: a week that
starts before 'From' or ends after 'To', a month cut by either. Its figures are real
(the conversations of the days selected) but not comparable with a whole period, so
the charts mark it. No Streamlit import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from dashboard.core.filters import Filters

GRAINS: tuple[str, ...] = ("day", "week", "month")
# A chart draws at most this many points (lines x periods): about one per 1.5 px of a
# 1,280 px plot over a few lines. Beyond it a reader sees a smear, and Plotly in the
# browser slows down (issue 19: the first chart within 2 s for any selection).
MAX_POINTS = 1_500
# and at most this many periods a line: beyond it neighbouring points are under 5 px
# apart on a laptop screen
MAX_PERIODS = 180


def period_end(start: dt.date, grain: str) -> dt.date:
    """The last day of the period of `grain` that starts on `start` (the period_start
    macro: days, ISO weeks from Monday, calendar months)."""
    if grain == "day":
        return start
    if grain == "week":
        return start + dt.timedelta(days=6)
    if grain == "month":
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    raise ValueError(f"unknown grain {grain!r}")


def period_start(day: dt.date, grain: str) -> dt.date:
    """The first day of the period of `grain` that `day` falls in."""
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown grain {grain!r}")


def period_count(filters: Filters, grain: str) -> int:
    """How many periods of `grain` the selection touches (partial ones included)."""
    first, last = period_start(filters.date_from, grain), period_start(filters.date_to, grain)
    if grain == "day":
        return (last - first).days + 1
    if grain == "week":
        return (last - first).days // 7 + 1
    return (last.year - first.year) * 12 + last.month - first.month + 1


def with_partial(frame: pl.DataFrame, filters: Filters, grain: str) -> pl.DataFrame:
    """`frame` (with period_start) plus `days_selected` (days of the period inside the
    selection), `days_in_period` and `partial` (fewer selected than in the period)."""
    starts = frame["period_start"].to_list()
    ends = [period_end(s, grain) if grain in GRAINS else filters.date_to for s in starts]
    selected = [
        (min(e, filters.date_to) - max(s, filters.date_from)).days + 1
        for s, e in zip(starts, ends, strict=True)
    ]
    lengths = [(e - s).days + 1 for s, e in zip(starts, ends, strict=True)]
    return frame.with_columns(
        pl.Series("days_selected", selected, dtype=pl.Int64),
        pl.Series("days_in_period", lengths, dtype=pl.Int64),
        pl.Series("partial", [d < n for d, n in zip(selected, lengths, strict=True)]),
    )


def partial_note(frame: pl.DataFrame, grain: str) -> str | None:
    """A caption naming the partial periods of a with_partial frame, or None."""
    if grain not in ("week", "month") or "partial" not in frame.columns:
        return None
    rows = frame.filter(pl.col("partial")).unique("period_start").sort("period_start")
    if rows.is_empty():
        return None
    named = ", ".join(
        f"{r['period_start']:%d %b} ({r['days_selected']} of {r['days_in_period']} days)"
        for r in rows.iter_rows(named=True)
    )
    return (
        f"Partial {grain}{'s' * (rows.height != 1)} (the selection covers only part of "
        f"{'them' if rows.height != 1 else 'it'}, marked hatched or hollow): {named}."
    )


@dataclass(frozen=True)
class ChartGrain:
    """The grain a chart draws at: the one asked for, or a coarser one (with why)."""

    asked: str
    grain: str
    points: int  # points drawn at `grain` (lines x periods)
    asked_points: int  # points the asked grain would have drawn

    @property
    def coarsened(self) -> bool:
        return self.grain != self.asked

    @property
    def notice(self) -> str | None:
        if not self.coarsened:
            return None
        return (
            f"Shown by {self.grain}, not by {self.asked}: by {self.asked} this selection "
            f"would draw {self.asked_points:,} points, more than a reader can tell apart "
            f"(at most {MAX_POINTS:,}, {MAX_PERIODS} a line). Narrow the dates or the "
            f"lines to see it by {self.asked}."
        )


def chart_grain(
    filters: Filters, grain: str, lines: int, max_points: int = MAX_POINTS
) -> ChartGrain:
    """The finest grain from `grain` up (day -> week -> month) at which `lines` lines
    over the selection draw at most `max_points` points; month when none does."""
    lines = max(1, lines)
    asked = period_count(filters, grain) * lines
    chosen = grain
    for candidate in GRAINS[GRAINS.index(grain) :]:
        chosen = candidate
        count = period_count(filters, candidate)
        if count * lines <= max_points and count <= MAX_PERIODS:
            break
    return ChartGrain(grain, chosen, period_count(filters, chosen) * lines, asked)
