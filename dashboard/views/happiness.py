"""The Happiness page's numbers: the index over time, its components, what moved it
between two periods, how it is computed, and the conversations behind a point.

Pure functions over a DuckDB cursor (no Streamlit); every figure comes from the
named queries happiness_by_period, happiness_drilldown_conversations and
conversation_messages. Formulas: docs/METRICS.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.core import formatting
from dashboard.core.config import Config
from dashboard.core.filters import Filters, query_params
from dashboard.core.vocabulary import COMPONENTS, LABELS, SYMBOLS
from dashboard.data import sql
from dashboard.views import evidence, intervals
from dashboard.views.overview import default_grain

__all__ = [
    "SPLITS",
    "default_grain",
    "by_period",
    "selection_figures",
    "Contribution",
    "WhatMoved",
    "decompose",
    "what_moved",
    "ComponentRow",
    "HowComputed",
    "how_computed",
    "DrillPoint",
    "drill_points",
    "drilldown_conversations",
    "conversation_messages",
    "thin_note",
    "moved_summary",
]

# --by value -> (split_brand, split_channel) of happiness_by_period
SPLITS: dict[str, tuple[bool, bool]] = {
    "all": (False, False),
    "brand": (True, False),
    "channel": (False, True),
    "brand,channel": (True, True),
}
# the figures of a group with their 95 % intervals, as `chi report happiness` lists
# them (it names the index `index`: dashboard/reports)
MEASURES: tuple[str, ...] = (
    "conversations",
    *(f"{c}{suffix}" for c in COMPONENTS for suffix in ("", "_ci_low", "_ci_high")),
    "happiness_index",
    "happiness_index_ci_low",
    "happiness_index_ci_high",
    "below_min_n",
)
# the line of a selection that is not split by brand or channel (a null key)
ALL_GROUP = "All conversations"


def by_period(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, grain: str, by: str = "brand"
) -> pl.DataFrame:
    """The index and its components per period x group (happiness_by_period), with
    `group` (the line's name) and `below_min_n` (greyed in the app)."""
    split_brand, split_channel = SPLITS[by]
    frame = intervals.with_intervals(
        sql.run(
            con,
            "happiness_by_period",
            **query_params(
                filters, config, grain=grain, split_brand=split_brand, split_channel=split_channel
            ),
        ),
        config.weights,
    )
    if by == "brand,channel":
        group = pl.concat_str(pl.col("brand"), pl.lit(" · "), pl.col("channel"))
    elif by == "all":
        group = pl.lit(ALL_GROUP)
    else:
        group = pl.col("channel" if by == "channel" else "brand")
    return evidence.flag_below_min_n(frame.with_columns(group.alias("group")), config.min_n)


def selection_figures(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters
) -> dict | None:
    """The whole selection as one group (sums, components, index); None when empty."""
    frame = by_period(con, config, filters, "all", "all")
    return frame.row(0, named=True) if frame.height else None


@dataclass(frozen=True)
class Contribution:
    component: str
    weight: float
    before: float | None
    now: float | None
    points: float  # index points this component's change adds (0 when not in both)


@dataclass(frozen=True)
class WhatMoved:
    now: Filters
    before: Filters
    index_now: float | None
    index_before: float | None
    n_now: int
    n_before: int
    contributions: list[Contribution]
    availability: float  # index points due to components present in only one period
    how: HowComputed | None = None  # how the current selection's index is computed
    min_n: int = 1

    @property
    def change(self) -> float | None:
        """None unless both periods have an index and reach min n (evidence)."""
        return evidence.comparable_change(
            self.index_now, self.index_before, self.n_now, self.n_before, self.min_n
        )


def decompose(
    now: dict[str, float | None],
    before: dict[str, float | None],
    index_now: float,
    index_before: float,
    weights: dict[str, float],
) -> tuple[list[Contribution], float]:
    """Split index_now - index_before into one term per component plus availability.

    Over the components present in both periods (set A, weights summing to W_A),
    component i contributes w_i (C_i,now - C_i,before) / W_A. Whatever is left of
    the change comes from components present in one period only (e.g. no ratings
    last month) and is returned as the availability term, so the terms always sum
    exactly to the change.
    """
    common = [c for c in COMPONENTS if now.get(c) is not None and before.get(c) is not None]
    total = sum(weights[c] for c in common)
    parts = []
    for c in COMPONENTS:
        points = 0.0
        if c in common and total > 0:
            points = weights[c] * (now[c] - before[c]) / total
        parts.append(Contribution(c, weights[c], before.get(c), now.get(c), points))
    availability = (index_now - index_before) - sum(p.points for p in parts)
    return parts, availability


def what_moved(
    con: duckdb.DuckDBPyConnection, config: Config, filters: Filters, before: Filters | None = None
) -> WhatMoved:
    """The selection against `before` (default: the previous period of equal length)."""
    before = before or filters.previous()
    now_row = selection_figures(con, config, filters) or {}
    before_row = selection_figures(con, config, before) or {}
    index_now = now_row.get("happiness_index")
    index_before = before_row.get("happiness_index")
    # without both indices there is no change to split: show the values only
    parts = [
        Contribution(c, config.weights[c], before_row.get(c), now_row.get(c), 0.0)
        for c in COMPONENTS
    ]
    availability = 0.0
    n_now = int(now_row.get("conversations") or 0)
    n_before = int(before_row.get("conversations") or 0)
    if (
        evidence.comparable_change(index_now, index_before, n_now, n_before, config.min_n)
        is not None
    ):
        parts, availability = decompose(
            now_row, before_row, index_now, index_before, config.weights
        )
    return WhatMoved(
        filters,
        before,
        index_now,
        index_before,
        n_now,
        n_before,
        parts,
        availability,
        explain(now_row, config),
        config.min_n,
    )


@dataclass(frozen=True)
class ComponentRow:
    component: str
    symbol: str
    weight: float
    value: float | None
    basis: str  # the counts behind the value, in words
    ci_low: float | None = None  # its 95 % interval
    ci_high: float | None = None


@dataclass(frozen=True)
class HowComputed:
    rows: list[ComponentRow]
    index: float | None
    conversations: int
    weight_used: float  # sum of the weights of the components that have data
    proxy_n: int  # conversations whose resolution uses the proxy
    config_source: str
    min_n: int
    index_ci: tuple[float, float] | None = None  # the index's 95 % interval

    @property
    def resolution_rule(self) -> str:
        if self.proxy_n == 0:
            return "explicit resolved flags from the data for every conversation"
        if self.proxy_n == self.conversations:
            return (
                "the proxy 'answered and not dropped' for every conversation "
                "(the data carries no resolved flags)"
            )
        flagged = self.conversations - self.proxy_n
        return (
            f"explicit resolved flags for {flagged:,} conversation{'s' * (flagged != 1)}, "
            f"the proxy 'answered and not dropped' for the other {self.proxy_n:,}"
        )

    def formula_latex(self) -> str:
        """The index formula with the live weights."""
        terms = " + ".join(f"{r.weight:.2f}\\,{r.symbol}" for r in self.rows)
        weights = " + ".join(f"{r.weight:.2f}" for r in self.rows)
        return (
            f"\\text{{Index}} = \\frac{{{terms}}}{{{weights}}}"
            "\\quad\\text{(components without data drop out, with their weight)}"
        )

    def substituted_latex(self) -> str:
        """The same formula with this selection's component values."""
        used = [r for r in self.rows if r.value is not None]
        if not used or self.index is None:
            return "\\text{Index} = \\text{no data}"
        terms = " + ".join(f"{r.weight:.2f} \\times {r.value:.1f}" for r in used)
        return f"\\text{{Index}} = \\frac{{{terms}}}{{{self.weight_used:.2f}}} = {self.index:.1f}"


def how_computed(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> HowComputed:
    """How the selection's index is computed (what_moved(...).how gives the same without
    a second query)."""
    return explain(selection_figures(con, config, filters) or {}, config)


def explain(row: dict, config: Config) -> HowComputed:
    """The formula, weights, values and counts behind one selection_figures row."""
    n = int(row.get("conversations") or 0)

    def share(k: str, of: int, what: str) -> str:
        return f"{int(row.get(k) or 0):,} of {of:,} {what}"

    mood_n = int(row.get("mood_sentiment_n") or 0)
    mean = f"{row['mood_sentiment_sum'] / mood_n:+.3f}" if mood_n else "–"
    timed = int(row.get("timed_n") or 0)
    basis = {
        "mood": f"mean last sentiment {mean} over {mood_n:,} conversations with one",
        "speed": share("within_target_n", timed, "timed conversations answered within their target")
        + ("" if timed == n else f" ({n - timed:,} without known times left out)"),
        "resolution": share("resolved_n", n, "resolved"),
        "effort": share("effortless_n", n, "with ≤ 2 customer messages on one channel"),
        "satisfaction": share(
            "satisfied_n", int(row.get("rated_n") or 0), "rated conversations rated 4 or 5"
        ),
    }
    rows = [
        ComponentRow(
            c,
            SYMBOLS[c],
            config.weights[c],
            row.get(c),
            basis[c],
            row.get(f"{c}_ci_low"),
            row.get(f"{c}_ci_high"),
        )
        for c in COMPONENTS
    ]
    used = sum(r.weight for r in rows if r.value is not None)
    low, high = row.get("happiness_index_ci_low"), row.get("happiness_index_ci_high")
    return HowComputed(
        rows,
        row.get("happiness_index"),
        n,
        used,
        int(row.get("resolved_proxy_n") or 0),
        config.source,
        config.min_n,
        None if low is None or high is None else (low, high),
    )


@dataclass(frozen=True)
class DrillPoint:
    period_start: dt.date
    brand: str | None  # None: every brand (the line is not split by brand)
    channel: str | None  # None: every channel
    conversations: int
    index: float | None

    @property
    def label(self) -> str:
        index = "–" if self.index is None else f"{self.index:.1f}"
        brand = "all brands" if self.brand is None else self.brand
        channel = "all channels" if self.channel is None else self.channel
        return (
            f"{self.period_start:%Y-%m-%d} · {brand} · {channel} "
            f"(index {index}, n={self.conversations:,})"
        )


def drill_points(frame: pl.DataFrame) -> list[DrillPoint]:
    """The chart's points (a by_period frame), newest first, for the drill-down picker."""
    rows = frame.sort(
        ["period_start", "brand", "channel"], descending=[True, False, False], nulls_last=False
    )
    return [
        DrillPoint(
            r["period_start"],
            r["brand"],
            r["channel"],
            int(r["conversations"]),
            r["happiness_index"],
        )
        for r in rows.iter_rows(named=True)
    ]


def drilldown_conversations(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    grain: str,
    point: DrillPoint,
    limit: int = 200,
) -> tuple[pl.DataFrame, int]:
    """The conversations behind a point (newest first, at most `limit`) and their count."""
    frame = sql.run(
        con,
        "happiness_drilldown_conversations",
        **filters.params(),
        grain=grain,
        period_start=point.period_start,
        brand=point.brand,
        channel=point.channel,
        limit=limit,
    )
    total = int(frame["total_n"][0]) if frame.height else 0
    waited = pl.col("first_response_s").map_elements(formatting.duration, return_dtype=pl.String)
    frame = frame.drop("total_n").with_columns(waited.fill_null("–").alias("first_response"))
    return frame, total


def conversation_messages(
    con: duckdb.DuckDBPyConnection, brand: str, conversation_id: str, tz: str
) -> pl.DataFrame:
    return sql.run(
        con, "conversation_messages", brand=brand, conversation_id=conversation_id, tz=tz
    )


def thin_note(frame: pl.DataFrame, min_n: int) -> str:
    """The caption under the chart: which points are greyed and why."""
    thin = int(frame["below_min_n"].sum())
    text = "Hover a point for its index, its 95% interval and n (conversations). "
    if thin:
        return text + (
            f"{thin:,} of {frame.height:,} points have fewer than {min_n} "
            "conversations: they are grey and hollow, read them with care."
        )
    return text + f"Every point has at least {min_n} conversations."


def moved_summary(moved: WhatMoved) -> str:
    """One sentence: how much the index changed and the biggest contributions."""
    if moved.change is None:
        if moved.index_now is None or moved.index_before is None:
            side = "this period" if moved.index_now is None else "the previous period"
            return f"There is no index for {side}, so there is no change to explain."
        now = f"{moved.n_now:,} conversation{'s' * (moved.n_now != 1)}"
        return (
            f"Not enough data to compare: {now} now and {moved.n_before:,} in the "
            f"previous period (a change needs at least {moved.min_n} in both)."
        )
    verb = "rose" if moved.change > 0.05 else "fell" if moved.change < -0.05 else "held"
    text = (
        f"The index {verb} {abs(moved.change):.1f} points, from "
        f"{moved.index_before:.1f} ({moved.n_before:,} conversations, "
        f"{moved.before.date_from:%d %b} – {moved.before.date_to:%d %b %Y}) to "
        f"{moved.index_now:.1f} ({moved.n_now:,})."
    )
    ranked = sorted(moved.contributions, key=lambda p: abs(p.points), reverse=True)
    named = [
        f"{LABELS[p.component].lower()} {p.points:+.1f}"
        for p in ranked[:3]
        if abs(p.points) >= 0.05
    ]
    if named:
        text += " Largest contributions: " + ", ".join(named) + "."
    if abs(moved.availability) >= 0.05:
        text += (
            f" {moved.availability:+.1f} points come from a component present in only "
            "one of the two periods (availability)."
        )
    return text
