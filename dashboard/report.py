"""One partnership's report as at a reporting point, built once and rendered by every output.

`build` turns the facts data access read into the members' report (the only caller of
`assess`); `public_view` makes the public report from it (public measures only, small counts
withheld), so no output can forget either rule. A published version stores both, serialised
with `to_document`; `from_document` reads them back, upgrading older schemas.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import types
import typing
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import Enum
from typing import Any

from dashboard.assessment import MeasureAssessment, assess
from dashboard.intervals import effective_base
from dashboard.model import (
    STATUS_LABELS,
    Area,
    Comparison,
    Direction,
    Partnership,
    PartnershipMeasure,
    Polarity,
    RatingStatus,
    Result,
    TargetRule,
    Unit,
)
from dashboard.periods import Period, latest_on_or_before, year_earlier
from dashboard.plans import ActionItem, FundedProject
from dashboard.reporting import ComparatorResult, MeasureFigures

REPORT_SCHEMA = 2
OTHER_MEASURES = "Other measures"
TREND_LENGTH = 8


class ReportSchemaError(ValueError):
    """A stored report this code cannot read; the message says what to do."""


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AreaRef:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class PointRef:
    label: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Figure:
    """One area's result for one period as shown, with its 95% interval where known."""

    period: str
    start: date
    end: date
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    illustrative: bool = False
    source: str = ""
    note: str = ""
    # a weighted survey percentage's design effect (its own or the measure's); None = 1.
    # Stored versions from before it read back with None.
    design_effect: float | None = None


@dataclass(frozen=True, slots=True)
class ComparatorEntry:
    area: AreaRef
    figure: Figure | None
    comparison: Comparison
    unavailable: str = ""  # why there is no figure, when the reason is not simply "none loaded"


@dataclass(frozen=True, slots=True)
class RatingEntry:
    status: RatingStatus
    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class Previous:
    """The result direction of travel compares with: the same length, a year earlier."""

    period: str
    value: float | None
    numerator: float | None = None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: str
    end: date
    value: float | None
    numerator: float | None = None


@dataclass(frozen=True, slots=True)
class TargetEntry:
    rule: TargetRule
    text: str
    baseline_period: str | None = None
    baseline_value: float | None = None
    baseline_numerator: float | None = None
    target: float | None = None
    target_period: str | None = None
    tolerance: float | None = None


@dataclass(frozen=True, slots=True)
class Revised:
    """A public figure or rating that differs from the previous version's."""

    was: float | None
    was_rating: RatingStatus
    version: int
    published_at: datetime


@dataclass(frozen=True, slots=True)
class Changed:
    """Members only: the live figure differs from the latest published version's."""

    published_value: float | None
    published_rating: RatingStatus


@dataclass(frozen=True, slots=True)
class MeasureEntry:
    code: str
    title: str
    priority: int
    unit: Unit
    polarity: Polarity
    public: bool
    area: AreaRef  # whose figures these are: the partnership's own area, or the measure's `area`
    target: TargetEntry
    figure: Figure | None
    rating: RatingEntry
    comparators: tuple[ComparatorEntry, ...]
    direction: Direction
    previous: Previous | None
    trend: tuple[TrendPoint, ...]
    definition: str = ""
    owner: str = ""
    measure_source: str = ""
    decimals: int | None = None
    suppress_below: int | None = None
    design_effect: float | None = None
    effective_base: float | None = None
    suppressed: bool = False
    withheld_from_public: bool = False
    revised: Revised | None = None
    changed: Changed | None = None

    @property
    def rule(self) -> TargetRule:
        return self.target.rule

    @property
    def illustrative(self) -> bool:
        return bool(self.figure and self.figure.illustrative)


@dataclass(frozen=True, slots=True)
class PriorityGroup:
    number: int | None  # None: the "Other measures" group
    title: str
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CommentEntry:
    measure_code: str
    period: str
    text: str
    author: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PublicationRef:
    """Which version a report is, or (live, members) the point's latest version."""

    version: int
    latest_version: int
    published_at: datetime
    reconstructed: bool = False
    changed_since: bool = False


