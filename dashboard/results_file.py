"""Reading and checking a results file (INTERFACES.md section 3) before anything is saved.

Two kinds of failure, kept apart so an editor sees each the right way:

- the file as a whole cannot be read (empty, not UTF-8, not really a CSV or workbook, a header
  without a required column, no rows, a cell too long for the csv module, beyond a size limit):
  `ResultsFileError`, one message saying why and what to do;
- some rows are wrong: a `Problem` per bad cell, `line N: column: reason`, for every bad row.
  A problem with the row as a whole (a duplicate, stray cells) uses the column name `row`.

Files are read a row at a time and each row is checked as it is read, so only the checked rows
are kept. The size limits (MAX_ROWS rows; a workbook unpacking to MAX_UNPACKED_BYTES, checked
from its zip directory before anything is unpacked) keep the largest file accepted well under
1 GB of memory (README, Benchmarks).

A row whose value is `DELETE` (any case) asks for that result to be removed: it names a valid
measure, period and area and gives no numerator or denominator. Whether there is a result to
remove is for the loader to say.

Nothing here touches a database: the caller passes the measures and areas it knows.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import gc
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from math import isinf
from pathlib import PurePath
from typing import BinaryIO

from dashboard.model import Unit
from dashboard.periods import ACCEPTED_FORMS, Period, PeriodLabelError, parse_period

REQUIRED_COLUMNS = ("measure_code", "period", "area_code")
OPTIONAL_COLUMNS = ("value", "numerator", "denominator", "note", "source", "design_effect")
MAX_TEXT = 2000
# Limits that keep the largest file the importer accepts well under 1 GB of memory (README,
# Benchmarks). A file beyond one is refused whole, before its rows are checked or kept.
MAX_ROWS = 1_000_000  # rows of results in one file
MAX_UNPACKED_BYTES = 200 * 2**20  # a workbook's parts together, unpacked
MAX_XLSX_PART_BYTES = 20 * 2**20  # one part other than a worksheet: openpyxl reads those whole
MAX_XLSX_PARTS = 1_000  # parts in a workbook (Excel writes a dozen or so)
EXCEL_ROWS = 1_048_576  # the last row of an Excel worksheet
MAX_PROBLEMS = 100_000  # problems listed; any more are counted (ParsedFile.unlisted)
RELATIVE_TOLERANCE = 0.01  # a published value may differ from numerator/denominator by 1%
DESIGN_EFFECT_RANGE = (1.0, 10.0)  # a survey's design effect (INTERFACES.md section 3)
WEIGHTED_HELP = (
    "for a weighted survey percentage give the value and the base (denominator) only, "
    "with no numerator"
)
# The largest figures accepted: far above any real one (the UK's population is under 10**8,
# budgets in pounds under 10**12), and far below what the database stores (2**63 - 1).
MAX_COUNT = 10**12  # a numerator or denominator
MAX_VALUE = 10**12  # a value, in the measure's unit

# Key under which read_table keeps CSV cells beyond the header's last column; a header name is
# stripped, so it can never be this.
EXTRA_CELLS = " extra cells"

HEADER_HELP = (
    "the first line must be a header naming measure_code, period, area_code and value "
    "(or numerator and denominator instead of value)"
)
SAVE_AS_HELP = "In Excel use File > Save As and choose 'CSV UTF-8 (Comma delimited)' or '.xlsx'."
DELETE = "DELETE"  # the value that removes a result (INTERFACES.md section 3)

# A number as people write it: thousands separated by commas or not, optional exponent.
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_PLAIN = re.compile(r"\d{1,15}(?:\.\d{0,15})?")  # the usual value; short enough to be finite
_WHOLE = re.compile(r"\d{1,3}(?:,\d{3}){0,4}|\d{1,13}")  # under 10**13; longer: the slow way
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d{1,2}")
_DELIMITERS = (",", ";", "\t", "|")
_MAX_CODE = 64  # the longest measure or area code (the catalogue's columns)
_MAX_LABEL = 40  # longer than any spelling of a period
_MAX_SUGGESTIONS = 1_000  # unknown codes given a "did you mean" (difflib is slow)
_SHOWN = 60  # characters of a cell quoted in a message
_MAX_SHARED_TEXTS = 10_000  # distinct notes and sources a file's rows share
_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip file"),
    (b"\xd0\xcf\x11\xe0", "an old Excel 97-2003 workbook (.xls) or another Office file"),
    (b"%PDF", "a PDF document"),
    (b"{\\rtf", "a Word (RTF) document"),
)
_MULTIPLIERS = {unit: unit.multiplier for unit in Unit}  # the property builds a dict per call
_UNIT_WORDS = {
    Unit.RATE_PER_1000: "a rate per 1,000",
    Unit.RATE_PER_100000: "a rate per 100,000",
    Unit.PERCENTAGE: "a percentage",
    Unit.COUNT: "a count",
    Unit.CURRENCY_GBP: "an amount in pounds",
    Unit.RANK: "a rank",
    Unit.YEARS: "a number of years",
}


class ResultsFileError(ValueError):
    """The whole file cannot be read; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One checked row, ready to save: codes as the catalogue spells them, canonical period.

    A deletion (`value` DELETE in the file) has `delete` set and no value, numerator or
    denominator."""

    line: int
    measure_code: str
    period: Period
    area_code: str
    value: float | None
    numerator: int | None
    denominator: int | None
    note: str
    source: str
    delete: bool = False
    design_effect: float | None = None  # a weighted survey percentage's; None = 1


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """The checked rows and the problems found: the first MAX_PROBLEMS of them listed, and how
    many more there were (a file of junk would otherwise take gigabytes to report)."""

    rows: tuple[ResultRow, ...]
    problems: tuple[Problem, ...]
    unlisted: int = 0  # problems found beyond the first MAX_PROBLEMS

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unlisted


class _CellError(ValueError):
    """One cell's reason; validate adds the line and column."""


