"""`backup PATH` and `restore PATH`: the sample backed up, changed, and restored as it was — on
SQLite always, on PostgreSQL when TEST_DATABASE_URL is set and pg_dump is installed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from data_access import db, versions
from data_access.imports import import_results
from data_access.sample import load_sample
from data_access.tables import PeriodRow, PublicationVersionRow, ResultRow

CORRECTION = (
    "measure_code,period,area_code,value,numerator,denominator,note,source\n"
    "CRIME_TOTAL_RATE,2018/19,E06000025,95.0,,,corrected,Police\n"
)


def crime_2018_19() -> float:
    with db.session() as s:
        return s.scalar(
            sa.select(ResultRow.value)
            .join(PeriodRow, PeriodRow.id == ResultRow.period_id)
            .where(
                ResultRow.measure_code == "CRIME_TOTAL_RATE",
                ResultRow.area_code == "E06000025",
                PeriodRow.label == "2018/19",
            )
        )


def counts() -> tuple[int, int]:
    with db.session() as s:
        results = s.scalar(sa.select(sa.func.count()).select_from(ResultRow))
        published = s.scalar(sa.select(sa.func.count()).select_from(PublicationVersionRow))
    return results, published


@pytest.fixture
def sample(empty_db: str) -> str:
    if empty_db.startswith("postgresql") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    load_sample("test-loader")
    return empty_db


def test_a_backup_restored_brings_back_the_data_as_it_was(
    sample: str, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "dashboard.backup"
    before = (crime_2018_19(), counts())
    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    kind = "PostgreSQL" if sample.startswith("postgresql") else "SQLite"
    assert made.output.startswith(f"Backed up the {kind} database to {path}")
    import_results("correction.csv", CORRECTION.encode(), "test-loader")
    assert crime_2018_19() == 95.0
    version = versions.current()

    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert restored.output.startswith(f"Restored the database from {path} (revision ")
    assert (crime_2018_19(), counts()) == before
    assert versions.current() != version  # no worker's cache answers from before the restore


def test_restore_asks_first_and_changes_nothing_when_told_no(
    sample: str, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "dashboard.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    import_results("correction.csv", CORRECTION.encode(), "test-loader")
    answer = runner.invoke(args=["restore", str(path)], input="n\n")
    assert answer.exit_code == 1
    assert "Replace everything in the database" in answer.output
    assert crime_2018_19() == 95.0


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(
    sample: str, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    before = counts()
    bogus = tmp_path / "results.csv"
    bogus.write_text(CORRECTION)
    answer = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert answer.exit_code == 1
    assert "is not a backup made by `backup`" in answer.output
    missing = runner.invoke(args=["restore", str(tmp_path / "nothing.backup"), "--yes"])
    assert missing.exit_code == 1
    assert "no such file" in missing.output
    assert counts() == before


def test_backup_leaves_no_file_behind_when_it_fails(
    sample: str, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "no-such-folder" / "dashboard.backup"
    answer = runner.invoke(args=["backup", str(path)])
    assert answer.exit_code == 1
    assert answer.output.startswith(f"Error: Could not write {path}")
    assert not path.exists() and not path.with_name(path.name + ".partial").exists()
