"""Confidence intervals for rates and proportions: Wilson, Byar, exact Poisson (Fingertips methods).

Pure standard library: the exact Poisson limits need chi-square quantiles, which come from the
inverse regularised incomplete gamma function implemented here, so the app needs no scipy.
"""

from __future__ import annotations

import math
from dataclasses import replace
from statistics import NormalDist

from dashboard.model import Measure, Observation, Result, Unit

BYAR_MINIMUM_COUNT = 10
_EPSILON = 2.0**-52
_TINY = 1e-300
_MAX_TERMS = 1_000_000


def z_for(confidence: float) -> float:
    """Two-sided critical value by the inverse normal CDF: 1.959964 for 0.95, 3.090232 for 0.998."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence}")
    return NormalDist().inv_cdf(1.0 - (1.0 - confidence) / 2.0)


def wilson_interval(
    successes: float, trials: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Proportion 0–1 limits by the Wilson score method; successes may be weighted (non-integer)."""
    if not trials > 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0, not {successes}/{trials}")
    z = z_for(confidence)
    z2 = z * z
    p = successes / trials
    centre = (2.0 * successes + z2) / (2.0 * (trials + z2))
    half_width = z * math.sqrt(4.0 * successes * (1.0 - p) + z2) / (2.0 * (trials + z2))
    high = 1.0 if successes == trials else centre + half_width
    # The limits are the roots of (n + z²)π² - (2k + z²)π + k²/n = 0; taking the lower one as the
    # product of the roots over the upper one avoids cancellation when k is small beside n.
    low = 0.0 if successes == 0 else (successes * p / (trials + z2)) / (centre + half_width)
    return low, high


def _log_gamma_density(a: float, x: float) -> float:
    """log of x^a e^-x / Γ(a): the common factor of both incomplete gamma tails."""
    return a * math.log(x) - x - math.lgamma(a)


def _lower_gamma_series(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x) by its power series (good for x < a + 1)."""
    term = total = 1.0 / a
    denominator = a
    for _ in range(_MAX_TERMS):
        denominator += 1.0
        term *= x / denominator
        total += term
        if term < total * _EPSILON:
            return total * math.exp(_log_gamma_density(a, x))
    raise ArithmeticError(f"incomplete gamma series did not converge for a={a}, x={x}")


def _upper_gamma_fraction(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) by Legendre's continued fraction (x >= a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPSILON:
            return h * math.exp(_log_gamma_density(a, x))
    raise ArithmeticError(f"incomplete gamma fraction did not converge for a={a}, x={x}")


def _gamma_tails(a: float, x: float) -> tuple[float, float]:
    """(P(a, x), Q(a, x)), each computed directly where it is the smaller, accurate tail."""
    if x <= 0.0:
        return 0.0, 1.0
    if x < a + 1.0:
        lower = _lower_gamma_series(a, x)
        return lower, 1.0 - lower
    upper = _upper_gamma_fraction(a, x)
    return 1.0 - upper, upper


def gamma_quantile(shape: float, tail: float, *, upper: bool = False) -> float:
    """Unit-scale gamma quantile x with P(shape, x) = tail (Q when upper), by safeguarded Newton."""
    if not shape > 0.0 or not 0.0 < tail < 1.0:
        raise ValueError(f"need shape > 0 and 0 < tail < 1, not shape={shape}, tail={tail}")

    def excess(x: float) -> float:  # increasing in x, zero at the quantile
        lower, upper_tail = _gamma_tails(shape, x)
        return tail - upper_tail if upper else lower - tail

    # Wilson–Hilferty (the cube-root normal approximation Byar's method also uses) as first guess
    z = NormalDist().inv_cdf(1.0 - tail if upper else tail)
    guess = shape * (1.0 - 1.0 / (9.0 * shape) + z / (3.0 * math.sqrt(shape))) ** 3
    low, high = 0.0, max(2.0 * guess, shape + 10.0)
    while excess(high) < 0.0:
        low, high = high, 2.0 * high
    x = guess if low < guess < high else (low + high) / 2.0
    for _ in range(200):
        f = excess(x)
        if f == 0.0:
            return x
        if f < 0.0:
            low = x
        else:
            high = x
        density = math.exp(_log_gamma_density(shape, x) - math.log(x))
        step = f / density if density > 0.0 else math.inf
        candidate = x - step
        if not low < candidate < high:
            candidate = (low + high) / 2.0
        if abs(candidate - x) <= 4.0 * _EPSILON * x:
            return candidate
        x = candidate
    return x


def chi2_quantile(probability: float, df: float) -> float:
    """Chi-square quantile (as scipy.stats.chi2.ppf), via the gamma quantile: χ²(df) = 2·Γ(df/2)."""
    if probability <= 0.5:
        return 2.0 * gamma_quantile(df / 2.0, probability)
    return 2.0 * gamma_quantile(df / 2.0, 1.0 - probability, upper=True)


def exact_poisson_interval(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Count limits by the exact (chi-square) Poisson method: χ²(α/2, 2k)/2, χ²(1-α/2, 2k+2)/2."""
    if count < 0:
        raise ValueError(f"a count cannot be negative, not {count}")
    tail = (1.0 - confidence) / 2.0
    z_for(confidence)  # validates the confidence level
    # chi2.ppf(q, 2k)/2 is the unit gamma quantile of shape k; solving for the small upper tail
    # directly keeps the upper limit accurate instead of subtracting from 1.
    low = 0.0 if count == 0 else gamma_quantile(count, tail)
    high = gamma_quantile(count + 1.0, tail, upper=True)
    return low, high


