"""Reading the timestamps of users' files without guessing (docs/DATA.md, "Dates").

Two kinds of values:

- *self-describing*: ISO 8601 (`2025-03-03 09:00`, `2025-03-03T09:00:00.5+01:00`, `...Z`,
  a bare day `2025-03-03`) and the Twitter API's `Mon Mar 03 09:00:00 +0000 2025`, read as
  they are (without an offset: in the --tz time zone);
- *numeric day/month* (`01/02/2017 09:22`, `1.2.17`, `13-01-2017 9:22 PM`). Whether the first
  field is the day or the month is decided ONCE per file, over all its timestamp columns: a
  first field above 12 anywhere makes the file day-first, a second field above 12
  month-first. When no value settles it, every value whose day and month differ is
  ambiguous and rejected with that reason (never read one way or the other); a file with
  both kinds mixes orders, and its values are rejected too. Two-digit years are 20yy, and
  the summary says so.

`--date-format` (a strftime format) replaces all of this: it is applied to every timestamp
column of the file, and a value it does not read is rejected.

Every value read must then be plausible: not before 2000-01-01, not more than a day after the
import (FUTURE_SLACK). The summary states how each file's dates were read, e.g.
"dates read as %m/%d/%y %H:%M (month first; two-digit years as 20yy)".
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from dashboard.core import schema
from dashboard.ingest.model import ERROR, FILE, Options

UTC_US = pl.Datetime("us", "UTC")
# Customer-service logs before 2000 do not exist in any system we import from; such a
# date is a misread (`1/2/17` taken as the year 17) or a placeholder (0001-01-01).
# Messages stamped more than a day after the import are clock or parsing errors.
PLAUSIBLE_FROM = dt.datetime.combine(schema.PLAUSIBLE_FROM, dt.time(), dt.UTC)
FUTURE_SLACK = schema.FUTURE_SLACK

ISO = "ISO 8601"
TWITTER = "%a %b %d %H:%M:%S %z %Y"
# Self-describing formats: with an offset (a trailing Z / " UTC" / " GMT" is rewritten to
# +0000 first) ...
_AWARE = (
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M%z",
    TWITTER,
)
# ... and without one (read in --tz). "%Y-%m-%d" alone carries no time of day.
_NAIVE = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)
DAY_ONLY = "%Y-%m-%d"
# a numeric day/month date, optionally with a time (seconds, fraction, AM/PM)
NUMERIC = (
    r"^(?<a>\d{1,2})(?<sep>[/.-])(?<b>\d{1,2})[/.-](?<y>\d{4}|\d{2})"
    r"(?:(?:[ T]|, ?)(?<H>\d{1,2}):(?<M>\d{2})(?::(?<S>\d{2})(?:[.,](?<f>\d{1,6}))?)?"
    r"(?:\s*(?<p>[AaPp])\.?[Mm]\.?)?)?$"
)
# a cheap first test: only values starting like a numeric date go through NUMERIC
_NUMERIC_START = r"^\d{1,2}[/.-]\d"
_TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%T", "%R", "%X", "%c", "%k", "%l")

NOT_A_TIMESTAMP = "not a timestamp"
AMBIGUOUS = "ambiguous date: day/month or month/day (give --date-format)"
MIXED = "the file mixes day-first and month-first dates (give --date-format)"
TOO_EARLY = f"before {PLAUSIBLE_FROM:%Y-%m-%d} (implausible date)"
FUTURE = "in the future"


def chrono_format(fmt: str) -> str:
    """A Python strftime format as Polars (chrono) parses it: `.%f` is a fraction there."""
    return fmt.replace(".%f", "%.f")


def check_format(fmt: str) -> str | None:
    """Why `fmt` cannot be a --date-format, or None when it can."""
    if not any(d in fmt for d in ("%Y", "%y", "%G")):
        return "it has no year (%Y or %y)"
    if not any(d in fmt for d in ("%m", "%b", "%B", "%h", "%j")):
        return "it has no month (%m or %b)"
    if not any(d in fmt for d in ("%d", "%e", "%j")):
        return "it has no day (%d)"
    sample = dt.datetime(2017, 2, 1, 9, 22, 33, tzinfo=dt.UTC)
    try:
        text = sample.strftime(fmt)
    except ValueError as exc:
        return str(exc)
    aware = "%z" in fmt
    dtype = UTC_US if aware else pl.Datetime("us")
    back = pl.Series([text]).str.strptime(dtype, chrono_format(fmt), strict=False)[0]
    if back is None:
        return f"it cannot read back its own output {text!r}"
    return None


def _clean(values: pl.Series) -> pl.Series:
    """Text, stripped; blank values are null."""
    text = values.cast(pl.String).str.strip_chars()
    return text.set(text == "", None)


@dataclass
class FileReading:
    """One file's reading when it is read in batches (dashboard/ingest/pipeline.py): the
    day/month decision, taken before the first batch over the numeric values of the
    whole file (`decide`, a pre-pass over its timestamp columns only), and what the
    summary line needs, added up batch by batch (`note` at the end of the file)."""

    numeric: pl.Series  # the file's numeric day/month values (ISO files: none)
    any_value: bool  # the file has a timestamp at all
    day_first: bool | None = None
    mixed: bool = False
    used: Counter[str] = field(default_factory=Counter)
    rejected: int = 0  # values rejected as ambiguous or of mixed order

    def note(self, date_format: str | None) -> str | None:
        if not self.any_value:
            return None
        if date_format:
            return f"dates read as {date_format} (--date-format)"
        return _describe(self.numeric, self.day_first, self.mixed, self.used, self.rejected)


def numeric_values(values: pl.Series) -> tuple[pl.Series, bool]:
    """One batch's numeric day/month values (for `decide`), and whether it has any
    timestamp at all."""
    values = _clean(values).drop_nulls()
    return values.filter(values.str.contains(_NUMERIC_START).fill_null(False)), values.len() > 0


def decide(numeric: list[pl.Series], any_value: bool) -> FileReading:
    """A file's day/month decision over the numeric values of all its batches."""
    kept = pl.concat(numeric) if numeric else pl.Series([], dtype=pl.String)
    day_first, mixed = _order(kept)
    return FileReading(kept, any_value, day_first, mixed)


