"""Peer (c) of `chi bench`: DuckDB over the raw Parquet without rollups, what most
DuckDB dashboards do. Each of a page's figure sets is one SQL query over the raw log
(peer_sql/*.sql) that derives the conversations again (the peer_conversations macro,
peer_sql/_macros.sql): nothing is stored or cached between calls. The rules are
docs/METRICS.md's, written again by hand in SQL on purpose, as peer_polars.py writes
them in Polars; tests/test_bench_peers.py checks it gives the product's numbers.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboard.bench.peer_common import COMPONENTS, PAGES, PeerInput, raw_glob
from dashboard.data.raw import create_table_from
from dashboard.data.sql import bind

SQL_DIR = Path(__file__).resolve().parent / "peer_sql"


@cache
def peer_query(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def peer_connection(peer: PeerInput) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the peer's macros and the config's few rows: the
    display names of [brands] and the response-time targets."""
    con = duckdb.connect(":memory:")
    con.execute("set TimeZone = 'UTC'")
    brands = {"source": "varchar", "display": "varchar"}
    create_table_from(con, "peer_brands", brands, list(peer.brands.items()))
    targets = {"channel": "varchar", "target_s": "double"}
    create_table_from(con, "peer_targets", targets, list(peer.targets_s.items()))
    con.execute(peer_query("_macros"))
    return con


def _figures(
    con: duckdb.DuckDBPyConnection, name: str, peer: PeerInput, **given: Any
) -> pl.DataFrame:
    """Query peer_sql/`name`.sql with the params it names (from the peer and `given`)."""
    text = peer_query(name)
    every = {
        "files": raw_glob(peer.data_dir),
        "audience_files": raw_glob(peer.data_dir, "audience"),
        "tz": peer.tz,
        "stayed": peer.resolution_rule == "stayed_resolved",
        "default_target_s": peer.default_target_s,
        "weights": {c: float(peer.weights[c]) for c in COMPONENTS},
        "date_from": peer.date_from,
        "date_to": peer.date_to,
    } | given
    return con.sql(text, params=bind(f"peer_sql/{name}", text, every)).pl()


def _index_by_brand(
    con: duckdb.DuckDBPyConnection, peer: PeerInput, split: str | None = None, **given: Any
) -> pl.DataFrame:
    """The index per brand (peer_sql/index_by_brand.sql), split by `split` (channel or
    switched) if given."""
    splits = ("channel", "switched")
    frame = _figures(
        con, "index_by_brand", peer, **{f"by_{k}": k == split for k in splits}, **given
    )
    return frame.drop([k for k in splits if k != split])


def page(name: str, peer: PeerInput) -> dict[str, pl.DataFrame]:
    """The figures of page `name`'s default view (peer_common.PAGES says which), each
    from the raw Parquet by a query of its own."""
    con = peer_connection(peer)
    try:
        if name == "overview":
            trend = _figures(con, "weekly", peer, by_brand=False).drop("brand")
            return {"kpis": _figures(con, "kpis", peer), "trend": trend}
        if name == "happiness":
            return {
                "weekly": _figures(con, "weekly", peer, by_brand=True),
                "by_brand": _index_by_brand(con, peer),
            }
        if name == "consistency":
            return {
                "by_channel": _index_by_brand(con, peer, "channel"),
                "switched": _index_by_brand(con, peer, "switched"),
            }
        if name == "engagement":
            return {"accounts": _figures(con, "accounts", peer)}
        if name == "people":
            return {"agents": _figures(con, "agents", peer)}
        if name == "board":
            return {
                label: _index_by_brand(con, peer, date_from=start, date_to=end)
                for label, (start, end) in peer.board_periods.items()
            }
    finally:
        con.close()
    raise ValueError(f"unknown page {name!r}; pages: {', '.join(PAGES)}")
