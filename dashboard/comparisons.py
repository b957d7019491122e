"""Statistical comparisons shown beside every rating: against each comparator and a year earlier."""

from __future__ import annotations

from dashboard.intervals import interval_for
from dashboard.model import Comparison, Direction, Observation, Polarity, Unit
from dashboard.significance import compare_samples


def is_better(a: float, b: float, polarity: Polarity) -> bool:
    """Whether value a is strictly better than b in the measure's polarity (a tie is not better)."""
    if polarity is Polarity.HIGHER_IS_BETTER:
        return a > b
    if polarity is Polarity.LOWER_IS_BETTER:
        return a < b
    raise ValueError("a measure with no polarity has no better or worse")


def compare_with_comparator(
    local: Observation, comparator_value: float | None, unit: Unit, polarity: Polarity
) -> Comparison:
    """Local 95% interval against the comparator's value (Fingertips): better, similar or worse."""
    if polarity is Polarity.NO_JUDGEMENT or comparator_value is None:
        return Comparison.NOT_COMPARED
    interval = interval_for(local, unit)
    if interval is None:
        return Comparison.NOT_COMPARED
    low, high = interval
    if low <= comparator_value <= high:
        return Comparison.SIMILAR
    # The whole interval lies on one side, so either end decides which
    return Comparison.BETTER if is_better(low, comparator_value, polarity) else Comparison.WORSE


def direction_of_travel(
    current: Observation, year_earlier: Observation | None, unit: Unit, polarity: Polarity
) -> Direction:
    """Against the same period a year earlier, by the 95% two-sample test match_baseline uses."""
    if polarity is Polarity.NO_JUDGEMENT or year_earlier is None:
        return Direction.NOT_COMPARED
    difference = compare_samples(current, year_earlier, unit)
    if difference is None:
        return Direction.NOT_COMPARED
    if difference == "similar":
        return Direction.NO_CHANGE
    higher_is_better = polarity is Polarity.HIGHER_IS_BETTER
    return (
        Direction.IMPROVING if (difference == "higher") == higher_is_better else Direction.WORSENING
    )
