"""Open data rows and spreadsheet safety: no text cell may start a formula (INTERFACES.md s5)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

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
