"""Manage in Debian chromium: an editor's whole half-year (upload a file with errors, read them,
upload the fixed file, confirm, comment, publish, then see the new figure as the public does),
once with the pointer and once with the keyboard only; and axe-core on every Manage page.

The journeys write, so they run on SQLite databases of their own (copies of one built here), and
the process goes back to the other browser tests' shared sample database afterwards.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from data_access import db
from data_access.cache import cache
from tests.browser.test_journeys import AXE_TAGS, DESKTOP, PHONE
from tests.signing import ADMIN, PASSWORD, SOUTH_GLOS_EDITOR

pytestmark = pytest.mark.browser

SLUG = "south-glos"
POINT = "2018/19"  # published (seed_data/publications.csv), so the change must be published again
OLD_FIGURE = "61.5 per 1,000"  # CRIME_TOTAL_RATE, 2018/19, E06000025 (seed_data/illustrative)
HEADER = "measure_code,period,area_code,value,numerator,denominator,note,source\n"
BAD_FILE = (
    HEADER
    + "CRIME_TOTAL_RATE,2018/19,E06000025,sixty-two,,,,\n"
    + "NO_SUCH_MEASURE,2018/19,E06000025,1,,,,\n"
).encode()
BAD_LINES = [
    "line 2: value: 'sixty-two' is not a number",
    "line 3: measure_code: unknown measure 'NO_SUCH_MEASURE'",
]


def _fixed_file(value: str, numerator: str) -> bytes:
    return (
        HEADER + f"CRIME_TOTAL_RATE,2018/19,E06000025,{value},{numerator},279027,"
        "corrected after the police data refresh,South Gloucestershire Council\n"
    ).encode()


def _csv(name: str, content: bytes) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": content}


# --- databases ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manage_template(
    tmp_path_factory: pytest.TempPathFactory,
    server: Flask,
    browser_sample_url: str,
    live_server: str,
) -> Path:
    """The sample data and the test users, built once; each journey writes on a copy."""
    from data_access import schema
    from data_access.sample import load_sample
    from tests.signing import create_test_users

    path = tmp_path_factory.mktemp("manage") / "template.db"
    with server.app_context():
        try:
            db.configure(f"sqlite:///{path}")
            cache.clear()
            schema.upgrade(db.engine())
            load_sample("browser-manage")
            create_test_users()
        finally:
            db.configure(browser_sample_url)  # disposes the template's engine too
            cache.clear()
    return path


def _copy(template: Path, target: Path) -> str:
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return f"sqlite:///{target}"


@contextmanager
def _serving(url: str, live_server: str, browser_sample_url: str) -> Iterator[str]:
    """The live server on `url`'s database, then on the shared sample again (as app_url does)."""
    db.configure(url)
    cache.clear()
    try:
        yield live_server
    finally:
        db.configure(browser_sample_url)
        cache.clear()


@pytest.fixture
def journey_url(
    manage_template: Path, tmp_path: Path, live_server: str, browser_sample_url: str
) -> Iterator[str]:
    """The served app over a fresh database of this test's own."""
    with _serving(
        _copy(manage_template, tmp_path / "journey.db"), live_server, browser_sample_url
    ) as url:
        yield url


@pytest.fixture(scope="module")
def pages_db(manage_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return _copy(manage_template, tmp_path_factory.mktemp("manage-pages") / "pages.db")


@pytest.fixture
def pages_url(pages_db: str, live_server: str, browser_sample_url: str) -> Iterator[str]:
    """The served app over one database for the page checks (they only sign in and preview)."""
    with _serving(pages_db, live_server, browser_sample_url) as url:
        yield url


# --- helpers --------------------------------------------------------------------------------------


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base) + r"/(p/.*)?$"))


