"""Manage › Audit log: who changed what, for which partnership, when, old → new; newest first,
filtered by who, what, from and to, and downloadable as CSV (INTERFACES.md section 7).

An editor sees their partnership's entries; an admin sees every entry, of every partnership and
of none (users, areas and measures), on any partnership's page.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from flask import Response, request

from dashboard.exports import neutralise
from dashboard.model import ChangeKind, Role
from data_access import audit
from data_access.audit import AuditEntry, AuditFilter, AuditFilterError
from data_access.results import all_partnerships
from manage import blueprint, guarded, is_admin, page

logger = logging.getLogger(__name__)

CSV_COLUMNS = ("at_utc", "who", "what", "partnership", "about", "change", "action", "detail")
_CSV_BATCH = 500  # entries written to the response at a time
FIELD_IDS = {"who": "audit-who", "what": "audit-what", "from": "audit-from", "to": "audit-to"}


def _scope(slug: str) -> str | None:
    """Whose entries the page lists: an admin's, everyone's; an editor's, their partnership's."""
    return None if is_admin() else slug


def _page_number(text: str | None) -> int:
    try:
        return max(1, int(text or "1"))
    except ValueError:
        return 1


def _link(slug: str, chosen: AuditFilter, **extra: object) -> str:
    query = urlencode({**chosen.query(), **{k: v for k, v in extra.items() if v}})
    return f"/manage/{slug}/audit" + (f"?{query}" if query else "")


@blueprint.route("/manage/<slug>/audit")
@guarded(role=Role.EDITOR)
def audit_page(slug: str) -> Response:
    name = next((p.name for p in all_partnerships() if p.slug == slug), slug)
    typed = {key: request.args.get(key, "") for key in FIELD_IDS}
    context: dict[str, object] = {
        "partnership_name": name,
        "typed": typed,
        "kinds": [k.value for k in ChangeKind],
        "everyone": is_admin(),
        "field_ids": FIELD_IDS,
    }
    try:
        chosen = audit.parse_filter(request.args)
    except AuditFilterError as error:
        problems = [(FIELD_IDS[field], message) for field, message in error.problems.items()]
        return page(
            "manage/audit.html", "audit", slug, status=400, problems=problems, log=None, **context
        )
    log = audit.entries(chosen, _scope(slug), _page_number(request.args.get("page")))
    return page(
        "manage/audit.html",
        "audit",
        slug,
        problems=[],
        log=log,
        filtered=bool(chosen.query()),
        csv_link=f"/manage/{slug}/audit.csv"
        + (f"?{urlencode(chosen.query())}" if chosen.query() else ""),
        newer=_link(slug, chosen, page=log.page - 1 if log.page > 2 else None)
        if log.page > 1
        else None,
        older=_link(slug, chosen, page=log.page + 1) if log.page < log.pages else None,
        **context,
    )


def _csv_cells(entry: AuditEntry) -> list[object]:
    return [
        entry.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        entry.who,
        entry.what,
        entry.partnership or "",
        entry.entity,
        entry.change,
        entry.action,
        json.dumps(entry.detail, sort_keys=True, ensure_ascii=False),
    ]


def csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The audit log as CSV text, a batch of entries at a time; every text cell neutralised
    (one a spreadsheet would run as a formula gets a leading apostrophe)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for count, entry in enumerate(entries, start=1):
        writer.writerow([neutralise(cell) for cell in _csv_cells(entry)])
        if count % _CSV_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@blueprint.route("/manage/<slug>/audit.csv")
@guarded(role=Role.EDITOR)
def audit_csv(slug: str) -> Response:
    try:
        chosen = audit.parse_filter(request.args)
    except AuditFilterError as error:
        message = " ".join(error.problems.values())
        return Response(message + "\n", status=400, mimetype="text/plain")
    logger.info("audit log of %s downloaded", slug)
    return Response(
        csv_lines(audit.all_entries(chosen, _scope(slug))),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="audit-log-{slug}.csv"',
            "Cache-Control": "private, no-store",
        },
    )
