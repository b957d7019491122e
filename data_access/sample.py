"""Loading seed_data/: the sample partnerships, figures, action plans, grants and publications.

Everything is validated before anything is written, and written in one transaction, so a bad seed
file changes nothing; every step skips what is already there, so loading twice changes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashboard.config_file import load_config
from dashboard.model import ActionStatus
from dashboard.periods import parse_period
from dashboard.results_file import ResultRow, parse_results_file
from data_access import audit, catalogue, db, publications, versions
from data_access.imports import ImportRejected, ensure_periods, write_rows
from data_access.tables import (
    ActionItemRow,
    CommentaryRow,
    FundedProjectRow,
    MeasureRow,
    PartnershipRow,
    PopulationRow,
)

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
ACTION_KEY_MAX = 64  # ActionItemRow.key


class SampleError(ValueError):
    """A seed file is wrong; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class SampleSummary:
    changed: int
    results: int
    illustrative: int

    def sentence(self) -> str:
        if not self.changed:
            return f"Sample data already loaded: nothing changed ({self.results} results checked)."
        return (
            f"Loaded the sample data: {self.results} results ({self.illustrative} "
            f"illustrative), {self.changed} changes."
        )


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items()}


def _results(folder: Path, units: dict, areas: set[str]) -> list[ResultRow]:
    rows: list[ResultRow] = []
    for path in sorted(folder.glob("*.csv")):
        parsed = parse_results_file(path.name, path.read_bytes(), units, areas, date.today())
        if parsed.problems:
            raise ImportRejected(str(path), parsed.problems)
        rows.extend(parsed.rows)
    return rows


def load_sample(actor: str, seed_dir: Path = SEED_DIR) -> SampleSummary:
    known_areas, known_measures = catalogue.known_codes()
    config = load_config(seed_dir / "config.toml", known_areas, known_measures)
    units = {**catalogue.measure_units(), **{m.code: m.unit for m in config.measures}}
    areas = known_areas | {a.code for a in config.areas}
    real = _results(seed_dir / "results", units, areas)
    invented = _results(seed_dir / "illustrative", units, areas)
    with db.transaction() as session:
        changed = catalogue.write_config(session, config, actor, "seed_data/config.toml").total
        changed += _write_population(session, seed_dir / "population.csv")
        for rows, flag, name in (
            (real, False, "seed_data/results"),
            (invented, True, "seed_data/illustrative"),
        ):
            summary = write_rows(session, rows, actor, flag, False, name)
            changed += summary.inserted + summary.replaced
        slugs = dict(session.execute(sa.select(PartnershipRow.slug, PartnershipRow.id)).all())
        changed += _write_action_plan(session, seed_dir / "action_plan.csv", slugs)
        changed += _write_funded_projects(session, seed_dir / "funded_projects.csv", slugs)
        changed += _write_commentary(session, seed_dir / "commentary.csv", slugs)
        if changed:
            versions.bump(session, catalogue=True)
    changed += _publish(seed_dir / "publications.csv", actor)
    return SampleSummary(changed, len(real) + len(invented), len(invented))


def _publish(path: Path, actor: str) -> int:
    """Publish the sample's points through the same code path as the `publish` command."""
    published = 0
    for line, row in _csv_rows(path):
        try:
            _, number = publications.publish(row["partnership"], row["period"], actor)
        except ValueError as error:
            raise SampleError(f"{path.name}: line {line}: {error}") from error
        published += number is not None
    return published


def _write_population(session: Session, path: Path) -> int:
    changed = 0
    for line, row in _csv_rows(path):
        try:
            key = (row["area_code"], int(row["year"]))
            population = int(row["population"])
        except (KeyError, ValueError) as error:
            raise SampleError(f"{path.name}: line {line}: {error}") from error
        existing = session.get(PopulationRow, key)
        if existing is None:
            session.add(
                PopulationRow(
                    area_code=key[0],
                    year=key[1],
                    population=population,
                    source=row.get("source", ""),
                )
            )
            changed += 1
        elif (existing.population, existing.source) != (population, row.get("source", "")):
            existing.population, existing.source = population, row.get("source", "")
            changed += 1
    return changed


def _by_partnership(path: Path, slugs: dict[str, int]) -> dict[int, list[tuple[int, dict]]]:
    grouped: dict[int, list[tuple[int, dict]]] = {}
    for line, row in _csv_rows(path):
        if row.get("partnership") not in slugs:
            raise SampleError(
                f"{path.name}: line {line}: partnership: unknown '{row.get('partnership')}'"
            )
        grouped.setdefault(slugs[row["partnership"]], []).append((line, row))
    return grouped


