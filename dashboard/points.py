"""Reporting points (PRODUCT.md section 2): the dates a partnership reports at, and their names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from dashboard.periods import Period, PeriodLabelError, parse_period, period_from_dates


def month_day(day: date) -> str:
    return f"{day.month:02d}-{day.day:02d}"


def _twelve_months_to(end: date) -> Period:
    start = date(end.year, 1, 1) if end.month == 12 else date(end.year - 1, end.month + 1, 1)
    return period_from_dates(start, end)


def point_period(end: date, rhythm: Sequence[str]) -> Period:
    """The period naming the point ending on `end`: "2019/20 H1" for a six-monthly rhythm's
    30 September, "12m to 2019-09" for a yearly one's, "2019/20 Q2" for a quarterly one's."""
    per_year = len(rhythm)
    fy = end.year if end.month >= 4 else end.year - 1
    label = f"{fy}/{(fy + 1) % 100:02d}"
    match month_day(end):
        case "09-30" if per_year == 2:
            return parse_period(f"{label} H1")
        case "09-30" | "12-31" | "06-30" if per_year == 4:
            quarter = {"06-30": 1, "09-30": 2, "12-31": 3}[month_day(end)]
            return parse_period(f"{label} Q{quarter}")
    return _twelve_months_to(end)


def is_declared(end: date, rhythm: Sequence[str]) -> bool:
    """Whether `end` is one of the partnership's points (any date when none are declared)."""
    return not rhythm or month_day(end) in rhythm


def declared_between(rhythm: Sequence[str], first: date, last: date) -> list[date]:
    """Every declared point date from `first` to `last`, oldest first."""
    found = []
    for year in range(first.year, last.year + 1):
        for md in rhythm:
            month, day = int(md[:2]), int(md[3:])
            try:
                candidate = date(year, month, day)
            except ValueError:  # 02-29 outside leap years
                continue
            if first <= candidate <= last:
                found.append(candidate)
    return sorted(found)


def member_default(rhythm: Sequence[str], own_result_ends: Iterable[date]) -> date | None:
    """The latest declared point on or before the end of the latest own-area result."""
    ends = sorted(set(own_result_ends))
    if not ends:
        return None
    if not rhythm:
        return ends[-1]
    dates = declared_between(rhythm, date(ends[0].year - 1, 1, 1), ends[-1])
    return dates[-1] if dates else None


def point_for_label(label: str, rhythm: Sequence[str]) -> Period:
    """The point a label names: any label ending on a point's date names that point."""
    period = parse_period(label)
    if not is_declared(period.end, rhythm):
        raise PeriodLabelError(
            f"{period.label} ends on {period.end:%d %B %Y}, which is not one of this "
            f"partnership's reporting points ({', '.join(rhythm)})."
        )
    return point_period(period.end, rhythm)


def parse_version(text: str | None) -> int | None:
    """A `?version=` value: None when absent, else a positive whole number (ValueError)."""
    if text is None:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"'{text}' is not a version number: give a positive whole number.")
    return int(text)
