"""Manage › Users and Configuration: admins' pages (INTERFACES.md section 7).

Users: list them; create one; set a user's role and partnerships, a new password (ending their
sessions); disable a user (they cannot sign in, and their sessions end at once) or enable them.
No change may leave no admin who can sign in.

Configuration: upload a TOML file (INTERFACES.md section 4); the preview says what it would
add, change and remove, saving nothing but the file, kept for the confirmation; the confirmation
saves exactly what was previewed, or nothing. A measure the file leaves out of a partnership is
kept unless the admin ticks the box that takes those measures off too.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import PurePath

from flask import Response, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, PasswordField, SelectMultipleField, StringField

from dashboard.config_file import ConfigError
from dashboard.model import Role
from data_access import catalogue, users
from data_access.catalogue import ConfigChanges, ConfigPreview, PreviewGone, PreviewOutdated
from data_access.results import all_partnerships
from data_access.users import MIN_PASSWORD_LENGTH, UserError
from manage import actor, blueprint, done, guarded, page, signed_in

logger = logging.getLogger(__name__)

ROLE_WORDS = {
    Role.VIEWER: "Viewer: sees their partnerships' provisional results",
    Role.EDITOR: "Editor: also loads results, writes commentary and publishes",
    Role.ADMIN: "Admin: every partnership, users and configuration",
}
CONFIG_MAX_BYTES = 2 * 1024 * 1024
CHOOSE_CONFIG = "Choose a configuration file (.toml) to check."
NOT_TOML = "The configuration file must be a .toml file (INTERFACES.md section 4)."
NOT_UTF8 = "The configuration file is not UTF-8 text: save it as UTF-8 and upload it again."
TOO_BIG = f"The configuration file is larger than {CONFIG_MAX_BYTES // 2**20} MB."
OUTDATED = (
    "The configuration changed after your preview (another admin, or a command), so nothing was "
    "saved. This is what the file would change now: check it, then save again."
)
OWN_PASSWORD = "Change your own password under Your password: it asks for your current one."
ALREADY_SO = "Nothing changed: the configuration was already as the file says."
NO_LONGER_FITS = (
    "The configuration changed after your preview and the file no longer fits it, so nothing "
    "was saved:"
)


# Users ------------------------------------------------------------------------------------


class NewUserForm(FlaskForm):
    """Create a user. The CSRF token is checked by `guarded`, before any form is read."""

    class Meta:
        csrf = False

    email = StringField("E-mail address")
    role = StringField("Role")  # one of Role: checked by data_access.users
    partnerships = SelectMultipleField("Partnerships", choices=[], validate_choice=False)
    password = PasswordField("Password")


class ChangeUserForm(FlaskForm):
    """One change to one user: `change` is access, password, disable or enable."""

    class Meta:
        csrf = False

    user_id = HiddenField()
    change = HiddenField()
    role = StringField("Role")  # one of Role: checked by data_access.users
    partnerships = SelectMultipleField("Partnerships", choices=[], validate_choice=False)
    password = PasswordField("New password")


def _users_page(
    problems: Sequence[tuple[str, str]] = (),
    status: int = 200,
    selected: int | None = None,
    new: NewUserForm | None = None,
    typed: ChangeUserForm | None = None,
) -> Response:
    everyone = users.list_users()
    chosen = next((u for u in everyone if u.id == selected), None)
    return page(
        "manage/users.html",
        "users",
        status=status,
        users=everyone,
        chosen=chosen,
        new=new or NewUserForm(formdata=None),
        typed=typed,
        partnerships=sorted(all_partnerships(), key=lambda p: p.name),
        roles=[(r.value, ROLE_WORDS[r]) for r in Role],
        problems=list(problems),
        min_password=MIN_PASSWORD_LENGTH,
        me=actor(),
    )


def _selected() -> int | None:
    try:
        return int(request.values.get("user") or request.form.get("user_id") or "")
    except ValueError:
        return None


@blueprint.route("/manage/users", methods=["GET", "POST"])
@guarded(role=Role.ADMIN, partnership=False)
def users_page() -> Response:
    if request.method == "GET":
        return _users_page(selected=_selected())
    if request.form.get("change"):
        return _change_user()
    return _create_user()


def _create_user() -> Response:
    form = NewUserForm()
    problems: list[tuple[str, str]] = []
    checks = (
        ("new-email", lambda: users.normalise_email(form.email.data or "")),
        ("new-role", lambda: users.parse_role(form.role.data or "")),
        ("new-password", lambda: users.check_password_rules(form.password.data or "")),
    )
    for field, check in checks:
        try:
            check()
        except UserError as error:
            problems.append((field, str(error)))
    if not problems:
        try:
            user, _ = users.save_user(
                form.email.data or "",
                form.password.data or "",
                form.role.data or "",
                form.partnerships.data or [],
                actor(),
                only_new=True,
            )
        except UserError as error:
            problems.append((f"new-{error.field}", str(error)))
        else:
            logger.info("user %s created in Manage", user.id)
            where = (
                "every partnership"
                if user.role is Role.ADMIN
                else ", ".join(sorted(user.member_of))
            )
            return done(f"Created {user.role} {user.email}, a member of {where}.", "/manage/users")
    return _users_page(problems, 400, new=form)


def _change_user() -> Response:
    form = ChangeUserForm()
    selected = _selected()
    change = form.change.data
    if selected is None:
        return _users_page([("users", "Choose a user from the list first.")], 400)
    try:
        message = _apply_change(selected, change or "", form)
    except UserError as error:
        field = error.field if change in ("access", "password") else "disabled"
        return _users_page([(f"change-{field}", str(error))], 400, selected, typed=form)
    return done(message, f"/manage/users?user={selected}")


def _apply_change(user_id: int, change: str, form: ChangeUserForm) -> str:
    """Make one change to one user; the one-line summary, or UserError saying why not."""
    me = signed_in()
    if change == "access":
        role, slugs = form.role.data or "", form.partnerships.data or []
        if not users.set_access(user_id, role, slugs, actor()):
            return "Nothing changed: the user already had that role and those partnerships."
        return "Role and partnerships saved."
    if change == "password":
        if me is not None and me.id == user_id:
            raise UserError(OWN_PASSWORD, "password")
        email = users.set_password(user_id, form.password.data or "", actor())
        return f"New password set for {email}; they were signed out everywhere. Tell them it."
    if change in ("disable", "enable"):
        email, changed = users.set_disabled(user_id, change == "disable", actor())
        if not changed:
            return f"Nothing changed: {email} was already {change}d."
        if change == "disable":
            return f"Disabled {email}: they cannot sign in, and were signed out everywhere."
        return f"Enabled {email}: they can sign in again."
    raise UserError("Choose what to change: role and partnerships, password, or disable.", "role")


# Configuration ----------------------------------------------------------------------------


class ConfigUploadForm(FlaskForm):
    class Meta:
        csrf = False

    file = FileField("Configuration file")


def _config_page(
    problems: Sequence[tuple[str, str]] = (),
    status: int = 200,
    **preview: object,
) -> Response:
    return page(
        "manage/config.html",
        "config",
        status=status,
        problems=list(problems),
        max_megabytes=CONFIG_MAX_BYTES // 2**20,
        **preview,
    )


def _preview_page(
    preview: ConfigPreview,
    filename: str,
    token: str | None,
    digest: str,
    message: str | None = None,
    status: int = 200,
) -> Response:
    names = {p.slug: p.name for p in all_partnerships()}
    return _config_page(
        [("confirm", message)] if message else [],
        status,
        preview=preview,
        filename=filename,
        token=token,
        digest=digest,
        partnership_names=names,
    )


@blueprint.route("/manage/config", methods=["GET", "POST"])
@guarded(role=Role.ADMIN, partnership=False)
def config_page() -> Response:
    if request.method == "GET":
        return _config_page()
    token = request.form.get("token")
    if token is not None:
        return _confirm_config(token)
    return _preview_config()


def _config_filename(sent: str) -> str:
    name = PurePath(sent.replace("\\", "/")).name.strip()
    return name[-200:] or "config.toml"


def _preview_config() -> Response:
    form = ConfigUploadForm()
    sent = form.file.data
    if sent is None or not getattr(sent, "filename", ""):
        return _config_page([("file", CHOOSE_CONFIG)], 400)
    filename = _config_filename(sent.filename)
    if not filename.lower().endswith(".toml"):
        return _config_page([("file", NOT_TOML)], 400)
    content = sent.read(CONFIG_MAX_BYTES + 1)
    if len(content) > CONFIG_MAX_BYTES:
        return _config_page([("file", TOO_BIG)], 400)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return _config_page([("file", NOT_UTF8)], 400)
    try:
        config = catalogue.parse_for_catalogue(text, filename)
    except ConfigError as error:
        return _config_page([("file", problem) for problem in error.problems], 400)
    preview = catalogue.preview_config(config)
    wanted = preview.changed or bool(preview.unlisted)
    token = catalogue.keep_pending(text, filename, actor()) if wanted else None
    return _preview_page(preview, filename, token, catalogue.preview_digest(preview, text))


def _confirm_config(token: str) -> Response:
    remove_unlisted = request.form.get("remove_unlisted") == "yes"
    digest = request.form.get("digest", "")
    try:
        filename, changes = catalogue.save_pending(token, actor(), digest, remove_unlisted)
    except PreviewGone as gone:
        return _config_page([("file", str(gone))], 404)
    except PreviewOutdated as outdated:
        filename, _ = catalogue.pending_file(token, actor())
        return _preview_page(outdated.preview, filename, token, outdated.digest, OUTDATED, 409)
    except ConfigError as error:  # what the file refers to went since the preview
        problems = [("file", f"{NO_LONGER_FITS} {p}") for p in error.problems]
        return _config_page(problems, 409)
    logger.info("configuration %s saved in Manage: %s", filename, changes)
    return done(_saved(filename, changes), "/manage/config")


def _saved(filename: str, changes: ConfigChanges) -> str:
    """'cheltenham.toml saved: 1 partnership created or changed.'"""
    counts = (
        (changes.areas, "area"),
        (changes.measures, "measure"),
        (changes.partnerships, "partnership"),
    )
    parts = [f"{n} {word if n == 1 else word + 's'}" for n, word in counts if n]
    if not parts:
        return f"{filename}: {ALREADY_SO}"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{filename} saved: {listed} created or changed."
