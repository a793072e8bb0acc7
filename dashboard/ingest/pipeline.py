"""The import run shared by every format: read -> parse -> validate -> dedupe ->
sentiment -> pseudonymise -> write, with rejects and a summary.

Accounting is per source row (a CSV record, a tweet, a ticket, a post): each ends
up accepted, rejected (with a reason) or a skipped duplicate, so
accepted + rejected + duplicates == rows read. Nothing is written when any file has
a fatal problem, including a file none of whose rows is usable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import sys
import time
import uuid
import zoneinfo
from collections import Counter
from pathlib import Path

import polars as pl

from dashboard.core.schema import CHANNELS
from dashboard.data import lock, store
from dashboard.ingest import dates, existing, sentiment, skew, validate
from dashboard.ingest.formats import FORMATS, Format
from dashboard.ingest.model import (
    ERROR,
    FILE,
    ROW,
    SRC,
    IngestError,
    IngestSummary,
    NoProgress,
    Options,
    Parsed,
    Progress,
)
from dashboard.ingest.pseudonym import Pseudonymiser, load_secret
from dashboard.ingest.readers import check_file

REJECTS_DIR = "rejects"
# the key that makes a row "already imported" in each table
EXISTING_KEY = {"interactions": ("interaction_id",), "audience": ("brand", "channel", "date")}


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

    raws, notes = [], []
    progress.stage("reading", len(paths))
    offset = 0
    for path in paths:
        check_file(path)
        raw, file_notes = form.load(path, opts)
        notes += file_notes
        raw = raw.with_columns(
            pl.lit(path.name).alias(FILE),
            pl.int_range(offset, offset + raw.height, dtype=pl.Int64).alias(SRC),
        )
        offset += raw.height
        raws.append(raw)
        progress.advance()
    raw = pl.concat(raws, how="diagonal_relaxed")

    progress.stage("validating", None)
    parsed = form.parse(raw, opts)
    checker = validate.interactions if parsed.table == "interactions" else validate.audience
    rows = checker(parsed.rows, opts.tz, now)
    if parsed.dedupe_key:
        rows = validate.mark_duplicates(rows, parsed.dedupe_key, parsed.content_columns)
    else:
        rows = rows.with_columns(pl.lit(False).alias("_dup"))
    rows, rejects = _split(raw, rows)
    rows = _skip_existing(data_dir, parsed.table, rows)

    summary = IngestSummary(
        format=fmt,
        files=[p.name for p in paths],
        rows_read=raw.height,
        notes=notes + parsed.notes,
        dates=parsed.dates,
    )
    _count(summary, raw, rows, rejects)
    summary.rejects_files = _write_rejects(data_dir, raw, rejects, now)
    _fail_on_unusable_files(summary, raw, rows, rejects, paths)

    new = rows.filter(~pl.col("_dup")).drop("_dup", ERROR)
    summary.warnings = _time_unknown(new, parsed) + skew.skew_warnings(
        raw, rejects[SRC], form.skew_fields, "the file" if len(paths) == 1 else "the files"
    )
    if parsed.finalise is not None:
        new = parsed.finalise(new)
    if parsed.table == "interactions" and new.height:
        _count_agents(summary, new)
        new, summary.sentiment_scored, summary.sentiment_empty = _add_sentiment(
            data_dir, new, progress
        )
        new = _pseudonymise(data_dir, new, parsed)
    progress.stage("writing", None)
    _write(data_dir, parsed.table, new.drop(SRC, strict=False), summary)
    summary.seconds = time.perf_counter() - started
    return summary


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


def _time_unknown(new: pl.DataFrame, parsed: Parsed) -> list[str]:
    """ "speed unavailable for N conversations: why" when new conversations open with a
    message whose time the source does not give (time_known = false)."""
    if parsed.table != "interactions" or new.height == 0:
        return []
    unknown = new.filter((pl.col("direction") == "inbound") & (pl.col("time_known").not_()))
    n = unknown.select(pl.struct("brand", "conversation_id").n_unique()).item()
    if not n:
        return []
    why = parsed.time_unknown or "the file gives no time for their first message (time_known)"
    return [f"speed unavailable for {n:,} {parsed.conversation_noun}: {why}"]


def _split(raw: pl.DataFrame, rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Records of source rows without any error, and one reason per rejected source row."""
    failed = (
        rows.filter(pl.col(ERROR).is_not_null())
        .group_by(SRC, maintain_order=True)
        .agg(pl.col(ERROR).first())
    )
    # a source row the format turned into no record at all is rejected, not lost
    lost = (
        raw.select(SRC)
        .join(rows.select(SRC).unique(), on=SRC, how="anti")
        .with_columns(pl.lit("no usable record in this row").alias(ERROR))
    )
    rejects = pl.concat([failed, lost]).sort(SRC)
    keep = rows.join(rejects.select(SRC), on=SRC, how="anti")
    return keep, rejects


