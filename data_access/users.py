"""Users, their partnerships, password checks and the sign-in throttle (issue #6).

Passwords are stored as argon2id hashes and never logged. The throttle lives in the database,
so every gunicorn worker sees the same count of failed attempts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.model import Role
from data_access import audit, db
from data_access.tables import MembershipRow, PartnershipRow, SignInThrottleRow, UserRow

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 handles any length; this bounds the work one request can ask
EMAIL_MAX = 320
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

# Failures allowed inside the window before a key is locked, per kind of key. A client address
# gets more, because several people may share one (a council network behind one proxy).
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_LOCK = timedelta(minutes=15)
THROTTLE_LIMITS = {"email": 5, "client": 30}

_hasher = PasswordHasher()
# Checked when no such user exists, so an unknown address costs the same time as a wrong password
_DUMMY_HASH = _hasher.hash("not a password: equalises timing for unknown users")


class UserError(ValueError):
    """A user could not be created or changed; the message says why and what to do, and
    `field` which part was wrong (email, role, partnerships, password, current, user)."""

    def __init__(self, message: str, field: str = "user") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class SignedInUser:
    """A user as flask-login holds them: id, e-mail, role, the partnerships they belong to, and
    the session version their sessions must carry (end_sessions moves it on)."""

    id: int
    email: str
    role: Role
    member_of: frozenset[str]
    session_version: int
    disabled: bool = False

    # flask-login's user interface; a user we load is always an active, signed-in one
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """The token flask-login keeps in the session: id and session version (user_for_session)."""
        return f"{self.id}:{self.session_version}"


def normalise_email(email: str) -> str:
    """Lower-case and trimmed; raises UserError when it is not an e-mail address."""
    cleaned = (email or "").strip().lower()
    if len(cleaned) > EMAIL_MAX or not _EMAIL.match(cleaned):
        raise UserError(
            f"'{email}' is not an e-mail address: use the form name@example.gov.uk.", "email"
        )
    return cleaned


def parse_role(role: str) -> Role:
    try:
        return Role((role or "").strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise UserError(f"'{role}' is not a role: use one of {choices}.", "role") from None


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.",
            "password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(
            f"The password is too long: use at most {MAX_PASSWORD_LENGTH} characters.", "password"
        )


def _partnership_ids(session: Session, slugs: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(slugs))
    found = dict(
        session.execute(
            sa.select(PartnershipRow.slug, PartnershipRow.id).where(PartnershipRow.slug.in_(wanted))
        ).all()
    )
    missing = [s for s in wanted if s not in found]
    if missing:
        known = ", ".join(session.scalars(sa.select(PartnershipRow.slug).order_by("slug")))
        raise UserError(
            f"No partnership {', '.join(repr(m) for m in missing)}: "
            f"known partnerships are {known or 'none (run load-sample or load-config first)'}.",
            "partnerships",
        )
    return found


def _check_access(role: str, partnerships: Sequence[str]) -> Role:
    user_role = parse_role(role)
    if user_role is not Role.ADMIN and not partnerships:
        raise UserError(
            f"A {user_role} must belong to at least one partnership: name one "
            "(on the command line, --partnership SLUG).",
            "partnerships",
        )
    return user_role


def _access(session: Session, row: UserRow) -> dict[str, Any]:
    """What the audit log shows of a user's access: role and partnerships (never the password)."""
    slugs = session.scalars(
        sa.select(PartnershipRow.slug)
        .join(MembershipRow, MembershipRow.partnership_id == PartnershipRow.id)
        .where(MembershipRow.user_id == row.id)
        .order_by(PartnershipRow.slug)
    )
    return {"role": row.role, "partnerships": list(slugs)}


def _set_memberships(session: Session, user_id: int, ids: Iterable[int]) -> None:
    session.execute(sa.delete(MembershipRow).where(MembershipRow.user_id == user_id))
    session.add_all(MembershipRow(user_id=user_id, partnership_id=i) for i in ids)


def save_user(
    email: str,
    password: str,
    role: str,
    partnerships: Sequence[str],
    actor: str,
    *,
    only_new: bool = False,
) -> tuple[SignedInUser, bool]:
    """Create the user, or update their password, role and partnerships; returns (user, created).

    Admins are members of every partnership, so they need none named; viewers and editors need
    at least one. Nothing is saved when any argument is wrong, or (`only_new`) when the address
    already has an account. Updating a disabled user leaves them disabled.
    """
    address = normalise_email(email)
    user_role = _check_access(role, partnerships)
    check_password_rules(password)
    with db.transaction() as session:
        ids = _partnership_ids(session, [] if user_role is Role.ADMIN else partnerships)
        row = session.scalar(sa.select(UserRow).where(UserRow.email == address))
        created = row is None
        if row is not None and only_new:
            raise UserError(
                f"{address} already has an account: change its role, partnerships or password "
                "in the list of users instead.",
                "email",
            )
        old = None
        if row is None:
            row = UserRow(email=address, created_at=audit.now(), password_hash="", role="")
            session.add(row)
        else:
            old = _access(session, row)
            if old["role"] == Role.ADMIN and user_role is not Role.ADMIN and not row.disabled:
                _keep_an_admin(session, row)
        row.password_hash = _hasher.hash(password)
        row.role = user_role.value
        session.flush()
        if not created:  # a new password: a session signed in with the old one must not go on
            end_sessions(row.id, session)
        _set_memberships(session, row.id, ids.values())
        new = {"role": user_role.value, "partnerships": sorted(ids)}
        if created:
            audit.record(session, actor, "create-user", address, new=new)
        else:
            audit.record(
                session, actor, "update-user", address, old=old, new=new, password="new one set"
            )
        user_id = row.id
    user = user_by_id(user_id)
    assert user is not None
    return user, created


