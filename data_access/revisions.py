"""Results as they stood at a moment: the live rows plus the revisions they replaced.

Every replaced or removed result is kept in result_revision with the time it was loaded and the
time it stopped being current (PRODUCT.md section 2), so the history behind a published version
is read as it stood when the version was published, not as corrected since.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime

import sqlalchemy as sa

from dashboard.model import Result
from data_access import db
from data_access.results import _result_columns, _results_up_to
from data_access.tables import PeriodRow, ResultRevisionRow, ResultRow


def results_as_at(
    codes: Iterable[str], area_codes: Iterable[str], end: date, at: datetime | None
) -> dict[tuple[str, str], dict[str, Result]]:
    """All results of these measures and areas ending on or before `end`, as they stood at `at`.

    Keyed like data_access.results._results_up_to: (measure code, area code), then the period's
    canonical label. With `at` None, the current results. Otherwise each result's figure at
    `at`: the live row if it was loaded by then, else the revision that was current then (a
    result removed after `at` is still there; one first loaded after `at` is not). `at` is
    naive UTC, as stored; an aware datetime is converted.
    """
    if at is None:
        return _results_up_to(codes, area_codes, end)
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    codes, area_codes = list(codes), list(area_codes)
    current = _select(ResultRow, codes, area_codes, end).where(ResultRow.loaded_at <= at)
    earlier = _select(ResultRevisionRow, codes, area_codes, end).where(
        ResultRevisionRow.loaded_at <= at, ResultRevisionRow.replaced_at > at
    )
    grouped: dict[tuple[str, str], dict[str, Result]] = defaultdict(dict)
    with db.session() as s:
        # Core rows, built positionally, as _results_up_to does
        for row in s.connection().execute(sa.union_all(current, earlier)):
            result = Result(*row)
            grouped[(result.measure_code, result.area_code)][result.period] = result
    return grouped


def _select(
    table: type[ResultRow] | type[ResultRevisionRow],
    codes: list[str],
    area_codes: list[str],
    end: date,
) -> sa.Select:
    """The live query's columns (in Result's order) read from `table`, so the two stay in step."""
    columns = tuple(
        getattr(table, column.key) if getattr(column, "class_", None) is ResultRow else column
        for column in _result_columns()
    )
    return (
        sa.select(*columns)
        .join(PeriodRow, PeriodRow.id == table.period_id)
        .where(
            table.measure_code.in_(codes),
            table.area_code.in_(area_codes),
            PeriodRow.end_date <= end,
        )
    )