Record = tuple[int, Mapping[str, str]]
Content = bytes | BinaryIO  # a file's bytes, or the file opened for reading in binary


# --- reading ---------------------------------------------------------------------------------


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cycle collector while a file's rows pile up.

    Every row adds objects that live until the end, and each full collection walks all of them:
    a third of the time for 100,000 rows. Reference counting still frees memory meanwhile. The
    collector is switched back on only by whoever switched it off, so threads that overlap, or
    an application that keeps it off, are left as they were.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_table(filename: str, content: Content) -> list[tuple[int, dict[str, str]]]:
    """(line number, lower-cased header -> cell text) per non-blank row after the header."""
    with _collector_paused():
        return list(iter_table(filename, content))


def iter_table(filename: str, content: Content) -> Iterator[tuple[int, dict[str, str]]]:
    """read_table's rows one at a time, as they are read: a large file is never held as rows.

    `content` is the file's bytes, or the file itself opened for reading in binary (seekable):
    then it is read as it goes, never held whole. ResultsFileError as soon as the file shows it
    cannot be read (it may come after rows)."""
    suffix = PurePath(filename).suffix.lower()
    source = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    if suffix == ".csv":
        return _records(_csv_lines(source), extra_cells_are_a_problem=True)
    if suffix == ".xlsx":
        # Cells to the right of the header in a workbook are an officer's side notes.
        return _records(_xlsx_lines(source), extra_cells_are_a_problem=False)
    raise ResultsFileError(
        f"'{PurePath(filename).name}' is not a .csv or .xlsx file. {SAVE_AS_HELP}"
    )


def _records(
    lines: Iterator[tuple[int, list[str]]], extra_cells_are_a_problem: bool
) -> Iterator[tuple[int, dict[str, str]]]:
    """In a CSV, cells beyond the header are usually a note whose commas were not quoted."""
    with contextlib.closing(lines):  # the reader lets go of the file as soon as this stops
        yield from _records_of(lines, extra_cells_are_a_problem)


def _records_of(
    lines: Iterator[tuple[int, list[str]]], extra_cells_are_a_problem: bool
) -> Iterator[tuple[int, dict[str, str]]]:
    header: list[str] = []
    header_line = width = count = 0
    try:
        for number, cells in lines:
            if not "".join(cells).strip():
                continue  # a blank line, or a row of empty cells as spreadsheets export them
            if not header:
                header_line, header, width = number, _header(number, cells), len(cells)
                continue
            count += 1
            if count > MAX_ROWS:
                raise ResultsFileError(
                    f"line {number}: the file has more than {MAX_ROWS:,} rows of results, the "
                    f"most one file may have: split it into files of up to {MAX_ROWS:,} rows."
                )
            record = dict(zip(header, cells, strict=False))
            record.pop("", None)  # cells under a blank header name
            if extra_cells_are_a_problem and len(cells) > width and "".join(cells[width:]).strip():
                record[EXTRA_CELLS] = str(sum(1 for cell in cells[width:] if cell.strip()))
            yield number, record
    except _CellTooLong as error:
        raise ResultsFileError(error.message(header)) from error
    if not header:
        raise ResultsFileError(f"the file is empty: {HEADER_HELP}.")
    if not count:
        raise ResultsFileError(f"line {header_line}: the file has a header but no rows of results.")


