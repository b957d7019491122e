"""Manage's commentary and action plan (INTERFACES.md section 7, PRODUCT.md sections 2 and 4):
commentary saved with its history, removed, kept to 5,000 characters, shown as text wherever it
holds HTML; action plan status saved; each change audited, marking published points changed, and
every refusal changing nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from dash import html
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from callbacks import measure, priority
from dashboard.audience import Audience
from dashboard.report import PointRef, public_view, to_json
from data_access import db
from data_access.reports import build_live
from data_access.tables import ActionItemRow, AuditRow, CommentaryRow
from layouts.rich_text import markdown_components
from tests.dash_text import find, text
from tests.manage_checks import database_state, point_statuses, signed_in, token
from tests.signing import SOUTH_GLOS_EDITOR

PAGE = "/manage/south-glos/commentary"
ACTIONS = "/manage/south-glos/actions"
CRIME = "CRIME_TOTAL_RATE"
SCRIPT = "<script>alert('x')</script> and <b>bold</b> **strong**"
H1_2019 = PointRef("2019/20 H1", date(2019, 4, 1), date(2019, 9, 30))


def save(
    client: FlaskClient, text_: str, code: str = CRIME, period: str = "2019/20 H1"
) -> TestResponse:
    return client.post(
        PAGE,
        data={"csrf_token": token(client), "measure_code": code, "period": period, "text": text_},
    )


def current_commentary(point: PointRef, code: str = CRIME) -> list[tuple[str, str]]:
    """(period, text) of the commentary the members' live report carries for the measure."""
    return [(c.period, c.text) for c in build_live("south-glos", point).commentary_for(code)]


def audit_rows(action: str) -> list[dict]:
    """Each audit entry of this action: its detail, and the partnership it belongs to."""
    with db.session() as s:
        rows = s.scalars(sa.select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id))
        return [json.loads(r.detail) | {"partnership": r.partnership} for r in rows]


@pytest.fixture
def editor(server: Flask, users_db: str) -> FlaskClient:
    return signed_in(server, SOUTH_GLOS_EDITOR)


# --- commentary ---------------------------------------------------------------------------------


def test_commentary_is_saved_shown_as_markdown_and_carried_in_the_report(
    editor: FlaskClient,
) -> None:
    sent = save(editor, "Crime **fell** again.\r\n\r\n- one\r\n- two")
    assert sent.status_code == 303
    assert sent.location.endswith(f"{PAGE}?period=2019%2F20+H1#measure-{CRIME}")
    page = editor.get(sent.location).text
    assert (
        "Saved the commentary on Total recorded crime per 1,000 population for 2019/20 H1." in page
    )
    assert "Crime <strong>fell</strong> again." in page and "<li>one</li>" in page
    assert SOUTH_GLOS_EDITOR in page  # the author
    assert current_commentary(H1_2019)[0] == ("2019/20 H1", "Crime **fell** again.\n\n- one\n- two")
    (detail,) = audit_rows("commentary")
    assert detail["old"] == "" and detail["new"].startswith("Crime **fell**")
    assert detail["partnership"] == "south-glos"


def test_saving_again_keeps_the_history_and_the_report_carries_only_the_latest(
    editor: FlaskClient,
) -> None:
    save(editor, "First words.")
    save(editor, "Second words.")
    with db.session() as s:
        kept = s.scalars(sa.select(CommentaryRow.text).order_by(CommentaryRow.id)).all()
    assert kept[-2:] == ["First words.", "Second words."]
    carried = current_commentary(H1_2019)
    assert carried[0] == ("2019/20 H1", "Second words.")
    assert all(words != "First words." for _, words in carried)
    page = editor.get(f"{PAGE}?period=2019/20 H1").text
    assert "Earlier versions (1)" in page and "First words." in page
    assert audit_rows("commentary")[-1] == {
        "new": "Second words.",
        "old": "First words.",
        "partnership": "south-glos",
    }


def test_a_new_text_supersedes_commentary_loaded_for_the_same_point_under_another_label(
    editor: FlaskClient,
) -> None:
    point = PointRef("2018/19 H1", date(2018, 4, 1), date(2018, 9, 30))
    (seeded,) = current_commentary(point)
    assert seeded[0] == "12m to 2018-09"  # the sample's, for the same end date
    save(editor, "Rewritten for the meeting.", period="2018/19 H1")
    assert current_commentary(point) == [("2018/19 H1", "Rewritten for the meeting.")]


def test_an_empty_text_removes_the_commentary_and_keeps_the_history(editor: FlaskClient) -> None:
    save(editor, "To be removed.")
    sent = save(editor, "   ")
    assert sent.status_code == 303
    page = editor.get(sent.location).text
    assert "Removed the commentary on" in page and "No commentary for 2019/20 H1." in page
    assert "<em>Removed</em>" not in page  # the removal is the current row, not an earlier one
    assert all(period != "2019/20 H1" for period, _ in current_commentary(H1_2019))
    with db.session() as s:
        assert s.scalars(sa.select(CommentaryRow.text).order_by(CommentaryRow.id)).all()[-1] == ""
    save(editor, "Back again.")
    assert "<em>Removed</em>" in editor.get(f"{PAGE}?period=2019/20 H1").text


