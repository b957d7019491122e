"""Sign-in and sign-out: flask-login sessions, server-rendered forms with a CSRF token, and a
throttle on repeated failures. A wrong password and an unknown address get the same answer."""

from __future__ import annotations

import hmac
import logging
import secrets

from flask import Blueprint, Flask, Response, redirect, render_template, request, session
from flask_login import LoginManager, login_user, logout_user

from data_access.access import current_email
from data_access.users import (
    SignedInUser,
    check_credentials,
    clear_failures,
    locked_until,
    record_failure,
    throttle_keys,
    user_by_id,
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


def csrf_token() -> str:
    """The session's CSRF token, made on first use; every form carries it in a hidden field."""
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def _csrf_ok() -> bool:
    sent = request.form.get(CSRF_KEY, "")
    expected = session.get(CSRF_KEY, "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def safe_next(target: str | None) -> str:
    """A local path to return to after sign-in; anything else (another site) goes home."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


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
    email = request.form.get("email", "").strip()
    if not _csrf_ok():
        return _sign_in_page(FORM_EXPIRED, email, 400)
    keys = throttle_keys(email, request.remote_addr)
    if locked_until(keys) is not None:
        return _sign_in_page(THROTTLED, email, 429)
    user = check_credentials(email, request.form.get("password", ""))
    if user is None:
        record_failure(keys)
        return _sign_in_page(WRONG_CREDENTIALS, email, 401)
    clear_failures(keys)
    session.clear()  # a fresh session: nothing from before sign-in carries over
    login_user(user)
    logger.info("user %s signed in", user.id)
    return redirect(safe_next(request.form.get("next")), code=303)  # type: ignore[return-value]


@blueprint.route("/sign-out", methods=["GET", "POST"])
def sign_out() -> Response:
    if request.method == "GET":
        page = render_template(
            "sign_out.html", csrf_token=csrf_token(), signed_in_as=current_email()
        )
        return Response(page)
    if _csrf_ok():
        logout_user()
        session.clear()
    return redirect("/", code=303)  # type: ignore[return-value]


def load_user(user_id: str) -> SignedInUser | None:
    return user_by_id(user_id)


def init_app(server: Flask, secure_cookies: bool) -> None:
    """Sessions in HttpOnly, SameSite=Lax cookies; Secure when the site is served over HTTPS."""
    server.config.update(
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
    server.jinja_env.globals.setdefault("csrf_token", csrf_token)
