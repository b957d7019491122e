"""The partnership's rating rules (PRODUCT.md section 3): one function per target rule, in RULES."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from dashboard.comparisons import is_better
from dashboard.formatting import format_date, format_figure, format_number, format_value
from dashboard.model import (
    STATUS_LABELS,
    Measure,
    Observation,
    Polarity,
    Rating,
    RatingStatus,
    Result,
    TargetRule,
    TargetSpec,
    Unit,
)
from dashboard.periods import MAX_RESULT_AGE_YEARS, Period, PeriodLabelError, parse_period, too_old
from dashboard.significance import compare_samples

BASELINE_LABEL = "Baseline"
# Figures computed here (a trajectory, a shortfall) carry binary floating-point noise of about
# 1e-15; a difference this small relative to the figures is arithmetic, not performance.
_COMPUTED_SLACK = 1e-9
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


@dataclass(frozen=True, slots=True)
class ComparatorFigure:
    """A comparator area's figure for the same period; observation None (or value None) = none."""

    area_code: str
    name: str
    observation: Observation | None


@dataclass(frozen=True, slots=True)
class RatingInput:
    """Everything one rating needs; baseline is the partnership's result for the baseline period."""

    measure: Measure
    target: TargetSpec
    result: Result | None
    comparators: tuple[ComparatorFigure, ...] = ()
    baseline: Result | None = None
    point_end: date | None = None
    max_age_years: int = MAX_RESULT_AGE_YEARS


def _rated(status: RatingStatus, reason: str) -> Rating:
    return Rating(status, STATUS_LABELS[status], reason)


def _no_data(reason: str) -> Rating:
    return _rated(RatingStatus.NO_DATA, reason)


def _latest(inp: RatingInput) -> tuple[Result, float]:
    """The result being rated and its value; rate() has already turned away a missing one."""
    result = inp.result
    if result is None or result.value is None:
        raise ValueError("a rule needs a result with a value: call rate(), which checks first")
    return result, result.value


def _unusable_result(inp: RatingInput) -> Rating | None:
    """no_data when there is no result to rate, or it is too old for the reporting point."""
    point = format_date(inp.point_end) if inp.point_end else None
    if inp.result is None or inp.result.value is None:
        return _no_data(f"No result on or before {point}" if point else "No result")
    if inp.point_end is not None and too_old(
        inp.result.period_end, inp.point_end, inp.max_age_years
    ):
        years = _NUMBER_WORDS.get(inp.max_age_years, str(inp.max_age_years))
        return _no_data(
            f"The latest result is for {inp.result.period}, more than {years} years before {point}"
        )
    return None


def rate(inp: RatingInput) -> Rating:
    """The rating of one measure's latest result under the partnership's target rule."""
    if unusable := _unusable_result(inp):
        return unusable
    rule = inp.target.rule
    if rule is not TargetRule.NONE and inp.measure.polarity is Polarity.NO_JUDGEMENT:
        return _no_data(
            f"{inp.measure.title} has no polarity, so it cannot be rated: "
            "give it a polarity or make it monitoring only"
        )
    try:
        return RULES[rule](inp)
    except PeriodLabelError as error:
        return _no_data(f"The target cannot be read: {error}")


def monitoring_only(inp: RatingInput) -> Rating:
    """Rule none: shown as Monitoring, never a colour."""
    return _rated(RatingStatus.NONE, "Monitoring only: no target is set")


# --- beat comparators ---------------------------------------------------------------------------


def _shown(value: float, measure: Measure) -> str:
    """A figure in a reason, to the measure's own decimal places."""
    return format_figure(value, measure.unit, measure.decimals)


def _figures(named: Sequence[tuple[str, float]], measure: Measure) -> str:
    return ", ".join(f"{name} {_shown(value, measure)}" for name, value in named)


def _figure(comparator: ComparatorFigure) -> float | None:
    return comparator.observation.value if comparator.observation is not None else None