@dataclass(frozen=True, slots=True)
class PartnershipReport:
    schema: int
    audience: str  # "member" or "public"
    slug: str
    name: str
    area: AreaRef
    comparators: tuple[AreaRef, ...]
    point: PointRef
    groups: tuple[PriorityGroup, ...]
    measures: tuple[MeasureEntry, ...]
    actions: tuple[ActionItem, ...] = ()
    projects: tuple[FundedProject, ...] = ()
    commentary: tuple[CommentEntry, ...] = ()
    publication: PublicationRef | None = None  # attached when read, never stored
    live: bool = False  # built from the data as it stands (members), not read from a version

    @property
    def is_public(self) -> bool:
        return self.audience == "public"

    @property
    def provisional(self) -> bool:
        return self.publication is None

    def measure(self, code: str) -> MeasureEntry | None:
        return next((m for m in self.measures if m.code == code), None)

    def grouped(
        self, priority: int | None = None
    ) -> list[tuple[PriorityGroup, list[MeasureEntry]]]:
        """Entries under each priority (then "Other measures"); one priority when given."""
        by_code = {m.code: m for m in self.measures}
        found = []
        for group in self.groups:
            if priority is not None and group.number != priority:
                continue
            entries = [by_code[c] for c in group.codes if c in by_code]
            if entries:
                found.append((group, entries))
        return found

    def entries(self, priority: int | None = None) -> list[MeasureEntry]:
        return [m for _, entries in self.grouped(priority) for m in entries]

    def counts(self, priority: int | None = None) -> dict[RatingStatus, int]:
        counted = Counter(m.rating.status for m in self.entries(priority))
        return {status: counted.get(status, 0) for status in RatingStatus}

    def any_illustrative(self, priority: int | None = None) -> bool:
        return any(m.illustrative for m in self.entries(priority))

    def actions_for(self, priority: int) -> list[ActionItem]:
        return [a for a in self.actions if a.priority == priority]

    def projects_for(self, priority: int) -> list[FundedProject]:
        found = [p for p in self.projects if p.priority == priority]
        return sorted(found, key=lambda p: -p.amount_gbp)

    def commentary_for(self, code: str) -> list[CommentEntry]:
        return [c for c in self.commentary if c.measure_code == code]


# --- the facts it is built from ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """What data access read for one partnership and point: plain records, no judgement yet."""

    partnership: Partnership
    areas: Mapping[str, Area]
    point: PointRef
    # (measure code, area code) -> canonical period label -> result, ending on or before the point
    results: Mapping[tuple[str, str], Mapping[str, Result]]
    # comparator area -> the partnership whose own area it is (its figures count only as
    # that partnership published them, and data access left out the rest)
    owners: Mapping[str, str] = field(default_factory=dict)
    actions: Sequence[ActionItem] = ()
    projects: Sequence[FundedProject] = ()
    commentary: Sequence[CommentEntry] = ()


def _same_length(a: Result, b: Result) -> bool:
    length = (a.period_end - a.period_start).days
    return abs((b.period_end - b.period_start).days - length) <= 5


def _real(count: float | None) -> float | None:
    """Counts as floats, so a report reads back from its stored form exactly as built."""
    return None if count is None else float(count)


def _figure(result: Result | None, ci: tuple[float, float] | None) -> Figure | None:
    if result is None:
        return None
    return Figure(
        result.period,
        result.period_start,
        result.period_end,
        result.value,
        _real(result.numerator),
        _real(result.denominator),
        ci[0] if ci else None,
        ci[1] if ci else None,
        result.illustrative,
        result.source,
        result.note,
        result.design_effect,
    )


def _own_latest(
    item: PartnershipMeasure,
    partnership: Partnership,
    results: Mapping[tuple[str, str], Mapping[str, Result]],
    end: date,
) -> Result | None:
    """The measure's own latest result at a point: the figure the report rates."""
    own = results.get((item.measure.code, item.area or partnership.area), {})
    latest = latest_on_or_before(
        (Period(r.period, r.period_start, r.period_end) for r in own.values()), end
    )
    return own[latest.label] if latest else None


def compared_periods(
    partnership: Partnership, own_results: Mapping[tuple[str, str], Mapping[str, Result]], end: date
) -> dict[str, str]:
    """Measure code → the period its comparators are read at (its own latest result's): data
    access reads comparators' results for these alone, not their whole history."""
    found = {}
    for item in partnership.measures:
        latest = _own_latest(item, partnership, own_results, end)
        if latest is not None:
            found[item.measure.code] = latest.period
    return found


def _figures_for(item: PartnershipMeasure, facts: ReportFacts) -> MeasureFigures:
    partnership, code = facts.partnership, item.measure.code
    own_area = item.area or partnership.area
    own = facts.results.get((code, own_area), {})
    result = _own_latest(item, partnership, facts.results, facts.point.end)
    earlier = baseline = None
    if result is not None:
        earlier = own.get(
            year_earlier(Period(result.period, result.period_start, result.period_end)).label
        )
    if item.target.baseline_period:
        baseline = own.get(item.target.baseline_period)
    comparators = tuple(
        ComparatorResult(
            facts.areas[c],
            facts.results.get((code, c), {}).get(result.period) if result else None,
        )
        for c in partnership.comparators
        if c != own_area
    )
    return MeasureFigures(item, result, comparators, earlier, baseline)


