"""Reports as at a reporting point (STYLE.md section 10): the facts read once for a partnership
and point, the members' live report built from them, and the frozen versions the public reads.

The public reads only the public report of a published version; nothing here builds one for it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from dashboard import report as reports
from dashboard import results_json
from dashboard.audience import Audience
from dashboard.intervals import with_design_effect
from dashboard.model import Partnership, Result
from dashboard.reporting import ReportingPoint
from data_access import db, drilldown, revisions, versions
from data_access.cache import cache
from data_access.results import (
    NotVisible,
    _areas,
    _partnerships,
    _results_at,
    _results_up_to,
    resolve_point,
)
from data_access.tables import (
    PartnershipRow,
    PeriodRow,
    PublicationVersionRow,
)

Which = str  # "member" or "public": which of a version's two stored reports


@dataclass(frozen=True, slots=True)
class OwnerState:
    """What another partnership has published: its figures count only as it published them."""

    name: str
    published_at: datetime  # its latest publication
    published_end: date  # the end of its latest published point
    periods: frozenset[tuple[str, str]]  # (measure, period) in a standing public report


def _published_periods(public_reports: Iterable[str]) -> frozenset[tuple[str, str]]:
    """Every (measure, period) whose figure a public report shows (withheld ones excluded)."""
    found = set()
    for text in public_reports:
        for m in json.loads(text)["measures"]:
            figure = m["figure"]
            if figure and figure["value"] is not None:
                found.add((m["code"], figure["period"]))
            found.update((m["code"], t["period"]) for t in m["trend"] if t["value"] is not None)
    return frozenset(found)


@cache.memoize()
def _owner_state(area: str, _version: int) -> OwnerState | None:
    """What the partnership whose own area `area` is has published, or None."""
    owner = next((p for p in _partnerships().values() if p.area == area), None)
    if owner is None:
        return None
    with db.session() as s:
        rows = s.execute(
            sa.select(
                PublicationVersionRow.published_at,
                PeriodRow.end_date,
                PublicationVersionRow.public_report,
            )
            .join(PartnershipRow, PartnershipRow.id == PublicationVersionRow.partnership_id)
            .join(PeriodRow, PeriodRow.id == PublicationVersionRow.period_id)
            .where(PublicationVersionRow.withdrawn.is_(False), PartnershipRow.slug == owner.slug)
        ).all()
    if not rows:
        return None
    return OwnerState(
        owner.name,
        max(at for at, _, _ in rows),
        max(end for _, end, _ in rows),
        _published_periods(text for _, _, text in rows),
    )


def _owned_areas(partnership: Partnership, version: int) -> dict[str, str]:
    """Comparator areas that are another partnership's own area -> that partnership's name."""
    owners = {p.area: p.name for p in _partnerships().values() if p.slug != partnership.slug}
    return {c: owners[c] for c in partnership.comparators if c in owners}


def _owned_results(
    codes: Iterable[str], area: str, end: date, version: int
) -> dict[tuple[str, str], dict[str, Result]]:
    """Another partnership's figures as it published them: only figures shown in a standing
    public report of its own, each as it stood at its latest publication (PRODUCT.md section 2,
    whose figure it is)."""
    state = _owner_state(area, version)
    if state is None:
        return {}
    found = revisions.results_as_at(
        list(codes), [area], min(end, state.published_end), state.published_at
    )
    return {
        key: {
            period: result
            for period, result in by_period.items()
            if (key[0], period) in state.periods
        }
        for key, by_period in found.items()
    }


def facts_for(slug: str, point: reports.PointRef) -> reports.ReportFacts:
    """Everything one partnership's report as at `point` is built from, in a few queries."""
    version = versions.current()
    partnership = _partnerships().get(slug)
    if partnership is None:
        raise NotVisible(f"No partnership '{slug}'.")
    codes = [m.measure.code for m in partnership.measures]
    owned = _owned_areas(partnership, version)
    own_areas = {partnership.area, *(m.area for m in partnership.measures if m.area)}
    plain = [c for c in partnership.comparators if c not in owned and c not in own_areas]
    results = dict(_results_up_to(codes, own_areas, point.end))
    # comparators are read at each measure's own latest period only: a few rows, not their history
    wanted = reports.compared_periods(partnership, results, point.end)
    if plain and wanted:
        for key, by_period in _results_at(plain, wanted).items():
            results[key] = by_period
    for area in owned:
        results.update(_owned_results(codes, area, point.end, version))
    return reports.ReportFacts(
        partnership=partnership,
        areas=_areas(versions.catalogue()),
        point=point,
        results=results,
        owners=owned,
        actions=tuple(drilldown.all_action_items(slug)),
        projects=tuple(drilldown.all_funded_projects(slug)),
        commentary=tuple(
            reports.CommentEntry(code, c.period, c.text, c.author, c.created_at)
            for code, c in drilldown.all_commentary(slug, point.end)
        ),
    )


