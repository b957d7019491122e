"""Who the current request is, as an Audience: the only bridge from the session to data access.

A signed-in user is a member of their partnerships (an admin: of all of them); anyone else, and
anything outside a request, is the public. Write paths check the role with `current_role`.
"""

from __future__ import annotations

from flask import has_request_context
from flask_login import current_user

from dashboard.audience import PUBLIC, Audience
from dashboard.model import Role


def _signed_in_user() -> object | None:
    if not has_request_context():
        return None
    user = current_user
    return user if getattr(user, "is_authenticated", False) else None


def current_audience() -> Audience:
    """The audience of this request: members see their partnerships' provisional results."""
    user = _signed_in_user()
    member_of = getattr(user, "member_of", None)
    return Audience(frozenset(member_of)) if member_of else PUBLIC


def current_role() -> Role | None:
    """The signed-in user's role, or None for the public: write callbacks check it on the server."""
    user = _signed_in_user()
    role = getattr(user, "role", None)
    return Role(role) if role else None


def current_email() -> str | None:
    """The signed-in user's e-mail address (for the header and the audit log), or None."""
    user = _signed_in_user()
    return getattr(user, "email", None)