def _header(line: int, cells: list[str]) -> list[str]:
    """Header names lower-cased, 'Measure Code' read as measure_code; blanks kept as ''."""
    names = ["_".join(cell.lower().split()) for cell in cells]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise ResultsFileError(
                f"line {line}: the header names the column '{name}' twice: keep one of them."
            )
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if "value" not in seen and not {"numerator", "denominator"} <= seen:
        missing.append("value")
    if missing:
        found = ", ".join(name for name in names if name) or "nothing"
        hint = ""
        if len([name for name in names if name]) == 1:
            hint = " Separate the column names with commas."
        raise ResultsFileError(
            f"line {line}: the header has no {_and_list(missing)} column: {HEADER_HELP}; "
            f"it has {found}.{hint}"
        )
    return names


def _csv_lines(source: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV file as the csv module splits them, numbered by their first line.

    The text is decoded as it is read, a buffer at a time, so it is never held whole."""
    _check_text(_head(source))
    stream = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        text_lines = _text_lines(stream)
        head: list[str] = []  # the lines up to the first that is not blank
        for line in text_lines:
            head.append(line)
            if line.strip():
                break
        first_line = head[-1] if head else ""
        skipped = 0  # lines before the first one the csv reader sees
        lines: Iterable[str] = itertools.chain(head, text_lines)
        if first_line.startswith("sep=") and len(first_line.strip()) == 5:  # Excel's own hint
            delimiter = first_line[4]
            skipped, lines = len(head), text_lines
        else:
            # Excel in much of Europe saves with semicolons; tab-separated text is also common.
            delimiter = max(_DELIMITERS, key=first_line.count)
            if first_line.count(delimiter) == 0:
                delimiter = ","
        # strict: an unclosed quote must not quietly swallow the rest of the file into one cell
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        start = skipped + 1  # a quoted cell may span lines: a row is numbered by its first line
        try:
            for cells in reader:
                yield start, cells
                start = skipped + reader.line_num + 1
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise _long_cell(source, start, delimiter) from error
            raise ResultsFileError(f"line {start}: {_quote_problem(str(error))}") from error
    except UnicodeDecodeError:
        source.seek(0)
        _decode(source.read())  # raises ResultsFileError naming the line of the first bad byte
        raise  # not reached: the whole file fails to decode where a part of it did
    finally:
        if not stream.closed:  # closed: collected with the file, after the caller dropped both
            stream.detach()  # leave the caller's file open


def _text_lines(stream: io.TextIOWrapper) -> Iterator[str]:
    """The lines of the text, refusing one with a NUL: binary data, not CSV text."""
    for number, line in enumerate(stream, start=1):
        if "\x00" in line:
            raise ResultsFileError(
                f"line {number}: the file is named .csv but holds binary data (a NUL byte), not "
                f"CSV text. {SAVE_AS_HELP}"
            )
        yield line


def _head(source: BinaryIO, size: int = 4096) -> bytes:
    """The first bytes of the file, leaving it at its start."""
    source.seek(0)
    head = source.read(size)
    source.seek(0)
    return head


def _quote_problem(message: str) -> str:
    if "unexpected end of data" in message:
        return (
            'a quote (") opened in this row is never closed, so the rest of the file would run '
            "into one cell: close the quote or remove it."
        )
    if "expected after" in message:
        return (
            "a cell starts with a quote but goes on after the closing quote: put the whole cell "
            'in quotes and double any quote inside it ("").'
        )
    return f"the file cannot be read as CSV ({message}): check the quotes in this row."


class _CellTooLong(ResultsFileError):
    """A CSV cell longer than the csv module reads (131,072 characters unless set otherwise);
    _records names its column once the header is known."""

    def __init__(self, line: int, index: int | None, unclosed_quote: bool) -> None:
        super().__init__(f"line {line}: a cell is too long")
        self.line, self.index, self.unclosed_quote = line, index, unclosed_quote

    def message(self, header: list[str]) -> str:
        limit = f"{csv.field_size_limit():,}"
        column = "row"
        if self.index is not None:
            named = header[self.index] if self.index < len(header) else ""
            column = named or f"column {self.index + 1}"
        if self.unclosed_quote:
            reason = (
                f"the cell runs on over several lines for more than {limit} characters: a quote "
                '(") opened in it is probably never closed, so the rest of the file runs into '
                "it: close the quote or remove it."
            )
        else:
            reason = f"the cell has more than {limit} characters, more than a cell may hold"
            if column in ("note", "source"):
                reason += f" (a {column} may have up to {MAX_TEXT:,})"
            reason += ": shorten it."
        return f"line {self.line}: {column}: {reason}"


def _long_cell(source: BinaryIO, line: int, delimiter: str) -> _CellTooLong:
    """Which cell of the row starting at `line` the csv module found too long, found by reading
    that row again as the csv module does (strict, a quote doubled inside a quoted cell)."""
    limit = csv.field_size_limit()
    source.seek(0)
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        index = length = 0
        state = "start"  # start | plain | quoted | quote (a quote seen inside a quoted cell)
        spans_lines = False
        for row_line in itertools.islice(text, line - 1, None):
            for char in row_line:
                if state == "quoted":
                    if char == '"':
                        state = "quote"
                        continue
                    spans_lines = spans_lines or char in "\r\n"
                elif char == delimiter:
                    index, length, state, spans_lines = index + 1, 0, "start", False
                    continue
                elif char in "\r\n":
                    return _CellTooLong(line, None, False)  # the row ended: not found
                elif char == '"' and state in ("start", "quote"):
                    opening = state == "start"  # else a quote doubled inside a quoted cell
                    state = "quoted"
                    if opening:
                        continue
                else:
                    state = "plain"
                length += 1
                if length > limit:
                    return _CellTooLong(line, index, state == "quoted" and spans_lines)
        return _CellTooLong(line, None, False)
    finally:
        text.detach()


def _check_text(content: bytes) -> None:
    """ResultsFileError if the bytes (all, or the first few thousand) are plainly not CSV text:
    UTF-16, a known binary format, NUL bytes. Whether they are UTF-8 shows as they are
    decoded."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ResultsFileError(
            "the file is UTF-16 text (Excel's 'Unicode Text'), not CSV UTF-8. " + SAVE_AS_HELP
        )
    for signature, looks_like in _SIGNATURES:
        if content.startswith(signature):
            raise ResultsFileError(
                f"the file is named .csv but looks like {looks_like}, not CSV text. {SAVE_AS_HELP}"
            )
    if b"\x00" in content:
        line = content[: content.index(b"\x00")].count(b"\n") + 1
        raise ResultsFileError(
            f"line {line}: the file is named .csv but holds binary data (a NUL byte), not CSV "
            f"text. {SAVE_AS_HELP}"
        )


