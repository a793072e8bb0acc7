"""What a 'Download CSV' holds and what it is called: the frame a view shows, with
readable column names that carry their unit, numbers rounded as the page shows them,
formula-safe text (dashboard/data/csv_safe.py), and a file name that says the view, the
period, the filters and the data's as-of day.

    happiness_by_channel_2025-09-03_to_2025-12-01_brand-bluebird-bank_asof-2025-12-31.csv

Pure functions (no Streamlit): the pages' buttons (dashboard/ui/exports.py) and their
tests use the same ones.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from dashboard.core.filters import Filters
from dashboard.core.vocabulary import LABELS
from dashboard.data import csv_safe
from dashboard.views import happiness_lines

# The page shows indices, components, shares and changes to one decimal
# (dashboard/core/formatting.value): the file does the same.
PLACES = 1

# Readable names of the columns the views share, with their unit. Anything else is
# read from its name (`_s` seconds, `_pct` %, `_n` a count; see `readable_name`).
_NAMES: dict[str, str] = {
    "brand": "Brand",
    "channel": "Channel",
    "period_start": "Period start",
    "period": "Period",
    "day": "Day",
    "week": "Week",
    "month": "Month",
    "n": "n",
    "conversations": "n (conversations)",
    "below_min_n": "Under min n (not enough data)",
    "happiness_index": "Happiness index (0-100)",
    "index": "Happiness index (0-100)",
    "previous_index": "Previous happiness index (0-100)",
    "mood": "Mood (0-100)",
    "speed": "Speed (% within target)",
    "resolution": "Resolution (% resolved)",
    "effort": "Effort (% effortless)",
    "satisfaction": "Satisfaction (% rated 4-5)",
    "response_rate": "Answered (%)",
    "change": "Change (points)",
    "gap": "Gap (points)",
    "points_below_best": "Points below best channel (points)",
    "consistency": "Consistency (0-100)",
    "rank": "Rank",
    "agent_id": "Agent",
    "term": "Term",
    "count": "Messages (n)",
    "score": "Score (z)",
    "metric": "Metric",
    "value": "Value",
    "expected": "Expected",
}
_INTERVAL = re.compile(r"^(?P<name>.+)_ci_(?P<side>low|high)$")
_SLUG = re.compile(r"[^a-z0-9]+")


def readable_name(column: str) -> str:
    """'happiness_index_ci_low' -> 'Happiness index 95% CI low (0-100)'. A name that is
    no snake_case identifier ('Value 95% CI low', 'n counts') is already readable."""
    if " " in column or column != column.lower():
        return column
    interval = _INTERVAL.match(column)
    if interval:
        base = readable_name(interval["name"])
        label, _, unit = base.partition(" (")
        return f"{label} 95% CI {interval['side']}" + (f" ({unit}" if unit else "")
    if column in _NAMES:
        return _NAMES[column]
    if column in LABELS:
        return LABELS[column]
    for suffix, unit in (("_s", "s"), ("_pct", "%"), ("_n", "n")):
        if column.endswith(suffix) and len(column) > len(suffix):
            return f"{_words(column[: -len(suffix)])} ({unit})"
    return _words(column)


def _words(column: str) -> str:
    text = column.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def readable(frame: pl.DataFrame, names: Mapping[str, str] | None = None) -> pl.DataFrame:
    """`frame` with readable column names (`names` first, then `readable_name`); two
    columns that would read the same keep their own name in brackets."""
    chosen = {c: (names or {}).get(c) or readable_name(c) for c in frame.columns}
    seen: dict[str, int] = {}
    for name in chosen.values():
        seen[name] = seen.get(name, 0) + 1
    renamed = {c: n if seen[n] == 1 else f"{n} [{c}]" for c, n in chosen.items()}
    return frame.rename(renamed)


def table_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame a CSV can hold: nested columns (lists, structs: a sparkline) become
    JSON text, durations and times ISO text."""
    fixed = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List | pl.Array | pl.Struct):
            fixed.append(
                pl.col(name).map_elements(
                    lambda v: json.dumps(v.to_list() if hasattr(v, "to_list") else v),
                    return_dtype=pl.String,
                )
            )
        elif isinstance(dtype, pl.Duration | pl.Object):
            fixed.append(pl.col(name).cast(pl.String))
    return frame.with_columns(fixed) if fixed else frame


def csv_bytes(
    frame: pl.DataFrame,
    names: Mapping[str, str] | None = None,
    places: int | None | Mapping[str, int] = PLACES,
) -> bytes:
    """The CSV of `frame` as people download it: readable headers with units, floats
    rounded to `places` (a number, or decimals per column with PLACES for the others;
    whole numbers print without decimals), text cells formula-safe."""
    buffer = io.BytesIO()
    shown = table_frame(frame)
    if isinstance(places, Mapping):
        shown = shown.with_columns(
            pl.col(c).round(places.get(c, PLACES))
            for c, dtype in shown.schema.items()
            if dtype.is_float()
        )
        places = None
    csv_safe.write_csv(readable(shown, names), buffer, places=places)
    return buffer.getvalue()


