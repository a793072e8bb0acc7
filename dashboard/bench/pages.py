"""Each page's data calls with its default choices, as the pages make them: what
`chi bench` times for the product and for the DuckDB-over-raw peer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import duckdb

from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.views import (
    alerts,
    bounds,
    consistency,
    engagement,
    fairness,
    happiness,
    movers,
    overview,
    people,
    public,
)

Call = Callable[[duckdb.DuckDBPyConnection], Any]


def default_filters(con: duckdb.DuckDBPyConnection, config: Config) -> Filters:
    """What a page shows first: the last 90 days with data, every brand and channel."""
    known = bounds.data_bounds(con, config.display_time_zone)
    first = max(known.first_day, known.last_day - dt.timedelta(days=89))
    return Filters(first, known.last_day, (), (), config.display_time_zone)


def heaviest_filters(con: duckdb.DuckDBPyConnection, config: Config) -> Filters:
    """The heaviest selection a page offers: every day with data (every brand, every
    channel); page_calls(heaviest=True) adds the finest grain and split."""
    known = bounds.data_bounds(con, config.display_time_zone)
    return Filters(known.first_day, known.last_day, (), (), config.display_time_zone)


def page_calls(config: Config, filters: Filters, heaviest: bool = False) -> dict[str, list[Call]]:
    """Each page's data calls (see pages/*.py): with its default choices, or
    (`heaviest`) with the finest grain and split it offers (day; brand x channel; the
    fairness tab by channel; the channel paths by brand)."""
    tz = config.display_time_zone
    grain, split = ("day", "brand,channel") if heaviest else ("week", "brand")
    return {
        "overview": [
            lambda c: bounds.data_bounds(c, "UTC"),
            lambda c: overview.kpi_sets(c, config, filters),
            lambda c: overview.trend(c, config, filters, "day" if heaviest else "week"),
            lambda c: alerts.alerts(c, config, filters),
            lambda c: movers.movers(c, config, filters),
        ],
        "happiness": [
            lambda c: happiness.by_period(c, config, filters, grain, split),
            lambda c: happiness.what_moved(c, config, filters),
            lambda c: happiness.by_period(c, config, filters, "all", split),
        ],
        "engagement": [
            lambda c: engagement.fan_action(c, config, filters),
            lambda c: fairness.tab(c, config, filters, heaviest),
        ],
        "consistency": [
            lambda c: consistency.by_channel(c, config, filters),
            lambda c: consistency.switch_summary(c, config, filters),
            lambda c: consistency.top_paths(c, filters, 10),
            lambda c: consistency.journeys_by_brand(c, config, filters),
        ]
        + ([lambda c: consistency.channel_paths(c, filters, True)] if heaviest else []),
        "people": [
            lambda c: people.leaderboard(c, config, filters),
            lambda c: people.superfans(c, config, filters, people.SUPERFANS_LISTED),
        ],
        "board": [lambda c: public.board(c, config), lambda c: bounds.data_bounds(c, tz)],
    }
