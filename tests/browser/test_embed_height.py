"""The embed on a council page (issue #11, item 9): South Gloucestershire's summary, the longest
public one (21 measures), reads within the snippet's frame on a desktop without scrolling inside
it; phones scroll it down, never sideways; axe-core finds nothing serious at either width; and the
glossary opens without script."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from layouts.embed_snippet import SNIPPET_HEIGHT_PX

pytestmark = pytest.mark.browser

DESKTOP = 1280
PHONES = (320, 375)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    # The embed's policy forbids every script, axe's included: only this test context bypasses it
    context = browser.new_context(bypass_csp=True)
    yield context
    context.close()


def _open(context: BrowserContext, url: str, width: int) -> Page:
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": SNIPPET_HEIGHT_PX})
    page.goto(url)
    return page


def _content_height(page: Page) -> float:
    return page.evaluate("document.documentElement.getBoundingClientRect().height")


@pytest.mark.parametrize("slug", ["south-glos", "gloucester"])
def test_the_embed_fits_the_snippet_height_on_a_desktop(
    context: BrowserContext, app_url: str, slug: str
) -> None:
    page = _open(context, f"{app_url}/embed/{slug}", DESKTOP)
    height = _content_height(page)
    scroll_height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= SNIPPET_HEIGHT_PX, f"{slug} is {height:.0f} px tall at {DESKTOP} px"
    assert scroll_height <= SNIPPET_HEIGHT_PX  # nothing to scroll inside the frame


@pytest.mark.parametrize("width", PHONES)
@pytest.mark.parametrize("slug", ["south-glos", "gloucester"])
def test_the_embed_never_scrolls_sideways_on_a_phone(
    context: BrowserContext, app_url: str, slug: str, width: int
) -> None:
    page = _open(context, f"{app_url}/embed/{slug}", width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Compact: a short row per measure, not a tall tile (8,975 px before, issue #11)
    assert _content_height(page) < 3_500


@pytest.mark.parametrize("width", [DESKTOP, 375])
def test_the_embed_has_no_serious_accessibility_violation(
    context: BrowserContext, app_url: str, axe_path: Path, width: int
) -> None:
    page = _open(context, f"{app_url}/embed/south-glos", width)
    page.click("details.glossary summary")  # the glossary checked open, too
    page.add_script_tag(path=str(axe_path))
    violations = page.evaluate("async () => (await axe.run()).violations")
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_the_glossary_opens_without_script(browser: Browser, app_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{app_url}/embed/gloucester")
    terms = page.locator("details.glossary dt")
    assert not terms.first.is_visible()
    page.click("details.glossary summary")
    assert terms.first.is_visible()
    assert "Trajectory" in page.locator("details.glossary dl").inner_text()
    context.close()
