"""The selection every page shares: date range, brands, channels, time zone.

Pure Python (no Streamlit), so views and reports use the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from dashboard.core.config import Config
from dashboard.core.vocabulary import COMPONENTS


@dataclass(frozen=True)
class Filters:
    date_from: dt.date
    date_to: dt.date
    brands: tuple[str, ...] = field(default=())
    channels: tuple[str, ...] = field(default=())
    tz: str = "UTC"

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> Filters:
        """The period of equal length that ends the day before this one starts."""
        prev_to = self.date_from - dt.timedelta(days=1)
        prev_from = prev_to - dt.timedelta(days=self.days - 1)
        return Filters(prev_from, prev_to, self.brands, self.channels, self.tz)

    def params(self) -> dict[str, Any]:
        """The bound query parameters of this selection."""
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "brands": list(self.brands),
            "channels": list(self.channels),
            "tz": self.tz,
        }


def query_params(filters: Filters, config: Config, **extra: Any) -> dict[str, Any]:
    """Selection + weights + anything view-specific, ready for sql.run. The weights are
    one struct, `$weights` {mood, speed, resolution, effort, satisfaction}, as the
    happiness_index and scored macros take them (queries/_macros.sql)."""
    weights = {name: float(config.weights[name]) for name in COMPONENTS}
    return {**filters.params(), "weights": weights, **extra}


# A selection without dates covers the last DEFAULT_DAYS days with data, on the pages
# and in `chi report` alike (so both show the same numbers).
DEFAULT_DAYS = 90


def default_period(first_day: dt.date, last_day: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a selection gets when it names none: the last DEFAULT_DAYS days with
    data (all of them when there are fewer)."""
    return max(first_day, last_day - dt.timedelta(days=DEFAULT_DAYS - 1)), last_day


def keep_known(values: list[str], known: list[str]) -> tuple[list[str], list[str]]:
    """Split user-supplied values (URL or CLI) into known ones and ignored ones."""
    kept = [v for v in values if v in known]
    ignored = [v for v in values if v not in known]
    return kept, ignored


# A link's period: explicit dates (`?from=2025-12-01&to=2025-12-31`) stay as written, so
# the link shows the same days tomorrow; a relative range says so (`?range=90d`: the
# last 90 days with data, which moves when new data arrives).
RANGE_PATTERN = re.compile(r"^([1-9][0-9]{0,3})d$")


@dataclass(frozen=True)
class LinkPeriod:
    date_from: dt.date
    date_to: dt.date
    relative_days: int | None  # None: explicit dates
    ignored_range: str | None = None  # a `range` value that is not N days

    @property
    def range_param(self) -> str | None:
        return None if self.relative_days is None else f"{self.relative_days}d"


def link_period(
    date_from: dt.date | None,
    date_to: dt.date | None,
    range_text: str | None,
    first_day: dt.date,
    last_day: dt.date,
) -> LinkPeriod:
    """The period a link asks for, from its valid `from`/`to` days (None: absent or
    ignored) and its `range`: explicit days win (a missing side takes the default's);
    else `range=Nd`, the last N days with data; else the default, the last
    DEFAULT_DAYS days with data (relative too: the link says `range=90d`)."""
    default_from, _ = default_period(first_day, last_day)
    if date_from is not None or date_to is not None:
        return LinkPeriod(date_from or default_from, date_to or last_day, None)
    found = RANGE_PATTERN.match(range_text or "")
    days = int(found.group(1)) if found else DEFAULT_DAYS
    start = max(first_day, last_day - dt.timedelta(days=days - 1))
    ignored = range_text if range_text is not None and not found else None
    return LinkPeriod(start, last_day, days, ignored)
