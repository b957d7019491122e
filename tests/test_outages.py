"""When Redis hangs or the database is away, the site answers: without the cache (one warning in
the log, half a second at most), or with 503 and Retry-After — never a 500, never a long stall.

The PostgreSQL tests that drop a connection run when TEST_DATABASE_URL is set; the one that
pauses a Redis starts a redis-server of its own on a free port (skipped when none is installed),
so it never pauses a Redis that others share.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from data_access import cache as cache_module
from data_access import db
from data_access.cache import ResilientRedisCache, cache

SOUTH_GLOS = "/api/v1/partnerships/south-glos"
PUBLISHED_RESULTS = f"{SOUTH_GLOS}/results?period=2018%2F19"
CACHE_LOGGER = "data_access.cache"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class HungServer:
    """Accepts TCP connections and never answers a byte: a frozen Redis."""

    listener: socket.socket
    accepted: list[socket.socket] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:  # closed at the end of the test
                return
            self.accepted.append(conn)


@pytest.fixture
def hung_redis() -> Iterator[HungServer]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    server = HungServer(listener)
    threading.Thread(target=server.serve, daemon=True).start()
    yield server
    listener.close()
    for conn in server.accepted:
        conn.close()  # a client still waiting (no timeout) gets end-of-file and gives up


@contextmanager
def cache_on(server: Flask, redis_url: str) -> Iterator[ResilientRedisCache]:
    """The session's server on this Redis, restored to the in-process cache afterwards."""
    cache_module.init_app(server, redis_url)
    try:
        yield server.extensions["cache"][cache]
    finally:
        cache_module.init_app(server, None)


def within(seconds: float, call: Callable[[], Any]) -> tuple[Any, float]:
    """Call in a thread; fail if it has not returned after `seconds` (a hang, not a slow call)."""
    answer: list[Any] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: answer.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert answer, f"still waiting after {seconds} s"
    return answer[0], time.monotonic() - started


def cache_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name in (CACHE_LOGGER, "flask_caching")
    ]


def test_a_hung_redis_costs_one_read_half_a_second_then_is_left_alone_with_one_warning(
    client: FlaskClient, server: Flask, hung_redis: HungServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with cache_on(server, hung_redis.url):
        first, first_s = within(5, lambda: client.get(PUBLISHED_RESULTS))
        connections = len(hung_redis.accepted)
        again, again_s = within(5, lambda: client.get(PUBLISHED_RESULTS))
        periods = client.get(f"{SOUTH_GLOS}/periods")  # another memoized reader
    assert (first.status_code, again.status_code, periods.status_code) == (200, 200, 200)
    assert again.get_json() == first.get_json()
    assert first_s < 1.5  # one socket timeout of 0.5 s, then Redis is skipped
    assert again_s < 1.0
    assert len(hung_redis.accepted) == connections  # not even a connection attempt meanwhile
    warnings = cache_warnings(caplog)
    assert len(warnings) == 1, warnings  # and no traceback from flask-caching per call
    assert warnings[0].startswith("Redis cache unavailable (TimeoutError")


@dataclass(frozen=True)
class OwnRedis:
    url: str

    def pause(self, milliseconds: int) -> None:
        redis.Redis.from_url(self.url).execute_command("CLIENT", "PAUSE", milliseconds, "ALL")


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield OwnRedis(url)
    finally:
        process.terminate()
        process.wait(10)


def test_after_a_pause_redis_is_tried_again_and_caches_once_it_answers(
    server: Flask,
    own_redis: OwnRedis,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    monkeypatch.setattr(cache_module, "REDIS_DOWN_FOR_S", 0.6)
    calls: list[int] = []

    @cache.memoize()
    def doubled(n: int) -> int:
        calls.append(n)
        return 2 * n

    with server.app_context(), cache_on(server, own_redis.url) as backend:
        assert (doubled(1), doubled(1), calls) == (2, 2, [1])  # the second from Redis
        own_redis.pause(900)
        assert doubled(1) == 2 and calls == [1, 1]  # Redis frozen: the function answers
        assert backend.is_down and not cache_module.cache_available(server)
        assert doubled(1) == 2 and calls == [1, 1, 1]  # Redis skipped
        time.sleep(1.0)  # the pause is over, and so is the time the cache stands aside
        assert doubled(1) == 2 and calls == [1, 1, 1]  # from Redis, stored before the pause
        assert (doubled(3), doubled(3), calls) == (6, 6, [1, 1, 1, 3])  # and stored again
        assert not backend.is_down and cache_module.cache_available(server)
    warnings = cache_warnings(caplog)
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("Redis cache unavailable")
    assert warnings[1].startswith("Redis cache answering again")


# --- the database away ----------------------------------------------------------------------


@pytest.fixture
def database_away(server: Flask) -> Iterator[FlaskClient]:
    """The app pointed at a PostgreSQL port where nothing listens: every connection refused."""
    with server.app_context():
        db.configure(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test")
        cache.clear()
        yield server.test_client()
        db.dispose()


def test_the_api_answers_503_with_retry_after_when_the_database_is_away(
    database_away: FlaskClient,
) -> None:
    for path in ("/api/v1/partnerships", PUBLISHED_RESULTS):
        response = database_away.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "5"
        assert response.is_json
        assert response.get_json()["error"].startswith("The dashboard cannot reach its database")


def test_a_page_answers_503_with_retry_after_when_the_database_is_away(
    database_away: FlaskClient,
) -> None:
    response = database_away.get("/embed/south-glos")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Unavailable for a moment</h1>" in page
    assert "Traceback" not in page


def _drop_connection_of(session: Session) -> None:
    """Terminate the server process behind the session's connection, as a restart does."""
    pid = session.scalar(sa.text("SELECT pg_backend_pid()"))
    with db.engine().connect() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_read_whose_connection_was_dropped_runs_once_more(
    empty_db: str, caplog: pytest.LogCaptureFixture
) -> None:
    if not empty_db.startswith("postgresql"):
        pytest.skip("a dropped connection needs a database server")
    caplog.set_level(logging.WARNING)
    with db.session() as session:
        _drop_connection_of(session)
        assert session.scalar(sa.text("SELECT 41 + 1")) == 42
    assert any("retrying once" in r.getMessage() for r in caplog.records)


def test_a_write_whose_connection_was_dropped_fails_as_unavailable_and_is_not_run_again(
    empty_db: str,
) -> None:
    if not empty_db.startswith("postgresql"):
        pytest.skip("a dropped connection needs a database server")
    with pytest.raises(OperationalError) as raised, db.transaction() as session:
        _drop_connection_of(session)
        session.execute(sa.text("SELECT 1"))
    assert db.is_unavailable(raised.value)


def test_a_query_fault_is_not_mistaken_for_an_outage(empty_db: str) -> None:
    with pytest.raises(sa.exc.DBAPIError) as raised, db.session() as session:
        session.execute(sa.text("SELECT * FROM no_such_table"))
    assert not db.is_unavailable(raised.value)
