"""The open data downloads: always public-only, the same rows as `flask export-results`, and no
text cell a spreadsheet would run as a formula (INTERFACES.md section 5)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from data_access.imports import import_results
from data_access.publications import publish
from data_access.sample import load_sample

REQUIRED_COLUMNS = {
    "partnership",
    "period",
    "measure_code",
    "measure_title",
    "area_code",
    "area_name",
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "rating_status",
    "illustrative",
    "note",
    "source",
}
SOUTH_GLOS_AREA = "E06000025"
HATE_CRIME = "HATE_CRIME_THIRD_PARTY_REPORTS_COUNT"
NUMBERS = ("value", "numerator", "denominator", "ci_low", "ci_high")
GLOUCESTER_AREA = "E07000081"
HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source\n"


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def csv_rows(client: FlaskClient, **query: str) -> list[dict[str, str]]:
    response = client.get("/api/v1/results.csv", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return parse_csv(response.get_data(as_text=True))


def json_rows(client: FlaskClient, **query: str) -> list[dict[str, object]]:
    response = client.get("/api/v1/results.json", query_string=query)
    assert response.status_code == 200
    assert response.content_type == "application/json"
    return response.get_json()


def own_rows(rows: list[dict], slug: str, area: str) -> list[dict]:
    return [r for r in rows if r["partnership"] == slug and r["area_code"] == area]


def test_the_csv_has_every_contract_column(client: FlaskClient) -> None:
    rows = csv_rows(client)
    assert rows
    assert set(rows[0]) >= REQUIRED_COLUMNS


def test_the_json_is_a_list_of_objects_with_the_contract_keys(client: FlaskClient) -> None:
    rows = json_rows(client)
    assert rows
    assert all(set(r) >= REQUIRED_COLUMNS for r in rows)


def test_the_downloads_are_the_same_rows_as_export_results(
    client: FlaskClient, runner: FlaskCliRunner
) -> None:
    csv_out = runner.invoke(args=["export-results"])
    json_out = runner.invoke(args=["export-results", "--format", "json"])
    assert csv_out.exit_code == 0 and json_out.exit_code == 0, csv_out.output
    assert parse_csv(csv_out.stdout) == csv_rows(client)
    assert json.loads(json_out.stdout) == json_rows(client)


def test_the_filtered_downloads_are_the_same_rows_as_export_results(
    client: FlaskClient, runner: FlaskCliRunner
) -> None:
    out = runner.invoke(args=["export-results", "--partnership", "gloucester", "--period", "2019"])
    assert out.exit_code == 0
    rows = csv_rows(client, partnership="gloucester", period="2019")
    assert rows and parse_csv(out.stdout) == rows


def test_the_downloads_never_include_the_non_public_measure(client: FlaskClient) -> None:
    codes = {r["measure_code"] for r in csv_rows(client)} | {
        r["measure_code"] for r in json_rows(client)
    }
    assert "MARAC_REPEAT_VICTIMISATION_PCT" not in codes
    assert "CRIME_TOTAL_RATE" in codes


def test_the_downloads_stop_at_each_partnerships_latest_published_point(
    client: FlaskClient,
) -> None:
    rows = csv_rows(client)
    south_glos = own_rows(rows, "south-glos", SOUTH_GLOS_AREA)
    gloucester = own_rows(rows, "gloucester", GLOUCESTER_AREA)
    assert max(date.fromisoformat(r["period_end"]) for r in south_glos) == date(2019, 3, 31)
    assert "12m to 2019-09" not in {r["period"] for r in south_glos}  # provisional
    assert {r["period"] for r in gloucester} == {"2018", "2019"}  # 2020 is not published
    cheltenham = [r for r in rows if r["partnership"] == "cheltenham"]
    assert max(date.fromisoformat(r["period_end"]) for r in cheltenham) <= date(2018, 12, 31)


def test_the_total_crime_row_carries_its_rating_and_unrounded_interval(
    client: FlaskClient,
) -> None:
    rows = [
        r
        for r in json_rows(client, partnership="south-glos", period="2017/18")
        if r["measure_code"] == "CRIME_TOTAL_RATE"
    ]
    own = next(r for r in rows if r["area_code"] == SOUTH_GLOS_AREA)
    assert (own["value"], own["numerator"], own["denominator"]) == (61.2, 16933, 276677)
    assert own["rating_status"] == "green"
    assert own["ci_low"] < 61.2 < own["ci_high"]
    assert own["ci_low"] != round(own["ci_low"], 6)
    assert {r["area_name"] for r in rows} == {
        "South Gloucestershire",
        "Avon and Somerset",
        "South West",
        "England and Wales",
    }


def test_rating_status_is_empty_on_comparator_rows(client: FlaskClient) -> None:
    rows = csv_rows(client, partnership="south-glos")

    def headline(row: dict[str, str]) -> bool:
        # the Crime Survey measures show Avon and Somerset's figures (their `area`, #14)
        own = "E23000036" if row["measure_code"].startswith("CSEW_") else SOUTH_GLOS_AREA
        return row["area_code"] == own

    comparators = [r for r in rows if not headline(r)]
    assert comparators
    assert {r["rating_status"] for r in comparators} == {""}
    own = [r for r in rows if headline(r)]
    assert all(r["rating_status"] for r in own)


def test_an_unknown_value_is_an_empty_csv_cell(client: FlaskClient) -> None:
    rows = csv_rows(client, partnership="south-glos", period="2018/19")
    volunteers = next(r for r in rows if r["measure_code"] == "VCSE_VOLUNTEERS_COUNT")
    assert volunteers["value"] == "14650.0" or float(volunteers["value"]) == 14650
    assert (volunteers["numerator"], volunteers["ci_low"], volunteers["ci_high"]) == ("", "", "")


def test_the_period_filter_is_the_exact_result_period_and_takes_an_alias(
    client: FlaskClient,
) -> None:
    canonical = csv_rows(client, period="2018/19")
    alias = csv_rows(client, period="12m to 2019-03")
    assert canonical == alias
    assert {r["period"] for r in canonical} == {"2018/19"}
    # 12m to 2018-09 ends with the 2018/19 H1 point but is not that result period
    assert csv_rows(client, period="2018/19 H1") == []
    assert {r["period"] for r in csv_rows(client, period="12m to 2018-09")} == {"12m to 2018-09"}


@pytest.mark.parametrize("path", ["/api/v1/results.csv", "/api/v1/results.json"])
def test_a_bad_period_in_the_downloads_is_a_400_naming_it(client: FlaskClient, path: str) -> None:
    response = client.get(path, query_string={"period": "2019/20 Q5"})
    assert response.status_code == 400
    assert response.content_type == "application/json"
    assert response.get_json()["error"].startswith("period:")


@pytest.mark.parametrize(
    ("code", "period", "note"),
    [
        ("VCSE_VOLUNTEERS_COUNT", "2016/17", '=HYPERLINK("http://example.com","click")'),
        ("EXTERNAL_FUNDING_GBP", "2016/17", "+44 grant line"),
        ("VICTIM_SATISFACTION_PCT", "2016/17", "-2 points on last year"),
        ("ASB_VICTIM_SATISFACTION_PCT", "2016/17", "@SUM(A1:A2)"),
    ],
)
def test_a_note_that_looks_like_a_formula_is_prefixed_with_an_apostrophe(
    empty_db: str, server: Flask, code: str, period: str, note: str
) -> None:
    load_sample("test-loader")
    line = f'{code},{period},{SOUTH_GLOS_AREA},50,,,"{note.replace(chr(34), chr(34) * 2)}",Test'
    import_results("formula.csv", (HEADER + line + "\n").encode(), "test-loader")
    publish("south-glos", period, "test-editor")  # the open data holds published results only
    client = server.test_client()
    csv_row = next(r for r in csv_rows(client, period=period) if r["measure_code"] == code)
    assert csv_row["note"] == "'" + note
    json_row = next(r for r in json_rows(client, period=period) if r["measure_code"] == code)
    assert json_row["note"] == "'" + note


def test_a_source_that_looks_like_a_formula_is_prefixed_too(empty_db: str, server: Flask) -> None:
    load_sample("test-loader")
    line = f"VCSE_VOLUNTEERS_COUNT,2016/17,{SOUTH_GLOS_AREA},50,,,plain,=cmd|' /C calc'!A0"
    import_results("formula.csv", (HEADER + line + "\n").encode(), "test-loader")
    publish("south-glos", "2016/17", "test-editor")
    rows = csv_rows(server.test_client(), period="2016/17", partnership="south-glos")
    row = next(r for r in rows if r["measure_code"] == "VCSE_VOLUNTEERS_COUNT")
    assert row["source"].startswith("'=")
    assert row["note"] == "plain"


# --- disclosure control -------------------------------------------------------------------------


def test_a_withheld_small_count_has_empty_numbers_in_the_csv(client: FlaskClient) -> None:
    rows = csv_rows(client, partnership="south-glos", period="2018/19")
    hate = next(r for r in rows if r["measure_code"] == HATE_CRIME)  # 3 reports, below 5
    assert [hate[k] for k in NUMBERS] == [""] * 5
    assert (hate["suppressed"], hate["rating_status"]) == ("True", "no_data")


def test_a_withheld_small_count_has_null_numbers_in_the_json(client: FlaskClient) -> None:
    rows = json_rows(client, partnership="south-glos", period="2018/19")
    hate = next(r for r in rows if r["measure_code"] == HATE_CRIME)
    assert [hate[k] for k in NUMBERS] == [None] * 5
    assert hate["suppressed"] is True
    assert hate["note"] == ""  # a note may describe the withheld figure


def test_a_small_count_at_or_above_its_threshold_is_in_the_open_data(
    client: FlaskClient,
) -> None:
    rows = json_rows(client, partnership="south-glos", period="2017/18")
    hate = next(r for r in rows if r["measure_code"] == HATE_CRIME)  # 9 reports
    assert (hate["value"], hate["suppressed"], hate["illustrative"]) == (9, False, True)


def test_each_row_names_the_version_that_states_it(client: FlaskClient) -> None:
    rows = json_rows(client, partnership="south-glos", period="2017/18")
    assert {r["version"] for r in rows} == {1}
    assert all(r["published_at"] for r in rows)


# --- served as a file ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/results.csv", "/api/v1/results.json"])
def test_the_downloads_carry_a_quoted_etag_and_may_be_cached_publicly(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    assert response.headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("path", ["/api/v1/results.csv", "/api/v1/results.json"])
def test_a_download_the_caller_already_has_answers_304_without_a_body(
    client: FlaskClient, path: str
) -> None:
    etag = client.get(path).headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    stale = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200
    assert stale.data


def test_publishing_again_gives_the_download_a_new_etag(empty_db: str, server: Flask) -> None:
    load_sample("test-loader")
    client = server.test_client()
    before = client.get("/api/v1/results.csv").headers["ETag"]
    line = f"CRIME_TOTAL_RATE,2018/19,{SOUTH_GLOS_AREA},70.0,,,corrected,Police"
    import_results("late.csv", (HEADER + line + "\n").encode(), "test-loader")
    assert client.get("/api/v1/results.csv").headers["ETag"] == before  # not yet published
    publish("south-glos", "2018/19", "test-editor")
    after = client.get("/api/v1/results.csv", headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before
    crime = next(
        r
        for r in parse_csv(after.get_data(as_text=True))
        if r["measure_code"] == "CRIME_TOTAL_RATE"
        and r["period"] == "2018/19"
        and r["area_code"] == SOUTH_GLOS_AREA
    )
    assert (crime["value"], crime["version"]) == ("70.0", "2")
