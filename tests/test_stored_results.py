"""The public results API sends each version's results as stored when it was published: the
stored text must say exactly what the stored public report says, and a rendering stored by
older code is rendered again, both on the fly and by init-db."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from dashboard import report as reports
from dashboard import results_json
from dashboard.audience import PUBLIC
from data_access import db
from data_access.publications import publications
from data_access.reports import report_for
from data_access.results import reporting_points
from data_access.tables import PublicationVersionRow

# The keys a measure has in the results for each stored format: a change to measure_json's output
# must move RESULTS_FORMAT, so renderings stored by older code are made again (init-db).
KEYS_BY_FORMAT = {
    1: {
        "measure_code", "title", "priority", "unit", "polarity", "rule", "result_period",
        "illustrative", "source", "target", "value", "numerator", "denominator", "ci_low",
        "ci_high", "rating", "comparators", "direction", "previous", "design_effect",
        "effective_base", "suppressed", "revised",
    },
}  # fmt: skip


def _api(client, slug: str, label: str, version: int | None = None) -> dict:
    query = f"period={label}" + (f"&version={version}" if version else "")
    response = client.get(f"/api/v1/partnerships/{slug}/results?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


def _rendered(slug: str, label: str, version: int | None) -> dict:
    """What the API rendered from the stored public report before renderings were stored."""
    report = report_for(slug, label, PUBLIC, version)
    point = next(p for p in reporting_points(slug, PUBLIC) if p.label == label)
    return json.loads(json.dumps(results_json.results_payload(report, point)))


def test_every_published_version_answers_as_its_stored_report_says(
    server: Flask, users_db: str
) -> None:
    client = server.test_client()
    checked = 0
    for slug in ("south-glos", "gloucester"):
        for p in publications(slug):
            if p.withdrawn:
                continue
            body = _api(client, slug, p.period.label, p.version)
            assert body == _rendered(slug, p.period.label, p.version)
            assert body["publication"]["version"] == p.version
            checked += 1
    assert checked >= 4


def test_a_rendering_of_another_format_is_made_again_then_stored_by_init_db(
    server: Flask, users_db: str, runner: FlaskCliRunner
) -> None:
    client = server.test_client()
    before = _api(client, "south-glos", "2018/19")
    with db.transaction() as s:
        s.execute(
            sa.update(PublicationVersionRow).values(public_results="[]", public_results_format=0)
        )
    assert _api(client, "south-glos", "2018/19") == before  # rendered from the report
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "rendered again" in result.output
    with db.session() as s:
        formats = set(s.scalars(sa.select(PublicationVersionRow.public_results_format)))
    assert formats == {results_json.RESULTS_FORMAT}
    assert _api(client, "south-glos", "2018/19") == before


def test_the_stored_format_number_moves_with_the_rendering(users_db: str) -> None:
    report = report_for("south-glos", "2018/19", PUBLIC)
    keys = {key for entry in report.measures for key in results_json.measure_json(entry, False)}
    assert keys == KEYS_BY_FORMAT[results_json.RESULTS_FORMAT], (
        "measure_json's output changed: add a RESULTS_FORMAT and its keys here"
    )
    assert isinstance(report, reports.PartnershipReport)


def _without(document: object, key: str) -> object:
    """A stored report as older code wrote it: without a field added since (where it is empty,
    as it was for every figure before it existed)."""
    if isinstance(document, dict):
        return {k: _without(v, key) for k, v in document.items() if not (k == key and v is None)}
    if isinstance(document, list):
        return [_without(v, key) for v in document]
    return document


def test_a_version_stored_before_a_field_was_added_is_not_published_again_unchanged(
    users_db: str,
) -> None:
    from data_access.publications import publish

    with db.transaction() as s:
        for row in s.scalars(sa.select(PublicationVersionRow)):
            older = json.dumps(_without(json.loads(row.member_report), "design_effect"))
            row.member_report = older
            row.digest = "digest written by older code"
    _, number = publish("south-glos", "2018/19", "test-editor")
    assert number is None  # nothing differs from the latest version: no new one
