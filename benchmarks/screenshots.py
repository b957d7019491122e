"""Screenshots of every view at desktop and 375 px wide, signed out and signed in as a member of
South Gloucestershire, into screenshots/ (or $SCREENSHOTS_DIR), for looking at. Each line printed
names a file and says when the page is wider than its window (it would scroll sideways).

Usage: python benchmarks/screenshots.py [BASE_URL]   (default: serve the app with the sample data;
signing in needs the served app, which creates the member)
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.serve import CHROMIUM_ARGS, served_app

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "screenshots")
VIEWS = {
    "overview": "/p/south-glos",
    "overview-priority-2": "/p/south-glos?period=2018/19&priority=2",
    "overview-gloucester": "/p/gloucester",
    "overview-version-1": "/p/south-glos?period=2018/19&version=1",
    "priority": "/p/south-glos/priority/2",
    "priority-gloucester": "/p/gloucester/priority/1",
    "measure": "/p/south-glos/measure/CRIME_TOTAL_RATE",
    "measure-gloucester": "/p/gloucester/measure/CRIME_TOTAL_RATE",
    "county": "/county/E10000013",
    "partnerships": "/partnerships",
    "not-found": "/p/south-glos?period=2019/20",
    "sign-in": "/sign-in",
    "about-ratings": "/about-ratings",
    "accessibility": "/accessibility",
}
SIZES = {"desktop": (1280, 900), "mobile": (375, 800)}
MEMBER = "officer@southglos.example.gov.uk"
PASSWORD = "screenshots only, not a real password"


def _sign_in(page: Page, base: str) -> None:
    page.goto(base + "/sign-in")
    page.fill("#email", MEMBER)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def _shoot(page: Page, base: str, who: str, size: str) -> list[Path]:
    saved = []
    for name, path in VIEWS.items():
        page.goto(base + path)
        page.wait_for_selector("h1", timeout=20_000)
        page.wait_for_load_state("networkidle")
        target = OUT / f"{name}-{who}-{size}.png"
        page.screenshot(path=str(target), full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        print(target, f"— {wide} px wider than the window" if wide > 0 else "")
        saved.append(target)
    return saved


def take(base: str, signed_in: bool) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for who in ("public", "member") if signed_in else ("public",):
            for size, (width, height) in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                if who == "member":
                    _sign_in(page, base)
                saved += _shoot(page, base, who, size)
                context.close()
        browser.close()
    return saved


def _create_member() -> None:
    import app as app_module
    from data_access.users import save_user

    with app_module.server.app_context():
        save_user(MEMBER, PASSWORD, "viewer", ["south-glos"], "screenshots")


def main() -> None:
    if len(sys.argv) > 1:
        take(sys.argv[1].rstrip("/"), signed_in=False)
        return
    with served_app() as base:
        _create_member()
        take(base, signed_in=True)


if __name__ == "__main__":
    main()
