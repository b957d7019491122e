"""Manage's admin pages and a user's own password (INTERFACES.md section 7, issue #13): users
(create, role and partnerships, new password, disable), configuration (preview, then exactly the
previewed file saved), and /account/password; each refused as the contract says, changing nothing.
"""

from __future__ import annotations

import io
import json
import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from dashboard.config_file import parse_config
from dashboard.model import ChangeKind
from data_access import catalogue, db, users
from data_access.tables import (
    AuditRow,
    Base,
    PartnershipMeasureRow,
    PartnershipRow,
    PendingConfigRow,
)
from tests.signing import (
    ADMIN,
    GLOUCESTER_MEMBER,
    PASSWORD,
    SOUTH_GLOS_EDITOR,
    SOUTH_GLOS_MEMBER,
    csrf_token,
    sign_in,
)

NEW_PASSWORD = "a quite different passphrase"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# Cheltenham has three measures in the sample: this file changes one, removes one with
# `remove = true` and leaves the third out
CHELTENHAM = """
[[partnership]]
slug = "cheltenham"
name = "Cheltenham Community Safety Partnership"
area = "E07000078"
comparators = ["E23000037", "E12000009", "K04000001"]
reporting_points = ["12-31"]

  [[partnership.priority]]
  number = 1
  title = "Community safety"

  [[partnership.measure]]
  code = "CRIME_TOTAL_RATE"
  priority = 1
  public = false
  rule = "beat_comparators"

  [[partnership.measure]]
  code = "VIOLENCE_WITH_INJURY_RATE"
  remove = true
"""
SAMPLE_MEASURES = ["CRIME_TOTAL_RATE", "VIOLENCE_WITH_INJURY_RATE", "ASB_INCIDENTS_RATE"]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: what "changes nothing" is checked against."""
    with db.session() as s:
        return {
            t.name: sorted(map(tuple, s.execute(sa.select(t)).all()), key=repr)
            for t in Base.metadata.sorted_tables
        }


def signed_in(server: Flask, email: str, password: str = PASSWORD) -> FlaskClient:
    client = server.test_client()
    assert sign_in(client, email, password).status_code == 303
    return client


def token(client: FlaskClient, path: str) -> str:
    return csrf_token(client, path)


def user_id(email: str) -> int:
    return next(u.id for u in users.list_users() if u.email == email)


def user_audit(email: str) -> list[AuditRow]:
    with db.session() as s:
        return list(
            s.scalars(
                sa.select(AuditRow)
                .where(AuditRow.kind == ChangeKind.USER.value, AuditRow.entity == email)
                .order_by(AuditRow.id)
            )
        )


def cheltenham_measures() -> dict[str, bool]:
    """Cheltenham's measures and whether each is public."""
    with db.session() as s:
        rows = s.execute(
            sa.select(PartnershipMeasureRow.measure_code, PartnershipMeasureRow.public)
            .join(PartnershipRow, PartnershipRow.id == PartnershipMeasureRow.partnership_id)
            .where(PartnershipRow.slug == "cheltenham")
        ).all()
    return dict(rows)


def upload_config(client: FlaskClient, text: str, name: str = "cheltenham.toml") -> TestResponse:
    return client.post(
        "/manage/config",
        data={
            "csrf_token": token(client, "/manage/config"),
            "file": (io.BytesIO(text.encode()), name),
        },
        content_type="multipart/form-data",
    )


def confirm_form(page: str) -> dict[str, str]:
    """The preview's own confirmation form: its hidden fields."""
    found = dict(re.findall(r'<input type="hidden" name="(token|digest)" value="([^"]*)"', page))
    assert set(found) == {"token", "digest"}, "no confirmation form on the preview"
    return found


def still_anonymous(client: FlaskClient) -> bool:
    """The client's session has ended: a signed-in page sends it to sign in."""
    response = client.get("/account/password")
    return response.status_code == 303 and "/sign-in" in response.headers["Location"]


# Refusals ---------------------------------------------------------------------------------

