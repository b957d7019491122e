"""Helpers for tests that sign in: the users they create and a browser-like sign-in."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from data_access.users import save_user

PASSWORD = "correct horse battery staple"
SOUTH_GLOS_MEMBER = "officer@southglos.example.gov.uk"
GLOUCESTER_MEMBER = "officer@gloucester.example.gov.uk"  # an editor of Gloucester
SOUTH_GLOS_EDITOR = "editor@southglos.example.gov.uk"
ADMIN = "admin@example.gov.uk"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def create_test_users() -> None:
    save_user(SOUTH_GLOS_MEMBER, PASSWORD, "viewer", ["south-glos"], "test")
    save_user(GLOUCESTER_MEMBER, PASSWORD, "editor", ["gloucester"], "test")
    save_user(SOUTH_GLOS_EDITOR, PASSWORD, "editor", ["south-glos"], "test")
    save_user(ADMIN, PASSWORD, "admin", [], "test")


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    found = _CSRF.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(
    client: FlaskClient, email: str, password: str = PASSWORD, next_path: str = "/"
) -> TestResponse:
    return client.post(
        "/sign-in",
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf_token(client),
            "next": next_path,
        },
    )


def sign_out(client: FlaskClient) -> TestResponse:
    return client.post("/sign-out", data={"csrf_token": csrf_token(client, "/sign-out")})
