"""The data version: every write that changes what readers see changes it; cache keys include it.

A second counter, the catalogue version, moves only when the configuration does (partnerships,
measures, areas), so an import or a publication does not make every worker reload the catalogue.
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Session

from data_access import db
from data_access.tables import DataVersionRow

_KEY = "cspd.data_version"


class Versions(NamedTuple):
    data: int
    catalogue: int


def bump(session: Session, catalogue: bool = False) -> None:
    """Move the version inside the writer's transaction: readers see new data and version together.

    `catalogue=True` for writes to the configuration, which also moves the catalogue version.
    """
    # Random, not +1: two databases sharing one Redis (staging beside production, or test
    # databases) then never share a version, so never a cache entry.
    values = {"version": secrets.randbits(62) + 1}
    if catalogue:
        values["catalogue_version"] = secrets.randbits(62) + 1
    session.execute(sa.update(DataVersionRow).values(**values))
    if has_request_context():
        request.environ.pop(_KEY, None)


def current() -> int:
    """The data version, read once per web request (a request sees one consistent version)."""
    return _both().data


def catalogue() -> int:
    """The catalogue version, read with the data version."""
    return _both().catalogue


def _both() -> Versions:
    if not has_request_context():
        return _read()
    # Kept on the request itself (not flask.g, which an outer app context can share)
    if _KEY not in request.environ:
        request.environ[_KEY] = _read()
    return request.environ[_KEY]


def _read() -> Versions:
    with db.session() as s:
        row = s.execute(sa.select(DataVersionRow.version, DataVersionRow.catalogue_version)).first()
        return Versions(row[0] or 0, row[1] or 0) if row else Versions(0, 0)
