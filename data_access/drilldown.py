"""Reads for the drill-down views: trends, action plans, funded projects, commentary, county
membership. Each takes the audience and applies the visibility rule of results.py: the public never
sees a non-public measure or an unpublished point (NotVisible, exactly as for an unknown one)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from dashboard.audience import Audience
from dashboard.model import ActionStatus, Partnership
from dashboard.plans import ActionItem, Commentary, FundedProject
from data_access import db, versions
from data_access.cache import cache
from data_access.results import (
    NotVisible,
    all_partnerships,
    areas,
    resolve_point,
    visible_partnership,
)
from data_access.tables import (
    ActionItemRow,
    CommentaryRow,
    FundedProjectRow,
    PartnershipRow,
    PeriodRow,
    ResultRow,
)

Series = list[tuple[str, float | None]]


def trend_series(
    slug: str, label: str | None, audience: Audience, limit: int = 8
) -> dict[str, Series]:
    """Each visible measure's own results up to the point, oldest first, at most `limit` each."""
    point = resolve_point(slug, label, audience)
    partnership = visible_partnership(slug, audience)
    codes = tuple(m.measure.code for m in partnership.measures)
    series = _series(partnership.area, codes, point.end, versions.current())
    return {code: series.get(code, [])[-limit:] for code in codes}


@cache.memoize()
def _series(area_code: str, codes: tuple[str, ...], end: date, _version: int) -> dict[str, Series]:
    stmt = (
        sa.select(ResultRow.measure_code, PeriodRow.label, ResultRow.value)
        .join(PeriodRow, PeriodRow.id == ResultRow.period_id)
        .where(
            ResultRow.area_code == area_code,
            ResultRow.measure_code.in_(codes),
            PeriodRow.end_date <= end,
        )
        .order_by(PeriodRow.end_date, PeriodRow.start_date.desc())
    )
    found: dict[str, Series] = defaultdict(list)
    with db.session() as s:
        for code, period, value in s.execute(stmt):
            found[code].append((period, value))
    return dict(found)


def _check_priority(partnership: Partnership, priority: int) -> None:
    if priority not in {p.number for p in partnership.priorities}:
        raise NotVisible(f"No priority {priority} for '{partnership.slug}'.")


def action_items(slug: str, priority: int, audience: Audience) -> list[ActionItem]:
    """The priority's action plan in the plan's order; achieved objectives included."""
    _check_priority(visible_partnership(slug, audience), priority)
    return _action_items(slug, priority, versions.current())


@cache.memoize()
def _action_items(slug: str, priority: int, _version: int) -> list[ActionItem]:
    stmt = (
        sa.select(ActionItemRow)
        .join(PartnershipRow, PartnershipRow.id == ActionItemRow.partnership_id)
        .where(PartnershipRow.slug == slug, ActionItemRow.priority == priority)
        .order_by(ActionItemRow.position, ActionItemRow.id)
    )
    with db.session() as s:
        return [
            ActionItem(r.priority, r.objective, r.update, r.actions, ActionStatus(r.status))
            for r in s.scalars(stmt)
        ]


def funded_projects(slug: str, priority: int, audience: Audience) -> list[FundedProject]:
    """Projects funded under the priority, largest amount first."""
    _check_priority(visible_partnership(slug, audience), priority)
    return _funded_projects(slug, priority, versions.current())


@cache.memoize()
def _funded_projects(slug: str, priority: int, _version: int) -> list[FundedProject]:
    stmt = (
        sa.select(FundedProjectRow)
        .join(PartnershipRow, PartnershipRow.id == FundedProjectRow.partnership_id)
        .where(PartnershipRow.slug == slug, FundedProjectRow.priority == priority)
        .order_by(FundedProjectRow.amount_gbp.desc(), FundedProjectRow.id)
    )
    with db.session() as s:
        return [
            FundedProject(
                r.priority, r.theme, r.project, r.amount_gbp, r.outcomes, r.period, r.source
            )
            for r in s.scalars(stmt)
        ]


def commentary(slug: str, code: str, label: str | None, audience: Audience) -> list[Commentary]:
    """Commentary on a visible measure for periods ending on or before the point, newest first."""
    point = resolve_point(slug, label, audience)
    partnership = visible_partnership(slug, audience)
    if code not in {m.measure.code for m in partnership.measures}:
        raise NotVisible(f"No measure '{code}' for '{slug}'.")
    return _commentary(slug, code, point.end, versions.current())


@cache.memoize()
def _commentary(slug: str, code: str, end: date, _version: int) -> list[Commentary]:
    stmt = (
        sa.select(
            PeriodRow.label, CommentaryRow.text, CommentaryRow.author, CommentaryRow.created_at
        )
        .join(PeriodRow, PeriodRow.id == CommentaryRow.period_id)
        .join(PartnershipRow, PartnershipRow.id == CommentaryRow.partnership_id)
        .where(
            PartnershipRow.slug == slug,
            CommentaryRow.measure_code == code,
            PeriodRow.end_date <= end,
        )
        .order_by(PeriodRow.end_date.desc(), CommentaryRow.created_at.desc())
    )
    with db.session() as s:
        return [Commentary(*row) for row in s.execute(stmt)]


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
    """(measure code, commentary) for periods ending on or before `end`, newest first."""
    stmt = (
        sa.select(
            CommentaryRow.measure_code,
            PeriodRow.label,
            CommentaryRow.text,
            CommentaryRow.author,
            CommentaryRow.created_at,
        )
        .join(PeriodRow, PeriodRow.id == CommentaryRow.period_id)
        .join(PartnershipRow, PartnershipRow.id == CommentaryRow.partnership_id)
        .where(PartnershipRow.slug == slug, PeriodRow.end_date <= end)
        .order_by(PeriodRow.end_date.desc(), CommentaryRow.created_at.desc())
    )
    with db.session() as s:
        return [(code, Commentary(*rest)) for code, *rest in s.execute(stmt)]


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
