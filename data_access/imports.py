"""Loading a results file: validate everything first, then one set-based, all-or-nothing write."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard.periods import Period
from dashboard.results_file import ParsedFile, Problem, ResultRow, parse_results_file
from data_access import audit, catalogue, db, versions
from data_access.tables import PeriodRow
from data_access.tables import ResultRow as ResultTableRow

logger = logging.getLogger(__name__)

_COMPARED = ("value", "numerator", "denominator", "note", "source", "illustrative")


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

    def sentence(self, filename: str) -> str:
        verb = "would load" if self.dry_run else "loaded"
        return (
            f"{filename}: {verb} {self.rows} rows: {self.inserted} new, "
            f"{self.replaced} replaced, {self.unchanged} unchanged"
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
    """Insert new rows, replace changed ones (audited), skip identical ones (reload = no-op)."""
    period_ids = ensure_periods(session, (r.period for r in rows))
    existing = _existing(session, rows, period_ids)
    stamp = audit.now()
    inserts, updates, audit_rows = [], [], []
    for row in rows:
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
    if not dry_run and (inserts or updates):
        if inserts:
            session.execute(sa.insert(ResultTableRow), inserts)
        if updates:
            session.execute(sa.update(ResultTableRow), updates)
        audit.record_many(session, audit_rows)
        audit.record(
            session,
            actor,
            "import-results",
            filename,
            rows=len(rows),
            inserted=len(inserts),
            replaced=len(updates),
        )
        versions.bump(session)
    return ImportSummary(
        len(rows), len(inserts), len(updates), len(rows) - len(inserts) - len(updates), dry_run
    )


def _existing(
    session: Session, rows: Sequence[ResultRow], period_ids: dict[str, int]
) -> dict[tuple[str, str, int], dict]:
    codes = {r.measure_code for r in rows}
    t = ResultTableRow
    stmt = sa.select(
        t.id, t.measure_code, t.area_code, t.period_id, *(getattr(t, n) for n in _COMPARED)
    ).where(t.measure_code.in_(codes), t.period_id.in_(set(period_ids.values())))
    return {(r.measure_code, r.area_code, r.period_id): r._asdict() for r in session.execute(stmt)}