def point_ref(point: ReportingPoint) -> reports.PointRef:
    return reports.PointRef(point.label, point.start, point.end)


def build_live(slug: str, point: reports.PointRef) -> reports.PartnershipReport:
    """The members' report from the data as it stands now (uncached: publishing uses it)."""
    return reports.build(facts_for(slug, point))


@cache.memoize()
def _live(slug: str, point: reports.PointRef, _version: int) -> reports.PartnershipReport:
    live = build_live(slug, point)
    latest = _stored(slug, point.end, None, "member")
    if latest is None:
        return live
    marked = reports.mark_changed(live, latest)
    changed = reports.digest(live) != reports.digest(latest)
    assert latest.publication is not None
    return replace(marked, publication=replace(latest.publication, changed_since=changed))


def live_report(slug: str, point: reports.PointRef) -> reports.PartnershipReport:
    """Members: the live report, cached by data version, marked against the latest version."""
    return _live(slug, point, versions.current())


def _version_rows(slug: str, end: date) -> sa.Select:
    return (
        sa.select(PublicationVersionRow)
        .join(PartnershipRow, PartnershipRow.id == PublicationVersionRow.partnership_id)
        .join(PeriodRow, PeriodRow.id == PublicationVersionRow.period_id)
        .where(PartnershipRow.slug == slug, PeriodRow.end_date == end)
    )


def _standing(
    s: Session, slug: str, end: date, number: int | None, *columns: sa.ColumnElement
) -> tuple[sa.Row, int] | None:
    """The version asked for (the latest not withdrawn when `number` is None) with `columns`,
    and the latest standing version's number; None when there is no such version."""
    v = PublicationVersionRow
    listing = (
        _version_rows(slug, end)
        .with_only_columns(v.id, v.version, v.published_at, v.reconstructed, *columns)
        .where(v.withdrawn.is_(False))
        .order_by(v.version.desc())
    )
    rows = s.execute(listing).all()
    row = next((r for r in rows if number is None or r.version == number), None)
    return (row, rows[0].version) if row is not None else None


def _ref(row: sa.Row, latest: int) -> reports.PublicationRef:
    return reports.PublicationRef(row.version, latest, row.published_at, row.reconstructed)


# Parsed stored reports, in each worker's memory: a stored report never changes, so (database,
# row, digest, publication time) names its content for good. Not in the shared cache: pickling a
# report into it cost more than parsing it, and requests spread over every point miss it anyway.
@functools.lru_cache(maxsize=32)
def _parsed(
    _database: str, row_id: int, _digest: str, _at: datetime, which: Which
) -> reports.PartnershipReport:
    column = (
        PublicationVersionRow.member_report
        if which == "member"
        else PublicationVersionRow.public_report
    )
    with db.session() as s:
        text = s.scalar(sa.select(column).where(PublicationVersionRow.id == row_id))
    return reports.from_json(text)


def _stored(
    slug: str, end: date, number: int | None, which: Which
) -> reports.PartnershipReport | None:
    """A version's stored report (the latest not withdrawn when `number` is None), or None."""
    with db.session() as s:
        found = _standing(s, slug, end, number, PublicationVersionRow.digest)
    if found is None:
        return None
    row, latest = found
    parsed = _parsed(str(db.engine().url), row.id, row.digest, row.published_at, which)
    return replace(parsed, publication=_ref(row, latest))


