"""The axes of a chart drawn on the server (charts/first_paint.py): where a value of a
Plotly axis lands in pixels, and which ticks it gets. It reads the figure's own axis
settings (type, range, tickvals, dtick, autorange="reversed", rangemode) and, where the
figure leaves the range to Plotly, takes the data's extent as Plotly's autorange does
(with a little room around points, bars from zero)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

_EPOCH = dt.datetime(1970, 1, 1)
_DAY_MS = 86_400_000.0
# room around scattered points on an autoranged axis, as a share of the data's span
_PAD = 0.06
_TARGET_TICKS = 6


def as_number(value: Any, kind: str) -> float | None:
    """A value of an axis of `kind` as a number on its scale (dates: ms since the
    epoch; log: log10), None for a value the axis cannot place."""
    if value is None:
        return None
    if kind == "date":
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if isinstance(value, dt.datetime):
            value = value.replace(tzinfo=None)
        elif isinstance(value, dt.date):
            value = dt.datetime.combine(value, dt.time())
        else:
            return None
        return (value - _EPOCH).total_seconds() * 1000.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    if kind == "log":
        return math.log10(number) if number > 0 else None
    return number


def axis_kind(settings: Any, values: Sequence[Any]) -> str:
    """Plotly's axis type: the one set, else what the first value suggests."""
    kind = getattr(settings, "type", None)
    if kind in ("linear", "log", "date", "category"):
        return kind
    first = next((v for v in values if v is not None), None)
    if isinstance(first, (dt.date, dt.datetime)):
        return "date"
    if isinstance(first, str):
        try:
            dt.date.fromisoformat(first)
            return "date"
        except ValueError:
            return "category"
    return "linear"


@dataclass
class Axis:
    """One axis laid along pixels px0..px1 (y axes: px0 is the bottom)."""

    kind: str
    low: float
    high: float
    px0: float
    px1: float
    settings: Any = None
    categories: list[str] = field(default_factory=list)

    def place(self, value: Any) -> float | None:
        """The pixel of a value (a category's centre), None where it has none."""
        if self.kind == "category":
            key = str(value)
            if key not in self.categories:
                return None
            number: float | None = float(self.categories.index(key))
        else:
            number = as_number(value, self.kind)
        return None if number is None else self.at(number)

    def at(self, number: float) -> float:
        """The pixel of a number on the axis' own scale."""
        span = self.high - self.low or 1.0
        return self.px0 + (number - self.low) / span * (self.px1 - self.px0)

    def band(self) -> float:
        """Pixels per unit of the axis' scale (a category's width)."""
        return abs(self.px1 - self.px0) / (abs(self.high - self.low) or 1.0)

    def ticks(self) -> list[tuple[float, str]]:
        """(pixel, label) of each tick inside the axis."""
        settings = self.settings
        values = getattr(settings, "tickvals", None)
        texts = getattr(settings, "ticktext", None)
        if self.kind == "category":
            shown = list(texts or values or self.categories)
            places = list(values or self.categories)
            pairs = [(self.place(v), str(t)) for v, t in zip(places, shown, strict=False)]
        elif values is not None:
            texts = texts or [self._label(as_number(v, self.kind)) for v in values]
            pairs = [(self.place(v), str(t)) for v, t in zip(values, texts, strict=False)]
        else:
            pairs = [(self.at(n), self._label(n)) for n in self._auto_ticks()]
        low, high = sorted((self.px0, self.px1))
        return [(p, t) for p, t in pairs if p is not None and low - 0.5 <= p <= high + 0.5]

    def _auto_ticks(self) -> list[float]:
        low, high = sorted((self.low, self.high))
        if self.kind == "log":
            return [float(e) for e in range(math.ceil(low), math.floor(high) + 1)]
        if self.kind == "date":
            return _date_ticks(low, high, getattr(self.settings, "dtick", None))
        step = _nice_step((high - low) / _TARGET_TICKS)
        tick0 = getattr(self.settings, "dtick", None)
        if isinstance(tick0, (int, float)) and tick0 > 0:
            step = float(tick0)
        first = math.ceil(low / step - 1e-9) * step
        return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]

    def _label(self, number: float | None) -> str:
        if number is None:
            return ""
        if self.kind == "date":
            stamp = _EPOCH + dt.timedelta(milliseconds=number)
            return stamp.strftime(getattr(self.settings, "tickformat", None) or "%d %b")
        if self.kind == "log":
            number = 10.0**number
        if abs(number) >= 1000:
            return f"{number:,.0f}"
        return f"{number:g}"


def _nice_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten, the nearest at or above `rough`."""
    if rough <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough * 0.999)


def _date_ticks(low: float, high: float, dtick: Any) -> list[float]:
    days = (high - low) / _DAY_MS
    months = {"M1": 1, "M3": 3}.get(dtick) if isinstance(dtick, str) else None
    if months is None and days > 70:
        months = 1 if days <= 400 else 3
    start = _EPOCH + dt.timedelta(milliseconds=low)
    if months:
        day = dt.date(start.year, start.month, 1)
        found = []
        while (value := as_number(day, "date")) is not None and value <= high:
            if value >= low:
                found.append(value)
            step = day.month - 1 + months
            day = dt.date(day.year + step // 12, step % 12 + 1, 1)
        return found
    step_days = 1 if days <= 10 else 7 if days <= 70 else 14
    first = as_number(start.date() + dt.timedelta(days=1), "date") or low
    return [
        first + i * step_days * _DAY_MS
        for i in range(int((high - first) / _DAY_MS / step_days) + 1)
    ]


def extent(
    numbers: Iterable[float], settings: Any, *, bars: bool = False
) -> tuple[float, float] | None:
    """The autorange of numeric values: their span with room around it; from zero for
    bars or rangemode="tozero"; None without values."""
    found = [n for n in numbers if n is not None]
    if not found:
        return None
    low, high = min(found), max(found)
    if bars or getattr(settings, "rangemode", None) == "tozero":
        low, high = min(low, 0.0), max(high, 0.0)
        return low, high + (high - low) * 0.05 or 1.0
    pad = (high - low) * _PAD or (abs(high) * 0.1 or 1.0)
    return low - pad, high + pad
