"""Chart summaries: the sentences that stand in for the pictures."""

from __future__ import annotations

from datetime import date

from dashboard.chart_spec import HistoryChart, history_chart
from dashboard.model import (
    Comparison,
    Direction,
    Polarity,
    RatingStatus,
    Result,
    TargetRule,
    Unit,
)
from dashboard.report import AreaRef, Figure, MeasureEntry, RatingEntry, TargetEntry
from dashboard.summaries import (
    history_summary,
    priority_summary,
    target_summary,
    trend_description,
)


def test_a_trend_says_where_it_started_and_ended() -> None:
    text = trend_description("Crime", [("2017/18", 61.2), ("2018/19", 61.5)], Unit.RATE_PER_1000)
    assert text == (
        "Crime: 2 results, up from 61.2 per 1,000 in 2017/18 to 61.5 per 1,000 in 2018/19."
    )


def test_a_single_result_and_no_result_are_said_plainly() -> None:
    assert trend_description("Feel safe", [("2018/19", 91.2)], Unit.PERCENTAGE) == (
        "Feel safe: one result, 91.2% in 2018/19."
    )
    assert trend_description("Feel safe", [("2018/19", None)], Unit.PERCENTAGE) == (
        "Feel safe: no results yet."
    )


def test_history_sets_the_latest_figure_beside_each_comparator() -> None:
    text = history_summary(
        "South Gloucestershire",
        [("2017/18", 62.0), ("2018/19", 61.5)],
        Unit.RATE_PER_1000,
        [("Avon and Somerset", 80.7), ("South West", 61.5), ("Nowhere", None)],
    )
    assert "down from 62.0 per 1,000" in text
    assert "lower than Avon and Somerset (80.7 per 1,000)" in text
    assert "the same as South West (61.5 per 1,000)" in text
    assert "Nowhere" not in text


def test_priority_summary_counts_significant_comparisons() -> None:
    text = priority_summary(
        "Gloucester",
        [
            [Comparison.BETTER, Comparison.SIMILAR, Comparison.WORSE],
            [Comparison.BETTER, Comparison.NOT_COMPARED],
            [Comparison.NOT_COMPARED],
        ],
    )
    assert text == (
        "Across 2 measures with comparator figures, Gloucester is significantly better than the "
        "comparator in 2 of 4 comparisons, similar in 1 and significantly worse in 1."
    )


def test_priority_summary_without_comparators_says_so() -> None:
    assert "None of these measures" in priority_summary("Gloucester", [[Comparison.NOT_COMPARED]])


def test_summaries_quote_figures_to_the_measures_places() -> None:
    text = history_summary(
        "Gloucester",
        [("2018", 55.0), ("2019", 50.8)],
        Unit.RATE_PER_1000,
        [("South West", 24.3)],
        decimals=2,
    )
    assert text == (
        "Gloucester: 2 results, down from 55.00 per 1,000 in 2018 to 50.80 per 1,000 in 2019. "
        "In 2019 it was higher than South West (24.30 per 1,000)."
    )


def _chart(target: TargetEntry) -> HistoryChart:
    area = AreaRef("E07000081", "Gloucester")
    entry = MeasureEntry(
        code="ASB",
        title="ASB",
        priority=3,
        unit=Unit.RATE_PER_1000,
        polarity=Polarity.LOWER_IS_BETTER,
        public=True,
        area=area,
        target=target,
        figure=Figure("2019", date(2019, 1, 1), date(2019, 12, 31), 50.8),
        rating=RatingEntry(RatingStatus.GREEN, "On target", ""),
        comparators=(),
        direction=Direction.NOT_COMPARED,
        previous=None,
        trend=(),
    )
    history = [
        Result("ASB", area.code, "2018", date(2018, 1, 1), date(2018, 12, 31), 55.0),
        Result("ASB", area.code, "2019", date(2019, 1, 1), date(2019, 12, 31), 50.8),
    ]
    return history_chart(entry, history)


def test_the_chart_summary_says_where_the_trajectory_stands_at_the_latest_result() -> None:
    target = TargetEntry(TargetRule.FIXED_TARGET, "", "2018", 55.0, None, 37.0, "2024")
    assert target_summary(_chart(target)) == (
        "The dotted line is the trajectory from 55.0 per 1,000 in 2018 to 37.0 per 1,000 by "
        "2024; for 2019 it stands at 52.0 per 1,000."
    )


def test_the_chart_summary_names_a_baseline_to_match() -> None:
    target = TargetEntry(TargetRule.MATCH_BASELINE, "", "2018", 55.0)
    assert target_summary(_chart(target)) == (
        "The dotted line is the baseline to match: 55.0 per 1,000 in 2018."
    )
