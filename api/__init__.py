"""The read-only JSON API (INTERFACES.md section 5), as Flask routes on the Dash server."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from dashboard.assessment import MeasureAssessment, assess
from dashboard.audience import Audience
from dashboard.exports import to_csv
from dashboard.model import Partnership
from dashboard.periods import PeriodLabelError, parse_period
from dashboard.reporting import ReportingPoint
from data_access import opendata, versions
from data_access.access import current_audience
from data_access.cache import cache
from data_access.results import (
    NotVisible,
    all_partnerships,
    areas,
    partnership_view,
    reporting_points,
    resolve_point,
    visible_partnership,
)

logger = logging.getLogger(__name__)
blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
READ_ONLY = "This API is read-only: use GET."


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
        }
        for m in partnership.measures
    ]


def measure_json(a: MeasureAssessment) -> dict[str, Any]:
    """One measure's entry in the results response; numbers as computed, not rounded."""
    item, result = a.figures.item, a.result
    weighted_only = result is not None and result.numerator is None
    return {
        "measure_code": item.measure.code,
        "title": item.measure.title,
        "priority": item.priority,
        "unit": str(item.measure.unit),
        "polarity": str(item.measure.polarity),
        "rule": str(item.target.rule),
        "result_period": result.period if result else None,
        "illustrative": result.illustrative if result else False,
        "source": result.source if result else item.measure.source,
        "target": a.target_text,
        "value": result.value if result else None,
        "numerator": None if weighted_only or result is None else result.numerator,
        "denominator": result.denominator if result else None,
        "ci_low": a.ci[0] if a.ci else None,
        "ci_high": a.ci[1] if a.ci else None,
        "rating": {
            "status": str(a.rating.status),
            "label": a.rating.label,
            "reason": a.rating.reason,
        },
        "comparators": [
            {
                "area_code": c.area.code,
                "name": c.area.name,
                "value": c.result.value if c.result else None,
                "ci_low": c.ci[0] if c.ci else None,
                "ci_high": c.ci[1] if c.ci else None,
                "comparison": str(c.comparison),
            }
            for c in a.comparators
        ],
        "direction": str(a.direction),
        "revised_since_publication": a.figures.revised_since_publication,
    }


@blueprint.get("/partnerships/<slug>/results")
@json_endpoint
def results(slug: str) -> dict[str, Any]:
    params = _params(("period",))
    audience = current_audience()
    point = resolve_point(slug, _period_param(params), audience)
    return _results_payload(slug, point, audience, versions.current())


@cache.memoize()
def _results_payload(
    slug: str, point: ReportingPoint, audience: Audience, _version: int
) -> dict[str, Any]:
    """The whole answer, cached: rating forty measures costs more than the query behind them."""
    view = partnership_view(slug, point.label, audience)
    return {
        "partnership": slug,
        "period": _point_json(view.point),
        "results": [measure_json(assess(f, view.point.end)) for f in view.figures],
    }


def _open_data() -> list[dict[str, Any]]:
    params = _params(("partnership", "period"))
    return opendata.open_data_rows(params.get("partnership"), _period_param(params))


@blueprint.get("/results.csv")
@json_endpoint
def results_csv() -> Response:
    return Response(
        to_csv(_open_data()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=results.csv"},
    )


@blueprint.get("/results.json")
@json_endpoint
def results_json() -> Response:
    return jsonify(opendata.json_rows(_open_data()))


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
