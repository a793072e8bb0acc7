"""Rejected rows that are not a random sample of the file, on a field a metric uses.

When the rows an import rejects are mostly of one kind (all 1,292 rejected tickets of the
Kaggle sample are Closed), the accepted rows misrepresent that field and every metric
built on it (resolution drops from 33 % to 21 %). The summary then says so.

The rule, per field a format names (Format.skew_fields) and per value of it (compared
after trimming and without case; an empty cell is its own value "(empty)"):

- at least MIN_REJECTED rows were rejected (fewer cannot carry a pattern), and
- the value's share among the rejected rows exceeds its share among all rows read by
  MIN_GAP_PTS percentage points or more, or every rejected row has that value, and
- leaving the rejected rows out moves the value's share by MIN_SHIFT_PTS points or more
  (the accepted rows' share against the file's), so the bias is big enough to matter.

The value with the largest over-representation is reported, one line per field.
"""

from __future__ import annotations

import polars as pl

from dashboard.ingest.model import SRC

MIN_REJECTED = 5
MIN_GAP_PTS = 20.0
MIN_SHIFT_PTS = 1.0
EMPTY = "(empty)"


def skew_warnings(
    raw: pl.DataFrame,
    rejected: pl.Series,
    fields: tuple[tuple[str, str], ...],
    where: str = "the file",
) -> list[str]:
    """One line per field in `fields` ((column, the metric it feeds)) on which the rows of
    `raw` whose `_src` is in `rejected` are skewed; `where` names the input in the text."""
    counts = Tally()
    counts.add(raw, rejected, fields)
    return counts.warnings(fields, where)


class Tally:
    """Per field, how many rows read have each value, rejected or not: what the rule
    needs, added up batch by batch (an import read in batches)."""

    def __init__(self) -> None:
        self.total = 0
        self.rejected = 0
        self.counts: dict[str, pl.DataFrame] = {}

    def add(
        self, raw: pl.DataFrame, rejected: pl.Series, fields: tuple[tuple[str, str], ...]
    ) -> None:
        """The rows of `raw`, those whose `_src` is in `rejected` rejected."""
        self.total += raw.height
        self.rejected += rejected.n_unique()
        is_rejected = raw[SRC].is_in(rejected.implode())
        for column, _ in fields:
            if column not in raw.columns:
                continue
            text = raw[column].cast(pl.String).str.strip_chars()
            frame = pl.DataFrame({"label": text.set(text == "", None), "rejected": is_rejected})
            part = frame.group_by("label", "rejected").len("n")
            old = self.counts.get(column)
            if old is not None:
                part = pl.concat([old, part]).group_by("label", "rejected").agg(pl.col("n").sum())
            self.counts[column] = part

    def warnings(self, fields: tuple[tuple[str, str], ...], where: str) -> list[str]:
        total, n_rejected = self.total, self.rejected
        if n_rejected < MIN_REJECTED or n_rejected >= total:
            return []
        lines = []
        for column, metric in fields:
            if column not in self.counts:
                continue
            line = _field(self.counts[column], total, n_rejected, column, metric, where)
            if line:
                lines.append(line)
        return lines


def _field(
    counts: pl.DataFrame,
    total: int,
    n_rejected: int,
    column: str,
    metric: str,
    where: str,
) -> str | None:
    keyed = counts.with_columns(pl.col("label").str.to_lowercase().fill_null(EMPTY).alias("key"))
    # the label shown for a key: its most common spelling (ties: the first in order)
    labels = (
        keyed.drop_nulls("label")
        .group_by("key", "label")
        .agg(pl.col("n").sum())
        .sort(["key", "n", "label"], descending=[False, True, False])
        .group_by("key", maintain_order=True)
        .agg(pl.col("label").first())
    )
    shares = (
        keyed.group_by("key")
        .agg(
            pl.col("n").sum().alias("all_n"),
            pl.col("n").filter(pl.col("rejected")).sum().alias("rejected_n"),
        )
        .join(labels, on="key", how="left")
        .with_columns(
            pl.col("label").fill_null(EMPTY),
            (100 * pl.col("all_n") / total).alias("all_pct"),
            (100 * pl.col("rejected_n") / n_rejected).alias("rejected_pct"),
            (100 * (pl.col("all_n") - pl.col("rejected_n")) / (total - n_rejected)).alias(
                "kept_pct"
            ),
        )
        .with_columns((pl.col("rejected_pct") - pl.col("all_pct")).alias("gap_pts"))
    )
    every = (pl.col("rejected_n") == n_rejected) & (pl.col("all_n") < total)
    candidates = shares.filter(
        ((pl.col("gap_pts") >= MIN_GAP_PTS) | every)
        & ((pl.col("kept_pct") - pl.col("all_pct")).abs() >= MIN_SHIFT_PTS)
    ).sort("gap_pts", "key", descending=[True, False])
    if candidates.height == 0:
        return None
    top = candidates.row(0, named=True)
    label, kept, share = top["label"], top["kept_pct"], top["all_pct"]
    if top["rejected_n"] == n_rejected:
        head = f"all {n_rejected:,} rejected rows have {column} = {label}"
    else:
        head = (
            f"{top['rejected_pct']:.0f} % of the {n_rejected:,} rejected rows have "
            f"{column} = {label}, against {share:.0f} % of all rows"
        )
    return (
        f"{head}: {metric} is biased ({label}: {kept:.0f} % of the accepted rows against "
        f"{share:.0f} % in {where})"
    )
