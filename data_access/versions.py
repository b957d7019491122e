"""The data version: every write that changes what readers see bumps it; cache keys include it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from data_access import db
from data_access.tables import DataVersionRow


def bump(session: Session) -> None:
    """Increment inside the writer's transaction: readers see new data and version together."""
    session.execute(sa.update(DataVersionRow).values(version=DataVersionRow.version + 1))


def current() -> int:
    with db.session() as s:
        return s.scalar(sa.select(DataVersionRow.version)) or 0
