"""`chi demo`: a deterministic synthetic year of customer care with planted,
documented effects (docs/DEMO.md).

The year is cut into chunks (month x part, at most CHUNK_ROWS messages each).
Each chunk draws from its own random generator, seeded from (seed, month, part),
so chunks are independent and the data set only depends on --seed and --rows;
a chunk is generated, written with store.write_batch and dropped, which keeps
memory bounded whatever the size.

Brand names with planted effects are exported here for other modules' tests:
PLANTED, OUTAGE_DAY (see dashboard/demo/brands.py for the brand table), and the
planted people: PLANTED_AGENTS, SUPERFAN_IDS (dashboard/demo/staff.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from dashboard.core.schema import TABLES
from dashboard.data import store
from dashboard.demo import params as dp
from dashboard.demo.audience import audience_table
from dashboard.demo.brands import BRAND_NAMES, BRANDS, OUTAGE_DAY, PLANTED, YEAR
from dashboard.demo.conversations import MESSAGES_PER_CONVERSATION_GUESS, simulate
from dashboard.demo.staff import PLANTED_AGENTS, SUPERFAN_IDS
from dashboard.demo.table import to_table

__all__ = [
    "BRAND_NAMES",
    "BRANDS",
    "DEFAULT_ROWS",
    "DEFAULT_SEED",
    "OUTAGE_DAY",
    "PLANTED",
    "PLANTED_AGENTS",
    "SUPERFAN_IDS",
    "YEAR",
    "DemoSummary",
    "Chunk",
    "plan_chunks",
    "generate",
    "remove_demo_files",
    "write_chunk",
]

DEFAULT_ROWS = 1_000_000
DEFAULT_SEED = 42
CHUNK_ROWS = 500_000  # messages generated and held in memory at once (per process)
PARALLEL_FROM_ROWS = 3_000_000  # below this, one process is faster than starting a pool
BATCH_PREFIX = "demo-"  # part files are part-demo-*.parquet; nothing else is ever deleted


@dataclass(frozen=True)
class Chunk:
    month: int  # 1..12: the month in which the chunk's conversations start
    part: int  # 0.. within the month
    rows: int  # messages to generate

    @property
    def batch(self) -> str:
        return f"{BATCH_PREFIX}{self.month:02d}-{self.part:03d}"


@dataclass(frozen=True)
class DemoSummary:
    rows: int
    conversations: int
    brands: int
    months: int
    audience_rows: int
    path: Path
    seconds: float


def plan_chunks(rows: int, chunk_rows: int = CHUNK_ROWS) -> list[Chunk]:
    """Split `rows` over the months (by volume) and each month into equal parts."""
    share = dp.month_weights()
    per_month = np.floor(share * rows).astype(np.int64)
    # hand out the rounding remainder to the months with the largest fractions
    remainder = rows - int(per_month.sum())
    per_month[np.argsort(-(share * rows - per_month), kind="stable")[:remainder]] += 1
    chunks: list[Chunk] = []
    for month, month_rows in enumerate(per_month.tolist(), start=1):
        parts = max(1, -(-month_rows // chunk_rows))
        for part in range(parts):
            size = month_rows // parts + (1 if part < month_rows % parts else 0)
            if size > 0:
                chunks.append(Chunk(month, part, size))
    return chunks


def remove_demo_files(data_dir: Path) -> int:
    """Delete earlier demo part files (part-demo-*.parquet) and only those."""
    removed = 0
    for table in TABLES:
        for path in store.table_dir(data_dir, table).glob(f"month=*/part-{BATCH_PREFIX}*.parquet"):
            path.unlink()
            removed += 1
    return removed


def customer_pool(rows: int) -> int:
    """Number of distinct customers: about one per 2.5 conversations, so some recur."""
    return max(500, int(rows / MESSAGES_PER_CONVERSATION_GUESS / 2.5))


def chunk_table(chunk: Chunk, seed: int, total_rows: int) -> tuple[pa.Table, int]:
    """The messages of one chunk and its number of conversations."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1, chunk.month, chunk.part]))
    # agents and superfans draw from their own stream (dashboard/demo/staff.py)
    staff_rng = np.random.default_rng(np.random.SeedSequence([seed, 2, chunk.month, chunk.part]))
    params = dp.month_params(chunk.month)
    pool, key = customer_pool(total_rows), seed * 0x9E3779B97F4A7C15
    batches: list[tuple[dict[str, np.ndarray], np.ndarray]] = []
    made = 0
    while made < chunk.rows:  # top up until the chunk has enough messages
        n = int((chunk.rows - made) / MESSAGES_PER_CONVERSATION_GUESS) + 64
        rows, brand = simulate(rng, params, n, pool, key, staff_rng)
        batches.append((rows, brand))
        made += len(rows["conv"])
    offset = 0
    for rows, brand in batches:
        rows["conv"] += offset
        offset += len(brand)
    rows = {k: np.concatenate([b[0][k] for b in batches]) for k in batches[0][0]}
    brand = np.concatenate([b[1] for b in batches])
    # keep whole conversations (rows are sorted by conversation), ending on the one
    # that brings the count closest to the budget, so small chunks are not biased low
    cumulative = np.cumsum(np.bincount(rows["conv"], minlength=len(brand)))
    keep_convs = int(np.searchsorted(cumulative, chunk.rows, side="right"))
    below = int(cumulative[keep_convs - 1]) if keep_convs else 0
    if keep_convs < len(cumulative) and cumulative[keep_convs] - chunk.rows <= chunk.rows - below:
        keep_convs += 1
    keep = int(cumulative[keep_convs - 1]) if keep_convs else 0
    # the data set ends on 31 December: later replies simply have not happened yet
    inside = rows["t"][:keep] < dp.YEAR_END_S
    rows = {k: v[:keep][inside] for k, v in rows.items()}
    prefix = f"demo-{chunk.month:02d}-{chunk.part:03d}-"
    return to_table(rows, brand, prefix, rng), keep_convs


