"""Areas, measures and partnerships: written from a configuration file, read as domain records."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard.config_file import Config, parse_config
from dashboard.model import (
    Area,
    AreaKind,
    Measure,
    Partnership,
    PartnershipMeasure,
    Polarity,
    Priority,
    TargetRule,
    TargetSpec,
    Unit,
)
from data_access import audit, db, versions
from data_access.tables import (
    AreaRow,
    ComparatorRow,
    MeasureRow,
    PartnershipMeasureRow,
    PartnershipRow,
    PendingConfigRow,
    PriorityRow,
)

PENDING_LIFETIME = timedelta(days=1)  # a previewed configuration file kept for its confirmation


@dataclass(frozen=True, slots=True)
class ConfigChanges:
    areas: int
    measures: int
    partnerships: int

    @property
    def total(self) -> int:
        return self.areas + self.measures + self.partnerships


def known_codes() -> tuple[set[str], set[str]]:
    """Area and measure codes already stored, so a config file may refer to them."""
    with db.session() as s:
        return set(s.scalars(sa.select(AreaRow.code))), set(s.scalars(sa.select(MeasureRow.code)))


def _upsert(session: Session, row_type: type, key: str, values: dict) -> bool:
    """Insert or update one row by primary key; True when anything changed."""
    existing = session.get(row_type, values[key])
    if existing is None:
        session.add(row_type(**values))
        return True
    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
    for name, value in changed.items():
        setattr(existing, name, value)
    return bool(changed)


def _area_values(area: Area) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "kind": str(area.kind),
        "parent_code": area.parent,
    }


def _measure_values(m: Measure) -> dict:
    return {
        "code": m.code,
        "title": m.title,
        "unit": str(m.unit),
        "polarity": str(m.polarity),
        "definition": m.definition,
        "source": m.source,
        "owner": m.owner,
        "decimals": m.decimals,
        "suppress_below": m.suppress_below,
        "design_effect": m.design_effect,
    }


def replace_children(
    session: Session, row_type: type, partnership_id: int, wanted: list[dict]
) -> bool:
    """Make a partnership's child rows exactly `wanted`; True when they differed."""
    columns = [c.key for c in row_type.__table__.columns]
    current = session.scalars(sa.select(row_type).where(row_type.partnership_id == partnership_id))
    as_dicts = sorted(({c: getattr(r, c) for c in columns} for r in current), key=repr)
    target = sorted(({**w, "partnership_id": partnership_id} for w in wanted), key=repr)
    if as_dicts == target:
        return False
    session.execute(sa.delete(row_type).where(row_type.partnership_id == partnership_id))
    session.flush()
    session.add_all(row_type(**values) for values in target)
    return True


def _write_partnership(session: Session, p: Partnership, removed: Collection[str] = ()) -> bool:
    """Create or update one partnership; `removed` are the codes of measures to take off it."""
    row = session.scalar(sa.select(PartnershipRow).where(PartnershipRow.slug == p.slug))
    points = " ".join(p.reporting_points)
    changed = False
    if row is None:
        row = PartnershipRow(slug=p.slug, name=p.name, area_code=p.area, reporting_points=points)
        session.add(row)
        session.flush()
        changed = True
    elif (row.name, row.area_code, row.reporting_points) != (p.name, p.area, points):
        row.name, row.area_code, row.reporting_points = p.name, p.area, points
        changed = True
    comparators = [{"area_code": code, "position": i} for i, code in enumerate(p.comparators)]
    priorities = [{"number": pr.number, "title": pr.title} for pr in p.priorities]
    for row_type, wanted in ((ComparatorRow, comparators), (PriorityRow, priorities)):
        changed |= replace_children(session, row_type, row.id, wanted)
    changed |= _write_partnership_measures(session, row.id, p.measures, removed)
    return changed


def _partnership_measure_values(pm: PartnershipMeasure) -> dict:
    return {
        "priority": pm.priority,
        "public": pm.public,
        "rule": str(pm.target.rule),
        "baseline_period": pm.target.baseline_period,
        "tolerance": pm.target.tolerance,
        "target": pm.target.target,
        "target_period": pm.target.target_period,
        "max_age_years": pm.max_age_years,
        "area_code": pm.area,
    }


