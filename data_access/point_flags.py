"""The per-point "changed since publication" flag, kept so listing points needs no report rebuild.

A write that may change what a published point shows sets the flag of every published point it
could reach; publishing the point again clears it. The flag says "may have changed": opening the
point (the member's live report) says exactly what did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from data_access.tables import (
    ComparatorRow,
    PartnershipMeasureRow,
    PartnershipRow,
    PeriodRow,
    PublicationRow,
)


def flag_points_reached(session: Session, area_codes: Iterable[str], earliest_end: date) -> int:
    """Flag every published point ending on or after `earliest_end` of each partnership that
    shows results for any of these areas (its own, a comparator, or a measure's `area`)."""
    reached = _reached(area_codes, earliest_end)
    if reached is None:
        return 0
    result = session.execute(
        sa.update(PublicationRow)
        .where(reached, PublicationRow.changed.is_(False))
        .values(changed=True)
    )
    return result.rowcount or 0


@dataclass(frozen=True, slots=True)
class PublishedPoint:
    slug: str
    partnership: str  # its name
    period: str  # the point's label
    version: int  # the latest version
    changed: bool  # already flagged as changed since that version


def points_reached(
    session: Session, area_codes: Iterable[str], earliest_end: date
) -> list[PublishedPoint]:
    """The published points flag_points_reached would flag for these areas (read only), by
    partnership name and then end date."""
    reached = _reached(area_codes, earliest_end)
    if reached is None:
        return []
    rows = session.execute(
        sa.select(
            PartnershipRow.slug,
            PartnershipRow.name,
            PeriodRow.label,
            PublicationRow.latest_version,
            PublicationRow.changed,
        )
        .join(PartnershipRow, PartnershipRow.id == PublicationRow.partnership_id)
        .join(PeriodRow, PeriodRow.id == PublicationRow.period_id)
        .where(reached)
        .order_by(PartnershipRow.name, PeriodRow.end_date, PeriodRow.start_date)
    )
    return [PublishedPoint(*row) for row in rows]


def _reached(area_codes: Iterable[str], earliest_end: date) -> sa.ColumnElement[bool] | None:
    """Which publications results for these areas, ending on or after `earliest_end`, could
    change: those of each partnership showing any of the areas; None for no areas."""
    areas = list(set(area_codes))
    if not areas:
        return None
    partnership_ids = (
        sa.select(PartnershipRow.id)
        .where(PartnershipRow.area_code.in_(areas))
        .union(
            sa.select(ComparatorRow.partnership_id).where(ComparatorRow.area_code.in_(areas)),
            sa.select(PartnershipMeasureRow.partnership_id).where(
                PartnershipMeasureRow.area_code.in_(areas)
            ),
        )
    )
    points = sa.select(PeriodRow.id).where(PeriodRow.end_date >= earliest_end)
    return sa.and_(
        PublicationRow.partnership_id.in_(partnership_ids),
        PublicationRow.period_id.in_(points),
    )


def changed_points(slug: str, session: Session) -> dict[str, bool]:
    """Each published point's label and whether it may have changed since its latest version."""
    rows = session.execute(
        sa.select(PeriodRow.label, PublicationRow.changed)
        .join(PublicationRow, PublicationRow.period_id == PeriodRow.id)
        .join(PartnershipRow, PartnershipRow.id == PublicationRow.partnership_id)
        .where(PartnershipRow.slug == slug)
    )
    return dict(rows.all())
