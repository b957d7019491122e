"""Publication versions as users meet them (PRODUCT.md section 2): a correction reaches the
public only when published again, the old figure is remembered, withdrawing puts the earlier
version back, and another partnership's unpublished figures never reach the public."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from data_access.cache import cache
from data_access.imports import import_results
from data_access.publications import publish
from tests.probe import load_probe
from tests.signing import SOUTH_GLOS_MEMBER, sign_in

RESULTS = "/api/v1/partnerships/south-glos/results"
CORRECTION = (
    "measure_code,period,area_code,value,source\n"
    "CRIME_TOTAL_RATE,2018/19,E06000025,70.4,corrected\n"
)


def crime(body: dict) -> dict:
    return next(r for r in body["results"] if r["measure_code"] == "CRIME_TOTAL_RATE")


def public_crime(client: FlaskClient, query: str = "period=2018/19") -> dict:
    response = client.get(f"{RESULTS}?{query}")
    assert response.status_code == 200, response.get_json()
    return crime(response.get_json())


@pytest.fixture
def corrected(users_db: str) -> str:
    """The sample with 2018/19 total crime corrected after it was published."""
    import_results("correction.csv", CORRECTION.encode(), "test-officer")
    cache.clear()
    return users_db


def test_a_correction_does_not_reach_the_public_until_published_again(
    server: Flask, corrected: str
) -> None:
    client = server.test_client()
    shown = public_crime(client)
    assert (shown["value"], shown["rating"]["status"]) == (61.5, "green")
    csv = client.get("/api/v1/results.csv?partnership=south-glos&period=2018/19").text
    assert "70.4" not in csv and "61.5" in csv
    embed = client.get("/embed/south-glos?period=2018/19").text
    assert "70.4" not in embed and "61.5" in embed


def test_members_see_the_correction_marked_changed_since_publication(
    server: Flask, corrected: str
) -> None:
    client = server.test_client()
    sign_in(client, SOUTH_GLOS_MEMBER)
    body = client.get(f"{RESULTS}?period=2018/19").get_json()
    assert crime(body)["value"] == 70.4
    assert crime(body)["changed_since_publication"] == {
        "published_value": 61.5,
        "published_rating": "green",
    }
    assert body["publication"]["changed_since"] is True
    assert body["publication"]["version"] == 1


def test_publishing_again_makes_version_2_with_the_revised_mark(
    server: Flask, corrected: str, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["publish", "south-glos", "2018/19"])
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output
    client = server.test_client()
    shown = public_crime(client)
    assert shown["value"] == 70.4
    assert shown["revised"]["was"] == 61.5
    assert shown["revised"]["was_rating"] == "green"
    assert shown["revised"]["version"] == 1
    assert public_crime(client, "period=2018/19&version=1")["value"] == 61.5
    versions = client.get("/api/v1/partnerships/south-glos/publications").get_json()
    assert [v["version"] for v in versions if v["period"]["label"] == "2018/19"] == [2, 1]
    assert "70.4" in client.get("/api/v1/results.csv?partnership=south-glos").text


def test_publishing_when_nothing_differs_makes_no_version(
    users_db: str, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["publish", "south-glos", "2018/19"])
    assert result.exit_code == 0
    assert "nothing differs" in result.output
    assert publish("south-glos", "2018/19", "test")[1] is None


def test_a_date_that_is_not_a_reporting_point_is_refused(
    users_db: str, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["publish", "south-glos", "2019"])  # 31 December: not declared
    assert result.exit_code != 0
    assert "not one of this partnership's reporting points" in result.output


def test_withdrawing_puts_the_earlier_version_back_and_then_unpublishes(
    server: Flask, corrected: str, runner: FlaskCliRunner
) -> None:
    assert runner.invoke(args=["publish", "south-glos", "2018/19"]).exit_code == 0
    out = runner.invoke(
        args=["withdraw", "south-glos", "2018/19", "--version", "2", "--reason", "wrong file"]
    )
    assert out.exit_code == 0, out.output
    client = server.test_client()
    assert public_crime(client)["value"] == 61.5
    assert client.get(f"{RESULTS}?period=2018/19&version=2").status_code == 404
    versions = client.get("/api/v1/partnerships/south-glos/publications").get_json()
    withdrawn = next(v for v in versions if v["version"] == 2)
    assert withdrawn["withdrawn"] is True and withdrawn["withdrawn_reason"] == "wrong file"
    again = ["withdraw", "south-glos", "2018/19", "--version", "1", "--reason", "all wrong"]
    assert runner.invoke(args=again).exit_code == 0
    assert client.get(f"{RESULTS}?period=2018/19").status_code == 404
    assert client.get("/embed/south-glos?period=2018/19").status_code == 404


def test_withdrawing_needs_a_reason_and_a_standing_version(
    users_db: str, runner: FlaskCliRunner
) -> None:
    no_reason = runner.invoke(
        args=["withdraw", "south-glos", "2018/19", "--version", "1", "--reason", " "]
    )
    assert no_reason.exit_code != 0 and "reason" in no_reason.output
    unknown = runner.invoke(
        args=["withdraw", "south-glos", "2018/19", "--version", "7", "--reason", "x"]
    )
    assert unknown.exit_code != 0 and "not a published version" in unknown.output


MARKERS = (
    "CRIME_TOTAL_RATE,12m to 2019-09,E06000025,987654.321\n"
    "MARAC_REPEAT_VICTIMISATION_PCT,12m to 2019-09,E06000025,12.345678\n"
    "MARAC_REPEAT_VICTIMISATION_PCT,2018/19,E06000025,12.345678\n"
)


@pytest.fixture
def probe(users_db: str) -> str:
    load_probe(MARKERS)
    cache.clear()
    return users_db


def test_another_partnerships_unpublished_figures_are_not_a_public_comparator(
    server: Flask, probe: str
) -> None:
    client = server.test_client()
    body = client.get("/api/v1/partnerships/probe/results").get_json()
    text = str(body) + client.get("/api/v1/results.csv?partnership=probe").text
    text += client.get("/embed/probe").text
    for marker in ("987654", "12.345"):
        assert marker not in text
    south_glos = next(c for c in crime(body)["comparators"] if c["area_code"] == "E06000025")
    assert south_glos["value"] is None and south_glos["comparison"] == "not_compared"


def test_a_member_sees_nothing_changed_when_nothing_was(server: Flask, users_db: str) -> None:
    client = server.test_client()
    sign_in(client, SOUTH_GLOS_MEMBER)
    body = client.get(f"{RESULTS}?period=2018/19").get_json()
    assert body["publication"]["changed_since"] is False
    assert all(r["changed_since_publication"] is None for r in body["results"])


def test_a_correction_flags_the_published_points_it_reaches_until_published_again(
    corrected: str,
) -> None:
    from data_access import db
    from data_access.point_flags import changed_points

    with db.session() as s:
        flags = changed_points("south-glos", s)
    assert flags == {"2017/18": False, "2018/19 H1": False, "2018/19": True}
    publish("south-glos", "2018/19", "test")
    with db.session() as s:
        assert changed_points("south-glos", s)["2018/19"] is False
