"""Loading a results file: validate everything first, then one set-based, all-or-nothing write.

A result is never overwritten unrecorded (PRODUCT.md section 2): before a row is replaced or
removed (`value` DELETE), its old figures, with when and by whom they were loaded, are copied
to result_revision in the same transaction, so a report can be read as it stood at any time
(data_access.revisions).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from dashboard.periods import Period
from dashboard.results_file import ParsedFile, Problem, ResultRow, parse_results_file
from data_access import audit, catalogue, db, versions
from data_access.tables import PeriodRow, ResultRevisionRow
from data_access.tables import ResultRow as ResultTableRow

logger = logging.getLogger(__name__)

_COMPARED = ("value", "numerator", "denominator", "note", "source", "illustrative")
_ID_CHUNK = 5_000  # ids per IN (...) on SQLite: well under its limit of bound parameters


class ImportRejected(ValueError):
    """A file with any bad row: nothing was saved. `problems` lists every one."""

    def __init__(self, filename: str, problems: Sequence[Problem]) -> None:
        self.filename = filename
        self.problems = tuple(problems)
        super().__init__(f"{filename}: {len(problems)} problem(s); nothing was saved")


@dataclass(frozen=True, slots=True)
class ImportSummary:
    rows: int
    inserted: int
    replaced: int
    unchanged: int
    dry_run: bool
    deleted: int = 0

    def sentence(self, filename: str) -> str:
        verb = "would load" if self.dry_run else "loaded"
        deleted = f", {self.deleted} deleted" if self.deleted else ""
        return (
            f"{filename}: {verb} {self.rows} rows: {self.inserted} new, "
            f"{self.replaced} replaced, {self.unchanged} unchanged{deleted}"
        )


def ensure_periods(session: Session, periods: Iterable[Period]) -> dict[str, int]:
    """Period ids by canonical label, inserting the missing ones."""
    wanted = {p.label: p for p in periods}
    found = dict(
        session.execute(
            sa.select(PeriodRow.label, PeriodRow.id).where(PeriodRow.label.in_(wanted))
        ).all()
    )
    missing = [wanted[label] for label in wanted if label not in found]
    if missing:
        session.execute(
            sa.insert(PeriodRow),
            [{"label": p.label, "start_date": p.start, "end_date": p.end} for p in missing],
        )
        found = dict(
            session.execute(
                sa.select(PeriodRow.label, PeriodRow.id).where(PeriodRow.label.in_(wanted))
            ).all()
        )
    return found


def validate_file(filename: str, content: bytes, today: date | None = None) -> ParsedFile:
    areas = catalogue.areas()
    return parse_results_file(
        filename, content, catalogue.measure_units(), set(areas), today or date.today()
    )


def import_results(
    filename: str,
    content: bytes,
    actor: str,
    *,
    illustrative: bool = False,
    dry_run: bool = False,
    today: date | None = None,
) -> ImportSummary:
    """Validate a results file and save it whole, or raise ImportRejected and save nothing."""
    parsed = validate_file(filename, content, today)
    if parsed.problems:
        logger.warning("rejected results file %s: %d problems", filename, len(parsed.problems))
        raise ImportRejected(filename, parsed.problems)
    with db.transaction() as session:
        return write_rows(session, parsed.rows, actor, illustrative, dry_run, filename)


def write_rows(
    session: Session,
    rows: Sequence[ResultRow],
    actor: str,
    illustrative: bool,
    dry_run: bool,
    filename: str,
) -> ImportSummary:
    """Insert new rows, replace changed ones and remove DELETE rows' results (each audited, the
    old figures kept in result_revision), skip identical ones (reload = no-op).

    A DELETE row for a result that does not exist rejects the whole file (ImportRejected, in a
    dry run too), so nothing is saved; the caller's transaction rolls back."""
    period_ids = ensure_periods(session, (r.period for r in rows))
    existing = _existing(session, rows, period_ids)
    stamp = audit.now()
    inserts, updates, audit_rows = [], [], []
    deleted_ids: list[int] = []
    missing: list[ResultRow] = []
    for row in rows:
        if row.delete:
            key = (row.measure_code, row.area_code, period_ids[row.period.label])
            old = existing.get(key)
            if old is None:
                missing.append(row)
                continue
            deleted_ids.append(old["id"])
            audit_rows.append(
                {
                    "actor": actor,
                    "action": "delete",
                    "entity": f"{row.measure_code} {row.area_code} {row.period.label}",
                    "detail": {
                        "file": filename,
                        "line": row.line,
                        "removed": {n: old[n] for n in _COMPARED},
                    },
                }
            )
            continue
        values = {
            "value": row.value,
            "numerator": row.numerator,
            "denominator": row.denominator,
            "note": row.note,
            "source": row.source,
            "illustrative": illustrative,
        }
        key = (row.measure_code, row.area_code, period_ids[row.period.label])
        old = existing.get(key)
        if old is None:
            inserts.append(
                {
                    **values,
                    "measure_code": key[0],
                    "area_code": key[1],
                    "period_id": key[2],
                    "loaded_at": stamp,
                    "loaded_by": actor,
                }
            )
        elif any(old[name] != values[name] for name in _COMPARED):
            updates.append({**values, "id": old["id"], "loaded_at": stamp, "loaded_by": actor})
            audit_rows.append(
                {
                    "actor": actor,
                    "action": "replace-result",
                    "entity": f"{row.measure_code} {row.area_code} {row.period.label}",
                    "detail": {
                        "file": filename,
                        "line": row.line,
                        "before": {n: old[n] for n in _COMPARED},
                        "after": values,
                    },
                }
            )
    if missing:
        raise ImportRejected(filename, _nothing_to_delete(session, missing, period_ids))
    if not dry_run and (inserts or updates or deleted_ids):
        # first, while the old figures are still the current ones
        _keep_revisions(session, [u["id"] for u in updates], stamp, actor, removed=False)
        _keep_revisions(session, deleted_ids, stamp, actor, removed=True)
        if inserts:
            session.execute(sa.insert(ResultTableRow), inserts)
        if updates:
            session.execute(sa.update(ResultTableRow), updates)
        for ids_match in _id_matches(session, deleted_ids):
            session.execute(sa.delete(ResultTableRow).where(ids_match))
        audit.record_many(session, audit_rows)
        audit.record(
            session,
            actor,
            "import-results",
            filename,
            rows=len(rows),
            inserted=len(inserts),
            replaced=len(updates),
            deleted=len(deleted_ids),
        )
        versions.bump(session)
    changed = len(inserts) + len(updates) + len(deleted_ids)
    return ImportSummary(
        len(rows),
        len(inserts),
        len(updates),
        len(rows) - changed,
        dry_run,
        len(deleted_ids),
    )