def _write_action_plan(session: Session, path: Path, slugs: dict[str, int]) -> int:
    """Add the action items whose `key` the partnership does not have yet. Items already there
    are never replaced, so an editor's updates survive loading the sample again; an item stored
    before items had keys takes the key of the seed row with its priority and objective."""
    changed = 0
    for pid, rows in _by_partnership(path, slugs).items():
        wanted: dict[str, dict] = {}
        for position, (line, row) in enumerate(rows):
            try:
                status = ActionStatus(row["status"])
                priority = int(row["priority"])
            except ValueError as error:
                raise SampleError(f"{path.name}: line {line}: {error}") from error
            key = row.get("key", "")
            if not key or len(key) > ACTION_KEY_MAX:
                raise SampleError(
                    f"{path.name}: line {line}: key: give each item a key of 1 to "
                    f"{ACTION_KEY_MAX} characters, unique within its partnership"
                )
            if key in wanted:
                raise SampleError(f"{path.name}: line {line}: key: '{key}' is used twice")
            wanted[key] = {
                "key": key,
                "priority": priority,
                "objective": row["objective"],
                "update": row.get("update", ""),
                "actions": row.get("actions", ""),
                "status": str(status),
                "position": position,
            }
        current = list(
            session.scalars(
                sa.select(ActionItemRow)
                .where(ActionItemRow.partnership_id == pid)
                .order_by(ActionItemRow.position, ActionItemRow.id)
            )
        )
        have = {item.key for item in current if item.key is not None}
        for item in current:
            if item.key is None and (key := _seed_key(item, wanted, have)) is not None:
                item.key = key
                have.add(key)
                changed += 1
        for key, values in wanted.items():
            if key not in have:
                session.add(ActionItemRow(partnership_id=pid, **values))
                changed += 1
    return changed


def _seed_key(item: ActionItemRow, wanted: dict[str, dict], taken: set[str]) -> str | None:
    """The key of the seed row an item stored without one came from: same priority and objective,
    else (its objective edited) same priority and position; None when neither matches."""
    free = [(key, values) for key, values in wanted.items() if key not in taken]
    for fields in (("priority", "objective"), ("priority", "position")):
        for key, values in free:
            if all(values[name] == getattr(item, name) for name in fields):
                return key
    return None


def _write_funded_projects(session: Session, path: Path, slugs: dict[str, int]) -> int:
    changed = 0
    for pid, rows in _by_partnership(path, slugs).items():
        wanted = []
        for line, row in rows:
            try:
                amount = float(row["amount_gbp"].replace(",", "").replace("£", ""))
                priority = int(row["priority"]) if row.get("priority") else None
            except ValueError as error:
                raise SampleError(f"{path.name}: line {line}: {error}") from error
            wanted.append(
                {
                    "priority": priority,
                    "theme": row["theme"],
                    "project": row["project"],
                    "amount_gbp": amount,
                    "outcomes": row.get("outcomes", ""),
                    "period": parse_period(row["period"]).label,
                    "source": row.get("source", ""),
                }
            )
        changed += _replace_without_ids(session, FundedProjectRow, pid, wanted)
    return changed


def _replace_without_ids(session: Session, row_type: type, pid: int, wanted: list[dict]) -> int:
    """Replace a partnership's rows when their content (ids aside) differs."""
    columns = [c.key for c in row_type.__table__.columns if c.key not in ("id", "partnership_id")]
    current = session.scalars(
        sa.select(row_type).where(row_type.partnership_id == pid).order_by(row_type.id)
    )
    if [{c: getattr(r, c) for c in columns} for r in current] == wanted:
        return 0
    session.execute(sa.delete(row_type).where(row_type.partnership_id == pid))
    session.add_all(row_type(partnership_id=pid, **values) for values in wanted)
    return len(wanted)


def _write_commentary(session: Session, path: Path, slugs: dict[str, int]) -> int:
    measure_codes = set(session.scalars(sa.select(MeasureRow.code)))
    changed = 0
    for pid, rows in _by_partnership(path, slugs).items():
        for line, row in rows:
            if row["measure_code"] not in measure_codes:
                raise SampleError(
                    f"{path.name}: line {line}: measure_code: unknown '{row['measure_code']}'"
                )
            period = parse_period(row["period"])
            period_id = ensure_periods(session, [period])[period.label]
            exists = session.scalar(
                sa.select(CommentaryRow.id).where(
                    CommentaryRow.partnership_id == pid,
                    CommentaryRow.measure_code == row["measure_code"],
                    CommentaryRow.period_id == period_id,
                    CommentaryRow.text == row["text"],
                )
            )
            if exists is None:
                session.add(
                    CommentaryRow(
                        partnership_id=pid,
                        measure_code=row["measure_code"],
                        period_id=period_id,
                        text=row["text"],
                        author=row["author"],
                        created_at=audit.now(),
                    )
                )
                changed += 1
    return changed