def _trend(own: Mapping[str, Result], latest: Result | None) -> tuple[TrendPoint, ...]:
    """The one trend rule: own results as long as the latest one, the last eight, oldest first."""
    if latest is None:
        return ()
    same = sorted(
        (r for r in own.values() if _same_length(latest, r) and r.period_end <= latest.period_end),
        key=lambda r: r.period_end,
    )
    return tuple(TrendPoint(r.period, r.period_end, r.value, _real(r.numerator)) for r in same)[
        -TREND_LENGTH:
    ]


def _comparator(
    c: Any, facts: ReportFacts, result: Result | None
) -> ComparatorEntry:  # c: ComparatorAssessment
    unavailable = ""
    if c.result is None and c.area.code in facts.owners and result is not None:
        unavailable = f"not yet published by {facts.owners[c.area.code]}"
    return ComparatorEntry(
        AreaRef(c.area.code, c.area.name), _figure(c.result, c.ci), c.comparison, unavailable
    )


def _entry(item: PartnershipMeasure, facts: ReportFacts) -> MeasureEntry:
    figures = _figures_for(item, facts)
    a: MeasureAssessment = assess(figures, facts.point.end)
    measure, spec = item.measure, item.target
    own_area = item.area or facts.partnership.area
    baseline = figures.baseline
    earlier = figures.year_earlier if a.result is not None else None
    return MeasureEntry(
        code=measure.code,
        title=measure.title,
        priority=item.priority,
        unit=measure.unit,
        polarity=measure.polarity,
        public=item.public,
        area=AreaRef(own_area, facts.areas[own_area].name),
        target=TargetEntry(
            spec.rule,
            a.target_text,
            spec.baseline_period,
            baseline.value if baseline else None,
            _real(baseline.numerator) if baseline else None,
            spec.target,
            spec.target_period,
            spec.tolerance,
        ),
        figure=_figure(a.result, a.ci),
        rating=RatingEntry(a.rating.status, a.rating.label, a.rating.reason),
        comparators=tuple(_comparator(c, facts, a.result) for c in a.comparators),
        direction=a.direction,
        previous=Previous(earlier.period, earlier.value, _real(earlier.numerator))
        if earlier
        else None,
        trend=_trend(facts.results.get((measure.code, own_area), {}), a.result),
        definition=measure.definition,
        owner=measure.owner,
        measure_source=measure.source,
        decimals=measure.decimals,
        suppress_below=measure.suppress_below,
        design_effect=a.result.design_effect if a.result else None,
        effective_base=effective_base(a.result.denominator, a.result.design_effect)
        if a.result
        else None,
    )


def _groups(partnership: Partnership, codes: Sequence[str]) -> tuple[PriorityGroup, ...]:
    numbers = {p.number for p in partnership.priorities}
    by_priority = {
        p.number: tuple(
            m.measure.code
            for m in partnership.measures
            if m.priority == p.number and m.measure.code in codes
        )
        for p in partnership.priorities
    }
    groups = [
        PriorityGroup(p.number, p.title, by_priority[p.number]) for p in partnership.priorities
    ]
    rest = tuple(
        m.measure.code
        for m in partnership.measures
        if m.priority not in numbers and m.measure.code in codes
    )
    if rest:
        groups.append(PriorityGroup(None, OTHER_MEASURES, rest))
    return tuple(groups)


def build(facts: ReportFacts) -> PartnershipReport:
    """The members' report: every measure rated, compared and marked (PRODUCT.md sections 2-3)."""
    partnership = facts.partnership
    entries = tuple(_entry(item, facts) for item in partnership.measures)
    report = PartnershipReport(
        schema=REPORT_SCHEMA,
        audience="member",
        slug=partnership.slug,
        name=partnership.name,
        area=AreaRef(partnership.area, facts.areas[partnership.area].name),
        comparators=tuple(AreaRef(c, facts.areas[c].name) for c in partnership.comparators),
        point=facts.point,
        groups=_groups(partnership, [e.code for e in entries]),
        measures=entries,
        actions=tuple(facts.actions),
        projects=tuple(facts.projects),
        commentary=tuple(facts.commentary),
        live=True,
    )
    return replace(
        report,
        measures=tuple(replace(e, withheld_from_public=_withholds(e)) for e in report.measures),
    )


# --- the public report: public measures, small counts withheld ---------------------------------


