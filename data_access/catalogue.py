"""Areas, measures and partnerships: written from a configuration file, read as domain records."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard.config_file import Config
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
    PriorityRow,
)


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


def apply_config(config: Config, actor: str, source_name: str) -> ConfigChanges:
    """Create or update everything a config file defines, in one transaction."""
    with db.transaction() as session:
        return write_config(session, config, actor, source_name)


def write_config(session: Session, config: Config, actor: str, source_name: str) -> ConfigChanges:
    """Create or update inside the caller's transaction; bumps the data version on any change."""
    areas = sum(
        _upsert(session, AreaRow, "code", _area_values(a)) for a in _parents_first(config.areas)
    )
    session.flush()
    measures = sum(
        _upsert(session, MeasureRow, "code", _measure_values(m)) for m in config.measures
    )
    session.flush()
    removed: dict[str, set[str]] = {}
    for slug, code in config.removed_measures:
        removed.setdefault(slug, set()).add(code)
    partnerships = sum(
        _write_partnership(session, p, removed.get(p.slug, set())) for p in config.partnerships
    )
    changes = ConfigChanges(areas, measures, partnerships)
    if changes.total:
        audit.record(
            session,
            actor,
            "load-config",
            source_name,
            areas=areas,
            measures=measures,
            partnerships=partnerships,
        )
        versions.bump(session, catalogue=True)
    return changes


def areas() -> dict[str, Area]:
    with db.session() as s:
        return {
            r.code: Area(r.code, r.name, AreaKind(r.kind), r.parent_code)
            for r in s.scalars(sa.select(AreaRow))
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
