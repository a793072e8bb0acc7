"""The data's bounds: first and last local day, the brands and channels present and
the number of conversations. Every page and report starts from them (date pickers,
brand and channel lists, "no data yet")."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dashboard.data import sql


@dataclass(frozen=True)
class DataBounds:
    first_day: object
    last_day: object
    brands: list[str]
    channels: list[str]
    conversations: int


def data_bounds(con: duckdb.DuckDBPyConnection, tz: str) -> DataBounds:
    row = sql.run(con, "data_bounds", tz=tz).row(0, named=True)
    return DataBounds(
        row["first_day"],
        row["last_day"],
        list(row["brands"]),
        list(row["channels"]),
        int(row["conversations_n"]),
    )
