"""Loading a results file: validate everything first, then one all-or-nothing write.

A result is never overwritten unrecorded (PRODUCT.md section 2): before a row is replaced or
removed (`value` DELETE), its old figures, with when and by whom they were loaded, are copied
to result_revision in the same transaction, so a report can be read as it stood at any time
(data_access.revisions).

Imports are serialised across every partnership, worker and server (INTERFACES.md section 7):
the period table is shared, and two imports of one file would otherwise both insert its new
periods and results. A writing import first takes a lock held until its transaction ends (a
PostgreSQL advisory lock; SQLite's write lock), waiting up to 30 seconds for another import to
finish before giving up with ImportBusy, having saved nothing. A dry run takes no lock and
writes nothing, not even a new period.

The rows are compared with what is stored, and written, a batch at a time (all in the one
transaction), so a file of a million rows never holds a million stored results in memory.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dashboard.periods import Period
from dashboard.results_file import Content, ParsedFile, Problem, ResultRow, parse_results_file
from data_access import audit, catalogue, db, point_flags, versions
from data_access.tables import PeriodRow, ResultRevisionRow
from data_access.tables import ResultRow as ResultTableRow

logger = logging.getLogger(__name__)

_COMPARED = (
    "value",
    "numerator",
    "denominator",
    "note",
    "source",
    "illustrative",
    "design_effect",
)
_ID_CHUNK = 5_000  # ids per IN (...) on SQLite: well under its limit of bound parameters
_BATCH_ROWS = 20_000  # file rows compared with the stored results and written at a time
_BATCH_PAIRS = 400  # (measure, period) pairs looked up at a time: two bound parameters each

IMPORT_LOCK_TIMEOUT = 30.0  # seconds a second import waits for the first to finish
_LOCK_POLL = 0.1  # seconds between tries for PostgreSQL's advisory lock
# PostgreSQL advisory lock (two int4 keys): this one, then a hash of the schema, so that
# databases sharing a server (tests, staging beside production) do not wait for each other
_LOCK_KEY = 0x43535044  # "CSPD"


class ImportRejected(ValueError):
    """A file with any bad row: nothing was saved. `problems` lists every one, or the first
    MAX_PROBLEMS and `unlisted` counts the rest."""

    def __init__(self, filename: str, problems: Sequence[Problem], unlisted: int = 0) -> None:
        self.filename = filename
        self.problems = tuple(problems)
        self.unlisted = unlisted
        super().__init__(f"{filename}: {len(problems) + unlisted} problem(s); nothing was saved")


class ImportBusy(RuntimeError):
    """Another import kept the lock for longer than the wait: nothing was saved."""

    def __init__(self, waited: float) -> None:
        self.waited = waited
        super().__init__(
            f"another import is running (waited {waited:g} s for it to finish): nothing was "
            "saved; try again in a minute."
        )


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


def lock_imports(session: Session, timeout: float | None = None) -> None:
    """Hold the import lock until the session's transaction ends, waiting up to `timeout`
    seconds (default IMPORT_LOCK_TIMEOUT) for another import to release it; ImportBusy if it
    does not.

    Call it first in a transaction that writes results (write_rows does). PostgreSQL: an
    advisory transaction lock, polled. SQLite: the database's write lock, taken at once with
    BEGIN IMMEDIATE under a busy timeout of `timeout` (a transaction that has written already
    holds it)."""
    if timeout is None:
        timeout = IMPORT_LOCK_TIMEOUT
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        _lock_postgres(connection, timeout)
    elif dialect == "sqlite":
        _lock_sqlite(connection, timeout)


def _lock_postgres(connection: Connection, timeout: float) -> None:
    attempt = sa.text("SELECT pg_try_advisory_xact_lock(:key, hashtext(current_schema()))")
    deadline = time.monotonic() + timeout
    while not connection.scalar(attempt, {"key": _LOCK_KEY}):
        left = deadline - time.monotonic()
        if left <= 0:
            raise ImportBusy(timeout)
        time.sleep(min(_LOCK_POLL, left))


def _lock_sqlite(connection: Connection, timeout: float) -> None:
    raw = connection.connection.dbapi_connection
    if raw is None or raw.in_transaction:
        return  # a transaction that has written holds the write lock already
    (previous,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute(f"PRAGMA busy_timeout = {max(0, round(timeout * 1000))}")
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
            raise ImportBusy(timeout) from error
        raise
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(previous)}")


def ensure_periods(
    session: Session, periods: Iterable[Period], *, create: bool = True
) -> dict[str, int]:
    """Period ids by canonical label, inserting the missing ones.

    Safe beside another transaction inserting the same period (ON CONFLICT DO NOTHING, then
    read back). With create=False nothing is written: a missing period gets a negative id,
    which no stored row has (for a dry run)."""
    wanted = {p.label: p for p in periods}
    found = _period_ids(session, wanted)
    missing = [wanted[label] for label in wanted if label not in found]
    if missing and not create:
        return {**found, **{p.label: -n for n, p in enumerate(missing, start=1)}}
    if missing:
        values = [{"label": p.label, "start_date": p.start, "end_date": p.end} for p in missing]
        if session.get_bind().dialect.name == "postgresql":
            insert = postgresql.insert(PeriodRow).on_conflict_do_nothing()
        else:
            insert = sqlite.insert(PeriodRow).on_conflict_do_nothing()
        session.execute(insert, values)
        found = _period_ids(session, wanted)
    return found


def _period_ids(session: Session, labels: Iterable[str]) -> dict[str, int]:
    return dict(
        session.execute(
            sa.select(PeriodRow.label, PeriodRow.id).where(PeriodRow.label.in_(list(labels)))
        ).all()
    )


def validate_file(filename: str, content: Content, today: date | None = None) -> ParsedFile:
    """Check a results file (its bytes, or the file opened in binary) against the catalogue."""
    areas = catalogue.areas()
    return parse_results_file(
        filename, content, catalogue.measure_units(), set(areas), today or date.today()
    )


def import_results(
    filename: str,
    content: Content,
    actor: str,
    *,
    illustrative: bool = False,
    dry_run: bool = False,
    today: date | None = None,
    lock_timeout: float | None = None,
) -> ImportSummary:
    """Validate a results file and save it whole, or raise ImportRejected and save nothing.

    ImportBusy if another import holds the lock for longer than `lock_timeout` seconds
    (default IMPORT_LOCK_TIMEOUT). A dry run reads in a transaction that is rolled back: it
    saves nothing and takes no lock."""
    parsed = validate_file(filename, content, today)
    if parsed.problems:
        found = len(parsed.problems) + parsed.unlisted
        logger.warning("rejected results file %s: %d problems", filename, found)
        raise ImportRejected(filename, parsed.problems, parsed.unlisted)
    if dry_run:
        with db.session() as session:  # closed without a commit: rolled back
            return write_rows(session, parsed.rows, actor, illustrative, True, filename)
    with db.transaction() as session:
        return write_rows(
            session,
            parsed.rows,
            actor,
            illustrative,
            False,
            filename,
            lock_timeout=lock_timeout,
        )


def write_rows(
    session: Session,
    rows: Sequence[ResultRow],
    actor: str,
    illustrative: bool,
    dry_run: bool,
    filename: str,
    *,
    lock_timeout: float | None = None,
) -> ImportSummary:
    """Insert new rows, replace changed ones and remove DELETE rows' results (each audited, the
    old figures kept in result_revision), skip identical ones (reload = no-op).

    Unless it is a dry run, first takes the import lock (lock_imports: ImportBusy after
    `lock_timeout` seconds). A dry run writes nothing at all. A DELETE row for a result that
    does not exist rejects the whole file (ImportRejected, in a dry run too), so nothing is
    saved; the caller's transaction rolls back."""
    if not dry_run:
        lock_imports(session, lock_timeout)
    period_ids = ensure_periods(session, (r.period for r in rows), create=not dry_run)
    stamp = audit.now()
    inserted = replaced = deleted = 0
    missing: list[ResultRow] = []
    for batch in _batches(rows, period_ids):
        changes = _compare(session, batch, period_ids, actor, illustrative, stamp, filename)
        missing.extend(changes.missing)
        inserted += len(changes.inserts)
        replaced += len(changes.updates)
        deleted += len(changes.deleted_ids)
        if not dry_run and not missing:  # after a missing DELETE row, only look for more
            _write(session, changes, stamp, actor)
    if missing:
        raise ImportRejected(filename, _nothing_to_delete(session, missing, period_ids))
    changed = inserted + replaced + deleted
    if not dry_run and changed:
        audit.record(
            session,
            actor,
            "import-results",
            filename,
            partnership=audit.sole_partnership(session, {r.area_code for r in rows}),
            rows=len(rows),
            inserted=inserted,
            replaced=replaced,
            deleted=deleted,
        )
        # Published points these rows could reach now "may have changed" (the per-point flag)
        point_flags.flag_points_reached(
            session, {r.area_code for r in rows}, min(r.period.end for r in rows)
        )
        versions.bump(session)
    return ImportSummary(len(rows), inserted, replaced, len(rows) - changed, dry_run, deleted)


