"""One engine per process, sessions and transactions, and the data version that keys the cache."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

_state: dict[str, object] = {}


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
    _state.update(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
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
    """A read session."""
    factory: sessionmaker[Session] = _state["sessions"]  # type: ignore[assignment]
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
def scratch_postgres_schema(base_url: str, prefix: str = "scratch") -> Iterator[str]:
    """A URL on a new PostgreSQL schema of its own, dropped afterwards.

    Tests and benchmarks share one database server; a schema each keeps runs from seeing each
    other's data.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
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