def _keep_revisions(
    session: Session, ids: list[int], stamp: datetime, actor: str, *, removed: bool
) -> None:
    """Copy these result rows, as they stand, to result_revision: replaced (or removed) at
    `stamp` by `actor`. Server-side, so the old figures never travel to Python and back."""
    t = ResultTableRow
    kept = ("measure_code", "area_code", "period_id", *_COMPARED, "loaded_at", "loaded_by")
    for ids_match in _id_matches(session, ids):
        session.execute(
            sa.insert(ResultRevisionRow).from_select(
                [*kept, "replaced_at", "replaced_by", "removed"],
                sa.select(
                    *(getattr(t, n) for n in kept),
                    sa.literal(stamp, sa.DateTime()),
                    sa.literal(actor, sa.String()),
                    sa.literal(removed, sa.Boolean()),
                ).where(ids_match),
            )
        )


def _id_matches(session: Session, ids: list[int]) -> Iterator[sa.ColumnElement[bool]]:
    """Conditions matching result rows by id, together covering `ids`: one array parameter on
    PostgreSQL (a long IN list is slow to plan), IN lists within SQLite's parameter limit."""
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield ResultTableRow.id == sa.any_(sa.bindparam("ids", ids, type_=ARRAY(sa.Integer())))
        return
    for start in range(0, len(ids), _ID_CHUNK):
        yield ResultTableRow.id.in_(ids[start : start + _ID_CHUNK])


def _nothing_to_delete(
    session: Session, rows: Sequence[ResultRow], period_ids: dict[str, int]
) -> list[Problem]:
    """A problem per DELETE row with no result, saying when it was removed if it was."""
    r = ResultRevisionRow
    removed = {
        (m, a, p): (at, by)
        for m, a, p, at, by in session.execute(
            sa.select(r.measure_code, r.area_code, r.period_id, r.replaced_at, r.replaced_by)
            .where(
                r.removed,
                r.measure_code.in_({row.measure_code for row in rows}),
                r.period_id.in_({period_ids[row.period.label] for row in rows}),
            )
            .order_by(r.replaced_at)
        )
    }  # the latest removal of each result wins
    problems = []
    for row in rows:
        what = f"{row.measure_code} {row.area_code} {row.period.label}"
        reason = f"no result to delete for {what}"
        found = removed.get((row.measure_code, row.area_code, period_ids[row.period.label]))
        if found is not None:
            reason += f" (it was deleted on {found[0]:%Y-%m-%d %H:%M} UTC by {found[1]})"
        problems.append(Problem(row.line, "value", reason))
    return problems


def _existing(
    session: Session, rows: Sequence[ResultRow], period_ids: dict[str, int]
) -> dict[tuple[str, str, int], dict]:
    codes = {r.measure_code for r in rows}
    t = ResultTableRow
    stmt = sa.select(
        t.id,
        t.measure_code,
        t.area_code,
        t.period_id,
        *(getattr(t, n) for n in _COMPARED),
    ).where(t.measure_code.in_(codes), t.period_id.in_(set(period_ids.values())))
    return {(r.measure_code, r.area_code, r.period_id): r._asdict() for r in session.execute(stmt)}
