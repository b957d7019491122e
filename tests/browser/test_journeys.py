"""Journeys through the dashboard in Debian chromium: pointer, keyboard only, and axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from data_access import db
from data_access.cache import cache
from tests.signing import PASSWORD, SOUTH_GLOS_MEMBER

pytestmark = pytest.mark.browser

ROUTES = [
    "/",
    "/p/south-glos",
    "/p/gloucester?period=2018",
    "/p/south-glos/priority/1",
    "/p/gloucester/priority/1",
    "/p/south-glos/measure/CRIME_TOTAL_RATE",
    "/p/gloucester/measure/CRIME_TOTAL_RATE",
    "/county/E10000013",
    "/partnerships",
    "/p/south-glos?period=2019/20",
    "/no-such-page",
    "/p/south-glos/priority/2?period=2018/19&version=1",
    "/p/south-glos/measure/HATE_CRIME_THIRD_PARTY_REPORTS_COUNT?period=2018/19&version=1",
    "/sign-in",
    "/sign-out",
    "/accessibility",
    "/about-ratings",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def members(server: Flask, browser_sample_url: str) -> None:
    """The test users, in the browser tests' database."""
    from tests.signing import create_test_users

    with server.app_context():
        db.configure(browser_sample_url)
        create_test_users()
        cache.clear()


def _signed_in(context: BrowserContext, app_url: str) -> Page:
    page = context.new_page()
    page.goto(app_url + "/sign-in")
    page.fill("#email", SOUTH_GLOS_MEMBER)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(app_url + "/p/south-glos")  # a member lands on their partnership
    return page


@pytest.fixture(params=["signed out", "signed in"])
def phone_page(
    request: pytest.FixtureRequest, browser: Browser, app_url: str, members: None
) -> Iterator[Page]:
    """A phone-sized page, as the public or as a member of South Gloucestershire."""
    context = browser.new_context(viewport=PHONE)
    page = _signed_in(context, app_url) if request.param == "signed in" else context.new_page()
    yield page
    context.close()


def _is_error(message: ConsoleMessage, page: Page) -> bool:
    """A console error, other than the browser noting that a not-found page answered 404."""
    own_404 = "status of 404" in message.text and message.location.get("url") == page.url
    return message.type == "error" and not own_404


def _opened(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("h1").first).to_be_visible(timeout=20_000)
    page.wait_for_load_state("networkidle")


def _tiles(page: Page) -> None:
    expect(page.locator(".tile").first).to_be_visible(timeout=20_000)


def test_a_member_changes_period_filters_opens_a_tile_goes_back_and_reloads_the_shared_url(
    page: Page, app_url: str, console_errors: list[str]
) -> None:
    page.goto(app_url + "/p/south-glos")
    _tiles(page)
    expect(page.locator("h1")).to_have_text(re.compile("South Gloucestershire"))
    expect(page.locator(".as-at")).to_contain_text("2018/19")

    page.select_option("#overview-period-picker", "2018/19 H1")
    expect(page).to_have_url(re.compile(r"period=2018%2F19\+H1"))
    expect(page.locator(".as-at")).to_contain_text("2018/19 H1")

    page.select_option("#overview-priority-picker", "2")
    expect(page).to_have_url(re.compile(r"priority=2"))
    expect(page.locator(".priority-section h2")).to_have_count(1)
    expect(page.locator(".priority-section h2")).to_have_text(re.compile("Strengthen"))
    shared = page.url

    page.get_by_role("link", name="Total recorded crime per 1,000 population").click()
    expect(page.locator("h1")).to_have_text("Total recorded crime per 1,000 population")
    expect(page).to_have_url(re.compile(r"/measure/CRIME_TOTAL_RATE\?period=2018%2F19\+H1"))
    expect(page.locator("figcaption")).to_contain_text("South Gloucestershire")

    page.go_back()
    _tiles(page)
    expect(page).to_have_url(shared)
    expect(page.locator(".priority-section h2")).to_have_count(1)

    page.goto(shared)
    _tiles(page)
    expect(page.locator(".as-at")).to_contain_text("2018/19 H1")
    expect(page.locator(".priority-section h2")).to_have_text(re.compile("Strengthen"))
    expect(page.locator("#overview-priority-picker")).to_have_value("2")
    assert console_errors == []


