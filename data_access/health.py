"""What /healthz reports (INTERFACES.md section 1): whether the database and the cache answer."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from data_access import db
from data_access.cache import cache_available

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"


def database_answers() -> bool:
    """Whether the database answers a query now, on a connection from the pool."""
    try:
        with db.engine().connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as error:
        logger.warning("health check: database unavailable (%s)", type(error).__name__)
        return False
    return True


def health(server: Flask) -> tuple[dict[str, str], int]:
    """The report and its status: 503 only when the database is down, as the app works without
    the cache."""
    database = database_answers()
    report = {
        "database": OK if database else UNAVAILABLE,
        "cache": OK if cache_available(server) else UNAVAILABLE,
    }
    return report, 200 if database else 503
