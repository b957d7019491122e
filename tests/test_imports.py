"""Loading results: all or nothing, idempotent, audited replacements, CSV and XLSX."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
import sqlalchemy as sa

from data_access import db, versions
from data_access.imports import ImportRejected, import_results
from data_access.sample import load_sample
from data_access.tables import AuditRow, PeriodRow, ResultRow

HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source\n"
ROW = "CRIME_TOTAL_RATE,2019/20,E06000025,{value},,,,Police\n"


@pytest.fixture
def loaded(empty_db: str) -> str:
    load_sample("tester")
    return empty_db


def _stored(measure: str = "CRIME_TOTAL_RATE", label: str = "2019/20") -> list[tuple]:
    with db.session() as s:
        return s.execute(
            sa.select(ResultRow.value, ResultRow.loaded_by)
            .join(PeriodRow, PeriodRow.id == ResultRow.period_id)
            .where(
                ResultRow.measure_code == measure,
                PeriodRow.label == label,
                ResultRow.area_code == "E06000025",
            )
        ).all()


def test_a_file_with_one_bad_row_saves_none_of_its_good_rows(loaded: str) -> None:
    content = (
        HEADER + ROW.format(value="60.0") + "CRIME_TOTAL_RATE,2019/20 H1,E06000025,120%,,,,\n"
    ).encode()
    with pytest.raises(ImportRejected) as caught:
        import_results("mixed.csv", content, "officer")
    assert str(caught.value.problems[0]).startswith("line 3: value:")
    assert _stored() == []


def test_loading_the_same_file_twice_changes_nothing_the_second_time(loaded: str) -> None:
    content = (HEADER + ROW.format(value="60.0")).encode()
    first = import_results("a.csv", content, "officer")
    version = versions.current()
    second = import_results("a.csv", content, "someone-else")
    assert (first.inserted, second.inserted, second.replaced, second.unchanged) == (1, 0, 0, 1)
    assert versions.current() == version
    assert _stored() == [(60.0, "officer")]


def test_a_replaced_value_is_recorded_in_the_audit_log(loaded: str) -> None:
    import_results("a.csv", (HEADER + ROW.format(value="60.0")).encode(), "officer")
    summary = import_results("b.csv", (HEADER + ROW.format(value="58.5")).encode(), "editor")
    assert summary.replaced == 1
    assert _stored() == [(58.5, "editor")]
    with db.session() as s:
        audit = s.scalars(sa.select(AuditRow).where(AuditRow.action == "replace-result")).one()
    detail = json.loads(audit.detail)
    assert audit.actor == "editor"
    assert audit.entity == "CRIME_TOTAL_RATE E06000025 2019/20"
    assert (detail["before"]["value"], detail["after"]["value"], detail["line"]) == (60.0, 58.5, 2)


def test_an_alias_label_replaces_the_canonical_period_rather_than_duplicating_it(
    loaded: str,
) -> None:
    import_results("a.csv", (HEADER + ROW.format(value="60.0")).encode(), "officer")
    alias = "CRIME_TOTAL_RATE,12m to 2020-03,E06000025,59.0,,,,Police\n"
    import_results("b.csv", (HEADER + alias).encode(), "officer")
    assert _stored() == [(59.0, "officer")]


def test_an_excel_workbook_loads_like_the_csv(loaded: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Measure_Code", "Period", "Area_Code", "Value"])
    sheet.append(["CRIME_TOTAL_RATE", "2019/20", "E06000025", 61.2])
    buffer = io.BytesIO()
    book.save(buffer)
    summary = import_results("results.xlsx", buffer.getvalue(), "officer")
    assert summary.inserted == 1
    assert _stored() == [(61.2, "officer")]


def test_a_dry_run_reports_what_would_happen_and_saves_nothing(loaded: str) -> None:
    summary = import_results(
        "a.csv", (HEADER + ROW.format(value="60.0")).encode(), "officer", dry_run=True
    )
    assert (summary.inserted, summary.dry_run) == (1, True)
    assert _stored() == []


def test_the_schema_indexes_what_the_dashboard_reads(empty_db: str) -> None:
    inspector = sa.inspect(db.engine())
    indexed = {tuple(ix["column_names"]) for ix in inspector.get_indexes("result")}
    unique = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("result")}
    assert ("area_code", "period_id") in indexed
    assert ("measure_code", "area_code") in indexed
    assert ("measure_code", "area_code", "period_id") in unique
