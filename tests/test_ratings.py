"""The rating rules of PRODUCT.md section 3: status, label and the reason a tile shows."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.comparisons import is_better
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
from dashboard.periods import parse_period
from dashboard.ratings import RULES, ComparatorFigure, RatingInput, rate

GREEN, AMBER, RED = RatingStatus.GREEN, RatingStatus.AMBER, RatingStatus.RED
NOT_RATED, NO_DATA = RatingStatus.NONE, RatingStatus.NO_DATA
LOWER, HIGHER = Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER

CRIME = Measure(
    "CRIME_TOTAL_RATE", "All recorded crime (excluding fraud)", Unit.RATE_PER_1000, LOWER
)
CONFIDENCE = Measure("POLICE_CONFIDENCE", "Confidence in the police", Unit.PERCENTAGE, HIGHER)
FEEL_SAFE = Measure("FEEL_SAFE_DARK", "Residents who feel safe after dark", Unit.PERCENTAGE, HIGHER)
FEEL_UNSAFE = Measure("FEEL_UNSAFE", "Residents who feel unsafe at home", Unit.PERCENTAGE, LOWER)
VIOLENCE = Measure("VIOLENCE_RATE", "Violence against the person", Unit.RATE_PER_1000, LOWER)
REFERRALS = Measure("MARAC_REFERRALS", "MARAC referrals", Unit.COUNT, Polarity.NO_JUDGEMENT)

BEAT = TargetSpec(TargetRule.BEAT_COMPARATORS)
MONITOR = TargetSpec(TargetRule.NONE)
MATCH_2018_19 = TargetSpec(TargetRule.MATCH_BASELINE, baseline_period="2018/19")
GOAL_2024 = TargetSpec(
    TargetRule.FIXED_TARGET, baseline_period="2018", target=55.2, target_period="2024"
)
MARCH_2019 = date(2019, 3, 31)


def result(
    period: str,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
) -> Result:
    dates = parse_period(period)
    return Result(
        "M", "E06000025", dates.label, dates.start, dates.end, value, numerator, denominator
    )


def comparators(*figures: tuple[str, float | None]) -> tuple[ComparatorFigure, ...]:
    return tuple(
        ComparatorFigure(f"X{i}", name, None if value is None else Observation(value))
        for i, (name, value) in enumerate(figures)
    )


# South Gloucestershire's comparators, 2017/18 crime per 1,000 (delivery plan 2019/20, section 15)
AVON, SOUTH_WEST, ENGLAND_WALES = "Avon and Somerset", "South West", "England and Wales"
DELIVERY_PLAN = comparators((AVON, 81.6), (SOUTH_WEST, 66.6), (ENGLAND_WALES, 83.4))


def crime_rating(value: float, figures: tuple[ComparatorFigure, ...] = DELIVERY_PLAN) -> Rating:
    return rate(RatingInput(CRIME, BEAT, result("2017/18", value), figures, point_end=MARCH_2019))


def assert_rating(rating: Rating, status: RatingStatus, *words: str) -> None:
    assert rating.status is status, rating.reason
    assert rating.label == STATUS_LABELS[status]
    for word in words:
        assert word in rating.reason


# --- checks before any rule ---------------------------------------------------------------------


def test_a_measure_with_no_result_is_no_data_naming_the_reporting_point() -> None:
    rating = rate(RatingInput(CRIME, BEAT, None, DELIVERY_PLAN, point_end=MARCH_2019))
    assert rating == Rating(NO_DATA, "No data", "No result on or before 31 March 2019")


def test_a_measure_with_no_result_and_no_reporting_point_just_says_no_result() -> None:
    assert rate(RatingInput(CRIME, BEAT, None, DELIVERY_PLAN)).reason == "No result"


def test_a_result_without_a_value_is_no_data() -> None:
    rating = rate(
        RatingInput(CRIME, BEAT, result("2017/18", None), DELIVERY_PLAN, point_end=MARCH_2019)
    )
    assert_rating(rating, NO_DATA, "No result on or before 31 March 2019")


def test_a_result_more_than_three_years_before_the_point_is_no_data_naming_its_period() -> None:
    rating = rate(
        RatingInput(CRIME, BEAT, result("2014/15", 61.2), DELIVERY_PLAN, point_end=MARCH_2019)
    )
    assert rating == Rating(
        NO_DATA,
        "No data",
        "The latest result is for 2014/15, more than three years before 31 March 2019",
    )


def test_a_result_exactly_three_years_before_the_point_is_still_rated() -> None:
    rating = rate(
        RatingInput(CRIME, BEAT, result("2015/16", 61.2), DELIVERY_PLAN, point_end=MARCH_2019)
    )
    assert_rating(rating, GREEN, "Better than all 3 comparators")


def test_a_too_old_result_is_no_data_even_for_a_monitoring_measure() -> None:
    rating = rate(RatingInput(REFERRALS, MONITOR, result("2014/15", 300), point_end=MARCH_2019))
    assert_rating(rating, NO_DATA, "2014/15", "more than three years")


def test_rule_none_is_shown_as_monitoring_and_never_a_colour() -> None:
    rating = rate(RatingInput(CRIME, MONITOR, result("2017/18", 61.2), DELIVERY_PLAN))
    assert rating == Rating(NOT_RATED, "Monitoring", "Monitoring only: no target is set")


def test_a_measure_with_no_polarity_can_still_be_monitored() -> None:
    rating = rate(RatingInput(REFERRALS, MONITOR, result("2017/18", 300)))
    assert (rating.status, rating.label) == (NOT_RATED, "Monitoring")


@pytest.mark.parametrize("target", [BEAT, MATCH_2018_19, GOAL_2024])
def test_a_rule_on_a_measure_with_no_polarity_is_no_data_saying_so(target: TargetSpec) -> None:
    rating = rate(RatingInput(REFERRALS, target, result("2019/20", 300), DELIVERY_PLAN))
    assert_rating(rating, NO_DATA, "MARAC referrals has no polarity, so it cannot be rated")


def test_every_target_rule_has_a_rating_function() -> None:
    assert set(RULES) == set(TargetRule)


def test_a_target_with_an_unreadable_baseline_period_is_no_data_saying_why() -> None:
    target = TargetSpec(TargetRule.MATCH_BASELINE, baseline_period="2018/20")
    rating = rate(RatingInput(FEEL_SAFE, target, result("2019/20", 64.0), baseline=None))
    assert_rating(rating, NO_DATA, "The target cannot be read", "'2018/20' is not a period")


# --- beat comparators ---------------------------------------------------------------------------


def test_delivery_plan_crime_rate_below_all_three_comparators_is_green() -> None:
    rating = crime_rating(61.2)
    assert rating == Rating(
        GREEN,
        "On target",
        "Better than all 3 comparators: Avon and Somerset 81.6, South West 66.6, "
        "England and Wales 83.4",
    )


def test_the_green_reason_lists_every_comparator_with_its_shown_figure() -> None:
    figures = comparators((AVON, 81.7), (SOUTH_WEST, 66.6), (ENGLAND_WALES, 83.5))
    assert crime_rating(61.2, figures).reason == (
        "Better than all 3 comparators: Avon and Somerset 81.7, South West 66.6, "
        "England and Wales 83.5"
    )


def test_better_than_two_of_three_comparators_is_amber_naming_the_one_it_is_worse_than() -> None:
    rating = crime_rating(70.0)
    assert rating == Rating(
        AMBER,
        "Close",
        "Better than 2 of 3 comparators: Avon and Somerset 81.6, England and Wales 83.4; "
        "worse than South West 66.6",
    )


def test_better_than_none_of_the_comparators_is_red() -> None:
    rating = crime_rating(90.0)
    assert rating == Rating(
        RED,
        "Off target",
        "Better than none of the 3 comparators: worse than Avon and Somerset 81.6, "
        "South West 66.6, England and Wales 83.4",
    )


def test_a_tie_with_a_comparator_is_not_better() -> None:
    rating = crime_rating(66.6)
    assert_rating(rating, AMBER, "Better than 2 of 3 comparators", "no better than South West 66.6")
    assert "worse than" not in rating.reason


def test_a_tie_with_the_only_comparator_is_red() -> None:
    rating = crime_rating(66.6, comparators((SOUTH_WEST, 66.6)))
    assert rating == Rating(RED, "Off target", "No better than South West 66.6")


def test_better_than_the_only_comparator_is_green() -> None:
    rating = crime_rating(61.2, comparators((SOUTH_WEST, 66.6)))
    assert rating == Rating(GREEN, "On target", "Better than the one comparator: South West 66.6")


def test_comparators_are_compared_unrounded_when_both_show_the_same_figure() -> None:
    both_show_66_6 = comparators((SOUTH_WEST, 66.64))
    assert_rating(crime_rating(66.62, both_show_66_6), GREEN, "South West 66.6")
    assert_rating(
        crime_rating(66.58, comparators((SOUTH_WEST, 66.56))), RED, "Worse than South West 66.6"
    )


def test_beat_comparators_follows_polarity_when_higher_is_better() -> None:
    figures = comparators((AVON, 80.1), (SOUTH_WEST, 86.0), (ENGLAND_WALES, 84.9))
    rating = rate(RatingInput(CONFIDENCE, BEAT, result("2018/19", 85.0), figures))
    assert rating == Rating(
        AMBER,
        "Close",
        "Better than 2 of 3 comparators: Avon and Somerset 80.1%, England and Wales 84.9%; "
        "worse than South West 86.0%",
    )


def test_a_higher_is_better_measure_above_every_comparator_is_green() -> None:
    figures = comparators((AVON, 80.1), (SOUTH_WEST, 86.0))
    rating = rate(RatingInput(CONFIDENCE, BEAT, result("2018/19", 86.5), figures))
    assert_rating(rating, GREEN, "Better than all 2 comparators: Avon and Somerset 80.1%")


def test_a_higher_is_better_measure_below_every_comparator_is_red() -> None:
    figures = comparators((AVON, 80.1), (SOUTH_WEST, 86.0))
    rating = rate(RatingInput(CONFIDENCE, BEAT, result("2018/19", 79.0), figures))
    assert_rating(rating, RED, "Better than none of the 2 comparators: worse than")


def test_a_comparator_without_a_figure_is_named_and_the_rest_still_rate() -> None:
    figures = comparators((AVON, 81.6), (SOUTH_WEST, None), (ENGLAND_WALES, 83.4))
    rating = crime_rating(61.2, figures)
    assert rating == Rating(
        GREEN,
        "On target",
        "Rated against 2 of 3 comparators (no figure for South West): "
        "better than Avon and Somerset 81.6, England and Wales 83.4",
    )


def test_a_comparator_whose_observation_has_no_value_counts_as_without_a_figure() -> None:
    figures = (
        ComparatorFigure("E23000036", AVON, Observation(None)),
        *comparators((SOUTH_WEST, 66.6), (ENGLAND_WALES, 83.4)),
    )
    rating = crime_rating(70.0, figures)
    assert rating == Rating(
        AMBER,
        "Close",
        "Rated against 2 of 3 comparators (no figure for Avon and Somerset): "
        "better than England and Wales 83.4; worse than South West 66.6",
    )


def test_missing_comparators_are_named_on_a_red_rating_too() -> None:
    figures = comparators((AVON, None), (SOUTH_WEST, 66.6), (ENGLAND_WALES, None))
    rating = crime_rating(70.0, figures)
    assert_rating(
        rating,
        RED,
        "Rated against 1 of 3 comparators",
        "no figure for Avon and Somerset, England and Wales",
        "worse than South West 66.6",
    )


def test_no_comparator_figures_at_all_is_no_data_for_the_period() -> None:
    rating = crime_rating(61.2, comparators((AVON, None), (SOUTH_WEST, None)))
    assert rating == Rating(NO_DATA, "No data", "No comparator figures for 2017/18")


def test_no_comparator_areas_is_no_data_saying_so() -> None:
    assert_rating(crime_rating(61.2, ()), NO_DATA, "No comparator areas are set")


def test_beat_comparators_judges_values_not_intervals() -> None:
    # 66.5 beats 66.6 by value although its 95% interval (about 65.6–67.5) contains 66.6
    figures = (ComparatorFigure("E12000009", SOUTH_WEST, Observation(66.6, 300_000, 4_504_504)),)
    local = result("2017/18", 66.5, 18_760, 282_100)
    assert_rating(rate(RatingInput(CRIME, BEAT, local, figures)), GREEN)


figure_values = st.floats(0.0, 200.0, allow_nan=False)


@given(
    figure_values, st.lists(figure_values, min_size=1, max_size=6), st.sampled_from([LOWER, HIGHER])
)
def test_beat_comparators_status_counts_the_comparators_strictly_beaten(
    value: float, others: list[float], polarity: Polarity
) -> None:
    measure = Measure("M", "A measure", Unit.RATE_PER_1000, polarity)
    figures = comparators(*((f"Area {i}", v) for i, v in enumerate(others)))
    rating = rate(RatingInput(measure, BEAT, result("2018/19", value), figures))
    beaten = sum(is_better(value, v, polarity) for v in others)
    expected = GREEN if beaten == len(others) else AMBER if beaten else RED
    assert rating.status is expected
    assert rating.label == STATUS_LABELS[expected]


# --- match baseline -----------------------------------------------------------------------------


def survey(
    period: str,
    value: float,
    numerator: float | None = None,
    denominator: float | None = None,
    *,
    measure: Measure = FEEL_SAFE,
    baseline: Result | None = None,
    target: TargetSpec = MATCH_2018_19,
) -> Rating:
    current = result(period, value, numerator, denominator)
    return rate(RatingInput(measure, target, current, baseline=baseline))


BASELINE_65 = result("2018/19", 65.0, 650, 1000)
BASELINE_64_NO_SAMPLE = result("2018/19", 64.0)


def test_the_baseline_periods_own_result_is_not_rated_but_labelled_baseline() -> None:
    rating = survey("2018/19", 65.0, 650, 1000, baseline=BASELINE_65)
    assert rating == Rating(
        NOT_RATED, "Baseline", "This is the baseline (2018/19) the target is set from"
    )


def test_a_result_before_the_baseline_period_is_not_rated() -> None:
    rating = survey("2017/18", 61.0, baseline=BASELINE_65)
    assert rating == Rating(NOT_RATED, "Baseline", "Before the baseline period 2018/19: not rated")


def test_a_half_year_ending_with_the_baseline_year_is_not_rated() -> None:
    rating = survey("2018/19 H2", 61.0, baseline=BASELINE_65)
    assert (rating.status, rating.label) == (NOT_RATED, "Baseline")
    assert "Ends with the baseline period 2018/19" in rating.reason


def test_match_baseline_without_the_baseline_result_is_no_data_naming_the_period() -> None:
    rating = survey("2019/20", 66.0, baseline=None)
    assert rating == Rating(NO_DATA, "No data", "No result for the baseline period 2018/19")


def test_match_baseline_with_a_baseline_result_but_no_value_is_no_data() -> None:
    rating = survey("2019/20", 66.0, baseline=result("2018/19", None))
    assert_rating(rating, NO_DATA, "No result for the baseline period 2018/19")


def test_match_baseline_without_a_baseline_period_is_no_data_saying_so() -> None:
    target = TargetSpec(TargetRule.MATCH_BASELINE)
    rating = survey("2019/20", 66.0, baseline=BASELINE_65, target=target)
    assert_rating(rating, NO_DATA, "No baseline period is set")


@pytest.mark.parametrize("measure", [FEEL_SAFE, FEEL_UNSAFE])
def test_equal_to_the_baseline_is_green_whichever_the_polarity(measure: Measure) -> None:
    rating = survey("2019/20", 65.0, 640, 1000, measure=measure, baseline=BASELINE_65)
    assert rating == Rating(GREEN, "On target", "65.0% equals the 2018/19 baseline of 65.0%")


def test_higher_than_the_baseline_is_green_when_higher_is_better() -> None:
    rating = survey("2019/20", 66.0, 660, 1000, baseline=BASELINE_65)
    assert rating == Rating(
        GREEN, "On target", "66.0% is better than the 2018/19 baseline of 65.0%"
    )


def test_lower_than_the_baseline_is_green_when_lower_is_better() -> None:
    rating = survey(
        "2019/20", 30.0, 300, 1000, measure=FEEL_UNSAFE, baseline=result("2018/19", 35.0, 350, 1000)
    )
    assert_rating(rating, GREEN, "30.0% is better than the 2018/19 baseline of 35.0%")


def test_match_baseline_is_amber_when_worse_but_not_significantly() -> None:
    # 608 of 1,000 against 650 of 1,000: z = -1.94
    rating = survey("2019/20", 60.8, 608, 1000, baseline=BASELINE_65)
    assert rating == Rating(
        AMBER,
        "Close",
        "60.8% is lower than the 2018/19 baseline of 65.0%, but not significantly "
        "(95% two-sample test)",
    )


def test_match_baseline_is_red_when_significantly_worse() -> None:
    # 607 of 1,000 against 650 of 1,000: z = -1.99
    rating = survey("2019/20", 60.7, 607, 1000, baseline=BASELINE_65)
    assert rating == Rating(
        RED,
        "Off target",
        "60.7% is significantly lower than the 2018/19 baseline of 65.0% (95% two-sample test)",
    )


def test_a_significant_rise_is_red_when_lower_is_better() -> None:
    baseline = result("2018/19", 35.0, 350, 1000)
    rating = survey("2019/20", 39.3, 393, 1000, measure=FEEL_UNSAFE, baseline=baseline)  # z = 1.99
    assert_rating(rating, RED, "39.3% is significantly higher than the 2018/19 baseline of 35.0%")


def test_a_rise_that_is_not_significant_is_amber_when_lower_is_better() -> None:
    baseline = result("2018/19", 35.0, 350, 1000)
    rating = survey("2019/20", 39.0, 390, 1000, measure=FEEL_UNSAFE, baseline=baseline)  # z = 1.85
    assert_rating(
        rating, AMBER, "39.0% is higher than the 2018/19 baseline of 35.0%, but not significantly"
    )


def test_a_weighted_percentage_with_only_its_base_is_tested_on_value_times_base() -> None:
    weighted_baseline = result("2018/19", 65.0, None, 1000)
    assert_rating(
        survey("2019/20", 60.7, None, 1000, baseline=weighted_baseline), RED, "significantly lower"
    )
    assert_rating(
        survey("2019/20", 60.8, None, 1000, baseline=weighted_baseline), AMBER, "not significantly"
    )


def test_a_crime_rate_is_tested_on_the_log_rate_ratio() -> None:
    target = TargetSpec(TargetRule.MATCH_BASELINE, baseline_period="2018/19")
    baseline = result("2018/19", 61.2, 17270, 282_100)
    significant = result("2019/20", 62.6, 17_650, 282_100)  # z = 2.03
    assert_rating(
        rate(RatingInput(CRIME, target, significant, baseline=baseline)),
        RED,
        "significantly higher",
    )
    similar = result("2019/20", 62.4, 17_600, 282_100)  # z = 1.77
    assert_rating(
        rate(RatingInput(CRIME, target, similar, baseline=baseline)), AMBER, "not significantly"
    )


def test_without_sample_sizes_a_shortfall_within_tolerance_is_amber() -> None:
    target = TargetSpec(TargetRule.MATCH_BASELINE, baseline_period="2018/19", tolerance=2.0)
    rating = survey("2019/20", 62.5, baseline=BASELINE_64_NO_SAMPLE, target=target)
    assert rating == Rating(
        AMBER,
        "Close",
        "62.5% is lower than the 2018/19 baseline of 64.0%, within the tolerance of "
        "2.0 percentage points (no sample size is known)",
    )


def test_without_sample_sizes_a_shortfall_beyond_tolerance_is_red() -> None:
    target = TargetSpec(TargetRule.MATCH_BASELINE, baseline_period="2018/19", tolerance=2.0)
    rating = survey("2019/20", 61.9, baseline=BASELINE_64_NO_SAMPLE, target=target)
    assert_rating(
        rating,
        RED,
        "61.9% is lower than the 2018/19 baseline of 64.0%",
        "beyond the tolerance of 2.0 percentage points",
    )


def test_a_shortfall_exactly_at_the_tolerance_is_amber_despite_floating_point() -> None:
    # 64.4 - 62.4 is 2.000000000000007 in binary floating point
    target = TargetSpec(TargetRule.MATCH_BASELINE, baseline_period="2018/19", tolerance=2.0)
    rating = survey("2019/20", 62.4, baseline=result("2018/19", 64.4), target=target)
    assert_rating(rating, AMBER, "within the tolerance of 2.0 percentage points")


def test_without_sample_sizes_or_tolerance_any_shortfall_is_red_and_says_why() -> None:
    rating = survey("2019/20", 63.9, baseline=BASELINE_64_NO_SAMPLE)
    assert_rating(
        rating, RED, "63.9% is lower than the 2018/19 baseline of 64.0%", "no tolerance is set"
    )


def test_a_rate_tolerance_is_in_the_rates_own_unit() -> None:
    target = TargetSpec(TargetRule.MATCH_BASELINE, baseline_period="2018/19", tolerance=1.5)
    rating = rate(
        RatingInput(VIOLENCE, target, result("2019/20", 22.4), baseline=result("2018/19", 21.0))
    )
    assert_rating(
        rating,
        AMBER,
        "22.4 is higher than the 2018/19 baseline of 21.0",
        "within the tolerance of 1.5 per 1,000",
    )


def test_with_only_one_sample_size_known_the_tolerance_decides() -> None:
    target = TargetSpec(TargetRule.MATCH_BASELINE, baseline_period="2018/19", tolerance=1.0)
    rating = survey("2019/20", 60.7, 607, 1000, baseline=BASELINE_64_NO_SAMPLE, target=target)
    assert_rating(rating, RED, "beyond the tolerance of 1.0 percentage points")


# --- fixed target -------------------------------------------------------------------------------


def violence(
    period: str, value: float, *, target: TargetSpec = GOAL_2024, baseline: float | None = 81.5
) -> Rating:
    base = None if baseline is None else result("2018", baseline)
    return rate(RatingInput(VIOLENCE, target, result(period, value), baseline=base))


def test_fixed_target_midway_trajectory_is_halfway_from_baseline_to_target() -> None:
    # 2021 ends 1,096 of the 2,192 days from the end of 2018 to the end of 2024: 81.5 → 68.35
    rating = violence("2021", 68.35)
    assert rating == Rating(
        GREEN,
        "On target",
        "68.4 is at or better than the trajectory of 68.4 for 2021 towards 55.2 by 2024",
    )


def test_fixed_target_just_behind_the_trajectory_but_better_than_baseline_is_amber() -> None:
    assert_rating(violence("2021", 68.36), AMBER, "behind the trajectory of 68.4 for 2021")


def test_fixed_target_ahead_of_the_trajectory_is_green() -> None:
    assert_rating(violence("2021", 60.0), GREEN, "60.0 is at or better than the trajectory")


def test_fixed_target_trajectory_is_interpolated_by_the_results_end_date() -> None:
    # 2019 ends 365 of 2,192 days along: 81.5 + (55.2 - 81.5) x 365 / 2192 = 77.12
    rating = violence("2019", 78.0)
    assert rating == Rating(
        AMBER,
        "Close",
        "78.0 is better than the 2018 baseline of 81.5 but behind the trajectory of 77.1 "
        "for 2019 towards 55.2 by 2024",
    )
    assert violence("2019", 77.1).status is GREEN


def test_fixed_target_no_better_than_the_baseline_is_red() -> None:
    rating = violence("2021", 81.5)
    assert_rating(
        rating, RED, "81.5 is no better than the 2018 baseline of 81.5", "trajectory of 68.4"
    )


def test_fixed_target_in_the_target_period_is_judged_against_the_target() -> None:
    assert_rating(
        violence("2024", 55.2), GREEN, "55.2 is at or better than the 2024 target of 55.2"
    )


def test_after_the_target_period_at_or_better_than_the_target_is_green() -> None:
    rating = violence("2025", 54.0)
    assert rating == Rating(GREEN, "On target", "54.0 is at or better than the 2024 target of 55.2")


def test_after_the_target_period_better_than_baseline_only_is_amber() -> None:
    rating = violence("2025", 60.0)
    assert rating == Rating(
        AMBER,
        "Close",
        "60.0 misses the 2024 target of 55.2 but is better than the 2018 baseline of 81.5",
    )


def test_after_the_target_period_no_better_than_baseline_is_red() -> None:
    rating = violence("2025", 82.0)
    assert_rating(
        rating,
        RED,
        "82.0 misses the 2024 target of 55.2 and is no better than the 2018 baseline of 81.5",
    )


def test_fixed_target_follows_polarity_when_higher_is_better() -> None:
    target = TargetSpec(
        TargetRule.FIXED_TARGET, baseline_period="2018", target=52.0, target_period="2024"
    )
    baseline = result("2018", 40.0)

    def rating(value: float) -> Rating:
        return rate(RatingInput(CONFIDENCE, target, result("2021", value), baseline=baseline))

    assert_rating(
        rating(46.0),
        GREEN,
        "46.0% is at or better than the trajectory of 46.0% for 2021 towards 52.0% by 2024",
    )
    assert_rating(rating(45.0), AMBER, "45.0% is better than the 2018 baseline of 40.0% but behind")
    assert_rating(rating(40.0), RED, "no better than the 2018 baseline of 40.0%")


def test_fixed_target_result_for_the_baseline_period_is_labelled_baseline() -> None:
    rating = violence("2018", 81.5)
    assert rating == Rating(
        NOT_RATED, "Baseline", "This is the baseline (2018) the target is set from"
    )


def test_fixed_target_result_before_the_baseline_is_not_rated() -> None:
    rating = violence("2017/18", 90.0)
    assert rating == Rating(NOT_RATED, "Baseline", "Before the baseline period 2018: not rated")


def test_fixed_target_without_the_baseline_result_is_no_data_naming_the_period() -> None:
    rating = violence("2021", 60.0, baseline=None)
    assert rating == Rating(NO_DATA, "No data", "No result for the baseline period 2018")


@pytest.mark.parametrize(
    ("target", "missing"),
    [
        (TargetSpec(TargetRule.FIXED_TARGET, "2018", None, None, "2024"), "No target value is set"),
        (TargetSpec(TargetRule.FIXED_TARGET, "2018", None, 55.2, None), "No target period is set"),
        (
            TargetSpec(TargetRule.FIXED_TARGET, None, None, 55.2, "2024"),
            "No baseline period is set",
        ),
        (
            TargetSpec(TargetRule.FIXED_TARGET, "2018", None, 55.2, "2018"),
            "must end after the baseline",
        ),
    ],
)
def test_fixed_target_missing_a_figure_is_no_data_saying_which(
    target: TargetSpec, missing: str
) -> None:
    assert_rating(violence("2021", 60.0, target=target), NO_DATA, missing)
