"""One measure as at a reporting point, judged: its rating, intervals, comparisons and direction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from dashboard.comparisons import compare_with_comparator, direction_of_travel
from dashboard.formatting import format_value
from dashboard.intervals import interval_for, with_design_effect
from dashboard.model import (
    Area,
    Comparison,
    Direction,
    Measure,
    Observation,
    Rating,
    Result,
    TargetRule,
)
from dashboard.periods import MAX_RESULT_AGE_YEARS, too_old
from dashboard.ratings import ComparatorFigure, RatingInput, rate
from dashboard.reporting import MeasureFigures

Interval = tuple[float, float]


@dataclass(frozen=True, slots=True)
class ComparatorAssessment:
    area: Area
    result: Result | None
    ci: Interval | None
    comparison: Comparison


@dataclass(frozen=True, slots=True)
class MeasureAssessment:
    figures: MeasureFigures
    rating: Rating
    ci: Interval | None  # 95%
    ci_998: Interval | None
    comparators: tuple[ComparatorAssessment, ...]
    direction: Direction
    target_text: str
    stale: bool = False  # the latest result is over three years older than the point: not used

    @property
    def code(self) -> str:
        return self.figures.item.measure.code

    @property
    def result(self) -> Result | None:
        """The result in use at the point; None when there is none or it is too old."""
        return None if self.stale else self.figures.result


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def target_text(figures: MeasureFigures, comparator_names: list[str]) -> str:
    """The target in words, as a member would say it."""
    spec, unit = figures.item.target, figures.item.measure.unit
    match spec.rule:
        case TargetRule.BEAT_COMPARATORS:
            return (
                f"Better than {_join_names(comparator_names)}"
                if comparator_names
                else "Better than the comparator areas"
            )
        case TargetRule.MATCH_BASELINE:
            return f"Match or better the {spec.baseline_period} result"
        case TargetRule.FIXED_TARGET:
            goal = format_value(spec.target, unit, figures.item.measure.decimals)
            return (
                f"Reach {goal} by {spec.target_period} (from the {spec.baseline_period} baseline)"
            )
        case _:
            return "Monitoring only: no target"


def _compare(
    area: Area, result: Result | None, local: Observation | None, measure: Measure
) -> ComparatorAssessment:
    if result is None:
        return ComparatorAssessment(area, None, None, Comparison.NOT_COMPARED)
    comparison = (
        compare_with_comparator(local, result.value, measure.unit, measure.polarity)
        if local is not None
        else Comparison.NOT_COMPARED
    )
    return ComparatorAssessment(
        area, result, interval_for(result.observation, measure.unit), comparison
    )


def _with_design_effects(figures: MeasureFigures) -> MeasureFigures:
    """Every figure carrying the design effect its statistics use (PRODUCT.md section 2)."""
    measure = figures.item.measure

    def used(result: Result | None) -> Result | None:
        return None if result is None else with_design_effect(result, measure)

    return replace(
        figures,
        result=used(figures.result),
        comparators=tuple(replace(c, result=used(c.result)) for c in figures.comparators),
        year_earlier=used(figures.year_earlier),
        baseline=used(figures.baseline),
    )


def assess(figures: MeasureFigures, point_end: date) -> MeasureAssessment:
    """Rate by the partnership's rule and compare statistically (PRODUCT.md section 3); a
    weighted survey percentage on its effective base (base ÷ design effect)."""
    figures = _with_design_effects(figures)
    measure = figures.item.measure
    result = figures.result
    comparator_figures = tuple(
        ComparatorFigure(c.area.code, c.area.name, c.result.observation if c.result else None)
        for c in figures.comparators
    )
    max_age = figures.item.max_age_years or MAX_RESULT_AGE_YEARS
    rating = rate(
        RatingInput(
            measure,
            figures.item.target,
            result,
            comparator_figures,
            figures.baseline,
            point_end,
            max_age,
        )
    )
    stale = result is not None and too_old(result.period_end, point_end, max_age)
    observation = result.observation if result and not stale else None
    comparators = tuple(
        _compare(c.area, None if stale else c.result, observation, measure)
        for c in figures.comparators
    )
    direction = (
        direction_of_travel(
            observation,
            figures.year_earlier.observation if figures.year_earlier else None,
            measure.unit,
            measure.polarity,
        )
        if observation is not None
        else Direction.NOT_COMPARED
    )
    return MeasureAssessment(
        figures,
        rating,
        interval_for(observation, measure.unit) if observation else None,
        interval_for(observation, measure.unit, 0.998) if observation else None,
        comparators,
        direction,
        target_text(figures, [c.area.name for c in figures.comparators]),
        stale,
    )