def _decode(content: bytes) -> str:
    _check_text(content)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        byte = content[error.start]
        raise ResultsFileError(
            f"line {line}: the file is not UTF-8 text (byte 0x{byte:02X} cannot be read): "
            "save it as 'CSV UTF-8 (Comma delimited)' from Excel, or as UTF-8 from your editor."
        ) from error


def _xlsx_lines(source: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows, streamed by openpyxl's read-only mode after the workbook's
    unpacked size is checked: only its shared strings and styles are read whole."""
    import openpyxl  # here, so reading a CSV never pays for importing openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    head = _head(source)
    if not head.startswith(b"PK"):
        looks_like = next((what for sig, what in _SIGNATURES if head.startswith(sig)), None)
        if looks_like is None:
            looks_like = "text (a CSV file?)" if _is_text(head) else "something else"
        raise ResultsFileError(
            f"the file is named .xlsx but looks like {looks_like}, not an Excel workbook. "
            + SAVE_AS_HELP
        )
    try:
        _check_unpacked_size(source)
        source.seek(0)
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # trust the cells, not the size the writing program claimed
            width = None  # the header's: cells to its right are side notes, never converted
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > EXCEL_ROWS:
                    raise ResultsFileError(
                        f"line {number}: the worksheet goes on beyond row {EXCEL_ROWS:,}, the "
                        f"last row Excel has, so it was not saved by Excel. {SAVE_AS_HELP}"
                    )
                cells = [_cell_text(value) for value in row[:width]]
                if width is None and "".join(cells).strip():
                    width = len(cells)
                yield number, cells
        finally:
            workbook.close()
    except ResultsFileError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        SyntaxError,  # xml.etree's ParseError: a damaged part
        EOFError,
        zlib.error,
    ) as error:
        raise ResultsFileError(
            "the file cannot be read as an Excel workbook (.xlsx): it may be damaged. Open it in "
            "Excel and save it again. " + SAVE_AS_HELP
        ) from error


def _check_unpacked_size(source: BinaryIO) -> None:
    """Refuse a workbook that unpacks to more than the limits, before anything is unpacked.

    The sizes are the zip directory's: zipfile stops a part at its stated size (and then fails
    its checksum), so a part cannot unpack to more than it claims."""
    parts = _zip_entries(source)
    if parts is not None and parts > MAX_XLSX_PARTS:
        raise ResultsFileError(
            f"the workbook has {parts:,} parts, more than the {MAX_XLSX_PARTS:,} a results "
            f"workbook may have. {SAVE_AS_HELP}"
        )
    source.seek(0)
    with zipfile.ZipFile(source) as archive:
        infos = archive.infolist()
    if len(infos) > MAX_XLSX_PARTS:
        raise ResultsFileError(
            f"the workbook has {len(infos):,} parts, more than the {MAX_XLSX_PARTS:,} a results "
            f"workbook may have. {SAVE_AS_HELP}"
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        raise ResultsFileError(
            f"the workbook unpacks to {_megabytes(total)}, more than the limit of "
            f"{_megabytes(MAX_UNPACKED_BYTES)} for a results file: split it into smaller "
            "files, or save it as CSV. " + SAVE_AS_HELP
        )
    for info in infos:
        if not info.filename.startswith("xl/worksheets/") and info.file_size > MAX_XLSX_PART_BYTES:
            raise ResultsFileError(
                f"the workbook's part {info.filename} unpacks to {_megabytes(info.file_size)}, "
                f"more than the limit of {_megabytes(MAX_XLSX_PART_BYTES)} for a part other "
                "than a worksheet (shared text, styles): copy the results alone into a new "
                "workbook, or save them as CSV. " + SAVE_AS_HELP
            )


def _zip_entries(source: BinaryIO) -> int | None:
    """The number of parts a zip file's end record states, read before zipfile reads the
    directory (a ZipInfo per part: millions of tiny parts would take gigabytes); None if the
    record is not found, when zipfile will say the file is damaged."""
    size = source.seek(0, io.SEEK_END)
    start = max(0, size - 22 - 0xFFFF)  # the end record, after at most a 64 KB comment
    source.seek(start)
    tail = source.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    (entries,) = struct.unpack_from("<H", tail, at + 10)
    if entries != 0xFFFF:
        return entries
    locator = at - 20  # zip64: the locator just before the end record points to the real count
    if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
        return None
    (offset,) = struct.unpack_from("<Q", tail, locator + 8)
    source.seek(offset)
    record = source.read(40)
    if len(record) < 40 or record[:4] != b"PK\x06\x06":
        return None
    return struct.unpack_from("<Q", record, 32)[0]


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 10 * 2**20 else f"{size / 2**20:,.1f} MB"


def _is_text(content: bytes) -> bool:
    """Whether the first 4 KB read as UTF-8 text."""
    try:
        content[:4096].decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start > 4090  # a character cut at the end of the sample
    return b"\x00" not in content[:4096]


def _cell_text(value: object) -> str:
    """A workbook cell as the text a person sees: 2019.0 is '2019', 61.2 stays '61.2'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# --- checking --------------------------------------------------------------------------------