def _public_figure(context: BrowserContext, base: str) -> tuple[str, dict]:
    """CRIME_TOTAL_RATE at the point as the public sees it: on the embed and in the API."""
    page = context.new_page()
    page.goto(f"{base}/embed/{SLUG}?period={POINT}")
    row = page.locator("li.row", has=page.locator("a[href*='/measure/CRIME_TOTAL_RATE?']"))
    shown = row.locator(".value").inner_text()
    answer = context.request.get(f"{base}/api/v1/partnerships/{SLUG}/results?period={POINT}")
    assert answer.ok, answer.status
    body = answer.json()
    page.close()
    found = next(r for r in body["results"] if r["measure_code"] == "CRIME_TOTAL_RATE")
    return shown, {"result": found, "publication": body["publication"]}


def _still_public_before(browser: Browser, base: str) -> None:
    context = browser.new_context()
    shown, api = _public_figure(context, base)
    context.close()
    assert shown == OLD_FIGURE
    assert api["result"]["value"] == 61.5
    assert api["publication"]["version"] == 1


def _sees_new_figure_signed_out(
    browser: Browser, base: str, figure: str, value: float, comment: str
) -> None:
    """A fresh browser, never signed in: the embed, the API and the measure page."""
    context = browser.new_context()
    shown, api = _public_figure(context, base)
    assert shown == figure
    assert api["result"]["value"] == value
    assert api["result"]["illustrative"] is False
    assert api["publication"]["version"] == 2
    page = context.new_page()
    page.goto(f"{base}/p/{SLUG}/measure/CRIME_TOTAL_RATE?period={POINT}")
    expect(page.locator(".commentary-text").first).to_contain_text(comment, timeout=20_000)
    expect(page.get_by_role("link", name="Manage")).to_have_count(0)
    context.close()


FOCUSED_STYLE = r"""() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const ring = s.boxShadow !== 'none';
  const text = (e.innerText || e.value || '').replace(/\s+/g, ' ').trim().slice(0, 80);
  return {tag: e.tagName, id: e.id, text: text,
          visible: outline || ring, outline: s.outlineStyle + ' ' + s.outlineWidth,
          shadow: s.boxShadow};
}"""


def _focused(page: Page) -> dict:
    return page.evaluate(FOCUSED_STYLE)


