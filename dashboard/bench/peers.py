"""The peers of `chi bench`, side by side with the product on every page's default view
(peer_common.py says which figures): pandas and Polars over the raw Parquet (each in a
child process, so its time and memory are its own) and DuckDB over the raw Parquet
without rollups (peer_duckdb.py). Before a peer's time is reported, its figures are
checked against the product's: a ratio is only worth printing when both computed the
same numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from dashboard.bench.peer_common import PAGES, PeerInput, peer_input
from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.views import consistency, engagement, happiness, overview, people, public

PEERS = ("pandas", "polars", "duckdb_raw")
# what "the same numbers" means: counts equal, rates and indices to 1e-6 points;
# medians to 1e-6 relative (linear interpolation either way)
TOLERANCE = 1e-6


@dataclass
class PeerTiming:
    page: str
    ms: dict[str, float] = field(default_factory=dict)  # peer -> warm median ms
    peak_mb: dict[str, float] = field(default_factory=dict)
    disagreements: dict[str, list[str]] = field(default_factory=dict)


def board_periods(board: public.Board) -> dict[str, tuple[dt.date, dt.date]]:
    return {
        "current": (board.period.date_from, board.period.date_to),
        "previous": (board.previous.date_from, board.previous.date_to),
    }


def product_figures(
    name: str, con: duckdb.DuckDBPyConnection, config: Config, filters: Filters
) -> dict[str, pl.DataFrame]:
    """Page `name`'s default figures as the product computes them (its view functions),
    in the peers' column names."""
    if name == "overview":
        headline, _ = overview.kpi_sets(con, config, filters)
        value = {k.label: k.value for k in headline}
        kpis = pl.DataFrame(
            {
                "conversations": [value["Conversations"]],
                "response_rate": [value["Response rate"]],
                "first_response_s": [value["Median response"]],
                "speed": [value["Within target"]],
                "happiness_index": [value["Happiness index"]],
            }
        )
        trend = overview.trend(con, config, filters, "week").rename({"period_start": "week"})
        return {"kpis": kpis, "trend": trend}
    if name == "happiness":
        weekly = happiness.by_period(con, config, filters, "week", "brand")
        whole = happiness.by_period(con, config, filters, "all", "brand")
        return {"weekly": weekly.rename({"period_start": "week"}), "by_brand": whole}
    if name == "consistency":
        journeys = consistency.journeys_by_brand(con, config, filters)
        switched = pl.concat(
            [
                journeys.select(
                    "brand",
                    switched=pl.lit(flag),
                    conversations=pl.col(f"{label}_n"),
                    happiness_index=pl.col(f"index_{label}"),
                )
                for flag, label in ((True, "switched"), (False, "single"))
            ]
        ).filter(pl.col("conversations") > 0)
        return {"by_channel": consistency.by_channel(con, config, filters), "switched": switched}
    if name == "engagement":
        return {"accounts": engagement.fan_action(con, config, filters).accounts}
    if name == "people":
        return {"agents": people.leaderboard(con, config, filters).agents}
    if name == "board":
        board = public.board(con, config)
        rows = {
            label: pl.DataFrame(
                [
                    {"brand": b.brand, "happiness_index": index}
                    for b in board.brands
                    for index in [b.index if label == "current" else b.previous_index]
                ],
                schema={"brand": pl.String, "happiness_index": pl.Float64},
            )
            for label in ("current", "previous")
        }
        return rows
    raise ValueError(f"unknown page {name!r}; pages: {', '.join(PAGES)}")


# the columns compared per frame: keys first, then figures
COMPARED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "kpis": ((), ("conversations", "response_rate", "first_response_s", "speed", "happiness_index")),
    "trend": (("week",), ("conversations", "happiness_index")),
    "weekly": (("brand", "week"), ("conversations", "happiness_index")),
    "by_brand": (("brand",), ("conversations", "happiness_index")),
    "by_channel": (("brand", "channel"), ("conversations", "happiness_index")),
    "switched": (("brand", "switched"), ("conversations", "happiness_index")),
    "accounts": (
        ("brand", "channel"),
        ("followers", "posts", "engagements", "conversations", "engagement_rate_pct"),
    ),
    "agents": (("brand", "agent_id"), ("conversations", "happiness_index", "median_first_response_s")),
    "current": (("brand",), ("happiness_index",)),
    "previous": (("brand",), ("happiness_index",)),
}
ROUNDED = {"current", "previous"}  # the board shows the index to one decimal


