"""The header's account link: "Sign in", or who is signed in and the way to sign out."""

from __future__ import annotations

from dash import Dash, Input, Output

from data_access.access import current_email
from layouts import ids, shell


def account_link(_pathname: str | None) -> tuple[str, str]:
    """The same words and address as the server-rendered pages' header (layouts/shell.py)."""
    return shell.account_link(current_email())


def register(app: Dash) -> None:
    app.callback(
        Output(ids.ACCOUNT_LINK, "children"),
        Output(ids.ACCOUNT_LINK, "href"),
        Input(ids.URL, "pathname"),
    )(account_link)
