"""The meeting pack as an Excel workbook (INTERFACES.md section 8): results with ratings and
comparators, commentary and sources, each sheet with a frozen header row. Numbers are typed
cells with a format per unit; every text cell is neutralised so no spreadsheet runs it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dashboard import wording
from dashboard.exports import neutralise
from dashboard.formatting import places
from dashboard.markdown_text import to_text
from dashboard.model import Unit
from dashboard.report import AreaRef, Figure, MeasureEntry, PartnershipReport
from pack.content import Pack, direction

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDEST = 60  # characters: a long reason wraps rather than making a column a screen wide


def number_format(unit: Unit, decimals: int | None) -> str:
    """Excel's format for a value of this unit at the measure's places: 45.2 shows "45.2%"
    (percentages are stored as 0–100, as everywhere else), money "£92,980"."""
    shown = places(unit, decimals)
    digits = "#,##0" + ("." + "0" * shown if shown else "")
    match unit:
        case Unit.PERCENTAGE:
            return digits + '"%"'
        case Unit.CURRENCY_GBP:
            return "£" + digits
        case _:
            return digits


def _figure_cells(figure: Figure | None) -> list[Any]:
    if figure is None:
        return [None, None, None]
    return [figure.value, figure.ci_low, figure.ci_high]


def _comparator_cells(entry: MeasureEntry, area: AreaRef) -> list[Any]:
    c = next((c for c in entry.comparators if c.area.code == area.code), None)
    if c is None:
        return [None, None, None, None]
    figure = c.figure if c.figure is not None and c.figure.value is not None else None
    compared = wording.COMPARISON_WORDS[c.comparison] if figure else c.unavailable or None
    return [*_figure_cells(figure), compared]


VALUE_COLUMNS = ("Value", "95% CI low", "95% CI high")


def _results_header(report: PartnershipReport) -> list[str]:
    header = [
        "Priority",
        "Measure code",
        "Measure",
        "Unit",
        "Period",
        "Area",
        *VALUE_COLUMNS,
        "Numerator",
        "Denominator",
        "Rating",
        "Reason",
        "Target",
        "Direction of travel",
        "Illustrative",
    ]
    for area in report.comparators:
        header += [f"{area.name}: {name.lower()}" for name in VALUE_COLUMNS]
        header.append(f"{area.name}: compared")
    return header


def _results_row(pack: Pack, heading: str, entry: MeasureEntry) -> tuple[list[Any], list[int]]:
    """The row, and the (0-based) columns holding values in the measure's unit."""
    figure = entry.figure
    row: list[Any] = [
        heading,
        entry.code,
        entry.title,
        wording.UNIT_WORDS[entry.unit],
        figure.period if figure else None,
        entry.area.name,
        *_figure_cells(figure),
        figure.numerator if figure else None,
        figure.denominator if figure else None,
        wording.status_label(entry.rating.status),
        entry.rating.reason,
        entry.target.text,
        direction(entry),
        "yes" if entry.illustrative else "no",
    ]
    valued = [6, 7, 8]
    for area in pack.report.comparators:
        valued += [len(row), len(row) + 1, len(row) + 2]
        row += _comparator_cells(entry, area)
    return row, valued


def _write(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    sheet.append([neutralise(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        longest = max([len(str(name)), *(len(str(r[index - 1] or "")) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, WIDEST)


def _results(sheet: Worksheet, pack: Pack) -> None:
    rows, formats = [], []
    for group, entries in pack.report.grouped():
        heading = group.title if group.number is None else f"{group.number}. {group.title}"
        for entry in entries:
            row, valued = _results_row(pack, heading, entry)
            rows.append(row)
            formats.append((valued, number_format(entry.unit, entry.decimals)))
    _write(sheet, _results_header(pack.report), rows)
    for offset, (valued, shown) in enumerate(formats, start=2):
        for column in valued:
            sheet.cell(row=offset, column=column + 1).number_format = shown


def _commentary(sheet: Worksheet, pack: Pack) -> None:
    report = pack.report
    rows = [
        [e.code, e.title, c.period, c.author, c.created_at.replace(tzinfo=None), to_text(c.text)]
        for e in report.entries()
        for c in report.commentary_for(e.code)
    ]
    _write(sheet, ["Measure code", "Measure", "Period", "Author", "Written", "Commentary"], rows)
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].number_format = "d mmmm yyyy"


def _sources(sheet: Worksheet, pack: Pack) -> None:
    rows = [[source, measures] for source, measures in pack.methods.sources]
    rows += [[f"{wording.ILLUSTRATIVE}: {name}", ""] for name in pack.methods.illustrative]
    _write(sheet, ["Source", "Measures it gives figures for"], rows)


def _about(sheet: Worksheet, pack: Pack) -> None:
    report = pack.report
    rows = [
        ["Partnership", report.name],
        ["Reporting point", report.point.label],
        ["As at", pack.as_at],
        ["Standing", pack.standing],
        ["Licence", wording.LICENCE_LINE],
    ]
    if pack.illustrative_note:
        rows.append(["Illustrative figures", pack.illustrative_note])
    _write(sheet, ["About this workbook", ""], rows)


def workbook_bytes(pack: Pack) -> bytes:
    """The .xlsx file: Results, Commentary, Sources, and About (the point and its standing)."""
    book = Workbook()
    results = book.active
    assert results is not None
    results.title = "Results"
    _results(results, pack)
    _commentary(book.create_sheet("Commentary"), pack)
    _sources(book.create_sheet("Sources"), pack)
    _about(book.create_sheet("About"), pack)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