def _write_partnership_measures(
    session: Session,
    partnership_id: int,
    listed: Sequence[PartnershipMeasure],
    removed: Collection[str],
) -> bool:
    """Create or update the measures a file lists, take off those it marks `remove = true`, and
    keep the rest as they are (INTERFACES.md section 4); True when anything changed."""
    current = {
        r.measure_code: r
        for r in session.scalars(
            sa.select(PartnershipMeasureRow)
            .where(PartnershipMeasureRow.partnership_id == partnership_id)
            .order_by(PartnershipMeasureRow.position, PartnershipMeasureRow.measure_code)
        )
    }
    changed = False
    for code in removed:
        if code in current:
            session.delete(current.pop(code))
            changed = True
    wanted = {pm.measure.code: _partnership_measure_values(pm) for pm in listed}
    order = _measure_order(list(current), [pm.measure.code for pm in listed])
    for position, code in enumerate(order):
        values = {**wanted.get(code, {}), "position": position}
        existing = current.get(code)
        if existing is None:
            session.add(
                PartnershipMeasureRow(partnership_id=partnership_id, measure_code=code, **values)
            )
            changed = True
            continue
        for name, value in values.items():
            if getattr(existing, name) != value:
                setattr(existing, name, value)
                changed = True
    session.flush()
    return changed


def _measure_order(existing: list[str], listed: list[str]) -> list[str]:
    """A partnership's measures in order after a file is loaded: the measures the file lists
    take, in the file's order, the places of those of them already there; measures it leaves out
    keep their places; a new measure goes after the one listed before it (a whole file listing
    every measure therefore sets the order exactly)."""
    named = set(listed)
    already = [code for code in listed if code in set(existing)]
    refill = iter(already)
    order = [next(refill) if code in named else code for code in existing]
    for index, code in enumerate(listed):
        if code in order:
            continue
        if index:
            order.insert(order.index(listed[index - 1]) + 1, code)
            continue
        following = next((c for c in listed[1:] if c in order), None)
        order.insert(order.index(following) if following is not None else len(order), code)
    return order


def _parents_first(areas: Iterable[Area]) -> list[Area]:
    pending, ordered, placed = list(areas), [], set()
    while pending:
        ready = [
            a
            for a in pending
            if a.parent is None or a.parent not in {b.code for b in pending} or a.parent in placed
        ]
        if not ready:  # a cycle: the loader reports it; insert as given
            ready = pending
        for area in ready:
            ordered.append(area)
            placed.add(area.code)
        pending = [a for a in pending if a.code not in placed]
    return ordered


def apply_config(
    config: Config, actor: str, source_name: str, remove_unlisted: bool = False
) -> ConfigChanges:
    """Create or update everything a config file defines, in one transaction."""
    with db.transaction() as session:
        return write_config(session, config, actor, source_name, remove_unlisted)


def write_config(
    session: Session,
    config: Config,
    actor: str,
    source_name: str,
    remove_unlisted: bool = False,
) -> ConfigChanges:
    """Create or update inside the caller's transaction; each change audited (old → new) and the
    data version bumped on any. `remove_unlisted` also takes off each partnership in the file
    the measures it leaves out (which otherwise stay as they are)."""
    return _record(session, _write(session, config, remove_unlisted), actor, source_name)


def _record(
    session: Session, preview: ConfigPreview, actor: str, source_name: str
) -> ConfigChanges:
    """Audit what a written configuration changed, and bump the catalogue's version."""
    changes = preview.counts
    if preview.changed:
        audit.record_many(session, _audit_rows(preview, actor, source_name))
        audit.record(
            session,
            actor,
            "load-config",
            source_name,
            areas=changes.areas,
            measures=changes.measures,
            partnerships=changes.partnerships,
        )
        versions.bump(session, catalogue=True)
    return changes


def preview_config(config: Config) -> ConfigPreview:
    """What saving this configuration would change, found by writing it and rolling back, so the
    preview is exactly what saving does (to the catalogue as it is now); nothing is kept."""
    with db.session() as session:
        try:
            return _write(session, config, remove_unlisted=False)
        finally:
            session.rollback()


