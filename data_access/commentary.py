"""Manage's writes to what is said about the figures: commentary per measure and reporting point
(append-only: the latest row is current, an empty one removes it) and action plan status.

Each write is audited with its old and new text and marks the partnership's published points it
reaches as changed since publication (PRODUCT.md section 2), so publishing again carries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard.markdown_text import COMMENTARY_MAX
from dashboard.model import ActionStatus
from dashboard.periods import Period
from data_access import audit, db, versions
from data_access.imports import ensure_periods
from data_access.publications import PublishError, partnership_row, point_of
from data_access.tables import (
    ActionItemRow,
    CommentaryRow,
    MeasureRow,
    PartnershipMeasureRow,
    PeriodRow,
    PublicationRow,
)


class CommentaryError(ValueError):
    """A commentary or action plan change refused; the message says why. Nothing was saved."""


@dataclass(frozen=True, slots=True)
class CommentaryVersion:
    """One row of a measure's commentary history at a point; empty text is a removal."""

    measure_code: str
    period: str
    text: str
    author: str
    created_at: datetime

    @property
    def removed(self) -> bool:
        return not self.text


def normalise(text: str | None) -> str:
    """Line ends as one character (browsers send CR LF) and no surrounding blank space."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def too_long(text: str) -> str | None:
    """The message for commentary over the limit, or None."""
    if len(text) <= COMMENTARY_MAX:
        return None
    return (
        f"Commentary can be up to {COMMENTARY_MAX:,} characters; this is {len(text):,}. "
        "Shorten it: nothing was saved."
    )


def current(newest_first: Sequence[CommentaryVersion]) -> CommentaryVersion | None:
    """The current commentary of one measure's rows at one point (None when removed)."""
    latest = newest_first[0] if newest_first else None
    return latest if latest is not None and not latest.removed else None


def _point(session: Session, slug: str, label: str) -> Period:
    try:
        return point_of(session, slug, label)
    except PublishError as error:
        raise CommentaryError(str(error)) from error


def _rows_at(
    session: Session, partnership_id: int, end: date, code: str | None = None
) -> dict[str, list[CommentaryVersion]]:
    """Each measure's commentary rows at the point ending on `end`, newest first (any period
    ending that day counts: a point has one commentary per measure)."""
    stmt = (
        sa.select(
            CommentaryRow.measure_code,
            PeriodRow.label,
            CommentaryRow.text,
            CommentaryRow.author,
            CommentaryRow.created_at,
        )
        .join(PeriodRow, PeriodRow.id == CommentaryRow.period_id)
        .where(CommentaryRow.partnership_id == partnership_id, PeriodRow.end_date == end)
        .order_by(CommentaryRow.created_at.desc(), CommentaryRow.id.desc())
    )
    if code is not None:
        stmt = stmt.where(CommentaryRow.measure_code == code)
    found: dict[str, list[CommentaryVersion]] = {}
    for row in session.execute(stmt):
        found.setdefault(row[0], []).append(CommentaryVersion(*row))
    return found


def point(slug: str, label: str) -> Period:
    """The partnership's reporting point a label names (CommentaryError for any other)."""
    with db.session() as s:
        return _point(s, slug, label)


def history(slug: str, label: str) -> dict[str, list[CommentaryVersion]]:
    """Each measure's commentary rows at the point `label` names, newest first."""
    with db.session() as s:
        point = _point(s, slug, label)
        return _rows_at(s, partnership_row(s, slug).id, point.end)


def _flag_published(session: Session, partnership_id: int, earliest_end: date | None) -> None:
    """Published points that carry this change (those ending on or after `earliest_end`; every
    one when None) may now differ from their latest version."""
    points = sa.select(PeriodRow.id)
    if earliest_end is not None:
        points = points.where(PeriodRow.end_date >= earliest_end)
    session.execute(
        sa.update(PublicationRow)
        .where(
            PublicationRow.partnership_id == partnership_id,
            PublicationRow.period_id.in_(points),
            PublicationRow.changed.is_(False),
        )
        .values(changed=True)
    )


def save_commentary(slug: str, code: str, label: str, text: str, actor: str) -> str:
    """Save (or, with empty text, remove) a measure's commentary at a point, keeping the earlier
    ones; returns the one-line summary for the user."""
    text = normalise(text)
    if (message := too_long(text)) is not None:
        raise CommentaryError(message)
    with db.transaction() as session:
        point = _point(session, slug, label)
        partnership = partnership_row(session, slug)
        title = _measure_title(session, partnership.id, code, slug)
        was = current(_rows_at(session, partnership.id, point.end, code).get(code, []))
        old = was.text if was else ""
        if old == text:
            return f"Nothing changed: the commentary on {title} for {point.label} is as it was."
        period_id = ensure_periods(session, [point])[point.label]
        session.add(
            CommentaryRow(
                partnership_id=partnership.id,
                measure_code=code,
                period_id=period_id,
                text=text,
                author=actor,
                created_at=audit.now(),
            )
        )
        audit.record(
            session,
            actor,
            "commentary",
            f"{slug} {code} {point.label}",
            partnership=slug,
            old=old,
            new=text,
        )
        # a report carries the commentary of every period ending on or before its point
        _flag_published(session, partnership.id, point.end)
        versions.bump(session)
    verb = "Removed" if not text else "Saved"
    return f"{verb} the commentary on {title} for {point.label}."


def _measure_title(session: Session, partnership_id: int, code: str, slug: str) -> str:
    title = session.scalar(
        sa.select(MeasureRow.title)
        .join(PartnershipMeasureRow, PartnershipMeasureRow.measure_code == MeasureRow.code)
        .where(
            PartnershipMeasureRow.partnership_id == partnership_id,
            PartnershipMeasureRow.measure_code == code,
        )
    )
    if title is None:
        raise CommentaryError(f"'{code}' is not one of {slug}'s measures: nothing was saved.")
    return title


def parse_status(status: str | None) -> ActionStatus:
    try:
        return ActionStatus((status or "").strip())
    except ValueError:
        choices = ", ".join(s.value for s in ActionStatus)
        raise CommentaryError(
            f"'{status}' is not an action status: use one of {choices}. Nothing was saved."
        ) from None


def save_action(slug: str, key: str, status: str, update: str | None, actor: str) -> str:
    """Set an action plan item's status (and its update text, when given); the one-line
    summary for the user."""
    new_status = parse_status(status)
    with db.transaction() as session:
        partnership = partnership_row(session, slug)
        item = session.scalar(
            sa.select(ActionItemRow).where(
                ActionItemRow.partnership_id == partnership.id, ActionItemRow.key == key
            )
        )
        if item is None or not key:
            raise CommentaryError(
                f"'{key}' is not an item of {slug}'s action plan: nothing was saved."
            )
        new_update = item.update if update is None else normalise(update)
        old = {"status": item.status, "update": item.update}
        new = {"status": new_status.value, "update": new_update}
        if old == new:
            return f"Nothing changed: “{_short(item.objective)}” is as it was."
        item.status, item.update = new["status"], new["update"]
        audit.record(session, actor, "action", f"{slug} {key}", partnership=slug, old=old, new=new)
        # every report of the partnership carries its action plan as it stands
        _flag_published(session, partnership.id, None)
        versions.bump(session)
        return f"Saved “{_short(item.objective)}”."


def _short(text: str, limit: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
