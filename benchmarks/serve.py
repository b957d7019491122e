"""Serve the app with the sample data on a free loopback port, for the browser scripts."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@contextlib.contextmanager
def served_app() -> Iterator[str]:
    """A fresh SQLite database with the sample loaded, the app on a thread; yields the base URL."""
    from werkzeug.serving import make_server

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        import app as app_module
        from data_access import db, schema
        from data_access.sample import load_sample

        with app_module.server.app_context():
            schema.upgrade(db.engine())
            load_sample("benchmark")
        server = make_server("127.0.0.1", 0, app_module.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
