"""Manage's upload (#13): a results file checked and previewed, then loaded only as previewed.

A preview saves no result: it checks the file as an import would, says what each row would do
and which published points it would change, and keeps the file's bytes (pending_upload) with a
digest of those changes, so whichever worker receives the confirmation loads exactly the file
that was checked. Confirming checks the kept bytes again under the import lock and saves them,
all or nothing, only if they would still make the changes the preview showed; otherwise it
saves nothing and returns the new preview.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard.results_file import Problem, ResultRow
from data_access import audit, db, imports, point_flags
from data_access.imports import ImportRejected, ImportSummary, RowEffect
from data_access.point_flags import PublishedPoint
from data_access.tables import AreaRow, PartnershipRow, PendingUploadRow

logger = logging.getLogger(__name__)

SHOWN_ROWS = 200  # rows of each kind a preview lists (all are counted)
SHOWN_PROBLEMS = 1_000  # problems a preview lists (all are counted)
PENDING_LIFETIME = timedelta(hours=24)  # a preview not confirmed by then is forgotten
KINDS = ("insert", "replace", "delete", "unchanged")  # what a row does, in the preview's order


@dataclass(frozen=True, slots=True)
class Upload:
    """A results file someone asks to load for a partnership."""

    filename: str
    content: bytes
    slug: str
    email: str
    any_area: bool  # an admin: may load results for any area, not only the partnership's own


@dataclass(frozen=True, slots=True)
class Preview:
    """What loading a file would do, or why it cannot be loaded (`problems`)."""

    filename: str
    rows: int
    problems: tuple[Problem, ...] = ()  # the first SHOWN_PROBLEMS
    unlisted: int = 0  # problems beyond those listed
    counts: dict[str, int] = field(default_factory=dict)  # rows of each kind
    shown: dict[str, tuple[RowEffect, ...]] = field(default_factory=dict)  # the first of each
    points: tuple[PublishedPoint, ...] = ()  # published points it would change, any partnership
    digest: str = ""  # of every row's effect and the points: what a confirmation must match

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unlisted

    @property
    def changes(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "unchanged")


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A confirmed upload: saved (`summary`), or not saved because the file would now do
    something other than what was previewed (`preview`, the new one)."""

    filename: str
    summary: ImportSummary | None = None
    preview: Preview | None = None


class PendingNotFound(LookupError):
    """No preview to confirm: unknown, expired, already confirmed, or another user's."""


def check(upload: Upload, today: date | None = None) -> Preview:
    """The preview of a file: saves nothing. ResultsFileError if it cannot be read at all."""
    with db.session() as session:  # closed without a commit: nothing written
        return _check(session, upload, today)[0]


def keep(upload: Upload, preview: Preview) -> str:
    """Keep a checked file for its uploader to confirm; returns the token naming it. Forgets
    previews older than PENDING_LIFETIME."""
    token = secrets.token_urlsafe(32)
    made_at = audit.now()
    with db.transaction() as session:
        session.execute(
            sa.delete(PendingUploadRow).where(PendingUploadRow.made_at < made_at - PENDING_LIFETIME)
        )
        session.add(
            PendingUploadRow(
                token=token,
                partnership_slug=upload.slug,
                email=upload.email,
                filename=upload.filename,
                content=upload.content,
                sha256=hashlib.sha256(upload.content).hexdigest(),
                changes_digest=preview.digest,
                made_at=made_at,
            )
        )
    return token


def confirm(
    token: str, slug: str, email: str, any_area: bool, today: date | None = None
) -> Confirmation:
    """Load the file kept under `token` by `email` for `slug`, all or nothing, if it would still
    change exactly what its preview showed. Under the import lock (ImportBusy if another import
    holds it too long); PendingNotFound if there is no such preview."""
    with db.transaction() as session:
        imports.lock_imports(session)  # first: what is read below cannot change until the end
        pending = _pending(session, token, slug, email)
        upload = Upload(pending.filename, pending.content, slug, email, any_area)
        preview, rows = _check(session, upload, today)
        if not preview.ok:
            session.delete(pending)  # nothing to confirm any more
            return Confirmation(upload.filename, preview=preview)
        if preview.digest != pending.changes_digest:
            logger.info("upload %s for %s changed since its preview", upload.filename, slug)
            pending.changes_digest = preview.digest  # the new preview is what may be confirmed
            return Confirmation(upload.filename, preview=preview)
        summary = imports.write_rows(session, rows, email, False, False, upload.filename)
        session.delete(pending)
        return Confirmation(upload.filename, summary=summary)