FIGURES = _COMPARED  # what a row stores and a reload compares, in RowEffect's order


@dataclass(frozen=True, slots=True)
class RowEffect:
    """What one checked row would do to the stored results: `kind` is "insert", "replace",
    "unchanged" or "delete"; `old` the stored figures it replaces or removes, `new` those it
    would store (each in the order of FIGURES)."""

    row: ResultRow
    kind: str
    old: tuple | None
    new: tuple | None


def row_effects(
    session: Session, rows: Sequence[ResultRow], filename: str, illustrative: bool = False
) -> Iterator[RowEffect]:
    """What each row would do, compared with the stored results a batch at a time as write_rows
    compares them, writing nothing. Once every row has been read, ImportRejected if a DELETE row
    has no result to remove (as write_rows would)."""
    period_ids = ensure_periods(session, (r.period for r in rows), create=False)
    missing: list[ResultRow] = []
    for batch, pairs in _batches(rows, period_ids):
        stored = _stored_figures(session, pairs)
        for row in batch:
            old = stored.get((row.measure_code, row.area_code, period_ids[row.period.label]))
            if row.delete:
                if old is None:
                    missing.append(row)
                else:
                    yield RowEffect(row, "delete", old, None)
                continue
            new = _figures(row, illustrative)
            kind = "insert" if old is None else "replace" if old != new else "unchanged"
            yield RowEffect(row, kind, old, new)
    if missing:
        raise ImportRejected(filename, _nothing_to_delete(session, missing, period_ids))