def read(
    df: pl.DataFrame,
    columns: dict[str, str],
    opts: Options,
    has_time: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    reading: FileReading | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """Parse the text columns `columns` (source name -> output name) of `df` to UTC
    timestamps, one reading per file (the `_file` column; one file without it).

    A value that cannot be read, or is implausible, gets its reason in `_error` (naming the
    source column) and a null output. `has_time` (source -> output name) adds a boolean
    column: false where the value gives only a day. `labels` names a source column in
    the reasons when the frame holds it under another name (a working copy). Returns the
    frame and one summary line per file ("dates read as ...").

    With `reading` the frame is one batch of one file: the file's decision is taken
    from it, its counts are added to it, and no line is returned (FileReading.note).
    """
    files = df[FILE] if FILE in df.columns else pl.Series(FILE, [""] * df.height, pl.String)
    names = [n for n in files.unique(maintain_order=True).to_list() if n is not None]
    now = opts.now or dt.datetime.now(dt.UTC)
    out: dict[str, pl.Series] = {}
    notes: list[str] = []
    for name in names:
        index = None if len(names) == 1 else (files == name).arg_true()
        values = {
            src: _clean(df[src] if index is None else df[src].gather(index)) for src in columns
        }
        results, note = _read_file(values, opts.tz, opts.date_format, now, reading)
        for src, result in results.items():
            if index is None:
                out[src] = result
            else:  # scatter each field (Polars does not scatter structs)
                whole = out.get(src, _empty(df.height)).struct.unnest()
                part = result.struct.unnest()
                out[src] = pl.struct(
                    [whole[c].scatter(index, part[c]) for c in whole.columns], eager=True
                )
        if note:
            notes.append(note if len(names) == 1 else f"{name}: {note}")
    for src, dst in columns.items():
        name = (labels or {}).get(src, src)
        parsed = out.get(src, _empty(df.height)).struct.unnest()
        df = df.with_columns(parsed["ts"].alias(dst), parsed["problem"].alias("__problem"))
        if has_time and src in has_time:
            df = df.with_columns(parsed["has_time"].alias(has_time[src]))
        df = df.with_columns(
            pl.when(pl.col(ERROR).is_null() & pl.col("__problem").is_not_null())
            .then(pl.concat_str(pl.lit(f"column '{name}': "), pl.col("__problem")))
            .otherwise(pl.col(ERROR))
            .alias(ERROR)
        ).drop("__problem")
    return df, notes


_RESULT = pl.Struct({"ts": UTC_US, "problem": pl.String, "has_time": pl.Boolean})


def _empty(n: int) -> pl.Series:
    return pl.struct(
        _nulls(n, UTC_US).alias("ts"),
        _nulls(n, pl.String).alias("problem"),
        _nulls(n, pl.Boolean).alias("has_time"),
        eager=True,
    ).alias("r")


def _nulls(n: int, dtype: pl.DataType) -> pl.Series:
    return pl.repeat(None, n, dtype=dtype, eager=True)


def _read_file(
    values: dict[str, pl.Series],
    tz: str,
    date_format: str | None,
    now: dt.datetime,
    reading: FileReading | None = None,
) -> tuple[dict[str, pl.Series], str | None]:
    """One file's timestamp columns -> per column a struct (ts, problem, has_time)
    (with `reading`: one batch of the file)."""
    every = pl.concat(list(values.values())).drop_nulls()
    if every.len() == 0:
        return {src: _empty(len(v)) for src, v in values.items()}, None
    note = None
    if date_format:
        results = {src: _explicit(v, date_format, tz) for src, v in values.items()}
        if reading is None:
            note = f"dates read as {date_format} (--date-format)"
    else:
        if reading is None:
            day_first, mixed = _order(every)
            used: Counter[str] = Counter()
        else:  # the whole file's decision (decide)
            day_first, mixed, used = reading.day_first, reading.mixed, reading.used
        results = {src: _detected(v, day_first, mixed, tz, used) for src, v in values.items()}
        rejected = sum(
            int(r.struct.field("problem").is_in([AMBIGUOUS, MIXED]).sum()) for r in results.values()
        )
        if reading is None:
            note = _describe(every, day_first, mixed, used, rejected)
        else:
            reading.rejected += rejected
    return {src: _plausible(r, now) for src, r in results.items()}, note


def _groups(values: pl.Series) -> pl.DataFrame:
    """The fields of the numeric day/month values among `values` (and `v`, the value)."""
    numeric = values.filter(values.str.contains(_NUMERIC_START).fill_null(False))
    frame = numeric.str.extract_groups(NUMERIC).struct.unnest().with_columns(v=numeric)
    return frame.drop_nulls("a")


def _order(values: pl.Series) -> tuple[bool | None, bool]:
    """(day first?, mixed orders?) over all numeric day/month values of a file."""
    groups = _groups(values)
    a, b = groups["a"].cast(pl.Int32), groups["b"].cast(pl.Int32)
    day = bool(((a > 12) & (b <= 12)).any())
    month = bool(((b > 12) & (a <= 12)).any())
    if day and month:
        return None, True
    return (True if day else False if month else None), False


def _result(ts: pl.Series, problem: pl.Series, has_time: pl.Series) -> pl.Series:
    return pl.struct(
        ts.cast(UTC_US).alias("ts"),
        problem.cast(pl.String).alias("problem"),
        has_time.cast(pl.Boolean).alias("has_time"),
        eager=True,
    ).alias("r")


def _explicit(values: pl.Series, fmt: str, tz: str) -> pl.Series:
    aware = "%z" in fmt
    parsed, gaps = _strptime_gaps(values, chrono_format(fmt), aware, tz)
    failed = values.is_not_null() & parsed.is_null() & gaps.is_null()
    problem = gaps.set(failed, f"{NOT_A_TIMESTAMP} in --date-format {fmt}")
    timed = any(d in fmt for d in _TIME_DIRECTIVES)
    has_time = pl.repeat(timed, len(values), dtype=pl.Boolean, eager=True)
    return _result(parsed, problem, has_time.set(values.is_null(), None))


def _detected(
    values: pl.Series, day_first: bool | None, mixed: bool, tz: str, used: Counter[str]
) -> pl.Series:
    """Numeric day/month values by the file's order, the rest by the self-describing
    formats; `used` counts which reading each value got (for the summary)."""
    n = len(values)
    maybe = values.str.contains(_NUMERIC_START).fill_null(False)
    if not maybe.any():  # ISO / Twitter files: one pass, nothing to scatter
        ts, has_time, problem = _self_describing(values, tz, used)
        failed = values.is_not_null() & ts.is_null() & problem.is_null()
        return _result(ts, problem.set(failed, NOT_A_TIMESTAMP), has_time)
    frame = values.str.extract_groups(NUMERIC).struct.unnest().with_columns(v=values)
    numeric = frame["a"].is_not_null()
    ts = _nulls(n, UTC_US)
    problem = _nulls(n, pl.String)
    has_time = _nulls(n, pl.Boolean)
    if numeric.any():
        idx = numeric.arg_true()
        n_ts, n_problem = _numeric(frame[idx], day_first, mixed, tz)
        ts, problem = ts.scatter(idx, n_ts), problem.scatter(idx, n_problem)
        has_time = has_time.scatter(idx, frame["H"].gather(idx).is_not_null())
        used["numeric"] += int(n_ts.is_not_null().sum())
    rest = values.is_not_null() & ~numeric
    if rest.any():
        idx = rest.arg_true()
        s_ts, s_time, s_problem = _self_describing(values.gather(idx), tz, used)
        ts, has_time = ts.scatter(idx, s_ts), has_time.scatter(idx, s_time)
        problem = problem.scatter(idx, s_problem)
    problem = problem.set(values.is_not_null() & ts.is_null() & problem.is_null(), NOT_A_TIMESTAMP)
    return _result(ts, problem, has_time)


def _numeric(
    frame: pl.DataFrame, day_first: bool | None, mixed: bool, tz: str
) -> tuple[pl.Series, pl.Series]:
    """Numeric day/month values -> (UTC timestamps, problems)."""
    a, b = pl.col("a").cast(pl.Int32), pl.col("b").cast(pl.Int32)
    same = a == b  # 05/05/2017 reads the same either way
    if day_first is None:
        day, month = a, b  # only used where same
        problem = pl.when(~same).then(pl.lit(MIXED if mixed else AMBIGUOUS))
    else:
        day, month = (a, b) if day_first else (b, a)
        problem = pl.lit(None, pl.String)
    hour = pl.col("H").cast(pl.Int32).fill_null(0)
    pm = pl.col("p").str.to_lowercase()
    hour = (
        pl.when(pm.is_null())
        .then(hour)
        .when((hour < 1) | (hour > 12))
        .then(pl.lit(99))  # "13:00 PM": not a time
        .otherwise(hour % 12 + pl.when(pm == "p").then(12).otherwise(0))
    )
    year = pl.when(pl.col("y").str.len_chars() == 2).then(pl.lit("20") + pl.col("y"))
    iso = pl.format(
        "{}-{}-{} {}:{}:{}.{}",
        year.otherwise(pl.col("y")),
        month.cast(pl.String).str.zfill(2),
        day.cast(pl.String).str.zfill(2),
        hour.cast(pl.String).str.zfill(2),
        pl.col("M").fill_null("00"),
        pl.col("S").fill_null("00"),
        pl.col("f").fill_null("0"),
    )
    out = frame.select(iso.alias("iso"), problem.alias("problem"))
    parsed, gaps = _strptime_gaps(out["iso"], "%Y-%m-%d %H:%M:%S%.f", False, tz)
    parsed = parsed.set(out["problem"].is_not_null(), None)
    problem = out["problem"].set(out["problem"].is_null() & gaps.is_not_null(), None)
    return parsed, pl.select(pl.coalesce(problem, gaps)).to_series()


def _self_describing(
    values: pl.Series, tz: str, used: Counter[str]
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """ISO 8601 / Twitter values -> (UTC timestamps, has a time of day, problems: a local
    time that does not exist in `tz`). The formats that fit a sample of the data are tried
    first: one pass over the column for a uniform file."""
    text = values.str.replace(r"(?i)(Z| UTC| GMT)$", "+00:00").str.replace(
        r"([+-]\d\d):(\d\d)$", "$1$2"
    )
    formats = [(f, True) for f in _AWARE] + [(f, False) for f in _NAIVE]
    sample = text.head(1000)
    formats.sort(key=lambda f: -_strptime(sample, f[0], f[1], tz).is_not_null().sum())
    out = _nulls(len(values), UTC_US)
    timed = _nulls(len(values), pl.Boolean)
    problem = _nulls(len(values), pl.String)
    todo = text.is_not_null()
    for fmt, aware in formats:
        index = todo.arg_true()
        if index.len() == 0:
            break
        parsed, gaps = _strptime_gaps(text.gather(index), fmt, aware, tz)
        gap = gaps.is_not_null()
        if gap.any():  # read by this format, but the local time does not exist
            missing = index.filter(gap)
            problem = problem.scatter(missing, gaps.filter(gap))
            todo = todo.scatter(missing, False)
        ok = parsed.is_not_null()
        if ok.any():
            hit = index.filter(ok)
            out = out.scatter(hit, parsed.filter(ok))
            timed = timed.scatter(hit, fmt != DAY_ONLY)
            todo = todo.scatter(hit, False)
            used[TWITTER if fmt == TWITTER else ISO] += hit.len()
    return out, timed, problem


def _strptime(text: pl.Series, fmt: str, aware: bool, tz: str) -> pl.Series:
    return _strptime_gaps(text, fmt, aware, tz)[0]


def _strptime_gaps(text: pl.Series, fmt: str, aware: bool, tz: str) -> tuple[pl.Series, pl.Series]:
    """(UTC timestamps, why a value is not one: a local time `fmt` reads that does not
    exist in `tz`). A local time that occurs twice (the clocks go back) is read as the
    earlier instant, the first pass (docs/DATA.md, "Dates")."""
    if aware:
        return text.str.strptime(UTC_US, fmt, strict=False), _nulls(len(text), pl.String)
    local = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
    return to_utc(local, tz)


def to_utc(local: pl.Series, tz: str) -> tuple[pl.Series, pl.Series]:
    """Naive local times in `tz` -> (UTC timestamps, the reason where one does not exist)."""
    ts = local.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    ts = ts.dt.convert_time_zone("UTC")
    problems = _nulls(len(local), pl.String)
    missing = local.is_not_null() & ts.is_null()
    if missing.any():
        index = missing.arg_true()
        zone = zoneinfo.ZoneInfo(tz)
        reasons = [_gap(value, zone, tz) for value in local.gather(index).to_list()]
        problems = problems.scatter(index, pl.Series(reasons, dtype=pl.String))
    return ts, problems


@functools.cache
def _skip(day: dt.date, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime] | None:
    """The clock change that skips local times on `day` in `zone`: (last local time
    before it, the first after), e.g. 02:00 -> 03:00; None when there is none."""
    start = dt.datetime.combine(day, dt.time(), dt.UTC) - dt.timedelta(days=1)
    offset = start.astimezone(zone).utcoffset()
    for hour in range(72):  # the day in any offset lies within these hours
        at = start + dt.timedelta(hours=hour + 1)
        now = at.astimezone(zone).utcoffset()
        if offset is not None and now is not None and now > offset:
            lo, hi = at - dt.timedelta(hours=1), at  # the change is in (lo, hi]: bisect
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (lo, mid) if mid.astimezone(zone).utcoffset() == now else (mid, hi)
            before = (hi + offset).replace(tzinfo=None)
            if before.date() == day:
                return before, (hi + now).replace(tzinfo=None)
        offset = now
    return None


def _gap(value: dt.datetime, zone: zoneinfo.ZoneInfo, tz: str) -> str:
    skip = _skip(value.date(), zone)
    if skip is None:
        return NOT_A_TIMESTAMP
    before, after = skip
    return (
        f"does not exist in {tz}: the clocks skip from {before:%H:%M} to {after:%H:%M} "
        f"on {before:%Y-%m-%d}"
    )


def _plausible(result: pl.Series, now: dt.datetime) -> pl.Series:
    """Values before 2000-01-01 or more than FUTURE_SLACK after `now` are rejected."""
    parts = result.struct.unnest()
    ts, problem = parts["ts"], parts["problem"]
    early = ts < PLAUSIBLE_FROM
    late = ts > now + FUTURE_SLACK
    problem = problem.set(early.fill_null(False), TOO_EARLY).set(late.fill_null(False), FUTURE)
    ts = ts.set((early | late).fill_null(False), None)
    return _result(ts, problem, parts["has_time"])


def _describe(
    values: pl.Series,
    day_first: bool | None,
    mixed: bool,
    used: Counter[str],
    rejected: int,
) -> str:
    """The summary line: how this file's dates were read (`rejected`: values rejected
    as ambiguous or of mixed order)."""
    groups = _groups(values)
    kinds = [k for k in (ISO, TWITTER) if used[k]]
    if groups.height:
        shape = _numeric_shape(groups)
        if mixed:
            return (
                f"dates mix day-first (e.g. 13/01/2017) and month-first (e.g. 01/13/2017) "
                f"values: {rejected:,} rejected; give --date-format"
            )
        if day_first is None and rejected:
            differ = groups.filter(pl.col("a") != pl.col("b"))
            example = differ["v"][0] if differ.height else groups["v"][0]
            day = shape.replace("%1", "%d").replace("%2", "%m")
            month = shape.replace("%1", "%m").replace("%2", "%d")
            return (
                f"dates like {example!r} have no day above 12 to tell day from month: "
                f"{rejected:,} ambiguous dates rejected; give --date-format '{day}' "
                f"(day first) or '{month}' (month first)"
            )
        order = {True: ("%d", "%m", "day first"), False: ("%m", "%d", "month first")}
        first, second, label = order.get(day_first, ("%d", "%m", "day and month equal"))
        numeric = shape.replace("%1", first).replace("%2", second)
        if (groups["y"].str.len_chars() == 2).any():
            label += "; two-digit years as 20yy"
        kinds.append(f"{numeric} ({label})")
    return "dates read as " + " and ".join(kinds) if kinds else ""


def _numeric_shape(groups: pl.DataFrame) -> str:
    """The most common numeric layout, with %1 / %2 for the first and second fields."""
    sep = groups["sep"].mode().sort()[0]
    year = "%y" if (groups["y"].str.len_chars() == 2).mean() > 0.5 else "%Y"
    time = (
        groups.select(
            pl.when(pl.col("H").is_null())
            .then(pl.lit(""))
            .otherwise(
                pl.concat_str(
                    pl.when(pl.col("p").is_not_null()).then(pl.lit(" %I")).otherwise(pl.lit(" %H")),
                    pl.lit(":%M"),
                    pl.when(pl.col("S").is_not_null()).then(pl.lit(":%S")).otherwise(pl.lit("")),
                    pl.when(pl.col("f").is_not_null()).then(pl.lit(".%f")).otherwise(pl.lit("")),
                    pl.when(pl.col("p").is_not_null()).then(pl.lit(" %p")).otherwise(pl.lit("")),
                )
            )
        )
        .to_series()
        .mode()
        .sort()[0]
    )
    return f"%1{sep}%2{sep}{year}{time}"
