"""Publishing reporting points (PRODUCT.md section 2): the gate between members and the public."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard.periods import Period, parse_period
from data_access import audit, db, versions
from data_access.imports import ensure_periods
from data_access.tables import PartnershipRow, PeriodRow, PublicationRow, ResultRow


class PublishError(ValueError):
    """Publishing refused; the message says why."""


@dataclass(frozen=True, slots=True)
class Publication:
    period: Period
    published_at: object
    published_by: str


def partnership_row(session: Session, slug: str) -> PartnershipRow:
    row = session.scalar(sa.select(PartnershipRow).where(PartnershipRow.slug == slug))
    if row is None:
        known = ", ".join(
            session.scalars(sa.select(PartnershipRow.slug).order_by(PartnershipRow.slug))
        )
        raise PublishError(f"No partnership '{slug}': known partnerships are {known or 'none'}.")
    return row


def publish(slug: str, label: str, actor: str, today: date | None = None) -> tuple[Period, bool]:
    """Publish the reporting point `label` names; returns (point, whether it was new)."""
    point = parse_period(label)
    if point.end > (today or date.today()):
        raise PublishError(
            f"{point.label} ends on {point.end:%d %B %Y}, in the future: "
            "a reporting point can be published once it has ended."
        )
    with db.transaction() as session:
        return point, write_publication(session, slug, point, actor)


def write_publication(session: Session, slug: str, point: Period, actor: str) -> bool:
    partnership = partnership_row(session, slug)
    already = session.scalar(
        sa.select(PeriodRow.label)
        .join(PublicationRow, PublicationRow.period_id == PeriodRow.id)
        .where(PublicationRow.partnership_id == partnership.id, PeriodRow.end_date == point.end)
    )
    if already is not None:
        return False
    has_results = session.scalar(
        sa.select(sa.func.count())
        .select_from(ResultRow)
        .join(PeriodRow, PeriodRow.id == ResultRow.period_id)
        .where(ResultRow.area_code == partnership.area_code, PeriodRow.end_date <= point.end)
    )
    if not has_results:
        raise PublishError(
            f"{slug} has no results on or before {point.label} "
            f"({point.end:%d %B %Y}): load results before publishing."
        )
    period_id = ensure_periods(session, [point])[point.label]
    session.add(
        PublicationRow(
            partnership_id=partnership.id,
            period_id=period_id,
            published_at=audit.now(),
            published_by=actor,
        )
    )
    audit.record(session, actor, "publish", f"{slug} {point.label}")
    versions.bump(session)
    return True


def published_points(slug: str) -> list[Publication]:
    """A partnership's published reporting points, newest first."""
    with db.session() as s:
        rows = s.execute(
            sa.select(PeriodRow, PublicationRow.published_at, PublicationRow.published_by)
            .join(PublicationRow, PublicationRow.period_id == PeriodRow.id)
            .join(PartnershipRow, PartnershipRow.id == PublicationRow.partnership_id)
            .where(PartnershipRow.slug == slug)
            .order_by(PeriodRow.end_date.desc())
        ).all()
        return [
            Publication(Period(p.label, p.start_date, p.end_date), at, by) for p, at, by in rows
        ]