_FORMAT_PLACES = re.compile(r"%[+\-# 0]*\d*\.(\d+)[fe]")


def format_places(fmt: str | None) -> int | None:
    """The decimals a table's printf format shows: '%.1f%%' -> 1, '%+.2f' -> 2,
    '%d' or 'localized' -> 0 for a whole number (None: no format)."""
    if not fmt:
        return None
    found = _FORMAT_PLACES.search(fmt)
    if found:
        return int(found.group(1))
    return 0 if fmt in ("%d", "localized", "%i") else None


def slug(text: object) -> str:
    """'Bluebird Bank' -> 'bluebird-bank' (file-name safe, lower case)."""
    return _SLUG.sub("-", str(text).lower()).strip("-") or "x"


def file_name(
    view: str,
    filters: Filters | None,
    as_of: dt.date | None,
    ext: str = "csv",
    extra: Mapping[str, Any] | None = None,
) -> str:
    """`<view>_<from>_to_<to>[_brand-..][_channel-..][_tz-..][_<key>-<value>]_asof-<day>.<ext>`:
    what the file holds, readable in a downloads folder. The time zone is named only
    when it is not UTC; `extra` adds view settings (grain, split)."""
    parts = [slug(view).replace("-", "_")]
    if filters is not None:
        parts.append(f"{filters.date_from:%Y-%m-%d}_to_{filters.date_to:%Y-%m-%d}")
        parts += [f"brand-{slug(b)}" for b in filters.brands]
        parts += [f"channel-{slug(c)}" for c in filters.channels]
        if filters.tz != "UTC":
            parts.append(f"tz-{slug(filters.tz)}")
    for key, value in (extra or {}).items():
        if value not in (None, ""):
            parts.append(f"{slug(key)}-{slug(value)}")
    if as_of is not None:
        parts.append(f"asof-{as_of:%Y-%m-%d}")
    return "_".join(parts) + f".{ext}"


def filters_line(filters: Filters | None, as_of: dt.date | None) -> tuple[str, ...]:
    """('3 Sep 2025 – 1 Dec 2025 (UTC)', 'Bluebird Bank · all channels · data as of
    31 Dec 2025'): the period and the filters an exported chart draws under its title,
    two short lines that fit a phone's width."""
    lines = []
    if filters is not None:
        lines.append(f"{filters.date_from:%-d %b %Y} – {filters.date_to:%-d %b %Y} ({filters.tz})")
    bits = []
    if filters is not None:
        bits.append(", ".join(filters.brands) if filters.brands else "all brands")
        bits.append(", ".join(filters.channels) if filters.channels else "all channels")
    if as_of is not None:
        bits.append(f"data as of {as_of:%-d %b %Y}")
    if bits:
        lines.append(" · ".join(bits))
    return tuple(lines)


# What an index chart or table shows of a frame of the model's figures (a trend, a
# group per line, a channel): the keys, n, the index and its components with their 95 %
# intervals. The model's sums and covariances stay out of the file.
KEYS = ("group", "brand", "channel", "follower_bucket", "agent_id", "period_start")
FIGURES = ("happiness_index", "mood", "speed", "resolution", "effort", "satisfaction")


def index_table(
    frame: pl.DataFrame, min_n: int, figures: tuple[str, ...] = FIGURES
) -> pl.DataFrame:
    """The shown columns of an index frame, a figure under `min_n` conversations left
    empty (the page says "not enough data" there, never a number), with its n kept."""
    # a key that is empty on every row (the overview's trend over all brands) says nothing
    keys = [k for k in KEYS if k in frame.columns and frame[k].null_count() < frame.height]
    present = [f for f in figures if f in frame.columns]
    thin = (
        pl.col("below_min_n") if "below_min_n" in frame.columns else pl.col("conversations") < min_n
    )
    columns: list[pl.Expr] = [pl.col(k) for k in keys]
    columns += [pl.col("conversations"), thin.alias("below_min_n")]
    for name in present:
        for column in (name, f"{name}_ci_low", f"{name}_ci_high"):
            if column in frame.columns:
                columns.append(pl.when(thin).then(None).otherwise(pl.col(column)).alias(column))
    # the peer median is not drawn in a period short of peer brands (no index): not a
    # row of what the page shows
    if "role" in frame.columns and "happiness_index" in frame.columns:
        frame = frame.filter(
            (pl.col("role") != happiness_lines.PEER_MEDIAN)
            | pl.col("happiness_index").is_not_null()
        )
    return frame.select(columns)


def with_unit(label: str, column: str, numeric: bool) -> str:
    """A table's label with the column's unit when the label names none: 'Index' ->
    'Index (0-100)', 'Answered' -> 'Answered (%)'. Text columns (durations written
    '1.5 min') keep their label: the unit is in each cell."""
    if not numeric or "(" in label or "%" in label:
        return label
    _, _, unit = readable_name(column).partition(" (")
    unit = unit.removesuffix(")")
    if unit.startswith("% "):  # 'Within target' needs no '(% within target)': '(%)'
        unit = "%"
    if not unit or unit.lower() in label.lower():  # 'Conversations' is its own unit
        return label
    return f"{label} ({unit})"
