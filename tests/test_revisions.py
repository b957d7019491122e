"""Result revisions (PRODUCT.md section 2): a replaced or removed result is kept, never
overwritten, and results can be read as they stood at any moment."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from data_access import audit, db, versions
from data_access.imports import ImportRejected, import_results
from data_access.results import _results_up_to
from data_access.revisions import results_as_at
from data_access.tables import AuditRow, ResultRevisionRow, ResultRow

HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source\n"
ROW = "CRIME_TOTAL_RATE,2019/20,E06000025,{value},,,,Police\n"
KEY = ("CRIME_TOTAL_RATE", "E06000025")
END = date(2020, 3, 31)

# Import times, from a clock the tests set (stored naive UTC, as audit.now gives)
FIRST = datetime(2030, 1, 10, 9, 0)
SECOND = datetime(2030, 2, 10, 9, 0)
THIRD = datetime(2030, 3, 10, 9, 0)


class Clock:
    def __init__(self) -> None:
        self.at = FIRST

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(users_db: str, monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr(audit, "now", fixed)
    return fixed


def _load(clock: Clock, at: datetime, body: str, actor: str = "officer", **options: object):
    clock.at = at
    return import_results("file.csv", (HEADER + body).encode(), actor, **options)


def _revisions() -> list[tuple]:
    r = ResultRevisionRow
    with db.session() as s:
        return s.execute(
            sa.select(
                r.value, r.loaded_at, r.loaded_by, r.replaced_at, r.replaced_by, r.removed
            ).order_by(r.id)
        ).all()


def _results_loaded_at(at: datetime) -> int:
    with db.session() as s:
        return s.scalar(
            sa.select(sa.func.count()).select_from(ResultRow).where(ResultRow.loaded_at == at)
        )


def _value_at(at: datetime | None) -> float | None:
    found = results_as_at([KEY[0]], [KEY[1]], END, at).get(KEY, {}).get("2019/20")
    return None if found is None else found.value


def test_a_correction_keeps_the_old_figure_with_who_loaded_it_and_who_replaced_it(
    clock: Clock,
) -> None:
    _load(clock, FIRST, ROW.format(value="60.0"), "officer")
    summary = _load(clock, SECOND, ROW.format(value="58.5"), "editor")
    assert summary.replaced == 1
    assert _revisions() == [(60.0, FIRST, "officer", SECOND, "editor", False)]


def test_results_as_at_before_a_correction_give_the_old_value_and_none_the_new(
    clock: Clock,
) -> None:
    _load(clock, FIRST, ROW.format(value="60.0"))
    _load(clock, SECOND, ROW.format(value="58.5"))
    _load(clock, THIRD, ROW.format(value="57.0"))
    assert _value_at(FIRST - timedelta(seconds=1)) is None  # not loaded yet
    assert _value_at(FIRST) == 60.0
    assert _value_at(SECOND - timedelta(microseconds=1)) == 60.0
    assert _value_at(SECOND) == 58.5
    assert _value_at(THIRD + timedelta(days=1)) == 57.0
    assert _value_at(None) == 57.0
    old = results_as_at([KEY[0]], [KEY[1]], END, SECOND)[KEY]["2019/20"]
    assert (old.period_start, old.period_end, old.source, old.loaded_at) == (
        date(2019, 4, 1),
        END,
        "Police",
        SECOND,
    )


def test_an_aware_moment_is_read_in_utc(clock: Clock) -> None:
    _load(clock, FIRST, ROW.format(value="60.0"))
    _load(clock, SECOND, ROW.format(value="58.5"))
    summer = timezone(timedelta(hours=1))
    just_before = (SECOND - timedelta(minutes=1)).replace(tzinfo=UTC).astimezone(summer)
    assert _value_at(just_before) == 60.0


def test_results_as_at_none_are_the_current_results(clock: Clock) -> None:
    _load(clock, FIRST, ROW.format(value="60.0"))
    _load(clock, SECOND, ROW.format(value="58.5"))
    codes, areas = ["CRIME_TOTAL_RATE", "ASB_PERCEPTION"], ["E06000025", "E12000009"]
    assert results_as_at(codes, areas, END, None) == _results_up_to(codes, areas, END)
    # every result loaded by now, as at now, is the current one too
    later = results_as_at(codes, areas, END, datetime(2100, 1, 1))
    assert later == _results_up_to(codes, areas, END)
    assert later[KEY]["2019/20"].value == 58.5


def test_a_delete_row_removes_the_result_keeping_and_auditing_what_it_was(clock: Clock) -> None:
    _load(clock, FIRST, ROW.format(value="60.0"), "officer")
    version = versions.current()
    summary = _load(clock, SECOND, ROW.format(value="DELETE"), "editor")
    assert (summary.deleted, summary.inserted, summary.replaced, summary.unchanged) == (1, 0, 0, 0)
    assert summary.sentence("file.csv").endswith("0 unchanged, 1 deleted")
    assert versions.current() != version
    assert _value_at(None) is None
    assert _results_loaded_at(FIRST) == 0
    with db.session() as s:
        entry = s.scalars(sa.select(AuditRow).where(AuditRow.action == "delete")).one()
    assert _revisions() == [(60.0, FIRST, "officer", SECOND, "editor", True)]
    detail = json.loads(entry.detail)
    assert (entry.actor, entry.entity) == ("editor", "CRIME_TOTAL_RATE E06000025 2019/20")
    assert (detail["removed"]["value"], detail["line"]) == (60.0, 2)


def test_results_as_at_before_a_deletion_still_have_the_result(clock: Clock) -> None:
    _load(clock, FIRST, ROW.format(value="60.0"))
    _load(clock, SECOND, ROW.format(value="delete"))
    assert _value_at(SECOND - timedelta(seconds=1)) == 60.0
    assert _value_at(SECOND) is None
    assert _value_at(None) is None
    # loaded again afterwards: absent in between, the new figure from then on
    _load(clock, THIRD, ROW.format(value="55.0"))
    assert _value_at(THIRD - timedelta(seconds=1)) is None
    assert _value_at(THIRD) == 55.0


def test_deleting_a_result_that_does_not_exist_rejects_the_whole_file(clock: Clock) -> None:
    other = "CRIME_TOTAL_RATE,2019/20,E12000009,61.0,,,,Police\n"
    with pytest.raises(ImportRejected) as caught:
        _load(clock, FIRST, other + ROW.format(value="DELETE"))
    assert [str(p) for p in caught.value.problems] == [
        "line 3: value: no result to delete for CRIME_TOTAL_RATE E06000025 2019/20"
    ]
    assert _results_loaded_at(FIRST) == 0  # the good row was not saved either
    assert _revisions() == []


def test_deleting_a_result_already_deleted_says_when_and_by_whom(clock: Clock) -> None:
    _load(clock, FIRST, ROW.format(value="60.0"))
    _load(clock, SECOND, ROW.format(value="DELETE"), "editor")
    with pytest.raises(ImportRejected) as caught:
        _load(clock, THIRD, ROW.format(value="DELETE"))
    assert str(caught.value.problems[0]) == (
        "line 2: value: no result to delete for CRIME_TOTAL_RATE E06000025 2019/20 "
        "(it was deleted on 2030-02-10 09:00 UTC by editor)"
    )
    assert len(_revisions()) == 1


def test_reloading_the_same_file_changes_nothing_and_adds_no_revision(clock: Clock) -> None:
    _load(clock, FIRST, ROW.format(value="60.0"))
    _load(clock, SECOND, ROW.format(value="58.5"))
    version = versions.current()
    again = _load(clock, THIRD, ROW.format(value="58.5"), "someone-else")
    assert (again.replaced, again.unchanged, again.deleted) == (0, 1, 0)
    assert versions.current() == version
    assert len(_revisions()) == 1
    assert _value_at(None) == 58.5


def test_a_dry_run_adds_no_revision(clock: Clock) -> None:
    _load(clock, FIRST, ROW.format(value="60.0"))
    replaced = _load(clock, SECOND, ROW.format(value="58.5"), dry_run=True)
    deleted = _load(clock, SECOND, ROW.format(value="DELETE"), dry_run=True)
    assert (replaced.replaced, deleted.deleted) == (1, 1)
    assert deleted.sentence("file.csv").startswith("file.csv: would load")
    assert _revisions() == []
    assert _value_at(None) == 60.0
    with db.session() as s:
        assert s.scalars(sa.select(AuditRow).where(AuditRow.action == "delete")).all() == []
