"""The sample data rated as its source documents imply: the delivery plan's 2017/18 crime figures
(paras 15-18, rule 37b) and Gloucester's 2024 goals (annual review 2018), with the words a member
reads on the tile and in the API.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from dashboard.audience import PUBLIC, Audience
from dashboard.report import MeasureEntry
from data_access.reports import report_for

SOUTH_GLOS_MEMBER = Audience(frozenset({"south-glos"}))


def assessed(slug: str, label: str, code: str, audience: Audience = PUBLIC) -> MeasureEntry:
    entry = report_for(slug, label, audience).measure(code)
    assert entry is not None
    return entry


def rating_words(a: MeasureEntry) -> tuple[str, str, str]:
    return str(a.rating.status), a.rating.label, a.rating.reason


# --- South Gloucestershire 2017/18: the delivery plan's own figures -----------------------------


def test_total_crime_2017_18_is_green_against_all_three_comparators(sample_db: str) -> None:
    a = assessed("south-glos", "2017/18", "CRIME_TOTAL_RATE")
    assert a.figure is not None and a.figure.value == 61.2
    assert rating_words(a) == (
        "green",
        "On target",
        "Better than all 3 comparators: "
        "Avon and Somerset 81.7, South West 66.6, England and Wales 83.5",
    )


def test_the_api_gives_the_same_words_for_total_crime_2017_18(client: FlaskClient) -> None:
    body = client.get("/api/v1/partnerships/south-glos/results?period=2017/18").get_json()
    crime = next(r for r in body["results"] if r["measure_code"] == "CRIME_TOTAL_RATE")
    assert crime["rating"] == {
        "status": "green",
        "label": "On target",
        "reason": "Better than all 3 comparators: "
        "Avon and Somerset 81.7, South West 66.6, England and Wales 83.5",
    }


def test_violence_with_injury_2017_18_is_green(sample_db: str) -> None:
    a = assessed("south-glos", "2017/18", "VIOLENCE_WITH_INJURY_RATE")
    assert a.figure is not None and a.figure.value == 4.3
    assert rating_words(a) == (
        "green",
        "On target",
        "Better than all 3 comparators: "
        "Avon and Somerset 7.2, South West 7.7, England and Wales 8.8",
    )


def test_criminal_damage_2017_18_is_green_even_against_the_close_south_west(
    sample_db: str,
) -> None:
    a = assessed("south-glos", "2017/18", "CRIMINAL_DAMAGE_ARSON_RATE")
    assert a.figure is not None and a.figure.value == 8.6
    assert rating_words(a) == (
        "green",
        "On target",
        "Better than all 3 comparators: "
        "Avon and Somerset 9.5, South West 8.8, England and Wales 10.1",
    )


def test_serious_acquisitive_crime_2017_18_says_it_is_rated_against_one_of_three(
    sample_db: str,
) -> None:
    a = assessed("south-glos", "2017/18", "SERIOUS_ACQUISITIVE_CRIME_RATE")
    assert a.figure is not None and a.figure.value == 5.5
    assert rating_words(a) == (
        "green",
        "On target",
        "Rated against 1 of 3 comparators (no figure for South West, England and Wales): "
        "better than Avon and Somerset 6.9",
    )


def test_serious_acquisitive_crime_without_any_comparator_figure_is_no_data(
    sample_db: str,
) -> None:
    a = assessed("south-glos", "2018/19", "SERIOUS_ACQUISITIVE_CRIME_RATE")
    assert rating_words(a) == ("no_data", "No data", "No comparator figures for 2018/19")


def test_criminal_damage_2018_19_is_amber_behind_the_south_west(sample_db: str) -> None:
    a = assessed("south-glos", "2018/19", "CRIMINAL_DAMAGE_ARSON_RATE")
    assert rating_words(a) == (
        "amber",
        "Close",
        "Better than 2 of 3 comparators: Avon and Somerset 9.0, England and Wales 9.8; "
        "worse than South West 8.5",
    )


def test_a_perception_measure_in_its_baseline_year_is_not_rated(sample_db: str) -> None:
    a = assessed("south-glos", "2018/19", "FEEL_SAFE_OUTSIDE_PCT")
    assert rating_words(a) == (
        "none",
        "Baseline",
        "This is the baseline (2018/19) the target is set from",
    )


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (
            "ASB_PROBLEM_PCT",
            (
                "red",
                "Off target",
                "29.5% is significantly higher than the 2018/19 baseline of 24.0% "
                "(95% two-sample test)",
            ),
        ),
        (
            "FEEL_SAFE_OUTSIDE_PCT",
            (
                "amber",
                "Close",
                "90.1% is lower than the 2018/19 baseline of 91.2%, but not significantly "
                "(95% two-sample test)",
            ),
        ),
        (
            "SERVICES_DEALING_CRIME_ASB_PCT",
            ("green", "On target", "58.2% is better than the 2018/19 baseline of 55.0%"),
        ),
    ],
)
def test_a_member_sees_the_provisional_survey_results_matched_against_the_baseline(
    sample_db: str, code: str, words: tuple[str, str, str]
) -> None:
    a = assessed("south-glos", "2019/20 H1", code, SOUTH_GLOS_MEMBER)
    assert a.figure is not None and a.figure.period == "12m to 2019-09"
    assert rating_words(a) == words


# --- Gloucester 2019: fixed targets for 2024 from the 2018 baseline -----------------------------


def test_gloucester_crime_2019_is_red_no_better_than_the_baseline(sample_db: str) -> None:
    a = assessed("gloucester", "2019", "CRIME_TOTAL_RATE")
    assert a.target.text == "Reach 55.2 per 1,000 by 2024 (from the 2018 baseline)"
    assert rating_words(a) == (
        "red",
        "Off target",
        "87.0 is no better than the 2018 baseline of 81.5, "
        "so behind the trajectory of 77.1 for 2019 towards 55.2 by 2024",
    )


def test_gloucester_asb_2019_is_green_ahead_of_the_trajectory(sample_db: str) -> None:
    a = assessed("gloucester", "2019", "ASB_INCIDENTS_RATE")
    assert rating_words(a) == (
        "green",
        "On target",
        "50.8 is at or better than the trajectory of 52.0 for 2019 towards 37.0 by 2024",
    )


def test_gloucester_imd_rank_2019_is_amber_better_than_baseline_but_behind(
    sample_db: str,
) -> None:
    # trajectory 139 + (155 - 139) / 6 = 141.67; 141 is better than 139 but short of it (ranks
    # are shown whole, as everywhere else)
    a = assessed("gloucester", "2019", "IMD_LA_RANK")
    assert rating_words(a) == (
        "amber",
        "Close",
        "141 is better than the 2018 baseline of 139 but behind the trajectory of 142 "
        "for 2019 towards 155 by 2024",
    )


def test_gloucester_baseline_year_is_not_rated(sample_db: str) -> None:
    a = assessed("gloucester", "2018", "CRIME_TOTAL_RATE")
    assert str(a.rating.status) == "none"
    assert a.rating.label == "Baseline"
