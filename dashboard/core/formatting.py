"""How numbers read on screen: durations, percentages, changes."""

from __future__ import annotations


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.1f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def value(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    if unit == "count":
        return f"{v:,.0f}"
    if unit == "pct":
        return f"{v:.1f}%"
    if unit == "seconds":
        return duration(v)
    return f"{v:.1f}"


def change(delta: float | None, unit: str) -> str | None:
    if delta is None:
        return None
    if unit == "count":
        return f"{delta:+,.0f}"
    if unit == "pct":
        return f"{delta:+.1f} pts"
    if unit == "seconds":
        sign = "+" if delta >= 0 else "-"
        return f"{sign}{duration(abs(delta))}"
    return f"{delta:+.1f} pts"
