"""One import run, a batch at a time: validate -> dedupe -> count -> rejects ->
sentiment -> pseudonymise -> stage (docs/DATA.md, "Memory").

A `Run` keeps only counts and the keys of the records it accepted (interaction ids,
or brand/channel/date), so its memory is one batch plus tens of MB per million keys.
Each batch is checked against the records of earlier batches of the run the way the
whole file would be: a record whose key an earlier record had is a skipped duplicate
when its content is the same, else rejected ("same id as an earlier row but different
content"). Accepted rows are staged as pending files (store.begin); `finish` raises
when a file has no usable row, else publishes every staged file in one step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from collections import Counter
from pathlib import Path

import polars as pl

from dashboard.data import csv_safe, store
from dashboard.ingest import existing, sentiment, skew, validate
from dashboard.ingest.formats import Format
from dashboard.ingest.model import (
    ERROR,
    FILE,
    ROW,
    SRC,
    IngestError,
    IngestSummary,
    Parsed,
    Progress,
)
from dashboard.ingest.pseudonym import Pseudonymiser, load_secret

REJECTS_DIR = "rejects"
# the key that makes a row "already imported" in each table
EXISTING_KEY = {"interactions": ("interaction_id",), "audience": ("brand", "channel", "date")}
HASH = "__content"
KEY_HASH = "__key"


class Run:
    """What an import has done so far, over all batches."""

    def __init__(self, data_dir: Path, paths: list[Path], now: dt.datetime, tz: str) -> None:
        self.data_dir = Path(data_dir)
        self.now, self.tz = now, tz
        self.paths = paths
        self.stamp = now.strftime("%Y%m%dT%H%M%SZ")
        self.many = len(paths) > 1  # several files: date notes name their file
        self.table = "interactions"
        self.read = self.accepted = self.duplicates = 0
        self.rejected: Counter[str] = Counter()
        self.first: dt.datetime | dt.date | None = None
        self.last: dt.datetime | dt.date | None = None
        self.brands: set[str] = set()
        self.channels: set[str] = set()
        self.seen: pl.DataFrame | None = None  # keys and content hashes accepted so far
        self.usable: set[str] = set()  # files with a record that is not rejected
        self.first_reject: dict[str, tuple[int | None, str, str, int]] = {}
        self.rejects: dict[str, tuple[Path, Path]] = {}  # file -> (temporary, final)
        self.tally = skew.Tally()
        self.skew_fields: tuple[tuple[str, str], ...] = ()
        self.unknown: set[tuple[str, str]] = set()
        self.unknown_why: str | None = None
        self.noun = "conversations"
        self.replies = self.signed = 0
        self.agents: set[tuple[str, str]] = set()
        self.scored = self.empty = 0
        self.written: list[Path] = []
        self.rows_written = 0
        self.dates: list[str] = []
        self.notes: list[str] = []
        self.handles: dict[str, set[str]] = {}  # brand -> its outbound authors so far

    def discard(self) -> None:
        """A failed run: its unfinished rejects files go (its staged rows are swept)."""
        for tmp, _ in self.rejects.values():
            tmp.unlink(missing_ok=True)

    def date_note(self, path: Path, note: str | None) -> None:
        if note:
            self.dates.append(f"{path.name}: {note}" if self.many else note)

    def process(self, form: Format, raw: pl.DataFrame, parsed: Parsed, progress: Progress) -> None:
        """One batch: `raw` its source rows, `parsed` what the format made of them."""
        self.table, self.skew_fields = parsed.table, form.skew_fields
        self.noun = parsed.conversation_noun
        self.dates += parsed.dates  # formats read whole say it per run
        self.notes += parsed.notes
        checker = validate.interactions if parsed.table == "interactions" else validate.audience
        rows = checker(parsed.rows, self.tz, self.now)
        if parsed.dedupe_key:
            rows = self._dedupe(rows, parsed)
        else:
            rows = rows.with_columns(pl.lit(False).alias("_dup"))
        rows, rejects = _split(raw, rows)
        rows = _skip_existing(self.data_dir, parsed.table, rows)
        self.read += raw.height
        self._count(raw, rows, rejects)
        self._write_rejects(raw, rejects)
        self.tally.add(raw, rejects[SRC], form.skew_fields)
        new = rows.filter(~pl.col("_dup")).drop("_dup", ERROR)
        self._time_unknown(new, parsed)
        if parsed.finalise is not None:
            new = parsed.finalise(new)
        if parsed.table == "interactions" and new.height:
            self._count_agents(new)
            # the brand's handles: its outbound authors in this batch, the earlier ones
            # and the stored data (a handle first seen in a later batch is not removed
            # from the texts of earlier ones)
            for brand, found in sentiment.outbound_handles(new).items():
                self.handles.setdefault(brand, set()).update(found)
            new, scored, empty = _add_sentiment(self.data_dir, new, progress, self.handles)
            self.scored, self.empty = self.scored + scored, self.empty + empty
            new = _pseudonymise(self.data_dir, new, parsed)
        progress.stage("writing", None)
        self._stage(new.drop(SRC, strict=False))

    def _dedupe(self, rows: pl.DataFrame, parsed: Parsed) -> pl.DataFrame:
        """Duplicates within the batch and against the earlier batches of the run."""
        key = list(parsed.dedupe_key)
        content = validate.content_columns(rows, parsed.content_columns)
        rows = rows.with_columns(
            pl.struct(*content).hash().alias(HASH), pl.struct(*key).hash().alias(KEY_HASH)
        )
        earlier = pl.lit(False)
        if self.seen is not None and self.seen.height:
            # the earlier records with a key of this batch: found by the key's hash (a
            # scan of one integer column, not a join over every key of the run), then
            # joined on the key itself
            mask = self.seen[KEY_HASH].is_in(rows[KEY_HASH].unique().implode())
            found = self.seen.filter(mask).drop(KEY_HASH)
            rows = rows.join(
                found.rename({HASH: "__earlier"}),
                on=key,
                how="left",
                nulls_equal=True,
                maintain_order="left",
            )
            valid = pl.col(ERROR).is_null() & pl.col("__earlier").is_not_null()
            rows = validate.flag(
                rows, valid & (pl.col(HASH) != pl.col("__earlier")), validate.conflict(key)
            )
            earlier = (pl.col(ERROR).is_null() & pl.col("__earlier").is_not_null()).fill_null(False)
        rows = rows.with_columns(earlier.alias("__dup_earlier"))
        rows = validate.mark_duplicates(rows, parsed.dedupe_key, tuple(content))
        rows = rows.with_columns((pl.col("_dup") | pl.col("__dup_earlier")).alias("_dup"))
        firsts = rows.filter(pl.col(ERROR).is_null() & ~pl.col("_dup"))
        firsts = firsts.select(*key, HASH, KEY_HASH)
        self.seen = firsts if self.seen is None else pl.concat([self.seen, firsts])
        return rows.drop(HASH, KEY_HASH, "__dup_earlier", "__earlier", strict=False)

    def _count(self, raw: pl.DataFrame, rows: pl.DataFrame, rejects: pl.DataFrame) -> None:
        self.rejected.update(dict(rejects.group_by(ERROR).len().iter_rows()))
        per_src = rows.group_by(SRC).agg(pl.col("_dup").all())
        dups = per_src.filter(pl.col("_dup")).height
        self.duplicates += dups
        self.accepted += per_src.height - dups
        new = rows.filter(~pl.col("_dup"))
        time_col = "created_at" if "created_at" in rows.columns else "date"
        if new.height:
            first, last = new[time_col].min(), new[time_col].max()
            self.first = first if self.first is None else min(self.first, first)  # type: ignore[type-var]
            self.last = last if self.last is None else max(self.last, last)  # type: ignore[type-var]
            self.brands |= set(new["brand"].unique().to_list())
            self.channels |= set(new["channel"].unique().to_list())
        self.usable |= set(raw.join(rows.select(SRC).unique(), on=SRC, how="semi")[FILE].unique())
        if rejects.height:
            where = rejects.join(raw.select(SRC, FILE, ROW), on=SRC)
            for (name,), part in where.group_by(FILE, maintain_order=True):
                old = self.first_reject.get(str(name))
                if old is None:
                    first = part.row(0, named=True)
                    shown = _value(raw, first)
                    self.first_reject[str(name)] = (first[ROW], first[ERROR], shown, part.height)
                else:
                    self.first_reject[str(name)] = (*old[:3], old[3] + part.height)

    def _write_rejects(self, raw: pl.DataFrame, rejects: pl.DataFrame) -> None:
        """`<data dir>/rejects/<file stem>-<UTC time>.csv`: row, reason and the original
        fields; written batch by batch under a temporary name, renamed by `finish`.
        Written for people: a text cell that starts like a formula (= + - @) gets a single
        quote in front (dashboard/data/csv_safe.py)."""
        if rejects.height == 0:
            return
        joined = rejects.join(raw, on=SRC, how="left", suffix="_raw")
        for (name,), part in joined.group_by(FILE, maintain_order=True):
            original = [c for c in raw.columns if not c.startswith("_")]
            table = part.select(
                pl.col(ROW).alias("row"),
                pl.col(ERROR).alias("reason"),
                *[pl.col(c).cast(pl.String) for c in original],
            )
            if str(name) not in self.rejects:
                folder = self.data_dir / REJECTS_DIR
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{Path(str(name)).stem}-{self.stamp}.csv"
                if path.exists():
                    path = path.with_name(f"{path.stem}-{uuid.uuid4().hex[:6]}.csv")
                tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
                self.rejects[str(name)] = (tmp, path)
                with open(tmp, "wb") as handle:
                    os.chmod(tmp, 0o600)  # rejects keep original ids: owner only
                    csv_safe.write_csv(table, handle)  # =1+1 in a rejected row reads as text
            else:
                with open(self.rejects[str(name)][0], "ab") as handle:
                    csv_safe.write_csv(table, handle, include_header=False)

    def _time_unknown(self, new: pl.DataFrame, parsed: Parsed) -> None:
        """New conversations that open with a message whose time the source does not
        give (time_known = false)."""
        if parsed.table != "interactions" or new.height == 0:
            return
        unknown = new.filter((pl.col("direction") == "inbound") & (pl.col("time_known").not_()))
        pairs = unknown.select("brand", "conversation_id").unique().iter_rows()
        self.unknown |= {(str(b), str(c)) for b, c in pairs}
        self.unknown_why = self.unknown_why or parsed.time_unknown

    def _count_agents(self, new: pl.DataFrame) -> None:
        """New brand replies, how many name their agent, and the agents (one per brand:
        initials are only unique within a brand)."""
        replies = new.filter(pl.col("direction") == "outbound")
        signed = replies.filter(pl.col("agent_id").is_not_null())
        self.replies += replies.height
        self.signed += signed.height
        self.agents |= set(signed.select("brand", "agent_id").unique().iter_rows())

    def _stage(self, new: pl.DataFrame) -> None:
        """The batch's new rows as pending files (published by `finish`)."""
        if new.height == 0:
            return
        # the part name is a hash of the rows' keys: the same rows always land in the
        # same file, so a re-run (or two concurrent runs) replaces instead of duplicating
        keys = new.select(
            pl.concat_str(
                [pl.col(c).cast(pl.String) for c in EXISTING_KEY[self.table]], separator="\x1f"
            ).sort()
        )
        digest = hashlib.sha256(self.table.encode())
        for chunk in keys.to_series().to_list():
            digest.update(chunk.encode("utf-8"))
            digest.update(b"\n")
        name = f"ingest-{digest.hexdigest()[:16]}"
        # docs/DATA.md, "Writers, locks and publishing": pending (invisible) until the
        # one publish of `finish`; a kill before leaves the data as it was
        store.begin(self.data_dir, {self.table: [store.part_name(name)]})
        self.written += store.write_batch(
            self.data_dir, self.table, new.to_arrow(), name, publish=False
        )
        self.rows_written += new.height

    def finish(self, summary: IngestSummary) -> None:
        """The summary; raises IngestError when a file has no usable row (the rejects
        are kept, nothing is published); else publishes the staged files."""
        for tmp, path in self.rejects.values():
            os.replace(tmp, path)
        summary.rows_read = self.read
        summary.accepted, summary.duplicates_skipped = self.accepted, self.duplicates
        summary.rejected = self.rejected
        summary.first, summary.last = self.first, self.last
        summary.brands, summary.channels = sorted(self.brands), sorted(self.channels)
        summary.rejects_files = [path for _, path in self.rejects.values()]
        summary.dates = self.dates
        summary.notes += self.notes
        self._fail_on_unusable_files(summary)
        where = "the file" if len(self.paths) == 1 else "the files"
        unknown = []
        if self.unknown:
            why = self.unknown_why or (
                "the file gives no time for their first message (time_known)"
            )
            unknown = [f"speed unavailable for {len(self.unknown):,} {self.noun}: {why}"]
        summary.warnings = unknown + self.tally.warnings(self.skew_fields, where)
        if self.table == "interactions" and self.rows_written:
            summary.replies, summary.replies_with_agent = self.replies, self.signed
            summary.agents = len(self.agents)
            summary.sentiment_scored, summary.sentiment_empty = self.scored, self.empty
        summary.rows_written = {self.table: self.rows_written}
        summary.written_files = self.written
        if self.rows_written:
            store.publish_files(self.data_dir)

    def _fail_on_unusable_files(self, summary: IngestSummary) -> None:
        for path in self.paths:
            if path.name in self.usable:
                continue
            first = self.first_reject.get(path.name)
            if first is None:
                raise IngestError(f"{path.name}: no usable rows")
            row, error, shown, n = first
            where = f"{path.name} row {row}" if row is not None else path.name
            files = summary.rejects_files
            see = f"; rejected rows are in {files[0]}" if files else ""
            raise IngestError(f"{where} {error}{shown} (no usable rows: all {n:,} rejected{see})")


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


def _value(raw: pl.DataFrame, failed: dict) -> str:
    """ ": 'the value'" of the column a reason names, when the file has that column."""
    match = re.match(r"column '([^']+)'", str(failed[ERROR]))
    if not match or match.group(1) not in raw.columns:
        return ""
    value = raw.filter(pl.col(SRC) == failed[SRC])[match.group(1)][0]
    text = "" if value is None else str(value)
    return f": {text[:60] + '...' if len(text) > 60 else text!r}"


def _add_sentiment(
    data_dir: Path, new: pl.DataFrame, progress: Progress, known: dict[str, set[str]]
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
    handles = _brand_handles(data_dir, known, unique["brand"].unique().to_list())
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


def _brand_handles(
    data_dir: Path, known: dict[str, set[str]], brands: list[str]
) -> dict[str, set[str]]:
    """brand -> the handles it answers from: outbound authors of this import and of the
    data already stored (so `chi rescore` later removes the same names)."""
    handles = {brand: set(found) for brand, found in known.items()}
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