def test_the_same_journey_with_the_keyboard_only(
    page: Page, app_url: str, console_errors: list[str]
) -> None:
    page.goto(app_url + "/p/south-glos")
    _tiles(page)
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "overview-period-picker":
            break
    expect(page.locator(":focus")).to_have_id("overview-period-picker")
    page.keyboard.press("ArrowDown")  # the next older point, chosen at once by a native select
    expect(page).to_have_url(re.compile(r"period=2018%2F19\+H1"))
    expect(page.locator(".as-at")).to_contain_text("2018/19 H1")
    expect(page.locator(":focus")).to_have_id("overview-period-picker")

    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_id("overview-priority-picker")
    page.keyboard.press("ArrowDown")  # All priorities -> priority 1
    expect(page).to_have_url(re.compile(r"priority=1"))
    expect(page.locator(".priority-section h2")).to_have_count(1)
    expect(page.locator(":focus")).to_have_id("overview-priority-picker")
    page.keyboard.press("ArrowDown")  # -> priority 2
    expect(page).to_have_url(re.compile(r"priority=2"))
    expect(page.locator(".priority-section h2")).to_have_text(re.compile("Strengthen"))
    shared = page.url

    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == (
            "Total recorded crime per 1,000 population"
        ):
            break
    expect(page.locator(".tile:focus-within .tile-reason")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Total recorded crime per 1,000 population")

    # Back is the browser's own control (Alt+Left), which headless chromium has no chrome for
    page.go_back()
    _tiles(page)
    expect(page).to_have_url(shared)
    page.reload()
    _tiles(page)
    expect(page.locator(".priority-section h2")).to_have_text(re.compile("Strengthen"))
    assert console_errors == []


def test_an_unpublished_point_shows_the_public_the_not_found_page_with_a_way_back(
    page: Page, app_url: str
) -> None:
    page.goto(app_url + "/p/south-glos?period=2019/20")
    expect(page.locator("h1")).to_have_text("Page not found", timeout=20_000)
    unknown = page.locator(".not-found").inner_text()
    page.goto(app_url + "/p/no-such-partnership")
    expect(page.locator("h1")).to_have_text("Page not found", timeout=20_000)
    assert page.locator(".not-found").inner_text() == unknown
    page.get_by_role("link", name="See all partnerships").click()
    expect(page.locator("h1")).to_have_text("Partnerships")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
@pytest.mark.parametrize("route", ROUTES)
def test_no_serious_or_critical_accessibility_violation(
    browser: Browser, app_url: str, axe_path: Path, route: str, viewport: dict
) -> None:
    # bypass_csp only so that axe can be injected: the app's CSP rightly refuses inline scripts
    context = browser.new_context(bypass_csp=True, viewport=viewport)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if _is_error(m, page) else None)
    _opened(page, app_url + route)
    page.add_script_tag(path=str(axe_path))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert bad == []
    assert console_errors == []


@pytest.mark.parametrize(
    ("route", "heading"),
    [
        ("/p/south-glos/priority/2", "Priority 2: Strengthen and improve your local community"),
        ("/p/gloucester/measure/CRIME_TOTAL_RATE", "Total recorded crime per 1,000 population"),
        ("/county/E10000013", "Gloucestershire: partnerships side by side"),
    ],
)
def test_each_drill_down_view_opens_from_its_address(
    page: Page, app_url: str, console_errors: list[str], route: str, heading: str
) -> None:
    page.goto(app_url + route)
    expect(page.locator("h1")).to_have_text(heading, timeout=20_000)
    expect(page.locator("figure, table").first).to_be_visible()
    assert console_errors == []


