"""The input files of a run as batches of rows (docs/DATA.md, "Memory").

A contract table file (`csv`, `parquet`) is read BATCH_ROWS rows at a time, so an
import holds one batch (and counts) instead of the whole file: the pipeline validates,
dedupes and stages each batch before it reads the next. Before the first batch, a
pre-pass over the file keeps only what a batch alone cannot settle: its row count, its
columns, and its timestamp values of numeric day/month shape (dates.decide: the one
day/month reading of the file; an ISO file keeps nothing).

Every other format (twcs threads, tweets, tickets, posts) and a file the streaming
reader cannot take (not UTF-8, ragged rows) is loaded whole, as before, and then
handed on in batches of the same size: same results, but no memory bound.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.ingest import contract, dates, readers
from dashboard.ingest.model import ERROR, ROW, Options

BATCH_ROWS_ENV = "CHI_INGEST_BATCH_ROWS"  # tests set it small
BATCH_ROWS = 25_000  # docs/BENCHMARKS.md, "ingest memory": 1M rows in 454 MB
STREAMED = ("csv", "parquet")  # the formats read in batches


def batch_rows() -> int:
    try:
        return max(1, int(os.environ.get(BATCH_ROWS_ENV, BATCH_ROWS)))
    except ValueError:
        return BATCH_ROWS


@dataclass
class Source:
    """One input file: its rows, a batch at a time (prepared: `_row`, `_error`, mapped)."""

    path: Path
    rows: int
    notes: list[str]
    reading: dates.FileReading | None
    table: str | None  # contract files: interactions or audience
    _open: Callable[[], Iterator[pl.DataFrame]]

    def batches(self) -> Iterator[pl.DataFrame]:
        return self._open()


def loaded(path: Path, frame: pl.DataFrame, notes: list[str], size: int) -> Source:
    """A contract file loaded whole (loader: `_row`, `_error`, `_table`), handed on in
    batches with its dates decided over the whole file."""
    table = frame[contract.TABLE][0]
    when = "created_at" if table == "interactions" else "date"
    reading = None
    if when in frame.columns and frame.schema[when] == pl.String:
        kept, any_value = dates.numeric_values(frame[when])
        reading = dates.decide([kept], any_value)

    def slices() -> Iterator[pl.DataFrame]:
        for start in range(0, max(frame.height, 1), size):
            yield frame.slice(start, size)

    return Source(path, frame.height, notes, reading, table, slices)


def open_streamed(fmt: str, path: Path, opts: Options, size: int) -> Source | None:
    """A contract file read in batches; None when it must be loaded whole (the
    format's loader then says what is wrong with it, if anything)."""
    if fmt == "csv":

        def raw() -> Iterator[pl.DataFrame] | None:
            return readers.csv_batches(path, size)
    else:

        def raw() -> Iterator[pl.DataFrame] | None:
            try:
                parquet = pq.ParquetFile(path)
            except (pa.ArrowException, OSError):
                return None
            return (pl.from_arrow(b) for b in parquet.iter_batches(batch_size=size))  # type: ignore[misc]

    def prepared(blank: list[str]) -> Iterator[pl.DataFrame]:
        start = 1
        for frame in raw() or ():
            frame = frame.drop(blank)
            frame = frame.with_columns(
                pl.int_range(start, start + frame.height, dtype=pl.Int64).alias(ROW),
                pl.lit(None, pl.String).alias(ERROR),
            )
            start += frame.height
            yield contract.prepare(path, frame, opts, [])[0]

    # the pre-pass: rows, empty unnamed columns (a trailing delimiter), the dates
    try:
        stream = raw()
        if stream is None:
            return None
        rows, blank_filled, blank, notes, table = 0, set(), [], None, None
        numeric: list[pl.Series] = []
        any_value = False
        for frame in stream:
            blank = [c for c in frame.columns if not c]
            blank_filled |= {c for c in blank if frame[c].null_count() < frame.height}
            rows += frame.height
            ready, file_notes = contract.prepare(
                path,
                frame.drop(blank).with_columns(pl.lit(None, pl.String).alias(ERROR)),
                opts,
                [],
            )
            if notes is None:
                notes, table = file_notes, ready[contract.TABLE][0]
            when = "created_at" if table == "interactions" else "date"
            if when in ready.columns and ready.schema[when] == pl.String:
                kept, seen = dates.numeric_values(ready[when])
                numeric.append(kept)
                any_value = any_value or seen
    except (pl.exceptions.PolarsError, pa.ArrowException, OSError):
        return None  # read whole: the slow path, or the loader's error
    if rows == 0 or blank_filled:
        return None
    reading = dates.decide(numeric, any_value) if numeric else None
    return Source(path, rows, notes or [], reading, table, lambda: prepared(blank))
