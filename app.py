"""Builds the Dash app; gunicorn serves `server` (Procfile: web: gunicorn app:server)."""

from __future__ import annotations

import json
import logging

import click
import dash
from dash import Dash
from flask import Response, current_app, jsonify

import api
import auth
import cli
import embed
import manage
import pack
import security
import statements
import unavailable
from callbacks import (
    account,
    county,
    errors,
    measure,
    overview,
    page_status,
    partnerships,
    priority,
)
from dashboard.settings import LogFormat, Settings, SettingsError
from data_access import cache, db, health
from layouts import pages, shell, titles

logger = logging.getLogger(__name__)

CALLBACK_MODULES = (overview, priority, measure, county, partnerships, account, page_status)
EDGES = (cli, api, embed, pack, statements, unavailable, manage)


TEXT_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line (LOG_FORMAT=json), for a log collector."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(log_format: LogFormat, level: int) -> None:
    """Log lines to stderr, plain or JSON. A host that has configured logging already (pytest,
    gunicorn --log-config) keeps its own handlers, and a second call changes nothing."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    is_json = log_format is LogFormat.JSON
    handler.setFormatter(JsonLogFormatter() if is_json else logging.Formatter(TEXT_LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


def healthz() -> Response:
    """For a load balancer (INTERFACES.md section 1): 503 only when the database is down."""
    report, status = health.health(current_app)
    response = jsonify(report)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def create_app(settings: Settings | None = None) -> Dash:
    try:
        settings = settings or Settings.from_env()
    except SettingsError as error:
        raise SystemExit(f"Refusing to start: {error}") from None
    problems = settings.unsafe_production_settings()
    if problems:
        raise SystemExit("Refusing to start with APP_ENV=production:\n- " + "\n- ".join(problems))
    # A command (`flask --app app:server init-db`) builds the app inside click: it prints its
    # own one line, so only warnings and errors are logged, and not the SECRET_KEY one.
    serving = click.get_current_context(silent=True) is None
    if not settings.testing:
        configure_logging(settings.log_format, logging.INFO if serving else logging.WARNING)
    if not settings.secret_key and serving:
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
        "not_found_404", path="/404", title=titles.NOT_FOUND_TITLE, layout=pages.not_found, order=5
    )
    dash.register_page(
        "partnerships",
        path=shell.PARTNERSHIPS_PATH,
        title=titles.PARTNERSHIPS_TITLE,
        layout=pages.partnerships,
        order=6,
    )
    app.layout = shell.page_shell
    for module in CALLBACK_MODULES:
        module.register(app)
    for edge in EDGES:
        edge.init_app(app.server)
    page_status.init_app(app)  # real 404s and page titles on Dash's own page addresses
    # Secure cookies and HSTS need HTTPS: production always has it, a laptop on http does not
    auth.init_app(app.server, secure_cookies=settings.is_production)
    security.init_app(
        app,
        settings.embed_allowed_origins,
        https_only=settings.is_production,
        trusted_proxies=settings.trusted_proxies,
    )
    app.server.add_url_rule("/healthz", "healthz", healthz)
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
