"""Period labels (INTERFACES.md section 3): parse, canonicalise, order and shift by a year.

UK financial years run April to March. Every date range has one canonical label; other spellings
are normalised, and anything else is a PeriodLabelError naming the accepted forms.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

ACCEPTED_FORMS = "2019/20, 2019/20 H1, 2019/20 Q3, 12m to 2019-09 or 2019"
MAX_RESULT_AGE_YEARS = 3
_YEAR_RANGE = range(1900, 2101)

_FINANCIAL = re.compile(
    r"^(?:fy\s*)?(?P<y1>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})(?:\s*(?P<part>h[12]|q[1-4]))?$"
)
_ROLLING = re.compile(r"^12\s*(?:m|months?)\s+(?:to|ending)\s+(?P<y>\d{4})-(?P<m>\d{1,2})$")
_CALENDAR = re.compile(r"^(?:cy\s*)?(?P<y>\d{4})$")


class PeriodLabelError(ValueError):
    """A label that is not a period; the message says what to use instead."""


@dataclass(frozen=True, slots=True, order=False)
class Period:
    label: str  # canonical
    start: date
    end: date

    @property
    def sort_key(self) -> tuple[date, int]:
        """Periods sort by end date, then by length (shorter first)."""
        return (self.end, (self.end - self.start).days)

    def __lt__(self, other: Period) -> bool:
        return self.sort_key < other.sort_key


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _months_between(start: date, end: date) -> int:
    """Whole months from a first-of-month start to a month-end end, inclusive."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _check_year(year: int, label: str) -> None:
    if year not in _YEAR_RANGE:
        raise PeriodLabelError(
            f"'{label}' is not a period: the year must be between 1900 and 2100."
        )


def _financial_dates(y1: int, part: str | None) -> tuple[date, date]:
    if part is None:
        return date(y1, 4, 1), date(y1 + 1, 3, 31)
    first_month_offset = {"h1": 0, "h2": 6, "q1": 0, "q2": 3, "q3": 6, "q4": 9}[part]
    length = 6 if part.startswith("h") else 3
    sy, sm = _add_months(y1, 4, first_month_offset)
    ey, em = _add_months(sy, sm, length - 1)
    return date(sy, sm, 1), _month_end(ey, em)


def _dates_from_label(label: str) -> tuple[date, date]:
    text = " ".join(label.strip().lower().split())
    if match := _FINANCIAL.match(text):
        y1, y2 = int(match["y1"]), match["y2"]
        _check_year(y1 + 1, label)  # the year a financial year ends in
        second = int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)
        if len(y2) == 2 and second < y1:
            second += 100
        if second != y1 + 1:
            raise PeriodLabelError(
                f"'{label}' is not a period: a financial year runs into the next year, "
                f"e.g. {y1}/{(y1 + 1) % 100:02d}."
            )
        return _financial_dates(y1, match["part"])
    if match := _ROLLING.match(text):
        year, month = int(match["y"]), int(match["m"])
        _check_year(year, label)
        if not 1 <= month <= 12:
            raise PeriodLabelError(f"'{label}' is not a period: the month must be 01 to 12.")
        sy, sm = _add_months(year, month, -11)
        return date(sy, sm, 1), _month_end(year, month)
    if match := _CALENDAR.match(text):
        year = int(match["y"])
        _check_year(year, label)
        return date(year, 1, 1), date(year, 12, 31)
    raise PeriodLabelError(f"'{label.strip()}' is not a period: use e.g. {ACCEPTED_FORMS}.")


def canonical_label(start: date, end: date) -> str:
    """The one label for a date range; PeriodLabelError if the grammar has none."""
    if start.day != 1 or end != _month_end(end.year, end.month) or end < start:
        raise PeriodLabelError(f"{start} to {end} is not a period the labels can name.")
    months = _months_between(start, end)
    if months == 12:
        if start.month == 4:
            return f"{start.year}/{(start.year + 1) % 100:02d}"
        if start.month == 1:
            return str(start.year)
        return f"12m to {end.year}-{end.month:02d}"
    fy_start = start.year if start.month >= 4 else start.year - 1
    offset = _months_between(date(fy_start, 4, 1), start) - 1
    fy = f"{fy_start}/{(fy_start + 1) % 100:02d}"
    if months == 6 and offset in (0, 6):
        return f"{fy} H{offset // 6 + 1}"
    if months == 3 and offset % 3 == 0:
        return f"{fy} Q{offset // 3 + 1}"
    raise PeriodLabelError(f"{start} to {end} is not a period the labels can name.")


def parse_period(label: str) -> Period:
    """A label in any accepted spelling -> its Period with the canonical label."""
    if not isinstance(label, str) or not label.strip():
        raise PeriodLabelError(f"A period is required: use e.g. {ACCEPTED_FORMS}.")
    start, end = _dates_from_label(label)
    return Period(canonical_label(start, end), start, end)


def period_from_dates(start: date, end: date) -> Period:
    return Period(canonical_label(start, end), start, end)


def normalise_label(label: str) -> str:
    return parse_period(label).label


def year_earlier(period: Period) -> Period:
    """The same period one year earlier (for direction of travel against seasonality)."""
    end_year, end_month = period.end.year - 1, period.end.month
    return period_from_dates(
        period.start.replace(year=period.start.year - 1), _month_end(end_year, end_month)
    )


def too_old(result_end: date, point_end: date, years: int = MAX_RESULT_AGE_YEARS) -> bool:
    """A result ending more than `years` (default three) before the reporting point is not used."""
    try:
        limit = point_end.replace(year=point_end.year - years)
    except ValueError:  # 29 February
        limit = date(point_end.year - years, 2, 28)
    return result_end < limit


def latest_on_or_before(periods: Iterable[Period], point_end: date) -> Period | None:
    """The latest period ending on or before a reporting point (longest wins a tie on end date)."""
    eligible = [p for p in periods if p.end <= point_end]
    if not eligible:
        return None
    return max(eligible, key=lambda p: (p.end, -p.start.toordinal()))