def withheld_reason(threshold: int) -> str:
    return f"Fewer than {threshold} cases: withheld to protect the people involved"


def is_below(
    value: float | None, numerator: float | None, unit: Unit, threshold: int | None
) -> bool:
    """Whether disclosure control withholds this figure: its numerator (a count's value) is
    below the measure's threshold (PRODUCT.md section 2)."""
    if threshold is None or value is None:
        return False
    count = value if unit is Unit.COUNT else numerator
    return count is not None and count < threshold


def _figure_below(figure: Figure | None, entry: MeasureEntry) -> bool:
    return figure is not None and is_below(
        figure.value, figure.numerator, entry.unit, entry.suppress_below
    )


def _withholds(entry: MeasureEntry) -> bool:
    return _figure_below(entry.figure, entry)


def _blank(figure: Figure) -> Figure:
    return replace(
        figure, value=None, numerator=None, denominator=None, ci_low=None, ci_high=None, note=""
    )


def _suppressed(entry: MeasureEntry) -> MeasureEntry:
    """The entry as the public may see it: every figure below the threshold withheld."""
    t = entry.suppress_below
    if t is None:
        return entry
    below = functools.partial(is_below, unit=entry.unit, threshold=t)
    trend = tuple(
        replace(p, value=None, numerator=None) if below(p.value, p.numerator) else p
        for p in entry.trend
    )
    comparators = tuple(
        replace(c, figure=None, comparison=Comparison.NOT_COMPARED)
        if _figure_below(c.figure, entry)
        else c
        for c in entry.comparators
    )
    previous = entry.previous
    direction = entry.direction
    if previous is not None and below(previous.value, previous.numerator):
        previous, direction = None, Direction.NOT_COMPARED
    target = entry.target
    rating = entry.rating
    if below(target.baseline_value, target.baseline_numerator):
        target = replace(target, baseline_value=None, baseline_numerator=None)
        rating = replace(rating, reason=f"Rated against a baseline figure: {withheld_reason(t)}")
    revised = entry.revised
    if revised is not None and below(revised.was, None):
        revised = replace(revised, was=None)
    entry = replace(
        entry,
        trend=trend,
        comparators=comparators,
        previous=previous,
        direction=direction,
        target=target,
        rating=rating,
        revised=revised,
    )
    if not _withholds(entry) or entry.figure is None:
        return entry
    return replace(
        entry,
        figure=_blank(entry.figure),
        rating=RatingEntry(
            RatingStatus.NO_DATA, STATUS_LABELS[RatingStatus.NO_DATA], withheld_reason(t)
        ),
        comparators=tuple(replace(c, comparison=Comparison.NOT_COMPARED) for c in comparators),
        direction=Direction.NOT_COMPARED,
        previous=None,
        effective_base=None,
        trend=tuple(
            replace(p, value=None, numerator=None) if p.period == entry.figure.period else p
            for p in trend
        ),
        suppressed=True,
    )


def _public_entry(entry: MeasureEntry) -> MeasureEntry:
    withheld = _suppressed(entry)
    return replace(
        withheld,
        withheld_from_public=False,
        changed=None,
        # The public sees "no figure": whose figure is not yet published is members' business
        comparators=tuple(replace(c, unavailable="") for c in withheld.comparators),
    )


def public_view(report: PartnershipReport) -> PartnershipReport:
    """The public report made from the members' one: public measures, small counts withheld."""
    entries = tuple(_public_entry(e) for e in report.measures if e.public)
    codes = {e.code for e in entries}
    groups = tuple(replace(g, codes=tuple(c for c in g.codes if c in codes)) for g in report.groups)
    return replace(
        report,
        audience="public",
        live=False,
        measures=entries,
        groups=tuple(g for g in groups if g.codes or g.number is not None),
        commentary=tuple(c for c in report.commentary if c.measure_code in codes),
    )


# --- versions: revised and changed marks --------------------------------------------------------


def _differs(a: MeasureEntry, b: MeasureEntry) -> bool:
    value_a = a.figure.value if a.figure else None
    value_b = b.figure.value if b.figure else None
    return value_a != value_b or a.rating.status != b.rating.status


def mark_revised(
    report: PartnershipReport, earlier: PartnershipReport | None, version: int, at: datetime
) -> PartnershipReport:
    """Mark each figure or rating that differs from the previous version's (`earlier`)."""
    if earlier is None:
        return report
    marked = []
    for entry in report.measures:
        before = earlier.measure(entry.code)
        if before is not None and _differs(entry, before):
            was = before.figure.value if before.figure else None
            entry = replace(entry, revised=Revised(was, before.rating.status, version, at))
        elif before is not None:
            entry = replace(entry, revised=before.revised)
        marked.append(entry)
    return replace(report, measures=tuple(marked))


