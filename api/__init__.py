"""The read-only JSON API (INTERFACES.md section 5), as Flask routes on the Dash server.

Every results answer renders one `PartnershipReport` (dashboard/report.py): the public reads a
published version's public report, a member the live report or a stored member report.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from dashboard import results_json as rendering
from dashboard.exports import to_csv
from dashboard.model import Partnership
from dashboard.periods import PeriodLabelError, parse_period
from dashboard.points import parse_version
from dashboard.reporting import ReportingPoint
from data_access import opendata
from data_access.access import current_audience
from data_access.publications import Publication, publications
from data_access.reports import report_for, stored_public_results
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


def _area(code: str) -> dict[str, str]:
    return {"code": code, "name": areas()[code].name}


def _partnership_json(p: Partnership) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "name": p.name,
        "area": _area(p.area),
        "comparators": [_area(c) for c in p.comparators],
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
    return [rendering.point_json(p) for p in reporting_points(slug, current_audience())]


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
        "published_at": rendering.instant(p.published_at),
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


@blueprint.get("/partnerships/<slug>/results")
@json_endpoint
def results(slug: str) -> Response:
    params = _params(("period", "version"))
    label, version = _period_param(params), _version_param(params)
    audience = current_audience()
    point = resolve_point(slug, label, audience)
    if not audience.is_member(slug):
        return _public_results(slug, point, version)
    report = report_for(slug, point.label, audience, version)
    response = jsonify(rendering.results_payload(report, point))
    response.headers["Cache-Control"] = "private"
    return response


def _public_results(slug: str, point: ReportingPoint, version: int | None) -> Response:
    """The public answer: the version's results as stored at publication, sent as they are."""
    stored = stored_public_results(slug, point.end, version)
    if stored is None:
        which = f"version {version} of " if version is not None else ""
        raise NotVisible(f"No published {which}'{point.label}' for '{slug}'.")
    text, ref = stored
    body = rendering.compose(slug, point, text, ref)
    return Response(body, mimetype="application/json")


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