def byar_interval(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Count limits by Byar's approximation to the exact Poisson limits (PHE/OHID Fingertips)."""
    if count < 0:
        raise ValueError(f"a count cannot be negative, not {count}")
    z = z_for(confidence)
    upper_count = count + 1.0
    high = upper_count * (1.0 - 1.0 / (9.0 * upper_count) + z / (3.0 * math.sqrt(upper_count))) ** 3
    if count == 0:
        return 0.0, high
    low = count * (1.0 - 1.0 / (9.0 * count) - z / (3.0 * math.sqrt(count))) ** 3
    # For a handful of events at high confidence the cube goes negative; a count cannot
    return max(low, 0.0), high


def rate_interval(
    count: float, population: float, multiplier: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Rate limits in the rate's own terms (e.g. per 1,000): Byar from 10 events, else exact."""
    if not population > 0:
        raise ValueError(f"a rate needs a positive population, not {population}")
    # Byar is within 0.2% of the exact limits from 10 events but poor below; Fingertips uses the
    # exact chi-square limits there, and so do we.
    method = byar_interval if count >= BYAR_MINIMUM_COUNT else exact_poisson_interval
    low, high = method(count, confidence)
    return low / population * multiplier, high / population * multiplier


def survey_design_effect(
    obs: Observation, unit: Unit, measure_default: float | None
) -> float | None:
    """The design effect a weighted survey percentage uses: its own, else the measure's
    default; None (a simple random sample, design effect 1) for anything else."""
    if obs.design_effect is not None:
        return obs.design_effect
    # A percentage with its own numerator is a count of respondents, not a weighted estimate:
    # the results file refuses a design effect beside one, so no default applies to it either.
    weighted = unit is Unit.PERCENTAGE and obs.numerator is None and bool(obs.denominator)
    return measure_default if weighted else None


def with_design_effect(result: Result, measure: Measure) -> Result:
    """The result carrying the design effect its statistics use (its own or the measure's)."""
    used = survey_design_effect(result.observation, measure.unit, measure.design_effect)
    return result if used == result.design_effect else replace(result, design_effect=used)


def effective_base(denominator: float | None, design_effect: float | None) -> float | None:
    """Respondents asked ÷ design effect: the simple random sample as precise as the survey."""
    if not denominator or design_effect is None:
        return None
    return denominator / design_effect


def sample_counts(obs: Observation, unit: Unit) -> tuple[float, float] | None:
    """(numerator, denominator) of a percentage or rate, a weighted survey percentage's on its
    effective base (base ÷ design effect); None when the sample size is unknown."""
    # A published weighted percentage with only its base has numerator = value x base / 100
    # (PRODUCT.md section 3); a rate needs its count.
    if unit.multiplier is None or not obs.denominator or obs.denominator < 0:
        return None
    if obs.numerator is not None:
        numerator = obs.numerator
    elif unit is Unit.PERCENTAGE and obs.value is not None:
        numerator = obs.value * obs.denominator / 100.0
    else:
        return None
    if numerator < 0 or (unit is Unit.PERCENTAGE and numerator > obs.denominator):
        return None  # the results file rejects these; never build an interval on them
    deff = obs.design_effect
    if unit is Unit.PERCENTAGE and deff is not None and deff > 1.0:
        # A weighted sample of n is as precise as a simple random one of n / deff: intervals
        # and tests run on that effective base, at the same percentage
        return numerator / deff, obs.denominator / deff
    return numerator, obs.denominator


def interval_for(
    obs: Observation, unit: Unit, confidence: float = 0.95
) -> tuple[float, float] | None:
    """Limits in the unit's terms (percent: Wilson; per 1,000: Byar/exact); None without counts."""
    counts = sample_counts(obs, unit)
    if counts is None or unit.multiplier is None:
        return None
    numerator, denominator = counts
    if unit is Unit.PERCENTAGE:
        low, high = wilson_interval(numerator, denominator, confidence)
        return low * unit.multiplier, high * unit.multiplier
    return rate_interval(numerator, denominator, unit.multiplier, confidence)
