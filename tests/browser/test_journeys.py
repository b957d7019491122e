"""Journeys through the dashboard in Debian chromium: pointer, keyboard only, and axe-core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

ROUTES = [
    "/",
    "/p/south-glos",
    "/p/gloucester?period=2018",
    "/p/south-glos/priority/1",
    "/p/south-glos/measure/CRIME_TOTAL_RATE",
    "/p/gloucester/measure/CRIME_TOTAL_RATE",
    "/county/E10000013",
    "/p/south-glos?period=2019/20",
    "/p/south-glos/priority/2?period=2018/19&version=1",
    "/p/south-glos/measure/HATE_CRIME_THIRD_PARTY_REPORTS_COUNT?period=2018/19&version=1",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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
    page.get_by_role("link", name="Go to the partnerships overview").click()
    _tiles(page)


@pytest.mark.parametrize("route", ROUTES)
def test_no_serious_or_critical_accessibility_violation(
    browser: Browser, app_url: str, axe_path: Path, route: str
) -> None:
    # bypass_csp only so that axe can be injected: the app's CSP rightly refuses inline scripts
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(app_url + route)
    expect(page.locator("h1")).to_be_visible(timeout=20_000)
    page.wait_for_load_state("networkidle")
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