def _public_results_statement(by_number: bool) -> sa.Select:
    """The public results' one read, built once (bound parameters): a standing version (the
    latest, or number `number`) with its stored results and the latest standing number."""
    v, other = PublicationVersionRow, aliased(PublicationVersionRow)
    latest = (
        sa.select(sa.func.max(other.version))
        .where(
            other.partnership_id == v.partnership_id,
            other.period_id == v.period_id,
            other.withdrawn.is_(False),
        )
        .scalar_subquery()
    )
    statement = (
        sa.select(
            v.id,
            v.version,
            v.published_at,
            v.reconstructed,
            v.public_results_format,
            v.public_results,
            latest.label("latest"),
        )
        .join(PartnershipRow, PartnershipRow.id == v.partnership_id)
        .join(PeriodRow, PeriodRow.id == v.period_id)
        .where(
            PartnershipRow.slug == sa.bindparam("slug"),
            PeriodRow.end_date == sa.bindparam("end"),
            v.withdrawn.is_(False),
        )
        .order_by(v.version.desc())
        .limit(1)
    )
    return statement.where(v.version == sa.bindparam("number")) if by_number else statement


_PUBLIC_RESULTS = {by_number: _public_results_statement(by_number) for by_number in (False, True)}


def stored_public_results(
    slug: str, end: date, number: int | None
) -> tuple[str, reports.PublicationRef] | None:
    """A version's public `results` as stored when it was published (JSON text) and which
    version it is: the public API sends it as it is, parsing and rendering nothing. None when
    there is no such standing version. One read of a prepared statement, not cached: it costs
    less than a cache's round trip of the text, and at national scale the cache would be cold."""
    params = {"slug": slug, "end": end, "number": number}
    with db.session() as s:
        row = s.execute(_PUBLIC_RESULTS[number is not None], params).first()
        if row is None:
            return None
        text = row.public_results
        if row.public_results_format != results_json.RESULTS_FORMAT:
            # stored before this rendering: render it now (init-db stores it again)
            stored = sa.select(PublicationVersionRow.public_report).where(
                PublicationVersionRow.id == row.id
            )
            text = results_json.results_text(reports.from_json(s.scalar(stored)))
    return text, _ref(row, row.latest)


def stored_report(
    slug: str, end: date, number: int | None, which: Which
) -> reports.PartnershipReport | None:
    return _stored(slug, end, number, which)


def report_for(
    slug: str, label: str | None, audience: Audience, version: int | None = None
) -> reports.PartnershipReport:
    """The report this audience may read at the point `label` names (PRODUCT.md section 2):
    the public, a published version's public report; members, the live one or a version's."""
    point = resolve_point(slug, label, audience)
    if audience.is_member(slug):
        if version is None:
            return live_report(slug, point_ref(point))
        found = stored_report(slug, point.end, version, "member")
    else:
        found = stored_report(slug, point.end, version, "public")
    if found is None:
        which = f"version {version} of " if version is not None else ""
        raise NotVisible(f"No published {which}'{point.label}' for '{slug}'.")
    return found


def history(report: reports.PartnershipReport, code: str) -> list[Result]:
    """Every result behind a measure page: the measure's own area and comparators up to the
    point — for a published version, as the results stood when it was published, small counts
    withheld in the public one."""
    entry = report.measure(code)
    if entry is None:
        raise NotVisible(f"No measure '{code}' for '{report.slug}'.")
    version = versions.current()
    partnership = _partnerships()[report.slug]
    owned = _owned_areas(partnership, version)
    at = None if report.live or report.publication is None else report.publication.published_at
    plain = [entry.area.code, *(c.area.code for c in entry.comparators if c.area.code not in owned)]
    found = dict(revisions.results_as_at([code], plain, report.point.end, at))
    for area in owned:
        if any(c.area.code == area for c in entry.comparators):
            found.update(_owned_results([code], area, report.point.end, version))
    item = next(m for m in partnership.measures if m.measure.code == code)
    rows = sorted(
        # each carrying the design effect its interval uses, as the report's figures do
        (with_design_effect(r, item.measure) for by in found.values() for r in by.values()),
        key=lambda r: (r.period_end, r.period_start, r.area_code),
    )
    if report.is_public:
        rows = [_withhold(r, entry) for r in rows]
    return rows


def _withhold(result: Result, entry: reports.MeasureEntry) -> Result:
    if reports.is_below(result.value, result.numerator, entry.unit, entry.suppress_below):
        return replace(result, value=None, numerator=None, denominator=None, note="")
    return result
