"""CSV written for people (`chi report --format csv`, the rejects files of an import):
cells a spreadsheet would run as a formula are neutralised, the OWASP way.

A text cell that starts with = + - @, a tab or a carriage return gets a single quote in
front ('=HYPERLINK(...) shows as text in Excel, LibreOffice and Google Sheets). Only
text cells: a number column keeps its negative numbers as numbers. A text cell that
really starts with a minus (a change written "-1.5 pts", a rejected raw "-5") gets
the quote too. Column names are treated the same way (a rejects file repeats the
header of the imported file). JSON output stays raw (docs/DATA.md, "CSV for people").
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_PATTERN = "^[=+\\-@\\t\\r]"


def safe_cell(text: str) -> str:
    """One text cell as a spreadsheet shows it without running it."""
    return QUOTE + text if text.startswith(FORMULA_STARTS) else text


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell (String, Categorical or Enum) and every column name
    that starts like a formula prefixed by a single quote; other columns untouched."""
    texts = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]
    fixed = frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(_PATTERN))
        .then(pl.lit(QUOTE) + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in texts
    )
    renamed = {name: safe_cell(name) for name in fixed.columns if safe_cell(name) != name}
    return fixed.rename(renamed) if renamed else fixed


_UNSET = object()


def write_csv(
    frame: pl.DataFrame,
    target: str | Path | IO[str] | IO[bytes],
    places: int | None | object = _UNSET,
    **options,
) -> None:
    """`frame.write_csv(target, **options)` after `neutralise`: the one way CSV for
    people is written. With `places` (decimals, or None for every digit) fractional
    numbers are rounded and whole ones print without decimals (316731, not 316731.0);
    numbers stay unquoted, so a negative number is never taken for a formula."""
    safe = neutralise(frame)
    if places is not _UNSET:
        safe = safe.with_columns(
            _number_text(pl.col(name), places).alias(name)  # type: ignore[arg-type]
            for name, dtype in safe.schema.items()
            if dtype.is_float()
        )
    safe.write_csv(target, **options)


def _number_text(column: pl.Expr, places: int | None) -> pl.Expr:
    rounded = column if places is None else column.round(places)
    text = rounded.cast(pl.String).str.replace(r"\.0$", "")
    return pl.when(text == "-0").then(pl.lit("0")).otherwise(text)