def _write(session: Session, config: Config, remove_unlisted: bool) -> ConfigPreview:
    before = _state(session, config)
    unlisted = _unlisted(before, config)
    removed: dict[str, set[str]] = {}
    for slug, code in config.removed_measures:
        removed.setdefault(slug, set()).add(code)
    if remove_unlisted:
        for slug, codes in unlisted.items():
            removed.setdefault(slug, set()).update(codes)
    for area in _parents_first(config.areas):
        _upsert(session, AreaRow, "code", _area_values(area))
    session.flush()
    for measure in config.measures:
        _upsert(session, MeasureRow, "code", _measure_values(measure))
    session.flush()
    for partnership in config.partnerships:
        _write_partnership(session, partnership, removed.get(partnership.slug, set()))
    session.flush()
    after = _state(session, config)
    return _compare(before, after, config, unlisted)


# A configuration previewed in Manage, kept until confirmed ---------------------------------


class PreviewGone(Exception):
    """The preview to confirm is not kept (any more): upload the file again."""


class PreviewOutdated(Exception):
    """The catalogue changed since the preview: `preview` is what the file would change now."""

    def __init__(self, preview: ConfigPreview, digest: str) -> None:
        super().__init__("The configuration changed since the preview: check the new preview.")
        self.preview, self.digest = preview, digest


def parse_for_catalogue(text: str, filename: str) -> Config:
    """A configuration file's text checked against the catalogue as stored (ConfigError)."""
    known_areas, _ = known_codes()
    return parse_config(text, filename, known_areas, measures())


def preview_digest(preview: ConfigPreview, text: str) -> str:
    """What a confirmation must match: the file and the changes shown for it (measures the file
    leaves out shown as kept, whether or not the admin then asks for them to go)."""
    shown = replace(
        preview,
        partnerships=tuple(
            replace(
                p,
                measures=tuple(
                    m for m in p.measures if not (m.state == "removed" and m.code in p.unlisted)
                ),
            )
            for p in preview.partnerships
        ),
    )
    return hashlib.sha256(f"{text}\0{shown!r}".encode()).hexdigest()


def keep_pending(text: str, filename: str, actor: str) -> str:
    """Keep a previewed file for its confirmation (any worker may receive it); returns its token.
    Previews older than PENDING_LIFETIME are forgotten."""
    token = secrets.token_urlsafe(24)
    stamp = audit.now()
    with db.transaction() as session:
        expired = PendingConfigRow.created_at < stamp - PENDING_LIFETIME
        session.execute(sa.delete(PendingConfigRow).where(expired))
        session.add(
            PendingConfigRow(
                token=token, created_at=stamp, created_by=actor, filename=filename, text=text
            )
        )
    return token


def pending_file(token: str, actor: str) -> tuple[str, str]:
    """(filename, text) of a kept preview of this admin's; PreviewGone when there is none."""
    with db.session() as session:
        row = session.get(PendingConfigRow, token) if token else None
        if not _usable(row, actor):
            raise PreviewGone("This preview has expired: upload the file again.")
        assert row is not None
        return row.filename, row.text


def _usable(row: PendingConfigRow | None, actor: str) -> bool:
    return (
        row is not None
        and row.created_by == actor
        and row.created_at >= audit.now() - PENDING_LIFETIME
    )


def save_pending(
    token: str, actor: str, digest: str, remove_unlisted: bool
) -> tuple[str, ConfigChanges]:
    """Save a kept preview's file, exactly as previewed: in one transaction it is written, the
    changes compared with those the admin saw (`digest`), then audited, or nothing is kept
    (PreviewOutdated with the new preview; PreviewGone; ConfigError). Returns its name and
    what changed."""
    filename, text = pending_file(token, actor)
    config = parse_for_catalogue(text, filename)
    try:
        with db.transaction() as session:
            row = session.get(PendingConfigRow, token, with_for_update=True)
            if not _usable(row, actor):  # confirmed meanwhile, in another tab
                raise PreviewGone(
                    "This preview was already saved or has expired: nothing was changed."
                )
            written = _write(session, config, remove_unlisted)
            if preview_digest(written, text) != digest:
                raise _Differs
            session.delete(row)
            return filename, _record(session, written, actor, filename)
    except _Differs:  # rolled back: what would the file change now?
        preview = preview_config(config)
        raise PreviewOutdated(preview, preview_digest(preview, text)) from None


