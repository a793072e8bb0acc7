"""Row-level validation against the data contract (docs/DATA.md), vectorised in Polars.

Every check writes the first problem of a record into its `_error` column as
"column 'X': problem"; records with an error are rejected (with their source row)
and everything else is coerced to the contract's types. `agent_id` is kept as given
(only trimmed: it is the brand's own staff, never pseudonymised) and allowed on
outbound messages only.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.core.schema import AUDIENCE, CHANNELS, DIRECTIONS, INTERACTIONS
from dashboard.ingest import dates
from dashboard.ingest.model import ERROR, SRC, Options

_TRUE = ("true", "t", "yes", "y", "1", "1.0")
_FALSE = ("false", "f", "no", "n", "0", "0.0")
UTC_US = dates.UTC_US


def reason(column: str, problem: str) -> str:
    return f"column '{column}': {problem}"


def flag(df: pl.DataFrame, condition: pl.Expr, why: str | pl.Expr) -> pl.DataFrame:
    """Set `_error` to `why` where `condition` holds and no earlier problem was found."""
    return df.with_columns(
        pl.when(pl.col(ERROR).is_null() & condition.fill_null(False))
        .then(pl.lit(why) if isinstance(why, str) else why)
        .otherwise(pl.col(ERROR))
        .alias(ERROR)
    )


def ensure_error_column(df: pl.DataFrame) -> pl.DataFrame:
    if ERROR not in df.columns:
        return df.with_columns(pl.lit(None, pl.String).alias(ERROR))
    return df


def text(df: pl.DataFrame, col: str, strip: bool = True) -> pl.DataFrame:
    """A string column; blank values become null."""
    expr = pl.col(col).cast(pl.String)
    if strip:
        expr = expr.str.strip_chars()
    return df.with_columns(
        pl.when(expr.str.strip_chars() == "").then(None).otherwise(expr).alias(col)
    )


# The range of every numeric column of the contract (docs/DATA.md, "Ranges"). Counts
# stop at 10^12: the largest accounts have under 10^9 followers and the most-seen posts
# under 10^11 impressions, so a larger count is a misread (1e30, 99999999999999999999,
# a 2^64-1 "unknown" sentinel, two numbers run together), never a real figure. A value
# outside its range is rejected with the reason, like a negative one: never stored as
# null. Integer columns accept a whole number written as 7, ' 7 ', 7.0 or 7e0.
MAX_COUNT = 10**12
RANGES: dict[str, tuple[float, float]] = {
    "author_followers": (0, MAX_COUNT),
    "sentiment": (-1, 1),
    "csat": (1, 5),
    "nps": (0, 10),
    **{
        c: (0, MAX_COUNT)
        for c in ("followers", "posts", "likes", "comments", "shares", "reach", "impressions")
    },
}


def _bound(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def number(
    df: pl.DataFrame,
    col: str,
    dtype: pl.DataType,
    lo: float | None = None,
    hi: float | None = None,
    whole: bool = True,
) -> pl.DataFrame:
    """A numeric column: '3', ' 3 ', '3.0' and 3.0 all read as 3; text ('1,5'), NaN,
    infinity, fractions (when whole numbers are wanted) and values outside lo..hi
    (compared before any conversion, so 1e30 is 'above', never an overflow to null)
    are errors."""
    source = df.schema[col]
    if source == pl.Boolean or not (source == pl.String or source.is_numeric()):
        df = flag(df, pl.col(col).is_not_null(), reason(col, "not a number"))
        return df.with_columns(pl.lit(None, dtype).alias(col))
    raw = pl.col(col)
    if source == pl.String:
        raw = pl.when(raw.str.strip_chars() != "").then(raw.str.strip_chars())
    as_float = raw.cast(pl.Float64, strict=False)
    finite = as_float.is_finite().fill_null(False)
    df = flag(df, raw.is_not_null() & ~finite, reason(col, "not a number"))
    if whole and not source.is_integer():
        df = flag(df, finite & (as_float != as_float.round(0)), reason(col, "not a whole number"))
    if lo is not None:
        below = "negative" if lo == 0 else f"below {_bound(lo)}"
        df = flag(df, finite & (as_float < lo), reason(col, below))
    if hi is not None:
        df = flag(df, finite & (as_float > hi), reason(col, f"above {_bound(hi)}"))
    ok = pl.col(ERROR).is_null()
    if source.is_integer():
        value = pl.col(col).cast(pl.Int64, strict=False)
    elif whole:
        # the exact integer when the text is one (no float rounding), else the float's
        exact = raw.cast(pl.Int64, strict=False) if source == pl.String else None
        as_int = pl.when(finite).then(as_float).cast(pl.Int64, strict=False)
        value = pl.coalesce(exact, as_int) if exact is not None else as_int
    else:
        value = pl.when(finite).then(as_float)
    return df.with_columns(pl.when(ok).then(value).cast(dtype, strict=False).alias(col))


def checked(df: pl.DataFrame, col: str, dtype: pl.DataType, whole: bool = True) -> pl.DataFrame:
    """`number` with the contract's range for `col` (RANGES)."""
    lo, hi = RANGES[col]
    return number(df, col, dtype, lo=lo, hi=hi, whole=whole)


