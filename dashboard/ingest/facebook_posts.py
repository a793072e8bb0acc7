"""Format `facebook-posts`: per-post page metrics (the UCI "Facebook metrics" data set).

One CSV row per post of the brand's page: page total likes (the followers at post
time), reach, impressions, comments, likes, shares. Headers are matched without case
or accents and in English or in the Spanish of the sample (`Me gusta totales de la
página`, `compartir`, `Publicar Mes`...). Encoding (UTF-8 or Latin-1) and delimiter
(`,` `;` tab `|`) are detected.

Posts become `audience` rows: the posts of a day are summed into one row per
brand x channel x date (posts = count, likes/comments/shares/reach/impressions
summed, followers = the day's maximum). Channel facebook (or --channel); brand
from --brand (required).

Dates: a `date` / `Post Date` / `created_time` column when present. The UCI file
only has Post Month and Post Weekday (1 = Sunday ... 7 = Saturday) in date order,
newest first, and no year: give --year. Each post is then placed on the latest day
(newest-first order; earliest day for oldest-first files) that is not after the
previous post's day and has the post's month and weekday. Months are always right;
where the page paused for a week or more, the order and weekday cannot tell how
many weeks passed, so such days come out late by whole weeks (on the 2014 sample the
first post lands on Wed 31 Dec, as published, and the January posts up to two weeks
late).
An empty likes/comments/shares count is 0 when `Total Interactions` confirms it
(it equals the sum of the others), else the post is rejected.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from pathlib import Path

import polars as pl

from dashboard.ingest import dates, readers
from dashboard.ingest.model import ERROR, ROW, SRC, IngestError, Options, Parsed
from dashboard.ingest.validate import flag, reason

ALIASES: dict[str, tuple[str, ...]] = {
    "followers": ("page total likes", "me gusta totales de la pagina", "followers"),
    "month": ("post month", "publicar mes"),
    "weekday": ("post weekday", "dia de la semana"),
    "date": ("date", "post date", "created time", "fecha"),
    "reach": ("lifetime post total reach", "reach"),
    "impressions": ("lifetime post total impressions", "impressions"),
    "comments": ("comment", "comments", "comentarios"),
    "likes": ("like", "likes", "me gusta"),
    "shares": ("share", "shares", "compartir"),
    "total": ("total interactions", "interacciones totales"),
}
COUNTS = ("likes", "comments", "shares")


def _norm(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


def load(path: Path, opts: Options) -> tuple[pl.DataFrame, list[str]]:
    frame, notes = readers.read_csv(path)
    frame = readers.apply_mapping(path, frame, opts.mapping)
    found: dict[str, str] = {c: c for c in frame.columns if c in ALIASES}  # from --map
    for column in frame.columns:
        for key, names in ALIASES.items():
            if _norm(column) in names and key not in found:
                found[key] = column
    needed = ["followers", *COUNTS]
    if "date" not in found:
        needed += ["month", "weekday"]
    missing = [k for k in needed if k not in found]
    if missing:
        names = " / ".join(ALIASES[missing[0]][:2])
        raise IngestError(
            f"{path.name} column '{names}': missing (format facebook-posts; "
            f"map a column with --map {missing[0]}=COLUMN)"
        )
    if not opts.brand:
        raise IngestError(
            f"{path.name}: facebook-posts needs --brand: the file does not name the page"
        )
    if "date" not in found and opts.year is None:
        raise IngestError(
            f"{path.name}: the posts have a month and weekday but no year or "
            "date column; give --year (the UCI sample is from 2014)"
        )
    # work on copies (`_fb_*`) so the rejects file shows the original columns
    frame = frame.with_columns([pl.col(src).alias(f"_fb_{key}") for key, src in found.items()])
    if "date" not in found:
        frame = _dates(path, frame, opts.year or 0)
    else:  # the reasons name the file's own date column
        frame = frame.with_columns(pl.lit(found["date"]).alias("_fb_date_column"))
    return frame, notes


def _dates(path: Path, frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """Reconstruct each post's day from month + weekday and the file's order."""
    months = frame["_fb_month"].str.strip_chars().cast(pl.Int64, strict=False).to_list()
    weekdays = frame["_fb_weekday"].str.strip_chars().cast(pl.Int64, strict=False).to_list()
    rows = frame[ROW].to_list()
    valid = [(m, r) for m, r in zip(months, rows, strict=True) if m is not None and 1 <= m <= 12]
    newest_first = not valid or valid[0][0] >= valid[-1][0]
    for (before, _), (month, row) in zip(valid, valid[1:], strict=False):
        if (month > before) if newest_first else (month < before):
            raise IngestError(
                f"{path.name} row {row} column 'Post Month': posts are not in "
                "date order, so their days cannot be reconstructed; add a date "
                "column"
            )
    step = -1 if newest_first else 1
    cursor = dt.date(year, 12, 31) if newest_first else dt.date(year, 1, 1)
    days: list[dt.date | None] = []
    errors: list[str | None] = []
    for month, weekday in zip(months, weekdays, strict=True):
        if month is None or not 1 <= month <= 12:
            days.append(None)
            errors.append(reason("Post Month", "not a month (1..12)"))
            continue
        if weekday is None or not 1 <= weekday <= 7:
            days.append(None)
            errors.append(reason("Post Weekday", "not a weekday (1..7)"))
            continue
        day = _place(cursor, year, month, (weekday - 2) % 7, step)
        days.append(day)
        errors.append(None if day else reason("Post Weekday", "does not fit the file's order"))
        cursor = day or cursor
    return frame.with_columns(
        pl.Series("_fb_date", days, dtype=pl.Date),
        pl.Series("__date_error", errors, dtype=pl.String),
    )


def _place(cursor: dt.date, year: int, month: int, weekday: int, step: int) -> dt.date | None:
    """The day nearest `cursor` (towards `step`, cursor included) in `month` on `weekday`."""
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    first = dt.date(year, month, 1)
    day = min(cursor, last) if step < 0 else max(cursor, first)
    while first <= day <= last:
        if day.weekday() == weekday:
            return day
        day += dt.timedelta(days=step)
    return None


def parse(raw: pl.DataFrame, opts: Options) -> Parsed:
    df = raw
    for key in ("reach", "impressions", "total"):
        if f"_fb_{key}" not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias(f"_fb_{key}"))
    if "__date_error" in df.columns:
        df = df.with_columns(pl.coalesce(ERROR, "__date_error").alias(ERROR))
    date_notes: list[str] = []
    if df.schema["_fb_date"] == pl.String:
        column = df["_fb_date_column"].drop_nulls()
        label = {"_fb_date": column[0]} if len(column) else None
        df, date_notes = dates.read(df, {"_fb_date": "_fb_date"}, opts, labels=label)
    # empty counts are zero when the total says so (the sample leaves zeros blank)
    counts = [pl.col(f"_fb_{k}").str.strip_chars().cast(pl.Float64, strict=False) for k in COUNTS]
    total = pl.col("_fb_total").str.strip_chars().cast(pl.Float64, strict=False)
    confirmed = total == pl.sum_horizontal(counts)
    df = df.with_columns(
        [
            pl.when(pl.col(f"_fb_{k}").is_null() & confirmed)
            .then(pl.lit("0"))
            .otherwise(pl.col(f"_fb_{k}"))
            .alias(f"_fb_{k}")
            for k in COUNTS
        ]
    )
    for k in COUNTS:
        df = flag(
            df,
            pl.col(f"_fb_{k}").is_null(),
            reason(k.rstrip("s"), "missing (and Total Interactions does not confirm 0)"),
        )
    rows = df.select(
        pl.lit(opts.brand).alias("brand"),
        pl.lit(opts.channel or "facebook").alias("channel"),
        pl.col("_fb_date").alias("date"),
        pl.col("_fb_followers").alias("followers"),
        pl.lit(1).alias("posts"),
        *[pl.col(f"_fb_{k}").alias(k) for k in COUNTS],
        pl.col("_fb_reach").alias("reach"),
        pl.col("_fb_impressions").alias("impressions"),
        SRC,
        ERROR,
    )
    return Parsed(table="audience", rows=rows, dedupe_key=None, finalise=per_day, dates=date_notes)


def per_day(posts: pl.DataFrame) -> pl.DataFrame:
    """One audience row per brand x channel x date from valid per-post rows."""
    return (
        posts.group_by("brand", "channel", "date", maintain_order=True)
        .agg(
            pl.col("followers").max(),
            pl.col("posts").sum(),
            pl.col("likes").sum(),
            pl.col("comments").sum(),
            pl.col("shares").sum(),
            # a day's reach/impressions are known only when every post has them
            pl.when(pl.col("reach").null_count() == 0).then(pl.col("reach").sum()),
            pl.when(pl.col("impressions").null_count() == 0).then(pl.col("impressions").sum()),
        )
        .sort("brand", "channel", "date")
    )
