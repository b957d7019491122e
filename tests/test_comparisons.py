"""Comparator and direction-of-travel judgements as the API reports them (INTERFACES.md §5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.comparisons import compare_with_comparator, direction_of_travel, is_better
from dashboard.intervals import interval_for
from dashboard.model import Comparison, Direction, Observation, Polarity, Unit
from dashboard.significance import compare_samples

LOWER = Polarity.LOWER_IS_BETTER
HIGHER = Polarity.HIGHER_IS_BETTER
NONE = Polarity.NO_JUDGEMENT
# South Gloucestershire's 2017/18 crime rate: 17,270 crimes, 282,100 residents, 95% CI 60.3–62.1
SOUTH_GLOS = Observation(61.2, 17270, 282_100)


def test_a_lower_value_is_better_when_lower_is_better() -> None:
    assert is_better(61.2, 81.6, LOWER)
    assert not is_better(81.6, 61.2, LOWER)


def test_a_higher_value_is_better_when_higher_is_better() -> None:
    assert is_better(64.5, 64.0, HIGHER)
    assert not is_better(64.0, 64.5, HIGHER)


@pytest.mark.parametrize("polarity", [LOWER, HIGHER])
def test_a_tie_is_not_better(polarity: Polarity) -> None:
    assert not is_better(66.6, 66.6, polarity)


def test_values_are_compared_unrounded() -> None:
    # both show as 66.6, but 66.56 is lower
    assert is_better(66.56, 66.64, LOWER)
    assert not is_better(66.64, 66.56, LOWER)


def test_is_better_refuses_a_measure_with_no_polarity() -> None:
    with pytest.raises(ValueError, match="no polarity"):
        is_better(1.0, 2.0, NONE)


def test_an_interval_wholly_below_a_higher_comparator_is_better_when_lower_is_better() -> None:
    assert compare_with_comparator(SOUTH_GLOS, 81.6, Unit.RATE_PER_1000, LOWER) is Comparison.BETTER


def test_an_interval_wholly_below_a_higher_comparator_is_worse_when_higher_is_better() -> None:
    assert compare_with_comparator(SOUTH_GLOS, 81.6, Unit.RATE_PER_1000, HIGHER) is Comparison.WORSE


def test_an_interval_wholly_above_a_lower_comparator_is_worse_when_lower_is_better() -> None:
    assert compare_with_comparator(SOUTH_GLOS, 55.0, Unit.RATE_PER_1000, LOWER) is Comparison.WORSE


def test_an_interval_wholly_above_a_lower_comparator_is_better_when_higher_is_better() -> None:
    assert (
        compare_with_comparator(SOUTH_GLOS, 55.0, Unit.RATE_PER_1000, HIGHER) is Comparison.BETTER
    )


@pytest.mark.parametrize("polarity", [LOWER, HIGHER])
def test_an_interval_containing_the_comparator_is_similar(polarity: Polarity) -> None:
    # 61.6 is worse than 61.2 by value, but inside 60.3–62.1
    assert compare_with_comparator(SOUTH_GLOS, 61.6, Unit.RATE_PER_1000, polarity) is (
        Comparison.SIMILAR
    )


def test_a_comparator_on_the_end_of_the_interval_is_similar() -> None:
    low, high = interval_for(SOUTH_GLOS, Unit.RATE_PER_1000)
    assert compare_with_comparator(SOUTH_GLOS, low, Unit.RATE_PER_1000, LOWER) is Comparison.SIMILAR
    assert (
        compare_with_comparator(SOUTH_GLOS, high, Unit.RATE_PER_1000, LOWER) is Comparison.SIMILAR
    )


def test_a_weighted_percentage_with_only_its_base_is_compared_through_its_interval() -> None:
    weighted = Observation(61.0, None, 1000)  # Wilson 95% interval about 57.9%–64.0%
    assert compare_with_comparator(weighted, 66.0, Unit.PERCENTAGE, HIGHER) is Comparison.WORSE
    assert compare_with_comparator(weighted, 63.0, Unit.PERCENTAGE, HIGHER) is Comparison.SIMILAR


@pytest.mark.parametrize(
    ("local", "comparator", "unit", "polarity"),
    [
        (Observation(61.2), 81.6, Unit.RATE_PER_1000, LOWER),  # no counts, so no interval
        (SOUTH_GLOS, None, Unit.RATE_PER_1000, LOWER),  # comparator without a figure
        (SOUTH_GLOS, 81.6, Unit.RATE_PER_1000, NONE),  # no polarity
        (Observation(1234, 1234, 1), 1500, Unit.COUNT, LOWER),  # not a ratio
    ],
)
def test_a_comparator_is_not_compared_without_counts_figure_or_polarity(
    local: Observation, comparator: float | None, unit: Unit, polarity: Polarity
) -> None:
    assert compare_with_comparator(local, comparator, unit, polarity) is Comparison.NOT_COMPARED


def test_a_significant_fall_in_crime_is_improving() -> None:
    this_year, last_year = Observation(61.2, 17270, 282_100), Observation(65.0, 18200, 280_000)
    assert direction_of_travel(this_year, last_year, Unit.RATE_PER_1000, LOWER) is (
        Direction.IMPROVING
    )


def test_a_significant_rise_in_crime_is_worsening() -> None:
    this_year, last_year = Observation(65.0, 18200, 280_000), Observation(61.2, 17270, 282_100)
    assert direction_of_travel(this_year, last_year, Unit.RATE_PER_1000, LOWER) is (
        Direction.WORSENING
    )


def test_a_significant_fall_in_feeling_safe_is_worsening() -> None:
    this_year, last_year = Observation(60.7, 607, 1000), Observation(65.0, 650, 1000)
    assert direction_of_travel(this_year, last_year, Unit.PERCENTAGE, HIGHER) is (
        Direction.WORSENING
    )


def test_a_significant_rise_in_feeling_safe_is_improving() -> None:
    this_year, last_year = Observation(65.0, 650, 1000), Observation(60.7, 607, 1000)
    assert direction_of_travel(this_year, last_year, Unit.PERCENTAGE, HIGHER) is (
        Direction.IMPROVING
    )


@pytest.mark.parametrize("polarity", [LOWER, HIGHER])
def test_a_difference_that_is_not_significant_is_no_change(polarity: Polarity) -> None:
    this_year, last_year = Observation(60.8, 608, 1000), Observation(65.0, 650, 1000)
    assert direction_of_travel(this_year, last_year, Unit.PERCENTAGE, polarity) is (
        Direction.NO_CHANGE
    )


@pytest.mark.parametrize(
    ("current", "earlier", "unit", "polarity"),
    [
        (SOUTH_GLOS, None, Unit.RATE_PER_1000, LOWER),  # no result a year earlier
        (SOUTH_GLOS, Observation(65.0), Unit.RATE_PER_1000, LOWER),  # earlier without counts
        (Observation(61.2), SOUTH_GLOS, Unit.RATE_PER_1000, LOWER),
        (SOUTH_GLOS, Observation(65.0, 18200, 280_000), Unit.RATE_PER_1000, NONE),
    ],
)
def test_direction_is_not_compared_without_an_earlier_result_counts_or_polarity(
    current: Observation, earlier: Observation | None, unit: Unit, polarity: Polarity
) -> None:
    assert direction_of_travel(current, earlier, unit, polarity) is Direction.NOT_COMPARED


@given(
    st.integers(0, 2000),
    st.integers(1, 2000),
    st.integers(0, 2000),
    st.integers(1, 2000),
    st.sampled_from([LOWER, HIGHER]),
)
def test_direction_never_contradicts_the_two_sample_test(
    k1: int, n1: int, k2: int, n2: int, polarity: Polarity
) -> None:
    current, earlier = Observation(1000 * k1 / n1, k1, n1), Observation(1000 * k2 / n2, k2, n2)
    difference = compare_samples(current, earlier, Unit.RATE_PER_1000)
    direction = direction_of_travel(current, earlier, Unit.RATE_PER_1000, polarity)
    assert (direction is Direction.NO_CHANGE) == (difference == "similar")
    if difference != "similar":
        got_better = is_better(current.value, earlier.value, polarity)
        assert (direction is Direction.IMPROVING) == got_better
