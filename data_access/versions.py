"""The data version: every write that changes what readers see changes it; cache keys include it."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Session

from data_access import db
from data_access.tables import DataVersionRow

_KEY = "cspd.data_version"


def bump(session: Session) -> None:
    """Increment inside the writer's transaction: readers see new data and version together."""
    # Random, not +1: two databases sharing one Redis (staging beside production, or test
    # databases) then never share a version, so never a cache entry.
    session.execute(sa.update(DataVersionRow).values(version=secrets.randbits(62) + 1))
    if has_request_context():
        request.environ.pop(_KEY, None)


def current() -> int:
    """The version, read once per web request (a request sees one consistent version)."""
    if not has_request_context():
        return _read()
    # Kept on the request itself (not flask.g, which an outer app context can share)
    if _KEY not in request.environ:
        request.environ[_KEY] = _read()
    return request.environ[_KEY]


def _read() -> int:
    with db.session() as s:
        return s.scalar(sa.select(DataVersionRow.version)) or 0