def _tab_to(
    page: Page, matches: Callable[[dict], bool], what: str, limit: int = 80, back: bool = False
) -> dict:
    """Tab (or Shift+Tab) until the focused element matches; its focus must be visible."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = _focused(page)
        seen.append(focused["text"] or focused["id"] or focused["tag"])
        if matches(focused):
            assert focused["visible"], f"no visible focus on {what}: {focused}"
            return focused
    raise AssertionError(f"{what} not reached with the keyboard; focus went through {seen}")


def _by_text(text: str) -> Callable[[dict], bool]:
    return lambda f: f["text"] == text


def _by_id(element_id: str) -> Callable[[dict], bool]:
    return lambda f: f["id"] == element_id


# --- the journey with the pointer -----------------------------------------------------------------


def test_an_editor_uploads_corrects_confirms_comments_and_publishes_then_the_public_sees_it(
    browser: Browser, journey_url: str
) -> None:
    base = journey_url
    _still_public_before(browser, base)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    _sign_in(page, base, SOUTH_GLOS_EDITOR)
    expect(page).to_have_url(f"{base}/p/{SLUG}")  # a member lands on their partnership
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Manage").click()
    expect(page.locator("h1")).to_have_text("Manage")
    statuses = page.locator(f"#points-{SLUG}")
    expect(statuses.locator(f"tr[data-point='{POINT}'] .point-status")).to_have_text(
        re.compile(r"^Published v1 on ")
    )

    # a file with errors: each bad row as `line N: column: reason`, and nothing saved
    page.locator(f"section[aria-labelledby='partnership-{SLUG}']").get_by_role(
        "link", name="Upload results"
    ).click()
    expect(page.locator("h1")).to_have_text("Upload results")
    page.set_input_files("#file", _csv("results-with-errors.csv", BAD_FILE))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("h1")).to_have_text("Check results-with-errors.csv")
    expect(page.locator("#error-summary")).to_contain_text(
        "results-with-errors.csv has 2 problems, so nothing can be loaded from it"
    )
    expect(page.locator("#problem-list li")).to_have_text(BAD_LINES)
    expect(page.locator("#confirm-upload")).to_have_count(0)

    # the corrected file: a preview naming the published point it changes, then the confirmation
    page.set_input_files("#file", _csv("results-fixed.csv", _fixed_file("62.4", "17411")))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("h1")).to_have_text("Check results-fixed.csv")
    expect(page.locator("#upload-summary")).to_have_text(
        "Loading results-fixed.csv would add 0 results, change 1, delete 0 and leave 0 "
        "unchanged. Nothing has been saved yet."
    )
    expect(page.locator("#points-changed")).to_contain_text(f"{POINT} (published version 1)")
    expect(page.locator("#upload-replace tbody tr")).to_contain_text("value: 61.5 → 62.4")
    page.get_by_role("button", name="Load results-fixed.csv").click()
    expect(page).to_have_url(f"{base}/manage/{SLUG}/upload")
    expect(page.locator("#manage-message")).to_contain_text("results-fixed.csv")

    # Manage's home now says the published point has changed since publication
    page.get_by_role("navigation", name="Manage").get_by_role("link", name="Manage").click()
    expect(statuses.locator(f"tr[data-point='{POINT}'] .point-status")).to_have_text(
        re.compile(r"^Published v1 on .*; changed since publication$")
    )

    # commentary on the measure at the point
    page.locator(f"section[aria-labelledby='partnership-{SLUG}']").get_by_role(
        "link", name="Commentary and actions"
    ).click()
    page.select_option("#period", POINT)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#commentary-title")).to_have_text(f"Commentary at {POINT}")
    comment = "Crime rose a little after the **police data refresh**; <b>see</b> the note."
    page.fill("#text-CRIME_TOTAL_RATE", comment)
    page.locator("#measure-CRIME_TOTAL_RATE").get_by_role(
        "button", name=re.compile("^Save")
    ).click()
    expect(page.locator("#manage-message")).to_be_visible()
    card = page.locator("#measure-CRIME_TOTAL_RATE .commentary-text")
    expect(card.locator("strong")).to_have_text("police data refresh")
    expect(card).to_contain_text("<b>see</b>")  # HTML shown as text
    expect(page.locator("#measure-CRIME_TOTAL_RATE .byline")).to_contain_text(SOUTH_GLOS_EDITOR)

    # publish: open the point, see what changed, and publish only once the box is ticked
    page.get_by_role("navigation", name="Manage").get_by_role("link", name="Publish").click()
    page.get_by_role("link", name=f"Open {POINT}", exact=True).click()
    expect(page.locator("#opened-title")).to_contain_text(POINT)
    expect(page.locator("#point-changes")).to_contain_text("Total recorded crime")
    expect(page.locator("#public-preview")).to_be_visible()
    page.get_by_role("button", name=f"Publish {POINT}").click()
    expect(page.locator("#error-summary")).to_contain_text("Tick the box")
    expect(page.locator("#confirm-error")).to_be_visible()
    page.check("#confirm")
    page.get_by_role("button", name=f"Publish {POINT}").click()
    expect(page.locator("#manage-message")).to_have_text(f"Published {POINT} as version 2.")
    expect(page.locator(f"#period-list tr[data-point='{POINT}'] .point-status")).to_have_text(
        re.compile(r"^Published v2 on [^;]*$")
    )
    assert errors == []
    context.close()

    _sees_new_figure_signed_out(browser, base, "62.4 per 1,000", 62.4, "police data refresh")


# --- the same journey with the keyboard only -----------------------------------------------------


def test_the_same_journey_with_the_keyboard_only(browser: Browser, journey_url: str) -> None:
    """Tab, Shift+Tab, Enter, Space and arrow keys only; page.goto only to open the first page.
    The one exception: a file input opens the operating system's file dialog, which no browser
    automation can drive, so the file is given to the *focused* input with set_input_files."""
    base = journey_url
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    keys = page.keyboard

    page.goto(base + "/sign-in")
    _tab_to(page, _by_id("email"), "the e-mail field")
    keys.type(SOUTH_GLOS_EDITOR)
    keys.press("Tab")
    assert _focused(page)["id"] == "password"
    keys.type(PASSWORD)
    keys.press("Enter")
    page.wait_for_url(f"{base}/p/{SLUG}")
    expect(page.locator(".tile").first).to_be_visible(timeout=20_000)

    # the header's Manage link (shown to editors once the page knows who is signed in)
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Manage")
    ).to_be_visible()
    _tab_to(page, _by_text("Manage"), "the header's Manage link")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text("Manage")
    keys.press("Tab")
    assert _focused(page)["text"] == "Skip to main content"

    _tab_to(page, _by_text("Upload results"), "Upload results")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text("Upload results")
    _tab_to(page, _by_id("file"), "the file field")
    page.locator(":focus").set_input_files(_csv("results-with-errors.csv", BAD_FILE))
    _tab_to(page, _by_text("Check the file"), "Check the file")
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text("Check results-with-errors.csv")

    # the error summary comes first after Manage's links, and its link leads to the problems
    _tab_to(page, _by_text("Your password"), "the last of Manage's links")
    keys.press("Tab")
    summary_link = _focused(page)
    assert summary_link["text"].startswith("results-with-errors.csv has 2 problems"), summary_link
    assert summary_link["visible"]
    keys.press("Enter")
    assert _focused(page)["id"] == "problems"
    expect(page.locator("#problem-list li")).to_have_text(BAD_LINES)

    # from the problems on to the corrected file
    _tab_to(page, _by_id("file"), "the corrected file's field")
    page.locator(":focus").set_input_files(_csv("results-fixed.csv", _fixed_file("60.9", "16993")))
    keys.press("Tab")
    assert _focused(page)["text"] == "Check the file"
    keys.press("Enter")
    expect(page.locator("#upload-summary")).to_contain_text("change 1")
    expect(page.locator("#upload-replace tbody tr")).to_contain_text("value: 61.5 → 60.9")
    _tab_to(page, _by_id("confirm-upload"), "Load results-fixed.csv")
    keys.press("Enter")
    expect(page.locator("#manage-message")).to_contain_text("results-fixed.csv")

    # commentary: choose the point with the arrow keys, then write and save
    _tab_to(page, _by_text("Commentary and actions"), "Commentary and actions", back=True)
    keys.press("Enter")
    expect(page.locator("h1")).to_contain_text("Commentary and actions")
    _tab_to(page, _by_id("period"), "the reporting point picker")
    for _ in range(5):
        if page.locator("#period").input_value() == POINT:
            break
        keys.press("ArrowDown")
    assert page.locator("#period").input_value() == POINT
    keys.press("Tab")
    assert _focused(page)["text"] == "Show"
    keys.press("Enter")
    expect(page.locator("#commentary-title")).to_have_text(f"Commentary at {POINT}")
    _tab_to(page, _by_id("text-CRIME_TOTAL_RATE"), "the commentary box", limit=120)
    keys.press("Control+A")
    keys.type("Typed with the keyboard: a *small* rise.")
    _tab_to(page, lambda f: f["text"].startswith("Save commentary"), "Save commentary")
    keys.press("Enter")
    expect(page.locator("#manage-message")).to_be_visible()
    expect(page.locator("#measure-CRIME_TOTAL_RATE .commentary-text em")).to_have_text("small")

    # publish: open the point; the unticked box is refused, and the error is reachable
    _tab_to(page, _by_text("Publish"), "Publish", back=True, limit=150)
    keys.press("Enter")
    expect(page.locator("h1")).to_have_text("Publish")
    _tab_to(page, _by_text(f"Open {POINT}"), f"Open {POINT}")
    keys.press("Enter")
    expect(page.locator("#opened-title")).to_contain_text(POINT)
    _tab_to(page, _by_text(f"Publish {POINT}"), f"Publish {POINT}")
    keys.press("Enter")
    expect(page.locator("#error-summary")).to_contain_text("Tick the box")
    keys.press("Tab")
    assert _focused(page)["text"] == "Skip to main content"
    _tab_to(page, lambda f: f["text"].startswith("Tick the box"), "the error summary's link")
    keys.press("Enter")
    assert _focused(page)["id"] == "confirm", _focused(page)
    keys.press("Space")
    expect(page.locator("#confirm")).to_be_checked()
    keys.press("Tab")
    assert _focused(page)["text"] == f"Publish {POINT}"
    keys.press("Enter")
    expect(page.locator("#manage-message")).to_have_text(f"Published {POINT} as version 2.")
    context.close()

    _sees_new_figure_signed_out(browser, base, "60.9 per 1,000", 60.9, "small")


# --- axe-core and width on every Manage page ------------------------------------------------------

EDITOR_PAGES = [
    "/manage",
    f"/manage/{SLUG}/upload",
    "upload without a file",
    "upload preview with errors",
    "upload preview",
    f"/manage/{SLUG}/commentary",
    f"/manage/{SLUG}/commentary?period={POINT}",
    f"/manage/{SLUG}/publish",
    f"/manage/{SLUG}/publish?period={POINT}",
    "publish without the box ticked",
    f"/manage/{SLUG}/audit",
    "/account/password",
]
ADMIN_PAGES = [
    "/manage",
    "/manage/users",
    "/manage/config",
    f"/manage/{SLUG}/publish?period={POINT}",  # with the withdraw forms
    f"/manage/{SLUG}/audit",
    "/account/password",
]


def _is_error(message: ConsoleMessage, page: Page) -> bool:
    """A console error, other than the browser noting the page's own 400 (a refused form)."""
    own_400 = "status of 400" in message.text and message.location.get("url") == page.url
    return message.type == "error" and not own_400


