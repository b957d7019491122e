"""Builds the Dash app; gunicorn serves `server` (Procfile: web: gunicorn app:server)."""

from __future__ import annotations

import logging

import dash
from dash import Dash

import api
import auth
import cli
import embed
import security
import statements
from callbacks import account, county, errors, measure, overview, priority
from dashboard.settings import Settings
from data_access import cache, db
from layouts import pages, shell

logger = logging.getLogger(__name__)

CALLBACK_MODULES = (overview, priority, measure, county, account)
EDGES = (cli, api, embed, statements)


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
    # The page language, for screen readers and WCAG 3.1.1; Dash's index page has none.
    app.index_string = app.index_string.replace("<html>", '<html lang="en-GB">', 1)
    app.server.config.update(SECRET_KEY=settings.secret_key_or_random(), TESTING=settings.testing)
    db.configure(settings.database_url)
    cache.init_app(app.server, settings.redis_url)
    # Dash takes the first template that matches, in `order`: the more specific ones first.
    dash.register_page(
        "priority",
        path_template="/p/<slug>/priority/<number>",
        title="Priority",
        layout=pages.priority,
        order=1,
    )
    dash.register_page(
        "measure",
        path_template="/p/<slug>/measure/<code>",
        title="Measure",
        layout=pages.measure,
        order=2,
    )
    dash.register_page(
        "overview", path_template="/p/<slug>", title="Overview", layout=pages.overview, order=3
    )
    dash.register_page("home", path="/", title=shell.SERVICE_NAME, layout=pages.overview, order=0)
    dash.register_page(
        "county", path_template="/county/<code>", title="County view", layout=pages.county, order=4
    )
    dash.register_page(
        "not_found_404", path="/404", title="Page not found", layout=pages.not_found, order=5
    )
    app.layout = shell.page_shell
    for module in CALLBACK_MODULES:
        module.register(app)
    for edge in EDGES:
        edge.init_app(app.server)
    # Secure cookies and HSTS need HTTPS: production always has it, a laptop on http does not
    auth.init_app(app.server, secure_cookies=settings.is_production)
    security.init_app(app, settings.embed_allowed_origins, https_only=settings.is_production)
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