def parse_results_file(
    filename: str,
    content: Content,
    units: Mapping[str, Unit],
    areas: Collection[str],
    today: date,
) -> ParsedFile:
    """Read and check a .csv or .xlsx results file; ResultsFileError if it cannot be read at all.

    Rows are checked as they are read: only the checked rows are kept, never the file's cells."""
    with _collector_paused():
        return validate(iter_table(filename, content), units, areas, today)


def validate(
    records: Iterable[Record],
    units: Mapping[str, Unit],
    areas: Collection[str],
    today: date,
) -> ParsedFile:
    """Every row checked against the catalogue; all problems of all rows, in line order."""
    with _collector_paused():
        return _validate(records, units, areas, today)


def _validate(
    records: Iterable[Record], units: Mapping[str, Unit], areas: Collection[str], today: date
) -> ParsedFile:
    checker = _Checker(units, _Codes(areas), today)
    rows: list[ResultRow] = []
    for line, record in records:
        row = checker.check(line, record)
        if row is not None:
            rows.append(row)
    return ParsedFile(tuple(rows), tuple(checker.problems), checker.found - len(checker.problems))


class _Codes:
    """Known codes, matched exactly or ignoring case, with a suggestion for a near miss."""

    def __init__(self, codes: Collection[str]) -> None:
        # each code to itself: a row keeps the catalogue's string, not a copy from its cell
        self.exact = {code: code for code in codes}
        folded: dict[str, str | None] = {}
        for code in self.exact:
            key = code.casefold()
            folded[key] = None if key in folded else code  # None: two codes differ only by case
        self.folded = folded
        self.suggestions: dict[str, str] = {}

    def find(self, text: str) -> str | None:
        code = self.exact.get(text)
        return code if code is not None else self.folded.get(text.casefold())

    def suggestion(self, text: str) -> str:
        if len(self.suggestions) >= _MAX_SUGGESTIONS or len(text) > _MAX_CODE:
            return self.suggestions.get(text, "")  # a file of junk: no time spent guessing
        if text not in self.suggestions:
            # GSS codes all look alike: below 0.8, E07000081 would "suggest" K04000001.
            close = difflib.get_close_matches(text, self.exact, n=1, cutoff=0.8)
            self.suggestions[text] = f" (did you mean {close[0]}?)" if close else ""
        return self.suggestions[text]