def _figures(row: ResultRow, illustrative: bool) -> tuple:
    """The figures a row stores, in the order of FIGURES."""
    return (
        row.value,
        row.numerator,
        row.denominator,
        row.note,
        row.source,
        illustrative,
        row.design_effect,
    )


def _values(row: ResultRow, illustrative: bool) -> dict:
    """The figures a row stores, by name."""
    return dict(zip(FIGURES, _figures(row, illustrative), strict=True))


def _stored_figures(
    session: Session, pairs: set[tuple[str, int]]
) -> dict[tuple[str, str, int], tuple]:
    """The stored figures of these (measure, period id) pairs' results, in the order of FIGURES,
    by (measure, area, period id). Read through Core: the ORM's row handling took as long again
    as the query (a 100,000-row preview, #13)."""
    t = ResultTableRow
    stmt = sa.select(
        t.measure_code, t.area_code, t.period_id, *(getattr(t, n) for n in FIGURES)
    ).where(sa.tuple_(t.measure_code, t.period_id).in_(sorted(pairs)))
    return {(r[0], r[1], r[2]): tuple(r[3:]) for r in session.connection().execute(stmt)}


@dataclass(slots=True)
class _Changes:
    """What one batch of rows does to the stored results."""

    inserts: list[dict]
    updates: list[dict]
    deleted_ids: list[int]
    audit_rows: list[dict]
    missing: list[ResultRow]  # DELETE rows with no result to delete


