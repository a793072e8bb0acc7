"""The overview's headline: the Happiness index tile first, and under it one sentence
saying what moved it (its components' contributions, the largest movers and the
latest alert, each with its n). No Streamlit import; no arithmetic is left for the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.core import formatting
from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.core.vocabulary import LABELS
from dashboard.views import alerts, happiness, movers
from dashboard.views.overview import Kpi

LEAD = "Happiness index"
CONVERSATIONS = "Conversations"
# contributions smaller than this (index points) are not named
NAMED_FROM_POINTS = 0.05


@dataclass(frozen=True)
class Headline:
    lead: Kpi  # the index tile
    others: list[Kpi]  # the other headline tiles, in their order
    has_conversations: bool


def headline(tiles: list[Kpi]) -> Headline:
    """The index tile apart from the others (overview.kpi_sets' headline tiles)."""
    lead = next(t for t in tiles if t.label == LEAD)
    count = next(t for t in tiles if t.label == CONVERSATIONS)
    return Headline(lead, [t for t in tiles if t is not lead], bool(count.value))


def _mover_text(m: movers.Mover) -> str:
    return (
        f"{m.brand} {m.change_points:+.1f} points to {m.index_now:.1f} "
        f"(n = {m.n_now:,}, was {m.index_before:.1f}, n = {m.n_before:,})"
    )


def _alerts_text(found: pl.DataFrame | None) -> str:
    """' 3 alerts (days a series broke its pattern); the latest: 28 Dec, Riverbend
    Rail, twitter, mood 69.9 against 47.7 expected (n = 22).' ('' without alerts;
    views.alerts rows, newest first)."""
    if found is None or found.is_empty():
        return ""
    latest = found.row(0, named=True)
    where = latest["brand"] + ("" if latest["channel"] is None else f", {latest['channel']}")
    count = f"{found.height:,} alert{'s' * (found.height != 1)}"
    return (
        f" {count} ({'days' if found.height != 1 else 'a day'} a series broke its "
        f"pattern); the latest: {latest['day']:%d %b}, "
        f"{where}, {latest['metric']} {latest['value']:,.1f} against "
        f"{latest['expected']:,.1f} expected (n = {latest['n']:,})."
    )


def sentence(
    moved: happiness.WhatMoved, found: movers.Movers | None, alerted: pl.DataFrame | None = None
) -> str:
    """One sentence under the index: the change with both n, the largest component
    contributions (docs/METRICS.md, "What moved it"), the largest mover up and
    down (docs/METRICS.md, "Movers") and the alerts of the period ("Alerts"); or why
    there is nothing to say."""
    if moved.change is None:
        return happiness.moved_summary(moved) + _alerts_text(alerted)
    verb = "rose" if moved.change > NAMED_FROM_POINTS else "fell"
    if abs(moved.change) <= NAMED_FROM_POINTS:
        verb = "held"
    text = (
        f"The index {verb} {abs(moved.change):.1f} points to {moved.index_now:.1f} "
        f"(n = {moved.n_now:,} conversations) from {moved.index_before:.1f} "
        f"(n = {moved.n_before:,})"
    )
    ranked = sorted(moved.contributions, key=lambda p: abs(p.points), reverse=True)
    named = [
        f"{LABELS[p.component].lower()} {p.points:+.1f}"
        for p in ranked[:2]
        if abs(p.points) >= NAMED_FROM_POINTS
    ]
    if named:
        text += ", mostly " + " and ".join(named)
    text += "."
    if found is not None and (found.up or found.down):
        clear = [m for m in (found.up[:1] + found.down[:1])]
        text += " Largest clear move" + ("s" * (len(clear) > 1)) + ": "
        text += "; ".join(_mover_text(m) for m in clear) + "."
    elif found is not None:
        text += f" No brand moved beyond its 95% interval ({found.compared:,} compared)."
    return text + _alerts_text(alerted)


def what_moved_it(con: duckdb.DuckDBPyConnection, config: Config, filters: Filters) -> str:
    """The sentence for the selection against the previous period of equal length."""
    moved = happiness.what_moved(con, config, filters)
    return sentence(moved, movers.movers(con, config, filters), alerts.alerts(con, config, filters))


def plain_sentence(text: str) -> str:
    """The sentence as Markdown that shows exactly its text (brand names from data)."""
    return formatting.plain(text)