class _Checker:
    """Checks one row at a time, remembering the rows seen so far to find duplicates."""

    def __init__(self, units: Mapping[str, Unit], areas: _Codes, today: date) -> None:
        self.units = {code: Unit(unit) for code, unit in units.items()}  # accepts plain strings
        self.measures = _Codes(units.keys())
        self.areas = areas
        self.today = today
        self.problems: list[Problem] = []  # the first MAX_PROBLEMS
        self.found = 0  # problems found, listed or not
        # (measure, period label) -> area -> first line: no tuple kept per row
        self.first_line: dict[tuple[str, str], dict[str, int]] = {}
        self.texts: dict[str, str] = {}  # notes and sources seen: a row keeps a shared copy

    def check(self, line: int, record: Mapping[str, str]) -> ResultRow | None:
        get = record.get
        before = self.found
        measure = self.code(line, "measure_code", get("measure_code", ""), self.measures)
        area = self.code(line, "area_code", get("area_code", ""), self.areas)
        period = self.period(line, get("period", ""))
        value_text = get("value", "").strip()
        delete = len(value_text) == len(DELETE) and value_text.upper() == DELETE
        design_effect_text = get("design_effect", "").strip()
        design_effect = None
        if delete:
            figures = self.deletion(
                line,
                get("numerator", "").strip(),
                get("denominator", "").strip(),
                design_effect_text,
            )
        else:
            figures = self.figures(
                line,
                value_text,
                get("numerator", "").strip(),
                get("denominator", "").strip(),
                self.units.get(measure) if measure else None,
            )
            if design_effect_text:
                design_effect = self.design_effect(
                    line,
                    design_effect_text,
                    figures,
                    self.units.get(measure) if measure else None,
                )
        note = self.text(get("note", ""))
        source = self.text(get("source", ""))
        if len(note) > MAX_TEXT or len(source) > MAX_TEXT or EXTRA_CELLS in record:
            self.check_text(line, record)
        if measure and area and period:
            key = (measure, period.label)
            seen = self.first_line.get(key)
            if seen is None:
                self.first_line[key] = seen = {}
            first = seen.setdefault(area, line)
            if first != line:
                self.add(
                    line,
                    "row",
                    f"duplicates line {first} (same measure, area and period {period.label})",
                )
        if (
            measure is None
            or area is None
            or period is None
            or figures is None
            or self.found > before
        ):
            return None
        value, numerator, denominator = figures
        return ResultRow(
            line,
            measure,
            period,
            area,
            value,
            numerator,
            denominator,
            note,
            source,
            delete,
            design_effect,
        )

    def design_effect(
        self,
        line: int,
        text: str,
        figures: tuple[float, int | None, int | None] | None,
        unit: Unit | None,
    ) -> float | None:
        """A weighted survey percentage's design effect, 1 to 10; None after a problem."""
        try:
            number = _number(text, None, symbols=False)
        except _CellError as error:
            self.add(line, "design_effect", str(error))
            return None
        low, high = DESIGN_EFFECT_RANGE
        if not low <= number <= high:
            side = f"below {low:g}" if number < low else f"above {high:g}"
            self.add(
                line,
                "design_effect",
                f"{_shown(text)} is {side}: a design effect is from {low:g} to {high:g} (the "
                "square of the design factor the survey publishes)",
            )
            return None
        if unit is not None and unit is not Unit.PERCENTAGE:
            self.add(
                line,
                "design_effect",
                f"only a weighted survey percentage has a design effect, and this measure is "
                f"{_UNIT_WORDS[unit]}: leave it empty",
            )
            return None
        if figures is None:
            return None  # the figures' own problem is reported
        _, numerator, denominator = figures
        if numerator is not None:
            self.add(
                line,
                "design_effect",
                f"given with a numerator: {WEIGHTED_HELP} (a numerator is a count of "
                "respondents, which has no design effect)",
            )
            return None
        if denominator is None:
            self.add(
                line,
                "design_effect",
                "needs the base: give the number of respondents asked as the denominator",
            )
            return None
        return number

    def text(self, cell: str) -> str:
        """A note or source, stripped; the same object for the same text (most files repeat a
        few sources), up to a limit of distinct texts."""
        text = cell.strip()
        if not text or len(text) > MAX_TEXT:
            return text
        shared = self.texts.get(text)
        if shared is not None:
            return shared
        if len(self.texts) < _MAX_SHARED_TEXTS:
            self.texts[text] = text
        return text

    def check_text(self, line: int, record: Mapping[str, str]) -> None:
        for column in ("note", "source"):
            length = len(record.get(column, "").strip())
            if length > MAX_TEXT:
                self.add(line, column, f"{length:,} characters is over the limit of {MAX_TEXT:,}")
        if EXTRA_CELLS in record:
            self.add(
                line,
                "row",
                f"{_cells(record[EXTRA_CELLS])} beyond the last column of the header: put "
                "text containing commas in double quotes",
            )

    def add(self, line: int, column: str, reason: str) -> None:
        self.found += 1
        if self.found <= MAX_PROBLEMS:
            self.problems.append(Problem(line, column, reason))

    def code(self, line: int, column: str, text: str, known: _Codes) -> str | None:
        code = known.exact.get(text)
        if code is not None:
            return code
        text = text.strip()
        code = known.find(text) if text else None
        if code is None:
            what = column.removesuffix("_code")
            reason = f"unknown {what} '{_shown(text)}'{known.suggestion(text)}"
            self.add(line, column, reason if text else f"missing: every row needs a {what} code")
        return code

    def period(self, line: int, text: str) -> Period | None:
        text = text.strip()
        if len(text) > _MAX_LABEL:  # no spelling is this long; and kept out of the cache
            self.add(
                line, "period", f"'{_shown(text)}' is not a period: use e.g. {ACCEPTED_FORMS}."
            )
            return None
        parsed = _parse_period(text)
        if isinstance(parsed, str):
            self.add(line, "period", parsed)
            return None
        if parsed.end > self.today:
            self.add(
                line,
                "period",
                f"{parsed.label} ends on {_long_date(parsed.end)}, after today "
                f"({_long_date(self.today)}): only periods that have ended can have results",
            )
            return None
        return parsed

    def deletion(
        self, line: int, numerator_text: str, denominator_text: str, design_effect_text: str = ""
    ) -> tuple[None, None, None] | None:
        """A DELETE row's figures: none, and none may be given alongside."""
        before = self.found
        for column, text in (
            ("numerator", numerator_text),
            ("denominator", denominator_text),
            ("design_effect", design_effect_text),
        ):
            if text:
                what = "design effect" if column == "design_effect" else "numerator or denominator"
                self.add(
                    line,
                    column,
                    f"'{_shown(text)}' given with value DELETE: a row that removes a result "
                    f"gives no {what} (leave it empty, or give a value to replace it)",
                )
        return None if self.found > before else (None, None, None)

    def figures(
        self,
        line: int,
        value_text: str,
        numerator_text: str,
        denominator_text: str,
        unit: Unit | None,
    ) -> tuple[float, int | None, int | None] | None:
        """(value, numerator, denominator) checked together; None after a problem or for a row
        whose measure is unknown (its unit decides what the figures may be)."""
        before = self.found
        value = numerator = denominator = None
        # Inline rather than through a helper: this runs for every row of a large file.
        if value_text:
            try:
                value = _value(value_text, unit)
            except _CellError as error:
                self.add(line, "value", str(error))
        if numerator_text:
            try:
                numerator = _numerator(numerator_text)
            except _CellError as error:
                self.add(line, "numerator", str(error))
        if denominator_text:
            try:
                denominator = _denominator(denominator_text)
            except _CellError as error:
                self.add(line, "denominator", str(error))
        counts = None
        if numerator is not None and denominator is not None:
            counts = (numerator, denominator)
            if numerator > denominator:
                self.add(
                    line, "numerator", f"{numerator:,} is above the denominator {denominator:,}"
                )
        if not value_text and self.found == before:
            value = self.derived(line, unit, counts)
        if value is None or unit is None or self.found > before:
            return None
        multiplier = _MULTIPLIERS[unit]
        if counts and multiplier:
            derived = counts[0] / counts[1] * multiplier
            if abs(value - derived) > RELATIVE_TOLERANCE * derived:
                weighted = f": {WEIGHTED_HELP}" if unit is Unit.PERCENTAGE else ""
                self.add(
                    line,
                    "value",
                    f"{_shown(value_text)} differs from {counts[0]:,} / {counts[1]:,} × "
                    f"{_number_words(multiplier)} = {_number_words(derived)} by more than "
                    f"1%{weighted}",
                )
                return None
        return value, numerator, denominator

    def derived(self, line: int, unit: Unit | None, counts: tuple[int, int] | None) -> float | None:
        """The value worked out from the counts, for a row that gives none."""
        multiplier = _MULTIPLIERS[unit] if unit else None
        if unit is not None and multiplier is None:
            self.add(
                line,
                "value",
                f"missing: the measure is {_UNIT_WORDS[unit]}, so the value must be given "
                "(only rates and percentages can be worked out from numerator and denominator)",
            )
            return None
        if counts is None:
            self.add(line, "value", "missing: give a value, or both numerator and denominator")
            return None
        return counts[0] / counts[1] * multiplier if multiplier else None


