"""The cache is keyed on the data version: every import and publication reaches the next answer
at once, in-process and on Redis alike, and two audiences never share an entry. What reaches
whom is the reports' rule: members read the live report at once; the public reads a published
version, so a correction reaches it only when published again.

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
from dashboard.model import RatingStatus
from dashboard.report import Changed, Figure, MeasureEntry, PartnershipReport
from data_access import cache as cache_module
from data_access import db, versions
from data_access.cache import cache
from data_access.imports import import_results
from data_access.opendata import open_data_rows
from data_access.publications import publish, withdraw
from data_access.reports import history, report_for
from data_access.results import NotVisible, reporting_points
from data_access.tables import PeriodRow, ResultRow

HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source\n"
SOUTH_GLOS = "/api/v1/partnerships/south-glos"
SOUTH_GLOS_MEMBER = Audience(frozenset({"south-glos"}))
GLOUCESTER_MEMBER = Audience(frozenset({"gloucester"}))
SOUTH_GLOS_AREA = "E06000025"
CRIME = "CRIME_TOTAL_RATE"
MARAC = "MARAC_REPEAT_VICTIMISATION_PCT"
CORRECTION = HEADER + "CRIME_TOTAL_RATE,2018/19,E06000025,95.0,,,corrected,Police\n"


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
def sample(users_db: str, cache_backend: str) -> str:
    """The sample loaded (a copy of the session's loaded database: loading it is slow)."""
    return cache_backend


def period_labels(client: FlaskClient) -> list[str]:
    return [p["label"] for p in client.get(f"{SOUTH_GLOS}/periods").get_json()]


def crime(report: PartnershipReport) -> MeasureEntry:
    entry = report.measure(CRIME)
    assert entry is not None and entry.figure is not None
    return entry


def crime_figure(report: PartnershipReport) -> Figure:
    figure = crime(report).figure
    assert figure is not None
    return figure


def crime_value(report: PartnershipReport) -> float | None:
    return crime_figure(report).value


def open_crime(period: str) -> float | None:
    """Total crime for South Gloucestershire itself in the open data, or None if not listed."""
    rows = open_data_rows("south-glos", period)
    own = [r for r in rows if r["measure_code"] == CRIME and r["area_code"] == SOUTH_GLOS_AREA]
    assert len(own) <= 1
    return own[0]["value"] if own else None


def codes(report: PartnershipReport) -> set[str]:
    return {m.code for m in report.measures}


def test_the_cache_backend_in_use_is_the_one_asked_for(sample: str, server: Flask) -> None:
    assert type(server.extensions["cache"][cache]).__name__ == sample


def test_publishing_a_point_lists_it_at_once(sample: str, server: Flask) -> None:
    client = server.test_client()
    assert "2019/20 H1" not in period_labels(client)  # now cached
    with pytest.raises(NotVisible):
        report_for("south-glos", "2019/20 H1", PUBLIC)
    assert open_crime("12m to 2019-09") is None
    publish("south-glos", "2019/20 H1", "test-editor")
    assert period_labels(client)[0] == "2019/20 H1"
    results = client.get(f"{SOUTH_GLOS}/results", query_string={"period": "2019/20 H1"})
    assert results.status_code == 200
    public = report_for("south-glos", "2019/20 H1", PUBLIC)
    assert public.publication is not None and public.publication.version == 1
    assert (crime_figure(public).period, crime_figure(public).value) == ("12m to 2019-09", 63.9)
    assert open_crime("12m to 2019-09") == 63.9


def test_a_replaced_value_reaches_members_at_once_and_the_public_when_published_again(
    sample: str,
) -> None:
    for audience in (PUBLIC, SOUTH_GLOS_MEMBER):  # both now cached
        before = report_for("south-glos", "2018/19", audience)
        assert (crime_value(before), crime(before).rating.status) == (61.5, RatingStatus.GREEN)
    import_results("correction.csv", CORRECTION.encode(), "test-loader")

    member = report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER)
    assert crime_value(member) == 95.0
    assert crime(member).rating.status == RatingStatus.RED
    assert crime(member).rating.reason.startswith("Better than none of the 3 comparators")
    assert crime(member).changed == Changed(61.5, RatingStatus.GREEN)
    assert member.publication is not None and member.publication.changed_since is True

    public = report_for("south-glos", "2018/19", PUBLIC)
    assert (crime_value(public), crime(public).rating.status) == (61.5, RatingStatus.GREEN)
    assert crime(public).revised is None
    assert public.publication is not None and public.publication.version == 1
    shown = {r.period: r.value for r in history(public, CRIME) if r.area_code == SOUTH_GLOS_AREA}
    assert shown["2018/19"] == 61.5  # the measure page as published, not as corrected
    assert open_crime("2018/19") == 61.5

    _, number = publish("south-glos", "2018/19", "test-editor")
    assert number == 2
    public = report_for("south-glos", "2018/19", PUBLIC)
    assert (crime_value(public), crime(public).rating.status) == (95.0, RatingStatus.RED)
    revised = crime(public).revised
    assert revised is not None
    assert (revised.was, revised.was_rating, revised.version) == (61.5, RatingStatus.GREEN, 1)
    assert public.publication is not None and public.publication.version == 2
    shown = {r.period: r.value for r in history(public, CRIME) if r.area_code == SOUTH_GLOS_AREA}
    assert shown["2018/19"] == 95.0
    assert open_crime("2018/19") == 95.0
    assert crime_value(report_for("south-glos", "2018/19", PUBLIC, version=1)) == 61.5
    member = report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER)
    assert crime(member).changed is None
    assert member.publication is not None
    assert (member.publication.version, member.publication.changed_since) == (2, False)


