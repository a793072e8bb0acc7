"""Formats `csv` and `parquet`: files already in the contract's columns.

A file is an interactions file when it has any interaction column (interaction_id,
conversation_id, direction, author_id, created_at), else an audience file when it
has `date` and `followers`. `--map contract_column=source_column` renames columns;
`--brand` / `--channel` fill rows (or a whole missing column) without a brand or channel.
Columns outside the contract are ignored, and the summary says which.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.core.schema import AUDIENCE, INTERACTIONS
from dashboard.ingest import dates, readers
from dashboard.ingest.model import ERROR, ROW, SRC, IngestError, Options, Parsed

TABLE = "_table"
# fields a metric is built on: a rejection pattern on them biases the figures
SKEW_FIELDS = (
    ("channel", "the channel mix"),
    ("direction", "the response rate"),
    ("resolved", "resolution"),
    ("csat", "satisfaction"),
)
_INTERACTION_ONLY = ("interaction_id", "conversation_id", "direction", "author_id", "created_at")


def load_csv(path: Path, opts: Options) -> tuple[pl.DataFrame, list[str]]:
    frame, notes = readers.read_csv(path)
    return prepare(path, frame, opts, notes)


def load_parquet(path: Path, opts: Options) -> tuple[pl.DataFrame, list[str]]:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise IngestError(f"{path.name}: not a Parquet file ({str(exc).splitlines()[0]})") from exc
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    if frame.height == 0:
        raise IngestError(f"{path.name}: no data rows")
    frame = frame.with_columns(
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ROW),
        pl.lit(None, pl.String).alias(ERROR),
    )
    return prepare(path, frame, opts, [])


def prepare(
    path: Path, frame: pl.DataFrame, opts: Options, notes: list[str]
) -> tuple[pl.DataFrame, list[str]]:
    frame = readers.apply_mapping(path, frame, opts.mapping)
    names = set(frame.columns)
    if names & set(_INTERACTION_ONLY):
        table, schema = "interactions", INTERACTIONS
    elif {"date", "followers"} <= names:
        table, schema = "audience", AUDIENCE
    else:
        raise IngestError(
            f"{path.name}: not a contract table: no interactions columns "
            f"({', '.join(_INTERACTION_ONLY)}) and no audience columns (date, followers); "
            "rename columns with --map contract_column=source_column"
        )
    given = {"brand": opts.brand, "channel": opts.channel}
    required = [f.name for f in schema if not f.nullable and not given.get(f.name)]
    readers.require_columns(path, frame, required, f"{path.suffix.lstrip('.') or 'csv'} ({table})")
    ignored = sorted(c for c in frame.columns if c not in schema.names and not c.startswith("_"))
    if ignored:
        notes = [*notes, f"{path.name}: ignored columns not in the contract: {', '.join(ignored)}"]
    return frame.with_columns(pl.lit(table).alias(TABLE)), notes


def parse(raw: pl.DataFrame, opts: Options) -> Parsed:
    tables = raw[TABLE].unique().to_list()
    if len(tables) > 1:
        raise IngestError(
            "the files mix interactions and audience tables: import them in separate runs"
        )
    table = tables[0]
    schema = INTERACTIONS if table == "interactions" else AUDIENCE
    when = "created_at" if table == "interactions" else "date"
    notes: list[str] = []
    day_only = 0
    if when in raw.columns and raw.schema[when] == pl.String:
        # one reading of the dates per file (dashboard/ingest/dates.py)
        raw, notes = dates.read(
            raw, {when: when}, opts, has_time={when: "__has_time"}, reading=opts.reading
        )
        if table == "interactions":
            # a message dated without a time of day is stored at 00:00 (--tz) of that
            # day, marked time_known = false: nothing is measured from that midnight
            stated = (
                pl.col("time_known") if "time_known" in raw.columns else pl.lit(None, pl.String)
            )
            raw = raw.with_columns(
                pl.when(pl.col("__has_time").not_().fill_null(False))
                .then(pl.lit("false"))
                .otherwise(stated.cast(pl.String))
                .alias("time_known")
            )
            day_only = int(raw["__has_time"].not_().sum())
        raw = raw.drop("__has_time")
    rows = raw.select([c for c in schema.names if c in raw.columns] + [SRC, ERROR])
    # --brand / --channel fill what the file leaves empty
    for col, value in (("brand", opts.brand), ("channel", opts.channel)):
        if value is None:
            continue
        if col in rows.columns:
            filled = pl.coalesce(pl.col(col).cast(pl.String), pl.lit(value))
            rows = rows.with_columns(filled.alias(col))
        else:
            rows = rows.with_columns(pl.lit(value).alias(col))
    key = ("interaction_id",) if table == "interactions" else ("brand", "channel", "date")
    unknown = None
    if day_only:
        unknown = (
            "their first message gives only its day, no time of day (stored at "
            f"00:00 {opts.tz} with time_known = false)"
        )
    return Parsed(table=table, rows=rows, dedupe_key=key, dates=notes, time_unknown=unknown)
