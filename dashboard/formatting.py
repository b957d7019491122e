"""Figures and dates as people read them: "61.2 per 1,000", "45.2%", "£92,980", "31 March 2019"."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dashboard.model import Unit

NO_FIGURE = "no figure"

# Decimal places shown for each unit unless the measure sets its own `decimals` (INTERFACES.md
# section 4): rates, percentages and years 1; counts, money and ranks 0.
_PLACES: dict[Unit, int] = {
    Unit.RATE_PER_1000: 1,
    Unit.RATE_PER_100000: 1,
    Unit.PERCENTAGE: 1,
    Unit.COUNT: 0,
    Unit.CURRENCY_GBP: 0,
    Unit.RANK: 0,
    Unit.YEARS: 1,
}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _rounded(value: float, places: int) -> str:
    """Round half away from zero with thousands separators, as published tables (Excel) do."""
    # repr() gives the shortest decimal that is the float, so 2.675 rounds to 2.68 as people expect
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if exact == 0:
        exact = abs(exact)  # never show "-0.0"
    return f"{exact:,.{places}f}"


def places(unit: Unit, decimals: int | None = None) -> int:
    """Decimal places shown: the measure's own `decimals`, else its unit's default."""
    return _PLACES[unit] if decimals is None else decimals


def format_number(value: float | None, unit: Unit, decimals: int | None = None) -> str:
    """The bare number as shown in tables: "61.2" (rates, percentages), "1,234", "92,980";
    `decimals` is the measure's own number of places (None: the unit's default)."""
    if value is None:
        return NO_FIGURE
    return _rounded(value, places(unit, decimals))


def format_figure(value: float | None, unit: Unit, decimals: int | None = None) -> str:
    """The number as quoted in a sentence: "61.2", "45.2%", "£92,980" (rates keep no suffix)."""
    if value is None:
        return NO_FIGURE
    number = format_number(abs(value), unit, decimals)
    sign = "-" if value < 0 and number.strip("0.,") else ""
    if unit is Unit.PERCENTAGE:
        return f"{sign}{number}%"
    if unit is Unit.CURRENCY_GBP:
        return f"{sign}£{number}"
    return f"{sign}{number}"


def format_value(value: float | None, unit: Unit, decimals: int | None = None) -> str:
    """A figure with its unit for display: "61.2 per 1,000", "45.2%", "£92,980", "rank 139"."""
    if value is None:
        return NO_FIGURE
    figure = format_figure(value, unit, decimals)
    match unit:
        case Unit.RATE_PER_1000:
            return f"{figure} per 1,000"
        case Unit.RATE_PER_100000:
            return f"{figure} per 100,000"
        case Unit.RANK:
            return f"rank {figure}"
        case Unit.YEARS:
            return f"{figure} years"
        case _:
            return figure


def format_date(day: date) -> str:
    """A date as written in reports: "31 March 2019" (independent of the process locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
