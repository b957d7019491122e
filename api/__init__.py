"""The read-only JSON API (INTERFACES.md section 5), as Flask routes on the Dash server.

Every results answer renders one `PartnershipReport` (dashboard/report.py): the public reads a
published version's public report, a member the live report or a stored member report.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from dashboard.audience import PUBLIC
from dashboard.exports import to_csv
from dashboard.model import Partnership
from dashboard.periods import PeriodLabelError, parse_period
from dashboard.points import parse_version
from dashboard.report import (
    ComparatorEntry,
    Figure,
    MeasureEntry,
    PartnershipReport,
    PublicationRef,
)
from dashboard.reporting import ReportingPoint
from data_access import opendata, versions
from data_access.access import current_audience
from data_access.cache import cache
from data_access.publications import Publication, publications
from data_access.reports import report_for
from data_access.results import (
    NotVisible,
    all_partnerships,
    areas,
    reporting_points,
    resolve_point,
    visible_partnership,
)

logger = logging.getLogger(__name__)
blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
READ_ONLY = "This API is read-only: use GET."
OPEN_DATA_CACHE = "public, max-age=300"


class BadParameter(ValueError):
    """A query parameter that is wrong; the message names it."""


def _error(message: str, status: int) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _params(allowed: Iterable[str]) -> dict[str, str]:
    """The query string, refusing unknown, repeated or empty parameters."""
    allowed = set(allowed)
    found: dict[str, str] = {}
    for name in request.args:
        values = request.args.getlist(name)
        if name not in allowed:
            expected = ", ".join(sorted(allowed)) or "none"
            raise BadParameter(f"{name}: unknown parameter (expected: {expected})")
        if len(values) > 1:
            raise BadParameter(f"{name}: given {len(values)} times; give it once")
        if not values[0].strip():
            raise BadParameter(f"{name}: must not be empty")
        found[name] = values[0].strip()
    return found


def _period_param(params: dict[str, str]) -> str | None:
    label = params.get("period")
    if label is None:
        return None
    try:
        return parse_period(label).label
    except PeriodLabelError as error:
        raise BadParameter(f"period: {error}") from error


def _version_param(params: dict[str, str]) -> int | None:
    try:
        return parse_version(params.get("version"))
    except ValueError as error:
        raise BadParameter(f"version: {error}") from error


def json_endpoint(view: Callable[..., Any]) -> Callable[..., Response]:
    """Bad parameters answer 400, unknown or invisible things 404, always as JSON."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            result = view(*args, **kwargs)
        except BadParameter as error:
            return _error(str(error), 400)
        except NotVisible as error:
            return _error(str(error), 404)
        return result if isinstance(result, Response) else jsonify(result)

    return wrapper


def _instant(moment: datetime) -> str:
    """A stored time (naive UTC) as ISO 8601 in UTC: "2020-05-12T10:03:00Z"."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds") + "Z"


def _area(code: str) -> dict[str, str]:
    return {"code": code, "name": areas()[code].name}


def _partnership_json(p: Partnership) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "name": p.name,
        "area": _area(p.area),
        "comparators": [_area(c) for c in p.comparators],
    }


def _point_json(point: ReportingPoint) -> dict[str, Any]:
    return {
        "label": point.label,
        "start": point.start.isoformat(),
        "end": point.end.isoformat(),
        "published": point.published,
    }


@blueprint.get("/partnerships")
@json_endpoint
def partnerships() -> list[dict[str, Any]]:
    _params(())
    return [_partnership_json(p) for p in all_partnerships()]


@blueprint.get("/partnerships/<slug>/periods")
@json_endpoint
def periods(slug: str) -> list[dict[str, Any]]:
    _params(())
    return [_point_json(p) for p in reporting_points(slug, current_audience())]


@blueprint.get("/partnerships/<slug>/measures")
@json_endpoint
def measures(slug: str) -> list[dict[str, Any]]:
    _params(())
    partnership = visible_partnership(slug, current_audience())
    return [
        {
            "code": m.measure.code,
            "title": m.measure.title,
            "priority": m.priority,
            "unit": str(m.measure.unit),
            "polarity": str(m.measure.polarity),
            "rule": str(m.target.rule),
            "public": m.public,
            "decimals": m.measure.decimals,
            "area": m.area,
            "suppress_below": m.measure.suppress_below,
        }
        for m in partnership.measures
    ]


def _publication_json(p: Publication) -> dict[str, Any]:
    """One version as listed: who published it only by role, never by name."""
    return {
        "period": {
            "label": p.period.label,
            "start": p.period.start.isoformat(),
            "end": p.period.end.isoformat(),
        },
        "version": p.version,
        "published_at": _instant(p.published_at),
        "published_by_role": p.published_by_role,
        "withdrawn": p.withdrawn,
        "withdrawn_reason": p.withdrawn_reason,
        "reconstructed": p.reconstructed,
    }


@blueprint.get("/partnerships/<slug>/publications")
@json_endpoint
def publication_list(slug: str) -> list[dict[str, Any]]:
    _params(())
    visible_partnership(slug, current_audience())  # the unknown-partnership 404
    return [_publication_json(p) for p in publications(slug)]


# --- results: one report rendered as JSON -------------------------------------------------------


def _figures(figure: Figure | None) -> dict[str, Any]:
    """The numbers of a figure; a withheld or missing one has them all null."""
    return {
        "value": figure.value if figure else None,
        # a weighted percentage with only its base has no numerator of its own to report
        "numerator": figure.numerator if figure else None,
        "denominator": figure.denominator if figure else None,
        "ci_low": figure.ci_low if figure else None,
        "ci_high": figure.ci_high if figure else None,
    }


def _comparator_json(c: ComparatorEntry) -> dict[str, Any]:
    figure = c.figure
    return {
        "area_code": c.area.code,
        "name": c.area.name,
        "value": figure.value if figure else None,
        "ci_low": figure.ci_low if figure else None,
        "ci_high": figure.ci_high if figure else None,
        "comparison": str(c.comparison),
        "source": figure.source if figure else None,
        "illustrative": figure.illustrative if figure else False,
    }


def measure_json(entry: MeasureEntry, member: bool) -> dict[str, Any]:
    """One measure's entry in the results response; numbers as computed, not rounded."""
    figure = entry.figure
    item = {
        "measure_code": entry.code,
        "title": entry.title,
        "priority": entry.priority,
        "unit": str(entry.unit),
        "polarity": str(entry.polarity),
        "rule": str(entry.rule),
        "result_period": figure.period if figure else None,
        "illustrative": entry.illustrative,
        "source": (figure.source if figure else "") or entry.measure_source,
        "target": entry.target.text,
        **_figures(figure),
        "rating": {
            "status": str(entry.rating.status),
            "label": entry.rating.label,
            "reason": entry.rating.reason,
        },
        "comparators": [_comparator_json(c) for c in entry.comparators],
        "direction": str(entry.direction),
        "previous": (
            {"period": entry.previous.period, "value": entry.previous.value}
            if entry.previous
            else None
        ),
        "design_effect": entry.design_effect,
        "effective_base": entry.effective_base,
        "suppressed": entry.suppressed,
        "revised": (
            {
                "was": entry.revised.was,
                "was_rating": str(entry.revised.was_rating),
                "version": entry.revised.version,
                "published_at": _instant(entry.revised.published_at),
            }
            if entry.revised
            else None
        ),
    }
    if member:
        changed = entry.changed
        item["changed_since_publication"] = (
            {
                "published_value": changed.published_value,
                "published_rating": str(changed.published_rating),
            }
            if changed
            else None
        )
        item["withheld_from_public"] = entry.withheld_from_public
    return item


