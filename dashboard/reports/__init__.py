"""`chi report VIEW`: one module per view (see dashboard/commands/report.py).

The report columns are a public interface: they keep their names when the internal
ones change. `public_names` maps a view frame's internal column names to them at this
boundary.
"""

from __future__ import annotations

import polars as pl

# internal column name -> its name in `chi report` (CSV and JSON)
PUBLIC_NAMES: dict[str, str] = {
    "happiness_index": "index",
    "happiness_index_ci_low": "index_ci_low",
    "happiness_index_ci_high": "index_ci_high",
}


def public_names(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with its columns under their public names."""
    return frame.rename({k: v for k, v in PUBLIC_NAMES.items() if k in frame.columns})
