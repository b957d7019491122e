"""What a measure's history chart shows, as plain data: each area's results at their periods' end
dates (with 95% intervals) and the target's line, on one time axis. The dashboard draws it with
Plotly; a server-side SVG can draw the same specification."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from dashboard.intervals import interval_for
from dashboard.model import Result, TargetRule, Unit
from dashboard.periods import PeriodLabelError, parse_period
from dashboard.ratings import trajectory_value
from dashboard.report import MeasureEntry, TargetEntry

SAME_LENGTH_DAYS = 5  # periods this close in length are "the same length" (months differ)
MOST_TICKS = 6  # labels on the time axis, so a phone's axis does not crowd
BASELINE = "Baseline"
GOAL = "Goal"


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One result on the time axis: it sits at its period's end date; the span is its period."""

    period: str
    start: date
    end: date
    value: float | None
    low: float | None = None  # 95% interval, where the counts allow one
    high: float | None = None
    illustrative: bool = False


@dataclass(frozen=True, slots=True)
class Series:
    name: str  # plain text: a renderer escapes it for its own markup
    points: tuple[ChartPoint, ...]  # oldest first

    @property
    def drawn(self) -> bool:
        return any(p.value is not None for p in self.points)


@dataclass(frozen=True, slots=True)
class TargetPoint:
    day: date
    value: float
    period: str
    role: str  # what the point is: "Baseline", "Goal"


@dataclass(frozen=True, slots=True)
class TargetLine:
    """The target as a line: a fixed target's straight-line trajectory from the baseline
    period's end date to the target period's end date, or a baseline to match drawn level
    across the chart."""

    name: str
    points: tuple[TargetPoint, ...]  # oldest first

    def value_at(self, day: date) -> float | None:
        """The line's value on a date between its first and last points (None outside them)."""
        for a, b in pairwise(self.points):
            if a.day <= day <= b.day:
                share = (day - a.day).days / (b.day - a.day).days if b.day != a.day else 0.0
                return a.value + (b.value - a.value) * share
        if len(self.points) == 1 and self.points[0].day == day:
            return self.points[0].value
        return None


@dataclass(frozen=True, slots=True)
class HistoryChart:
    title: str
    unit: Unit
    decimals: int | None
    own: Series
    comparators: tuple[Series, ...]  # only those with a figure to draw: a legend lists no other
    target: TargetLine | None

    @property
    def series(self) -> tuple[Series, ...]:
        return (self.own, *self.comparators)

    def periods(self) -> list[tuple[str, date]]:
        """Every period on the chart, by end date (then label), with its end date."""
        found = {(p.period, p.end) for s in self.series for p in s.points}
        return sorted(found, key=lambda item: (item[1], item[0]))

    def ticks(self, most: int = MOST_TICKS) -> list[tuple[date, str]]:
        """Where the time axis is labelled, and with what: the partnership's own periods at
        their end dates, and a fixed target's goal; at most `most`, always the latest."""
        found = {p.end: p.period for p in self.own.points}
        if self.target is not None:
            found |= {t.day: t.period for t in self.target.points if t.role == GOAL}
        ticks = sorted(found.items())
        step = -(-len(ticks) // most) if ticks else 1
        return ticks[::-1][::step][::-1]


def period_end(label: str | None) -> date | None:
    """The end date of a period label; None for no label or one that is not a period."""
    if not label:
        return None
    try:
        return parse_period(label).end
    except PeriodLabelError:
        return None


def trajectory_at(target: TargetEntry, day: date) -> float | None:
    """A fixed target's trajectory on a date (as the rating uses it); None for other rules or
    when a figure the line needs is missing."""
    start, goal = period_end(target.baseline_period), period_end(target.target_period)
    if (
        target.rule is not TargetRule.FIXED_TARGET
        or target.baseline_value is None
        or target.target is None
        or start is None
        or goal is None
        or goal <= start
    ):
        return None
    return trajectory_value(target.baseline_value, target.target, start, goal, day)


def _ends(point: ChartPoint) -> date:
    return point.end


def _same_length(a: Result, start: date, end: date) -> bool:
    return abs((a.period_end - a.period_start).days - (end - start).days) <= SAME_LENGTH_DAYS


def _point(result: Result, unit: Unit) -> ChartPoint:
    ci = interval_for(result.observation, unit)
    return ChartPoint(
        result.period,
        result.period_start,
        result.period_end,
        result.value,
        ci[0] if ci else None,
        ci[1] if ci else None,
        result.illustrative,
    )


def _target_line(entry: MeasureEntry, last: ChartPoint | None) -> TargetLine | None:
    target = entry.target
    start, goal = period_end(target.baseline_period), period_end(target.target_period)
    if target.baseline_value is None or start is None or not target.baseline_period:
        return None
    baseline = TargetPoint(start, target.baseline_value, target.baseline_period, BASELINE)
    if target.rule is TargetRule.FIXED_TARGET and target.target is not None and goal:
        if goal <= start or not target.target_period:
            return None
        return TargetLine(
            f"Trajectory to the {target.target_period} goal",
            (baseline, TargetPoint(goal, target.target, target.target_period, GOAL)),
        )
    if target.rule is TargetRule.MATCH_BASELINE:
        level = (baseline,)
        if last is not None and last.end > start:
            level += (TargetPoint(last.end, target.baseline_value, last.period, BASELINE),)
        return TargetLine(f"Baseline to match ({target.baseline_period})", level)
    return None


def history_chart(entry: MeasureEntry, history: Sequence[Result]) -> HistoryChart:
    """The measure page's chart: the partnership's results as long as the latest one, each
    comparator's results of that length over the same years, and the target's line."""
    figure = entry.figure
    own_results = [r for r in history if r.area_code == entry.area.code]
    if figure is not None:
        own_results = [r for r in own_results if _same_length(r, figure.start, figure.end)]
    first = min((r.period_start for r in own_results), default=None)

    def wanted(r: Result) -> bool:
        length_ok = figure is None or _same_length(r, figure.start, figure.end)
        return length_ok and (first is None or r.period_end >= first)

    own = Series(entry.area.name, tuple(_point(r, entry.unit) for r in own_results))
    comparators = tuple(
        series
        for c in entry.comparators
        if (
            series := Series(
                c.area.name,
                tuple(
                    _point(r, entry.unit)
                    for r in history
                    if r.area_code == c.area.code and wanted(r)
                ),
            )
        ).drawn
    )
    last = max((p for s in (own, *comparators) for p in s.points), key=_ends, default=None)
    return HistoryChart(
        entry.title, entry.unit, entry.decimals, own, comparators, _target_line(entry, last)
    )
