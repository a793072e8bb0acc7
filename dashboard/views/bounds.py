"""The data's bounds: first and last local day, the brands and channels present and
the number of conversations. Every page and report starts from them (date pickers,
brand and channel lists, "no data yet").

Only plausible days count (from schema.PLAUSIBLE_FROM to a day after today, the rule
the importers apply): a conversation stored by other means in the year 17 or 9999 (a
misread spreadsheet date, a placeholder) is left out of the bounds, so no page offers
its days or computes a period from them, and `implausible` counts it for the caption
"N conversations with implausible dates are ignored".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.core.schema import FUTURE_SLACK, PLAUSIBLE_FROM
from dashboard.core.vocabulary import COMPONENTS
from dashboard.data import sql


@dataclass(frozen=True)
class DataBounds:
    first_day: dt.date | None
    last_day: dt.date | None
    brands: list[str]
    channels: list[str]
    conversations: int
    # conversations on implausible days, left out of the bounds and of every figure
    implausible: int = 0

    def implausible_note(self) -> str | None:
        """The caption pages and reports show when some conversations are ignored."""
        if not self.implausible:
            return None
        return (
            f"{self.implausible:,} conversations with implausible dates (before "
            f"{PLAUSIBLE_FROM:%Y-%m-%d} or in the future) are ignored: fix or remove them "
            "in the data directory."
        )


def plausible_days(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First and last plausible local day: the importers accept times up to a day after
    now, and a display time zone puts a UTC time on the next day at most."""
    today = today or dt.datetime.now(dt.UTC).date()
    return PLAUSIBLE_FROM, today + FUTURE_SLACK + dt.timedelta(days=1)


def data_bounds(
    con: duckdb.DuckDBPyConnection, tz: str, today: dt.date | None = None
) -> DataBounds:
    frame = sql.run(con, "data_bounds", tz=tz)
    first, last = plausible_days(today)
    # compared in Polars: a day past 9999-12-31 has no Python date
    outside = frame.select(
        ((pl.col("first_day") < first) | (pl.col("last_day") > last)).fill_null(False)
    ).item()
    row = frame.drop("first_day", "last_day").row(0, named=True)
    total = int(row["conversations_n"])
    if not outside:
        days = frame.select("first_day", "last_day").row(0)
        return DataBounds(days[0], days[1], list(row["brands"]), list(row["channels"]), total)
    # the plausible days' conversations, per day, from the daily rollup: happiness_by_period
    # at grain 'day' over the plausible range (the weights do not change the counts)
    per_day = sql.run(
        con,
        "happiness_by_period",
        date_from=first,
        date_to=last,
        tz=tz,
        brands=[],
        channels=[],
        grain="day",
        split_brand=False,
        split_channel=False,
        weights={name: 1.0 for name in COMPONENTS},
    ).filter(pl.col("conversations") > 0)
    inside = int(per_day["conversations"].sum())
    return DataBounds(
        per_day["period_start"].min() if per_day.height else None,
        per_day["period_start"].max() if per_day.height else None,
        list(row["brands"]),
        list(row["channels"]),
        inside,
        implausible=total - inside,
    )