def boolean(df: pl.DataFrame, col: str) -> pl.DataFrame:
    source = df.schema[col]
    if source == pl.Boolean:
        return df
    raw = pl.col(col).cast(pl.String).str.strip_chars().str.to_lowercase()
    value = pl.when(raw.is_in(_TRUE)).then(True).when(raw.is_in(_FALSE)).then(False)
    df = flag(
        df,
        (raw != "") & raw.is_not_null() & ~raw.is_in(_TRUE + _FALSE),
        reason(col, "not true/false"),
    )
    return df.with_columns(value.otherwise(None).cast(pl.Boolean).alias(col))


def timestamp(df: pl.DataFrame, col: str, tz: str, now: dt.datetime | None = None) -> pl.DataFrame:
    """A UTC timestamp column; text is read as dashboard/ingest/dates.py reads a file
    (one reading for the column), typed values without a zone are in `tz`. Dates before
    2000 or more than a day after `now` are errors."""
    source = df.schema[col]
    if source == pl.String:
        df, _ = dates.read(df, {col: col}, Options(tz=tz, now=now))
    elif isinstance(source, pl.Datetime) and source.time_zone is None:
        # a typed local time (Parquet without a zone) in `tz`; one that does not exist
        # there (the clocks skip it) is rejected with that reason
        ts, gaps = dates.to_utc(df[col].cast(pl.Datetime("us")), tz)
        df = df.with_columns(ts.alias(col), gaps.alias("__gap"))
        df = flag(
            df, pl.col("__gap").is_not_null(), pl.concat_str(pl.lit(f"column '{col}': "), "__gap")
        )
        df = df.drop("__gap")
    elif isinstance(source, pl.Datetime):
        col_expr = pl.col(col).cast(pl.Datetime("us", source.time_zone))
        df = df.with_columns(col_expr.dt.convert_time_zone("UTC").alias(col))
    elif source == pl.Date:
        df = df.with_columns(
            pl.col(col)
            .cast(pl.Datetime("us"))
            .dt.replace_time_zone(tz)
            .dt.convert_time_zone("UTC")
            .alias(col)
        )
    else:
        df = flag(df, pl.col(col).is_not_null(), reason(col, dates.NOT_A_TIMESTAMP))
        df = df.with_columns(pl.lit(None, UTC_US).alias(col))
    limit = (now or dt.datetime.now(dt.UTC)) + dates.FUTURE_SLACK
    df = flag(df, pl.col(col) < dates.PLAUSIBLE_FROM, reason(col, dates.TOO_EARLY))
    return flag(df, pl.col(col) > limit, reason(col, dates.FUTURE))


def date(df: pl.DataFrame, col: str, tz: str, now: dt.datetime | None = None) -> pl.DataFrame:
    if df.schema[col] == pl.Date:
        return df
    df = timestamp(df, col, tz, now)
    return df.with_columns(pl.col(col).dt.date())


def allowed(df: pl.DataFrame, col: str, values: tuple[str, ...]) -> pl.DataFrame:
    df = text(df, col).with_columns(pl.col(col).str.to_lowercase())
    return flag(
        df,
        pl.col(col).is_not_null() & ~pl.col(col).is_in(values),
        reason(col, f"unknown value (allowed: {', '.join(values)})"),
    )