class _Differs(Exception):
    """Written, the file changes other things than the preview showed: roll back."""


# What a configuration changes ------------------------------------------------------------

_PARTNERSHIP_MEASURE_FIELDS = (
    "priority",
    "public",
    "rule",
    "baseline_period",
    "tolerance",
    "target",
    "target_period",
    "max_age_years",
    "area_code",
)


@dataclass(frozen=True, slots=True)
class FieldChange:
    name: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class ItemChange:
    """An area, a measure or one of a partnership's measures: added, changed or removed."""

    code: str
    name: str
    state: str  # "added" | "changed" | "removed"
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class PartnershipChange:
    slug: str
    name: str
    state: str  # "added" | "changed" | "unchanged"
    fields: tuple[FieldChange, ...]  # name, area, reporting points, comparators, priorities
    measures: tuple[ItemChange, ...]  # its measures added, changed or removed
    order_changed: bool  # the order its measures are shown in
    unlisted: tuple[str, ...]  # measures it had that the file leaves out: kept, unless asked

    @property
    def changed(self) -> bool:
        return self.state != "unchanged" or bool(self.measures) or self.order_changed


@dataclass(frozen=True, slots=True)
class ConfigPreview:
    """What a configuration file changes in the catalogue as it stands."""

    areas: tuple[ItemChange, ...]
    measures: tuple[ItemChange, ...]
    partnerships: tuple[PartnershipChange, ...]  # every partnership in the file

    @property
    def changed(self) -> bool:
        return bool(self.areas or self.measures or any(p.changed for p in self.partnerships))

    @property
    def counts(self) -> ConfigChanges:
        return ConfigChanges(
            len(self.areas), len(self.measures), sum(p.changed for p in self.partnerships)
        )

    @property
    def removals(self) -> list[tuple[str, str]]:
        """(slug, measure code) of every measure taken off a partnership."""
        return [
            (p.slug, m.code) for p in self.partnerships for m in p.measures if m.state == "removed"
        ]

    @property
    def unlisted(self) -> list[tuple[str, str]]:
        """(slug, measure code) of every measure the file leaves out of its partnership."""
        return [(p.slug, code) for p in self.partnerships for code in p.unlisted]


@dataclass(frozen=True, slots=True)
class _State:
    """The part of the catalogue a configuration file can change, as plain values."""

    areas: dict[str, dict[str, object]]
    measures: dict[str, dict[str, object]]
    partnerships: dict[str, dict[str, object]]
    partnership_measures: dict[str, dict[str, dict[str, object]]]  # slug → code → values
    measure_order: dict[str, list[str]]


def _columns(row: object, names: Sequence[str]) -> dict[str, object]:
    return {name: getattr(row, name) for name in names}


