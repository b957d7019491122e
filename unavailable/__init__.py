"""The answer when the database is away for a moment (a restart, a failover, a long lock): 503
with Retry-After, JSON under /api and a plain page elsewhere, never a 500 with a reference."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request

from dashboard import wording
from data_access import db

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 5
MESSAGE = (
    "The dashboard cannot reach its database just now, usually for a few seconds during "
    "maintenance. Try again in a moment."
)


def database_unavailable(error: Exception) -> Response:
    """503 for a database that cannot be reached; any other database error goes on to the 500
    handlers."""
    if not db.is_unavailable(error):
        raise error
    cause = getattr(error, "orig", None) or error
    logger.warning(
        "database unavailable for %s %s: %s", request.method, request.path, type(cause).__name__
    )
    if request.path.startswith("/api/"):
        response = jsonify(error=MESSAGE)
    else:
        page = render_template(
            "unavailable.html", message=MESSAGE, service_name=wording.SERVICE_NAME
        )
        response = Response(page, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(server: Flask) -> None:
    for error_class in db.DATABASE_ERRORS:
        server.register_error_handler(error_class, database_unavailable)