def rate_against_comparators(inp: RatingInput) -> Rating:
    """Green if better than every comparator with a figure, amber if some, red if none."""
    result, value = _latest(inp)
    measure, polarity = inp.measure, inp.measure.polarity
    if not inp.comparators:
        return _no_data("No comparator areas are set for this partnership")
    known = [(c.name, v) for c in inp.comparators if (v := _figure(c)) is not None]
    missing = [c.name for c in inp.comparators if _figure(c) is None]
    if not known:
        return _no_data(f"No comparator figures for {result.period}")
    better: list[tuple[str, float]] = []
    worse: list[tuple[str, float]] = []
    tied: list[tuple[str, float]] = []
    for name, figure in known:
        if is_better(value, figure, polarity):
            better.append((name, figure))
        elif is_better(figure, value, polarity):
            worse.append((name, figure))
        else:
            tied.append((name, figure))
    if len(better) == len(known):
        status = RatingStatus.GREEN
    else:
        status = RatingStatus.AMBER if better else RatingStatus.RED
    shortfalls = [f"worse than {_figures(worse, measure)}"] * bool(worse)
    shortfalls += [f"no better than {_figures(tied, measure)}"] * bool(tied)
    if missing:
        parts = [f"better than {_figures(better, measure)}"] * bool(better) + shortfalls
        lead = (
            f"Rated against {len(known)} of {len(inp.comparators)} comparators "
            f"(no figure for {', '.join(missing)})"
        )
        return _rated(status, f"{lead}: {'; '.join(parts)}")
    return _rated(status, _comparators_reason(status, len(known), better, shortfalls, measure))


def _comparators_reason(
    status: RatingStatus,
    n: int,
    better: Sequence[tuple[str, float]],
    shortfalls: Sequence[str],
    measure: Measure,
) -> str:
    """The reason when all n comparators have figures: "Better than 2 of 3 comparators: ..."."""
    if status is RatingStatus.GREEN:
        if n == 1:
            return f"Better than the one comparator: {_figures(better, measure)}"
        return f"Better than all {n} comparators: {_figures(better, measure)}"
    if status is RatingStatus.AMBER:
        return f"Better than {len(better)} of {n} comparators: " + "; ".join(
            [_figures(better, measure), *shortfalls]
        )
    detail = "; ".join(shortfalls)
    if n == 1:
        return detail[0].upper() + detail[1:]
    return f"Better than none of the {n} comparators: {detail}"


# --- match baseline -----------------------------------------------------------------------------


def _not_after_baseline(result: Result, baseline: Period) -> Rating | None:
    """Status none, "Baseline", for a result ending on or before the rule's baseline period."""
    if result.period_end > baseline.end:
        return None
    if result.period == baseline.label:
        reason = f"This is the baseline ({baseline.label}) the target is set from"
    elif result.period_end < baseline.end:
        reason = f"Before the baseline period {baseline.label}: not rated"
    else:
        reason = f"Ends with the baseline period {baseline.label}: not rated"
    return Rating(RatingStatus.NONE, BASELINE_LABEL, reason)


def _tolerance_text(tolerance: float, measure: Measure) -> str:
    """A tolerance in the measure's own unit: "2.0 percentage points", "1.5 per 1,000"."""
    unit, decimals = measure.unit, measure.decimals
    if unit is Unit.PERCENTAGE:
        return f"{format_number(tolerance, unit, decimals)} percentage points"
    return format_value(tolerance, unit, decimals)


def rate_against_baseline(inp: RatingInput) -> Rating:
    """Green at or better than the baseline, else amber or red by the 95% test or the tolerance."""
    result, value = _latest(inp)
    unit, polarity, spec = inp.measure.unit, inp.measure.polarity, inp.target
    if spec.baseline_period is None:
        return _no_data("No baseline period is set for this target")
    period = parse_period(spec.baseline_period)
    if not_rated := _not_after_baseline(result, period):
        return not_rated
    if inp.baseline is None or inp.baseline.value is None:
        return _no_data(f"No result for the baseline period {period.label}")
    base = inp.baseline.value
    shown, shown_base = _shown(value, inp.measure), _shown(base, inp.measure)
    against = f"the {period.label} baseline of {shown_base}"
    if value == base:
        return _rated(RatingStatus.GREEN, f"{shown} equals {against}")
    if is_better(value, base, polarity):
        return _rated(RatingStatus.GREEN, f"{shown} is better than {against}")
    word = "higher" if value > base else "lower"
    difference = compare_samples(result.observation, inp.baseline.observation, unit)
    if difference is not None:
        if difference == word:
            test = "(95% two-sample test)"
            return _rated(
                RatingStatus.RED, f"{shown} is significantly {word} than {against} {test}"
            )
        return _rated(
            RatingStatus.AMBER,
            f"{shown} is {word} than {against}, but not significantly (95% two-sample test)",
        )
    return _rate_by_tolerance(
        spec.tolerance, value, base, f"{shown} is {word} than {against}", inp.measure
    )