def _batches(
    rows: Sequence[ResultRow], period_ids: dict[str, int]
) -> Iterator[tuple[list[ResultRow], set[tuple[str, int]]]]:
    """The rows in batches, each with its (measure, period id) pairs; a pair's rows are never
    split between batches, and rows keep the file's order within a pair."""
    groups: dict[tuple[str, int], list[ResultRow]] = {}
    for row in rows:
        pair = (row.measure_code, period_ids[row.period.label])
        group = groups.get(pair)
        if group is None:
            groups[pair] = group = []
        group.append(row)
    batch: list[ResultRow] = []
    pairs: set[tuple[str, int]] = set()
    for pair, group in groups.items():
        if batch and (len(batch) + len(group) > _BATCH_ROWS or len(pairs) >= _BATCH_PAIRS):
            yield batch, pairs
            batch, pairs = [], set()
        batch.extend(group)
        pairs.add(pair)
    if batch:
        yield batch, pairs


def _compare(
    session: Session,
    batch: tuple[list[ResultRow], set[tuple[str, int]]],
    period_ids: dict[str, int],
    actor: str,
    illustrative: bool,
    stamp: datetime,
    filename: str,
) -> _Changes:
    rows, pairs = batch
    existing = _existing(session, pairs)
    changes = _Changes([], [], [], [], [])
    for row in rows:
        key = (row.measure_code, row.area_code, period_ids[row.period.label])
        old = existing.get(key)
        if row.delete:
            if old is None:
                changes.missing.append(row)
                continue
            changes.deleted_ids.append(old["id"])
            changes.audit_rows.append(
                {
                    "actor": actor,
                    "action": "delete",
                    "entity": f"{row.measure_code} {row.area_code} {row.period.label}",
                    "area_code": row.area_code,  # its partnership's, in the audit log
                    "detail": {
                        "file": filename,
                        "line": row.line,
                        "removed": {n: old[n] for n in _COMPARED},
                    },
                }
            )
            continue
        values = _values(row, illustrative)
        if old is None:
            changes.inserts.append(
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
            changes.updates.append(
                {**values, "id": old["id"], "loaded_at": stamp, "loaded_by": actor}
            )
            changes.audit_rows.append(
                {
                    "actor": actor,
                    "action": "replace-result",
                    "entity": f"{row.measure_code} {row.area_code} {row.period.label}",
                    "area_code": row.area_code,  # its partnership's, in the audit log
                    "detail": {
                        "file": filename,
                        "line": row.line,
                        "before": {n: old[n] for n in _COMPARED},
                        "after": values,
                    },
                }
            )
    return changes


def _write(session: Session, changes: _Changes, stamp: datetime, actor: str) -> None:
    # first, while the old figures are still the current ones
    _keep_revisions(session, [u["id"] for u in changes.updates], stamp, actor, removed=False)
    _keep_revisions(session, changes.deleted_ids, stamp, actor, removed=True)
    if changes.inserts:
        session.execute(sa.insert(ResultTableRow), changes.inserts)
    if changes.updates:
        session.execute(sa.update(ResultTableRow), changes.updates)
    for ids_match in _id_matches(session, changes.deleted_ids):
        session.execute(sa.delete(ResultTableRow).where(ids_match))
    audit.record_many(session, changes.audit_rows)


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


def _existing(session: Session, pairs: set[tuple[str, int]]) -> dict[tuple[str, int, int], dict]:
    """The stored results of these (measure, period id) pairs, by (measure, area, period id)."""
    t = ResultTableRow
    stmt = sa.select(
        t.id,
        t.measure_code,
        t.area_code,
        t.period_id,
        *(getattr(t, n) for n in _COMPARED),
    ).where(sa.tuple_(t.measure_code, t.period_id).in_(sorted(pairs)))
    return {(r.measure_code, r.area_code, r.period_id): r._asdict() for r in session.execute(stmt)}
