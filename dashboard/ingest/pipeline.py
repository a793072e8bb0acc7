"""The import run shared by every format: read -> parse -> validate -> dedupe ->
sentiment -> pseudonymise -> write, with rejects and a summary.

Accounting is per source row (a CSV record, a tweet, a ticket, a post): each ends
up accepted, rejected (with a reason) or a skipped duplicate, so
accepted + rejected + duplicates == rows read. Nothing is published when any file
has a fatal problem, including a file none of whose rows is usable.

The files are read in batches (sources.py) and each batch goes through the run
(batch.py), which stages its rows; one publish at the end makes them visible.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
import zoneinfo
from pathlib import Path

import polars as pl

from dashboard.core.schema import CHANNELS
from dashboard.data import lock, store
from dashboard.ingest import batch, dates, sources
from dashboard.ingest.formats import FORMATS, Format
from dashboard.ingest.model import (
    FILE,
    SRC,
    IngestError,
    IngestSummary,
    NoProgress,
    Options,
    Progress,
)
from dashboard.ingest.readers import check_file

REJECTS_DIR = batch.REJECTS_DIR
EXISTING_KEY = batch.EXISTING_KEY


def ingest_files(
    paths: list[Path],
    fmt: str,
    data_dir: Path,
    brand: str | None = None,
    channel: str | None = None,
    mapping: dict[str, str] | None = None,
    tz: str = "UTC",
    year: int | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    date_format: str | None = None,
    wait: bool = True,
    command: str = "chi ingest",
) -> IngestSummary:
    """Import `paths` in format `fmt` into `data_dir`; raises IngestError when fatal.
    `date_format` (strftime) reads every timestamp column; without it the reading is
    detected per file (dashboard/ingest/dates.py).

    The whole import holds the data dir's writer lock (dashboard/data/lock.py), so the
    duplicates are judged against what is published and nobody publishes in between;
    another writer holding it is waited for (said on stderr and as a progress stage),
    or with `wait` false an IngestError says who holds it."""
    progress = progress or NoProgress()

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)
        progress.stage(message, None)

    try:
        with lock.writer_lock(Path(data_dir), command, wait=wait, say=say):
            store.sweep(Path(data_dir), say=say)
            return _ingest_files(
                paths, fmt, data_dir, brand, channel, mapping, tz, year, progress, now, date_format
            )
    except lock.LockBusy as exc:
        raise IngestError(str(exc)) from exc


def _ingest_files(
    paths: list[Path],
    fmt: str,
    data_dir: Path,
    brand: str | None,
    channel: str | None,
    mapping: dict[str, str] | None,
    tz: str,
    year: int | None,
    progress: Progress | None,
    now: dt.datetime | None,
    date_format: str | None,
) -> IngestSummary:
    started = time.perf_counter()
    progress = progress or NoProgress()
    form = _format(fmt)
    now = now or dt.datetime.now(dt.UTC)
    opts = _options(form, brand, channel, mapping or {}, tz, year, Path(data_dir))
    opts = dataclasses.replace(opts, date_format=_date_format(date_format), now=now)
    paths = [Path(p) for p in paths]
    if not paths:
        raise IngestError("no input files given")

    size = sources.batch_rows()
    progress.stage("reading", len(paths))
    files: list[sources.Source] = []
    loaded: list[pl.DataFrame] = []
    notes: list[str] = []
    for path in paths:
        check_file(path)
        source = sources.open_streamed(fmt, path, opts, size) if fmt in sources.STREAMED else None
        if source is None:
            raw, file_notes = form.load(path, opts)
            if fmt in sources.STREAMED:
                source = sources.loaded(path, raw, file_notes, size)
            else:
                notes += file_notes
                loaded.append(_numbered(raw, path, sum(f.height for f in loaded)))
        if source is not None:
            notes += source.notes
            files.append(source)
        progress.advance()
    if loaded:
        # a format that parses all files of a run together (threads span files): one
        # frame, loaded whole, in one batch
        whole = pl.concat(loaded, how="diagonal_relaxed")
        files = [sources.Source(paths[0], whole.height, [], None, None, lambda: iter([whole]))]
    tables = {s.table for s in files if s.table is not None}
    if len(tables) > 1:
        raise IngestError(
            "the files mix interactions and audience tables: import them in separate runs"
        )

    run = batch.Run(Path(data_dir), paths, now, opts.tz)
    summary = IngestSummary(format=fmt, files=[p.name for p in paths], notes=notes)
    try:
        offset = 0
        for source in files:
            file_opts = dataclasses.replace(opts, reading=source.reading)
            for raw in source.batches():
                if not loaded:
                    raw = _numbered(raw, source.path, offset)
                offset += raw.height
                progress.stage("validating", None)
                parsed = form.parse(raw, file_opts)
                run.process(form, raw, parsed, progress)
            if source.reading is not None:
                run.date_note(source.path, source.reading.note(opts.date_format))
        run.finish(summary)
    except BaseException:
        store.sweep(Path(data_dir))  # the batches staged so far: never published
        run.discard()
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _numbered(raw: pl.DataFrame, path: Path, offset: int) -> pl.DataFrame:
    """`_file` and `_src` (numbering the source rows of the whole run)."""
    return raw.with_columns(
        pl.lit(path.name).alias(FILE),
        pl.int_range(offset, offset + raw.height, dtype=pl.Int64).alias(SRC),
    )


def _format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise IngestError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    return FORMATS[fmt]


def _options(
    form: Format,
    brand: str | None,
    channel: str | None,
    mapping: dict[str, str],
    tz: str,
    year: int | None,
    data_dir: Path,
) -> Options:
    if brand is not None and not brand.strip():
        raise IngestError("--brand is empty")
    if channel is not None and channel.strip().lower() not in CHANNELS:
        raise IngestError(
            f"--channel {channel!r}: unknown channel (allowed: {', '.join(CHANNELS)})"
        )
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise IngestError(f"--tz {tz!r}: unknown time zone") from exc
    this_year = dt.datetime.now(dt.UTC).year
    if year is not None and not dates.PLAUSIBLE_FROM.year <= year <= this_year:
        raise IngestError(
            f"--year {year}: not a plausible year ({dates.PLAUSIBLE_FROM.year} to {this_year})"
        )
    if mapping and not form.tabular:
        raise IngestError(f"--map applies to table formats, not to {form.name}")
    return Options(
        brand=brand.strip() if brand else None,
        channel=channel.strip().lower() if channel else None,
        mapping=mapping,
        tz=tz,
        year=year,
        data_dir=data_dir,
    )


def _date_format(fmt: str | None) -> str | None:
    if fmt is None or not fmt.strip():
        return None
    problem = dates.check_format(fmt.strip())
    if problem:
        raise IngestError(f"--date-format {fmt!r}: not a usable format: {problem}")
    return fmt.strip()