def test_commentary_up_to_5000_characters_is_saved_and_longer_is_refused(
    editor: FlaskClient,
) -> None:
    assert save(editor, "a" * 5000).status_code == 303
    before = database_state()
    refused = save(editor, "b" * 5001)
    assert refused.status_code == 400
    assert "Commentary can be up to 5,000 characters; this is 5,001" in refused.text
    assert f'<a href="#text-{CRIME}" class="alert-link">' in refused.text
    assert "b" * 5001 in refused.text  # the draft is kept in its box
    assert database_state() == before


def test_commentary_holding_html_is_shown_as_text_everywhere(
    server: Flask, editor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    save(editor, SCRIPT)
    page = editor.get(f"{PAGE}?period=2019/20 H1").text
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt; <strong>strong</strong>" in page
    report = build_live("south-glos", H1_2019)
    assert report.commentary_for(CRIME)[0].text == SCRIPT  # the source, never rendered HTML
    assert json.loads(to_json(public_view(report)))["commentary"][0]["text"] == SCRIPT
    members = Audience(frozenset({"south-glos"}))
    monkeypatch.setattr(measure, "current_audience", lambda: members)
    with server.test_request_context():
        shown = measure.show_measure({"slug": "south-glos", "code": CRIME, "period": "2019/20 H1"})
    note = find(shown.body, html.Div, className="commentary-text")[0]  # the newest period's
    assert "<script>alert('x')</script> and <b>bold</b>" in text(note)
    assert not find(shown.body, html.Script) and not find(shown.body, html.B)
    assert [s.children for s in find(note, html.Strong)] == [["strong"]]


def test_commentary_on_a_published_point_marks_it_changed_since_publication(
    editor: FlaskClient,
) -> None:
    save(editor, "A late note.", period="2018/19")
    statuses = point_statuses(editor.get("/manage").text, "points-south-glos")
    assert statuses["2018/19"].endswith("; changed since publication")
    assert "changed" not in statuses["2018/19 H1"]  # ends before it: its report does not carry it
    opened = editor.get("/manage/south-glos/publish?period=2018/19").text
    assert "<li>Commentary edited</li>" in opened


def test_a_measure_that_is_not_the_partnerships_is_refused(editor: FlaskClient) -> None:
    before = database_state()
    sent = save(editor, "Words.", code="NOT_A_MEASURE")
    assert sent.status_code == 400 and "is not one of south-glos" in sent.text
    assert database_state() == before


# --- action plan --------------------------------------------------------------------------------


def test_an_action_status_and_update_are_saved_audited_and_shown_on_the_priority_page(
    server: Flask, editor: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = editor.get(PAGE).text
    assert 'id="status-p1-2"' in page and 'for="status-p1-2"' in page
    sent = editor.post(
        ACTIONS,
        data={
            "csrf_token": token(editor),
            "item": "p1-2",
            "status": "achieved",
            "update": "The hub is fully running.",
        },
    )
    assert sent.status_code == 303 and sent.location.endswith("#action-p1-2")
    assert "Saved “Support the introduction of a Multi-Agency" in editor.get(sent.location).text
    with db.session() as s:
        row = s.scalar(sa.select(ActionItemRow).where(ActionItemRow.key == "p1-2"))
        assert (row.status, row.update) == ("achieved", "The hub is fully running.")
    (detail,) = audit_rows("action")
    assert detail["old"]["status"] == "in_progress" and detail["new"]["status"] == "achieved"
    members = Audience(frozenset({"south-glos"}))
    monkeypatch.setattr(priority, "current_audience", lambda: members)
    with server.test_request_context():
        shown = priority.show_priority({"slug": "south-glos", "number": "1", "period": None})
    assert "The hub is fully running." in text(shown.body)


def test_an_action_status_without_an_update_keeps_the_update(editor: FlaskClient) -> None:
    sent = editor.post(
        ACTIONS, data={"csrf_token": token(editor), "item": "p1-2", "status": "not_started"}
    )
    assert sent.status_code == 303
    with db.session() as s:
        row = s.scalar(sa.select(ActionItemRow).where(ActionItemRow.key == "p1-2"))
        assert (row.status, row.update) == ("not_started", "Currently in early stages of operation")


@pytest.mark.parametrize(("item", "status"), [("p1-2", "finished"), ("no-such-item", "achieved")])
def test_an_unknown_status_or_item_is_refused(editor: FlaskClient, item: str, status: str) -> None:
    before = database_state()
    sent = editor.post(ACTIONS, data={"csrf_token": token(editor), "item": item, "status": status})
    assert sent.status_code == 400 and "nothing was saved" in sent.text.lower()
    assert database_state() == before


# --- the measure page's rendering ---------------------------------------------------------------


def test_commentary_markdown_becomes_components_without_markup_or_unsafe_links() -> None:
    shown = markdown_components(
        "# Heading\n\n<img src=x onerror=alert(1)> [safe](https://example.org) "
        "[unsafe](javascript:alert(1))\n\n3. third"
    )
    assert [h.children for h in find(shown, html.H4)] == [["Heading"]]  # under the period's h3
    assert "<img src=x onerror=alert(1)>" in text(shown) and not find(shown, html.Img)
    links = find(shown, html.A)
    assert [getattr(a, "href", None) for a in links] == ["https://example.org"]
    assert find(shown, html.Ol)[0].start == 3
