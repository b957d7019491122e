"""Confidence intervals against scipy and the OHID Fingertips guidance (PRODUCT.md section 3)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest, chi2

from dashboard.intervals import (
    byar_interval,
    chi2_quantile,
    exact_poisson_interval,
    gamma_quantile,
    interval_for,
    rate_interval,
    sample_counts,
    wilson_interval,
    z_for,
)
from dashboard.model import Observation, Unit

CONFIDENCES = st.sampled_from([0.95, 0.998])
REL = 1e-9


def binomial_cases(max_n: int = 10**6) -> st.SearchStrategy[tuple[int, int]]:
    return st.integers(1, max_n).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


def test_z_for_gives_the_fingertips_critical_values() -> None:
    assert z_for(0.95) == pytest.approx(1.959963984540054, rel=1e-12)
    assert z_for(0.998) == pytest.approx(3.090232306167813, rel=1e-12)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 95, -0.5])
def test_z_for_refuses_a_confidence_that_is_not_a_fraction(confidence: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        z_for(confidence)


@given(binomial_cases(), CONFIDENCES)
def test_wilson_interval_agrees_with_scipy_binomtest(case: tuple[int, int], conf: float) -> None:
    k, n = case
    expected = binomtest(k, n).proportion_ci(confidence_level=conf, method="wilson")
    low, high = wilson_interval(k, n, conf)
    assert low == pytest.approx(expected.low, rel=REL, abs=1e-300)
    assert high == pytest.approx(expected.high, rel=REL)


@given(binomial_cases(), CONFIDENCES)
def test_wilson_interval_brackets_the_observed_proportion(
    case: tuple[int, int], conf: float
) -> None:
    k, n = case
    low, high = wilson_interval(k, n, conf)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_interval_gives_8_29_to_12_02_percent_for_100_of_1000() -> None:
    """The 95% limits a Python port of PHEindicatormethods asserts for phe_proportion(100, 1000)."""
    low, high = wilson_interval(100, 1000)
    assert (round(low * 100, 2), round(high * 100, 2)) == (8.29, 12.02)


def test_wilson_interval_takes_a_weighted_non_integer_count() -> None:
    low, high = wilson_interval(612.5, 1000)
    assert low < 0.6125 < high
    assert wilson_interval(612, 1000)[0] < low < wilson_interval(613, 1000)[0]


@pytest.mark.parametrize(("k", "n"), [(-1, 10), (11, 10), (0, 0)])
def test_wilson_interval_refuses_impossible_counts(k: float, n: float) -> None:
    with pytest.raises(ValueError, match="successes <= trials"):
        wilson_interval(k, n)


@settings(max_examples=300)
@given(st.integers(0, 5000), CONFIDENCES)
def test_exact_poisson_interval_agrees_with_scipy_chi2(count: int, conf: float) -> None:
    alpha = 1.0 - conf
    low, high = exact_poisson_interval(count, conf)
    expected_low = chi2.ppf(alpha / 2, 2 * count) / 2 if count else 0.0
    assert low == pytest.approx(expected_low, rel=REL)
    assert high == pytest.approx(chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2, rel=REL)


@given(
    st.floats(1e-6, 1 - 1e-6),
    st.floats(0.2, 20_000, allow_nan=False),
)
def test_chi2_quantile_agrees_with_scipy_for_any_probability_and_df(q: float, df: float) -> None:
    assert chi2_quantile(q, df) == pytest.approx(chi2.ppf(q, df), rel=REL)


def test_exact_poisson_interval_for_no_events_starts_at_zero() -> None:
    low, high = exact_poisson_interval(0)
    assert low == 0.0
    assert high == pytest.approx(-math.log(0.025), rel=1e-12)  # P(0 events | μ) = e^-μ = α/2


def test_gamma_quantile_refuses_an_impossible_tail() -> None:
    with pytest.raises(ValueError, match="0 < tail < 1"):
        gamma_quantile(3.0, 1.0)


def test_byar_interval_follows_the_fingertips_formula() -> None:
    """Reference values from the formula in the OHID Fingertips technical guidance, "Rates"
    (fingertips.phe.org.uk/static-reports/public-health-technical-guidance/Basic_statistics/
    Rates.html): O(1 - 1/(9O) - z/(3√O))³ and (O+1)(1 - 1/(9(O+1)) + z/(3√(O+1)))³ with the exact
    z (1.959964, 3.090232), worked for 289 events and for the 65 and 1,045 events that
    PHEindicatormethods' tests/testthat/testByars.R uses (its expected values sit in a
    spreadsheet, testdata_Byars_Wilson.xlsx, so they are recomputed here)."""
    assert byar_interval(289) == pytest.approx((256.63661324263234, 324.31457766044144), rel=1e-12)
    assert byar_interval(65) == pytest.approx((50.163187710459454, 82.84913854593984), rel=1e-12)
    assert byar_interval(1045) == pytest.approx((982.5932018073325, 1110.33121298565), rel=1e-12)
    assert byar_interval(65, 0.998) == pytest.approx((42.8802614714802, 94.000290844318), rel=1e-12)


@given(st.integers(1, 100_000), CONFIDENCES)
def test_byar_interval_is_the_cube_root_formula(count: int, conf: float) -> None:
    z = z_for(conf)
    low = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    high = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    assert byar_interval(count, conf) == pytest.approx((max(low, 0.0), high), rel=1e-12)


def test_byar_is_within_a_fifth_of_a_percent_of_exact_from_ten_events() -> None:
    """PHE Technical Guide: Confidence Intervals (May 2018), Appendix 1: for 95% intervals Byar's
    method is within 0.2% of the exact value for numerators of 10 or more."""
    for count in [*range(10, 2000), 5000, 20_000]:
        byar, exact = byar_interval(count), exact_poisson_interval(count)
        assert byar[0] == pytest.approx(exact[0], rel=0.002)
        assert byar[1] == pytest.approx(exact[1], rel=0.002)


def test_byar_interval_never_goes_below_zero_events() -> None:
    assert byar_interval(1, 0.998)[0] == 0.0
    assert byar_interval(0)[0] == 0.0


def test_rate_interval_uses_exact_limits_below_ten_events_and_byar_from_ten() -> None:
    assert rate_interval(9, 1000, 1000) == pytest.approx(exact_poisson_interval(9), rel=1e-12)
    assert rate_interval(10, 1000, 1000) == pytest.approx(byar_interval(10), rel=1e-12)
    assert rate_interval(9, 1000, 1000) != pytest.approx(byar_interval(9), rel=1e-6)


def test_rate_interval_scales_the_count_limits_to_the_rate() -> None:
    low, high = rate_interval(17270, 282_100, 1000)
    count_low, count_high = byar_interval(17270)
    assert (low, high) == pytest.approx((count_low / 282.1, count_high / 282.1), rel=1e-12)
    assert (round(low, 1), round(high, 1)) == (60.3, 62.1)  # INTERFACES.md section 5 example


@given(st.integers(0, 50_000), st.integers(1, 10**7), CONFIDENCES)
def test_rate_interval_brackets_the_observed_rate(count: int, pop: int, conf: float) -> None:
    low, high = rate_interval(count, pop, 1000, conf)
    rate = count / pop * 1000
    assert 0.0 <= low <= rate <= high


@given(st.integers(0, 50_000), st.integers(1, 10**7))
def test_a_998_interval_is_wider_than_the_95_interval(count: int, pop: int) -> None:
    low95, high95 = rate_interval(count, pop, 1000, 0.95)
    low998, high998 = rate_interval(count, pop, 1000, 0.998)
    assert low998 <= low95 and high998 > high95
    assert low998 < low95 or count == 0


@given(binomial_cases(100_000))
def test_a_998_wilson_interval_is_wider_than_the_95_interval(case: tuple[int, int]) -> None:
    k, n = case
    low95, high95 = wilson_interval(k, n, 0.95)
    low998, high998 = wilson_interval(k, n, 0.998)
    assert (low998 < low95 or k == 0) and (high998 > high95 or k == n)


def test_interval_for_a_percentage_is_the_wilson_interval_in_percent() -> None:
    low, high = interval_for(Observation(10.0, 100, 1000), Unit.PERCENTAGE)
    assert (low, high) == pytest.approx([x * 100 for x in wilson_interval(100, 1000)])


def test_interval_for_a_weighted_percentage_with_only_its_base_derives_the_numerator() -> None:
    weighted = interval_for(Observation(61.25, None, 800), Unit.PERCENTAGE)
    assert weighted == pytest.approx([x * 100 for x in wilson_interval(490.0, 800)])


def test_interval_for_a_rate_per_1000_uses_the_count_and_population() -> None:
    low, high = interval_for(Observation(61.2, 17270, 282_100), Unit.RATE_PER_1000)
    assert (round(low, 1), round(high, 1)) == (60.3, 62.1)


def test_interval_for_a_rate_per_100000_scales_by_100000() -> None:
    low, high = interval_for(Observation(223.0, 629, 282_100), Unit.RATE_PER_100000)
    assert (low, high) == pytest.approx(rate_interval(629, 282_100, 100_000))
    assert low < 223.0 < high


def test_interval_for_a_998_confidence_is_wider() -> None:
    obs = Observation(61.2, 17270, 282_100)
    low95, high95 = interval_for(obs, Unit.RATE_PER_1000)
    low998, high998 = interval_for(obs, Unit.RATE_PER_1000, confidence=0.998)
    assert low998 < low95 < high95 < high998


@pytest.mark.parametrize(
    ("obs", "unit"),
    [
        (Observation(1234, 1234, 1), Unit.COUNT),  # not a ratio
        (Observation(92980, None, None), Unit.CURRENCY_GBP),
        (Observation(61.2, None, 282_100), Unit.RATE_PER_1000),  # a rate needs its count
        (Observation(61.2, 17270, None), Unit.RATE_PER_1000),
        (Observation(45.0, None, None), Unit.PERCENTAGE),
        (Observation(None, None, 800), Unit.PERCENTAGE),
        (Observation(45.0, 45, 0), Unit.PERCENTAGE),
        (Observation(120.0, None, 100), Unit.PERCENTAGE),  # more agreeing than asked
    ],
)
def test_interval_for_is_none_without_a_known_sample_size(obs: Observation, unit: Unit) -> None:
    assert interval_for(obs, unit) is None


def test_sample_counts_reports_the_derived_numerator_of_a_weighted_percentage() -> None:
    assert sample_counts(Observation(64.0, None, 500), Unit.PERCENTAGE) == (320.0, 500)
    assert sample_counts(Observation(64.0, 321, 500), Unit.PERCENTAGE) == (321, 500)
    assert sample_counts(Observation(64.0, None, 500), Unit.RATE_PER_1000) is None


def test_sample_counts_of_a_weighted_percentage_are_on_its_effective_base() -> None:
    # 88.0% of 1,000 asked with design effect 2.0 is as precise as 440 of 500 (issue #14)
    assert sample_counts(Observation(88.0, None, 1000, 2.0), Unit.PERCENTAGE) == (440.0, 500.0)
    assert interval_for(Observation(88.0, None, 1000, 2.0), Unit.PERCENTAGE) == pytest.approx(
        [x * 100 for x in wilson_interval(440.0, 500.0)]
    )


def test_a_design_effect_never_touches_a_rate() -> None:
    obs = Observation(61.2, 17270, 282_100, 2.0)
    assert sample_counts(obs, Unit.RATE_PER_1000) == (17270, 282_100)