def required(df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    for col in columns:
        df = flag(df, pl.col(col).is_null(), reason(col, "missing value"))
    return df


def _add_missing(df: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    absent = [pl.lit(None, pl.String).alias(n) for n in names if n not in df.columns]
    return df.with_columns(absent) if absent else df


def agent_only_outbound(df: pl.DataFrame) -> pl.DataFrame:
    """An agent writes for the brand: `agent_id` on an inbound (the customer's) or peer
    (another customer's) message is an error, never silently dropped."""
    for direction in DIRECTIONS:
        if direction == "outbound":
            continue
        df = flag(
            df,
            pl.col("agent_id").is_not_null() & (pl.col("direction") == direction),
            reason(
                "agent_id",
                f"set on a message with direction {direction}: only outbound messages "
                "(the brand's replies) have an agent",
            ),
        )
    return df


def interactions(df: pl.DataFrame, tz: str, now: dt.datetime | None = None) -> pl.DataFrame:
    """Check and coerce interaction records; returns contract columns + `_src`, `_error`."""
    df = ensure_error_column(_add_missing(df, INTERACTIONS.names))
    for col in (
        "interaction_id",
        "conversation_id",
        "brand",
        "author_id",
        "in_reply_to",
        "agent_id",
    ):
        df = text(df, col)
    df = text(df, "text", strip=False)
    df = allowed(df, "channel", CHANNELS)
    df = allowed(df, "direction", DIRECTIONS)
    df = agent_only_outbound(df)
    df = checked(df, "author_followers", pl.Int64)
    df = timestamp(df, "created_at", tz, now)
    df = checked(df, "sentiment", pl.Float64, whole=False)
    df = checked(df, "csat", pl.Int8)
    df = checked(df, "nps", pl.Int8)
    df = boolean(df, "resolved")
    df = boolean(df, "time_known")
    df = required(df, [f.name for f in INTERACTIONS if not f.nullable])
    return df.select([*INTERACTIONS.names, SRC, ERROR])


def audience(df: pl.DataFrame, tz: str, now: dt.datetime | None = None) -> pl.DataFrame:
    """Check and coerce audience records (one per post or per day)."""
    df = ensure_error_column(_add_missing(df, AUDIENCE.names))
    df = text(df, "brand")
    df = allowed(df, "channel", CHANNELS)
    df = date(df, "date", tz, now)
    for col in ("followers", "posts", "likes", "comments", "shares", "reach", "impressions"):
        df = checked(df, col, pl.Int64)
    df = required(df, [f.name for f in AUDIENCE if not f.nullable])
    return df.select([*AUDIENCE.names, SRC, ERROR])


def content_columns(df: pl.DataFrame, content: tuple[str, ...]) -> list[str]:
    """The columns two records with one key are compared on (default: all)."""
    return list(content) or [c for c in df.columns if c not in (SRC, ERROR) and c[:2] != "__"]


def conflict(key: tuple[str, ...] | list[str]) -> str:
    """The reason of a record whose key an earlier one had, with other content."""
    return reason(
        key[0] if len(key) == 1 else "/".join(key),
        "same id as an earlier row but different content",
    )


def mark_duplicates(
    df: pl.DataFrame, key: tuple[str, ...], content: tuple[str, ...]
) -> pl.DataFrame:
    """Among valid records sharing `key`, the first is kept; a later one with the same
    content becomes a skipped duplicate (`_dup` true), one with other content an error."""
    valid = pl.col(ERROR).is_null()
    content = tuple(content_columns(df, content))
    df = df.with_columns(
        pl.when(valid)
        .then(pl.int_range(pl.len()).over(pl.struct(*key), valid))
        .otherwise(None)
        .alias("__nth"),
        pl.struct(*content).hash().alias("__hash"),
    )
    df = df.with_columns(
        pl.col("__hash").first().over(pl.struct(*key), valid).alias("__first_hash")
    )
    later = pl.col("__nth") > 0
    df = flag(
        df,
        later & (pl.col("__hash") != pl.col("__first_hash")),
        conflict(key),
    )
    df = df.with_columns((later & pl.col(ERROR).is_null()).fill_null(False).alias("_dup"))
    return df.drop("__nth", "__hash", "__first_hash")
