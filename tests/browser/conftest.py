"""Browser fixtures: the session's Dash server on a free loopback port over a SQLite database with
the sample data, and Debian's chromium driven by Playwright (no browser is ever downloaded)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from data_access import db
from data_access.cache import cache

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    message = "chromium not found: apt-get install -y chromium (browser tests skipped)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message + " — REQUIRE_BROWSER=1 makes this a failure")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_sample_url(tmp_path_factory: pytest.TempPathFactory, server: Flask) -> str:
    from data_access import schema
    from data_access.sample import load_sample

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}"
    with server.app_context():
        db.configure(url)
        cache.clear()
        schema.upgrade(db.engine())
        load_sample("browser-test")
    return url


@pytest.fixture(scope="session")
def live_server(server: Flask, browser_sample_url: str) -> Iterator[str]:
    from werkzeug.serving import make_server

    http = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()


@pytest.fixture
def app_url(live_server: str, browser_sample_url: str) -> str:
    """The served app, with the process's database pointed at the browser tests' sample."""
    db.configure(browser_sample_url)
    cache.clear()
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    return {"executable_path": _chromium(), "args": CHROMIUM_ARGS}


@pytest.fixture
def console_errors(page: object) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[attr-defined]
    return errors


@pytest.fixture
def axe_path() -> Path:
    if not AXE.exists():
        message = "axe-core missing: run npm ci (accessibility tests skipped)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE
