"""Open data rows and spreadsheet safety: no text cell may start a formula (INTERFACES.md s5)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dashboard.report import Figure, MeasureEntry, PartnershipReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

OPEN_DATA_COLUMNS = (
    "partnership",
    "period",
    "period_start",
    "period_end",
    "measure_code",
    "measure_title",
    "unit",
    "area_code",
    "area_name",
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "rating_status",
    "illustrative",
    "note",
    "source",
    "version",
    "published_at",
    "design_effect",
    "suppressed",
)


def neutralise(cell: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: neutralise(value) for key, value in row.items()}


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] = OPEN_DATA_COLUMNS) -> str:
    """CSV text with formulas neutralised; None becomes an empty cell."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in safe_row(row).items()})
    return buffer.getvalue()


def _row(
    report: PartnershipReport,
    entry: MeasureEntry,
    area: tuple[str, str],
    figure: Figure,
    rating_status: str,
) -> dict[str, Any]:
    publication = report.publication
    return {
        "partnership": report.slug,
        "period": figure.period,
        "period_start": figure.start.isoformat(),
        "period_end": figure.end.isoformat(),
        "measure_code": entry.code,
        "measure_title": entry.title,
        "unit": str(entry.unit),
        "area_code": area[0],
        "area_name": area[1],
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "ci_low": figure.ci_low,
        "ci_high": figure.ci_high,
        "rating_status": rating_status,
        "illustrative": figure.illustrative,
        "note": figure.note,
        "source": figure.source,
        "version": publication.version if publication else None,
        "published_at": publication.published_at.isoformat() if publication else None,
        "design_effect": figure.design_effect,  # each area's own: comparators' too
        "suppressed": entry.suppressed and rating_status != "",
    }


def report_rows(report: PartnershipReport) -> list[dict[str, Any]]:
    """A published public report as open data rows: each headline result with its rating,
    then each comparator's figure for the same period (rating empty)."""
    rows = []
    for entry in report.measures:
        if entry.figure is None:
            continue
        own = (entry.area.code, entry.area.name)
        rows.append(_row(report, entry, own, entry.figure, str(entry.rating.status)))
        for c in entry.comparators:
            if c.figure is not None:
                rows.append(_row(report, entry, (c.area.code, c.area.name), c.figure, ""))
    return rows
