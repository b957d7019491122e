"""Security headers on pages, API and embed; production refuses to start without a SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from flask.testing import FlaskClient

import security
from app import create_app
from dashboard.settings import Settings

ROUTES = [
    "/",
    "/p/south-glos",
    "/api/v1/partnerships",
    "/api/v1/results.csv",
    "/api/v1/nowhere",
    "/sign-in",
    "/accessibility",
    "/about-ratings",
    "/embed/south-glos",
    "/embed/nowhere",
]


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ROUTES)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = _directives(response.headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy.get("script-src", [])
    assert "'unsafe-eval'" not in policy.get("script-src", [])


@pytest.mark.parametrize("path", [p for p in ROUTES if not p.startswith("/embed/")])
def test_pages_other_than_the_embed_may_be_framed_only_by_this_site(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path)
    assert _directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_embed_runs_no_script_and_may_be_framed_anywhere_by_default(
    client: FlaskClient,
) -> None:
    response = client.get("/embed/south-glos")
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy  # default-src 'none' forbids every script
    assert policy["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in response.headers


def test_the_embed_policy_lists_the_allowed_origins() -> None:
    policy = _directives(security.embed_policy(["https://www.southglos.gov.uk", "https://x.org"]))
    assert policy["frame-ancestors"] == ["https://www.southglos.gov.uk", "https://x.org"]


def test_the_dash_page_inline_script_is_allowed_by_its_hash(client: FlaskClient) -> None:
    response = client.get("/p/south-glos")
    html = re.sub(r"<!--.*?-->", "", response.get_data(as_text=True), flags=re.S)  # IE-only
    inline = [
        body
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in attrs and "application/json" not in attrs and body.strip()
    ]
    assert inline, "Dash's page has an inline script to check"
    allowed = _directives(response.headers["Content-Security-Policy"])["script-src"]
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed


def test_production_refuses_to_start_without_a_secret_key() -> None:
    # Raises before any Dash app is built, so the session's app and page registry are untouched
    with pytest.raises(SystemExit) as refused:
        create_app(Settings(app_env="production"))
    assert "SECRET_KEY is not set" in str(refused.value)
