"""The open data download (INTERFACES.md section 5): every result in the public report of a
published version not withdrawn, each as the most recently published version states it.

Made once after each publication or withdrawal and stored as one document, so every worker serves
the same file; filtered answers are cut from it. A publication only marks the file stale (cheap,
inside its transaction): the first request after it makes the file once, so publishing a whole
country's points in a row costs one rebuild, not one per point. Always public-only.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard import report as reports
from dashboard.exports import OPEN_DATA_COLUMNS, report_rows, safe_row
from dashboard.periods import parse_period
from data_access import audit, db
from data_access.results import NotVisible, all_partnerships
from data_access.tables import OpenDataFileRow, PartnershipRow, PublicationVersionRow

_FILE_ID = 1


def _standing_versions(session: Session) -> list[tuple[str, PublicationVersionRow]]:
    """The latest version not withdrawn of every published point, oldest publication first."""
    rows = session.execute(
        sa.select(PartnershipRow.slug, PublicationVersionRow)
        .join(PartnershipRow, PartnershipRow.id == PublicationVersionRow.partnership_id)
        .where(PublicationVersionRow.withdrawn.is_(False))
        .order_by(PublicationVersionRow.version)
    ).all()
    latest: dict[tuple[int, int], tuple[str, PublicationVersionRow]] = {}
    for slug, row in rows:
        latest[(row.partnership_id, row.period_id)] = (slug, row)
    return sorted(latest.values(), key=lambda pair: pair[1].published_at)


def rebuild(session: Session) -> str:
    """Make the open data file again inside the publisher's transaction; returns its ETag."""
    by_key: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for _slug, row in _standing_versions(session):
        report = replace(
            reports.from_json(row.public_report),
            publication=reports.PublicationRef(
                row.version, row.version, row.published_at, row.reconstructed
            ),
        )
        for r in report_rows(report):
            by_key[(r["partnership"], r["measure_code"], r["area_code"], r["period"])] = r
    rows = sorted(
        by_key.values(),
        key=lambda r: (
            r["partnership"],
            r["measure_code"],
            r["period_end"],
            r["area_code"] != "",
            r["rating_status"] == "",
        ),
    )
    text = json.dumps(rows, separators=(",", ":"))
    etag = hashlib.sha256(text.encode()).hexdigest()[:32]
    stored = session.get(OpenDataFileRow, _FILE_ID)
    if stored is None:
        session.add(OpenDataFileRow(id=_FILE_ID, etag=etag, made_at=audit.now(), rows_json=text))
    else:
        stored.etag, stored.made_at, stored.rows_json = etag, audit.now(), text
    return etag


def mark_stale(session: Session) -> None:
    """The publisher's part: the file no longer says what is published (ETag emptied)."""
    session.execute(
        sa.update(OpenDataFileRow).where(OpenDataFileRow.id == _FILE_ID).values(etag="")
    )


def current_etag() -> str:
    """The file's ETag, making the file first when a publication left it stale."""
    with db.session() as s:
        etag = s.scalar(sa.select(OpenDataFileRow.etag).where(OpenDataFileRow.id == _FILE_ID))
    if etag:
        return etag
    with db.transaction() as session:
        # One worker makes it; others wait on the row lock and then find it made
        stored = session.get(OpenDataFileRow, _FILE_ID, with_for_update=True)
        if stored is not None and stored.etag:
            return stored.etag
        return rebuild(session)


@functools.lru_cache(maxsize=2)
def _rows_for(_database: str, etag: str | None) -> tuple[dict[str, Any], ...]:
    # Keyed on the ETag: a worker parses each file once, and a new file is a new key
    with db.session() as s:
        text = s.scalar(sa.select(OpenDataFileRow.rows_json).where(OpenDataFileRow.id == _FILE_ID))
    return tuple(json.loads(text)) if text else ()


def open_data(
    slug: str | None = None, period: str | None = None
) -> tuple[str | None, list[dict[str, Any]]]:
    """(ETag, rows) for the downloads; `period` is an exact result period (any spelling)."""
    label = parse_period(period).label if period else None
    if slug is not None and slug not in {p.slug for p in all_partnerships()}:
        raise NotVisible(f"No partnership '{slug}'.")
    etag = current_etag()
    rows = _rows_for(str(db.engine().url), etag)
    chosen = [
        r
        for r in rows
        if (slug is None or r["partnership"] == slug) and (label is None or r["period"] == label)
    ]
    return etag, chosen


def open_data_rows(slug: str | None = None, period: str | None = None) -> list[dict[str, Any]]:
    return open_data(slug, period)[1]


def json_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The JSON download: the same rows and keys, text made spreadsheet-safe as in the CSV."""
    return [safe_row({k: row[k] for k in OPEN_DATA_COLUMNS}) for row in rows]
