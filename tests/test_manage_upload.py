"""Manage › Upload results (#13): the preview saves nothing; the confirmation saves exactly the
checked file, checked again at that moment; refusals change nothing (INTERFACES.md section 7)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from data_access import audit, db, imports
from data_access.tables import AuditRow, PendingUploadRow, PeriodRow, ResultRow
from manage import upload as upload_view
from tests.signing import (
    ADMIN,
    GLOUCESTER_MEMBER,
    SOUTH_GLOS_EDITOR,
    SOUTH_GLOS_MEMBER,
    csrf_token,
    sign_in,
)

SLUG = "south-glos"
PAGE = f"/manage/{SLUG}/upload"
ROOT = Path(__file__).resolve().parent.parent
HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source"
# The sample's published South Gloucestershire figures (seed_data/results)
SEED_LINE = (ROOT / "seed_data/results/south_glos_delivery_plan.csv").read_text().splitlines()[4]
CHANGES = "\n".join(
    [
        HEADER,
        "CRIME_TOTAL_RATE,2015/16,E06000025,58.1,,,,Test",  # new
        "CRIME_TOTAL_RATE,2017/18,E06000025,62.0,,,,Test",  # was 61.2
        "VIOLENCE_WITH_INJURY_RATE,2017/18,E06000025,DELETE,,,,",  # was 4.3
        SEED_LINE,  # as stored
    ]
).encode()
_TOKEN = re.compile(r'name="token" value="([^"]+)"')


def new_client(server: Flask) -> FlaskClient:
    return server.test_client()


def signed_in(server: Flask, email: str) -> FlaskClient:
    client = new_client(server)
    assert sign_in(client, email).status_code == 303
    return client


@pytest.fixture
def editor(server: Flask, users_db: str) -> FlaskClient:
    return signed_in(server, SOUTH_GLOS_EDITOR)


def send_file(
    client: FlaskClient, content: bytes, name: str = "changes.csv", slug: str = SLUG
) -> TestResponse:
    return client.post(
        f"/manage/{slug}/upload",
        data={"csrf_token": csrf_token(client, PAGE), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def confirm(client: FlaskClient, token: str, slug: str = SLUG, **extra: object) -> TestResponse:
    data = {"csrf_token": csrf_token(client, f"/manage/{slug}/upload"), "token": token, **extra}
    return client.post(f"/manage/{slug}/upload", data=data, content_type="multipart/form-data")


def token_of(response: TestResponse) -> str:
    found = _TOKEN.search(response.get_data(as_text=True))
    assert found, "the preview has no confirmation form"
    return found.group(1)


def stored(measure: str, period: str, area: str = "E06000025") -> ResultRow | None:
    with db.session() as s:
        return s.scalar(
            sa.select(ResultRow)
            .join(PeriodRow, PeriodRow.id == ResultRow.period_id)
            .where(
                ResultRow.measure_code == measure,
                ResultRow.area_code == area,
                PeriodRow.label == period,
            )
        )


def snapshot() -> tuple[list[tuple], list[tuple]]:
    """The results and the audit log: what "saves nothing" is checked against."""
    with db.session() as s:
        results = s.execute(sa.select(ResultRow).order_by(ResultRow.id)).scalars()
        kept = [
            (r.id, r.measure_code, r.area_code, r.period_id, r.value, r.numerator, r.note)
            for r in results
        ]
        log = [tuple(row) for row in s.execute(sa.select(AuditRow.id, AuditRow.action))]
        return kept, log


def pending() -> int:
    with db.session() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(PendingUploadRow)) or 0


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def test_the_upload_page_has_a_labelled_file_field_and_the_template(editor: FlaskClient) -> None:
    body = text(editor.get(PAGE))
    assert '<label for="file"' in body
    assert 'type="file" id="file" name="file"' in body
    assert 'enctype="multipart/form-data"' in body
    assert 'href="/manage/template.csv"' in body


def test_the_template_is_an_empty_results_file_with_the_header(
    server: Flask, users_db: str
) -> None:
    response = signed_in(server, SOUTH_GLOS_EDITOR).get("/manage/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="results-template.csv"' in response.headers["Content-Disposition"]
    assert text(response).splitlines() == [
        "measure_code,period,area_code,value,numerator,denominator,note,source,design_effect"
    ]


def test_the_template_is_for_editors_and_admins_only(server: Flask, users_db: str) -> None:
    assert new_client(server).get("/manage/template.csv").status_code == 303
    assert signed_in(server, SOUTH_GLOS_MEMBER).get("/manage/template.csv").status_code == 403
    assert signed_in(server, ADMIN).get("/manage/template.csv").status_code == 200


def test_the_preview_saves_nothing_and_shows_what_would_change(editor: FlaskClient) -> None:
    before = snapshot()
    response = send_file(editor, CHANGES)
    assert response.status_code == 200
    body = text(response)
    assert (
        "Loading changes.csv would add 1 result, change 1, delete 1 and leave 1 unchanged." in body
    )
    assert "Nothing has been saved yet." in body
    assert "value: 61.2 → 62" in body
    assert "numerator: 16,933 → blank" in body
    # the published South Gloucestershire points from 2017/18 on are named
    for point in ("2017/18 (published version", "2018/19 H1 (published", "2018/19 (published"):
        assert point in body
    assert 'name="token"' in body
    assert snapshot() == before
    assert pending() == 1


def test_confirming_saves_the_checked_file_and_says_what_it_did(editor: FlaskClient) -> None:
    token = token_of(send_file(editor, CHANGES))
    response = confirm(editor, token)
    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    message = "changes.csv: loaded 4 rows: 1 new, 1 replaced, 1 unchanged, 1 deleted"
    assert message in text(editor.get(PAGE))
    changed = stored("CRIME_TOTAL_RATE", "2017/18")
    assert changed is not None and changed.value == 62.0 and changed.numerator is None
    assert changed.loaded_by == SOUTH_GLOS_EDITOR
    assert stored("CRIME_TOTAL_RATE", "2015/16") is not None
    assert stored("VIOLENCE_WITH_INJURY_RATE", "2017/18") is None
    assert pending() == 0
    assert confirm(editor, token).status_code == 404  # once only


def test_a_delete_row_removes_the_result_and_is_audited(editor: FlaskClient) -> None:
    content = f"{HEADER}\nVIOLENCE_WITH_INJURY_RATE,2017/18,E06000025,DELETE,,,,\n".encode()
    preview = send_file(editor, content, "remove.csv")
    assert "Results to delete (1)" in text(preview)
    assert "value 4.3" in text(preview)
    assert confirm(editor, token_of(preview)).status_code == 303
    assert stored("VIOLENCE_WITH_INJURY_RATE", "2017/18") is None
    entries = [e for e in audit.recent() if e["action"] == "delete"]
    assert [e["entity"] for e in entries] == ["VIOLENCE_WITH_INJURY_RATE E06000025 2017/18"]
    assert entries[0]["actor"] == SOUTH_GLOS_EDITOR
    assert entries[0]["detail"]["removed"]["value"] == 4.3


def test_the_confirmation_saves_the_stored_file_not_one_sent_with_it(
    editor: FlaskClient,
) -> None:
    token = token_of(send_file(editor, CHANGES))
    other = f"{HEADER}\nCRIME_TOTAL_RATE,2017/18,E06000025,99.0,,,,Swapped\n".encode()
    response = confirm(editor, token, file=(io.BytesIO(other), "changes.csv"))
    assert response.status_code == 303
    changed = stored("CRIME_TOTAL_RATE", "2017/18")
    assert changed is not None and changed.value == 62.0


def test_data_changed_after_the_preview_forces_a_new_preview(editor: FlaskClient) -> None:
    token = token_of(send_file(editor, CHANGES))
    meanwhile = f"{HEADER}\nCRIME_TOTAL_RATE,2017/18,E06000025,63.0,,,,Meanwhile\n".encode()
    imports.import_results("meanwhile.csv", meanwhile, "someone-else")
    before = snapshot()
    response = confirm(editor, token)
    assert response.status_code == 409
    body = text(response)
    assert upload_view.DATA_CHANGED in body
    assert "value: 63 → 62" in body  # what the file would change now
    assert snapshot() == before
    changed = stored("CRIME_TOTAL_RATE", "2017/18")
    assert changed is not None and changed.value == 63.0
    assert confirm(editor, token_of(response)).status_code == 303  # the new preview confirmed
    changed = stored("CRIME_TOTAL_RATE", "2017/18")
    assert changed is not None and changed.value == 62.0


def test_bad_rows_are_listed_as_line_column_reason_and_nothing_is_kept(
    editor: FlaskClient,
) -> None:
    content = "\n".join(
        [
            HEADER,
            "CRIME_TOTAL_RATE,2015/16,E06000025,58.1,,,,",
            "CRIME_TOTAL_RATE,2014/15,E06000025,lots,,,,",
            "NO_SUCH_MEASURE,2015/16,E06000025,1,,,,",
        ]
    ).encode()
    before = snapshot()
    body = text(send_file(editor, content, "bad.csv"))
    assert re.search(r"<li>line 3: value: [^<]+</li>", body)
    assert re.search(r"<li>line 4: measure_code: [^<]+</li>", body)
    assert "bad.csv has 2 problems, so nothing can be loaded from it." in body
    assert 'name="token"' not in body
    assert snapshot() == before
    assert pending() == 0


def test_at_most_a_thousand_problems_are_listed_then_counted(editor: FlaskClient) -> None:
    rows = ["CRIME_TOTAL_RATE,not a period,E06000025,1,,,,"] * 1_005
    body = text(send_file(editor, "\n".join([HEADER, *rows]).encode(), "many.csv"))
    assert body.count("<li>line ") == 1_000
    assert "and 5 more" in body


def test_a_delete_row_with_nothing_to_delete_is_a_problem(editor: FlaskClient) -> None:
    content = f"{HEADER}\nCRIME_TOTAL_RATE,2015/16,E06000025,DELETE,,,,\n".encode()
    body = text(send_file(editor, content, "nothing.csv"))
    assert "line 2: value: no result to delete for CRIME_TOTAL_RATE E06000025 2015/16" in body


def test_an_editors_row_for_another_area_is_refused(editor: FlaskClient) -> None:
    content = f"{HEADER}\nCRIME_TOTAL_RATE,2015/16,E23000036,58.1,,,,\n".encode()
    before = snapshot()
    body = text(send_file(editor, content, "force.csv"))
    assert "line 2: area_code: only an admin may load results for Avon and Somerset" in body
    assert 'name="token"' not in body
    assert snapshot() == before


def test_an_admin_may_load_results_for_any_area(server: Flask, users_db: str) -> None:
    admin = signed_in(server, ADMIN)
    content = f"{HEADER}\nCRIME_TOTAL_RATE,2015/16,E23000036,58.1,,,,\n".encode()
    response = confirm(admin, token_of(send_file(admin, content, "force.csv")))
    assert response.status_code == 303
    assert stored("CRIME_TOTAL_RATE", "2015/16", "E23000036") is not None


def test_another_user_cannot_confirm_someones_preview(server: Flask, editor: FlaskClient) -> None:
    token = token_of(send_file(editor, CHANGES))
    before = snapshot()
    admin = signed_in(server, ADMIN)
    refused = confirm(admin, token)
    assert refused.status_code == 404
    assert upload_view.PREVIEW_GONE in text(refused)
    # nor the same user's token for another partnership
    gloucester = signed_in(server, GLOUCESTER_MEMBER)
    assert confirm(gloucester, token, slug="gloucester").status_code == 404
    assert snapshot() == before
    assert confirm(editor, token).status_code == 303  # still the uploader's to confirm


def test_the_file_field_must_hold_a_csv_or_xlsx_file(editor: FlaskClient) -> None:
    missing = editor.post(PAGE, data={"csrf_token": csrf_token(editor, PAGE)})
    assert missing.status_code == 400
    assert upload_view.CHOOSE_FILE in text(missing)
    wrong = send_file(editor, b"%PDF-1.4", "results.pdf")
    assert wrong.status_code == 400
    assert "must be a CSV or XLSX file" in text(wrong)
    unreadable = send_file(editor, b"", "empty.csv")
    assert unreadable.status_code == 400
    assert 'href="#file"' in text(unreadable)
    assert pending() == 0


def test_an_xlsx_file_is_previewed_and_loaded(editor: FlaskClient) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["CRIME_TOTAL_RATE", "2015/16", "E06000025", 58.1])
    out = io.BytesIO()
    book.save(out)
    preview = send_file(editor, out.getvalue(), "results.xlsx")
    assert "would add 1 result" in text(preview)
    assert confirm(editor, token_of(preview)).status_code == 303
    assert stored("CRIME_TOTAL_RATE", "2015/16") is not None


def test_a_busy_import_lock_saves_nothing_and_keeps_the_preview(
    editor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = token_of(send_file(editor, CHANGES))
    monkeypatch.setattr(imports, "IMPORT_LOCK_TIMEOUT", 0.2)
    with db.transaction() as other:
        imports.lock_imports(other)
        busy = confirm(editor, token)
    assert busy.status_code == 503
    assert "another import is running" in text(busy)
    changed = stored("CRIME_TOTAL_RATE", "2017/18")
    assert changed is not None and changed.value == 61.2
    assert confirm(editor, token).status_code == 303


def test_previews_older_than_a_day_are_forgotten(editor: FlaskClient) -> None:
    with db.transaction() as s:
        s.add(
            PendingUploadRow(
                token="old",
                partnership_slug=SLUG,
                email=SOUTH_GLOS_EDITOR,
                filename="old.csv",
                content=CHANGES,
                sha256="0" * 64,
                changes_digest="0" * 64,
                made_at=audit.now() - timedelta(hours=25),
            )
        )
    token_of(send_file(editor, CHANGES))
    with db.session() as s:
        assert s.scalar(sa.select(PendingUploadRow).where(PendingUploadRow.token == "old")) is None


def refusals(server: Flask) -> Iterator[tuple[str, FlaskClient, int]]:
    yield "anonymous", new_client(server), 401
    yield "viewer", signed_in(server, SOUTH_GLOS_MEMBER), 403
    yield "editor of another partnership", signed_in(server, GLOUCESTER_MEMBER), 403


def test_refused_uploads_change_nothing(server: Flask, editor: FlaskClient) -> None:
    token = token_of(send_file(editor, CHANGES))
    before = snapshot()
    for who, client, status in refusals(server):
        sent = client.post(
            PAGE,
            data={"file": (io.BytesIO(CHANGES), "changes.csv")},
            content_type="multipart/form-data",
        )
        assert sent.status_code == status, who
        assert client.post(PAGE, data={"token": token}).status_code == status, who
    # the uploader without the form's CSRF token
    no_csrf = editor.post(
        PAGE,
        data={"file": (io.BytesIO(CHANGES), "changes.csv")},
        content_type="multipart/form-data",
    )
    assert no_csrf.status_code == 400
    assert editor.post(PAGE, data={"token": token}).status_code == 400
    assert snapshot() == before
    assert pending() == 1
    assert new_client(server).get(PAGE).status_code == 303
