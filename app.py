"""Builds the Dash app; gunicorn serves `server` (Procfile: web: gunicorn app:server)."""

from __future__ import annotations

import logging

import dash
from dash import Dash

import api
import cli
from callbacks import errors, home
from dashboard.settings import Settings
from data_access import cache, db
from layouts import pages, shell

logger = logging.getLogger(__name__)

CALLBACK_MODULES = (home,)
EDGES = (cli, api)


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    problems = settings.unsafe_production_settings()
    if problems:
        raise SystemExit("Refusing to start with APP_ENV=production:\n- " + "\n- ".join(problems))
    if not settings.secret_key:
        logger.warning("SECRET_KEY is not set: using a random key, so sign-ins end at restart.")
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        title=shell.SERVICE_NAME,
        compress=True,
        serve_locally=True,
        suppress_callback_exceptions=False,
        on_error=errors.report,
        update_title=None,
    )
    app.server.config.update(SECRET_KEY=settings.secret_key_or_random(), TESTING=settings.testing)
    db.configure(settings.database_url)
    cache.init_app(app.server, settings.redis_url)
    dash.register_page("home", path="/", title=shell.SERVICE_NAME, layout=pages.home)
    app.layout = shell.page_shell
    for module in CALLBACK_MODULES:
        module.register(app)
    for edge in EDGES:
        edge.init_app(app.server)
    return app


app = create_app()
server = app.server

if __name__ == "__main__":
    import os

    app.run(
        host="127.0.0.1",
        port=int(os.environ.get("PORT") or 8050),
        debug=os.environ.get("DEBUG") == "1",
    )