def test_the_open_data_changes_when_a_version_is_published_or_withdrawn_not_on_import(
    sample: str,
) -> None:
    before = open_data_rows()
    import_results("correction.csv", CORRECTION.encode(), "test-loader")
    assert open_data_rows() == before
    publish("south-glos", "2018/19", "test-editor")
    assert open_crime("2018/19") == 95.0
    withdraw("south-glos", "2018/19", 2, "wrong file", "test-editor")
    assert open_crime("2018/19") == 61.5
    assert open_data_rows() == before


def test_answers_come_from_the_cache_until_the_data_version_moves(sample: str) -> None:
    assert crime_value(report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER)) == 61.5
    _overwrite_crime_without_bumping(70.0)  # no real writer does this: it shows the cache at work
    assert crime_value(report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER)) == 61.5
    with db.transaction() as session:
        versions.bump(session)
    assert crime_value(report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER)) == 70.0
    # the public reads the version as published, whatever the data says now
    assert crime_value(report_for("south-glos", "2018/19", PUBLIC)) == 61.5


def test_the_public_and_a_member_never_share_a_cache_entry(sample: str) -> None:
    for version in (None, 1):  # the live report, then the stored version's two reports
        member_first = report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER, version)
        public_next = report_for("south-glos", "2018/19", PUBLIC, version)
        member_again = report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER, version)
        assert MARAC in codes(member_first) and not member_first.is_public
        assert MARAC not in codes(public_next) and public_next.is_public
        assert MARAC in codes(member_again) and not member_again.is_public


def test_the_public_and_a_member_get_their_own_reporting_points(sample: str) -> None:
    public_first = reporting_points("south-glos", PUBLIC)
    member_next = reporting_points("south-glos", SOUTH_GLOS_MEMBER)
    public_again = reporting_points("south-glos", PUBLIC)
    assert all(p.published for p in public_first)
    assert any(not p.published for p in member_next)
    assert public_again == public_first


def test_members_of_different_partnerships_do_not_share_an_entry(sample: str) -> None:
    assert any(not p.published for p in reporting_points("south-glos", SOUTH_GLOS_MEMBER))
    assert all(p.published for p in reporting_points("south-glos", GLOUCESTER_MEMBER))
    own = report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER)
    other = report_for("south-glos", "2018/19", GLOUCESTER_MEMBER)
    assert MARAC in codes(own) and own.live
    assert MARAC not in codes(other) and other.is_public
    assert report_for("south-glos", "2019/20 H1", SOUTH_GLOS_MEMBER).live
    with pytest.raises(NotVisible):
        report_for("south-glos", "2019/20 H1", GLOUCESTER_MEMBER)


def _overwrite_crime_without_bumping(value: float) -> None:
    with db.transaction() as session:
        period_id = session.scalar(sa.select(PeriodRow.id).where(PeriodRow.label == "2018/19"))
        session.execute(
            sa.update(ResultRow)
            .where(
                ResultRow.measure_code == CRIME,
                ResultRow.area_code == SOUTH_GLOS_AREA,
                ResultRow.period_id == period_id,
            )
            .values(value=value)
        )


def test_an_import_keeps_the_catalogue_and_a_configuration_change_reloads_it(sample: str) -> None:
    """Workers keep the national catalogue in memory: results and publications must not make
    them reload it, but a configuration change must reach the next request."""
    from dashboard.config_file import parse_config
    from data_access import catalogue
    from data_access.results import visible_partnership

    before = versions._read()
    import_results("fix.csv", CORRECTION.encode(), "test-editor")
    publish("south-glos", "2018/19", "test-editor")
    after_import = versions._read()
    assert after_import.data != before.data
    assert after_import.catalogue == before.catalogue

    config = parse_config(
        '[[measure]]\ncode = "CRIME_TOTAL_RATE"\ntitle = "Recorded crime, renamed"\n'
        'unit = "rate_per_1000"\npolarity = "lower_is_better"\n',
        "rename.toml",
    )
    catalogue.apply_config(config, "test-admin", "rename.toml")
    assert versions._read().catalogue != before.catalogue
    partnership = visible_partnership("south-glos", PUBLIC)
    titles = {pm.measure.code: pm.measure.title for pm in partnership.measures}
    assert titles[CRIME] == "Recorded crime, renamed"
