"""The header's account link: "Sign in", or who is signed in and the way to sign out."""

from __future__ import annotations

from dash import Dash, Input, Output

from dashboard.model import Role
from data_access.access import current_email, current_role
from layouts import ids, shell


def account_link(_pathname: str | None) -> tuple[str, str, bool]:
    """The same words and address as the server-rendered pages' header (layouts/shell.py), and
    whether the Manage link is hidden (it is shown to editors and admins)."""
    role = current_role()
    hidden = role not in (Role.EDITOR, Role.ADMIN)
    return (*shell.account_link(current_email()), hidden)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.ACCOUNT_LINK, "children"),
        Output(ids.ACCOUNT_LINK, "href"),
        Output(ids.MANAGE_ITEM, "hidden"),
        Input(ids.URL, "pathname"),
    )(account_link)