@lru_cache(maxsize=4096)
def _parse_period(label: str) -> Period | str:
    """A period, or the reason it is not one; cached because a file repeats a few labels."""
    try:
        return parse_period(label)
    except PeriodLabelError as error:
        return str(error)


def _value(text: str, unit: Unit | None) -> float:
    """A value in the measure's unit: % on percentages, £ on money, thousands separators."""
    number = float(text) if _PLAIN.fullmatch(text) else _number(text, unit)
    if number < 0:
        raise _CellError(f"{_shown(text)} is negative: values cannot be below 0")
    if unit is Unit.PERCENTAGE and number > 100:
        raise _CellError(f"{_shown(text)} is above 100 for a percentage")
    if unit is Unit.RANK and number < 1:
        raise _CellError(f"{_shown(text)} is not a rank: ranks start at 1")
    if number > MAX_VALUE:
        raise _CellError(f"{_shown(text)} is too large: a value may be at most {MAX_VALUE:,}")
    return number


def _numerator(text: str) -> int:
    if _WHOLE.fullmatch(text):  # the usual case, without the general number rules
        return _at_most_max_count(text, int(text.replace(",", "")))
    return _whole_number(text, "a non-negative whole number", minimum=0)


def _denominator(text: str) -> int:
    if _WHOLE.fullmatch(text) and (whole := int(text.replace(",", ""))) > 0:
        return _at_most_max_count(text, whole)
    return _whole_number(text, "a positive whole number", minimum=1)