def _pending(session: Session, token: str, slug: str, email: str) -> PendingUploadRow:
    pending = session.scalar(
        sa.select(PendingUploadRow).where(
            PendingUploadRow.token == token,
            PendingUploadRow.partnership_slug == slug,
            PendingUploadRow.email == email,
            PendingUploadRow.made_at >= audit.now() - PENDING_LIFETIME,
        )
    )
    if pending is None or hashlib.sha256(pending.content).hexdigest() != pending.sha256:
        raise PendingNotFound(token)
    return pending


def _check(
    session: Session, upload: Upload, today: date | None
) -> tuple[Preview, Sequence[ResultRow]]:
    """The preview, and the checked rows to save (none when there are problems)."""
    parsed = imports.validate_file(upload.filename, upload.content, today)
    foreign = [] if upload.any_area else _other_areas(session, upload.slug, parsed.rows)
    if parsed.problems or parsed.unlisted or foreign:
        problems = heapq.merge(parsed.problems, foreign, key=lambda p: p.line)
        found = len(parsed.problems) + parsed.unlisted + len(foreign)
        return _rejected(upload.filename, len(parsed.rows), problems, found), ()
    try:
        return _effects(session, upload.filename, parsed.rows), parsed.rows
    except ImportRejected as rejected:  # a DELETE row with nothing to delete
        problems = rejected.problems
        return _rejected(upload.filename, len(parsed.rows), problems, len(problems)), ()


def _rejected(filename: str, rows: int, problems: Iterable[Problem], found: int) -> Preview:
    listed = tuple(itertools.islice(problems, SHOWN_PROBLEMS))
    return Preview(filename, rows, problems=listed, unlisted=found - len(listed))


def _other_areas(session: Session, slug: str, rows: Sequence[ResultRow]) -> list[Problem]:
    """A problem per row for an area other than the partnership's own: only an admin may load
    those (INTERFACES.md section 7)."""
    own = session.scalar(sa.select(PartnershipRow.area_code).where(PartnershipRow.slug == slug))
    foreign = [row for row in rows if row.area_code != own]
    if not foreign:
        return []
    codes = {row.area_code for row in foreign}
    names = dict(
        session.execute(sa.select(AreaRow.code, AreaRow.name).where(AreaRow.code.in_(codes))).all()
    )
    return [
        Problem(row.line, "area_code", f"only an admin may load results for {names[row.area_code]}")
        for row in foreign
    ]


def _effects(session: Session, filename: str, rows: Sequence[ResultRow]) -> Preview:
    """Count and list what each row would do, and digest it all: a row's effect, with the old
    and new figures, so that any change to the stored results it touches changes the digest."""
    counts = dict.fromkeys(KINDS, 0)
    shown: dict[str, list[RowEffect]] = {kind: [] for kind in KINDS}
    digest = hashlib.sha256()
    areas: set[str] = set()
    earliest: date | None = None
    for effect in imports.row_effects(session, rows, filename):
        row = effect.row
        counts[effect.kind] += 1
        if len(shown[effect.kind]) < SHOWN_ROWS:
            shown[effect.kind].append(effect)
        digest.update(_fingerprint(effect))
        if effect.kind != "unchanged":
            areas.add(row.area_code)
            earliest = row.period.end if earliest is None else min(earliest, row.period.end)
    points = tuple(point_flags.points_reached(session, areas, earliest)) if earliest else ()
    digest.update(repr(points).encode())
    return Preview(
        filename,
        len(rows),
        counts=counts,
        shown={kind: tuple(effects) for kind, effects in shown.items()},
        points=points,
        digest=digest.hexdigest(),
    )


def _fingerprint(effect: RowEffect) -> bytes:
    # the row itself comes from the kept bytes: what it would do, and to what, is what may change
    return repr((effect.row.line, effect.kind, effect.old, effect.new)).encode()
