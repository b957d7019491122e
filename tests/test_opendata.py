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
    comparators = [r for r in rows if r["area_code"] != SOUTH_GLOS_AREA]
    assert comparators
    assert {r["rating_status"] for r in comparators} == {""}
    own = [r for r in rows if r["area_code"] == SOUTH_GLOS_AREA]
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
    client = server.test_client()
    csv_row = next(r for r in csv_rows(client, period=period) if r["measure_code"] == code)
    assert csv_row["note"] == "'" + note
    json_row = next(r for r in json_rows(client, period=period) if r["measure_code"] == code)
    assert json_row["note"] == "'" + note


def test_a_source_that_looks_like_a_formula_is_prefixed_too(empty_db: str, server: Flask) -> None:
    load_sample("test-loader")
    line = f"VCSE_VOLUNTEERS_COUNT,2016/17,{SOUTH_GLOS_AREA},50,,,plain,=cmd|' /C calc'!A0"
    import_results("formula.csv", (HEADER + line + "\n").encode(), "test-loader")
    rows = csv_rows(server.test_client(), period="2016/17", partnership="south-glos")
    row = next(r for r in rows if r["measure_code"] == "VCSE_VOLUNTEERS_COUNT")
    assert row["source"].startswith("'=")
    assert row["note"] == "plain"
