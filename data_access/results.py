"""Reading results as at a reporting point, with the one visibility rule applied here.

The public sees published reporting points and public measures only; a member of a partnership
also sees its provisional points and non-public measures. Every reader takes the audience, and
an unpublished point answers the public exactly as an unknown one does (NotVisible).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from dashboard import points
from dashboard.audience import Audience
from dashboard.model import Area, Partnership, Result
from dashboard.periods import (
    Period,
    PeriodLabelError,
)
from dashboard.reporting import ReportingPoint
from data_access import catalogue, db, versions
from data_access.cache import cache
from data_access.tables import PartnershipRow, PeriodRow, PublicationRow, ResultRow


class NotVisible(LookupError):
    """Unknown to this audience: no such partnership, measure or point, or not theirs to see."""


def _partnerships() -> dict[str, Partnership]:
    """Every partnership by slug, for this database at its catalogue version."""
    return _catalogue(str(db.engine().url), versions.catalogue())


# In-process, not in the shared cache: a national catalogue is thousands of records, and
# unpickling it from the cache on every read cost more than the rest of a request. Keyed on the
# database and the catalogue version (which only configuration moves, not imports or
# publications), so a worker never serves a catalogue older than the configuration.
@functools.lru_cache(maxsize=4)
def _catalogue(_database: str, _version: int) -> dict[str, Partnership]:
    return {p.slug: p for p in catalogue.partnerships()}


@functools.lru_cache(maxsize=4)
def _areas_of(_database: str, _version: int) -> dict[str, Area]:
    return catalogue.areas()


def _areas(version: int) -> dict[str, Area]:
    """Every area, in memory like the catalogue and for the same reason, at a catalogue version."""
    return _areas_of(str(db.engine().url), version)


def all_partnerships() -> list[Partnership]:
    """Every partnership with all its measures: for callers that filter by audience themselves."""
    return list(_partnerships().values())


def areas() -> dict[str, Area]:
    return _areas(versions.catalogue())


def visible_partnership(slug: str, audience: Audience) -> Partnership:
    """The partnership with only the measures this audience may see."""
    partnership = _partnerships().get(slug)
    if partnership is None:
        raise NotVisible(f"No partnership '{slug}'.")
    if audience.is_member(slug):
        return partnership
    # the same partnership (its rhythm names the points) with its public measures only
    return replace(partnership, measures=tuple(m for m in partnership.measures if m.public))


@cache.memoize()
def _publications(slug: str, _version: int) -> list[tuple[Period, datetime]]:
    with db.session() as s:
        rows = s.execute(
            sa.select(
                PeriodRow.label,
                PeriodRow.start_date,
                PeriodRow.end_date,
                PublicationRow.published_at,
            )
            .join(PublicationRow, PublicationRow.period_id == PeriodRow.id)
            .join(PartnershipRow, PartnershipRow.id == PublicationRow.partnership_id)
            .where(PartnershipRow.slug == slug)
            .order_by(PeriodRow.end_date.desc())
        )
        return [(Period(label, start, end), at) for label, start, end, at in rows]


@cache.memoize()
def _result_periods(area_code: str, _version: int) -> list[Period]:
    with db.session() as s:
        rows = s.execute(
            sa.select(PeriodRow.label, PeriodRow.start_date, PeriodRow.end_date)
            .distinct()
            .join(ResultRow, ResultRow.period_id == PeriodRow.id)
            .where(ResultRow.area_code == area_code)
        )
        return [Period(*row) for row in rows]


def reporting_points(slug: str, audience: Audience) -> list[ReportingPoint]:
    """The points this audience may open, newest first (INTERFACES.md section 5): published
    ones; for members also each declared point after them, up to the member default."""
    version = versions.current()
    partnership = visible_partnership(slug, audience)
    published = [
        ReportingPoint(p.label, p.start, p.end, True) for p, _ in _publications(slug, version)
    ]
    if not audience.is_member(slug):
        return published
    rhythm = partnership.reporting_points
    ends = [p.end for p in _result_periods(partnership.area, version)]
    default = points.member_default(rhythm, ends)
    if default is None:
        return published
    first = published[0].end + timedelta(days=1) if published else min(ends)
    dates = (
        points.declared_between(rhythm, first, default)
        if rhythm
        else sorted({e for e in ends if first <= e <= default})
    )
    provisional = []
    for day in dates:
        period = points.point_period(day, rhythm)
        provisional.append(ReportingPoint(period.label, period.start, period.end, False))
    return sorted(published + provisional, key=lambda p: p.end, reverse=True)


def resolve_point(slug: str, label: str | None, audience: Audience) -> ReportingPoint:
    """The point a label names for this audience; the default point when no label is given."""
    found = reporting_points(slug, audience)
    if label is None or not label.strip():
        if not found:
            raise NotVisible(f"Nothing published yet for '{slug}'.")
        return found[0]
    rhythm = visible_partnership(slug, audience).reporting_points
    try:
        period = points.point_for_label(label, rhythm)
    except PeriodLabelError as error:
        raise NotVisible(str(error)) from error
    # Labels ending on the same date name the same point: answer with the point's own name
    published = next((p for p in found if p.published and p.end == period.end), None)
    if published is not None:
        return published
    if audience.is_member(slug):
        return ReportingPoint(period.label, period.start, period.end, False)
    raise NotVisible(f"No reporting point '{period.label}' for '{slug}'.")


def _result_columns() -> tuple:
    """In the order of Result's fields."""
    return (
        ResultRow.measure_code,
        ResultRow.area_code,
        PeriodRow.label,
        PeriodRow.start_date,
        PeriodRow.end_date,
        ResultRow.value,
        ResultRow.numerator,
        ResultRow.denominator,
        ResultRow.note,
        ResultRow.source,
        ResultRow.illustrative,
        ResultRow.loaded_at,
        ResultRow.design_effect,
    )


