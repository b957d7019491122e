"""Every Manage route refuses as INTERFACES.md section 7 says, in its order, and a refused
request changes nothing: anonymous → sign-in (GET) or 401 (POST); signed in without the role or
the partnership → 403; a POST without a valid form token → 400.

The routes are read from the app itself, so a route added later is covered without being listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from dashboard.model import Role
from data_access import db
from data_access.tables import Base
from tests.signing import (
    ADMIN,
    GLOUCESTER_MEMBER,
    SOUTH_GLOS_EDITOR,
    SOUTH_GLOS_MEMBER,
    csrf_token,
    sign_in,
)

SLUG = "south-glos"
_VARIABLE = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


def manage_routes(server: Flask) -> Iterator[tuple[str, str, Role, bool]]:
    """(path, method, role needed, per partnership) for every guarded route."""
    for rule in server.url_map.iter_rules():
        view = server.view_functions[rule.endpoint]
        role = getattr(view, "required_role", None)
        if role is None:
            continue
        assert set(rule.arguments) <= {"slug"}, f"{rule.rule}: fill in its other variables here"
        path = _VARIABLE.sub(SLUG, rule.rule)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            yield path, method, role, getattr(view, "per_partnership", True)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table: what "changes nothing" is checked against."""
    with db.session() as s:
        return {
            t.name: sorted(map(tuple, s.execute(sa.select(t)).all()), key=repr)
            for t in Base.metadata.sorted_tables
        }


def test_every_manage_route_is_guarded(server: Flask) -> None:
    """Every address under /manage and /account is a guarded route (none forgot `guarded`)."""
    routes = {path for path, *_ in manage_routes(server)}
    assert "/manage" in routes
    for rule in server.url_map.iter_rules():
        if rule.rule.startswith(("/manage", "/account")):
            view = server.view_functions[rule.endpoint]
            assert getattr(view, "required_role", None) is not None, f"{rule.rule} is not guarded"


def _send(client: FlaskClient, path: str, method: str, token: str | None = None):
    if method == "GET":
        return client.get(path)
    data = {"csrf_token": token} if token else {}
    return client.post(path, data=data)


def test_anonymous_requests_go_to_sign_in_or_get_401(server: Flask, users_db: str) -> None:
    client = server.test_client()
    before = snapshot()
    for path, method, _, _ in manage_routes(server):
        response = _send(client, path, method)
        if method == "GET":
            assert response.status_code == 303, path
            assert response.headers["Location"].startswith("/sign-in?next="), path
        else:
            assert response.status_code == 401, path
    assert snapshot() == before


@pytest.mark.parametrize(
    "email, role, partnerships",
    [
        (SOUTH_GLOS_MEMBER, Role.VIEWER, {SLUG}),
        (GLOUCESTER_MEMBER, Role.EDITOR, {"gloucester"}),
        (SOUTH_GLOS_EDITOR, Role.EDITOR, {SLUG}),
    ],
)
def test_users_without_the_role_or_the_partnership_get_403(
    server: Flask, users_db: str, email: str, role: Role, partnerships: set[str]
) -> None:
    client = server.test_client()
    assert sign_in(client, email).status_code == 303
    token = csrf_token(client)
    before = snapshot()
    refused = 0
    for path, method, needed, per_partnership in manage_routes(server):
        allowed = _RANK[role] >= _RANK[needed] and (not per_partnership or SLUG in partnerships)
        if allowed:
            continue
        response = _send(client, path, method, token)
        assert response.status_code == 403, f"{method} {path} as {email}"
        refused += 1
    assert refused > 0 or role is Role.EDITOR
    assert snapshot() == before


def test_a_post_without_a_valid_form_token_gets_400(server: Flask, users_db: str) -> None:
    client = server.test_client()
    assert sign_in(client, ADMIN).status_code == 303
    before = snapshot()
    posts = [path for path, method, *_ in manage_routes(server) if method == "POST"]
    assert posts, "Manage has forms"
    for path in posts:
        assert _send(client, path, "POST").status_code == 400, path
        assert _send(client, path, "POST", "not-the-token").status_code == 400, path
    assert snapshot() == before
