"""Publishing reporting points (PRODUCT.md section 2): each publication stores a numbered, dated
version holding the members' report and the public report made from it; the public reads only
those. Withdrawing a version puts the one before it back; withdrawing every one unpublishes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard import points, results_json
from dashboard import report as reports
from dashboard.periods import Period, PeriodLabelError
from data_access import audit, db, opendata, versions
from data_access.imports import ensure_periods
from data_access.reports import build_live
from data_access.tables import (
    PartnershipRow,
    PeriodRow,
    PublicationRow,
    PublicationVersionRow,
    ResultRow,
)

ROLES = ("editor", "admin", "cli")


class PublishError(ValueError):
    """Publishing or withdrawing refused; the message says why."""


@dataclass(frozen=True, slots=True)
class Publication:
    """One version of a published point, as the API lists it (no names of people)."""

    period: Period
    version: int
    published_at: datetime
    published_by_role: str
    withdrawn: bool
    withdrawn_reason: str | None
    reconstructed: bool


def partnership_row(session: Session, slug: str) -> PartnershipRow:
    row = session.scalar(sa.select(PartnershipRow).where(PartnershipRow.slug == slug))
    if row is None:
        known = ", ".join(
            session.scalars(sa.select(PartnershipRow.slug).order_by(PartnershipRow.slug))
        )
        raise PublishError(f"No partnership '{slug}': known partnerships are {known or 'none'}.")
    return row


def _rhythm(row: PartnershipRow) -> tuple[str, ...]:
    return tuple(row.reporting_points.split())


def point_of(session: Session, slug: str, label: str) -> Period:
    """The partnership's reporting point a label names; PublishError for any other date."""
    row = partnership_row(session, slug)
    try:
        return points.point_for_label(label, _rhythm(row))
    except PeriodLabelError as error:
        raise PublishError(str(error)) from error


def publish(
    slug: str, label: str, actor: str, role: str = "cli", today: date | None = None
) -> tuple[Period, int | None]:
    """Publish the point `label` names: (point, new version number, or None when nothing
    differs from the latest version)."""
    with db.session() as session:
        point = point_of(session, slug, label)
        _check_publishable(session, slug, point, today or date.today())
    member = build_live(slug, reports.PointRef(point.label, point.start, point.end))
    with db.transaction() as session:
        number = write_version(session, slug, point, member, actor, role)
        if number is not None:
            opendata.mark_stale(session)
        return point, number


def _check_publishable(session: Session, slug: str, point: Period, today: date) -> None:
    if point.end > today:
        raise PublishError(
            f"{point.label} ends on {point.end:%d %B %Y}, in the future: "
            "a reporting point can be published once it has ended."
        )
    area = partnership_row(session, slug).area_code
    has_results = session.scalar(
        sa.select(sa.func.count())
        .select_from(ResultRow)
        .join(PeriodRow, PeriodRow.id == ResultRow.period_id)
        .where(ResultRow.area_code == area, PeriodRow.end_date <= point.end)
    )
    if not has_results:
        raise PublishError(
            f"{slug} has no results on or before {point.label} "
            f"({point.end:%d %B %Y}): load results before publishing."
        )


def _versions(session: Session, partnership_id: int, period_id: int) -> list[PublicationVersionRow]:
    return list(
        session.scalars(
            sa.select(PublicationVersionRow)
            .where(
                PublicationVersionRow.partnership_id == partnership_id,
                PublicationVersionRow.period_id == period_id,
            )
            .order_by(PublicationVersionRow.version)
        )
    )


def write_version(
    session: Session,
    slug: str,
    point: Period,
    member: reports.PartnershipReport,
    actor: str,
    role: str,
    *,
    reconstructed: bool = False,
) -> int | None:
    """Store a new version of the point unless it would say what the latest one says."""
    partnership = partnership_row(session, slug)
    period_id = ensure_periods(session, [point])[point.label]
    existing = _versions(session, partnership.id, period_id)
    standing = [v for v in existing if not v.withdrawn]
    previous = standing[-1] if standing else None
    fingerprint = reports.digest(member)
    # compared with the previous version as this code reads it, not with its stored digest: a
    # field added since (a survey's design effect, say) must not make an unchanged point new
    if previous is not None and fingerprint in (
        previous.digest,
        reports.digest(reports.from_json(previous.member_report)),
    ):
        return None
    public = reports.public_view(member)
    if previous is not None:
        was = (previous.version, previous.published_at)
        member = reports.mark_revised(member, reports.from_json(previous.member_report), *was)
        public = reports.mark_revised(public, reports.from_json(previous.public_report), *was)
    number = max((v.version for v in existing), default=0) + 1
    at = audit.now()
    public_text = reports.to_json(public)
    session.add(
        PublicationVersionRow(
            partnership_id=partnership.id,
            period_id=period_id,
            version=number,
            published_at=at,
            published_by=actor,
            published_by_role=role,
            reconstructed=reconstructed,
            withdrawn=False,
            schema=reports.REPORT_SCHEMA,
            digest=fingerprint,
            member_report=reports.to_json(member),
            public_report=public_text,
            # rendered from the report as it will be read back, so both say the same
            public_results=results_json.results_text(reports.from_json(public_text)),
            public_results_format=results_json.RESULTS_FORMAT,
        )
    )
    _set_point_flag(session, partnership.id, period_id, number, at, actor)
    audit.record(
        session, actor, "publish", f"{slug} {point.label}", partnership=slug, version=number
    )
    versions.bump(session)
    return number


