"""Security headers on every response (Content-Security-Policy, nosniff, Referrer-Policy), and
limits on requests: their size, the proxies trusted, and what Dash's own routes accept.

Dash pages allow scripts from this site plus the hash of Dash's one inline script
(`app.csp_hashes()`), never 'unsafe-inline' script; plotly needs inline styles. The public embed
runs no script at all and may be framed by the origins in EMBED_ALLOWED_ORIGINS (unset: any).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from dash import Dash
from dash.exceptions import DependencyException
from flask import Flask, Response, abort, request
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix

EMBED_PREFIX = "/embed/"
MAX_REQUEST_BYTES = 20 * 1024 * 1024  # the largest upload Manage accepts (INTERFACES.md §7)


def _policy(directives: dict[str, Sequence[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def dashboard_policy(script_hashes: Sequence[str]) -> str:
    """The policy for Dash pages, the API and the sign-in pages: framed only by this site."""
    return _policy(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'", *script_hashes],  # Dash quotes them: 'sha256-…'
            "style-src": ["'self'", "'unsafe-inline'"],  # plotly.js injects <style> elements
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'self'"],
        }
    )


def embed_policy(allowed_origins: Sequence[str]) -> str:
    """The embed's policy: no script, its own stylesheet, framed by the allowed origins."""
    return _policy(
        {
            "default-src": ["'none'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
            "frame-ancestors": list(allowed_origins) or ["*"],
        }
    )


def trust_proxies(server: Flask, count: int) -> None:
    """Take the client's address and scheme from the X-Forwarded-For and X-Forwarded-Proto
    headers set by `count` reverse proxies in front (TRUSTED_PROXIES); 0 trusts no header."""
    if count > 0:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def refuse_oversized_requests() -> None:
    """413 from the Content-Length alone, before any view reads a byte of the body. A body sent
    without a length is cut off at the same limit as it is read (MAX_CONTENT_LENGTH)."""
    length = request.content_length
    if length is not None and length > MAX_REQUEST_BYTES:
        abort(413)


def _limit_dash_routes(app: Dash) -> None:
    """Unknown callbacks and junk component-suite paths answer 404 (Dash itself raises: 500)."""
    dispatch_path = f"{app.config.routes_pathname_prefix}_dash-update-component"

    @app.server.before_request
    def refuse_unknown_callbacks() -> None:
        if request.path != dispatch_path or request.method != "POST":
            return
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("output"), str):
            abort(400)
        if body["output"] not in app.callback_map:
            abort(404)

    def component_not_found(_error: DependencyException) -> Response:
        return app.server.handle_http_exception(NotFound())  # type: ignore[return-value]

    app.server.register_error_handler(DependencyException, component_not_found)


def init_app(
    app: Dash, allowed_origins: Sequence[str], https_only: bool, trusted_proxies: int = 0
) -> None:
    """Add the headers to every response of the Dash app's server, and limit its requests."""
    app.server.config["EMBED_ALLOWED_ORIGINS"] = tuple(allowed_origins)
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.server.before_request(refuse_oversized_requests)
    _limit_dash_routes(app)
    trust_proxies(app.server, trusted_proxies)

    @cache
    def dashboard() -> str:
        # Hashed on first use: Dash's inline script is final only once the app is configured
        return dashboard_policy(app.csp_hashes())

    @app.server.after_request
    def add_security_headers(response: Response) -> Response:
        is_embed = request.path.startswith(EMBED_PREFIX)
        response.headers["Content-Security-Policy"] = (
            embed_policy(app.server.config["EMBED_ALLOWED_ORIGINS"]) if is_embed else dashboard()
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if not is_embed:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        if https_only:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response
