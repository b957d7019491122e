"""The JSON API (INTERFACES.md section 5) on the sample data, SQLite and PostgreSQL alike.

Anonymous requests are the public, reading published versions' public reports; a signed-in
member reads the live report (tests/signing.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from data_access.imports import import_results
from data_access.publications import publish
from tests.signing import SOUTH_GLOS_MEMBER, sign_in

SOUTH_GLOS = "/api/v1/partnerships/south-glos"
HATE_CRIME = "HATE_CRIME_THIRD_PARTY_REPORTS_COUNT"
WITHHELD_REASON = "Fewer than 5 cases: withheld to protect the people involved"
RESULTS_KEYS = {"partnership", "period", "results", "publication"}
POINT_KEYS = {"label", "start", "end", "published"}
MEASURE_RESULT_KEYS = {
    "measure_code",
    "title",
    "priority",
    "unit",
    "polarity",
    "rule",
    "result_period",
    "illustrative",
    "source",
    "target",
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "rating",
    "comparators",
    "direction",
    "previous",
    "design_effect",
    "effective_base",
    "suppressed",
    "revised",
}
MEMBER_RESULT_KEYS = MEASURE_RESULT_KEYS | {"changed_since_publication", "withheld_from_public"}
COMPARATOR_KEYS = {
    "area_code",
    "name",
    "value",
    "ci_low",
    "ci_high",
    "comparison",
    "source",
    "illustrative",
}
PUBLICATION_KEYS = {"version", "latest_version", "published_at", "changed_since", "reconstructed"}
MEASURE_KEYS = {
    "code",
    "title",
    "priority",
    "unit",
    "polarity",
    "rule",
    "public",
    "decimals",
    "area",
    "suppress_below",
}


def get_json(client: FlaskClient, path: str, **query: str) -> tuple[int, Any]:
    response = client.get(path, query_string=query)
    assert response.content_type == "application/json"
    return response.status_code, response.get_json()


def results_at(client: FlaskClient, period: str, slug: str = "south-glos") -> dict[str, Any]:
    status, body = get_json(client, f"/api/v1/partnerships/{slug}/results", period=period)
    assert status == 200, body
    return body


def by_code(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["measure_code"]: item for item in body["results"]}


# --- partnerships, periods, measures ------------------------------------------------------------


def test_partnerships_lists_each_with_its_area_and_named_comparators(client: FlaskClient) -> None:
    status, body = get_json(client, "/api/v1/partnerships")
    assert status == 200
    assert all(set(p) == {"slug", "name", "area", "comparators"} for p in body)
    south_glos = next(p for p in body if p["slug"] == "south-glos")
    assert south_glos["area"] == {"code": "E06000025", "name": "South Gloucestershire"}
    assert south_glos["comparators"] == [
        {"code": "E23000036", "name": "Avon and Somerset"},
        {"code": "E12000009", "name": "South West"},
        {"code": "K04000001", "name": "England and Wales"},
    ]
    assert {p["slug"] for p in body} >= {"south-glos", "gloucester", "cheltenham"}


def test_periods_for_the_public_are_the_published_points_newest_first(
    client: FlaskClient,
) -> None:
    status, body = get_json(client, f"{SOUTH_GLOS}/periods")
    assert status == 200
    assert body == [
        {"label": "2018/19", "start": "2018-04-01", "end": "2019-03-31", "published": True},
        {"label": "2018/19 H1", "start": "2018-04-01", "end": "2018-09-30", "published": True},
        {"label": "2017/18", "start": "2017-04-01", "end": "2018-03-31", "published": True},
    ]


def test_gloucester_periods_for_the_public_leave_out_the_unpublished_2020(
    client: FlaskClient,
) -> None:
    _, body = get_json(client, "/api/v1/partnerships/gloucester/periods")
    assert [p["label"] for p in body] == ["2019", "2018"]


def test_measures_for_the_public_have_the_contract_keys_and_leave_out_marac(
    client: FlaskClient,
) -> None:
    status, body = get_json(client, f"{SOUTH_GLOS}/measures")
    assert status == 200
    assert all(set(m) == MEASURE_KEYS for m in body)
    codes = {m["code"] for m in body}
    assert "MARAC_REPEAT_VICTIMISATION_PCT" not in codes
    # the delivery plan's 21 less the one that is not public, plus the illustrative hate crime count
    # and the three Crime Survey measures for Avon and Somerset (#14)
    assert len(body) == 24
    crime = next(m for m in body if m["code"] == "CRIME_TOTAL_RATE")
    assert crime == {
        "code": "CRIME_TOTAL_RATE",
        "title": crime["title"],
        "priority": 2,
        "unit": "rate_per_1000",
        "polarity": "lower_is_better",
        "rule": "beat_comparators",
        "public": True,
        "decimals": None,
        "area": None,
        "suppress_below": None,
    }


def test_measures_give_the_disclosure_threshold_of_a_small_count(client: FlaskClient) -> None:
    _, body = get_json(client, f"{SOUTH_GLOS}/measures")
    hate = next(m for m in body if m["code"] == HATE_CRIME)
    assert (hate["unit"], hate["suppress_below"], hate["public"]) == ("count", 5, True)


# --- publications -------------------------------------------------------------------------------


def test_publications_list_the_sample_versions_newest_first_without_names(
    client: FlaskClient,
) -> None:
    status, body = get_json(client, f"{SOUTH_GLOS}/publications")
    assert status == 200
    assert [(p["period"]["label"], p["version"]) for p in body] == [
        ("2018/19", 1),
        ("2018/19 H1", 1),
        ("2017/18", 1),
    ]
    assert body[1]["period"] == {"label": "2018/19 H1", "start": "2018-04-01", "end": "2018-09-30"}
    for p in body:
        assert set(p) == {
            "period",
            "version",
            "published_at",
            "published_by_role",
            "withdrawn",
            "withdrawn_reason",
            "reconstructed",
        }
        assert p["published_by_role"] == "cli"
        assert (p["withdrawn"], p["withdrawn_reason"], p["reconstructed"]) == (False, None, False)
        assert p["published_at"].endswith("Z")
    assert "test-loader" not in str(body)  # who published is given by role only


def test_publications_of_an_unknown_partnership_are_a_json_404(client: FlaskClient) -> None:
    status, body = get_json(client, "/api/v1/partnerships/atlantis/publications")
    assert status == 404
    assert body == {"error": "No partnership 'atlantis'."}


# --- results: shape and figures -----------------------------------------------------------------


def test_results_have_exactly_the_contract_shape(client: FlaskClient) -> None:
    body = results_at(client, "2017/18")
    assert set(body) == RESULTS_KEYS
    assert body["partnership"] == "south-glos"
    assert body["period"] == {
        "label": "2017/18",
        "start": "2017-04-01",
        "end": "2018-03-31",
        "published": True,
    }
    assert set(body["publication"]) == PUBLICATION_KEYS
    for item in body["results"]:
        assert set(item) == MEASURE_RESULT_KEYS, item["measure_code"]
        assert set(item["rating"]) == {"status", "label", "reason"}
        assert item["rating"]["status"] in {"green", "amber", "red", "none", "no_data"}
        assert item["direction"] in {"improving", "worsening", "no_change", "not_compared"}
        for comparator in item["comparators"]:
            assert set(comparator) == COMPARATOR_KEYS
            assert comparator["comparison"] in {"better", "similar", "worse", "not_compared"}


def test_total_crime_2017_18_is_green_with_unrounded_figures_and_statistics(
    client: FlaskClient,
) -> None:
    crime = by_code(results_at(client, "2017/18"))["CRIME_TOTAL_RATE"]
    assert crime["result_period"] == "2017/18"
    assert crime["value"] == 61.2
    assert (crime["numerator"], crime["denominator"]) == (16933, 276677)
    assert crime["target"] == "Better than Avon and Somerset, South West and England and Wales"
    assert crime["rating"]["status"] == "green"
    assert crime["rating"]["label"] == "On target"
    # Byar on 16,933 crimes in 276,677: the limits are raw floats, not rounded for display
    assert 60.2 < crime["ci_low"] < 61.2 < crime["ci_high"] < 62.2
    assert crime["ci_low"] != round(crime["ci_low"], 6)
    assert [(c["name"], c["value"], c["comparison"]) for c in crime["comparators"]] == [
        ("Avon and Somerset", 81.7, "better"),
        ("South West", 66.6, "better"),
        ("England and Wales", 83.5, "better"),
    ]
    assert all(c["ci_low"] < c["value"] < c["ci_high"] for c in crime["comparators"])


def test_the_public_reads_the_latest_published_version_unchanged_since(
    client: FlaskClient,
) -> None:
    body = results_at(client, "2018/19")
    publication = body["publication"]
    assert {k: publication[k] for k in PUBLICATION_KEYS - {"published_at"}} == {
        "version": 1,
        "latest_version": 1,
        "changed_since": False,
        "reconstructed": False,
    }
    assert publication["published_at"].endswith("Z")
    assert all(item["revised"] is None for item in body["results"])


def test_version_1_of_a_point_reads_the_same_as_the_latest_when_it_is_the_only_one(
    client: FlaskClient,
) -> None:
    status, body = get_json(client, f"{SOUTH_GLOS}/results", period="2018/19", version="1")
    assert status == 200
    assert body == results_at(client, "2018/19")


def test_previous_names_the_result_direction_of_travel_compares_with(
    client: FlaskClient,
) -> None:
    found = by_code(results_at(client, "2018/19"))
    assert found["CRIME_TOTAL_RATE"]["previous"] == {"period": "2017/18", "value": 61.2}
    assert found["IMD_LSOAS_WORST20_COUNT"]["previous"] is None


def test_a_small_count_is_withheld_from_the_public_with_its_reason(client: FlaskClient) -> None:
    hate = by_code(results_at(client, "2018/19"))[HATE_CRIME]  # 3 reports, below 5
    assert hate["suppressed"] is True
    assert hate["result_period"] == "2018/19"
    assert [hate[k] for k in ("value", "numerator", "denominator", "ci_low", "ci_high")] == [
        None
    ] * 5
    assert hate["previous"] is None
    assert hate["rating"] == {"status": "no_data", "label": "No data", "reason": WITHHELD_REASON}
    assert hate["direction"] == "not_compared"


def test_a_count_at_or_above_its_threshold_is_shown(client: FlaskClient) -> None:
    hate = by_code(results_at(client, "2017/18"))[HATE_CRIME]  # 9 reports
    assert (hate["value"], hate["suppressed"], hate["illustrative"]) == (9, False, True)


def test_a_result_without_a_sample_size_has_null_interval(client: FlaskClient) -> None:
    volunteers = by_code(results_at(client, "2018/19"))["VCSE_VOLUNTEERS_COUNT"]
    assert volunteers["value"] == 14650
    assert volunteers["numerator"] is None and volunteers["denominator"] is None
    assert volunteers["ci_low"] is None and volunteers["ci_high"] is None
    assert volunteers["rating"]["status"] == "none"
    assert volunteers["rating"]["label"] == "Monitoring"


def test_a_comparator_without_a_figure_is_listed_with_null_value_and_not_compared(
    client: FlaskClient,
) -> None:
    acquisitive = by_code(results_at(client, "2017/18"))["SERIOUS_ACQUISITIVE_CRIME_RATE"]
    comparators = {c["name"]: c for c in acquisitive["comparators"]}
    assert comparators["South West"] == {
        "area_code": "E12000009",
        "name": "South West",
        "value": None,
        "ci_low": None,
        "ci_high": None,
        "comparison": "not_compared",
        "source": None,
        "illustrative": False,
    }
    # Avon and Somerset's 6.9 has no counts: a value, but no interval to compare the Fingertips way
    avon = comparators["Avon and Somerset"]
    assert (avon["value"], avon["ci_low"]) == (6.9, None)


def test_a_survey_result_shows_its_direction_against_a_year_earlier(client: FlaskClient) -> None:
    respect = by_code(results_at(client, "2018/19"))["RESPECT_PROBLEM_PCT"]
    assert (respect["result_period"], respect["value"]) == ("2018/19", 22.8)
    # 22.8% of 1,106 against 24.1% of 1,082 a year earlier, each weighted with design effect
    # 1.5 (effective 737 and 721): pooled z about -0.6, no real change
    assert respect["direction"] == "no_change"
    assert respect["rating"]["status"] == "none"  # the 2018/19 result is the baseline itself
    assert respect["rating"]["label"] == "Baseline"


def test_a_rolling_year_without_its_year_earlier_has_no_direction(client: FlaskClient) -> None:
    respect = by_code(results_at(client, "2018/19 H1"))["RESPECT_PROBLEM_PCT"]
    assert respect["result_period"] == "12m to 2018-09"  # no 12m to 2017-09 in the sample
    assert respect["direction"] == "not_compared"


# --- results: the public's filtering ------------------------------------------------------------


def test_the_public_never_sees_the_non_public_marac_measure(client: FlaskClient) -> None:
    for period in ("2017/18", "2018/19 H1", "2018/19"):
        assert "MARAC_REPEAT_VICTIMISATION_PCT" not in by_code(results_at(client, period))


def test_an_unpublished_point_answers_the_public_exactly_as_an_unknown_one(
    client: FlaskClient,
) -> None:
    unpublished = client.get(f"{SOUTH_GLOS}/results", query_string={"period": "2019/20 H1"})
    unknown = client.get(f"{SOUTH_GLOS}/results", query_string={"period": "2015/16"})
    assert unpublished.status_code == unknown.status_code == 404
    assert unpublished.content_type == unknown.content_type == "application/json"
    assert set(unpublished.get_json()) == set(unknown.get_json()) == {"error"}
    assert unpublished.get_json()["error"] == unknown.get_json()["error"].replace(
        "2015/16", "2019/20 H1"
    )


def test_an_unpublished_gloucester_year_is_not_found_for_the_public(client: FlaskClient) -> None:
    status, body = get_json(client, "/api/v1/partnerships/gloucester/results", period="2020")
    assert status == 404
    assert "2020" in body["error"]


def test_an_alias_label_of_a_published_point_answers_with_the_canonical_label(
    client: FlaskClient,
) -> None:
    body = results_at(client, "12m to 2019-03")
    assert body["period"]["label"] == "2018/19"
    assert body["period"]["start"] == "2018-04-01"
    assert by_code(body)["CRIME_TOTAL_RATE"]["result_period"] == "2018/19"


def test_a_label_ending_on_a_published_point_names_that_point(client: FlaskClient) -> None:
    body = results_at(client, "2018/19 Q4")
    assert body["period"] == {
        "label": "2018/19",
        "start": "2018-04-01",
        "end": "2019-03-31",
        "published": True,
    }


def test_results_without_a_period_open_the_latest_published_point(client: FlaskClient) -> None:
    status, body = get_json(client, f"{SOUTH_GLOS}/results")
    assert status == 200
    assert body["period"]["label"] == "2018/19"


def test_each_measure_shows_its_latest_result_on_or_before_the_point(client: FlaskClient) -> None:
    found = by_code(results_at(client, "2018/19 H1"))
    assert found["CRIME_TOTAL_RATE"]["result_period"] == "12m to 2018-09"
    assert found["VICTIM_SATISFACTION_PCT"]["result_period"] == "2017/18"  # yearly survey


# --- bad parameters and unknown names -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("period=2019/20%20Q5", "period"),
        ("period=not-a-period", "period"),
        ("colour=green", "colour"),
        ("period=2017/18&period=2018/19", "period"),
        ("period=", "period"),
        ("period=%20%20", "period"),
        ("version=abc", "version"),
        ("version=0", "version"),
        ("version=-1", "version"),
        ("version=1.5", "version"),
    ],
)
def test_a_bad_parameter_answers_400_naming_it(client: FlaskClient, query: str, named: str) -> None:
    response = client.get(f"{SOUTH_GLOS}/results?{query}")
    assert response.status_code == 400
    assert response.content_type == "application/json"
    assert response.get_json()["error"].startswith(f"{named}:")


def test_a_version_that_was_never_published_is_a_json_404(client: FlaskClient) -> None:
    status, body = get_json(client, f"{SOUTH_GLOS}/results", period="2018/19", version="99")
    assert status == 404
    assert set(body) == {"error"}
    assert "version 99" in body["error"]


@pytest.mark.parametrize(
    "path",
    ["/partnerships", f"{SOUTH_GLOS}/periods", f"{SOUTH_GLOS}/publications", "/results.json"],
)
def test_endpoints_refuse_parameters_they_do_not_take(client: FlaskClient, path: str) -> None:
    url = path if path.startswith("/api") else f"/api/v1{path}"
    response = client.get(url, query_string={"sort": "name"})
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("sort: unknown parameter")


@pytest.mark.parametrize("endpoint", ["periods", "measures", "results", "publications"])
def test_an_unknown_partnership_is_a_json_404(client: FlaskClient, endpoint: str) -> None:
    status, body = get_json(client, f"/api/v1/partnerships/atlantis/{endpoint}")
    assert status == 404
    assert body == {"error": "No partnership 'atlantis'."}


def test_an_unknown_partnership_in_the_open_data_is_a_json_404(client: FlaskClient) -> None:
    status, body = get_json(client, "/api/v1/results.json", partnership="atlantis")
    assert status == 404
    assert "atlantis" in body["error"]


def test_an_unknown_api_route_is_a_json_404(client: FlaskClient) -> None:
    status, body = get_json(client, "/api/v1/xyz")
    assert status == 404
    assert set(body) == {"error"}


def test_the_api_is_read_only(client: FlaskClient) -> None:
    response = client.post(f"{SOUTH_GLOS}/periods")
    assert response.status_code == 405
    assert response.content_type == "application/json"
    assert "read-only" in response.get_json()["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/partnerships",
        f"{SOUTH_GLOS}/periods",
        f"{SOUTH_GLOS}/measures",
        f"{SOUTH_GLOS}/publications",
        f"{SOUTH_GLOS}/results",
        "/api/v1/results.json",
    ],
)
def test_every_json_endpoint_answers_application_json(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.content_type == "application/json"


# --- cases built on a database of their own -----------------------------------------------------


def _load_sample_with(rows: str) -> None:
    from data_access.sample import load_sample

    load_sample("test-loader")
    if not rows:
        return
    header = "measure_code,period,area_code,value,numerator,denominator,note,source\n"
    import_results("extra.csv", (header + rows).encode(), "test-loader")


def test_a_weighted_percentage_with_only_its_base_has_an_interval_but_null_numerator(
    empty_db: str, server: Flask
) -> None:
    _load_sample_with(
        "VICTIM_SATISFACTION_PCT,12m to 2018-09,E06000025,74.6,,800,weighted,Survey\n"
    )
    publish("south-glos", "2018/19 H1", "test-editor")
    body = results_at(server.test_client(), "2018/19 H1")
    satisfaction = by_code(body)["VICTIM_SATISFACTION_PCT"]
    assert satisfaction["result_period"] == "12m to 2018-09"
    assert satisfaction["value"] == 74.6
    assert satisfaction["numerator"] is None
    assert satisfaction["denominator"] == 800
    # Wilson on 596.8 of 800 (value x base / 100)
    assert 71.0 < satisfaction["ci_low"] < 74.6 < satisfaction["ci_high"] < 78.0


def test_a_measure_with_no_result_is_listed_with_null_value_and_no_data(
    empty_db: str, server: Flask
) -> None:
    _load_sample_with("")
    publish("south-glos", "2016/17", "test-editor")
    body = results_at(server.test_client(), "2016/17")
    crime = by_code(body)["CRIME_TOTAL_RATE"]
    assert crime["value"] is None
    assert crime["result_period"] is None
    assert crime["numerator"] is None and crime["ci_low"] is None
    assert crime["rating"]["status"] == "no_data"
    assert crime["rating"]["label"] == "No data"
    assert "31 March 2017" in crime["rating"]["reason"]
    assert all(c["value"] is None for c in crime["comparators"])
    assert by_code(body)["PROVEN_REOFFENDING_PCT"]["value"] == 24.3


def test_a_measure_s_own_max_age_years_lets_an_older_result_be_used(
    client: FlaskClient,
) -> None:
    # IMD 2015 is over three years older than the 2018/19 point, but the partnership measure
    # sets max_age_years = 5 (seed_data/config.toml); the three-year rule: test_periods.py
    imd = by_code(results_at(client, "2018/19"))["IMD_LSOAS_WORST20_COUNT"]
    assert (imd["value"], imd["result_period"]) == (5.0, "2015")


def test_a_republished_point_marks_the_revised_figure_and_keeps_version_1_readable(
    empty_db: str, server: Flask
) -> None:
    client = server.test_client()
    _load_sample_with("")
    before = by_code(results_at(client, "2018/19 H1"))["VICTIM_SATISFACTION_PCT"]
    import_results(
        "late.csv",
        b"measure_code,period,area_code,value,numerator,denominator,note,source\n"
        b"VICTIM_SATISFACTION_PCT,12m to 2018-09,E06000025,74.6,,800,weighted,Survey\n",
        "test-loader",
    )
    assert by_code(results_at(client, "2018/19 H1"))["VICTIM_SATISFACTION_PCT"] == before
    _, number = publish("south-glos", "2018/19 H1", "test-editor")
    assert number == 2
    body = results_at(client, "2018/19 H1")
    assert {k: body["publication"][k] for k in ("version", "latest_version")} == {
        "version": 2,
        "latest_version": 2,
    }
    satisfaction = by_code(body)["VICTIM_SATISFACTION_PCT"]
    assert satisfaction["value"] == 74.6
    revised = satisfaction["revised"]
    assert (revised["was"], revised["was_rating"], revised["version"]) == (
        before["value"],
        before["rating"]["status"],
        1,
    )
    status, first = get_json(client, f"{SOUTH_GLOS}/results", period="2018/19 H1", version="1")
    assert status == 200
    assert first["publication"]["version"] == 1
    assert first["publication"]["latest_version"] == 2
    assert by_code(first)["VICTIM_SATISFACTION_PCT"] == before


# --- members: the live report -------------------------------------------------------------------


def _member(server: Flask) -> FlaskClient:
    client = server.test_client()
    sign_in(client, SOUTH_GLOS_MEMBER)
    return client


def test_a_member_reads_the_live_report_privately_with_its_marks(
    users_db: str, server: Flask
) -> None:
    response = _member(server).get(f"{SOUTH_GLOS}/results", query_string={"period": "2018/19"})
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    body = response.get_json()
    assert body["publication"]["version"] == 1
    assert body["publication"]["changed_since"] is False
    for item in body["results"]:
        assert set(item) == MEMBER_RESULT_KEYS, item["measure_code"]
        assert item["changed_since_publication"] is None
    found = by_code(body)
    assert "MARAC_REPEAT_VICTIMISATION_PCT" in found
    hate = found[HATE_CRIME]
    assert (hate["value"], hate["suppressed"], hate["withheld_from_public"]) == (3, False, True)
    assert found["CRIME_TOTAL_RATE"]["withheld_from_public"] is False


def test_a_member_sees_a_provisional_point_with_no_publication(
    users_db: str, server: Flask
) -> None:
    response = _member(server).get(f"{SOUTH_GLOS}/results", query_string={"period": "2019/20 H1"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["period"]["published"] is False
    assert body["publication"] is None
    assert by_code(body)[HATE_CRIME]["value"] == 6


def test_a_member_sees_a_correction_as_changed_since_publication(
    users_db: str, server: Flask
) -> None:
    import_results(
        "correction.csv",
        b"measure_code,period,area_code,value,numerator,denominator,note,source\n"
        b"CRIME_TOTAL_RATE,2018/19,E06000025,70.0,,,corrected,Police\n",
        "test-loader",
    )
    public = by_code(results_at(server.test_client(), "2018/19"))["CRIME_TOTAL_RATE"]
    assert public["value"] == 61.5  # the public sees it once it is published again
    assert "changed_since_publication" not in public
    member = _member(server)
    body = member.get(f"{SOUTH_GLOS}/results", query_string={"period": "2018/19"}).get_json()
    assert body["publication"]["changed_since"] is True
    crime = by_code(body)["CRIME_TOTAL_RATE"]
    assert crime["value"] == 70.0
    assert crime["changed_since_publication"] == {
        "published_value": 61.5,
        "published_rating": "green",
    }
