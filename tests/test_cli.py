"""The command line as administrators use it: messages, exit codes, nothing changed on failure."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from data_access import db
from data_access.tables import AuditRow, PublicationRow, PublicationVersionRow, ResultRow

HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source\n"


def _count(table: type) -> int:
    with db.session() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(table)) or 0


def _load_sample(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["load-sample"])
    assert result.exit_code == 0, result.output


def test_init_db_is_safe_to_run_again(runner: FlaskCliRunner, empty_db: str) -> None:
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0
    head = sorted(p.name[:4] for p in Path("migrations/versions").glob("0*.py"))[-1]
    assert f"already at the latest revision ({head})" in result.output


def test_commands_refuse_an_unmigrated_database_with_a_hint(
    runner: FlaskCliRunner, tmp_path: Path, server: object
) -> None:
    db.configure(f"sqlite:///{tmp_path / 'blank.db'}")
    result = runner.invoke(args=["load-sample"])
    assert result.exit_code == 1
    assert "run `flask --app app:server init-db` first" in result.output


def test_load_sample_twice_changes_nothing_the_second_time(
    runner: FlaskCliRunner, empty_db: str
) -> None:
    first = runner.invoke(args=["load-sample"])
    assert first.exit_code == 0
    assert first.output.startswith("Loaded the sample data:")
    results, audits = _count(ResultRow), _count(AuditRow)
    second = runner.invoke(args=["load-sample"])
    assert second.exit_code == 0
    assert "nothing changed" in second.output
    assert (_count(ResultRow), _count(AuditRow)) == (results, audits)


def test_load_sample_publishes_all_but_the_latest_half_year(
    runner: FlaskCliRunner, empty_db: str
) -> None:
    _load_sample(runner)
    from data_access.publications import publications

    found = [(p.period.label, p.version) for p in publications("south-glos")]
    assert found == [("2018/19", 1), ("2018/19 H1", 1), ("2017/18", 1)]


def test_import_results_loads_a_good_file(
    runner: FlaskCliRunner, empty_db: str, tmp_path: Path
) -> None:
    _load_sample(runner)
    path = tmp_path / "good.csv"
    path.write_text(HEADER + "CRIME_TOTAL_RATE,2019/20,E06000025,,17000,285093,,Police\n")
    before = _count(ResultRow)
    result = runner.invoke(args=["import-results", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "good.csv: loaded 1 rows: 1 new, 0 replaced, 0 unchanged"
    assert _count(ResultRow) == before + 1


def test_import_results_reports_every_bad_row_and_saves_nothing(
    runner: FlaskCliRunner, empty_db: str, tmp_path: Path
) -> None:
    _load_sample(runner)
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "CRIME_TOTAL_RATE,2019/20,E06000025,61.0,,,,\n"
        + "NOT_A_MEASURE,2019/20,E06000025,61.0,,,,\n"
        + "CRIME_TOTAL_RATE,2019/20,E06000025,abc,,,,\n"
    )
    before = _count(ResultRow)
    result = runner.invoke(args=["import-results", str(path)])
    assert result.exit_code == 1
    assert "line 3: measure_code:" in result.output
    assert "line 4: value:" in result.output
    assert "nothing was saved" in result.output
    assert _count(ResultRow) == before


def test_import_results_dry_run_validates_without_saving(
    runner: FlaskCliRunner, empty_db: str, tmp_path: Path
) -> None:
    _load_sample(runner)
    path = tmp_path / "dry.csv"
    path.write_text(HEADER + "CRIME_TOTAL_RATE,2019/20,E06000025,61.0,,,,\n")
    before = _count(ResultRow)
    result = runner.invoke(args=["import-results", str(path), "--dry-run"])
    assert result.exit_code == 0
    assert "would load 1 rows: 1 new" in result.output
    assert _count(ResultRow) == before


def test_import_results_names_a_missing_file(runner: FlaskCliRunner, empty_db: str) -> None:
    result = runner.invoke(args=["import-results", "no-such-file.csv"])
    assert result.exit_code == 1
    assert "no-such-file.csv: no such file." in result.output


def test_publish_reports_new_then_already_published(runner: FlaskCliRunner, empty_db: str) -> None:
    _load_sample(runner)
    first = runner.invoke(args=["publish", "south-glos", "2019/20 H1"])
    assert first.exit_code == 0
    assert first.output.strip() == (
        "Published 2019/20 H1 (as at 30 September 2019) for south-glos: version 1."
    )
    again = runner.invoke(args=["publish", "south-glos", "12m to 2019-09"])  # the same point
    assert again.exit_code == 0
    assert "nothing differs from the latest published version" in again.output
    assert _count(PublicationRow) == 11
    assert _count(PublicationVersionRow) == 11


def test_publish_refuses_unknown_partnership_bad_label_and_future_points(
    runner: FlaskCliRunner, empty_db: str
) -> None:
    _load_sample(runner)
    before = _count(PublicationRow)
    unknown = runner.invoke(args=["publish", "nowhere", "2018/19"])
    assert unknown.exit_code == 1
    assert "No partnership 'nowhere'" in unknown.output
    bad = runner.invoke(args=["publish", "south-glos", "2019/20 Q5"])
    assert bad.exit_code == 1
    assert "is not a period" in bad.output
    future = runner.invoke(args=["publish", "south-glos", "2099/00"])
    assert future.exit_code == 1
    assert "in the future" in future.output
    assert _count(PublicationRow) == before


def test_export_results_writes_published_public_rows(
    runner: FlaskCliRunner, empty_db: str, tmp_path: Path
) -> None:
    _load_sample(runner)
    out = tmp_path / "open.json"
    result = runner.invoke(
        args=[
            "export-results",
            "--partnership",
            "south-glos",
            "--format",
            "json",
            "--output",
            str(out),
        ]
    )
    assert result.exit_code == 0
    rows = json.loads(out.read_text())
    assert result.output.strip() == f"Exported {len(rows)} rows to {out}."
    assert {r["partnership"] for r in rows} == {"south-glos"}
    assert "MARAC_REPEAT_VICTIMISATION_PCT" not in {r["measure_code"] for r in rows}
    assert all(r["period_end"] <= "2019-03-31" for r in rows)


def test_export_results_refuses_an_unknown_partnership(
    runner: FlaskCliRunner, empty_db: str
) -> None:
    _load_sample(runner)
    result = runner.invoke(args=["export-results", "--partnership", "nowhere"])
    assert result.exit_code == 1
    assert "No partnership 'nowhere'" in result.output


def test_export_results_withholds_a_small_count_as_the_public_sees_it(
    runner: FlaskCliRunner, empty_db: str
) -> None:
    _load_sample(runner)
    result = runner.invoke(
        args=["export-results", "--partnership", "south-glos", "--period", "2018/19"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    hate = next(r for r in rows if r["measure_code"] == "HATE_CRIME_THIRD_PARTY_REPORTS_COUNT")
    assert [hate[k] for k in ("value", "numerator", "denominator", "ci_low", "ci_high")] == [""] * 5
    assert (hate["suppressed"], hate["rating_status"]) == ("True", "no_data")
    assert f"Exported {len(rows)} rows." in result.stderr


def test_load_config_creates_then_reports_nothing_changed(
    runner: FlaskCliRunner, empty_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[area]]\ncode = "E06000025"\nname = "South Gloucestershire"\nkind = "partnership"\n\n'
        '[[measure]]\ncode = "CRIME_TOTAL_RATE"\ntitle = "All recorded crime"\n'
        'unit = "rate_per_1000"\npolarity = "lower_is_better"\n'
    )
    first = runner.invoke(args=["load-config", str(path)])
    assert first.exit_code == 0
    assert "1 areas, 1 measures and 0 partnerships created or updated" in first.output
    second = runner.invoke(args=["load-config", str(path)])
    assert "nothing changed" in second.output


def test_load_config_error_names_file_table_and_key_and_saves_nothing(
    runner: FlaskCliRunner, empty_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(
        '[[area]]\ncode = "E06000025"\nname = "South Gloucestershire"\nkind = "partnership"\n\n'
        '[[measure]]\ncode = "X"\ntitle = "X"\nunit = "rate"\npolarity = "lower_is_better"\n'
    )
    result = runner.invoke(args=["load-config", str(path)])
    assert result.exit_code == 1
    assert "broken.toml" in result.output
    assert "[[measure]]" in result.output
    assert "unit" in result.output
    from data_access.tables import AreaRow

    assert _count(AreaRow) == 0


CONFIG_AREAS = (
    '[[area]]\ncode = "E23000036"\nname = "Avon and Somerset"\nkind = "police_force"\n\n'
    '[[area]]\ncode = "E06000025"\nname = "South Gloucestershire"\nkind = "partnership"\n\n'
)
CONFIG_MEASURES = "".join(
    f'[[measure]]\ncode = "{code}"\ntitle = "{code}"\nunit = "percentage"\n'
    f'polarity = "higher_is_better"\n{extra}\n'
    for code, extra in (
        ("A", "decimals = 2\nsuppress_below = 5\ndesign_effect = 1.4\n"),
        ("B", ""),
        ("C", ""),
    )
)
CONFIG_PARTNERSHIP = (
    '[[partnership]]\nslug = "p"\nname = "P"\narea = "E06000025"\n'
    'comparators = ["E23000036"]\nreporting_points = ["09-30", "03-31"]\n'
    '  [[partnership.priority]]\n  number = 1\n  title = "One"\n'
)


def _partnership_measure(code: str, extra: str = "") -> str:
    return f'  [[partnership.measure]]\n  code = "{code}"\n  priority = 1\n  rule = "none"\n{extra}'


def test_load_config_keeps_measures_left_out_and_removes_only_those_marked(
    runner: FlaskCliRunner, empty_db: str, tmp_path: Path
) -> None:
    from data_access import catalogue

    full = tmp_path / "full.toml"
    full.write_text(
        CONFIG_AREAS
        + CONFIG_MEASURES
        + CONFIG_PARTNERSHIP
        + _partnership_measure("A", '  max_age_years = 5\n  area = "E23000036"\n')
        + _partnership_measure("B")
        + _partnership_measure("C")
    )
    assert runner.invoke(args=["load-config", str(full)]).exit_code == 0
    (p,) = catalogue.partnerships()
    assert p.reporting_points == ("03-31", "09-30")
    a = p.measures[0]
    assert (a.measure.decimals, a.measure.suppress_below, a.measure.design_effect) == (2, 5, 1.4)
    assert (a.max_age_years, a.area) == (5, "E23000036")
    assert [pm.measure.code for pm in p.measures] == ["A", "B", "C"]

    partial = tmp_path / "partial.toml"
    partial.write_text(
        CONFIG_PARTNERSHIP
        + _partnership_measure("C", "  public = false\n")
        + '  [[partnership.measure]]\n  code = "B"\n  remove = true\n'
    )
    result = runner.invoke(args=["load-config", str(partial)])
    assert result.exit_code == 0, result.output
    assert "1 partnerships created or updated" in result.output
    (p,) = catalogue.partnerships()
    assert [(pm.measure.code, pm.public) for pm in p.measures] == [("A", True), ("C", False)]
    assert (p.measures[0].max_age_years, p.measures[0].area) == (5, "E23000036")
    assert "nothing changed" in runner.invoke(args=["load-config", str(partial)]).output

    assert runner.invoke(args=["load-config", str(full)]).exit_code == 0
    (p,) = catalogue.partnerships()
    assert [(pm.measure.code, pm.public) for pm in p.measures] == [
        ("A", True),
        ("B", True),
        ("C", True),
    ]


def test_load_sample_adds_action_items_by_key_and_keeps_an_editor_s_updates(
    runner: FlaskCliRunner, empty_db: str
) -> None:
    from data_access.tables import ActionItemRow

    _load_sample(runner)
    items = _count(ActionItemRow)
    with db.transaction() as s:
        first = s.scalar(sa.select(ActionItemRow).where(ActionItemRow.key == "p1-2"))
        assert first is not None
        first.status, first.update = "achieved", "Edited by an editor"
        s.execute(sa.delete(ActionItemRow).where(ActionItemRow.key == "p2-1"))
        s.execute(sa.update(ActionItemRow).where(ActionItemRow.priority == 3).values(key=None))
    _load_sample(runner)
    with db.session() as s:
        kept = s.scalar(sa.select(ActionItemRow).where(ActionItemRow.key == "p1-2"))
        assert kept is not None and (kept.status, kept.update) == (
            "achieved",
            "Edited by an editor",
        )
        keys = list(s.scalars(sa.select(ActionItemRow.key)))
    # the missing item is added again; items stored without a key take their seed row's key
    assert _count(ActionItemRow) == items
    assert None not in keys and len(set(keys)) == items
