"""The shapes every importer shares: options, a parsed batch, the summary, errors, progress."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polars as pl

# Columns the importers add to every frame: `_src` numbers each source row of the
# whole run (0, 1, ...); `_file` and `_row` say where it came from (row = the Nth
# data record of the file, header not counted; for JSON the Nth tweet); `_error`
# holds the first reason a record was rejected.
SRC, FILE, ROW, ERROR = "_src", "_file", "_row", "_error"


class IngestError(Exception):
    """A fatal problem with an input: one line naming the file, row, column and problem."""


@dataclass(frozen=True)
class Options:
    brand: str | None = None
    channel: str | None = None
    # contract (or expected) column -> the column's name in the file
    mapping: dict[str, str] = field(default_factory=dict)
    # time zone of timestamps that carry none
    tz: str = "UTC"
    # year of posts in files that only give month and weekday (facebook-posts)
    year: int | None = None
    # the data directory imported into (threads continue conversations stored there)
    data_dir: Path | None = None
    # a strftime format for every timestamp column (--date-format); None: detected per
    # file (dashboard/ingest/dates.py)
    date_format: str | None = None
    # the time of the import (tests pin it): timestamps after it + a day are rejected
    now: dt.datetime | None = None
    # one file read in batches: its dates' decision, taken over the whole file
    # (dates.FileReading; None: each frame parsed is read on its own)
    reading: Any = None


@dataclass
class Parsed:
    """What a format makes of its raw rows, before the shared validation.

    `rows` holds contract columns (any dtype; validation coerces them) plus `_src`
    and `_error` (reasons the format itself found). One source row may give several
    records (a ticket gives an opening, a reply and a closing event).
    """

    table: str
    rows: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    # brand handles kept readable when @mentions in text are pseudonymised;
    # None when the format's text is not social (no mention rewriting)
    brand_handles: set[str] | None = None
    # columns that identify a record within the batch (None: no in-batch dedupe)
    dedupe_key: tuple[str, ...] | None = ("interaction_id",)
    # columns compared to tell a repeated record from a conflicting one (empty: all)
    content_columns: tuple[str, ...] = ()
    # applied to the new, valid records before writing (e.g. posts -> one row per day)
    finalise: Callable[[pl.DataFrame], pl.DataFrame] | None = None
    # how the dates were read, one line per file ("dates read as ...")
    dates: list[str] = field(default_factory=list)
    # why some inbound messages carry time_known = false; the summary counts the new
    # conversations concerned: "speed unavailable for N <noun>: <why>"
    time_unknown: str | None = None
    conversation_noun: str = "conversations"


@dataclass
class IngestSummary:
    format: str
    files: list[str]
    rows_read: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    duplicates_skipped: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    first: dt.datetime | dt.date | None = None
    last: dt.datetime | dt.date | None = None
    brands: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    rejects_files: list[Path] = field(default_factory=list)
    written_files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # how each file's dates were read (dashboard/ingest/dates.py)
    dates: list[str] = field(default_factory=list)
    # what changes the meaning of the figures: a metric unavailable for some rows,
    # rejected rows skewed on a field a metric uses (shown prominently by the upload page)
    warnings: list[str] = field(default_factory=list)
    sentiment_scored: int = 0
    # inbound texts with nothing of the customer's words left to score (null sentiment)
    sentiment_empty: int = 0
    # new outbound messages (brand replies), how many name their agent, how many agents
    replies: int = 0
    replies_with_agent: int = 0
    agents: int = 0
    seconds: float = 0.0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def lines(self) -> list[str]:
        """The summary as readable lines (the CLI prints them, the upload page shows them)."""
        out = [
            f"files: {', '.join(self.files)} (format {self.format})",
            f"rows read: {self.rows_read:,}",
            f"accepted: {self.accepted:,}",
            f"rejected: {self.rejected_total:,}",
        ]
        for reason, n in self.rejected.most_common():
            out.append(f"  {n:,} × {reason}")
        out.append(f"duplicates skipped: {self.duplicates_skipped:,}")
        for table, n in sorted(self.rows_written.items()):
            out.append(f"written: {n:,} {table} rows")
        if self.first is not None:
            out.append(f"date range: {_fmt(self.first)} to {_fmt(self.last)}")
        out.extend(self.dates)
        out.append(f"brands: {', '.join(self.brands) or '-'}")
        out.append(f"channels: {', '.join(self.channels) or '-'}")
        if self.sentiment_scored:
            out.append(f"sentiment computed (VADER) for {self.sentiment_scored:,} messages")
        if self.sentiment_empty:
            out.append(
                f"sentiment left empty for {self.sentiment_empty:,} messages: nothing of the "
                "customer's own words left once @mentions, links and the brand's names are "
                "removed"
            )
        if self.replies:
            out.append(self._agents_line())
        out.extend(f"rejected rows with reasons: {p}" for p in self.rejects_files)
        out.extend(f"warning: {warning}" for warning in self.warnings)
        out.extend(f"note: {note}" for note in self.notes)
        if self.seconds:
            rate = self.rows_read / self.seconds if self.seconds else 0
            out.append(f"time: {self.seconds:.1f} s ({rate:,.0f} rows/s)")
        return out

    def _agents_line(self) -> str:
        if not self.replies_with_agent:
            return (
                f"agents: none of the {self.replies:,} new brand replies names its agent "
                "(unsigned, or the source has no agent column)"
            )
        return (
            f"agents: {self.replies_with_agent:,} of the {self.replies:,} new brand replies "
            f"name their agent ({self.agents:,} agents)"
        )


def _fmt(value: dt.datetime | dt.date | None) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


class Progress(Protocol):
    """Where an import reports how far it got (a rich bar, a Streamlit bar, nothing)."""

    def stage(self, name: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NoProgress:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass
