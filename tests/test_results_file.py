"""Results file checks (INTERFACES.md section 3): every bad row named by line and column."""

from __future__ import annotations

import gc
import io
import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import results_file
from dashboard.model import Unit
from dashboard.periods import ACCEPTED_FORMS, parse_period
from dashboard.results_file import (
    MAX_TEXT,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    ParsedFile,
    Problem,
    ResultRow,
    ResultsFileError,
    iter_table,
    parse_results_file,
    read_table,
    validate,
)

UNITS = {
    "CRIME_TOTAL_RATE": Unit.RATE_PER_1000,
    "ASB_PERCEPTION": Unit.PERCENTAGE,
    "DV_INCIDENTS": Unit.COUNT,
    "FUNDING": Unit.CURRENCY_GBP,
    "IMD_RANK": Unit.RANK,
    "KSI_RATE": Unit.RATE_PER_100000,
    "LIFE_EXPECTANCY": Unit.YEARS,
}
AREAS = {"E06000025", "E23000036", "E12000009", "K04000001"}
TODAY = date(2024, 6, 30)
HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source"


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *lines)).encode()


def parse(content: bytes, filename: str = "results.csv") -> ParsedFile:
    return parse_results_file(filename, content, UNITS, AREAS, TODAY)


def problems(*lines: str, header: str = HEADER) -> list[str]:
    return [str(p) for p in parse(csv_bytes(*lines, header=header)).problems]


def only_row(*lines: str, header: str = HEADER) -> ResultRow:
    parsed = parse(csv_bytes(*lines, header=header))
    assert parsed.problems == ()
    assert len(parsed.rows) == 1
    return parsed.rows[0]


def file_error(content: bytes, filename: str = "results.csv") -> str:
    with pytest.raises(ResultsFileError) as caught:
        parse(content, filename)
    return str(caught.value)


def xlsx_bytes(rows: list[list[object]], *, blank_rows_before: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(blank_rows_before):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the contract ---------------------------------------------------------------------------


def test_the_columns_are_the_ones_interfaces_names() -> None:
    assert REQUIRED_COLUMNS == ("measure_code", "period", "area_code")
    assert OPTIONAL_COLUMNS == (
        "value",
        "numerator",
        "denominator",
        "note",
        "source",
        "design_effect",
    )
    assert MAX_TEXT == 2000


def test_a_problem_reads_line_column_reason() -> None:
    assert str(Problem(12, "value", "not a number")) == "line 12: value: not a number"


def test_a_good_file_gives_rows_with_canonical_periods_and_no_problems() -> None:
    parsed = parse(
        csv_bytes(
            "CRIME_TOTAL_RATE,2018/19,E06000025,61.2,17270,282100,Provisional,Home Office",
            "ASB_PERCEPTION,2019/20 h1,E06000025,45.2,,,,",
        )
    )
    assert parsed.ok
    assert parsed.rows == (
        ResultRow(
            2,
            "CRIME_TOTAL_RATE",
            parse_period("2018/19"),
            "E06000025",
            61.2,
            17270,
            282100,
            "Provisional",
            "Home Office",
        ),
        ResultRow(
            3, "ASB_PERCEPTION", parse_period("2019/20 H1"), "E06000025", 45.2, None, None, "", ""
        ),
    )


def test_a_file_with_problems_is_not_ok() -> None:
    parsed = parse(csv_bytes("NOPE,2018/19,E06000025,1,,,,"))
    assert not parsed.ok


# --- one bad row of each kind ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "CRIME_TOTL_RATE,2018/19,E06000025,61.2,,,,",
            "line 3: measure_code: unknown measure 'CRIME_TOTL_RATE' (did you mean "
            "CRIME_TOTAL_RATE?)",
        ),
        ("XYZ,2018/19,E06000025,61.2,,,,", "line 3: measure_code: unknown measure 'XYZ'"),
        (
            ",2018/19,E06000025,61.2,,,,",
            "line 3: measure_code: missing: every row needs a measure code",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E9999,61.2,,,,",
            "line 3: area_code: unknown area 'E9999'",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E07000081,61.2,,,,",
            "line 3: area_code: unknown area 'E07000081'",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000052,61.2,,,,",
            "line 3: area_code: unknown area 'E06000052' (did you mean E06000025?)",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,,61.2,,,,",
            "line 3: area_code: missing: every row needs a area code",
        ),
        ("CRIME_TOTAL_RATE,2018/19,E06000025,abc,,,,", "line 3: value: 'abc' is not a number"),
        ("CRIME_TOTAL_RATE,2018/19,E06000025,nan,,,,", "line 3: value: 'nan' is not a number"),
        ("CRIME_TOTAL_RATE,2018/19,E06000025,1_000,,,,", "line 3: value: '1_000' is not a number"),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,1e999,,,,",
            "line 3: value: '1e999' is too large a number",
        ),
        (
            'CRIME_TOTAL_RATE,2018/19,E06000025,"61,2",,,,',
            "line 3: value: '61,2' is not a number: use a point for decimals, e.g. 61.2",
        ),
        (
            'CRIME_TOTAL_RATE,2018/19,E06000025,"1,00,000",,,,',
            "line 3: value: '1,00,000' is not a number",
        ),
        (
            "ASB_PERCEPTION,2018/19,E06000025,100.5,,,,",
            "line 3: value: 100.5 is above 100 for a percentage",
        ),
        (
            "ASB_PERCEPTION,2018/19,E06000025,101%,,,,",
            "line 3: value: 101% is above 100 for a percentage",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,-3.1,,,,",
            "line 3: value: -3.1 is negative: values cannot be below 0",
        ),
        (
            "DV_INCIDENTS,2018/19,E06000025,-3,,,,",
            "line 3: value: -3 is negative: values cannot be below 0",
        ),
        ("IMD_RANK,2018/19,E06000025,0,,,,", "line 3: value: 0 is not a rank: ranks start at 1"),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,45.2%,,,,",
            "line 3: value: '45.2%' is not a number: a % sign fits only a percentage, and this "
            "measure is a rate per 1,000",
        ),
        (
            "DV_INCIDENTS,2018/19,E06000025,£45,,,,",
            "line 3: value: '£45' is not a number: a £ sign fits only an amount in pounds, and "
            "this measure is a count",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,,-5,100,,",
            "line 3: numerator: -5 is negative: it must be a non-negative whole number",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,,12.5,100,,",
            "line 3: numerator: 12.5 is not a whole number: it must be a non-negative whole number",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,,five,100,,",
            "line 3: numerator: 'five' is not a number",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,,5,0,,",
            "line 3: denominator: 0 is not a positive whole number",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,,5,100.5,,",
            "line 3: denominator: 100.5 is not a whole number: it must be a positive whole number",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,,300,200,,",
            "line 3: numerator: 300 is above the denominator 200",
        ),
        (
            "CRIME_TOTAL_RATE,2019/20 Q5,E06000025,61.2,,,,",
            f"line 3: period: '2019/20 Q5' is not a period: use e.g. {ACCEPTED_FORMS}.",
        ),
        (
            "CRIME_TOTAL_RATE,,E06000025,61.2,,,,",
            f"line 3: period: A period is required: use e.g. {ACCEPTED_FORMS}.",
        ),
        (
            "CRIME_TOTAL_RATE,2024/25,E06000025,61.2,,,,",
            "line 3: period: 2024/25 ends on 31 March 2025, after today (30 June 2024): only "
            "periods that have ended can have results",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,,,,,",
            "line 3: value: missing: give a value, or both numerator and denominator",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,,17270,,,",
            "line 3: value: missing: give a value, or both numerator and denominator",
        ),
        (
            "DV_INCIDENTS,2018/19,E06000025,,5,100,,",
            "line 3: value: missing: the measure is a count, so the value must be given (only "
            "rates and percentages can be worked out from numerator and denominator)",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,70,17270,282100,,",
            "line 3: value: 70 differs from 17,270 / 282,100 × 1,000 = 61.2194 by more than 1%",
        ),
        (
            "ASB_PERCEPTION,2018/19,E06000025,40%,45,100,,",
            "line 3: value: 40% differs from 45 / 100 × 100 = 45 by more than 1%: for a "
            "weighted survey percentage give the value and the base (denominator) only, with no "
            "numerator",
        ),
        (
            "ASB_PERCEPTION,2018/19,E06000025,1,0,100,,",
            "line 3: value: 1 differs from 0 / 100 × 100 = 0 by more than 1%: for a weighted "
            "survey percentage give the value and the base (denominator) only, with no numerator",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,Rise,ONS,x,y",
            "line 3: row: 2 cells beyond the last column of the header: put text containing "
            "commas in double quotes",
        ),
        (  # above 2**63 - 1: it would fail the database's bigint
            "CRIME_TOTAL_RATE,2018/19,E06000025,,9223372036854775808,10000,,",
            "line 3: numerator: 9223372036854775808 is too large: a count may be at most "
            "1,000,000,000,000",
        ),
        (
            'CRIME_TOTAL_RATE,2018/19,E06000025,,5,"1,000,000,000,001",,',
            "line 3: denominator: 1,000,000,000,001 is too large: a count may be at most "
            "1,000,000,000,000",
        ),
        (
            "CRIME_TOTAL_RATE,2018/19,E06000025,,5,1e15,,",
            "line 3: denominator: 1e15 is too large: a count may be at most 1,000,000,000,000",
        ),
        (  # more digits than Python's int() reads (4,300): a message, not a ValueError
            "CRIME_TOTAL_RATE,2018/19,E06000025,,5," + "1" * 5000 + ",,",
            "line 3: denominator: '" + "1" * 59 + "…' is too large a number",
        ),
        (
            "DV_INCIDENTS,2018/19,E06000025,1e300,,,,",
            "line 3: value: 1e300 is too large: a value may be at most 1,000,000,000,000",
        ),
        (
            "FUNDING,2018/19,E06000025,£1000000000001,,,,",
            "line 3: value: £1000000000001 is too large: a value may be at most 1,000,000,000,000",
        ),
        (  # a long cell is quoted in part
            "CRIME_TOTAL_RATE,2018/19,E06000025,x" + "y" * 10_000 + ",,,,",
            "line 3: value: 'x" + "y" * 58 + "…' is not a number",
        ),
        (
            "CRIME_TOTAL_RATE," + "2018/19" * 1000 + ",E06000025,61.2,,,,",
            "line 3: period: '"
            + ("2018/19" * 9)[:59]
            + f"…' is not a period: use e.g. {ACCEPTED_FORMS}.",
        ),
        (
            "Z" * 5000 + ",2018/19,E06000025,61.2,,,,",
            "line 3: measure_code: unknown measure '" + "Z" * 59 + "…'",
        ),
    ],
)
def test_a_bad_row_is_reported_by_line_and_column(row: str, problem: str) -> None:
    good = "CRIME_TOTAL_RATE,2017/18,E06000025,61.2,,,,"
    assert problems(good, row) == [problem]


@pytest.mark.parametrize("column", ["note", "source"])
def test_text_over_2000_characters_is_reported(column: str) -> None:
    long_text = "x" * (MAX_TEXT + 1)
    note, source = (long_text, "") if column == "note" else ("", long_text)
    assert problems(f"CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,{note},{source}") == [
        f"line 2: {column}: 2,001 characters is over the limit of 2,000"
    ]


def test_text_of_exactly_2000_characters_is_kept() -> None:
    note = "x" * MAX_TEXT
    assert only_row(f"CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,{note},").note == note


def test_a_period_ending_today_is_accepted() -> None:
    today = date(2019, 3, 31)
    parsed = parse_results_file(
        "r.csv", csv_bytes("CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,"), UNITS, AREAS, today
    )
    assert parsed.ok


def test_a_duplicate_names_the_first_line_even_under_another_period_spelling() -> None:
    assert problems(
        "CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,",
        "CRIME_TOTAL_RATE,2018/19,E23000036,81.6,,,,",
        "CRIME_TOTAL_RATE,12m to 2019-03,E06000025,61.2,,,,",
        "CRIME_TOTAL_RATE,2018/2019,e06000025,61.2,,,,",
    ) == [
        "line 4: row: duplicates line 2 (same measure, area and period 2018/19)",
        "line 5: row: duplicates line 2 (same measure, area and period 2018/19)",
    ]


def test_every_bad_row_is_reported_not_just_the_first() -> None:
    assert problems(
        "CRIME_TOTAL_RATE,2018/19,E06000025,abc,,,,",
        "CRIME_TOTAL_RATE,2017/18,E06000025,61.2,,,,",
        "NOPE,2018/19,E06000025,1,,,,",
        "CRIME_TOTAL_RATE,2016/17,E06000025,61.2,,,,",
        "CRIME_TOTAL_RATE,2015/16,E9,61.2,,,,",
    ) == [
        "line 2: value: 'abc' is not a number",
        "line 4: measure_code: unknown measure 'NOPE'",
        "line 6: area_code: unknown area 'E9'",
    ]


def test_a_row_with_several_problems_reports_each() -> None:
    assert problems("NOPE,2030,E9,abc,300,200,,") == [
        "line 2: measure_code: unknown measure 'NOPE'",
        "line 2: area_code: unknown area 'E9'",
        "line 2: period: 2030 ends on 31 December 2030, after today (30 June 2024): only "
        "periods that have ended can have results",
        "line 2: value: 'abc' is not a number",
        "line 2: numerator: 300 is above the denominator 200",
    ]


def test_a_bad_row_gives_no_result_row_but_good_rows_still_do() -> None:
    parsed = parse(
        csv_bytes(
            "CRIME_TOTAL_RATE,2018/19,E06000025,abc,,,,",
            "CRIME_TOTAL_RATE,2017/18,E06000025,61.2,,,,",
        )
    )
    assert [row.line for row in parsed.rows] == [3]
    assert [p.line for p in parsed.problems] == [2]


# --- values worked out, and values kept as published ----------------------------------------


def test_a_rate_per_1000_is_derived_from_numerator_and_denominator() -> None:
    row = only_row("CRIME_TOTAL_RATE,2018/19,E06000025,,17270,282100,,")
    assert row.value == pytest.approx(17270 / 282100 * 1000)
    assert (row.numerator, row.denominator) == (17270, 282100)


def test_a_rate_per_100000_and_a_percentage_are_derived_with_their_multipliers() -> None:
    rate = only_row("KSI_RATE,2018/19,E06000025,,45,282100,,")
    share = only_row("ASB_PERCEPTION,2018/19,E06000025,,452,1000,,")
    assert rate.value == pytest.approx(45 / 282100 * 100_000)
    assert share.value == pytest.approx(45.2)


def test_the_value_column_may_be_left_out_when_numerator_and_denominator_are_there() -> None:
    row = only_row(
        "CRIME_TOTAL_RATE,2018/19,E06000025,17270,282100",
        header="measure_code,period,area_code,numerator,denominator",
    )
    assert row.value == pytest.approx(61.2194, abs=1e-4)


def test_a_published_value_within_1_percent_of_the_counts_is_kept_as_published() -> None:
    row = only_row("CRIME_TOTAL_RATE,2018/19,E06000025,61.5,17270,282100,,")
    assert row.value == 61.5


def test_a_weighted_percentage_may_give_its_base_without_a_numerator() -> None:
    row = only_row("ASB_PERCEPTION,2018/19,E06000025,45.2,,1200,,")
    assert (row.value, row.numerator, row.denominator) == (45.2, None, 1200)


# --- what an officer types ------------------------------------------------------------------


def test_thousands_separators_percent_and_pound_signs_and_spaces_are_read() -> None:
    parsed = parse(
        csv_bytes(
            'CRIME_TOTAL_RATE , 2018/19 , E06000025 ,"61.2","17,270"," 282,100 ",,',
            "ASB_PERCEPTION,2018/19,E06000025,45.2%,,,,",
            'FUNDING,2018/19,E06000025,"£12,500.50",,,,',
            "DV_INCIDENTS,2018/19,E06000025,  1204  ,,,,",
        )
    )
    assert parsed.problems == ()
    assert [(r.value, r.numerator, r.denominator) for r in parsed.rows] == [
        (61.2, 17270, 282100),
        (45.2, None, None),
        (12500.5, None, None),
        (1204.0, None, None),
    ]


def test_codes_in_the_wrong_case_are_read_as_the_catalogue_spells_them() -> None:
    row = only_row("crime_total_rate,2018/19,e06000025,61.2,,,,")
    assert (row.measure_code, row.area_code) == ("CRIME_TOTAL_RATE", "E06000025")


def test_blank_lines_are_skipped_and_lines_still_count_from_the_top() -> None:
    body = (
        "\n\nCRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,\n,,,,,,,\n\nNOPE,2018/19,E06000025,1,,,,\n"
    )
    content = (HEADER + body).encode()
    parsed = parse(content)
    assert [row.line for row in parsed.rows] == [3]
    assert [str(p) for p in parsed.problems] == ["line 6: measure_code: unknown measure 'NOPE'"]


def test_a_quoted_note_over_several_lines_keeps_the_line_numbers_of_later_rows() -> None:
    content = csv_bytes(
        'CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,"first line\nsecond line\nthird",',
        "NOPE,2018/19,E06000025,1,,,,",
    )
    parsed = parse(content)
    assert parsed.rows[0].note == "first line\nsecond line\nthird"
    assert [str(p) for p in parsed.problems] == ["line 5: measure_code: unknown measure 'NOPE'"]


def test_windows_line_endings_and_a_utf8_bom_are_read() -> None:
    content = "\ufeff" + HEADER + "\r\nCRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,Café,\r\n"
    parsed = parse(content.encode("utf-8"))
    assert parsed.problems == ()
    assert parsed.rows[0].note == "Café"


def test_header_names_are_case_insensitive_in_any_order_with_extra_columns_ignored() -> None:
    row = only_row(
        "Home Office,E06000025,South Gloucestershire,61.2,2018/19,CRIME_TOTAL_RATE",
        header=" Source ,AREA_CODE,Area Name,Value,Period,Measure Code",
    )
    assert (row.measure_code, row.area_code, row.value, row.source) == (
        "CRIME_TOTAL_RATE",
        "E06000025",
        61.2,
        "Home Office",
    )


def test_empty_cells_are_missing_values() -> None:
    row = only_row("CRIME_TOTAL_RATE,2018/19,E06000025,61.2,  ,,   ,")
    assert (row.numerator, row.note) == (None, "")


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_semicolon_or_tab_separated_file_is_read(separator: str) -> None:
    content = separator.join(["measure_code", "period", "area_code", "value"]) + "\n"
    content += separator.join(["CRIME_TOTAL_RATE", "2018/19", "E06000025", "61,2"]) + "\n"
    content += separator.join(["CRIME_TOTAL_RATE", "2017/18", "E06000025", "61.2"]) + "\n"
    assert [str(p) for p in parse(content.encode()).problems] == [
        "line 2: value: '61,2' is not a number: use a point for decimals, e.g. 61.2"
    ]


def test_excels_sep_line_sets_the_separator_and_counts_as_a_line() -> None:
    content = b"sep=;\nmeasure_code;period;area_code;value\nNOPE;2018/19;E06000025;1\n"
    assert [str(p) for p in parse(content).problems] == [
        "line 3: measure_code: unknown measure 'NOPE'"
    ]


# --- files that cannot be read at all -------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_an_empty_file_says_what_the_first_line_must_be(content: bytes) -> None:
    assert file_error(content) == (
        "the file is empty: the first line must be a header naming measure_code, period, "
        "area_code and value (or numerator and denominator instead of value)."
    )


def test_an_unclosed_quote_is_an_error_rather_than_rows_swallowed_into_one_cell() -> None:
    content = csv_bytes(
        "CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,",
        'CRIME_TOTAL_RATE,2017/18,E06000025,61.2,,,"unclosed note,',
        "CRIME_TOTAL_RATE,2016/17,E06000025,61.2,,,,",
    )
    assert file_error(content).startswith('line 3: a quote (") opened in this row is never closed')


def test_text_after_a_closing_quote_is_an_error_naming_the_row() -> None:
    content = csv_bytes('CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,"Rise" since 2017,')
    assert file_error(content).startswith(
        "line 2: a cell starts with a quote but goes on after the closing quote"
    )


def test_a_quote_inside_an_unquoted_cell_is_kept() -> None:
    row = only_row('CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,A "provisional" figure,')
    assert row.note == 'A "provisional" figure'


def test_a_cell_too_long_for_the_csv_reader_names_its_line_and_column() -> None:
    content = csv_bytes('CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,"' + "x" * 200_000 + '",')
    assert file_error(content) == (
        "line 2: note: the cell has more than 131,072 characters, more than a cell may hold (a "
        "note may have up to 2,000): shorten it."
    )


def test_a_long_unquoted_cell_names_its_column() -> None:
    content = csv_bytes(
        "CRIME_TOTAL_RATE,2017/18,E06000025,61.2,,,,",
        "CRIME_TOTAL_RATE,2018/19,E06000025," + "9" * 140_000 + ",,,,",
    )
    assert file_error(content) == (
        "line 3: value: the cell has more than 131,072 characters, more than a cell may hold: "
        "shorten it."
    )


def test_a_quote_left_open_for_more_than_a_cell_may_hold_is_named_as_the_likely_cause() -> None:
    content = csv_bytes(
        "CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,",
        'CRIME_TOTAL_RATE,2017/18,E06000025,61.2,,,"unclosed note,',
        *["CRIME_TOTAL_RATE,2016/17,E06000025,61.2,,,,"] * 4000,
    )
    assert file_error(content) == (
        "line 3: note: the cell runs on over several lines for more than 131,072 characters: a "
        'quote (") opened in it is probably never closed, so the rest of the file runs into it: '
        "close the quote or remove it."
    )


def test_a_long_cell_in_the_header_or_beyond_it_is_named_by_position() -> None:
    assert file_error(("measure_code,period," + "x" * 140_000 + "\n").encode()).startswith(
        "line 1: column 3: the cell has more than 131,072 characters"
    )
    beyond = csv_bytes('CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,,"' + "x" * 140_000 + '"')
    assert file_error(beyond).startswith("line 2: column 9: the cell has more than 131,072")


def test_a_long_cell_after_quoted_lines_and_a_sep_line_counts_lines_from_the_top() -> None:
    content = (
        "sep=;\n"
        + HEADER.replace(",", ";")
        + '\nCRIME_TOTAL_RATE;2018/19;E06000025;61.2;;;"two\nlines";\n'
        + 'CRIME_TOTAL_RATE;2017/18;E06000025;61.2;;;;"a ""quoted"" '
        + "x" * 140_000
        + '"\n'
    ).encode()
    assert file_error(content) == (
        "line 5: source: the cell has more than 131,072 characters, more than a cell may hold "
        "(a source may have up to 2,000): shorten it."
    )


def test_a_header_without_rows_is_an_error() -> None:
    assert file_error(HEADER.encode() + b"\n\n") == (
        "line 1: the file has a header but no rows of results."
    )


def test_a_missing_required_column_is_named_with_what_the_header_must_contain() -> None:
    message = file_error(b"measure_code,period,value\nCRIME_TOTAL_RATE,2018/19,61.2\n")
    assert message.startswith("line 1: the header has no area_code column:")
    assert "must be a header naming measure_code, period, area_code and value" in message
    assert message.endswith("it has measure_code, period, value.")


def test_a_missing_value_column_without_numerator_and_denominator_is_an_error() -> None:
    message = file_error(b"measure_code,period,area_code,numerator\nX,2018/19,E06000025,5\n")
    assert message.startswith("line 1: the header has no value column:")


def test_several_missing_columns_are_all_named() -> None:
    message = file_error(b"measure_code,note\nX,y\n")
    assert message.startswith("line 1: the header has no period, area_code or value column:")


def test_a_header_in_one_cell_hints_at_commas() -> None:
    message = file_error(b"measure_code period area_code value\nX 2019 E 1\n")
    assert message.endswith("Separate the column names with commas.")


def test_a_column_named_twice_is_an_error() -> None:
    assert file_error(b"measure_code,period,area_code,value,Value\nX,2019,E,1,2\n") == (
        "line 1: the header names the column 'value' twice: keep one of them."
    )


def test_a_file_that_is_not_utf8_names_the_line_and_says_to_save_as_csv_utf8() -> None:
    content = (HEADER + "\nFUNDING,2018/19,E06000025,£5,,,,\n").encode("cp1252")
    message = file_error(content)
    assert message.startswith("line 2: the file is not UTF-8 text (byte 0xA3 cannot be read)")
    assert "CSV UTF-8" in message


def test_a_utf16_file_says_to_save_as_csv_utf8() -> None:
    message = file_error((HEADER + "\n").encode("utf-16"))
    assert message.startswith("the file is UTF-16 text (Excel's 'Unicode Text')")
    assert "CSV UTF-8" in message


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        (b"PK\x03\x04rest-of-a-zip", "an Excel workbook (.xlsx) or another zip file"),
        (b"%PDF-1.7\n...", "a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 workbook (.xls)"),
    ],
)
def test_a_binary_file_named_csv_says_what_it_looks_like(content: bytes, looks_like: str) -> None:
    assert file_error(content).startswith(f"the file is named .csv but looks like {looks_like}")


def test_a_real_workbook_named_csv_is_recognised() -> None:
    message = file_error(xlsx_bytes([["measure_code"]]), "results.csv")
    assert message.startswith("the file is named .csv but looks like an Excel workbook")


def test_nul_bytes_in_a_csv_name_the_line() -> None:
    assert file_error(HEADER.encode() + b"\nabc\x00def\n").startswith(
        "line 2: the file is named .csv but holds binary data (a NUL byte)"
    )


@pytest.mark.parametrize("filename", ["results.xls", "results.txt", "results", "results.csv.pdf"])
def test_another_extension_is_refused_saying_what_to_save_as(filename: str) -> None:
    message = file_error(csv_bytes("CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,"), filename)
    assert message.startswith(f"'{filename}' is not a .csv or .xlsx file.")
    assert "CSV UTF-8" in message


def test_the_extension_is_case_insensitive() -> None:
    assert parse(csv_bytes("CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,"), "RESULTS.CSV").ok


def test_a_damaged_workbook_is_an_error() -> None:
    damaged = xlsx_bytes([["measure_code"]])[:300]
    assert file_error(damaged, "results.xlsx").startswith(
        "the file cannot be read as an Excel workbook (.xlsx): it may be damaged."
    )


def test_a_csv_named_xlsx_is_recognised_as_text() -> None:
    message = file_error(csv_bytes("CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,"), "r.xlsx")
    assert message.startswith("the file is named .xlsx but looks like text (a CSV file?)")


# --- workbooks ------------------------------------------------------------------------------


def test_a_workbook_is_read_with_numbers_as_numbers_and_row_numbers_as_lines() -> None:
    content = xlsx_bytes(
        [
            ["Measure_Code", "Period", "Area_Code", "Value", "Numerator", "Denominator", "Note"],
            ["CRIME_TOTAL_RATE", 2019, "E06000025", 61.2, 17270, 282100, None],
            [],
            ["ASB_PERCEPTION", "2019/20 H1", "E06000025", 45.2, None, None, "Survey"],
            ["CRIME_TOTAL_RATE", "2018/19", "E9", 1.5, None, None, None],
        ]
    )
    parsed = parse(content, "results.xlsx")
    assert [(r.line, r.period.label, r.value, r.numerator, r.note) for r in parsed.rows] == [
        (2, "2019", 61.2, 17270, ""),
        (4, "2019/20 H1", 45.2, None, "Survey"),
    ]
    assert [str(p) for p in parsed.problems] == ["line 5: area_code: unknown area 'E9'"]


def test_workbook_lines_are_spreadsheet_rows_even_below_blank_rows() -> None:
    content = xlsx_bytes(
        [["measure_code", "period", "area_code", "value"], ["NOPE", "2018/19", "E06000025", 1]],
        blank_rows_before=2,
    )
    assert [str(p) for p in parse(content, "r.xlsx").problems] == [
        "line 4: measure_code: unknown measure 'NOPE'"
    ]


def test_workbook_cells_read_as_a_person_sees_them() -> None:
    content = xlsx_bytes(
        [
            ["measure_code", "period", "area_code", "value", "note", None, "aside"],
            ["CRIME_TOTAL_RATE", 2019.0, "E06000025", 17270.0, True, "x", "ignored"],
            ["CRIME_TOTAL_RATE", datetime(2019, 9, 1), "E06000025", 61.2, None],
        ]
    )
    assert read_table("r.xlsx", content) == [
        (
            2,
            {
                "measure_code": "CRIME_TOTAL_RATE",
                "period": "2019",
                "area_code": "E06000025",
                "value": "17270",
                "note": "TRUE",
                "aside": "ignored",
            },
        ),
        (
            3,
            {
                "measure_code": "CRIME_TOTAL_RATE",
                "period": "2019-09-01",
                "area_code": "E06000025",
                "value": "61.2",
            },
        ),
    ]


def test_a_date_in_a_period_cell_is_reported_as_not_a_period() -> None:
    content = xlsx_bytes(
        [
            ["measure_code", "period", "area_code", "value"],
            ["CRIME_TOTAL_RATE", datetime(2019, 9, 1), "E06000025", 1],
        ]
    )
    assert [str(p) for p in parse(content, "r.xlsx").problems] == [
        f"line 2: period: '2019-09-01' is not a period: use e.g. {ACCEPTED_FORMS}."
    ]


def test_only_the_first_worksheet_is_read() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["measure_code", "period", "area_code", "value"])
    workbook.active.append(["CRIME_TOTAL_RATE", "2018/19", "E06000025", 61.2])
    workbook.create_sheet("Notes").append(["not", "results"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(parse(buffer.getvalue(), "r.xlsx").rows) == 1


def test_an_empty_workbook_is_an_empty_file() -> None:
    assert file_error(xlsx_bytes([]), "r.xlsx").startswith("the file is empty:")


# --- the cycle collector, paused for speed, is left as it was ------------------------------


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_a_file_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    good = csv_bytes("CRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,,")
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        parse(good)
        assert gc.isenabled() is enabled
        with pytest.raises(ResultsFileError):
            parse(b"")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


# --- validate on its own --------------------------------------------------------------------


def test_validate_takes_records_from_anywhere_and_treats_absent_keys_as_empty() -> None:
    parsed = validate(
        [(7, {"measure_code": "CRIME_TOTAL_RATE", "period": "2018/19", "area_code": "E06000025"})],
        UNITS,
        AREAS,
        TODAY,
    )
    assert [str(p) for p in parsed.problems] == [
        "line 7: value: missing: give a value, or both numerator and denominator"
    ]


def test_validate_accepts_units_as_plain_strings() -> None:
    parsed = validate(
        [(2, {"measure_code": "M", "period": "2019", "area_code": "A", "value": "101"})],
        {"M": "percentage"},  # type: ignore[dict-item]
        {"A"},
        TODAY,
    )
    assert [str(p) for p in parsed.problems] == ["line 2: value: 101 is above 100 for a percentage"]


# --- properties -----------------------------------------------------------------------------


@given(st.integers(1, 10**9).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))))
def test_any_counts_with_or_without_thousands_separators_derive_the_rate(
    counts: tuple[int, int],
) -> None:
    numerator, denominator = counts
    parsed = parse(
        csv_bytes(
            f'CRIME_TOTAL_RATE,2018/19,E06000025,,"{numerator:,}",{denominator},,',
            f'CRIME_TOTAL_RATE,2017/18,E06000025,,{numerator},"{denominator:,}",,',
        )
    )
    assert parsed.problems == ()
    for row in parsed.rows:
        assert (row.numerator, row.denominator) == (numerator, denominator)
        assert row.value == pytest.approx(numerator / denominator * 1000)


@given(st.floats(0, 1e12, allow_nan=False))
def test_any_non_negative_value_reads_back_exactly(value: float) -> None:
    for text in (repr(value), f"{value:,}"):
        row = only_row(f'DV_INCIDENTS,2018/19,E06000025,"{text}",,,,')
        assert row.value == value


@settings(deadline=None)  # a workbook is written and read each time: slow on a busy machine
@given(st.floats(0, 1e6, allow_nan=False))
def test_a_workbook_float_reads_back_as_the_float_in_the_file(value: float) -> None:
    content = xlsx_bytes(
        [
            ["measure_code", "period", "area_code", "value"],
            ["DV_INCIDENTS", "2018/19", "E06000025", value],
        ]
    )
    stored = openpyxl.load_workbook(io.BytesIO(content)).active["D2"].value
    assert parse(content, "r.xlsx").rows[0].value == stored


@given(st.lists(st.booleans(), min_size=1, max_size=30))
def test_exactly_the_bad_lines_are_reported_in_order(bad: list[bool]) -> None:
    lines = [
        f"CRIME_TOTAL_RATE,{1990 + i},E06000025,{'abc' if is_bad else '61.2'},,,,"
        for i, is_bad in enumerate(bad)
    ]
    parsed = parse(csv_bytes(*lines))
    assert [p.line for p in parsed.problems] == [i + 2 for i, is_bad in enumerate(bad) if is_bad]
    assert len(parsed.rows) == bad.count(False)


# --- DELETE rows ----------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["DELETE", "delete", " Delete "])
def test_a_delete_value_in_any_case_asks_to_remove_the_result(spelling: str) -> None:
    row = only_row(f"CRIME_TOTAL_RATE,2019/20,e06000025,{spelling},,,,")
    assert (row.delete, row.value, row.numerator, row.denominator) == (True, None, None, None)
    assert (row.measure_code, row.area_code, row.period.label) == (
        "CRIME_TOTAL_RATE",
        "E06000025",
        "2019/20",
    )


def test_an_ordinary_row_is_not_a_deletion() -> None:
    assert only_row("CRIME_TOTAL_RATE,2019/20,E06000025,61.2,,,,").delete is False


def test_a_delete_row_with_counts_or_a_bad_code_or_period_is_a_problem() -> None:
    assert problems(
        "CRIME_TOTAL_RATE,2019/20,E06000025,DELETE,12,1000,,",
        "NO_SUCH,2019/20,E06000025,DELETE,,,,",
        "CRIME_TOTAL_RATE,2019/20,E99999999,DELETE,,,,",
        "CRIME_TOTAL_RATE,2030/31,E06000025,DELETE,,,,",
    ) == [
        "line 2: numerator: '12' given with value DELETE: a row that removes a result gives no "
        "numerator or denominator (leave it empty, or give a value to replace it)",
        "line 2: denominator: '1000' given with value DELETE: a row that removes a result gives "
        "no numerator or denominator (leave it empty, or give a value to replace it)",
        "line 3: measure_code: unknown measure 'NO_SUCH'",
        "line 4: area_code: unknown area 'E99999999'",
        "line 5: period: 2030/31 ends on 31 March 2031, after today (30 June 2024): only "
        "periods that have ended can have results",
    ]


def test_a_delete_row_and_a_value_for_the_same_result_are_duplicates() -> None:
    assert problems(
        "CRIME_TOTAL_RATE,2019/20,E06000025,61.2,,,,",
        "CRIME_TOTAL_RATE,2019/20,E06000025,DELETE,,,,",
    ) == ["line 3: row: duplicates line 2 (same measure, area and period 2019/20)"]


def test_a_word_like_delete_is_still_not_a_number() -> None:
    assert problems("CRIME_TOTAL_RATE,2019/20,E06000025,DELETED,,,,") == [
        "line 2: value: 'DELETED' is not a number"
    ]


# --- limits: the largest file read, and reading it a row at a time ---------------------------

WORKBOOK_HEADER = ["measure_code", "period", "area_code", "value"]


def _rows(count: int) -> list[str]:
    return [f"CRIME_TOTAL_RATE,{1900 + i},E06000025,61.2,,,," for i in range(count)]


def _zip(parts: dict[str, bytes], *, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.fixture
def workbook_never_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook refused for its size must be refused before openpyxl reads any of it."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_the_limits_are_the_ones_the_readme_names() -> None:
    assert results_file.MAX_ROWS == 1_000_000
    assert results_file.MAX_UNPACKED_BYTES == 200 * 2**20
    assert results_file.MAX_XLSX_PART_BYTES == 20 * 2**20


def test_a_csv_over_the_row_limit_is_refused_naming_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(results_file, "MAX_ROWS", 3)
    assert parse(csv_bytes(*_rows(3), "", "")).ok  # blank lines are not rows
    assert file_error(csv_bytes(*_rows(4))) == (
        "line 5: the file has more than 3 rows of results, the most one file may have: split it "
        "into files of up to 3 rows."
    )


def test_a_workbook_over_the_row_limit_is_refused_naming_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(results_file, "MAX_ROWS", 3)
    rows = [["CRIME_TOTAL_RATE", 1900 + i, "E06000025", 61.2] for i in range(4)]
    assert parse(xlsx_bytes([WORKBOOK_HEADER, *rows[:3]]), "r.xlsx").ok
    assert file_error(xlsx_bytes([WORKBOOK_HEADER, *rows]), "r.xlsx").startswith(
        "line 5: the file has more than 3 rows of results, the most one file may have"
    )


def test_a_worksheet_beyond_excels_last_row_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results_file, "EXCEL_ROWS", 4)
    content = xlsx_bytes(
        [WORKBOOK_HEADER, ["CRIME_TOTAL_RATE", "2018/19", "E06000025", 1]], blank_rows_before=3
    )
    assert file_error(content, "r.xlsx").startswith(
        "line 5: the worksheet goes on beyond row 4, the last row Excel has"
    )


def test_a_workbook_that_unpacks_to_more_than_200_mb_is_refused_unopened(
    workbook_never_opened: None,
) -> None:
    """The issue's bomb: a few hundred kilobytes that unpack to more than the limit."""
    parts = _parts(xlsx_bytes([WORKBOOK_HEADER]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"<row/>" * (2**20 // 6)
            for _ in range(205):
                sheet.write(block)
    content = buffer.getvalue()
    assert len(content) < 2 * 2**20
    assert file_error(content, "r.xlsx").startswith(
        "the workbook unpacks to 205 MB, more than the limit of 200 MB for a results file"
    )


def test_shared_text_over_20_mb_is_refused_unopened(workbook_never_opened: None) -> None:
    """openpyxl reads a workbook's shared strings whole, even in read-only mode."""
    parts = _parts(xlsx_bytes([WORKBOOK_HEADER]))
    parts["xl/sharedStrings.xml"] = b"<sst>" + b"<si><t>x</t></si>" * (21 * 2**20 // 17) + b"</sst>"
    assert file_error(_zip(parts), "r.xlsx").startswith(
        "the workbook's part xl/sharedStrings.xml unpacks to 21 MB, more than the limit of 20 MB"
    )


def test_a_workbook_of_too_many_parts_is_refused_before_they_are_listed(
    workbook_never_opened: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = _parts(xlsx_bytes([WORKBOOK_HEADER]))
    many = {**parts, **{f"junk/{n}.xml": b"" for n in range(70_000)}}  # a zip64 directory
    content = _zip(many, level=1)

    def no_listing(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the zip directory was read")

    monkeypatch.setattr(zipfile.ZipFile, "infolist", no_listing)
    assert file_error(content, "r.xlsx").startswith(
        f"the workbook has {len(many):,} parts, more than the 1,000 a results workbook may have"
    )


def test_a_worksheet_cut_short_is_a_damaged_workbook_not_a_traceback() -> None:
    parts = _parts(xlsx_bytes([WORKBOOK_HEADER, ["CRIME_TOTAL_RATE", "2018/19", "E06000025", 1]]))
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-40]
    assert file_error(_zip(parts), "r.xlsx").startswith(
        "the file cannot be read as an Excel workbook (.xlsx): it may be damaged."
    )


def test_cells_right_of_the_header_are_side_notes_even_on_a_row_of_their_own() -> None:
    content = xlsx_bytes(
        [
            WORKBOOK_HEADER,
            ["CRIME_TOTAL_RATE", "2018/19", "E06000025", 61.2],
            [None, None, None, None, None, "a side note"],
        ]
    )
    assert parse(content, "r.xlsx").problems == ()


def test_rows_are_read_as_they_are_needed_not_all_at_once() -> None:
    """A bad byte far down the file is found only when reading gets there."""
    content = csv_bytes(*_rows(2000)) + b"\nCRIME_TOTAL_RATE,2018/19,E06000025,\xa361.2,,,,\n"
    rows = iter_table("r.csv", content)
    assert next(rows) == (
        2,
        {
            "measure_code": "CRIME_TOTAL_RATE",
            "period": "1900",
            "area_code": "E06000025",
            "value": "61.2",
            "numerator": "",
            "denominator": "",
            "note": "",
            "source": "",
        },
    )
    with pytest.raises(ResultsFileError, match=r"^line 2002: the file is not UTF-8 text"):
        list(rows)


def test_checking_a_large_file_keeps_only_the_checked_rows() -> None:
    """Memory for 50,000 rows: the checked rows, not every cell of the file as well (reading
    every cell first took 1.3 GB for a million rows)."""
    areas = {f"E{n:08d}" for n in range(500)}
    lines = [
        f"CRIME_TOTAL_RATE,{1920 + n // 500},E{n % 500:08d},{n % 97}.5,,,,Police"
        for n in range(50_000)
    ]
    content = csv_bytes(*lines)
    tracemalloc.start()
    try:
        parsed = parse_results_file("r.csv", content, UNITS, areas, TODAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (len(parsed.rows), parsed.problems) == (50_000, ())
    assert peak / len(parsed.rows) < 400  # bytes a row: about 210; reading every cell first, 920


def test_problems_beyond_the_listing_limit_are_counted_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A million rows of junk found six million problems: 970 MB to list them all."""
    monkeypatch.setattr(results_file, "MAX_PROBLEMS", 2)
    parsed = parse(csv_bytes("NOPE,2018/19,E9,61.2,,,,", "NOPE,2017/18,E06000025,61.2,,,,"))
    assert [str(p) for p in parsed.problems] == [
        "line 2: measure_code: unknown measure 'NOPE'",
        "line 2: area_code: unknown area 'E9'",
    ]
    assert (parsed.unlisted, parsed.ok, parsed.rows) == (1, False, ())


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("r.csv", csv_bytes(*_rows(3), "NOPE,2018/19,E06000025,61.2,,,,")),
        ("r.xlsx", xlsx_bytes([WORKBOOK_HEADER, ["CRIME_TOTAL_RATE", 2019, "E06000025", 1.5]])),
        ("r.csv", csv_bytes(*_rows(3)) + b"\nCRIME_TOTAL_RATE,2018/19,E06000025,\xa361.2,,,,\n"),
        ("r.csv", csv_bytes(*_rows(3)) + b"\nCRIME_TOTAL_RATE,2018/19,E06000025,61.2,,,\x00,\n"),
        ("r.csv", csv_bytes(*_rows(3), "CRIME_TOTAL_RATE,2018/19,E06000025," + "9" * 140_000)),
        ("r.xlsx", b"measure_code,period\n"),
    ],
)
def test_an_open_file_reads_as_its_bytes_do_and_is_left_open(
    tmp_path: Path, filename: str, content: bytes
) -> None:
    """The command line passes the file itself, so a large one is never held whole."""
    path = tmp_path / filename
    path.write_bytes(content)

    def outcome(source: object) -> object:
        try:
            return parse_results_file(filename, source, UNITS, AREAS, TODAY)  # type: ignore[arg-type]
        except ResultsFileError as error:
            return str(error)

    with path.open("rb") as file:
        assert outcome(file) == outcome(content)
        assert not file.closed