def disagreements(mine: dict[str, pl.DataFrame], theirs: dict[str, pl.DataFrame]) -> list[str]:
    """Where a peer's figures differ from the product's (empty: the same numbers)."""
    found = []
    for frame, (keys, figures) in COMPARED.items():
        if frame not in mine:
            continue
        a, b = mine[frame], theirs[frame]
        if frame in ROUNDED:  # the board lists its published brands only
            b = b.filter(pl.col("brand").is_in(a["brand"].to_list()))
            b = b.with_columns(pl.col("happiness_index").round(1))
        a = a.sort(list(keys)) if keys else a
        b = b.sort(list(keys)) if keys else b
        if a.height != b.height:
            found.append(f"{frame}: {a.height} rows, peer {b.height}")
            continue
        for key in keys:
            if a[key].cast(pl.String).to_list() != b[key].cast(pl.String).to_list():
                found.append(f"{frame}.{key}: the groups differ")
        for column in figures:
            for row, (x, y) in enumerate(zip(a[column].to_list(), b[column].to_list())):
                if not _same(x, y):
                    found.append(f"{frame}.{column} row {row}: {x} against the peer's {y}")
                    break
    return found


def _same(x: object, y: object) -> bool:
    if x is None or y is None:
        return x is None and y is None
    scale = max(1.0, abs(float(x)), abs(float(y)))
    return math.isclose(float(x), float(y), rel_tol=TOLERANCE, abs_tol=TOLERANCE * scale)


def run_peer(kind: str, name: str, given: PeerInput) -> dict[str, pl.DataFrame]:
    if kind == "pandas":
        from dashboard.bench import peer_pandas

        return peer_pandas.page(name, given)
    if kind == "polars":
        from dashboard.bench import peer_polars

        return peer_polars.page(name, given)
    raise ValueError(kind)


def _child(kind: str, name: str, given: PeerInput, runs: int) -> tuple[float, float, bytes]:
    """In a spawned process: the peer's warm median ms, its peak MB and its figures."""
    from dashboard.bench.runner import own_peak_mb

    run_peer(kind, name, given)  # the first run loads the libraries and warms the cache
    times, result = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        result = run_peer(kind, name, given)
        times.append((time.perf_counter() - started) * 1000)
    frames = {k: v.write_ipc(None).getvalue() for k, v in result.items()}
    import pickle

    return statistics.median(times), own_peak_mb(), pickle.dumps(frames)


def measure_peers(
    data_dir: Path,
    config: Config,
    filters: Filters,
    con: duckdb.DuckDBPyConnection,
    runs: int = 3,
) -> list[PeerTiming]:
    """Every page: each peer's warm time and memory, and whether it gave the product's
    figures."""
    import io
    import pickle

    from dashboard.bench import peer_duckdb

    given = peer_input(data_dir, config, filters, board_periods(public.board(con, config)))
    ctx = multiprocessing.get_context("spawn")
    raw_con = peer_duckdb.raw_views_connection(data_dir, config)
    timings = []
    for name in PAGES:
        mine = product_figures(name, con.cursor(), config, filters)
        timing = PeerTiming(name)
        for kind in ("pandas", "polars"):
            with ctx.Pool(1) as pool:
                ms, peak, blob = pool.apply(_child, (kind, name, given, runs))
            theirs = {k: pl.read_ipc(io.BytesIO(v)) for k, v in pickle.loads(blob).items()}
            timing.ms[kind], timing.peak_mb[kind] = ms, peak
            timing.disagreements[kind] = disagreements(mine, theirs)
        ms, theirs = peer_duckdb.timed_page(raw_con, name, config, filters, runs)
        timing.ms["duckdb_raw"] = ms
        timing.disagreements["duckdb_raw"] = disagreements(mine, theirs)
        timings.append(timing)
    raw_con.close()
    return timings