def _rate_by_tolerance(
    tolerance: float | None, value: float, base: float, shortfall_text: str, measure: Measure
) -> Rating:
    """Amber within the measure's tolerance (its own unit), red beyond; no tolerance means 0."""
    if tolerance is None:
        return _rated(
            RatingStatus.RED,
            f"{shortfall_text}; no sample size is known and no tolerance is set, so it counts as 0",
        )
    limit = _tolerance_text(tolerance, measure)
    slack = _COMPUTED_SLACK * max(abs(value), abs(base), 1.0)
    if abs(value - base) <= tolerance + slack:
        return _rated(
            RatingStatus.AMBER,
            f"{shortfall_text}, within the tolerance of {limit} (no sample size is known)",
        )
    return _rated(
        RatingStatus.RED,
        f"{shortfall_text}, beyond the tolerance of {limit} (no sample size is known)",
    )


# --- fixed target -------------------------------------------------------------------------------


def _at_or_better(value: float, mark: float, polarity: Polarity) -> bool:
    close = math.isclose(value, mark, rel_tol=_COMPUTED_SLACK, abs_tol=_COMPUTED_SLACK)
    return close or is_better(value, mark, polarity)


def trajectory_value(
    base: float, target: float, baseline_end: date, goal_end: date, on: date
) -> float:
    """The straight-line trajectory's value on a date, in the measure's unit: the baseline at its
    period's end date, the target at the target period's end date (charts draw the same line)."""
    share = (on - baseline_end).days / (goal_end - baseline_end).days
    return base + (target - base) * share


def rate_against_trajectory(inp: RatingInput) -> Rating:
    """Green at or better than the straight-line trajectory, amber if only beating the baseline."""
    result, value = _latest(inp)
    polarity, spec = inp.measure.polarity, inp.target
    if spec.baseline_period is None:
        return _no_data("No baseline period is set for this target")
    if spec.target is None:
        return _no_data("No target value is set for this measure")
    if spec.target_period is None:
        return _no_data("No target period is set for this measure")
    start, goal = parse_period(spec.baseline_period), parse_period(spec.target_period)
    if goal.end <= start.end:
        return _no_data(f"The target period {goal.label} must end after the baseline {start.label}")
    if not_rated := _not_after_baseline(result, start):
        return not_rated
    if inp.baseline is None or inp.baseline.value is None:
        return _no_data(f"No result for the baseline period {start.label}")
    base, target = inp.baseline.value, spec.target
    measure = inp.measure
    shown = _shown(value, measure)
    from_base = f"the {start.label} baseline of {_shown(base, measure)}"
    by_goal = f"the {goal.label} target of {_shown(target, measure)}"
    if result.period_end >= goal.end:
        if _at_or_better(value, target, polarity):
            return _rated(RatingStatus.GREEN, f"{shown} is at or better than {by_goal}")
        if is_better(value, base, polarity):
            return _rated(
                RatingStatus.AMBER, f"{shown} misses {by_goal} but is better than {from_base}"
            )
        return _rated(
            RatingStatus.RED, f"{shown} misses {by_goal} and is no better than {from_base}"
        )
    expected = trajectory_value(base, target, start.end, goal.end, result.period_end)
    trajectory = (
        f"the trajectory of {_shown(expected, measure)} for {result.period} "
        f"towards {_shown(target, measure)} by {goal.label}"
    )
    if _at_or_better(value, expected, polarity):
        return _rated(RatingStatus.GREEN, f"{shown} is at or better than {trajectory}")
    if is_better(value, base, polarity):
        return _rated(
            RatingStatus.AMBER, f"{shown} is better than {from_base} but behind {trajectory}"
        )
    return _rated(
        RatingStatus.RED, f"{shown} is no better than {from_base}, so behind {trajectory}"
    )


RULES: dict[TargetRule, Callable[[RatingInput], Rating]] = {
    TargetRule.BEAT_COMPARATORS: rate_against_comparators,
    TargetRule.MATCH_BASELINE: rate_against_baseline,
    TargetRule.FIXED_TARGET: rate_against_trajectory,
    TargetRule.NONE: monitoring_only,
}
"""Each target rule's function: a new rule is one function here plus one entry (and its enum)."""
