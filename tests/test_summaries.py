"""Chart summaries: the sentences that stand in for the pictures."""

from __future__ import annotations

from dashboard.model import Comparison, Unit
from dashboard.summaries import history_summary, priority_summary, trend_description


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