def _open(page: Page, base: str, name: str) -> None:
    """Open a Manage page: by address, or by the form that leads to it."""
    if name.startswith("/"):
        response = page.goto(base + name)
        assert response is not None and response.ok, (name, response and response.status)
    elif name.startswith("upload preview"):
        page.goto(f"{base}/manage/{SLUG}/upload")
        bad = name.endswith("with errors")
        content = BAD_FILE if bad else _fixed_file("62.4", "17411")
        page.set_input_files("#file", _csv("results.csv", content))
        page.get_by_role("button", name="Check the file").click()
        expect(page.locator("#problem-list" if bad else "#upload-summary")).to_be_visible()
    elif name == "upload without a file":
        page.goto(f"{base}/manage/{SLUG}/upload")
        page.get_by_role("button", name="Check the file").click()
        expect(page.locator("#error-summary")).to_contain_text("Choose a results file")
    else:  # publish without the box ticked
        page.goto(f"{base}/manage/{SLUG}/publish?period={POINT}")
        page.get_by_role("button", name=f"Publish {POINT}").click()
        expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("h1").first).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize(
    ("who", "pages"),
    [(SOUTH_GLOS_EDITOR, EDITOR_PAGES), (ADMIN, ADMIN_PAGES)],
    ids=["editor", "admin"],
)
def test_no_manage_page_has_a_serious_accessibility_violation_or_scrolls_sideways(
    browser: Browser,
    pages_url: str,
    axe_path: Path,
    who: str,
    pages: list[str],
    viewport: dict,
) -> None:
    # bypass_csp only so that axe can be injected: the app's CSP rightly refuses inline scripts
    context = browser.new_context(bypass_csp=True, viewport=viewport)
    page = context.new_page()
    console: list[str] = []
    # a refused form answers 400 by design, which the browser notes on the console
    page.on("console", lambda m: console.append(m.text) if _is_error(m, page) else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    _sign_in(page, pages_url, who)
    bad: dict[str, list[str]] = {}
    wider: dict[str, int] = {}
    for name in pages:
        _open(page, pages_url, name)
        page.add_script_tag(path=str(axe_path))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if found:
            bad[name] = found
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            wider[name] = width
        if viewport == PHONE and name in ("/manage", "upload preview"):
            slug = name.strip("/").replace(" ", "-") or "home"
            page.screenshot(path=f"/tmp/manage-{who.split('@')[0]}-{slug}-375.png", full_page=True)
    context.close()
    assert bad == {}
    assert wider == {}
    assert console == []
