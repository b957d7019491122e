"""Two-sample significance tests: pooled z for two proportions, z on the log rate ratio for rates.

One test serves both match_baseline and direction of travel (PRODUCT.md section 3), so a tile can
never say "significantly worse than the baseline" beside "no change" on the same two figures.
"""

from __future__ import annotations

import math
from typing import Literal

from dashboard.intervals import sample_counts, z_for
from dashboard.model import Observation, Unit

SampleDifference = Literal["higher", "lower", "similar"]

# Added to both counts when exactly one is zero, so the log rate ratio and its variance exist
# (the usual Haldane–Anscombe correction); it shrinks the ratio towards 1, never exaggerates it.
ZERO_COUNT_CORRECTION = 0.5


def two_proportion_z(
    successes_a: float, trials_a: float, successes_b: float, trials_b: float
) -> float:
    """z for proportion a minus proportion b (0–1) by the pooled two-proportion z-test."""
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    variance = pooled * (1.0 - pooled) * (1.0 / trials_a + 1.0 / trials_b)
    if variance <= 0.0:
        return 0.0  # both samples all-yes or all-no: identical, nothing to test
    return (successes_a / trials_a - successes_b / trials_b) / math.sqrt(variance)


def log_rate_ratio_z(
    count_a: float, population_a: float, count_b: float, population_b: float
) -> float:
    """z for rate a against rate b (events per head) by the Wald test on the log rate ratio."""
    if count_a == 0 and count_b == 0:
        return 0.0  # no events in either: the rates agree
    if count_a == 0 or count_b == 0:
        count_a += ZERO_COUNT_CORRECTION
        count_b += ZERO_COUNT_CORRECTION
    log_ratio = math.log((count_a / population_a) / (count_b / population_b))
    return log_ratio / math.sqrt(1.0 / count_a + 1.0 / count_b)


def compare_samples(
    a: Observation, b: Observation, unit: Unit, confidence: float = 0.95
) -> SampleDifference | None:
    """Whether a is significantly higher or lower than b (two-sample test); None without counts."""
    counts_a, counts_b = sample_counts(a, unit), sample_counts(b, unit)
    if counts_a is None or counts_b is None:
        return None
    if unit is Unit.PERCENTAGE:
        z = two_proportion_z(*counts_a, *counts_b)
    else:
        z = log_rate_ratio_z(*counts_a, *counts_b)
    critical = z_for(confidence)
    if z > critical:
        return "higher"
    if z < -critical:
        return "lower"
    return "similar"
