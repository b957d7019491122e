"""The history chart's specification: results at their period end dates, one time axis for
calendar and financial years, the target's line as the rating uses it, nothing undrawn listed."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from dashboard.chart_spec import history_chart, trajectory_at
from dashboard.model import (
    Comparison,
    Direction,
    Measure,
    Polarity,
    RatingStatus,
    Result,
    TargetRule,
    TargetSpec,
    Unit,
)
from dashboard.ratings import RatingInput, rate
from dashboard.report import (
    AreaRef,
    ComparatorEntry,
    Figure,
    MeasureEntry,
    RatingEntry,
    TargetEntry,
)

GLOUCESTER, FORCE, REGION = "E07000081", "E23000037", "E12000009"
TARGET = TargetEntry(
    TargetRule.FIXED_TARGET,
    "Reach 37.0 per 1,000 by 2024 (from the 2018 baseline)",
    baseline_period="2018",
    baseline_value=55.0,
    target=37.0,
    target_period="2024",
)
ASB = MeasureEntry(
    code="ASB_INCIDENTS_RATE",
    title="Anti-social behaviour incidents per 1,000 population",
    priority=3,
    unit=Unit.RATE_PER_1000,
    polarity=Polarity.LOWER_IS_BETTER,
    public=True,
    area=AreaRef(GLOUCESTER, "Gloucester"),
    target=TARGET,
    figure=Figure("2019", date(2019, 1, 1), date(2019, 12, 31), 50.8),
    rating=RatingEntry(RatingStatus.GREEN, "On target", ""),
    comparators=(
        ComparatorEntry(AreaRef(FORCE, "Gloucestershire"), None, Comparison.NOT_COMPARED),
        ComparatorEntry(AreaRef(REGION, "South West"), None, Comparison.NOT_COMPARED),
    ),
    direction=Direction.NOT_COMPARED,
    previous=None,
    trend=(),
)


def _result(area: str, period: str, start: date, end: date, value: float | None) -> Result:
    return Result("ASB_INCIDENTS_RATE", area, period, start, end, value)


HISTORY = [
    _result(FORCE, "2016/17", date(2016, 4, 1), date(2017, 3, 31), 40.8),
    _result(FORCE, "2017/18", date(2017, 4, 1), date(2018, 3, 31), 36.9),
    _result(GLOUCESTER, "2018", date(2018, 1, 1), date(2018, 12, 31), 55.0),
    _result(FORCE, "2018/19", date(2018, 4, 1), date(2019, 3, 31), 32.2),
    _result(GLOUCESTER, "2018/19 H2", date(2018, 10, 1), date(2019, 3, 31), 26.0),
    _result(GLOUCESTER, "2019", date(2019, 1, 1), date(2019, 12, 31), 50.8),
]


def test_a_calendar_year_and_a_financial_year_sit_at_their_own_end_dates() -> None:
    chart = history_chart(ASB, HISTORY)
    assert [(p.period, p.end) for p in chart.own.points] == [
        ("2018", date(2018, 12, 31)),
        ("2019", date(2019, 12, 31)),
    ]
    force = chart.comparators[0]
    assert [(p.period, p.end) for p in force.points] == [
        ("2017/18", date(2018, 3, 31)),
        ("2018/19", date(2019, 3, 31)),
    ]


def test_only_periods_as_long_as_the_latest_result_are_on_the_line() -> None:
    periods = [p.period for p in history_chart(ASB, HISTORY).own.points]
    assert "2018/19 H2" not in periods


def test_comparators_start_with_the_partnerships_own_results() -> None:
    force = history_chart(ASB, HISTORY).comparators[0]
    assert "2016/17" not in [p.period for p in force.points]


def test_a_comparator_with_nothing_to_draw_is_left_off_the_chart() -> None:
    chart = history_chart(ASB, HISTORY)
    assert [s.name for s in chart.comparators] == ["Gloucestershire"]  # South West has no figure
    assert all(s.drawn for s in chart.series)


def test_the_trajectory_runs_from_the_baseline_end_to_the_goal_end() -> None:
    line = history_chart(ASB, HISTORY).target
    assert line is not None
    assert [(t.day, t.value, t.period, t.role) for t in line.points] == [
        (date(2018, 12, 31), 55.0, "2018", "Baseline"),
        (date(2024, 12, 31), 37.0, "2024", "Goal"),
    ]
    assert line.value_at(date(2019, 12, 31)) == pytest.approx(52.003, abs=1e-3)
    assert line.value_at(date(2025, 1, 1)) is None


def test_the_lines_value_at_a_result_is_the_trajectory_its_rating_states() -> None:
    measure = Measure("ASB", "ASB", Unit.RATE_PER_1000, Polarity.LOWER_IS_BETTER, decimals=2)
    spec = TargetSpec(TargetRule.FIXED_TARGET, "2018", target=37.0, target_period="2024")
    rating = rate(RatingInput(measure, spec, HISTORY[-1], baseline=HISTORY[2]))
    stated = float(re.search(r"trajectory of ([\d.]+)", rating.reason).group(1))  # type: ignore[union-attr]
    line = history_chart(ASB, HISTORY).target
    assert line is not None
    assert round(line.value_at(date(2019, 12, 31)) or 0, 2) == stated == 52.0
    assert trajectory_at(TARGET, date(2019, 12, 31)) == line.value_at(date(2019, 12, 31))


def test_a_baseline_to_match_is_drawn_level_across_the_chart() -> None:
    target = TargetEntry(
        TargetRule.MATCH_BASELINE, "Match", baseline_period="2018", baseline_value=55.0
    )
    line = history_chart(replace(ASB, target=target), HISTORY).target
    assert line is not None
    assert [(t.day, t.value) for t in line.points] == [
        (date(2018, 12, 31), 55.0),
        (date(2019, 12, 31), 55.0),
    ]


@pytest.mark.parametrize(
    "target",
    [
        TargetEntry(TargetRule.BEAT_COMPARATORS, "Better than"),
        replace(TARGET, baseline_value=None),  # withheld or missing: no line
        replace(TARGET, target_period="2017"),  # a goal before its baseline
    ],
)
def test_no_target_line_without_the_figures_it_needs(target: TargetEntry) -> None:
    assert history_chart(replace(ASB, target=target), HISTORY).target is None
    assert trajectory_at(target, date(2019, 12, 31)) is None


def test_the_time_axis_is_labelled_with_the_partnerships_periods_and_the_goal() -> None:
    assert history_chart(ASB, HISTORY).ticks() == [
        (date(2018, 12, 31), "2018"),
        (date(2019, 12, 31), "2019"),
        (date(2024, 12, 31), "2024"),
    ]


def test_a_long_history_keeps_the_latest_label_and_thins_the_rest() -> None:
    years = [
        _result(GLOUCESTER, str(y), date(y, 1, 1), date(y, 12, 31), 50.0) for y in range(2008, 2020)
    ]
    entry = replace(ASB, target=TargetEntry(TargetRule.NONE, "Monitoring"))
    ticks = history_chart(entry, years).ticks(most=6)
    assert [label for _, label in ticks] == ["2009", "2011", "2013", "2015", "2017", "2019"]