def results_statement(codes: Iterable[str], area_codes: Iterable[str], end: date) -> sa.Select:
    """The one query behind a view (benchmarks/api_bench.py times it bare)."""
    return (
        sa.select(*_result_columns())
        .join(PeriodRow, PeriodRow.id == ResultRow.period_id)
        .where(
            ResultRow.measure_code.in_(list(codes)),
            ResultRow.area_code.in_(list(area_codes)),
            PeriodRow.end_date <= end,
        )
    )


def _results_at(
    area_codes: Iterable[str], periods: Mapping[str, str]
) -> dict[tuple[str, str], dict[str, Result]]:
    """These areas' results for each measure at one period (measure code → period label)."""
    stmt = (
        sa.select(*_result_columns())
        .join(PeriodRow, PeriodRow.id == ResultRow.period_id)
        .where(
            ResultRow.measure_code.in_(list(periods)),
            ResultRow.area_code.in_(list(area_codes)),
            PeriodRow.label.in_(sorted(set(periods.values()))),
        )
    )
    grouped: dict[tuple[str, str], dict[str, Result]] = defaultdict(dict)
    with db.session() as s:
        for row in s.connection().execute(stmt):
            result = Result(*row)
            if periods[result.measure_code] == result.period:  # labels shared by other measures
                grouped[(result.measure_code, result.area_code)][result.period] = result
    return grouped


def _results_up_to(
    codes: Iterable[str], area_codes: Iterable[str], end: date
) -> dict[tuple[str, str], dict[str, Result]]:
    """All results of these measures and areas ending on or before `end`, in one query."""
    stmt = results_statement(codes, area_codes, end)
    grouped: dict[tuple[str, str], dict[str, Result]] = defaultdict(dict)
    with db.session() as s:
        # Core rows, built positionally: thousands of rows per view, where ORM overhead shows
        for row in s.connection().execute(stmt):
            result = Result(*row)
            grouped[(result.measure_code, result.area_code)][result.period] = result
    return grouped
