"""Figures as users read them on tiles, in tables and in rating reasons."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.formatting import (
    format_date,
    format_figure,
    format_number,
    format_value,
    places,
)
from dashboard.model import Unit


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (61.2, Unit.RATE_PER_1000, "61.2 per 1,000"),
        (1234.56, Unit.RATE_PER_1000, "1,234.6 per 1,000"),
        (223, Unit.RATE_PER_100000, "223.0 per 100,000"),
        (45.2, Unit.PERCENTAGE, "45.2%"),
        (100, Unit.PERCENTAGE, "100.0%"),
        (1234, Unit.COUNT, "1,234"),
        (1234.0, Unit.COUNT, "1,234"),
        (12.34, Unit.COUNT, "12"),
        (92980, Unit.CURRENCY_GBP, "£92,980"),
        (1250.4, Unit.CURRENCY_GBP, "£1,250"),
        (141.7, Unit.RANK, "rank 142"),
        (139, Unit.RANK, "rank 139"),
        (77.9, Unit.YEARS, "77.9 years"),
    ],
)
def test_format_value_shows_the_figure_with_its_unit(value: float, unit: Unit, shown: str) -> None:
    assert format_value(value, unit) == shown


@pytest.mark.parametrize("unit", list(Unit))
def test_a_missing_figure_reads_no_figure_in_every_unit(unit: Unit) -> None:
    assert format_value(None, unit) == "no figure"
    assert format_number(None, unit) == "no figure"
    assert format_figure(None, unit) == "no figure"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (61.2, Unit.RATE_PER_1000, "61.2"),
        (45.2, Unit.PERCENTAGE, "45.2"),
        (92980, Unit.CURRENCY_GBP, "92,980"),
        (139, Unit.RANK, "139"),
        (1234567, Unit.COUNT, "1,234,567"),
        (77.94, Unit.YEARS, "77.9"),
    ],
)
def test_format_number_is_the_bare_number_shown_in_tables(
    value: float, unit: Unit, shown: str
) -> None:
    assert format_number(value, unit) == shown


def test_format_figure_keeps_the_percent_and_pound_signs_but_not_the_rate_suffix() -> None:
    assert format_figure(61.0, Unit.PERCENTAGE) == "61.0%"
    assert format_figure(92980, Unit.CURRENCY_GBP) == "£92,980"
    assert format_figure(-1500, Unit.CURRENCY_GBP) == "-£1,500"
    assert format_figure(81.65, Unit.RATE_PER_1000) == "81.7"


def test_halves_round_away_from_zero_as_published_tables_do() -> None:
    # Python's own formatting rounds 61.25 to "61.2" (half to even); publishers show 61.3
    assert format_number(61.25, Unit.RATE_PER_1000) == "61.3"
    assert format_number(0.05, Unit.PERCENTAGE) == "0.1"
    assert format_number(2.675, Unit.CURRENCY_GBP, decimals=2) == "2.68"


def test_a_tiny_negative_figure_is_not_shown_as_minus_zero() -> None:
    assert format_number(-0.04, Unit.PERCENTAGE) == "0.0"
    assert format_figure(-0.04, Unit.PERCENTAGE) == "0.0%"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.sampled_from(list(Unit)))
def test_format_number_is_within_half_a_shown_unit_of_the_value(value: float, unit: Unit) -> None:
    shown = format_number(value, unit)
    places = len(shown.split(".")[1]) if "." in shown else 0
    assert abs(float(shown.replace(",", "")) - value) <= 0.5 * 10**-places + 1e-9 * abs(value)


def test_format_date_writes_the_day_month_and_year_in_words() -> None:
    assert format_date(date(2019, 3, 31)) == "31 March 2019"
    assert format_date(date(2019, 9, 1)) == "1 September 2019"


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "shown"),
    [
        (61.25, Unit.RATE_PER_1000, 2, "61.25 per 1,000"),
        (61.25, Unit.RATE_PER_1000, 0, "61 per 1,000"),
        (1250.5, Unit.CURRENCY_GBP, 2, "£1,250.50"),
        (18.8, Unit.COUNT, 1, "18.8"),
        (5.0, Unit.COUNT, 1, "5.0"),
        (88.45048895430294, Unit.PERCENTAGE, None, "88.5%"),
        (1234567.891, Unit.YEARS, 2, "1,234,567.89 years"),
    ],
)
def test_a_measures_decimals_set_the_places_it_is_shown_to(
    value: float, unit: Unit, decimals: int | None, shown: str
) -> None:
    assert format_value(value, unit, decimals) == shown


def test_counts_money_and_ranks_are_whole_unless_the_measure_says_otherwise() -> None:
    # INTERFACES.md section 4: rates, percentages and years 1 place by default; others 0
    assert [places(u) for u in Unit] == [1, 1, 1, 0, 0, 0, 1]
    assert places(Unit.COUNT, 2) == 2