def _at_most_max_count(text: str, number: int) -> int:
    if number > MAX_COUNT:
        raise _CellError(f"{_shown(text)} is too large: a count may be at most {MAX_COUNT:,}")
    return number


def _whole_number(text: str, kind: str, minimum: int) -> int:
    number = _number(text, None, symbols=False)
    if not number.is_integer():
        raise _CellError(f"{_shown(text)} is not a whole number: it must be {kind}")
    if number < minimum:
        raise _CellError(
            f"{_shown(text)} is negative: it must be {kind}"
            if number < 0
            else f"{_shown(text)} is not {kind}"
        )
    return _at_most_max_count(text, int(number))


def _number(text: str, unit: Unit | None, symbols: bool = True) -> float:
    """A finite number from an officer's spelling; the reason names what was wrong."""
    plain = text
    if _NUMBER.fullmatch(plain) is None:  # the slow path: symbols, or not a number at all
        plain = _without_symbols(text, unit) if symbols else text
        if "," in plain and _DECIMAL_COMMA.fullmatch(plain):
            raise _CellError(
                f"'{_shown(text)}' is not a number: use a point for decimals, e.g. 61.2"
            )
        if _NUMBER.fullmatch(plain) is None:
            raise _CellError(f"'{_shown(text)}' is not a number")
    number = float(plain.replace(",", "") if "," in plain else plain)
    if isinf(number):
        raise _CellError(f"'{_shown(text)}' is too large a number")
    return number


def _without_symbols(text: str, unit: Unit | None) -> str:
    """The text without a % sign on a percentage or a £ sign on money."""
    plain = text
    if plain.endswith("%"):
        if unit not in (Unit.PERCENTAGE, None):
            raise _CellError(
                f"'{_shown(text)}' is not a number: a % sign fits only a percentage, and this "
                f"measure is {_UNIT_WORDS[unit]}"
            )
        plain = plain[:-1].rstrip()
    if "£" in plain:
        if unit not in (Unit.CURRENCY_GBP, None):
            raise _CellError(
                f"'{_shown(text)}' is not a number: a £ sign fits only an amount in pounds, "
                f"and this measure is {_UNIT_WORDS[unit]}"
            )
        plain = plain.replace("£", "", 1).strip()
    return plain


def _shown(text: str) -> str:
    """A cell's text for a message: a long one cut short."""
    return text if len(text) <= _SHOWN else f"{text[: _SHOWN - 1]}…"


def _number_words(number: float) -> str:
    """A number for a message: thousands separated, at most four decimals, no trailing zeros."""
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def _cells(count: str) -> str:
    return "1 cell" if count == "1" else f"{count} cells"


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
