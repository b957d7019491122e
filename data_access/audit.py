"""The audit log: who changed what, written in the same transaction as the change."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from data_access import db
from data_access.tables import AuditRow


def now() -> datetime:
    """Naive UTC, stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def record(session: Session, actor: str, action: str, entity: str, **detail: Any) -> None:
    session.add(
        AuditRow(
            at=now(),
            actor=actor,
            action=action,
            entity=entity,
            detail=json.dumps(detail, default=str, sort_keys=True),
        )
    )


def record_many(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk audit rows (each with actor, action, entity, detail dict) for large imports."""
    if rows:
        stamp = now()
        session.execute(
            sa.insert(AuditRow),
            [
                {
                    **row,
                    "at": stamp,
                    "detail": json.dumps(row["detail"], default=str, sort_keys=True),
                }
                for row in rows
            ],
        )


def recent(limit: int = 200) -> list[dict[str, Any]]:
    with db.session() as s:
        rows = s.scalars(sa.select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        return [
            {
                "at": r.at,
                "actor": r.actor,
                "action": r.action,
                "entity": r.entity,
                "detail": json.loads(r.detail or "{}"),
            }
            for r in rows
        ]
