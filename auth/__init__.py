"""Sign-in and sign-out: flask-login sessions, server-rendered forms with a CSRF token, and a
throttle on repeated failures. A wrong password and an unknown address get the same answer.

Sessions are revocable: each carries its user's session version, checked on every request, so
signing out or a new password ends every copy of the cookie; and they end after IDLE_LIMIT
without a request or ABSOLUTE_LIMIT after signing in, whichever comes first.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from dashboard.model import Role
from data_access.access import current_email
from data_access.users import (
    EMAIL_MAX,
    MAX_PASSWORD_LENGTH,
    SignedInUser,
    check_credentials,
    clear_failures,
    end_sessions,
    locked_until,
    record_failure,
    throttle_keys,
    user_for_session,
)

logger = logging.getLogger(__name__)
blueprint = Blueprint("auth", __name__)
login_manager = LoginManager()

CSRF_KEY = "csrf_token"
WRONG_CREDENTIALS = (
    "The e-mail address or password is not right. Check both and try again; "
    "your performance team can reset a forgotten password."
)
THROTTLED = (
    "Too many failed attempts to sign in. Wait 15 minutes and try again, "
    "or ask your performance team to reset your password."
)
FORM_EXPIRED = "This form has expired. It has been reloaded: please try again."

IDLE_LIMIT = timedelta(hours=8)  # a working day away from the desk
ABSOLUTE_LIMIT = timedelta(hours=12)  # then sign in again, however busy
LAST_SEEN_STEP_S = 60  # the cookie is re-issued at most once a minute to record activity
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
USER_ID_KEY = "_user_id"  # where flask-login keeps the user's get_id() in the session
# What flask-login and this module keep in the session for a signed-in user
_SIGN_IN_KEYS = (USER_ID_KEY, "_fresh", "_id", "_remember", SIGNED_IN_AT, LAST_SEEN)
NEXT_MAX = 2000


def csrf_token() -> str:
    """The session's CSRF token (Flask-WTF's, signed); every form carries it in a hidden field."""
    return generate_csrf()


def _csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get(CSRF_KEY, ""))
    except ValidationError:
        return False
    return True


class SignInForm(FlaskForm):
    """The sign-in form's fields; its CSRF token is checked first, on its own (`_csrf_ok`), so a
    stale form gets its own message. Empty or over-long fields get the wrong-credentials one."""

    class Meta:
        csrf = False

    email = StringField(validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField(validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


def safe_next(target: str | None) -> str:
    """A path on this site to return to after sign-in; anything else goes home.

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so
    `/<tab>/evil.example` is `//evil.example` to them: a control character or a backslash
    anywhere goes home too, as does anything with a scheme or a host.
    """
    if not target or len(target) > NEXT_MAX or not target.startswith("/"):
        return "/"
    if target.startswith("//") or any(c == "\\" or not c.isprintable() for c in target):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


def _sign_in_page(message: str | None = None, email: str = "", status: int = 200) -> Response:
    page = render_template(
        "sign_in.html",
        message=message,
        email=email,
        next=safe_next(request.values.get("next")),
        csrf_token=csrf_token(),
        signed_in_as=current_email(),
    )
    return Response(page, status=status)


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response:
    if request.method == "GET":
        return _sign_in_page()
    form = SignInForm(request.form)
    email = (form.email.data or "").strip()[:EMAIL_MAX]
    if not _csrf_ok():
        return _sign_in_page(FORM_EXPIRED, email, 400)
    keys = throttle_keys(email, request.remote_addr)
    if locked_until(keys) is not None:
        return _sign_in_page(THROTTLED, email, 429)
    user = check_credentials(email, form.password.data or "") if form.validate() else None
    if user is None:
        record_failure(keys)
        return _sign_in_page(WRONG_CREDENTIALS, email, 401)
    clear_failures(keys)
    session.clear()  # a fresh session: nothing from before sign-in carries over
    login_user(user)
    session[SIGNED_IN_AT] = session[LAST_SEEN] = int(time.time())
    logger.info("user %s signed in", user.id)
    return redirect(landing(user, request.form.get("next")), code=303)  # type: ignore[return-value]


def landing(user: SignedInUser, next_path: str | None) -> str:
    """Where a user goes after signing in: where they were going, else (a member of exactly one
    partnership) that partnership's overview, else the home page."""
    target = safe_next(next_path)
    if target == "/" and len(user.member_of) == 1 and user.role is not Role.ADMIN:
        (slug,) = user.member_of
        return f"/p/{slug}"
    return target


@blueprint.route("/sign-out", methods=["GET", "POST"])
def sign_out() -> Response:
    if request.method == "GET":
        page = render_template(
            "sign_out.html", csrf_token=csrf_token(), signed_in_as=current_email()
        )
        return Response(page)
    if _csrf_ok():
        if current_user.is_authenticated:
            end_sessions(current_user.id)  # every copy of this cookie, and the user's others
        logout_user()
        session.clear()
    return redirect("/", code=303)  # type: ignore[return-value]


def _within_limits(now: float) -> bool:
    signed_in_at, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
    if not isinstance(signed_in_at, int) or not isinstance(last_seen, int):
        return False
    return (
        now - last_seen < IDLE_LIMIT.total_seconds()
        and now - signed_in_at < ABSOLUTE_LIMIT.total_seconds()
    )


def load_user(token: str) -> SignedInUser | None:
    """flask-login's user loader, on every request that asks who is signed in: the session must
    be within its time limits and carry its user's current session version."""
    now = time.time()
    user = user_for_session(token) if _within_limits(now) else None
    if user is None:
        for key in _SIGN_IN_KEYS:  # signed out here, keeping the form token of this session
            session.pop(key, None)
        return None
    if now - session[LAST_SEEN] >= LAST_SEEN_STEP_S:
        session[LAST_SEEN] = int(now)
    return user


def private_for_members(response: Response) -> Response:
    """A signed-in member's responses may hold what the public must not see: no shared cache
    (a proxy, a CDN) may keep them. Views that choose their own Cache-Control keep it."""
    has_cookie = current_app.config["SESSION_COOKIE_NAME"] in request.cookies
    if "Cache-Control" not in response.headers and has_cookie and USER_ID_KEY in session:
        response.headers["Cache-Control"] = "private"
    return response


def _forget_the_last_request() -> None:
    """Who is signed in and the form token are kept on flask.g for one request. A request made
    inside an outer app context (the tests', a CLI command's) shares that context's g, and would
    otherwise see the previous request's user and token."""
    for key in ("_login_user", CSRF_KEY):
        g.pop(key, None)


def init_app(server: Flask, secure_cookies: bool) -> None:
    """Sessions in HttpOnly, SameSite=Lax cookies; Secure when the site is served over HTTPS."""
    server.config.update(
        # Flask refuses a session cookie not re-issued for this long, signed in or not
        PERMANENT_SESSION_LIFETIME=ABSOLUTE_LIMIT,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure_cookies,
    )
    login_manager.login_view = "auth.sign_in"
    login_manager.user_loader(load_user)
    login_manager.init_app(server)
    server.register_blueprint(blueprint)
    server.after_request(private_for_members)
    server.before_request(_forget_the_last_request)