@dataclass(frozen=True, slots=True)
class UserSummary:
    """A user as the admins' list shows them."""

    id: int
    email: str
    role: Role
    partnerships: tuple[str, ...]  # slugs; admins belong to every partnership and list none
    disabled: bool
    created_at: datetime


def list_users() -> list[UserSummary]:
    """Every user, by e-mail address, with the partnerships each belongs to."""
    with db.session() as session:
        memberships: dict[int, list[str]] = {}
        for user_id, slug in session.execute(
            sa.select(MembershipRow.user_id, PartnershipRow.slug)
            .join(PartnershipRow, PartnershipRow.id == MembershipRow.partnership_id)
            .order_by(PartnershipRow.slug)
        ):
            memberships.setdefault(user_id, []).append(slug)
        return [
            UserSummary(
                r.id,
                r.email,
                Role(r.role),
                () if r.role == Role.ADMIN else tuple(memberships.get(r.id, [])),
                r.disabled,
                r.created_at,
            )
            for r in session.scalars(sa.select(UserRow).order_by(UserRow.email))
        ]


def _row(session: Session, user_id: int) -> UserRow:
    row = session.get(UserRow, user_id, with_for_update=True)
    if row is None:
        raise UserError("There is no such user: reload the list of users and try again.")
    return row


def _keep_an_admin(session: Session, row: UserRow) -> None:
    """UserError when demoting or disabling this admin would leave no admin who can sign in."""
    others = session.scalars(
        sa.select(UserRow.id)
        .where(UserRow.role == Role.ADMIN.value, ~UserRow.disabled, UserRow.id != row.id)
        .with_for_update()
    ).all()
    if not others:
        raise UserError(
            f"{row.email} is the only admin who can sign in: make another user an admin first, "
            "or nobody could manage users and configuration.",
            "role",
        )


def set_access(user_id: int, role: str, partnerships: Sequence[str], actor: str) -> bool:
    """Set a user's role and partnerships; False when they already had exactly these."""
    user_role = _check_access(role, partnerships)
    with db.transaction() as session:
        row = _row(session, user_id)
        ids = _partnership_ids(session, [] if user_role is Role.ADMIN else partnerships)
        old = _access(session, row)
        new = {"role": user_role.value, "partnerships": sorted(ids)}
        if old == new:
            return False
        if row.role == Role.ADMIN and user_role is not Role.ADMIN and not row.disabled:
            _keep_an_admin(session, row)
        row.role = user_role.value
        _set_memberships(session, row.id, ids.values())
        audit.record(session, actor, "update-user", row.email, old=old, new=new)
    return True


def set_password(user_id: int, password: str, actor: str) -> str:
    """An admin sets a user's new password, ending their sessions; returns their address."""
    check_password_rules(password)
    with db.transaction() as session:
        row = _row(session, user_id)
        row.password_hash = _hasher.hash(password)
        end_sessions(row.id, session)
        audit.record(session, actor, "user-password", row.email, password="new one set")
        return row.email


def set_disabled(user_id: int, disabled: bool, actor: str) -> tuple[str, bool]:
    """Disable a user (they cannot sign in; their sessions end at once) or enable them again;
    returns their address and whether anything changed."""
    with db.transaction() as session:
        row = _row(session, user_id)
        if row.disabled == disabled:
            return row.email, False
        if disabled and row.role == Role.ADMIN:
            _keep_an_admin(session, row)
        row.disabled = disabled
        if disabled:
            end_sessions(row.id, session)
        action = "disable-user" if disabled else "enable-user"
        audit.record(
            session,
            actor,
            action,
            row.email,
            old={"disabled": not disabled},
            new={"disabled": disabled},
        )
        return row.email, True


def change_own_password(user_id: int, current: str, new: str) -> SignedInUser:
    """A signed-in user's own new password, given the current one: every other session of
    theirs ends (the caller signs this one in again with the user returned)."""
    with db.session() as session:
        row = session.get(UserRow, user_id)
        stored = row.password_hash if row is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, current[:MAX_PASSWORD_LENGTH])
        except (VerificationError, InvalidHashError):
            raise UserError(
                "Your current password is not right: nothing was changed. Type it again.",
                "current",
            ) from None
    check_password_rules(new)
    if new == current:
        raise UserError("The new password is your current one: choose a different one.", "password")
    with db.transaction() as session:
        row = _row(session, user_id)
        if row.disabled:
            raise UserError("This account is disabled: ask an admin.")
        row.password_hash = _hasher.hash(new)
        end_sessions(row.id, session)
        audit.record(session, row.email, "own-password", row.email, password="changed by its user")
    user = user_by_id(user_id)
    assert user is not None
    return user


