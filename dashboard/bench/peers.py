"""The peers of `chi bench`, side by side with the product on every page's default view
(peer_common.py says which figures): pandas, Polars and DuckDB over the raw Parquet
without rollups (peer_pandas.py, peer_polars.py, peer_duckdb.py), each in a child
process, so its time and memory are its own. Before a peer's time is reported, its figures are
checked against the product's: a ratio is only worth printing when both computed the
same numbers.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from dashboard.bench.figures import board_periods, disagreements, product_figures
from dashboard.bench.peer_common import PAGES, PeerInput, peer_input
from dashboard.core.config import Config
from dashboard.core.filters import Filters
from dashboard.views import public

PEERS = ("pandas", "polars", "duckdb_raw")


@dataclass
class PeerTiming:
    page: str
    ms: dict[str, float] = field(default_factory=dict)  # peer -> warm median ms
    peak_mb: dict[str, float] = field(default_factory=dict)
    disagreements: dict[str, list[str]] = field(default_factory=dict)


def own_peak_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's
    peak, which the kernel keeps across the exec of a spawned child)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_peer(kind: str, name: str, given: PeerInput) -> dict[str, pl.DataFrame]:
    if kind == "duckdb_raw":
        from dashboard.bench import peer_duckdb

        return peer_duckdb.page(name, given)
    if kind == "pandas":
        from dashboard.bench import peer_pandas

        return peer_pandas.page(name, given)
    if kind == "polars":
        from dashboard.bench import peer_polars

        return peer_polars.page(name, given)
    raise ValueError(kind)


def _in_child(kind: str, name: str, given: PeerInput, runs: int) -> tuple[float, float, dict]:
    """(warm median ms, peak MB, frames) of a peer's page in a fresh interpreter
    (peer_child.py)."""
    import pickle
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "dashboard.bench.peer_child"],
        input=pickle.dumps((kind, name, given, runs)),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"the {kind} peer failed on {name}: {done.stderr.decode(errors='replace')[-1500:]}"
        )
    ms, peak, frames = pickle.loads(done.stdout)
    return ms, peak, frames


def measure_peers(
    data_dir: Path,
    config: Config,
    filters: Filters,
    con: duckdb.DuckDBPyConnection,
    runs: int = 3,
    kinds: tuple[str, ...] = PEERS,
) -> list[PeerTiming]:
    """Every page: each peer's (of `kinds`) warm time and memory, and whether it gave
    the product's figures."""
    import io

    given = peer_input(data_dir, config, filters, board_periods(public.board(con, config)))
    timings = []
    for name in PAGES:
        mine = product_figures(name, con.cursor(), config, filters)
        timing = PeerTiming(name)
        for kind in (k for k in PEERS if k in kinds):
            ms, peak, frames = _in_child(kind, name, given, runs)
            theirs = {k: pl.read_ipc(io.BytesIO(v)) for k, v in frames.items()}
            timing.ms[kind], timing.peak_mb[kind] = ms, peak
            timing.disagreements[kind] = disagreements(
                mine, theirs, config.percentile_relative_accuracy
            )
        timings.append(timing)
    return timings
