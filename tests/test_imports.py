"""Loading results: all or nothing, idempotent, audited replacements, CSV and XLSX."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from dashboard import results_file
from data_access import db, imports, versions
from data_access.imports import ImportBusy, ImportRejected, import_results, lock_imports
from data_access.tables import AuditRow, PeriodRow, ResultRow

HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source\n"
ROW = "CRIME_TOTAL_RATE,2019/20,E06000025,{value},,,,Police\n"


@pytest.fixture
def loaded(users_db: str) -> str:
    """The sample loaded (a copy of the session's loaded database: loading it is slow)."""
    return users_db


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


# --- dry runs write nothing ------------------------------------------------------------------

NEW_PERIOD_ROWS = (
    "CRIME_TOTAL_RATE,2003/04 Q2,E06000025,60.0,,,,Police\n"
    "VIOLENCE_WITH_INJURY_RATE,2003/04 Q2,E06000025,4.1,,,,Police\n"
)


def _table(row_class: type) -> list[tuple]:
    with db.session() as s:
        return [tuple(r) for r in s.execute(sa.select(row_class.__table__)).all()]


def test_a_dry_run_of_a_file_with_a_new_period_leaves_the_period_table_as_it_was(
    loaded: str,
) -> None:
    periods, audit, version = _table(PeriodRow), _table(AuditRow), versions.current()
    summary = import_results(
        "new.csv", (HEADER + NEW_PERIOD_ROWS).encode(), "officer", dry_run=True
    )
    assert (summary.inserted, summary.dry_run) == (2, True)
    assert _table(PeriodRow) == periods
    assert _table(AuditRow) == audit
    assert versions.current() == version
    # and the same file for real adds the period once
    assert import_results("new.csv", (HEADER + NEW_PERIOD_ROWS).encode(), "officer").inserted == 2
    assert len(_table(PeriodRow)) == len(periods) + 1


def test_a_dry_run_deleting_a_result_of_a_period_never_stored_is_rejected_and_writes_nothing(
    loaded: str,
) -> None:
    periods = _table(PeriodRow)
    body = "CRIME_TOTAL_RATE,2003/04 Q3,E06000025,DELETE,,,,\n"
    with pytest.raises(ImportRejected) as caught:
        import_results("d.csv", (HEADER + body).encode(), "officer", dry_run=True)
    assert [str(p) for p in caught.value.problems] == [
        "line 2: value: no result to delete for CRIME_TOTAL_RATE E06000025 2003/04 Q3"
    ]
    assert _table(PeriodRow) == periods


# --- figures the database cannot hold never reach it -----------------------------------------


@pytest.mark.parametrize(
    ("counts", "problem"),
    [
        (
            ",9223372036854775808,9223372036854775809",  # 2**63: bigint out of range
            "line 2: numerator: 9223372036854775808 is too large: a count may be at most "
            "1,000,000,000,000",
        ),
        (
            ",5,99999999999999999999",
            "line 2: denominator: 99999999999999999999 is too large: a count may be at most "
            "1,000,000,000,000",
        ),
        (
            "1e300,,",
            "line 2: value: 1e300 is too large: a value may be at most 1,000,000,000,000",
        ),
    ],
)
def test_a_figure_too_large_is_a_row_error_not_a_database_error(
    loaded: str, counts: str, problem: str
) -> None:
    body = f"CRIME_TOTAL_RATE,2019/20,E06000025,{counts},,Police\n"
    with pytest.raises(ImportRejected) as caught:
        import_results("big.csv", (HEADER + body).encode(), "officer")
    assert [str(p) for p in caught.value.problems][:1] == [problem]
    assert _stored() == []


# --- a large file is compared and written a batch at a time, all or nothing -------------------


def _many_rows(value: str, periods: range) -> str:
    return "".join(
        f"{measure},{year}/{(year + 1) % 100:02d},E06000025,{value},,,,Police\n"
        for measure in ("CRIME_TOTAL_RATE", "VIOLENCE_WITH_INJURY_RATE")
        for year in periods
    )


def test_batches_insert_replace_and_delete_like_one_write(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "_BATCH_ROWS", 2)
    monkeypatch.setattr(imports, "_BATCH_PAIRS", 1)
    first = import_results("a.csv", (HEADER + _many_rows("50", range(1990, 1996))).encode(), "o")
    assert (first.rows, first.inserted) == (12, 12)
    body = _many_rows("51", range(1990, 1993)) + _many_rows("DELETE", range(1993, 1996))
    second = import_results("b.csv", (HEADER + body).encode(), "o")
    assert (second.replaced, second.deleted, second.unchanged) == (6, 6, 0)
    with db.session() as s:
        actions = s.execute(
            sa.select(AuditRow.action, sa.func.count()).group_by(AuditRow.action)
        ).all()
    assert {"replace-result": 6, "delete": 6}.items() <= dict(actions).items()


def test_a_missing_delete_in_a_later_batch_saves_none_of_the_earlier_batches(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "_BATCH_ROWS", 2)
    monkeypatch.setattr(imports, "_BATCH_PAIRS", 1)
    periods, results = _table(PeriodRow), _table(ResultRow)
    body = _many_rows("50", range(1990, 1996)) + "CRIME_TOTAL_RATE,1980/81,E06000025,DELETE,,,,\n"
    with pytest.raises(ImportRejected) as caught:
        import_results("a.csv", (HEADER + body).encode(), "o")
    assert [p.line for p in caught.value.problems] == [14]
    assert (_table(PeriodRow), _table(ResultRow)) == (periods, results)


# --- imports are serialised ------------------------------------------------------------------


def _import_at_once(server: Flask, count: int, content: bytes, **options: object) -> list:
    """Run `count` imports of `content` in threads that reach the write together; each
    outcome is an ImportSummary or the exception raised."""
    together = threading.Barrier(count, timeout=60)
    validate = imports.validate_file

    def validated(*args: object, **kwargs: object):
        parsed = validate(*args, **kwargs)
        together.wait()
        return parsed

    outcomes: list = [None] * count

    def run(n: int) -> None:
        with server.app_context():
            try:
                outcomes[n] = import_results(f"{n}.csv", content, f"officer-{n}", **options)
            except Exception as error:  # the test inspects whatever happened
                outcomes[n] = error

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(imports, "validate_file", validated)
        threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    return outcomes


def test_two_imports_of_one_file_at_once_both_succeed(loaded: str, server: Flask) -> None:
    """Both add the same new period and results: without the lock, one died with an
    IntegrityError."""
    periods = len(_table(PeriodRow))
    outcomes = _import_at_once(server, 2, (HEADER + NEW_PERIOD_ROWS).encode())
    assert all(isinstance(outcome, imports.ImportSummary) for outcome in outcomes), outcomes
    assert sorted((o.inserted, o.unchanged) for o in outcomes) == [(0, 2), (2, 0)]
    assert len(_table(PeriodRow)) == periods + 1
    assert len(_stored(label="2003/04 Q2")) == 1


def test_an_import_waits_for_one_that_is_running_then_loads(loaded: str, server: Flask) -> None:
    held = threading.Event()
    release = threading.Event()

    def hold_the_lock() -> None:
        with server.app_context(), db.transaction() as session:
            lock_imports(session)
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert held.wait(30)
        threading.Timer(1.0, release.set).start()
        started = time.monotonic()
        summary = import_results(
            "a.csv", (HEADER + ROW.format(value="60.0")).encode(), "officer", lock_timeout=20
        )
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(30)
    assert summary.inserted == 1
    assert waited >= 0.9


def test_an_import_that_waits_too_long_is_refused_and_saves_nothing(
    loaded: str, server: Flask
) -> None:
    periods = _table(PeriodRow)
    with db.transaction() as session:  # another import, holding the lock
        lock_imports(session)
        started = time.monotonic()
        with pytest.raises(ImportBusy) as caught:
            import_results("new.csv", (HEADER + NEW_PERIOD_ROWS).encode(), "o", lock_timeout=1)
        waited = time.monotonic() - started
    assert str(caught.value).startswith("another import is running (waited 1 s")
    assert 0.9 <= waited < 15
    assert _table(PeriodRow) == periods
    assert _stored(label="2003/04 Q2") == []


def test_the_command_says_another_import_is_running(
    loaded: str, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "IMPORT_LOCK_TIMEOUT", 1)
    path = tmp_path / "busy.csv"
    path.write_text(HEADER + NEW_PERIOD_ROWS)
    with db.transaction() as session:
        lock_imports(session)
        result = runner.invoke(args=["import-results", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        "busy.csv: another import is running (waited 1 s for it to finish): nothing was saved; "
        "try again in a minute."
    )
    assert _stored(label="2003/04 Q2") == []


def test_a_dry_run_does_not_wait_for_a_running_import(loaded: str) -> None:
    with db.transaction() as session:
        lock_imports(session)
        summary = import_results(
            "new.csv", (HEADER + NEW_PERIOD_ROWS).encode(), "o", dry_run=True, lock_timeout=0.2
        )
    assert summary.inserted == 2


def test_the_command_lists_the_first_problems_and_counts_the_rest(
    loaded: str, runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results_file, "MAX_PROBLEMS", 2)
    path = tmp_path / "junk.csv"
    path.write_text(HEADER + "".join(f"NOPE,{1990 + n},E06000025,1,,,,\n" for n in range(5)))
    result = runner.invoke(args=["import-results", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: line 2: measure_code: unknown measure 'NOPE'",
        "line 3: measure_code: unknown measure 'NOPE'",
        "... and 3 more problem(s), not listed",
        "junk.csv: 5 problem(s); nothing was saved.",
    ]
