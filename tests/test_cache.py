"""The cache is keyed on the data version: every import and publication reaches the next answer
at once, in-process and on Redis alike, and two audiences never share an entry.

Redis runs when TEST_REDIS_URL is set (e.g. redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from dashboard.audience import PUBLIC, Audience
from dashboard.reporting import PartnershipView
from data_access import cache as cache_module
from data_access import db, versions
from data_access.cache import cache
from data_access.imports import import_results
from data_access.publications import publish
from data_access.results import partnership_view, reporting_points
from data_access.sample import load_sample
from data_access.tables import PeriodRow, ResultRow

HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source\n"
SOUTH_GLOS = "/api/v1/partnerships/south-glos"
SOUTH_GLOS_MEMBER = Audience(frozenset({"south-glos"}))


@pytest.fixture(params=["simple", "redis"])
def cache_backend(request: pytest.FixtureRequest, server: Flask) -> Iterator[str]:
    """The session's server with the in-process cache, or re-initialised on Redis and restored."""
    if request.param == "simple":
        cache.clear()
        yield "SimpleCache"
        return
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set: the Redis cache tests are skipped")
    cache_module.init_app(server, url)
    try:
        with server.app_context():
            cache.clear()  # fresh databases reuse version numbers; drop earlier tests' entries
        yield type(server.extensions["cache"][cache]).__name__
    finally:
        with server.app_context():
            cache.clear()
        cache_module.init_app(server, None)


@pytest.fixture
def sample(empty_db: str, cache_backend: str) -> str:
    load_sample("test-loader")
    return cache_backend


def period_labels(client: FlaskClient) -> list[str]:
    return [p["label"] for p in client.get(f"{SOUTH_GLOS}/periods").get_json()]


def crime_2018_19(client: FlaskClient) -> dict:
    body = client.get(f"{SOUTH_GLOS}/results", query_string={"period": "2018/19"}).get_json()
    return next(r for r in body["results"] if r["measure_code"] == "CRIME_TOTAL_RATE")


def test_the_cache_backend_in_use_is_the_one_asked_for(sample: str, server: Flask) -> None:
    assert type(server.extensions["cache"][cache]).__name__ == sample


def test_publishing_a_point_lists_it_at_once(sample: str, server: Flask) -> None:
    client = server.test_client()
    assert "2019/20 H1" not in period_labels(client)  # now cached
    publish("south-glos", "2019/20 H1", "test-editor")
    assert period_labels(client)[0] == "2019/20 H1"
    results = client.get(f"{SOUTH_GLOS}/results", query_string={"period": "2019/20 H1"})
    assert results.status_code == 200


def test_a_replaced_value_is_served_at_once_with_its_new_rating(sample: str, server: Flask) -> None:
    client = server.test_client()
    before = crime_2018_19(client)
    assert (before["value"], before["rating"]["status"]) == (61.5, "green")
    row = "CRIME_TOTAL_RATE,2018/19,E06000025,95.0,,,corrected,Police\n"
    import_results("correction.csv", (HEADER + row).encode(), "test-loader")
    after = crime_2018_19(client)
    assert after["value"] == 95.0
    assert after["rating"]["status"] == "red"
    assert after["rating"]["reason"].startswith("Better than none of the 3 comparators")
    assert after["revised_since_publication"] is True


def test_a_new_result_reaches_the_open_data_at_once(sample: str, server: Flask) -> None:
    client = server.test_client()
    periods = {r["period"] for r in client.get("/api/v1/results.json").get_json()}
    assert "2016/17" in periods  # proven reoffending
    row = "VCSE_VOLUNTEERS_COUNT,2016/17,E06000025,12000,,,new,Council\n"
    import_results("volunteers.csv", (HEADER + row).encode(), "test-loader")
    rows = client.get("/api/v1/results.json", query_string={"period": "2016/17"}).get_json()
    assert "VCSE_VOLUNTEERS_COUNT" in {r["measure_code"] for r in rows}


def test_answers_come_from_the_cache_until_the_data_version_moves(sample: str) -> None:
    view = partnership_view("south-glos", "2018/19", PUBLIC)
    assert _crime(view) == 61.5
    _overwrite_crime_without_bumping(70.0)  # no real writer does this: it shows the cache at work
    assert _crime(partnership_view("south-glos", "2018/19", PUBLIC)) == 61.5
    with db.transaction() as session:
        versions.bump(session)
    assert _crime(partnership_view("south-glos", "2018/19", PUBLIC)) == 70.0


def test_the_public_and_a_member_never_share_a_cache_entry(sample: str) -> None:
    member_first = partnership_view("south-glos", "2018/19", SOUTH_GLOS_MEMBER)
    public_next = partnership_view("south-glos", "2018/19", PUBLIC)
    member_again = partnership_view("south-glos", "2018/19", SOUTH_GLOS_MEMBER)
    assert "MARAC_REPEAT_VICTIMISATION_PCT" in codes(member_first)
    assert "MARAC_REPEAT_VICTIMISATION_PCT" not in codes(public_next)
    assert "MARAC_REPEAT_VICTIMISATION_PCT" in codes(member_again)


def test_the_public_and_a_member_get_their_own_reporting_points(sample: str) -> None:
    public_first = reporting_points("south-glos", PUBLIC)
    member_next = reporting_points("south-glos", SOUTH_GLOS_MEMBER)
    public_again = reporting_points("south-glos", PUBLIC)
    assert all(p.published for p in public_first)
    assert any(not p.published for p in member_next)
    assert public_again == public_first


def test_members_of_different_partnerships_do_not_share_an_entry(sample: str) -> None:
    gloucester_member = Audience(frozenset({"gloucester"}))
    assert any(not p.published for p in reporting_points("south-glos", SOUTH_GLOS_MEMBER))
    assert all(p.published for p in reporting_points("south-glos", gloucester_member))


def codes(view: PartnershipView) -> set[str]:
    return {f.item.measure.code for f in view.figures}


def _crime(view: PartnershipView) -> float | None:
    figures = next(f for f in view.figures if f.item.measure.code == "CRIME_TOTAL_RATE")
    return figures.result.value if figures.result else None


def _overwrite_crime_without_bumping(value: float) -> None:
    with db.transaction() as session:
        period_id = session.scalar(sa.select(PeriodRow.id).where(PeriodRow.label == "2018/19"))
        session.execute(
            sa.update(ResultRow)
            .where(
                ResultRow.measure_code == "CRIME_TOTAL_RATE",
                ResultRow.area_code == "E06000025",
                ResultRow.period_id == period_id,
            )
            .values(value=value)
        )
