"""The embed inside an iframe on another site: shown to an allowed origin, refused elsewhere."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from layouts.embed_snippet import SNIPPET_HEIGHT_PX

pytestmark = pytest.mark.browser

PARTNERSHIP = "South Gloucestershire Safer and Stronger Communities Strategic Partnership"


def _council_site(embed_url: str) -> ThreadingHTTPServer:
    """A stand-in council web page on its own loopback port that frames the embed."""
    page = (
        '<!doctype html><html lang="en"><head><title>Council</title></head><body>'
        f'<h1>Council page</h1><iframe src="{embed_url}" title="Community safety" '
        f'width="800" height="{SNIPPET_HEIGHT_PX}"></iframe></body></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_args: object) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    return http


@pytest.fixture
def council_sites(app_url: str, server: Flask) -> Iterator[tuple[str, str]]:
    """(allowed origin, other origin); only the first is in EMBED_ALLOWED_ORIGINS."""
    allowed = _council_site(f"{app_url}/embed/south-glos")
    other = _council_site(f"{app_url}/embed/south-glos")
    allowed_origin = f"http://127.0.0.1:{allowed.server_port}"
    before = server.config["EMBED_ALLOWED_ORIGINS"]
    server.config["EMBED_ALLOWED_ORIGINS"] = (allowed_origin,)
    yield allowed_origin, f"http://127.0.0.1:{other.server_port}"
    server.config["EMBED_ALLOWED_ORIGINS"] = before
    allowed.shutdown()
    other.shutdown()


def _embed_frame_text(page: Page) -> str:
    frame = next(f for f in page.frames if f != page.main_frame)
    try:
        return frame.locator("body").inner_text(timeout=3000)
    except Exception:  # a refused frame may have no body at all
        return ""


def test_the_embed_shows_inside_a_frame_on_an_allowed_site(
    page: Page, council_sites: tuple[str, str]
) -> None:
    allowed, _ = council_sites
    page.goto(allowed + "/")
    page.frame_locator("iframe").locator("h1").wait_for(timeout=10_000)
    assert PARTNERSHIP in page.frame_locator("iframe").locator("h1").inner_text()


def test_the_embed_is_refused_to_a_site_outside_the_allow_list(
    page: Page, council_sites: tuple[str, str]
) -> None:
    _, other = council_sites
    page.goto(other + "/")
    page.wait_for_timeout(1500)
    assert PARTNERSHIP not in _embed_frame_text(page)


def test_the_embed_has_no_serious_accessibility_violation_at_320_px(
    browser: Browser, app_url: str, axe_path: Path
) -> None:
    # The embed's policy forbids every script, axe's included: only this test context bypasses it
    context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(app_url + "/embed/south-glos")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.add_script_tag(path=str(axe_path))
    violations = page.evaluate("async () => (await axe.run()).violations")
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    context.close()
    assert serious == []
