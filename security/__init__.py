"""Security headers on every response: Content-Security-Policy, nosniff, Referrer-Policy.

Dash pages allow scripts from this site plus the hash of Dash's one inline script
(`app.csp_hashes()`), never 'unsafe-inline' script; plotly needs inline styles. The public embed
runs no script at all and may be framed by the origins in EMBED_ALLOWED_ORIGINS (unset: any).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from dash import Dash
from flask import Response, request

EMBED_PREFIX = "/embed/"


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


def init_app(app: Dash, allowed_origins: Sequence[str], https_only: bool) -> None:
    """Add the headers to every response of the Dash app's server."""
    app.server.config["EMBED_ALLOWED_ORIGINS"] = tuple(allowed_origins)

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