ADMIN_FORMS = {
    "/manage/users": {
        "email": "intruder@example.gov.uk",
        "role": "admin",
        "password": NEW_PASSWORD,
    },
    "/manage/config": {"file": (io.BytesIO(CHELTENHAM.encode()), "c.toml")},
}


def _post(client: FlaskClient, path: str, with_token: str | None = None) -> TestResponse:
    data = dict(ADMIN_FORMS[path])
    if "file" in data:
        data["file"] = (io.BytesIO(CHELTENHAM.encode()), "c.toml")
    if with_token:
        data["csrf_token"] = with_token
    return client.post(path, data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("path", sorted(ADMIN_FORMS))
def test_admin_pages_refuse_anyone_else_and_change_nothing(
    server: Flask, users_db: str, path: str
) -> None:
    before = snapshot()
    anonymous = server.test_client()
    response = anonymous.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert _post(anonymous, path).status_code == 401
    for email in (SOUTH_GLOS_MEMBER, SOUTH_GLOS_EDITOR, GLOUCESTER_MEMBER):
        client = signed_in(server, email)
        assert client.get(path).status_code == 403, email
        assert _post(client, path, token(client, "/account/password")).status_code == 403, email
    admin = signed_in(server, ADMIN)
    assert _post(admin, path).status_code == 400
    assert _post(admin, path, "not-the-token").status_code == 400
    assert snapshot() == before


def test_own_password_refuses_the_anonymous_and_posts_without_a_token(
    server: Flask, users_db: str
) -> None:
    before = snapshot()
    form = {"current": PASSWORD, "password": NEW_PASSWORD, "again": NEW_PASSWORD}
    anonymous = server.test_client()
    assert anonymous.get("/account/password").status_code == 303
    assert anonymous.post("/account/password", data=form).status_code == 401
    member = signed_in(server, SOUTH_GLOS_MEMBER)
    assert member.get("/account/password").status_code == 200  # a viewer may
    assert member.post("/account/password", data=form).status_code == 400
    assert snapshot() == before
    assert users.check_credentials(SOUTH_GLOS_MEMBER, PASSWORD) is not None


# Users ------------------------------------------------------------------------------------


def test_an_admin_lists_users_with_their_roles_and_partnerships(
    server: Flask, users_db: str
) -> None:
    page = signed_in(server, ADMIN).get("/manage/users").get_data(as_text=True)
    row = re.search(rf'<tr data-user="{re.escape(GLOUCESTER_MEMBER)}">(.*?)</tr>', page, re.S)
    assert row is not None
    assert "editor" in row.group(1) and "gloucester" in row.group(1)
    assert "active" in row.group(1)


def test_an_admin_creates_a_user_who_can_then_sign_in(server: Flask, users_db: str) -> None:
    admin = signed_in(server, ADMIN)
    response = admin.post(
        "/manage/users",
        data={
            "csrf_token": token(admin, "/manage/users"),
            "email": "New.Officer@Stroud.example.gov.uk",
            "role": "editor",
            "partnerships": ["stroud"],
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    shown = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Created editor new.officer@stroud.example.gov.uk, a member of stroud." in shown
    (entry,) = user_audit("new.officer@stroud.example.gov.uk")
    assert (entry.actor, entry.action, entry.partnership) == (ADMIN, "create-user", None)
    assert NEW_PASSWORD not in entry.detail and "$argon2" not in entry.detail
    assert json.loads(entry.detail)["new"] == {"role": "editor", "partnerships": ["stroud"]}
    user = users.check_credentials("new.officer@stroud.example.gov.uk", NEW_PASSWORD)
    assert user is not None and user.member_of == {"stroud"}


def test_a_new_user_with_problems_is_refused_field_by_field_saving_nothing(
    server: Flask, users_db: str
) -> None:
    admin = signed_in(server, ADMIN)
    before = snapshot()
    response = admin.post(
        "/manage/users",
        data={
            "csrf_token": token(admin, "/manage/users"),
            "email": "not an address",
            "role": "editor",
            "password": "short",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#new-email"' in page and "is not an e-mail address" in page
    assert 'href="#new-password"' in page and "The password is too short" in page
    assert 'id="new-email"' in page and 'id="new-password"' in page
    assert snapshot() == before


def test_an_existing_address_is_not_overwritten_by_add_a_user(server: Flask, users_db: str) -> None:
    admin = signed_in(server, ADMIN)
    before = snapshot()
    response = admin.post(
        "/manage/users",
        data={
            "csrf_token": token(admin, "/manage/users"),
            "email": SOUTH_GLOS_MEMBER,
            "role": "admin",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "already has an account" in response.get_data(as_text=True)
    assert snapshot() == before


def _change(client: FlaskClient, email: str, change: str, **fields: object) -> TestResponse:
    return client.post(
        "/manage/users",
        data={
            "csrf_token": token(client, "/manage/users"),
            "user_id": str(user_id(email)),
            "change": change,
            **fields,
        },
    )


def test_an_admin_sets_a_users_role_and_partnerships(server: Flask, users_db: str) -> None:
    admin = signed_in(server, ADMIN)
    response = _change(
        admin, SOUTH_GLOS_MEMBER, "access", role="editor", partnerships=["gloucester", "stroud"]
    )
    assert response.status_code == 303
    assert "Role and partnerships saved." in admin.get(response.headers["Location"]).get_data(
        as_text=True
    )
    user = users.check_credentials(SOUTH_GLOS_MEMBER, PASSWORD)
    assert user is not None
    assert (user.role, user.member_of) == ("editor", {"gloucester", "stroud"})
    entry = user_audit(SOUTH_GLOS_MEMBER)[-1]
    assert entry.actor == ADMIN
    change = json.loads(entry.detail)
    assert change["old"] == {"role": "viewer", "partnerships": ["south-glos"]}
    assert change["new"] == {"role": "editor", "partnerships": ["gloucester", "stroud"]}


def test_a_viewer_needs_a_partnership(server: Flask, users_db: str) -> None:
    admin = signed_in(server, ADMIN)
    before = snapshot()
    response = _change(admin, SOUTH_GLOS_MEMBER, "access", role="viewer")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#change-partnerships"' in page and 'id="change-partnerships"' in page
    assert snapshot() == before


def test_a_new_password_from_an_admin_ends_the_users_sessions(server: Flask, users_db: str) -> None:
    member = signed_in(server, SOUTH_GLOS_MEMBER)
    admin = signed_in(server, ADMIN)
    response = _change(admin, SOUTH_GLOS_MEMBER, "password", password=NEW_PASSWORD)
    assert response.status_code == 303
    assert still_anonymous(member)
    assert users.check_credentials(SOUTH_GLOS_MEMBER, PASSWORD) is None
    assert users.check_credentials(SOUTH_GLOS_MEMBER, NEW_PASSWORD) is not None
    entry = user_audit(SOUTH_GLOS_MEMBER)[-1]
    assert (entry.action, NEW_PASSWORD in entry.detail) == ("user-password", False)
    assert not still_anonymous(admin)


def test_a_disabled_user_cannot_sign_in_and_their_open_session_ends(
    server: Flask, users_db: str
) -> None:
    member = signed_in(server, SOUTH_GLOS_EDITOR)
    admin = signed_in(server, ADMIN)
    assert _change(admin, SOUTH_GLOS_EDITOR, "disable").status_code == 303
    assert still_anonymous(member)
    again = server.test_client()
    assert sign_in(again, SOUTH_GLOS_EDITOR).status_code == 401
    assert users.check_credentials(SOUTH_GLOS_EDITOR, PASSWORD) is None
    listed = next(u for u in users.list_users() if u.email == SOUTH_GLOS_EDITOR)
    assert listed.disabled
    entry = user_audit(SOUTH_GLOS_EDITOR)[-1]
    assert json.loads(entry.detail) == {"old": {"disabled": False}, "new": {"disabled": True}}

    assert _change(admin, SOUTH_GLOS_EDITOR, "enable").status_code == 303
    assert sign_in(server.test_client(), SOUTH_GLOS_EDITOR).status_code == 303


@pytest.mark.parametrize(
    "change, fields", [("disable", {}), ("access", {"role": "editor", "partnerships": ["stroud"]})]
)
def test_the_last_admin_cannot_disable_or_demote_themself(
    server: Flask, users_db: str, change: str, fields: dict[str, object]
) -> None:
    admin = signed_in(server, ADMIN)
    before = snapshot()
    response = _change(admin, ADMIN, change, **fields)
    assert response.status_code == 400
    assert "is the only admin who can sign in" in response.get_data(as_text=True)
    assert snapshot() == before

    users.save_user("second.admin@example.gov.uk", PASSWORD, "admin", [], "test")
    assert _change(admin, ADMIN, change, **fields).status_code == 303


# Configuration ----------------------------------------------------------------------------


def test_the_config_preview_shows_changes_and_removals_and_saves_nothing(
    server: Flask, users_db: str
) -> None:
    admin = signed_in(server, ADMIN)
    before = snapshot()
    response = upload_config(admin, CHELTENHAM)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    removals = re.search(r'id="config-removals">(.*?)</div>', page, re.S)
    assert removals is not None and "VIOLENCE_WITH_INJURY_RATE" in removals.group(1)
    assert "public: True → False" in page
    unlisted = re.search(r'id="config-unlisted-cheltenham">(.*?)</div>', page, re.S)
    assert unlisted is not None and "ASB_INCIDENTS_RATE" in unlisted.group(1)
    assert "kept as they are" in unlisted.group(1)
    assert 'id="remove-unlisted"' in page
    after = snapshot()
    assert len(after.pop("pending_config")) == 1  # the file, kept for the confirmation
    before.pop("pending_config")
    assert after == before
    assert set(cheltenham_measures()) == set(SAMPLE_MEASURES)


def test_confirming_saves_exactly_the_previewed_file(server: Flask, users_db: str) -> None:
    admin = signed_in(server, ADMIN)
    form = confirm_form(upload_config(admin, CHELTENHAM).get_data(as_text=True))
    response = admin.post(
        "/manage/config", data={"csrf_token": token(admin, "/manage/config"), **form}
    )
    assert response.status_code == 303
    shown = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "cheltenham.toml saved: 1 partnership created or changed." in shown
    assert cheltenham_measures() == {"CRIME_TOTAL_RATE": False, "ASB_INCIDENTS_RATE": True}
    with db.session() as s:
        entries = s.execute(
            sa.select(AuditRow.action, AuditRow.entity, AuditRow.partnership, AuditRow.actor)
            .where(AuditRow.kind == ChangeKind.CONFIG.value, AuditRow.actor == ADMIN)
            .order_by(AuditRow.id)
        ).all()
        assert s.scalar(sa.select(sa.func.count()).select_from(PendingConfigRow)) == 0
    assert set(entries) == {
        ("config-partnership-measure", "cheltenham CRIME_TOTAL_RATE", "cheltenham", ADMIN),
        ("config-partnership-measure", "cheltenham VIOLENCE_WITH_INJURY_RATE", "cheltenham", ADMIN),
        ("load-config", "cheltenham.toml", None, ADMIN),
    }
    # the same form again: already saved, nothing more happens
    before = snapshot()
    again = admin.post(
        "/manage/config", data={"csrf_token": token(admin, "/manage/config"), **form}
    )
    assert again.status_code == 404
    assert snapshot() == before


def test_the_measures_a_file_leaves_out_go_only_when_the_admin_ticks_the_box(
    server: Flask, users_db: str
) -> None:
    admin = signed_in(server, ADMIN)
    form = confirm_form(upload_config(admin, CHELTENHAM).get_data(as_text=True))
    response = admin.post(
        "/manage/config",
        data={"csrf_token": token(admin, "/manage/config"), "remove_unlisted": "yes", **form},
    )
    assert response.status_code == 303
    assert cheltenham_measures() == {"CRIME_TOTAL_RATE": False}


def test_a_catalogue_changed_after_the_preview_is_not_saved_unchecked(
    server: Flask, users_db: str
) -> None:
    admin = signed_in(server, ADMIN)
    form = confirm_form(upload_config(admin, CHELTENHAM).get_data(as_text=True))
    # meanwhile, a command makes the same change to CRIME_TOTAL_RATE: the preview is out of date
    sooner = CHELTENHAM.split('  [[partnership.measure]]\n  code = "VIOLENCE')[0]
    known = catalogue.known_codes()
    catalogue.apply_config(parse_config(sooner, "sooner.toml", *known), "cli:someone", "s.toml")
    before = snapshot()
    response = admin.post(
        "/manage/config", data={"csrf_token": token(admin, "/manage/config"), **form}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "nothing was saved" in page
    assert "public: True → False" not in page  # the new preview: that change is made already
    assert snapshot() == before
    assert "VIOLENCE_WITH_INJURY_RATE" in cheltenham_measures()
    # the new preview's own form saves it
    response = admin.post(
        "/manage/config",
        data={"csrf_token": token(admin, "/manage/config"), **confirm_form(page)},
    )
    assert response.status_code == 303
    assert "VIOLENCE_WITH_INJURY_RATE" not in cheltenham_measures()


def test_a_bad_config_file_lists_its_problems_and_saves_nothing(
    server: Flask, users_db: str
) -> None:
    admin = signed_in(server, ADMIN)
    before = snapshot()
    bad = CHELTENHAM.replace('rule = "beat_comparators"', 'rule = "beat_everyone"')
    response = upload_config(admin, bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "cheltenham.toml" in page and "beat_everyone" in page
    assert 'href="#file"' in page
    assert snapshot() == before


def test_another_admins_preview_cannot_be_confirmed(server: Flask, users_db: str) -> None:
    admin = signed_in(server, ADMIN)
    form = confirm_form(upload_config(admin, CHELTENHAM).get_data(as_text=True))
    users.save_user("second.admin@example.gov.uk", PASSWORD, "admin", [], "test")
    other = signed_in(server, "second.admin@example.gov.uk")
    before = snapshot()
    response = other.post(
        "/manage/config", data={"csrf_token": token(other, "/manage/config"), **form}
    )
    assert response.status_code == 404
    assert snapshot() == before


# Own password -----------------------------------------------------------------------------


def _own(client: FlaskClient, current: str, new: str, again: str | None = None) -> TestResponse:
    return client.post(
        "/account/password",
        data={
            "csrf_token": token(client, "/account/password"),
            "current": current,
            "password": new,
            "again": new if again is None else again,
        },
    )


def test_changing_your_password_keeps_you_signed_in_and_ends_your_other_sessions(
    server: Flask, users_db: str
) -> None:
    here = signed_in(server, SOUTH_GLOS_MEMBER)
    elsewhere = signed_in(server, SOUTH_GLOS_MEMBER)
    response = _own(here, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 303
    page = here.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Your password was changed." in page.get_data(as_text=True)
    assert still_anonymous(elsewhere)
    assert users.check_credentials(SOUTH_GLOS_MEMBER, NEW_PASSWORD) is not None
    assert users.check_credentials(SOUTH_GLOS_MEMBER, PASSWORD) is None
    entry = user_audit(SOUTH_GLOS_MEMBER)[-1]
    assert (entry.actor, entry.action) == (SOUTH_GLOS_MEMBER, "own-password")
    assert NEW_PASSWORD not in entry.detail and PASSWORD not in entry.detail


@pytest.mark.parametrize(
    "current, new, again, field, words",
    [
        ("not my password", NEW_PASSWORD, None, "current", "current password is not right"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "again", "not the same"),
        (PASSWORD, "short", None, "password", "too short"),
        (PASSWORD, PASSWORD, None, "password", "is your current one"),
    ],
)
def test_a_wrong_own_password_change_says_why_and_changes_nothing(
    server: Flask,
    users_db: str,
    current: str,
    new: str,
    again: str | None,
    field: str,
    words: str,
) -> None:
    client = signed_in(server, SOUTH_GLOS_MEMBER)
    before = snapshot()
    response = _own(client, current, new, again)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'href="#{field}"' in page and words in page
    after = snapshot()
    after.pop("sign_in_throttle"), before.pop("sign_in_throttle")  # a wrong one is counted
    assert after == before
    assert not still_anonymous(client)
