"""Text summaries of charts and trends: what a screen reader hears instead of the picture."""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.chart_spec import GOAL, HistoryChart
from dashboard.formatting import format_value
from dashboard.model import Comparison, Unit

Point = tuple[str, float | None]  # (period label, value)


def _known(series: Sequence[Point]) -> list[tuple[str, float]]:
    return [(label, value) for label, value in series if value is not None]


def trend_description(
    title: str, series: Sequence[Point], unit: Unit, decimals: int | None = None
) -> str:
    """One sentence describing a small trend, oldest first: the alt text of the sparkline
    (figures to the measure's `decimals`)."""
    known = _known(series)
    if not known:
        return f"{title}: no results yet."
    if len(known) == 1:
        label, value = known[0]
        return f"{title}: one result, {format_value(value, unit, decimals)} in {label}."
    (first_label, first), (last_label, last) = known[0], known[-1]
    if last > first:
        change = "up"
    elif last < first:
        change = "down"
    else:
        change = "unchanged"
    return (
        f"{title}: {len(known)} results, {change} from {format_value(first, unit, decimals)} "
        f"in {first_label} to {format_value(last, unit, decimals)} in {last_label}."
    )


def _relation(own: float, other: float) -> str:
    if own > other:
        return "higher than"
    if own < other:
        return "lower than"
    return "the same as"


def history_summary(
    area: str,
    series: Sequence[Point],
    unit: Unit,
    comparators: Sequence[Point],
    decimals: int | None = None,
) -> str:
    """The measure chart in words: the trend, then how the latest figure sits beside each
    comparator's figure for the same period (comparators as (area name, value))."""
    known = _known(series)
    if not known:
        return f"There are no results for {area} yet."
    text = trend_description(area, series, unit, decimals)
    label, own = known[-1]
    beside = [
        f"{_relation(own, value)} {name} ({format_value(value, unit, decimals)})"
        for name, value in comparators
        if value is not None
    ]
    if beside:
        text += f" In {label} it was " + "; ".join(beside) + "."
    return text


def priority_summary(area: str, comparisons: Sequence[Sequence[Comparison]]) -> str:
    """The priority chart in words: how often the area's figure is significantly better, similar
    or worse than a comparator's, over the priority's measures (one sequence per measure)."""
    judged = [c for measure in comparisons for c in measure if c is not Comparison.NOT_COMPARED]
    measures = sum(1 for m in comparisons if any(c is not Comparison.NOT_COMPARED for c in m))
    if not judged:
        return f"None of these measures has comparator figures to set {area} beside."
    counts = {c: judged.count(c) for c in (Comparison.BETTER, Comparison.SIMILAR, Comparison.WORSE)}
    noun = "measure" if measures == 1 else "measures"
    return (
        f"Across {measures} {noun} with comparator figures, {area} is significantly better "
        f"than the comparator in {counts[Comparison.BETTER]} of {len(judged)} comparisons, "
        f"similar in {counts[Comparison.SIMILAR]} and significantly worse in "
        f"{counts[Comparison.WORSE]}."
    )


def target_summary(chart: HistoryChart) -> str:
    """The chart's target line in words: where a fixed target's trajectory starts and ends and
    where it stands at the latest result; a baseline to match, its level."""
    line, unit, decimals = chart.target, chart.unit, chart.decimals
    if line is None:
        return ""
    start = line.points[0]
    shown = format_value(start.value, unit, decimals)
    if all(p.role != GOAL for p in line.points):
        return f"The dotted line is the baseline to match: {shown} in {start.period}."
    goal = line.points[-1]
    text = (
        f"The dotted line is the trajectory from {shown} in {start.period} to "
        f"{format_value(goal.value, unit, decimals)} by {goal.period}"
    )
    latest = next((p for p in reversed(chart.own.points) if p.value is not None), None)
    on_line = line.value_at(latest.end) if latest else None
    if latest is not None and on_line is not None and latest.end > start.day:
        text += f"; for {latest.period} it stands at {format_value(on_line, unit, decimals)}"
    return text + "."