def write_chunk(data_dir: Path, chunk: Chunk, seed: int, total_rows: int) -> tuple[int, int]:
    """Generate and write one chunk; returns (messages, conversations)."""
    table, conversations = chunk_table(chunk, seed, total_rows)
    store.write_batch(data_dir, "interactions", table, chunk.batch)
    return table.num_rows, conversations


def default_workers(rows: int) -> int:
    """Processes to use: one for small data sets (a pool costs ~1 s to start), else up
    to 4 (each holds one chunk, ~300-600 MB)."""
    if rows < PARALLEL_FROM_ROWS:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cpus or 1))


def generate(
    data_dir: Path,
    rows: int = DEFAULT_ROWS,
    seed: int = DEFAULT_SEED,
    on_progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> DemoSummary:
    """Replace the demo data in `data_dir` with `rows` (approximately) messages.

    The result does not depend on `workers`: every chunk has its own generator."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    started = time.perf_counter()
    data_dir = Path(data_dir)
    remove_demo_files(data_dir)
    audience = audience_table(seed)
    store.write_batch(data_dir, "audience", audience, f"{BATCH_PREFIX}audience")
    chunks = plan_chunks(rows)
    workers = min(default_workers(rows) if workers is None else max(1, workers), len(chunks))
    written = conversations = 0
    args = ([data_dir] * len(chunks), chunks, [seed] * len(chunks), [rows] * len(chunks))
    with contextlib.ExitStack() as stack:
        if workers > 1:
            # spawn, not fork: the parent may hold DuckDB or Arrow threads
            pool = stack.enter_context(
                ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
            )
            results: Iterable[tuple[int, int]] = pool.map(write_chunk, *args)
        else:
            results = map(write_chunk, *args)
        for chunk_rows, chunk_conversations in results:
            written += chunk_rows
            conversations += chunk_conversations
            if on_progress is not None:
                on_progress(written)
    return DemoSummary(
        rows=written,
        conversations=conversations,
        brands=len(BRANDS),
        months=12,
        audience_rows=audience.num_rows,
        path=data_dir,
        seconds=time.perf_counter() - started,
    )
