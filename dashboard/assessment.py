"""One measure as at a reporting point, judged: its rating, intervals, comparisons and direction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard.comparisons import compare_with_comparator, direction_of_travel
from dashboard.formatting import format_value
from dashboard.intervals import interval_for
from dashboard.model import Area, Comparison, Direction, Rating, Result, TargetRule
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

    @property
    def code(self) -> str:
        return self.figures.item.measure.code

    @property
    def result(self) -> Result | None:
        return self.figures.result


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
            goal = format_value(spec.target, unit)
            return (
                f"Reach {goal} by {spec.target_period} (from the {spec.baseline_period} baseline)"
            )
        case _:
            return "Monitoring only: no target"


def assess(figures: MeasureFigures, point_end: date) -> MeasureAssessment:
    """Rate by the partnership's rule and compare statistically (PRODUCT.md section 3)."""
    measure = figures.item.measure
    result = figures.result
    comparator_figures = tuple(
        ComparatorFigure(c.area.code, c.area.name, c.result.observation if c.result else None)
        for c in figures.comparators
    )
    rating = rate(
        RatingInput(
            measure, figures.item.target, result, comparator_figures, figures.baseline, point_end
        )
    )
    observation = result.observation if result else None
    comparators = tuple(
        ComparatorAssessment(
            c.area,
            c.result,
            interval_for(c.result.observation, measure.unit) if c.result else None,
            compare_with_comparator(observation, c.result.value, measure.unit, measure.polarity)
            if observation is not None and c.result is not None
            else Comparison.NOT_COMPARED,
        )
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
    )
