"""Reads behind a report: a partnership's action plan, funded projects and commentary (the report
decides what the public sees of them), and which partnerships lie in a county or force area."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from dashboard.model import ActionStatus, Partnership
from dashboard.plans import ActionItem, Commentary, FundedProject
from data_access import db
from data_access.results import (
    NotVisible,
    all_partnerships,
    areas,
)
from data_access.tables import (
    ActionItemRow,
    CommentaryRow,
    FundedProjectRow,
    PartnershipRow,
    PeriodRow,
)


def all_action_items(slug: str) -> list[ActionItem]:
    """Every action plan item of the partnership, by priority in the plan's order."""
    stmt = (
        sa.select(ActionItemRow)
        .join(PartnershipRow, PartnershipRow.id == ActionItemRow.partnership_id)
        .where(PartnershipRow.slug == slug)
        .order_by(ActionItemRow.priority, ActionItemRow.position, ActionItemRow.id)
    )
    with db.session() as s:
        return [
            ActionItem(
                r.priority, r.objective, r.update, r.actions, ActionStatus(r.status), r.key or ""
            )
            for r in s.scalars(stmt)
        ]


def all_funded_projects(slug: str) -> list[FundedProject]:
    """Every funded project of the partnership, largest amount first."""
    stmt = (
        sa.select(FundedProjectRow)
        .join(PartnershipRow, PartnershipRow.id == FundedProjectRow.partnership_id)
        .where(PartnershipRow.slug == slug)
        .order_by(FundedProjectRow.amount_gbp.desc(), FundedProjectRow.id)
    )
    with db.session() as s:
        return [
            FundedProject(
                r.priority, r.theme, r.project, r.amount_gbp, r.outcomes, r.period, r.source
            )
            for r in s.scalars(stmt)
        ]


def all_commentary(slug: str, end: date) -> list[tuple[str, Commentary]]:
    """(measure code, current commentary) for periods ending on or before `end`, newest period
    first. Commentary is kept as history: per measure and point (periods ending the same day)
    the latest row is current, and an empty one means it was removed."""
    stmt = (
        sa.select(
            CommentaryRow.measure_code,
            PeriodRow.end_date,
            PeriodRow.label,
            CommentaryRow.text,
            CommentaryRow.author,
            CommentaryRow.created_at,
        )
        .join(PeriodRow, PeriodRow.id == CommentaryRow.period_id)
        .join(PartnershipRow, PartnershipRow.id == CommentaryRow.partnership_id)
        .where(PartnershipRow.slug == slug, PeriodRow.end_date <= end)
        .order_by(
            PeriodRow.end_date.desc(), CommentaryRow.created_at.desc(), CommentaryRow.id.desc()
        )
    )
    found: list[tuple[str, Commentary]] = []
    seen: set[tuple[str, date]] = set()
    with db.session() as s:
        for code, period_end, *rest in s.execute(stmt):
            if (code, period_end) in seen:
                continue  # superseded by a later row for the same measure and point
            seen.add((code, period_end))
            comment = Commentary(*rest)
            if comment.text:
                found.append((code, comment))
    return found


def partnerships_within(area_code: str) -> list[Partnership]:
    """Partnerships whose area's parent chain reaches `area_code` (a county or force area)."""
    known = areas()
    if area_code not in known:
        raise NotVisible(f"No area '{area_code}'.")
    found = []
    for partnership in all_partnerships():
        code = known[partnership.area].parent if partnership.area in known else None
        while code is not None and code != area_code:
            code = known[code].parent if code in known else None
        if code == area_code:
            found.append(partnership)
    if not found:
        raise NotVisible(f"No partnerships within '{area_code}'.")
    return sorted(found, key=lambda p: p.name)