def _skip_existing(data_dir: Path, table: str, rows: pl.DataFrame) -> pl.DataFrame:
    """Mark records whose key is already in the data dir as duplicates."""
    key = list(EXISTING_KEY[table])
    if rows.height == 0:
        return rows
    found = existing.lookup(data_dir, table, rows.select(key)).with_columns(
        pl.lit(True).alias("__seen")
    )
    rows = rows.join(found, on=key, how="left", nulls_equal=True, maintain_order="left")
    return rows.with_columns(
        (pl.col("_dup") | pl.col("__seen").fill_null(False)).alias("_dup")
    ).drop("__seen")


def _count(
    summary: IngestSummary, raw: pl.DataFrame, rows: pl.DataFrame, rejects: pl.DataFrame
) -> None:
    summary.rejected = Counter(dict(rejects.group_by(ERROR).len().iter_rows()))
    per_src = rows.group_by(SRC).agg(pl.col("_dup").all())
    summary.duplicates_skipped = per_src.filter(pl.col("_dup")).height
    summary.accepted = per_src.height - summary.duplicates_skipped
    new = rows.filter(~pl.col("_dup"))
    time_col = "created_at" if "created_at" in rows.columns else "date"
    if new.height:
        summary.first, summary.last = new[time_col].min(), new[time_col].max()
        summary.brands = sorted(new["brand"].unique().to_list())
        summary.channels = sorted(new["channel"].unique().to_list())


def _fail_on_unusable_files(
    summary: IngestSummary,
    raw: pl.DataFrame,
    rows: pl.DataFrame,
    rejects: pl.DataFrame,
    paths: list[Path],
) -> None:
    usable = set(raw.join(rows.select(SRC).unique(), on=SRC, how="semi")[FILE].unique())
    for path in paths:
        if path.name in usable:
            continue
        first = rejects.join(raw.select(SRC, FILE, ROW), on=SRC).filter(pl.col(FILE) == path.name)
        if first.height == 0:
            raise IngestError(f"{path.name}: no usable rows")
        n = first.height
        first_row = first.row(0, named=True)
        where = f"{path.name} row {first_row[ROW]}" if first_row[ROW] is not None else path.name
        see = f"; rejected rows are in {summary.rejects_files[0]}" if summary.rejects_files else ""
        raise IngestError(
            f"{where} {first_row[ERROR]}{_value(raw, first_row)} "
            f"(no usable rows: all {n:,} rejected{see})"
        )


def _value(raw: pl.DataFrame, failed: dict) -> str:
    """ ": 'the value'" of the column a reason names, when the file has that column."""
    match = re.match(r"column '([^']+)'", str(failed[ERROR]))
    if not match or match.group(1) not in raw.columns:
        return ""
    value = raw.filter(pl.col(SRC) == failed[SRC])[match.group(1)][0]
    text = "" if value is None else str(value)
    return f": {text[:60] + '...' if len(text) > 60 else text!r}"


def _write_rejects(
    data_dir: Path, raw: pl.DataFrame, rejects: pl.DataFrame, now: dt.datetime | None
) -> list[Path]:
    """`<data dir>/rejects/<file stem>-<UTC time>.csv`: row, reason and the original fields."""
    if rejects.height == 0:
        return []
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    joined = rejects.join(raw, on=SRC, how="left", suffix="_raw")
    written = []
    for (name,), part in joined.group_by(FILE, maintain_order=True):
        original = [c for c in raw.columns if not c.startswith("_")]
        table = part.select(
            pl.col(ROW).alias("row"),
            pl.col(ERROR).alias("reason"),
            *[pl.col(c).cast(pl.String) for c in original],
        )
        folder = Path(data_dir) / REJECTS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{Path(str(name)).stem}-{stamp}.csv"
        if path.exists():
            path = path.with_name(f"{path.stem}-{uuid.uuid4().hex[:6]}.csv")
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            table.write_csv(tmp)
            os.chmod(tmp, 0o600)  # rejects keep original ids: owner only
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(path)
    return written