def _uses(entry: MeasureEntry) -> tuple:
    """Everything a figure's rating rests on, for "changed since publication"."""
    return (
        entry.figure.value if entry.figure else None,
        entry.figure.period if entry.figure else None,
        entry.rating,
        entry.target,
        entry.design_effect,
        tuple((c.area.code, c.figure.value if c.figure else None) for c in entry.comparators),
    )


def mark_changed(live: PartnershipReport, published: PartnershipReport) -> PartnershipReport:
    """Members' live report with each figure that differs from the latest version's marked."""
    marked = []
    for entry in live.measures:
        before = published.measure(entry.code)
        if before is None or _uses(entry) != _uses(before):
            entry = replace(
                entry,
                changed=Changed(
                    before.figure.value if before and before.figure else None,
                    before.rating.status if before else RatingStatus.NO_DATA,
                ),
            )
        marked.append(entry)
    return replace(live, measures=tuple(marked))


def edits_since(live: PartnershipReport, published: PartnershipReport) -> list[str]:
    """What differs from the published version, in words, for the member's list."""
    found = [f"{e.title}: {e.rating.label}" for e in live.measures if e.changed is not None]
    for name in ("commentary", "actions", "projects"):
        if getattr(live, name) != getattr(published, name):
            found.append(
                {
                    "commentary": "Commentary edited",
                    "actions": "Action plan edited",
                    "projects": "Funded projects edited",
                }[name]
            )
    return found


# --- stored form ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def to_document(report: PartnershipReport) -> dict[str, Any]:
    """The report as JSON-ready data, without the publication it is read as."""
    document = dataclasses.asdict(replace(report, publication=None))
    document.pop("publication")
    document.pop("live")
    return document


def to_json(report: PartnershipReport) -> str:
    return json.dumps(to_document(report), default=_plain, sort_keys=True, separators=(",", ":"))


def digest(report: PartnershipReport) -> str:
    """Equal for reports that say the same (marks aside): no new version when nothing differs."""
    unmarked = tuple(replace(m, revised=None, changed=None) for m in report.measures)
    return hashlib.sha256(to_json(replace(report, measures=unmarked)).encode()).hexdigest()


def _upgrade_1_to_2(document: dict[str, Any]) -> dict[str, Any]:
    # Schema 1 had no disclosure control: every measure is unsuppressed, nothing withheld
    for entry in document["measures"]:
        entry.setdefault("suppress_below", None)
        entry.setdefault("suppressed", False)
        entry.setdefault("withheld_from_public", False)
    return {**document, "schema": 2}


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _upgrade_1_to_2}
"""Each older schema's step to the next; a stored version is upgraded step by step."""


def upgrade_document(document: dict[str, Any]) -> dict[str, Any]:
    schema = document.get("schema")
    if not isinstance(schema, int) or schema < 1:
        raise ReportSchemaError("A stored report has no schema number: it cannot be read.")
    if schema > REPORT_SCHEMA:
        raise ReportSchemaError(
            f"A stored report has schema {schema}, newer than this version of the dashboard "
            f"reads ({REPORT_SCHEMA}): upgrade the dashboard before reading it."
        )
    while document["schema"] < REPORT_SCHEMA:
        document = UPGRADES[document["schema"]](document)
    return document


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


Decoder = Callable[[Any], Any]


def _keep(value: Any) -> Any:
    return value


def _real_or_none(value: Any) -> Any:
    return None if value is None else float(value)


@functools.cache
def _decoder(kind: Any) -> Decoder:
    """A function reading one stored value of `kind`, made once per type: reading a version
    back is on every public request, so nothing is looked up per value."""
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        inner = _decoder(next(a for a in typing.get_args(kind) if a is not type(None)))
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        item = _decoder(typing.get_args(kind)[0])
        return lambda value: tuple(map(item, value))
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        parts = [(f.name, _decoder(hints[f.name])) for f in fields(kind)]
        return lambda value: kind(
            **{name: read(value[name]) for name, read in parts if name in value}
        )
    if kind is datetime:
        return datetime.fromisoformat
    if kind is date:
        return date.fromisoformat
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if kind is float:
        return _real_or_none
    return _keep


def from_document(document: Mapping[str, Any]) -> PartnershipReport:
    """A stored report read back; older schemas upgraded, newer ones refused."""
    return _decoder(PartnershipReport)(upgrade_document(dict(document)))


def from_json(text: str) -> PartnershipReport:
    return from_document(json.loads(text))
