"""Manage › Audit log (INTERFACES.md section 7, issue #13): who (an e-mail, or `cli:<os user>`),
what, which partnership, when, old → new; newest first; filters who, what, from, to; the CSV with
every text cell neutralised; an editor sees their partnership's entries, an admin every entry.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from dashboard.model import ChangeKind
from data_access import audit, db, schema
from data_access.imports import import_results
from data_access.tables import AuditRow, Base, MeasureRow, PeriodRow, ResultRow
from tests.signing import (
    ADMIN,
    GLOUCESTER_MEMBER,
    SOUTH_GLOS_EDITOR,
    SOUTH_GLOS_MEMBER,
    sign_in,
)

AUDIT = "/manage/south-glos/audit"
AUDIT_CSV = "/manage/south-glos/audit.csv"


def snapshot() -> dict[str, list[tuple]]:
    with db.session() as s:
        return {
            t.name: sorted(map(tuple, s.execute(sa.select(t)).all()), key=repr)
            for t in Base.metadata.sorted_tables
        }


def signed_in(server: Flask, email: str) -> FlaskClient:
    client = server.test_client()
    assert sign_in(client, email).status_code == 303
    return client


def add_entry(
    actor: str,
    action: str,
    entity: str,
    partnership: str | None,
    at: datetime | None = None,
    **detail: object,
) -> None:
    with db.transaction() as session:
        audit.record(session, actor, action, entity, partnership=partnership, **detail)
        if at is not None:
            session.flush()
            latest = session.scalar(sa.select(sa.func.max(AuditRow.id)))
            session.execute(sa.update(AuditRow).where(AuditRow.id == latest).values(at=at))


def clear_log() -> None:
    with db.transaction() as session:
        session.execute(sa.delete(AuditRow))


def listed(client: FlaskClient, path: str = AUDIT, **query: str) -> list[str]:
    """The 'about' cell of each entry on the page, in order."""
    response = client.get(path, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    page = response.get_data(as_text=True)
    return [cell.split("</td>")[0] for cell in page.split('<td class="audit-about">')[1:]]


def csv_rows(client: FlaskClient, **query: str) -> list[dict[str, str]]:
    response = client.get(AUDIT_CSV, query_string=query)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def log(users_db: str) -> None:
    """Four entries of three partnerships (and none), on three days."""
    clear_log()
    add_entry(
        "editor@southglos.example.gov.uk",
        "publish",
        "south-glos 2019/20",
        "south-glos",
        datetime(2024, 4, 1, 9, 0),
        version=1,
    )
    add_entry(
        "cli:deploy",
        "replace-result",
        "CRIME_TOTAL_RATE E06000025 2019/20",
        "south-glos",
        datetime(2024, 5, 1, 23, 59),
        before={"value": 61.2, "note": ""},
        after={"value": 62.0, "note": ""},
    )
    add_entry(
        "officer@gloucester.example.gov.uk",
        "publish",
        "gloucester 2019",
        "gloucester",
        datetime(2024, 5, 2, 8, 0),
        version=3,
    )
    add_entry(
        ADMIN,
        "update-user",
        SOUTH_GLOS_MEMBER,
        None,
        datetime(2024, 6, 1, 12, 0),
        old={"role": "viewer"},
        new={"role": "editor"},
    )


# Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [AUDIT, AUDIT_CSV])
def test_the_audit_log_refuses_anyone_but_the_partnerships_editors_and_admins(
    server: Flask, users_db: str, path: str
) -> None:
    anonymous = server.test_client().get(path)
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"].startswith("/sign-in?next=")
    clients = {
        email: signed_in(server, email)
        for email in (SOUTH_GLOS_MEMBER, GLOUCESTER_MEMBER, SOUTH_GLOS_EDITOR, ADMIN)
    }
    before = snapshot()
    assert clients[SOUTH_GLOS_MEMBER].get(path).status_code == 403  # a viewer
    assert clients[GLOUCESTER_MEMBER].get(path).status_code == 403  # another partnership's editor
    assert clients[SOUTH_GLOS_EDITOR].get(path).status_code == 200
    assert clients[ADMIN].get(path).status_code == 200
    assert snapshot() == before


# The page ---------------------------------------------------------------------------------


def test_an_editor_sees_their_partnerships_entries_newest_first(server: Flask, log: None) -> None:
    editor = signed_in(server, SOUTH_GLOS_EDITOR)
    assert listed(editor) == ["CRIME_TOTAL_RATE E06000025 2019/20", "south-glos 2019/20"]
    page = editor.get(AUDIT).get_data(as_text=True)
    assert "value: 61.2 → 62.0" in page  # old → new, only what differs
    assert "cli:deploy" in page
    assert "2024-05-01 23:59" in page


def test_an_admin_sees_every_entry_including_those_of_no_partnership(
    server: Flask, log: None
) -> None:
    admin = signed_in(server, ADMIN)
    assert listed(admin) == [
        SOUTH_GLOS_MEMBER,
        "gloucester 2019",
        "CRIME_TOTAL_RATE E06000025 2019/20",
        "south-glos 2019/20",
    ]
    assert "role: viewer → editor" in admin.get(AUDIT).get_data(as_text=True)


FILTERED = [
    ({"who": "CLI:"}, ["CRIME_TOTAL_RATE E06000025 2019/20"]),
    ({"who": "gloucester"}, ["gloucester 2019"]),
    ({"what": "publish"}, ["gloucester 2019", "south-glos 2019/20"]),
    ({"what": "user"}, [SOUTH_GLOS_MEMBER]),
    ({"what": "import"}, ["CRIME_TOTAL_RATE E06000025 2019/20"]),
    ({"from": "2024-05-01", "to": "2024-05-01"}, ["CRIME_TOTAL_RATE E06000025 2019/20"]),
    ({"from": "2024-05-02"}, [SOUTH_GLOS_MEMBER, "gloucester 2019"]),
    ({"to": "2024-04-30"}, ["south-glos 2019/20"]),
    ({"what": "publish", "from": "2024-04-02"}, ["gloucester 2019"]),
    ({"who": "nobody"}, []),
]


def test_the_filters_narrow_the_log_on_the_page_and_in_the_csv(server: Flask, log: None) -> None:
    admin = signed_in(server, ADMIN)
    for query, expected in FILTERED:
        assert listed(admin, **query) == expected, query
        assert [row["about"] for row in csv_rows(admin, **query)] == expected, query


UNUSABLE = [
    ({"what": "everything"}, "audit-what", "is not a kind of change"),
    ({"from": "2024-13-01"}, "audit-from", "is not a date: write it as YYYY-MM-DD"),
    ({"to": "yesterday"}, "audit-to", "is not a date"),
    ({"from": "2024-05-01", "to": "2024-04-01"}, "audit-to", "is before"),
]


def test_filters_that_cannot_be_used_get_a_clear_message_not_an_error(
    server: Flask, log: None
) -> None:
    editor = signed_in(server, SOUTH_GLOS_EDITOR)
    for query, field, words in UNUSABLE:
        response = editor.get(AUDIT, query_string=query)
        assert response.status_code == 400, query
        page = response.get_data(as_text=True)
        assert words in page and f'href="#{field}"' in page and f'id="{field}"' in page, query
        download = editor.get(AUDIT_CSV, query_string=query)
        assert download.status_code == 400 and words in download.get_data(as_text=True), query


def test_a_long_log_comes_a_page_at_a_time(server: Flask, users_db: str) -> None:
    clear_log()
    for number in range(audit.PAGE_SIZE + 3):
        add_entry("cli:loader", "publish", f"south-glos point {number}", "south-glos")
    editor = signed_in(server, SOUTH_GLOS_EDITOR)
    first = editor.get(AUDIT).get_data(as_text=True)
    assert first.count('<td class="audit-about">') == audit.PAGE_SIZE
    assert f"south-glos point {audit.PAGE_SIZE + 2}<" in first  # the newest
    assert 'href="/manage/south-glos/audit?page=2"' in first
    second = listed(editor, page="2")
    assert second == ["south-glos point 2", "south-glos point 1", "south-glos point 0"]
    assert len(csv_rows(editor)) == audit.PAGE_SIZE + 3


# The CSV ----------------------------------------------------------------------------------


def test_the_csv_neutralises_every_cell_a_spreadsheet_would_run(
    server: Flask, users_db: str
) -> None:
    clear_log()
    add_entry(
        '=HYPERLINK("http://evil.example")',
        "replace-result",
        "@SUM(A1) E06000025 2019/20",
        "south-glos",
        before={"value": 1.0, "note": "-1"},
        after={"value": 1.0, "note": "=1+2"},
    )
    (row,) = csv_rows(signed_in(server, SOUTH_GLOS_EDITOR))
    assert row["who"] == '\'=HYPERLINK("http://evil.example")'
    assert row["about"] == "'@SUM(A1) E06000025 2019/20"
    assert row["change"] == "note: -1 → =1+2"  # starts with a letter: left alone
    assert json.loads(row["detail"])["after"]["note"] == "=1+2"
    assert row["what"] == "import" and row["partnership"] == "south-glos"
    assert row["at_utc"].endswith("Z")
    add_entry(ADMIN, "update-user", "x@example.gov.uk", "south-glos", old="-1", new="+2")
    newest = csv_rows(signed_in(server, SOUTH_GLOS_EDITOR))[0]
    assert newest["change"] == "'-1 → +2"


# What the log records ---------------------------------------------------------------------


def test_command_line_changes_are_recorded_as_cli_and_the_os_user(
    runner: FlaskCliRunner, users_db: str
) -> None:
    result = runner.invoke(
        args=["create-user", "new@example.gov.uk", "--role", "viewer", "--partnership", "stroud"],
        env={"PASSWORD": "a long enough password"},
    )
    assert result.exit_code == 0, result.output
    entry = next(
        e
        for e in audit.entries(audit.AuditFilter(what=ChangeKind.USER), None).entries
        if e.entity == "new@example.gov.uk"
    )
    assert entry.who.startswith("cli:") and len(entry.who) > len("cli:")
    assert entry.change == "added: partnerships: stroud; role: viewer"


def _a_result(area: str) -> tuple[str, str, float]:
    with db.session() as s:
        row = s.execute(
            sa.select(ResultRow.measure_code, PeriodRow.label, ResultRow.value)
            .join(PeriodRow, PeriodRow.id == ResultRow.period_id)
            .join(MeasureRow, MeasureRow.code == ResultRow.measure_code)
            .where(ResultRow.area_code == area, MeasureRow.unit == "rate_per_1000")
            .order_by(ResultRow.id)
            .limit(1)
        ).one()
    return row[0], row[1], row[2]


def test_imported_changes_belong_to_the_partnership_of_their_area(users_db: str) -> None:
    own = _a_result("E06000025")  # South Gloucestershire
    shared = _a_result("E23000036")  # Avon and Somerset: a force area, no one partnership's
    lines = ["measure_code,period,area_code,value"]
    for (measure, period, value), area in ((own, "E06000025"), (shared, "E23000036")):
        lines.append(f"{measure},{period},{area},{value + 1.5:.2f}")
    clear_log()
    import_results("fix.csv", io.BytesIO("\n".join(lines).encode()), "cli:loader")
    with db.session() as s:
        entries = s.execute(
            sa.select(AuditRow.action, AuditRow.kind, AuditRow.partnership, AuditRow.entity)
        ).all()
    by_entity = {entity: (action, kind, slug) for action, kind, slug, entity in entries}
    assert by_entity[f"{own[0]} E06000025 {own[1]}"] == ("replace-result", "import", "south-glos")
    assert by_entity[f"{shared[0]} E23000036 {shared[1]}"] == ("replace-result", "import", None)
    assert by_entity["fix.csv"] == ("import-results", "import", None)  # two areas' partnerships


def test_an_import_of_one_partnerships_area_is_that_partnerships(users_db: str) -> None:
    measure, period, value = _a_result("E06000025")
    text = f"measure_code,period,area_code,value\n{measure},{period},E06000025,{value + 1.5:.2f}\n"
    clear_log()
    import_results("own.csv", io.BytesIO(text.encode()), "editor@southglos.example.gov.uk")
    with db.session() as s:
        slugs = set(s.scalars(sa.select(AuditRow.partnership)))
    assert slugs == {"south-glos"}


def test_the_migration_gives_earlier_entries_their_kind_and_partnership(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'earlier.db'}")
    config = schema.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
    stamp = datetime(2024, 1, 1)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO area (code, name, kind) VALUES ('E06000025', 'S Glos', 'partnership')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO partnership (slug, name, area_code) "
                "VALUES ('south-glos', 'South Gloucestershire', 'E06000025'),"
                " ('south', 'South', 'E06000025')"
            )
        )
        for actor, action, entity in [
            ("root", "publish", "south-glos 2019/20 H1"),
            ("root", "replace-result", "CRIME E06000025 2019/20"),
            ("root", "delete", "CRIME E23000036 2019/20"),
            ("root", "load-config", "config.toml"),
            ("root", "create-user", "a@example.gov.uk"),
        ]:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_log (at, actor, action, entity, detail) "
                    "VALUES (:at, :actor, :action, :entity, '{}')"
                ),
                {"at": stamp, "actor": actor, "action": action, "entity": entity},
            )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT action, kind, partnership FROM audit_log ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("publish", "publish", "south-glos"),  # the longest slug it starts with
        ("replace-result", "import", "south"),  # two share the area: the first by slug
        ("delete", "delete", None),
        ("load-config", "config", None),
        ("create-user", "user", None),
    ]


def test_every_action_written_today_has_a_kind() -> None:
    for action in (*audit.KIND_OF_ACTION, "delete", "publish", "withdraw", "set-commentary"):
        assert audit.kind_of(action) in ChangeKind
    with pytest.raises(ValueError, match="no kind of change"):
        audit.kind_of("reticulate-splines")
    assert audit.parse_filter({"what": "Publish", "from": "2024-01-31"}) == audit.AuditFilter(
        what=ChangeKind.PUBLISH, since=date(2024, 1, 31)
    )