@pytest.mark.parametrize("width", [1280, 375])
def test_the_history_chart_uses_the_width_of_the_page(page: Page, app_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(app_url + "/p/south-glos/measure/CRIME_TOTAL_RATE")
    grid = page.locator(".js-plotly-plot .xy .gridlayer").first
    grid.wait_for(state="attached", timeout=20_000)
    plot_width = page.locator(".js-plotly-plot").first.bounding_box()["width"]
    # The drawing area, not the legend, takes the width (it was 64 px of 351 on a phone).
    assert grid.evaluate("g => g.getBoundingClientRect().width") > 0.55 * plot_width


def test_no_page_is_wider_than_a_phone(phone_page: Page, app_url: str) -> None:
    """Nothing scrolls sideways at 375 px, signed out or signed in ("Sign out (officer@…)"
    once widened every page to 408 px)."""
    wider = {}
    for route in ROUTES:
        _opened(phone_page, app_url + route)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wider[route] = width
    assert wider == {}


def test_the_header_leads_to_every_partnership_and_the_county_view(
    page: Page, app_url: str, console_errors: list[str]
) -> None:
    page.goto(app_url + "/p/south-glos")
    _tiles(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partnerships").click()
    expect(page.locator("h1")).to_have_text("Partnerships")
    expect(page).to_have_title("Partnerships – Community safety performance")
    expect(page.locator(".partnership-list li")).to_have_count(7)
    page.get_by_role("link", name="Gloucestershire: partnerships side by side").click()
    expect(page.locator("h1")).to_have_text("Gloucestershire: partnerships side by side")
    expect(page).to_have_title(
        "Gloucestershire: partnerships side by side – Community safety performance"
    )
    row = page.locator("tbody tr", has_text="Index of Multiple Deprivation")
    expect(row.locator("td", has_text="Not collected")).to_have_count(5)
    assert console_errors == []


def test_the_county_measure_column_stays_in_view_as_the_table_scrolls_on_a_phone(
    page: Page, app_url: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(app_url + "/county/E10000013")
    region = page.locator(".county-table .table-responsive")
    measure = page.locator(".county-table tbody th").first
    expect(measure).to_contain_text("Total recorded crime", timeout=20_000)
    before = measure.bounding_box()
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # it does scroll sideways
    region.evaluate("r => { r.scrollLeft = 400; }")
    page.wait_for_function(
        "document.querySelector('.county-table .table-responsive').scrollLeft > 0"
    )
    after = measure.bounding_box()
    assert after["x"] == before["x"]
    first_cell = page.locator(".county-table tbody td").first.bounding_box()
    assert first_cell["x"] < before["x"]  # the partnerships' cells moved under it


def test_the_tab_title_follows_the_page_as_you_move_around(page: Page, app_url: str) -> None:
    page.goto(app_url + "/p/south-glos")
    _tiles(page)
    expect(page).to_have_title(re.compile(r"^South Gloucestershire .* – Community safety"))
    page.get_by_role("link", name="Total recorded crime per 1,000 population").click()
    expect(page).to_have_title(
        re.compile(r"^Total recorded crime per 1,000 population – South Gloucestershire ")
    )
    page.go_back()
    _tiles(page)
    page.select_option("#overview-period-picker", "2018/19 H1")
    expect(page).to_have_url(re.compile(r"period=2018%2F19\+H1"))
    expect(page).to_have_title(re.compile(r"^South Gloucestershire "))
    page.goto(app_url + "/p/south-glos?period=2019/20")
    expect(page.locator("h1")).to_have_text("Page not found", timeout=20_000)
    expect(page).to_have_title("Page not found – Community safety performance")


def test_the_point_picker_says_which_version_each_point_is(page: Page, app_url: str) -> None:
    page.goto(app_url + "/p/south-glos/priority/2")
    expect(page.locator("h1")).to_have_text(re.compile("Priority 2"), timeout=20_000)
    option = page.locator("#priority-period-picker option[value='2018/19']")
    expect(option).to_have_text(re.compile(r"^2018/19 — published .* \(version 1\)$"))
