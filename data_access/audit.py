"""The audit log: who changed what, for which partnership, written in the same transaction as the
change; read back newest first, filtered, for Manage's page and CSV (INTERFACES.md section 7).

Each entry has an `action` (what the code did: "replace-result", "load-config", ...), the `kind`
of change a reader filters by (dashboard.model.ChangeKind), the partnership it belongs to (None
for users, areas and measures), and a detail whose `old`/`new` (or an import's `before`/`after`,
a deletion's `removed`) are shown as old → new. Passwords never reach it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard.model import ChangeKind
from data_access import db
from data_access.tables import AuditRow, PartnershipRow

# Action names that are not themselves a kind of change
KIND_OF_ACTION: dict[str, ChangeKind] = {
    "import-results": ChangeKind.IMPORT,
    "replace-result": ChangeKind.IMPORT,
    "load-config": ChangeKind.CONFIG,
    "create-user": ChangeKind.USER,
    "update-user": ChangeKind.USER,
    "user-password": ChangeKind.USER,
    "own-password": ChangeKind.USER,
}
# An action named with a kind among its words ("set-commentary") is that kind; the first wins
_KIND_WORDS = (
    ChangeKind.USER,
    ChangeKind.CONFIG,
    ChangeKind.COMMENTARY,
    ChangeKind.ACTION,
    ChangeKind.WITHDRAW,
    ChangeKind.PUBLISH,
    ChangeKind.IMPORT,
    ChangeKind.DELETE,
)
PAGE_SIZE = 50
_BATCH = 2_000  # entries read at a time for the CSV download
_SHOWN_TEXT = 80  # characters of a long text value shown in old → new
_UNSHOWN = ("file", "line")  # detail the page leaves to the CSV


def now() -> datetime:
    """Naive UTC, stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def kind_of(action: str) -> ChangeKind:
    """The kind of change an action name records; ValueError for an action no kind covers, so
    a new one is given its kind (in KIND_OF_ACTION) before it can be written."""
    if action in KIND_OF_ACTION:
        return KIND_OF_ACTION[action]
    words = set(action.split("-"))
    for kind in _KIND_WORDS:
        if kind.value in words:
            return kind
    raise ValueError(f"audit action {action!r} is no kind of change: add it to KIND_OF_ACTION")


def _detail_json(detail: Mapping[str, Any]) -> str:
    return json.dumps(detail, default=str, sort_keys=True)


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    *,
    partnership: str | None = None,
    **detail: Any,
) -> None:
    """One entry; give `old` and `new` (values or dicts of them) for a change shown old → new."""
    session.add(
        AuditRow(
            at=now(),
            actor=actor,
            action=action,
            kind=kind_of(action).value,
            entity=entity,
            partnership=partnership,
            detail=_detail_json(detail),
        )
    )


