"""Fixtures: one Dash app per test session (Dash's page registry is global), with a real,
migrated database underneath — SQLite always, PostgreSQL too when TEST_DATABASE_URL is set,
each on a schema of its own so runs never see each other's data.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import Dash
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from data_access import db, schema
from data_access.cache import cache

BACKENDS = ["sqlite", "postgresql"]


def make_database(backend: str, tmp: Path) -> Iterator[str]:
    """A fresh, migrated, empty database on the given backend; yields its URL."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'test.db'}"
        db.configure(url)
        schema.upgrade(db.engine())
        yield url
        db.dispose()
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL not set: PostgreSQL tests skipped")
    with db.scratch_postgres_schema(base, prefix="t") as url:
        db.configure(url)
        schema.upgrade(db.engine())
        yield url


@pytest.fixture(scope="session")
def dash_app() -> Dash:
    import app as app_module

    app_module.server.config.update(TESTING=True)
    return app_module.app


@pytest.fixture(scope="session")
def server(dash_app: Dash) -> Flask:
    return dash_app.server


def _use(url: str) -> None:
    db.configure(url)
    cache.clear()


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path, server: Flask) -> Iterator[str]:
    """A fresh migrated database with nothing loaded, for tests that write."""
    for url in make_database(request.param, tmp_path):
        with server.app_context():
            _use(url)
            yield url


@pytest.fixture(scope="session", params=BACKENDS)
def sample_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, server: Flask
) -> Iterator[str]:
    """The sample data loaded once per backend; tests using it must not write."""
    from data_access.sample import load_sample

    for url in make_database(request.param, tmp_path_factory.mktemp(request.param)):
        with server.app_context():
            _use(url)
            load_sample("test-loader")
        yield url


@pytest.fixture
def sample_db(sample_db_url: str, server: Flask) -> Iterator[str]:
    with server.app_context():
        _use(sample_db_url)
        yield sample_db_url


@pytest.fixture
def client(server: Flask, sample_db: str) -> FlaskClient:
    return server.test_client()


@pytest.fixture
def runner(server: Flask) -> FlaskCliRunner:
    return server.test_cli_runner()


def _with_users(url: str) -> None:
    """Load the sample and the test users (tests/signing.py) into the database at `url`."""
    from data_access.sample import load_sample
    from tests.signing import create_test_users

    db.configure(url)
    schema.upgrade(db.engine())
    load_sample("test-loader")
    create_test_users()
    db.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def users_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, server: Flask
) -> Iterator[str]:
    """The sample and the test users loaded once per backend, for `users_db` to copy: loading
    the sample for each test that writes cost most of the suite's time."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("users") / "template.db"
        with server.app_context():
            _with_users(f"sqlite:///{path}")
        yield str(path)
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL not set: PostgreSQL tests skipped")
    with db.scratch_postgres_database(base, prefix="tmpl") as url:
        with server.app_context():
            _with_users(url)
        yield url


@pytest.fixture
def users_db(users_template: str, tmp_path: Path, server: Flask) -> Iterator[str]:
    """The sample data plus the test users, on a database of its own (a copy of the template)."""
    with server.app_context():
        if users_template.startswith("postgresql"):
            with db.scratch_postgres_database(users_template, prefix="t", template=True) as url:
                _use(url)
                yield url
            return
        copy = tmp_path / "users.db"
        shutil.copyfile(users_template, copy)
        url = f"sqlite:///{copy}"
        _use(url)
        yield url
        db.dispose()