def _set_point_flag(
    session: Session, partnership_id: int, period_id: int, number: int, at: datetime, actor: str
) -> None:
    flag = session.scalar(
        sa.select(PublicationRow).where(
            PublicationRow.partnership_id == partnership_id, PublicationRow.period_id == period_id
        )
    )
    if flag is None:
        session.add(
            PublicationRow(
                partnership_id=partnership_id,
                period_id=period_id,
                published_at=at,
                published_by=actor,
                latest_version=number,
                changed=False,
            )
        )
    else:
        flag.published_at, flag.published_by = at, actor
        flag.latest_version, flag.changed = number, False


def withdraw(slug: str, label: str, number: int, reason: str, actor: str) -> Period:
    """Withdraw one version; the public then reads the one before it (or nothing)."""
    if not reason.strip():
        raise PublishError("Give a reason for withdrawing a version: it is kept in the audit log.")
    with db.transaction() as session:
        point = point_of(session, slug, label)
        partnership = partnership_row(session, slug)
        period_id = session.scalar(sa.select(PeriodRow.id).where(PeriodRow.label == point.label))
        rows = _versions(session, partnership.id, period_id) if period_id else []
        row = next((v for v in rows if v.version == number), None)
        if row is None or row.withdrawn:
            state = "already withdrawn" if row is not None else "not a published version"
            raise PublishError(f"Version {number} of {slug} {point.label} is {state}.")
        row.withdrawn, row.withdrawn_at = True, audit.now()
        row.withdrawn_by, row.withdrawn_reason = actor, reason.strip()
        standing = [v for v in rows if not v.withdrawn]
        flag = session.scalar(
            sa.select(PublicationRow).where(
                PublicationRow.partnership_id == partnership.id,
                PublicationRow.period_id == period_id,
            )
        )
        if not standing and flag is not None:
            session.delete(flag)
        elif flag is not None:
            flag.latest_version, flag.published_at = standing[-1].version, standing[-1].published_at
        audit.record(
            session,
            actor,
            "withdraw",
            f"{slug} {point.label}",
            partnership=slug,
            version=number,
            reason=reason,
        )
        versions.bump(session)
        session.flush()
        opendata.mark_stale(session)
        return point


def publications(slug: str) -> list[Publication]:
    """Every version of every point the partnership published, newest point and version first."""
    with db.session() as s:
        partnership_row(s, slug)
        # the listing's columns only: each version also holds two stored reports of ~100 kB
        v = PublicationVersionRow
        rows = s.execute(
            sa.select(
                PeriodRow.label,
                PeriodRow.start_date,
                PeriodRow.end_date,
                v.version,
                v.published_at,
                v.published_by_role,
                v.withdrawn,
                v.withdrawn_reason,
                v.reconstructed,
            )
            .join(v, v.period_id == PeriodRow.id)
            .join(PartnershipRow, PartnershipRow.id == v.partnership_id)
            .where(PartnershipRow.slug == slug)
            .order_by(PeriodRow.end_date.desc(), v.version.desc())
        ).all()
        return [Publication(Period(label, start, end), *rest) for label, start, end, *rest in rows]


def reconstruct_missing(actor: str = "migration") -> int:
    """Points published before versions existed get one version, rebuilt from the data as it
    stands and marked reconstructed (run once by init-db after migration 0003)."""
    with db.session() as s:
        missing = s.execute(
            sa.select(
                PartnershipRow.slug, PeriodRow.label, PeriodRow.start_date, PeriodRow.end_date
            )
            .join(PublicationRow, PublicationRow.partnership_id == PartnershipRow.id)
            .join(PeriodRow, PeriodRow.id == PublicationRow.period_id)
            .where(
                ~sa.exists().where(
                    PublicationVersionRow.partnership_id == PublicationRow.partnership_id,
                    PublicationVersionRow.period_id == PublicationRow.period_id,
                )
            )
        ).all()
    for slug, label, start, end in missing:
        member = build_live(slug, reports.PointRef(label, start, end))
        with db.transaction() as session:
            write_version(
                session, slug, Period(label, start, end), member, actor, "cli", reconstructed=True
            )
    if missing:
        with db.transaction() as session:
            opendata.mark_stale(session)
    return len(missing)


def refresh_results(batch: int = 100) -> int:
    """Render again the stored public results of every version whose rendering is of another
    format than this code's (run by init-db after an upgrade); returns how many were."""
    stale = sa.or_(
        PublicationVersionRow.public_results_format.is_(None),
        PublicationVersionRow.public_results_format != results_json.RESULTS_FORMAT,
    )
    refreshed = 0
    while True:
        with db.transaction() as session:
            rows = session.execute(
                sa.select(PublicationVersionRow.id, PublicationVersionRow.public_report)
                .where(stale)
                .limit(batch)
            ).all()
            for row_id, text in rows:
                session.execute(
                    sa.update(PublicationVersionRow)
                    .where(PublicationVersionRow.id == row_id)
                    .values(
                        public_results=results_json.results_text(reports.from_json(text)),
                        public_results_format=results_json.RESULTS_FORMAT,
                    )
                )
        refreshed += len(rows)
        if len(rows) < batch:
            return refreshed
