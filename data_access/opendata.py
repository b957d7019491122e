"""The open data download: public measures, results up to each partnership's latest published point.

Always public-only, whoever asks: no audience parameter exists here to get wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dashboard.assessment import assess
from dashboard.audience import PUBLIC
from dashboard.exports import OPEN_DATA_COLUMNS, safe_row
from dashboard.model import Partnership, Result
from dashboard.periods import Period, parse_period, year_earlier
from dashboard.reporting import ComparatorResult, MeasureFigures
from data_access import versions
from data_access.cache import cache
from data_access.results import (
    NotVisible,
    _areas,
    _partnerships,
    _results_up_to,
    latest_public_points,
    visible_partnership,
)


def open_data_rows(slug: str | None = None, period: str | None = None) -> list[dict[str, Any]]:
    """Rows for the CSV/JSON downloads; `period` is an exact result period (any spelling)."""
    label = parse_period(period).label if period else None
    version = versions.current()
    if slug is not None and slug not in _partnerships(version):
        raise NotVisible(f"No partnership '{slug}'.")
    return _rows(slug, label, version)


@cache.memoize()
def _rows(slug: str | None, label: str | None, version: int) -> list[dict[str, Any]]:
    horizons = latest_public_points()
    rows: list[dict[str, Any]] = []
    for partnership in _partnerships(version).values():
        if (slug and partnership.slug != slug) or partnership.slug not in horizons:
            continue
        rows.extend(
            _partnership_rows(
                visible_partnership(partnership.slug, PUBLIC, version),
                horizons[partnership.slug].end,
                label,
                version,
            )
        )
    return rows


def _partnership_rows(
    partnership: Partnership, horizon: object, label: str | None, version: int
) -> list[dict[str, Any]]:
    areas = _areas(version)
    codes = [m.measure.code for m in partnership.measures]
    results = _results_up_to(codes, (partnership.area, *partnership.comparators), horizon)
    rows = []
    for item in partnership.measures:
        own = results.get((item.measure.code, partnership.area), {})
        for result in sorted(own.values(), key=lambda r: r.period_end):
            if label and result.period != label:
                continue
            comparators = tuple(
                ComparatorResult(
                    areas[c], results.get((item.measure.code, c), {}).get(result.period)
                )
                for c in partnership.comparators
            )
            period = Period(result.period, result.period_start, result.period_end)
            baseline_label = item.target.baseline_period
            figures = MeasureFigures(
                item,
                result,
                comparators,
                own.get(year_earlier(period).label),
                own.get(baseline_label) if baseline_label else None,
            )
            assessment = assess(figures, result.period_end)
            rows.append(
                _row(
                    partnership.slug,
                    item,
                    result,
                    areas,
                    assessment.ci,
                    str(assessment.rating.status),
                )
            )
            for comparator in assessment.comparators:
                if comparator.result is not None:
                    rows.append(
                        _row(partnership.slug, item, comparator.result, areas, comparator.ci, "")
                    )
    return rows


def _row(
    slug: str, item: Any, result: Result, areas: dict, ci: Sequence[float] | None, status: str
) -> dict[str, Any]:
    return {
        "partnership": slug,
        "period": result.period,
        "period_start": result.period_start.isoformat(),
        "period_end": result.period_end.isoformat(),
        "measure_code": item.measure.code,
        "measure_title": item.measure.title,
        "unit": str(item.measure.unit),
        "area_code": result.area_code,
        "area_name": areas[result.area_code].name,
        "value": result.value,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "ci_low": ci[0] if ci else None,
        "ci_high": ci[1] if ci else None,
        "rating_status": status,
        "illustrative": result.illustrative,
        "note": result.note,
        "source": result.source,
    }


def json_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The JSON download: the same rows and keys, text made spreadsheet-safe as in the CSV."""
    return [safe_row({k: row[k] for k in OPEN_DATA_COLUMNS}) for row in rows]
