"""What a partnership's report as at a reporting point is made of: plain records, no logic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard.model import Area, PartnershipMeasure, Result


@dataclass(frozen=True, slots=True)
class ReportingPoint:
    """A reporting point: the end of a period; provisional until published."""

    label: str
    start: date
    end: date
    published: bool


@dataclass(frozen=True, slots=True)
class ComparatorResult:
    area: Area
    result: Result | None


@dataclass(frozen=True, slots=True)
class MeasureFigures:
    """One measure's figures as at a point: the inputs to its rating and statistics."""

    item: PartnershipMeasure
    result: Result | None
    comparators: tuple[ComparatorResult, ...]
    year_earlier: Result | None
    baseline: Result | None
    revised_since_publication: bool = False