def _state(session: Session, config: Config) -> _State:
    area_codes = sorted({a.code for a in config.areas})
    measure_codes = sorted({m.code for m in config.measures})
    slugs = sorted({p.slug for p in config.partnerships})
    area_names = [c.key for c in AreaRow.__table__.columns]
    measure_names = [c.key for c in MeasureRow.__table__.columns]
    areas = {
        r.code: _columns(r, area_names)
        for r in session.scalars(sa.select(AreaRow).where(AreaRow.code.in_(area_codes)))
    }
    measures = {
        r.code: _columns(r, measure_names)
        for r in session.scalars(sa.select(MeasureRow).where(MeasureRow.code.in_(measure_codes)))
    }
    rows = {
        r.id: r
        for r in session.scalars(sa.select(PartnershipRow).where(PartnershipRow.slug.in_(slugs)))
    }
    partnerships: dict[str, dict[str, object]] = {
        r.slug: {
            "name": r.name,
            "area": r.area_code,
            "reporting points": r.reporting_points.split(),
            "comparators": [],
            "priorities": [],
        }
        for r in rows.values()
    }
    for c in session.scalars(
        sa.select(ComparatorRow)
        .where(ComparatorRow.partnership_id.in_(list(rows)))
        .order_by(ComparatorRow.position)
    ):
        partnerships[rows[c.partnership_id].slug]["comparators"].append(c.area_code)  # type: ignore[union-attr]
    for p in session.scalars(
        sa.select(PriorityRow)
        .where(PriorityRow.partnership_id.in_(list(rows)))
        .order_by(PriorityRow.number)
    ):
        priorities = partnerships[rows[p.partnership_id].slug]["priorities"]
        priorities.append(f"{p.number} {p.title}")  # type: ignore[union-attr]
    pms: dict[str, dict[str, dict[str, object]]] = {slug: {} for slug in partnerships}
    order: dict[str, list[str]] = {slug: [] for slug in partnerships}
    for pm in session.scalars(
        sa.select(PartnershipMeasureRow)
        .where(PartnershipMeasureRow.partnership_id.in_(list(rows)))
        .order_by(PartnershipMeasureRow.position, PartnershipMeasureRow.measure_code)
    ):
        slug = rows[pm.partnership_id].slug
        pms[slug][pm.measure_code] = _columns(pm, _PARTNERSHIP_MEASURE_FIELDS)
        order[slug].append(pm.measure_code)
    return _State(areas, measures, partnerships, pms, order)


def _unlisted(before: _State, config: Config) -> dict[str, list[str]]:
    """Per partnership in the file, the measures it has that the file neither lists nor
    removes: kept as they are unless the administrator asks for them to go."""
    removed = set(config.removed_measures)
    found: dict[str, list[str]] = {}
    for p in config.partnerships:
        listed = {pm.measure.code for pm in p.measures}
        codes = [
            code
            for code in before.measure_order.get(p.slug, [])
            if code not in listed and (p.slug, code) not in removed
        ]
        if codes:
            found[p.slug] = codes
    return found


def _fields(old: dict[str, object], new: dict[str, object]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, old.get(name), new.get(name))
        for name in new
        if old.get(name) != new.get(name)
    )


def _items(
    before: dict[str, dict[str, object]],
    after: dict[str, dict[str, object]],
    name_key: str,
    names: dict[str, str] | None = None,
) -> tuple[ItemChange, ...]:
    changes = []
    for code in sorted(set(before) | set(after)):
        old, new = before.get(code), after.get(code)
        name = (names or {}).get(code) or str((new or old or {}).get(name_key) or "")
        if old is None and new is not None:
            changes.append(ItemChange(code, name, "added", _fields({}, new)))
        elif new is None and old is not None:
            changes.append(ItemChange(code, name, "removed", _fields({}, old)))
        elif old is not None and new is not None and (fields := _fields(old, new)):
            changes.append(ItemChange(code, name, "changed", fields))
    return tuple(changes)


def _compare(
    before: _State, after: _State, config: Config, unlisted: dict[str, list[str]]
) -> ConfigPreview:
    titles = {
        code: str(values["title"]) for code, values in {**before.measures, **after.measures}.items()
    }
    for p in config.partnerships:
        for pm in p.measures:
            titles.setdefault(pm.measure.code, pm.measure.title)
    partnerships = []
    for p in config.partnerships:
        old = before.partnerships.get(p.slug)
        new = after.partnerships[p.slug]
        fields = _fields(old or {}, new)
        state = "added" if old is None else "changed" if fields else "unchanged"
        measures = _items(
            before.partnership_measures.get(p.slug, {}),
            after.partnership_measures[p.slug],
            "",
            titles,
        )
        kept_order = [
            c for c in before.measure_order.get(p.slug, []) if c in after.measure_order[p.slug]
        ]
        new_order = [c for c in after.measure_order[p.slug] if c in kept_order]
        partnerships.append(
            PartnershipChange(
                p.slug,
                p.name,
                state,
                fields,
                measures,
                old is not None and kept_order != new_order,
                tuple(unlisted.get(p.slug, ())),
            )
        )
    return ConfigPreview(
        _items(before.areas, after.areas, "name"),
        _items(before.measures, after.measures, "title"),
        tuple(partnerships),
    )