def _user(session: Session, row: UserRow) -> SignedInUser:
    role = Role(row.role)
    if role is Role.ADMIN:
        slugs = session.scalars(sa.select(PartnershipRow.slug))
    else:
        slugs = session.scalars(
            sa.select(PartnershipRow.slug)
            .join(MembershipRow, MembershipRow.partnership_id == PartnershipRow.id)
            .where(MembershipRow.user_id == row.id)
        )
    return SignedInUser(
        row.id, row.email, role, frozenset(slugs), row.session_version, row.disabled
    )


def user_by_id(user_id: int | str) -> SignedInUser | None:
    """The user with this id (flask-login's user loader), or None."""
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    with db.session() as session:
        row = session.get(UserRow, key)
        return _user(session, row) if row is not None else None


def user_for_session(token: str) -> SignedInUser | None:
    """The user a session token (SignedInUser.get_id) names, or None when there is no such user,
    they are disabled, or their sessions were ended since the token was made."""
    user_id, _, version = (token or "").partition(":")
    user = user_by_id(user_id)
    if user is None or user.disabled or version != str(user.session_version):
        return None
    return user


def end_sessions(user_id: int, session: Session | None = None) -> None:
    """End every session of this user, wherever its cookie is: signing out, a new password and
    disabling a user all call this. Pass `session` to make it part of a larger write."""
    statement = (
        sa.update(UserRow)
        .where(UserRow.id == user_id)
        .values(session_version=UserRow.session_version + 1)
    )
    if session is not None:
        session.execute(statement)
    else:
        with db.transaction() as own:
            own.execute(statement)
    logger.info("sessions of user %s ended", user_id)


def check_credentials(email: str, password: str) -> SignedInUser | None:
    """The user when the password is right; None for a wrong password, an unknown address or a
    disabled user (the same answer, after the same work)."""
    try:
        address = normalise_email(email)
    except UserError:
        address = None
    with db.session() as session:
        row = (
            session.scalar(sa.select(UserRow).where(UserRow.email == address)) if address else None
        )
        stored = row.password_hash if row is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, password[:MAX_PASSWORD_LENGTH])
        except (VerificationError, InvalidHashError):
            return None
        if row is None or row.disabled:
            return None
        user = _user(session, row)
    if _hasher.check_needs_rehash(stored):
        with db.transaction() as session:
            session.execute(
                sa.update(UserRow)
                .where(UserRow.id == user.id)
                .values(password_hash=_hasher.hash(password))
            )
    return user


def throttle_keys(email: str, client: str | None) -> list[str]:
    """The keys a sign-in attempt counts against: the address typed and the client's address."""
    keys = [f"email:{(email or '').strip().lower()[:EMAIL_MAX]}"]
    if client:
        keys.append(f"client:{client[:64]}")
    return keys


def _limit(key: str) -> int:
    return THROTTLE_LIMITS[key.split(":", 1)[0]]


def locked_until(keys: Sequence[str], now: datetime | None = None) -> datetime | None:
    """When the latest lock on any of these keys ends, or None when sign-in may be tried."""
    now = now or audit.now()
    with db.session() as session:
        ends = session.scalars(
            sa.select(SignInThrottleRow.locked_until).where(
                SignInThrottleRow.key.in_(list(keys)), SignInThrottleRow.locked_until > now
            )
        ).all()
    return max(ends) if ends else None


def record_failure(keys: Sequence[str], now: datetime | None = None) -> None:
    """Count one failed attempt against each key; lock a key that reaches its limit."""
    now = now or audit.now()
    for key in keys:
        for attempt in range(2):  # a second worker may insert the same key first: then update it
            try:
                with db.transaction() as session:
                    _count_failure(session, key, now)
                break
            except IntegrityError:
                if attempt:
                    raise


def _count_failure(session: Session, key: str, now: datetime) -> None:
    row = session.get(SignInThrottleRow, key, with_for_update=True)
    if row is None:
        row = SignInThrottleRow(key=key, failures=0, window_start=now, locked_until=None)
        session.add(row)
    elif row.window_start + THROTTLE_WINDOW < now:
        row.failures, row.window_start = 0, now
    row.failures += 1
    if row.failures >= _limit(key):
        row.locked_until = now + THROTTLE_LOCK
        row.failures, row.window_start = 0, now
        logger.warning("sign-in locked for %s after repeated failures", key.split(":", 1)[0])


def clear_failures(keys: Sequence[str]) -> None:
    """A successful sign-in forgets the failures counted against its e-mail address."""
    with db.transaction() as session:
        session.execute(
            sa.delete(SignInThrottleRow).where(
                SignInThrottleRow.key.in_([k for k in keys if k.startswith("email:")])
            )
        )
