"""One engine per process, sessions and transactions, and the data version that keys the cache."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

_state: dict[str, object] = {}

T = TypeVar("T")

# Errors that may mean the database is away (is_unavailable says which do): the app answers them
# with 503 and Retry-After rather than 500.
DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeoutError)
# PostgreSQL SQLSTATE classes of a database that is away rather than of a bad query: connection
# exception, operator intervention (shutting down, starting up) and insufficient resources
_UNAVAILABLE_SQLSTATES = ("08", "57P", "53")
_SQLITE_BUSY_CODES = (5, 6)  # SQLITE_BUSY and SQLITE_LOCKED: another writer held on too long


def is_unavailable(error: BaseException) -> bool:
    """Whether a database error means the database cannot be reached for now (restarting,
    unreachable, locked) rather than a fault in the app."""
    if isinstance(error, PoolTimeoutError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.orig
    if hasattr(cause, "sqlstate") or hasattr(cause, "pgcode"):  # psycopg 3 or psycopg2
        code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        return code is None or code.startswith(_UNAVAILABLE_SQLSTATES)  # None: cannot connect
    return (getattr(cause, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_BUSY_CODES


def _first_line(error: DBAPIError) -> str:
    """The driver's message without the SQL and its parameters (they may hold e-mail addresses)."""
    lines = str(error.orig).strip().splitlines()
    return f"{type(error.orig).__name__}: {lines[0] if lines else ''}"


class _ReadSession(Session):
    """A read session that runs a statement once more, on a new connection, when the pooled one
    was dropped under it (a database restart, a proxy closing connections). pool_pre_ping catches
    a dead connection at checkout; this catches one that dies after."""

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self._once_more_if_dropped(super().execute, *args, **kwargs)

    def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return self._once_more_if_dropped(super().scalar, *args, **kwargs)

    def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self._once_more_if_dropped(super().scalars, *args, **kwargs)

    def _once_more_if_dropped(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return call(*args, **kwargs)
        except DBAPIError as error:
            if not error.connection_invalidated or self.new or self.dirty or self.deleted:
                raise
            logger.warning(
                "database connection dropped during a read (%s): retrying once", _first_line(error)
            )
            self.rollback()
            return call(*args, **kwargs)


def make_engine(url: str) -> Engine:
    """An engine with foreign keys enforced on SQLite and connections checked before use."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

    return engine


def configure(url: str) -> Engine:
    """Bind the process-wide engine (the app factory and the CLI call this once)."""
    current = _state.get("url")
    if current == url and "engine" in _state:
        return _state["engine"]  # type: ignore[return-value]
    if "engine" in _state:
        _state["engine"].dispose()  # type: ignore[attr-defined]
    engine = make_engine(url)
    _state.update(
        url=url,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        reads=sessionmaker(engine, class_=_ReadSession, expire_on_commit=False),
    )
    return engine


def engine() -> Engine:
    try:
        return _state["engine"]  # type: ignore[return-value]
    except KeyError:
        raise RuntimeError(
            "The database is not configured: call data_access.db.configure(url)"
        ) from None


@contextmanager
def session() -> Iterator[Session]:
    """A read session: a statement whose connection was dropped under it runs once more."""
    factory: sessionmaker[Session] = _state["reads"]  # type: ignore[assignment]
    with factory() as s:
        yield s


@contextmanager
def transaction() -> Iterator[Session]:
    """One all-or-nothing write: commits at the end, rolls back on any error."""
    factory: sessionmaker[Session] = _state["sessions"]  # type: ignore[assignment]
    with factory() as s, s.begin():
        yield s


def dispose() -> None:
    """Close every pooled connection (tests, and gunicorn --preload after fork)."""
    if "engine" in _state:
        _state["engine"].dispose()  # type: ignore[attr-defined]


@contextmanager
def scratch_postgres_database(
    url: str, prefix: str = "scratch", template: bool = False
) -> Iterator[str]:
    """A URL on a new PostgreSQL database of its own on the server `url` names, dropped
    afterwards; with `template`, a copy of the database `url` names (PostgreSQL copies its files,
    far faster than loading the same data again: the tests' sample with users)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(
        parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
    )
    source = f' TEMPLATE "{parsed.database}"' if template else ""
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{source}'))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_postgres_schema(base_url: str, prefix: str = "scratch") -> Iterator[str]:
    """A URL on a new PostgreSQL schema of its own, dropped afterwards.

    Tests and benchmarks share one database server; a schema each keeps runs from seeing each
    other's data.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url, pool_pre_ping=True)  # survives a restart meanwhile
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{sep}options=-csearch_path%3D{name}"
    finally:
        dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