def _audit_rows(preview: ConfigPreview, actor: str, source_name: str) -> list[dict]:
    """One audit entry per area, measure, partnership and partnership measure changed."""
    rows: list[dict] = []

    def add(action: str, entity: str, item: ItemChange | None, partnership: str | None) -> None:
        detail: dict[str, object] = {"file": source_name}
        if item is not None:
            old = {f.name: f.old for f in item.fields}
            new = {f.name: f.new for f in item.fields}
            detail["old"] = None if item.state == "added" else old
            detail["new"] = None if item.state == "removed" else new
        entry = {"actor": actor, "action": action, "entity": entity, "detail": detail}
        rows.append({**entry, "partnership": partnership})

    for area in preview.areas:
        add("config-area", f"area {area.code}", area, None)
    for measure in preview.measures:
        add("config-measure", f"measure {measure.code}", measure, None)
    for p in preview.partnerships:
        if p.state != "unchanged":
            fields = ItemChange(p.slug, p.name, p.state, p.fields) if p.fields else None
            add("config-partnership", f"partnership {p.slug}", fields, p.slug)
        for m in p.measures:
            add("config-partnership-measure", f"{p.slug} {m.code}", m, p.slug)
        if p.order_changed:
            rows.append(
                {
                    "actor": actor,
                    "action": "config-partnership",
                    "entity": f"partnership {p.slug}",
                    "partnership": p.slug,
                    "detail": {"file": source_name, "measure order": "changed"},
                }
            )
    return rows


def areas() -> dict[str, Area]:
    columns = (AreaRow.code, AreaRow.name, AreaRow.kind, AreaRow.parent_code)
    with db.session() as s:  # plain rows: thousands of areas nationally, no ORM objects needed
        return {
            code: Area(code, name, AreaKind(kind), parent)
            for code, name, kind, parent in s.execute(sa.select(*columns))
        }


def measures() -> dict[str, Measure]:
    with db.session() as s:
        return {r.code: _measure(r) for r in s.scalars(sa.select(MeasureRow))}


def _measure(r: MeasureRow) -> Measure:
    return Measure(
        r.code,
        r.title,
        Unit(r.unit),
        Polarity(r.polarity),
        r.definition,
        r.source,
        r.owner,
        r.decimals,
        r.suppress_below,
        r.design_effect,
    )


def measure_units() -> dict[str, Unit]:
    with db.session() as s:
        return {
            code: Unit(unit)
            for code, unit in s.execute(sa.select(MeasureRow.code, MeasureRow.unit))
        }


def partnerships() -> list[Partnership]:
    """Every partnership with its comparators, priorities and measures, in three queries."""
    with db.session() as s:
        rows = list(s.scalars(sa.select(PartnershipRow).order_by(PartnershipRow.id)))
        comps = s.execute(sa.select(ComparatorRow).order_by(ComparatorRow.position)).scalars()
        prios = s.execute(sa.select(PriorityRow).order_by(PriorityRow.number)).scalars()
        pms = s.execute(
            sa.select(PartnershipMeasureRow, MeasureRow)
            .join(MeasureRow, MeasureRow.code == PartnershipMeasureRow.measure_code)
            .order_by(PartnershipMeasureRow.position)
        ).all()
        by_id: dict[int, dict[str, list]] = {r.id: {"c": [], "p": [], "m": []} for r in rows}
        for c in comps:
            by_id[c.partnership_id]["c"].append(c.area_code)
        for p in prios:
            by_id[p.partnership_id]["p"].append(Priority(p.number, p.title))
        for pm, m in pms:
            spec = TargetSpec(
                TargetRule(pm.rule), pm.baseline_period, pm.tolerance, pm.target, pm.target_period
            )
            by_id[pm.partnership_id]["m"].append(
                PartnershipMeasure(
                    _measure(m), pm.priority, pm.public, spec, pm.max_age_years, pm.area_code
                )
            )
        return [
            Partnership(
                r.slug,
                r.name,
                r.area_code,
                tuple(by_id[r.id]["c"]),
                tuple(by_id[r.id]["p"]),
                tuple(by_id[r.id]["m"]),
                tuple(r.reporting_points.split()),
            )
            for r in rows
        ]
