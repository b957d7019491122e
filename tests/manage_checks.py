"""Helpers for the tests of Manage's publish and commentary pages: a signed-in client, the
form's token, and what the database holds, to assert a refused request changed nothing."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from data_access import db
from data_access.tables import ActionItemRow, AuditRow, CommentaryRow, PublicationVersionRow
from tests.signing import csrf_token, sign_in

_STATUS_ROW = re.compile(
    r'<tr data-point="([^"]+)"[^>]*>.*?<td class="point-status">([^<]*)</td>', re.S
)


def signed_in(server: Flask, email: str | None) -> FlaskClient:
    """A client signed in as `email` (the public when None)."""
    client = server.test_client()
    if email is not None:
        assert sign_in(client, email).status_code == 303
    return client


def token(client: FlaskClient) -> str:
    """A valid CSRF token for this client's session."""
    return csrf_token(client, "/sign-in")


def database_state() -> dict[str, Any]:
    """Everything publishing, withdrawing, commentary and action plan changes could touch."""
    with db.session() as s:
        return {
            "versions": s.execute(
                sa.select(
                    PublicationVersionRow.partnership_id,
                    PublicationVersionRow.period_id,
                    PublicationVersionRow.version,
                    PublicationVersionRow.withdrawn,
                ).order_by(PublicationVersionRow.id)
            ).all(),
            "commentary": s.execute(
                sa.select(CommentaryRow.id, CommentaryRow.text).order_by(CommentaryRow.id)
            ).all(),
            "actions": s.execute(
                sa.select(ActionItemRow.key, ActionItemRow.status, ActionItemRow.update).order_by(
                    ActionItemRow.id
                )
            ).all(),
            "audit": s.scalar(sa.select(sa.func.count()).select_from(AuditRow)),
        }


def point_statuses(page: str, table_id: str) -> dict[str, str]:
    """Each reporting point's status words in the table with this id."""
    start = page.index(f'id="{table_id}"')
    table = page[start : page.index("</table>", start)]
    return {label: words.strip() for label, words in _STATUS_ROW.findall(table)}
