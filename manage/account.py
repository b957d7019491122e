"""Your password: anyone signed in changes their own password, giving the current one
(INTERFACES.md section 7). Every other session of theirs ends; this one goes on.

Wrong current passwords count against the sign-in throttle, so a session left open on a shared
computer cannot be used to guess the password at leisure.
"""

from __future__ import annotations

import logging

from flask import Response, request
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField

from dashboard.model import Role
from data_access import users
from data_access.users import MIN_PASSWORD_LENGTH, UserError
from manage import blueprint, done, guarded, page, signed_in

logger = logging.getLogger(__name__)

THROTTLED = (
    "Too many wrong passwords. Wait 15 minutes and try again, or ask an admin to set a new "
    "password for you. Nothing was changed."
)
NOT_THE_SAME = "The two new passwords are not the same: type the new password twice."
CHANGED = "Your password was changed. You were signed out everywhere else."


class PasswordForm(FlaskForm):
    """The CSRF token is checked by `guarded`, before the form is read."""

    class Meta:
        csrf = False

    current = PasswordField("Current password")
    password = PasswordField("New password")
    again = PasswordField("New password again")


def _password_page(problems: list[tuple[str, str]] | None = None, status: int = 200) -> Response:
    return page(
        "manage/password.html",
        "password",
        status=status,
        problems=problems or [],
        min_password=MIN_PASSWORD_LENGTH,
    )


@blueprint.route("/account/password", methods=["GET", "POST"])
@guarded(role=Role.VIEWER, partnership=False)
def own_password() -> Response:
    if request.method == "GET":
        return _password_page()
    user = signed_in()
    assert user is not None
    form = PasswordForm()
    keys = users.throttle_keys(user.email, request.remote_addr)
    if users.locked_until(keys) is not None:
        return _password_page([("current", THROTTLED)], 429)
    new = form.password.data or ""
    if new != (form.again.data or ""):
        return _password_page([("again", NOT_THE_SAME)], 400)
    try:
        fresh = users.change_own_password(user.id, form.current.data or "", new)
    except UserError as error:
        if error.field == "current":
            users.record_failure(keys)
        field = error.field if error.field in ("current", "password") else "current"
        return _password_page([(field, str(error))], 400)
    login_user(fresh)  # this session carries the new session version; the others end
    logger.info("user %s changed their password", user.id)
    return done(CHANGED, "/account/password")