def record_many(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk entries (each with actor, action, entity, detail dict) for large imports. An entry
    may name its `partnership`, or the `area_code` of a result: the partnership whose own area
    it is (if any) is then the entry's."""
    if not rows:
        return
    owners = partnerships_of_areas(
        session, {r["area_code"] for r in rows if "area_code" in r and "partnership" not in r}
    )
    stamp = now()
    session.execute(
        sa.insert(AuditRow),
        [
            {
                "actor": row["actor"],
                "action": row["action"],
                "kind": kind_of(row["action"]).value,
                "entity": row["entity"],
                "partnership": row.get("partnership", owners.get(row.get("area_code", ""))),
                "at": stamp,
                "detail": _detail_json(row["detail"]),
            }
            for row in rows
        ],
    )


def partnerships_of_areas(session: Session, area_codes: Collection[str]) -> dict[str, str]:
    """The partnership whose own area each code is (the first by slug when several share one);
    codes of shared areas (a county, a force, a region) are left out."""
    if not area_codes:
        return {}
    pairs = session.execute(
        sa.select(PartnershipRow.area_code, PartnershipRow.slug)
        .where(PartnershipRow.area_code.in_(sorted(area_codes)))
        .order_by(PartnershipRow.slug.desc())
    ).all()
    return dict(pairs)  # later pairs win: the first slug


def sole_partnership(session: Session, area_codes: Collection[str]) -> str | None:
    """The partnership a change of these areas belongs to, when they are all its own area."""
    owners = partnerships_of_areas(session, area_codes)
    slugs = set(owners.values())
    if len(slugs) == 1 and set(area_codes) <= set(owners):
        return slugs.pop()
    return None


# Reading the log --------------------------------------------------------------------------


class AuditFilterError(ValueError):
    """Filters that cannot be used; `problems` maps each field to what to write instead."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = dict(problems)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Manage's filters: who (part of an e-mail or `cli:` name), what kind, from and to (dates,
    both included)."""

    who: str = ""
    what: ChangeKind | None = None
    since: date | None = None
    until: date | None = None

    def query(self) -> dict[str, str]:
        """The query string that gives these filters, for paging and the CSV link."""
        pairs = {
            "who": self.who,
            "what": self.what.value if self.what else "",
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in pairs.items() if v}


WHO_MAX = 320


def _iso_date(text: str, name: str, problems: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "…"
        problems[name] = f"'{shown}' is not a date: write it as YYYY-MM-DD, e.g. 2024-04-01."
        return None


def parse_filter(args: Mapping[str, str]) -> AuditFilter:
    """The filters from a query string; AuditFilterError naming each one that cannot be used."""
    problems: dict[str, str] = {}
    who = (args.get("who") or "").strip()
    if len(who) > WHO_MAX:
        problems["who"] = f"'Who' is too long: use at most {WHO_MAX} characters."
    what_text = (args.get("what") or "").strip().lower()
    what = None
    if what_text:
        try:
            what = ChangeKind(what_text)
        except ValueError:
            choices = ", ".join(k.value for k in ChangeKind)
            shown = what_text if len(what_text) <= 40 else what_text[:40] + "…"
            problems["what"] = f"'{shown}' is not a kind of change: use one of {choices}."
    since = _iso_date((args.get("from") or "").strip(), "from", problems)
    until = _iso_date((args.get("to") or "").strip(), "to", problems)
    if since and until and since > until:
        problems["to"] = (
            f"'To' ({until.isoformat()}) is before 'from' ({since.isoformat()}): "
            "swap them or clear one."
        )
    if problems:
        raise AuditFilterError(problems)
    return AuditFilter(who, what, since, until)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime  # naive UTC
    who: str
    what: str  # a ChangeKind value
    action: str
    partnership: str | None
    entity: str
    change: str  # old → new, in words
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


def _conditions(chosen: AuditFilter, partnership: str | None) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if partnership is not None:
        where.append(AuditRow.partnership == partnership)
    if chosen.who:
        where.append(sa.func.lower(AuditRow.actor).contains(chosen.who.lower(), autoescape=True))
    if chosen.what is not None:
        where.append(AuditRow.kind == chosen.what.value)
    if chosen.since is not None:
        where.append(AuditRow.at >= datetime.combine(chosen.since, time.min))
    if chosen.until is not None:
        where.append(AuditRow.at < datetime.combine(chosen.until + timedelta(days=1), time.min))
    return where


def _entry(row: AuditRow) -> AuditEntry:
    try:
        detail = json.loads(row.detail or "{}")
    except json.JSONDecodeError:
        detail = {"text": row.detail}
    if not isinstance(detail, dict):
        detail = {"value": detail}
    return AuditEntry(
        row.id,
        row.at,
        row.actor,
        row.kind or "",
        row.action,
        row.partnership,
        row.entity,
        describe_change(detail),
        detail,
    )


def entries(
    chosen: AuditFilter, partnership: str | None, page: int = 1, per_page: int = PAGE_SIZE
) -> AuditPage:
    """One page of the entries matching the filters, newest first; `partnership` None: every
    entry (admins), else that partnership's only."""
    where = _conditions(chosen, partnership)
    with db.session() as s:
        total = s.scalar(sa.select(sa.func.count()).select_from(AuditRow).where(*where)) or 0
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        rows = s.scalars(
            sa.select(AuditRow)
            .where(*where)
            .order_by(AuditRow.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return AuditPage([_entry(r) for r in rows], total, page, pages)


def all_entries(chosen: AuditFilter, partnership: str | None) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, read a batch at a time (a short session each), so a
    download of a long log holds neither a connection nor the whole log."""
    where = _conditions(chosen, partnership)
    before: int | None = None
    while True:
        batch_where = [*where, AuditRow.id < before] if before is not None else where
        with db.session() as s:
            rows = list(
                s.scalars(
                    sa.select(AuditRow)
                    .where(*batch_where)
                    .order_by(AuditRow.id.desc())
                    .limit(_BATCH)
                )
            )
            batch = [_entry(r) for r in rows]
        yield from batch
        if len(batch) < _BATCH:
            return
        before = batch[-1].id


def recent(limit: int = 200) -> list[dict[str, Any]]:
    with db.session() as s:
        rows = s.scalars(sa.select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        return [
            {
                "at": r.at,
                "actor": r.actor,
                "action": r.action,
                "kind": r.kind,
                "partnership": r.partnership,
                "entity": r.entity,
                "detail": json.loads(r.detail or "{}"),
            }
            for r in rows
        ]


# Old → new, in words --------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(map(str, value)) if value else "(none)"
    text = str(value)
    return text if len(text) <= _SHOWN_TEXT else text[: _SHOWN_TEXT - 1] + "…"


def _pairs(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    names = [*old, *(n for n in new if n not in old)]
    changed = [n for n in names if old.get(n) != new.get(n)]
    return "; ".join(f"{n}: {_shown(old.get(n))} → {_shown(new.get(n))}" for n in changed)


def _listed(values: Mapping[str, Any]) -> str:
    return "; ".join(f"{n}: {_shown(v)}" for n, v in values.items() if v not in (None, ""))


def describe_change(detail: Mapping[str, Any]) -> str:
    """What an entry changed, old → new: `old`/`new`, an import's `before`/`after` (only the
    fields that differ), a deletion's `removed` figures; then the detail's other fields (but the
    file and line, which the CSV gives)."""
    for old_key, new_key in (("old", "new"), ("before", "after")):
        if old_key in detail or new_key in detail:
            shown = _old_to_new(detail.get(old_key), detail.get(new_key))
            rest = {k: v for k, v in detail.items() if k not in (old_key, new_key, *_UNSHOWN)}
            return "; ".join(part for part in (shown, _listed(rest)) if part)
    if isinstance(detail.get("removed"), Mapping):
        removed = detail["removed"]
        kept = {n: v for n, v in removed.items() if v not in (None, "")}
        return "; ".join(f"{n}: {_shown(v)} → (removed)" for n, v in kept.items())
    return _listed(dict(sorted(detail.items())))


def _old_to_new(old: Any, new: Any) -> str:
    if old is None and isinstance(new, Mapping):
        return "added: " + _listed(new)
    if new is None and isinstance(old, Mapping):
        return "removed: " + _listed(old)
    if isinstance(old, Mapping) or isinstance(new, Mapping):
        return _pairs(
            old if isinstance(old, Mapping) else {}, new if isinstance(new, Mapping) else {}
        )
    return f"{_shown(old)} → {_shown(new)}"
