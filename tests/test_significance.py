"""Two-sample tests against statsmodels, with the symmetry every comparison must have."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep

from dashboard.model import Observation, Unit
from dashboard.significance import (
    compare_samples,
    log_rate_ratio_z,
    two_proportion_z,
)

REL = 1e-9
FLIPPED = {"higher": "lower", "lower": "higher", "similar": "similar", None: None}


def binomial_cases(max_n: int = 100_000) -> st.SearchStrategy[tuple[int, int]]:
    return st.integers(1, max_n).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


def percentage(k: float, n: float) -> Observation:
    return Observation(100.0 * k / n, k, n)


def rate(count: float, population: float) -> Observation:
    return Observation(1000.0 * count / population, count, population)


@given(binomial_cases(), binomial_cases())
def test_two_proportion_z_agrees_with_statsmodels_pooled_ztest(
    a: tuple[int, int], b: tuple[int, int]
) -> None:
    (k1, n1), (k2, n2) = a, b
    assume(0 < k1 + k2 < n1 + n2)  # statsmodels has no answer when the pooled p is 0 or 1
    z, _ = proportions_ztest([k1, k2], [n1, n2])
    assert two_proportion_z(k1, n1, k2, n2) == pytest.approx(z, rel=REL, abs=1e-12)


@given(binomial_cases(), binomial_cases())
def test_compare_samples_for_percentages_follows_the_statsmodels_p_value(
    a: tuple[int, int], b: tuple[int, int]
) -> None:
    (k1, n1), (k2, n2) = a, b
    assume(0 < k1 + k2 < n1 + n2)
    z, p = proportions_ztest([k1, k2], [n1, n2])
    assume(abs(p - 0.05) > 1e-9)  # not astride the boundary by rounding
    expected = "similar" if p >= 0.05 else ("higher" if z > 0 else "lower")
    assert compare_samples(percentage(k1, n1), percentage(k2, n2), Unit.PERCENTAGE) == expected


@given(st.integers(1, 50_000), st.integers(1, 10**7), st.integers(1, 50_000), st.integers(1, 10**7))
def test_log_rate_ratio_z_agrees_with_statsmodels_wald_log(
    c1: int, p1: int, c2: int, p2: int
) -> None:
    result = poisson_2indep(c1, p1, c2, p2, method="wald-log")
    assert log_rate_ratio_z(c1, p1, c2, p2) == pytest.approx(result.statistic, rel=REL, abs=1e-12)


@given(st.integers(1, 50_000), st.integers(1, 10**7), st.integers(1, 50_000), st.integers(1, 10**7))
def test_compare_samples_for_rates_follows_the_statsmodels_p_value(
    c1: int, p1: int, c2: int, p2: int
) -> None:
    result = poisson_2indep(c1, p1, c2, p2, method="wald-log")
    assume(abs(result.pvalue - 0.05) > 1e-9)
    expected = (
        "similar" if result.pvalue >= 0.05 else ("higher" if result.statistic > 0 else "lower")
    )
    assert compare_samples(rate(c1, p1), rate(c2, p2), Unit.RATE_PER_1000) == expected


@given(binomial_cases(), binomial_cases())
def test_swapping_two_percentages_swaps_higher_and_lower(
    a: tuple[int, int], b: tuple[int, int]
) -> None:
    first, second = percentage(*a), percentage(*b)
    forward = compare_samples(first, second, Unit.PERCENTAGE)
    assert compare_samples(second, first, Unit.PERCENTAGE) == FLIPPED[forward]


@given(st.integers(0, 50_000), st.integers(1, 10**7), st.integers(0, 50_000), st.integers(1, 10**7))
def test_swapping_two_rates_swaps_higher_and_lower(c1: int, p1: int, c2: int, p2: int) -> None:
    forward = compare_samples(rate(c1, p1), rate(c2, p2), Unit.RATE_PER_100000)
    assert compare_samples(rate(c2, p2), rate(c1, p1), Unit.RATE_PER_100000) == FLIPPED[forward]


@given(binomial_cases())
def test_a_sample_is_similar_to_itself(case: tuple[int, int]) -> None:
    assert compare_samples(percentage(*case), percentage(*case), Unit.PERCENTAGE) == "similar"


def test_the_z_test_boundary_with_real_survey_counts() -> None:
    # 608 of 1,000 against 650 of 1,000: z = -1.944, just short of significance at 95%
    assert two_proportion_z(608, 1000, 650, 1000) == pytest.approx(-1.9441, abs=1e-4)
    assert compare_samples(percentage(608, 1000), percentage(650, 1000), Unit.PERCENTAGE) == (
        "similar"
    )
    # 607 of 1,000 against 650 of 1,000: z = -1.990, significantly lower
    assert two_proportion_z(607, 1000, 650, 1000) == pytest.approx(-1.9899, abs=1e-4)
    assert compare_samples(percentage(607, 1000), percentage(650, 1000), Unit.PERCENTAGE) == (
        "lower"
    )


def test_a_998_test_needs_a_bigger_difference_than_a_95_test() -> None:
    lower, baseline = percentage(605, 1000), percentage(650, 1000)
    assert compare_samples(lower, baseline, Unit.PERCENTAGE, confidence=0.998) == "similar"


def test_a_weighted_percentage_with_only_its_base_is_tested_on_its_derived_numerator() -> None:
    weighted = Observation(60.5, None, 1000)  # numerator = 60.5 x 1,000 / 100 = 605
    assert compare_samples(weighted, percentage(650, 1000), Unit.PERCENTAGE) == "lower"


def test_two_rates_with_no_events_are_similar() -> None:
    assert log_rate_ratio_z(0, 5000, 0, 90_000) == 0.0
    assert compare_samples(rate(0, 5000), rate(0, 90_000), Unit.RATE_PER_1000) == "similar"


def test_one_zero_count_is_corrected_by_half_an_event_on_both_sides() -> None:
    expected = math.log((0.5 / 1000) / (20.5 / 1000)) / math.sqrt(1 / 0.5 + 1 / 20.5)
    assert log_rate_ratio_z(0, 1000, 20, 1000) == pytest.approx(expected)
    assert compare_samples(rate(0, 1000), rate(20, 1000), Unit.RATE_PER_1000) == "lower"
    assert compare_samples(rate(0, 1000), rate(2, 1000), Unit.RATE_PER_1000) == "similar"


def test_two_all_yes_surveys_are_similar() -> None:
    assert two_proportion_z(50, 50, 80, 80) == 0.0


@pytest.mark.parametrize(
    ("a", "b", "unit"),
    [
        (Observation(61.2, None, 282_100), rate(100, 1000), Unit.RATE_PER_1000),  # no count
        (rate(100, 1000), Observation(61.2), Unit.RATE_PER_1000),
        (Observation(45.0), percentage(45, 100), Unit.PERCENTAGE),
        (Observation(1234, 1234, 1), Observation(1000, 1000, 1), Unit.COUNT),  # not a ratio
    ],
)
def test_compare_samples_is_none_without_sample_sizes(
    a: Observation, b: Observation, unit: Unit
) -> None:
    assert compare_samples(a, b, unit) is None