def _publication_ref_json(ref: PublicationRef | None, member: bool) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "version": ref.version,
        "latest_version": ref.latest_version,
        "published_at": _instant(ref.published_at),
        # the public always reads a version as published: nothing has changed since, for it
        "changed_since": ref.changed_since if member else False,
        "reconstructed": ref.reconstructed,
    }


def results_payload(report: PartnershipReport, point: ReportingPoint) -> dict[str, Any]:
    """The results response (INTERFACES.md section 5) rendered from one report."""
    member = not report.is_public
    return {
        "partnership": report.slug,
        "period": _point_json(point),
        "results": [measure_json(e, member) for e in report.measures],
        "publication": _publication_ref_json(report.publication, member),
    }


@blueprint.get("/partnerships/<slug>/results")
@json_endpoint
def results(slug: str) -> Response | dict[str, Any]:
    params = _params(("period", "version"))
    label, version = _period_param(params), _version_param(params)
    audience = current_audience()
    point = resolve_point(slug, label, audience)
    if not audience.is_member(slug):
        return _public_results(slug, point, version, versions.current())
    response = jsonify(results_payload(report_for(slug, point.label, audience, version), point))
    response.headers["Cache-Control"] = "private"
    return response


@cache.memoize()
def _public_results(
    slug: str, point: ReportingPoint, version: int | None, _data_version: int
) -> dict[str, Any]:
    """The public answer, cached per point, version and data version: the same for everyone."""
    return results_payload(report_for(slug, point.label, PUBLIC, version), point)


# --- open data ----------------------------------------------------------------------------------


def _open_data(render: Callable[[list[dict[str, Any]]], Response]) -> Response:
    """The stored open data file, filtered, with its ETag; 304 when the caller has it."""
    params = _params(("partnership", "period"))
    etag, rows = opendata.open_data(params.get("partnership"), _period_param(params))
    if etag is not None and request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = render(rows)
    if etag is not None:
        response.set_etag(etag)
    response.headers["Cache-Control"] = OPEN_DATA_CACHE
    return response


def _csv(rows: list[dict[str, Any]]) -> Response:
    return Response(
        to_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=results.csv"},
    )


def _json(rows: list[dict[str, Any]]) -> Response:
    return jsonify(opendata.json_rows(rows))


@blueprint.get("/results.csv")
@json_endpoint
def results_csv() -> Response:
    return _open_data(_csv)


@blueprint.get("/results.json")
@json_endpoint
def results_json() -> Response:
    return _open_data(_json)


@blueprint.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown_route(_rest: str) -> Response:
    """Anything else under /api/v1 is a JSON 404 (405 for writes), not Dash's catch-all page."""
    # This rule also matches writes to the real routes, so Flask never raises its own 405 here
    if request.method != "GET":
        return _error(READ_ONLY, 405)
    return _error("Not found: see INTERFACES.md section 5 for the routes.", 404)


@blueprint.errorhandler(500)
def server_error(error: Exception) -> Response:
    """Log with a reference; answer calmly in JSON, never with a traceback."""
    reference = secrets.token_hex(2).upper()
    logger.error(
        "API request %s failed (reference %s)",
        request.path,
        reference,
        exc_info=getattr(error, "original_exception", error),
    )
    return _error(f"Something went wrong on our side. Quote reference {reference}.", 500)


@blueprint.errorhandler(405)
def method_not_allowed(_error: Exception) -> Response:
    return _error(READ_ONLY, 405)


def init_app(server: Flask) -> None:
    server.register_blueprint(blueprint)
