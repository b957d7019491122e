"""Sign-in as a member uses it: one message for any wrong credentials, throttling, sign-out,
cookie flags, CSRF, and the create-user command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

import auth
from data_access.users import THROTTLE_LIMITS, check_credentials
from tests.signing import (
    ADMIN,
    GLOUCESTER_MEMBER,
    PASSWORD,
    SOUTH_GLOS_MEMBER,
    csrf_token,
    sign_in,
    sign_out,
)

ROOT = Path(__file__).resolve().parent.parent
_ALERT = re.compile(r'<div class="alert[^"]*" role="alert" id="sign-in-message">([^<]*)</div>')


def _message(body: str) -> str:
    found = _ALERT.search(body)
    assert found, "no message on the sign-in page"
    return found.group(1)


def _periods(client: object, slug: str = "south-glos") -> list[dict]:
    return client.get(f"/api/v1/partnerships/{slug}/periods").get_json()  # type: ignore[attr-defined]


def test_a_member_signs_in_and_sees_provisional_points(server: Flask, users_db: str) -> None:
    client = server.test_client()
    assert all(p["published"] for p in _periods(client))
    response = sign_in(client, SOUTH_GLOS_MEMBER, next_path="/p/south-glos")
    assert response.status_code == 303
    assert response.headers["Location"] == "/p/south-glos"
    assert any(not p["published"] for p in _periods(client))


def test_a_member_sees_other_partnerships_as_the_public_does(server: Flask, users_db: str) -> None:
    client = server.test_client()
    sign_in(client, GLOUCESTER_MEMBER)
    assert all(p["published"] for p in _periods(client, "south-glos"))
    measures = client.get("/api/v1/partnerships/south-glos/measures").get_json()
    assert "MARAC_REPEAT_VICTIMISATION_PCT" not in {m["code"] for m in measures}


def test_an_admin_is_a_member_of_every_partnership(server: Flask, users_db: str) -> None:
    client = server.test_client()
    sign_in(client, ADMIN)
    measures = client.get("/api/v1/partnerships/south-glos/measures").get_json()
    assert "MARAC_REPEAT_VICTIMISATION_PCT" in {m["code"] for m in measures}


def test_wrong_password_and_unknown_user_get_the_same_message(server: Flask, users_db: str) -> None:
    wrong = sign_in(server.test_client(), SOUTH_GLOS_MEMBER, "not the password at all")
    unknown = sign_in(server.test_client(), "nobody@example.gov.uk", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert _message(wrong.get_data(as_text=True)) == auth.WRONG_CREDENTIALS
    assert _message(unknown.get_data(as_text=True)) == auth.WRONG_CREDENTIALS


def test_repeated_failures_lock_the_address_even_for_the_right_password(
    server: Flask, users_db: str
) -> None:
    client = server.test_client()
    for _ in range(THROTTLE_LIMITS["email"]):
        assert sign_in(client, SOUTH_GLOS_MEMBER, "wrong password!!").status_code == 401
    locked = sign_in(client, SOUTH_GLOS_MEMBER, PASSWORD)
    assert locked.status_code == 429
    assert _message(locked.get_data(as_text=True)) == auth.THROTTLED
    assert all(p["published"] for p in _periods(client))


def test_an_unknown_address_is_throttled_the_same_way(server: Flask, users_db: str) -> None:
    client = server.test_client()
    for _ in range(THROTTLE_LIMITS["email"]):
        sign_in(client, "nobody@example.gov.uk", "guess number one")
    assert sign_in(client, "nobody@example.gov.uk", "guess").status_code == 429


def test_the_throttle_on_one_address_leaves_another_alone(server: Flask, users_db: str) -> None:
    client = server.test_client()
    for _ in range(THROTTLE_LIMITS["email"]):
        sign_in(client, GLOUCESTER_MEMBER, "wrong password!!")
    assert sign_in(client, SOUTH_GLOS_MEMBER).status_code == 303


def test_signing_out_ends_the_session(server: Flask, users_db: str) -> None:
    client = server.test_client()
    sign_in(client, SOUTH_GLOS_MEMBER)
    assert "Sign out" in client.get("/accessibility").get_data(as_text=True)
    assert sign_out(client).status_code == 303
    assert all(p["published"] for p in _periods(client))
    assert "Sign in" in client.get("/accessibility").get_data(as_text=True)


def test_sign_out_needs_the_form_token(server: Flask, users_db: str) -> None:
    client = server.test_client()
    sign_in(client, SOUTH_GLOS_MEMBER)
    client.post("/sign-out", data={"csrf_token": "forged"})
    assert any(not p["published"] for p in _periods(client))


def test_a_sign_in_without_the_form_token_is_refused(server: Flask, users_db: str) -> None:
    client = server.test_client()
    response = client.post("/sign-in", data={"email": SOUTH_GLOS_MEMBER, "password": PASSWORD})
    assert response.status_code == 400
    assert _message(response.get_data(as_text=True)) == auth.FORM_EXPIRED
    assert all(p["published"] for p in _periods(client))


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_to_another_site(server: Flask, users_db: str, target: str) -> None:
    response = sign_in(server.test_client(), SOUTH_GLOS_MEMBER, next_path=target)
    assert response.headers["Location"] == "/p/south-glos"  # their own partnership, not there


def test_the_session_cookie_is_http_only_and_same_site(server: Flask, users_db: str) -> None:
    client = server.test_client()
    csrf_token(client)
    cookie = sign_in(client, SOUTH_GLOS_MEMBER).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure(users_db: str) -> None:
    # A plain Flask app (not a second Dash app: its page registry is global) with auth as
    # production configures it
    site = Flask("app", root_path=str(ROOT))
    site.config.update(SECRET_KEY="x" * 40, TESTING=True)
    auth.init_app(site, secure_cookies=True)
    client = site.test_client()
    response = sign_in(client, SOUTH_GLOS_MEMBER)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_passwords_are_stored_as_argon2_hashes(users_db: str) -> None:
    import sqlalchemy as sa

    from data_access import db
    from data_access.tables import UserRow

    with db.session() as s:
        stored = s.scalar(sa.select(UserRow.password_hash).where(UserRow.email == ADMIN))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert check_credentials(ADMIN.upper(), PASSWORD) is not None


# create-user (INTERFACES.md section 2)


def test_create_user_makes_a_member_and_says_so(runner: FlaskCliRunner, users_db: str) -> None:
    result = runner.invoke(
        args=["create-user", "new@example.gov.uk", "--role", "viewer", "--partnership", "stroud"],
        env={"PASSWORD": "a long enough password"},
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created viewer new@example.gov.uk, a member of stroud.\n"
    user = check_credentials("new@example.gov.uk", "a long enough password")
    assert user is not None
    assert user.member_of == {"stroud"}


def test_create_user_again_updates_the_user(runner: FlaskCliRunner, users_db: str) -> None:
    result = runner.invoke(
        args=[
            "create-user",
            SOUTH_GLOS_MEMBER,
            "--role",
            "editor",
            "--partnership",
            "stroud",
            "--partnership",
            "south-glos",
        ],
        env={"PASSWORD": "another long password"},
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Updated editor")
    assert check_credentials(SOUTH_GLOS_MEMBER, PASSWORD) is None
    assert check_credentials(SOUTH_GLOS_MEMBER, "another long password").member_of == {
        "south-glos",
        "stroud",
    }


def test_create_user_reads_the_password_from_a_hidden_prompt(
    runner: FlaskCliRunner, users_db: str
) -> None:
    result = runner.invoke(
        args=["create-user", "boss@example.gov.uk", "--role", "admin"],
        input="typed at the prompt\ntyped at the prompt\n",
    )
    assert result.exit_code == 0, result.output
    assert "typed at the prompt" not in result.output
    assert "Created admin boss@example.gov.uk, a member of every partnership." in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-an-email", "--role", "viewer", "--partnership", "stroud"], "not an e-mail address"),
        (
            ["a@example.gov.uk", "--role", "owner", "--partnership", "stroud"],
            "'owner' is not a role",
        ),
        (
            ["a@example.gov.uk", "--role", "viewer", "--partnership", "nowhere"],
            "No partnership 'nowhere'",
        ),
        (["a@example.gov.uk", "--role", "viewer"], "at least one partnership"),
    ],
)
def test_create_user_refuses_bad_input_and_saves_nothing(
    runner: FlaskCliRunner, users_db: str, args: list[str], message: str
) -> None:
    result = runner.invoke(args=["create-user", *args], env={"PASSWORD": "a long enough password"})
    assert result.exit_code != 0
    assert message in result.output
    assert check_credentials("a@example.gov.uk", "a long enough password") is None


def test_create_user_refuses_a_short_password(runner: FlaskCliRunner, users_db: str) -> None:
    result = runner.invoke(
        args=["create-user", "a@example.gov.uk", "--role", "admin"], env={"PASSWORD": "short"}
    )
    assert result.exit_code != 0
    assert "too short" in result.output


def test_the_dashboard_header_says_who_is_signed_in(server: Flask, users_db: str) -> None:
    from callbacks.account import account_link

    client = server.test_client()
    with client:
        client.get("/accessibility")
        assert account_link("/") == ("Sign in", "/sign-in", True)
    sign_in(client, SOUTH_GLOS_MEMBER)
    with client:
        client.get("/accessibility")
        # a viewer: no Manage link
        assert account_link("/") == (f"Sign out ({SOUTH_GLOS_MEMBER})", "/sign-out", True)
    sign_out(client)
    sign_in(client, GLOUCESTER_MEMBER)  # an editor
    with client:
        client.get("/accessibility")
        assert account_link("/") == (f"Sign out ({GLOUCESTER_MEMBER})", "/sign-out", False)
        assert 'href="/manage"' in client.get("/accessibility").get_data(as_text=True)


def test_after_signing_in_a_member_lands_on_their_own_partnership(
    server: Flask, users_db: str
) -> None:
    member = server.test_client().post(
        "/sign-in",
        data={"email": SOUTH_GLOS_MEMBER, "password": PASSWORD, "csrf_token": ""},
    )
    assert member.status_code == 400  # no token: the form, not a sign-in
    assert (
        sign_in(server.test_client(), SOUTH_GLOS_MEMBER, next_path="").headers["Location"]
        == "/p/south-glos"
    )
    assert (
        sign_in(server.test_client(), GLOUCESTER_MEMBER, next_path="").headers["Location"]
        == "/p/gloucester"
    )
    # an admin acts on every partnership: the home page, which lists them
    assert sign_in(server.test_client(), ADMIN, next_path="").headers["Location"] == "/"
