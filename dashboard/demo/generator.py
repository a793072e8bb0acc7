"""`chi demo`: a deterministic synthetic year of customer care with planted,
documented effects (docs/DEMO.md).

The year is cut into chunks (month x part, at most CHUNK_ROWS messages each).
Each chunk draws from its own random generator, seeded from (seed, month, part),
so chunks are independent and the data set only depends on --seed and --rows;
a chunk is generated, written with store.write_batch and dropped, which keeps
memory bounded whatever the size.

A new demo replaces the old one all at once (docs/DATA.md, "Writers, locks and
publishing"): under the writer lock its files are written as pending, beside the old
demo's (under other names when the old ones would collide), and one publish makes
them visible and the old demo's files invisible; a kill before that leaves the old
demo in place.

Brand names with planted effects are exported here for other modules' tests:
PLANTED, OUTAGE_DAY (see dashboard/demo/brands.py for the brand table), and the
planted people: PLANTED_AGENTS, SUPERFAN_IDS (dashboard/demo/staff.py).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from dashboard.core.schema import TABLES
from dashboard.data import store
from dashboard.data.lock import writer_lock
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
    "demo_files",
    "generate",
    "write_chunk",
]

DEFAULT_ROWS = 1_000_000
DEFAULT_SEED = 42
CHUNK_ROWS = 500_000  # messages generated and held in memory at once (per process)
PARALLEL_FROM_ROWS = 3_000_000  # below this, one process is faster than starting a pool
BATCH_PREFIX = "demo-"  # part files are part-demo-*.parquet; nothing else is ever deleted
# a new demo's names when the published demo has the first ones (the old demo stays
# visible until the new one is published, so they must not overwrite each other)
NAME_TOKENS = ("", "b-", "c-")


@dataclass(frozen=True)
class Chunk:
    month: int  # 1..12: the month in which the chunk's conversations start
    part: int  # 0.. within the month
    rows: int  # messages to generate

    @property
    def batch(self) -> str:
        return self.batch_named("")

    def batch_named(self, token: str) -> str:
        return f"{BATCH_PREFIX}{token}{self.month:02d}-{self.part:03d}"


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


def demo_files(data_dir: Path) -> list[Path]:
    """The published demo part files (part-demo-*.parquet) of both tables: what a new
    demo replaces, and nothing else."""
    prefix = f"part-{BATCH_PREFIX}"
    return [
        p
        for table in TABLES
        for p in store.parquet_files(data_dir, table)
        if p.name.startswith(prefix)
    ]


def _names(chunks: list[Chunk], token: str) -> dict[str, list[str]]:
    return {
        "interactions": [store.part_name(c.batch_named(token)) for c in chunks],
        "audience": [store.part_name(f"{BATCH_PREFIX}{token}audience")],
    }


def _free_token(chunks: list[Chunk], published: list[Path]) -> str:
    """The first name token whose file names no published file has."""
    taken = {p.name for p in published}
    for token in NAME_TOKENS:
        if not taken & {n for names in _names(chunks, token).values() for n in names}:
            return token
    raise RuntimeError("the published demo uses every name token")  # one demo at a time


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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


def write_chunk(
    data_dir: Path, chunk: Chunk, seed: int, total_rows: int, token: str = ""
) -> tuple[int, int]:
    """Generate and write one chunk (pending: `generate` publishes); returns (messages,
    conversations)."""
    table, conversations = chunk_table(chunk, seed, total_rows)
    store.write_batch(data_dir, "interactions", table, chunk.batch_named(token), publish=False)
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
    wait: bool = True,
) -> DemoSummary:
    """Replace the demo data in `data_dir` with `rows` (approximately) messages, under
    the writer lock (waited for; with `wait` false lock.LockBusy says who holds it).

    The result does not depend on `workers`: every chunk has its own generator."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    with writer_lock(Path(data_dir), "chi demo", wait=wait):
        return _generate(Path(data_dir), rows, seed, on_progress, workers)


def _generate(
    data_dir: Path,
    rows: int,
    seed: int,
    on_progress: Callable[[int], None] | None,
    workers: int | None,
) -> DemoSummary:
    started = time.perf_counter()
    store.sweep(data_dir, say=_stderr)
    chunks = plan_chunks(rows)
    old = demo_files(data_dir)
    token = _free_token(chunks, [p for t in TABLES for p in store.parquet_files(data_dir, t)])
    store.begin(data_dir, _names(chunks, token))
    audience = audience_table(seed)
    store.write_batch(
        data_dir, "audience", audience, f"{BATCH_PREFIX}{token}audience", publish=False
    )
    workers = min(default_workers(rows) if workers is None else max(1, workers), len(chunks))
    written = conversations = 0
    n = len(chunks)
    args = ([data_dir] * n, chunks, [seed] * n, [rows] * n, [token] * n)
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
    store.publish_files(data_dir, withdraw=old)  # the new demo, and no old file, at once
    return DemoSummary(
        rows=written,
        conversations=conversations,
        brands=len(BRANDS),
        months=12,
        audience_rows=audience.num_rows,
        path=data_dir,
        seconds=time.perf_counter() - started,
    )
