"""Manage: server-rendered pages where editors and admins load, check, comment, publish and audit.

One blueprint under /manage (and /account for a user's own password). Every route is wrapped in
`guarded`, which refuses in the order INTERFACES.md section 7 gives, before the view runs, so a
refused request changes nothing: anonymous → sign-in (GET) or 401 (POST); signed in without the
role or the partnership → 403; a POST without a valid CSRF token → 400. Forms are Flask-WTF
forms; the CSRF check is made here, after the sign-in and role checks, not app-wide.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from dashboard.model import Role
from data_access.access import current_email
from data_access.results import NotVisible, all_partnerships

logger = logging.getLogger(__name__)

blueprint = Blueprint("manage", __name__)
csrf = CSRFProtect()

P = ParamSpec("P")
R = TypeVar("R")

FORM_EXPIRED = (
    "This form has expired or was not sent from this site. "
    "Nothing was changed: reload the page and try again."
)
NEED_SIGN_IN = "Sign in to do this. Nothing was changed."
NOT_YOURS = "Your account cannot do this here. Nothing was changed: ask an admin if you need to."

_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


def signed_in() -> Any | None:
    """The signed-in user (data_access.users.SignedInUser), or None."""
    return current_user if getattr(current_user, "is_authenticated", False) else None


def actor() -> str:
    """Who the audit log names for a change made here: the user's e-mail address."""
    user = signed_in()
    assert user is not None, "guarded routes only"
    return user.email


def is_admin() -> bool:
    user = signed_in()
    return user is not None and user.role is Role.ADMIN


def may_manage(user: Any | None) -> bool:
    """Editors and admins see Manage in the header and may open it."""
    return user is not None and _RANK[user.role] >= _RANK[Role.EDITOR]


def user_partnerships() -> list[Any]:
    """The partnerships the signed-in user acts on (admins: all), by name."""
    user = signed_in()
    if user is None:
        return []
    return sorted((p for p in all_partnerships() if p.slug in user.member_of), key=lambda p: p.name)


def refused(status: int, message: str) -> Response:
    page = render_template(
        "manage/refused.html", status=status, message=message, signed_in_as=current_email()
    )
    return Response(page, status=status)


def guarded(
    role: Role = Role.EDITOR, partnership: bool = True
) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Refuse before the view runs, in the contract's order; the view then runs with a user of
    at least `role` who acts on the `slug` in the address (when `partnership`)."""

    def wrap(view: Callable[P, R]) -> Callable[P, R | Response]:
        @functools.wraps(view)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            user = signed_in()
            if user is None:
                if request.method in ("GET", "HEAD"):
                    back = request.full_path.rstrip("?")
                    return redirect(f"/sign-in?{urlencode({'next': back})}", code=303)  # type: ignore[return-value]
                return refused(401, NEED_SIGN_IN)
            if _RANK[user.role] < _RANK[role]:
                return refused(403, NOT_YOURS)
            if partnership:
                slug = str(kwargs.get("slug", ""))
                known = {p.slug for p in all_partnerships()}
                if slug not in known:
                    # an admin may act on any partnership, so an unknown one is simply not there
                    if user.role is Role.ADMIN:
                        abort(404)
                    return refused(403, NOT_YOURS)
                if slug not in user.member_of:
                    return refused(403, NOT_YOURS)
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                csrf.protect()  # CSRFError → 400 (below)
            return view(*args, **kwargs)

        # what the refusal tests read back (tests/test_manage_access.py)
        checked.required_role = role  # type: ignore[attr-defined]
        checked.per_partnership = partnership  # type: ignore[attr-defined]
        return checked

    return wrap


def page(
    template: str, section: str, slug: str | None = None, status: int = 200, **context: Any
) -> Response:
    """A Manage page: the site's base template, Manage's links (for `slug` when given) and the
    one-line summary a previous POST left with `done` before redirecting (303) here."""
    messages = get_flashed_messages()
    body = render_template(
        template,
        manage_section=section,
        manage_slug=slug,
        is_admin=is_admin(),
        signed_in_as=current_email(),
        flash_message=messages[-1] if messages else None,
        **context,
    )
    return Response(body, status=status)


def done(message: str, to: str) -> Response:
    """After a successful POST: a one-line summary on the next page, and a 303 to it."""
    flash(message)
    return redirect(to, code=303)  # type: ignore[return-value]


def _csrf_refused(error: CSRFError) -> Response:
    logger.info("form refused: %s", error.description)
    return refused(400, FORM_EXPIRED)


def manage_context() -> dict[str, object]:
    """Templates show Manage in the header to editors and admins."""
    return {"show_manage": may_manage(signed_in())}


def init_app(server: Flask) -> None:
    """CSRF tokens from Flask-WTF for every form; checked by `guarded` (and sign-in), not by a
    global hook, so the refusal order holds and Dash's read-only callbacks need no token."""
    server.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    # a token lasts as long as its session (which ends after 8 idle or 12 hours): a long
    # commentary being written must not lose its form after an hour
    server.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(server)
    server.register_error_handler(CSRFError, _csrf_refused)
    server.context_processor(manage_context)
    from manage import routes  # noqa: F401  (the routes register on the blueprint)

    server.register_blueprint(blueprint)


__all__ = ["NotVisible", "actor", "blueprint", "done", "guarded", "init_app", "page"]