def _count_agents(summary: IngestSummary, new: pl.DataFrame) -> None:
    """How many new brand replies name their agent, and how many agents (an agent is
    one per brand: initials are only unique within a brand)."""
    replies = new.filter(pl.col("direction") == "outbound")
    signed = replies.filter(pl.col("agent_id").is_not_null())
    summary.replies = replies.height
    summary.replies_with_agent = signed.height
    summary.agents = signed.select(pl.struct("brand", "agent_id").n_unique()).item()


def _add_sentiment(
    data_dir: Path, new: pl.DataFrame, progress: Progress
) -> tuple[pl.DataFrame, int, int]:
    """VADER compound of what the customer wrote, for inbound messages that have text
    and no sentiment: the frame, how many got a score, and how many had nothing of the
    customer's words left to score (they keep a null sentiment)."""
    todo = (
        (pl.col("direction") == "inbound")
        & pl.col("sentiment").is_null()
        & pl.col("text").is_not_null()
    )
    new = new.with_row_index("__i")
    pending = new.filter(todo).select("__i", "brand", "text")
    if pending.height == 0:
        return new.drop("__i"), 0, 0
    # score each distinct text of a brand once (ticket systems repeat template texts)
    unique = pending.select("brand", "text").unique(maintain_order=True)
    handles = _brand_handles(data_dir, new, unique["brand"].unique().to_list())
    progress.stage("sentiment", unique.height)
    scores = sentiment.score(
        unique["text"].to_list(),
        on_chunk=progress.advance,
        brands=unique["brand"].to_list(),
        handles=handles,
    )
    lookup = unique.with_columns(pl.Series("__s", scores, dtype=pl.Float64))
    scored = pending.join(lookup, on=["brand", "text"], how="left").select("__i", "__s")
    new = (
        new.join(scored, on="__i", how="left", maintain_order="left")
        .with_columns(pl.coalesce("sentiment", "__s").alias("sentiment"))
        .drop("__i", "__s")
    )
    n_scored = int(scored["__s"].is_not_null().sum())
    return new, n_scored, scored.height - n_scored


def _brand_handles(data_dir: Path, new: pl.DataFrame, brands: list[str]) -> dict[str, set[str]]:
    """brand -> the handles it answers from: outbound authors of this import and of the
    data already stored (so `chi rescore` later removes the same names)."""
    handles = sentiment.outbound_handles(new)
    candidates = pl.DataFrame(
        {"brand": brands, "direction": ["outbound"] * len(brands)},
        schema={"brand": pl.String, "direction": pl.String},
    )
    stored = existing.lookup(data_dir, "interactions", candidates, ("author_id",))
    for brand, author in stored.select("brand", "author_id").iter_rows():
        handles.setdefault(brand, set()).add(author)
    return handles


def _pseudonymise(data_dir: Path, new: pl.DataFrame, parsed: Parsed) -> pl.DataFrame:
    """Customers' ids become keyed hashes; brand authors (outbound) stay readable."""
    hasher = Pseudonymiser(load_secret(data_dir))
    customer = new["direction"] != "outbound"
    hashed = hasher.column(new["author_id"])
    new = new.with_columns(
        pl.when(customer).then(hashed).otherwise(pl.col("author_id")).alias("author_id")
    )
    if parsed.brand_handles is not None:
        keep = {h.lower() for h in parsed.brand_handles}
        new = new.with_columns(
            pl.Series("text", hasher.mentions(new["text"].to_list(), keep), dtype=pl.String)
        )
    return new


def _write(data_dir: Path, table: str, new: pl.DataFrame, summary: IngestSummary) -> None:
    summary.rows_written = {table: new.height}
    if new.height == 0:
        return
    # the part name is a hash of the rows' keys: the same rows always land in the same
    # file, so a re-run (or two concurrent runs) replaces instead of duplicating
    keys = new.select(
        pl.concat_str(
            [pl.col(c).cast(pl.String) for c in EXISTING_KEY[table]], separator="\x1f"
        ).sort()
    )
    digest = hashlib.sha256(table.encode())
    for chunk in keys.to_series().to_list():
        digest.update(chunk.encode("utf-8"))
        digest.update(b"\n")
    batch = f"ingest-{digest.hexdigest()[:16]}"
    # all months at once (docs/DATA.md, "Writers, locks and publishing"): the new files
    # are written as pending (invisible), then published in one step; a kill before
    # that leaves the data as it was, and the next writer sweeps the files away
    store.begin(data_dir, {table: [store.part_name(batch)]})
    summary.written_files = store.write_batch(data_dir, table, new.to_arrow(), batch, publish=False)
    store.publish_files(data_dir)
