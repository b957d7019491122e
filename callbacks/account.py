"""The header's account link: "Sign in", or who is signed in and the way to sign out."""

from __future__ import annotations

from dash import Dash, Input, Output

from data_access.access import current_email
from layouts import ids


def account_link(_pathname: str | None) -> str:
    """The sign-in page also offers sign-out, so only the words change."""
    email = current_email()
    return f"Sign out ({email})" if email else "Sign in"


def register(app: Dash) -> None:
    app.callback(Output(ids.ACCOUNT_LINK, "children"), Input(ids.URL, "pathname"))(account_link)
