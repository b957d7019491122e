"""Screenshots of every view at desktop and 375 px wide into screenshots/, for looking at.

Usage: python benchmarks/screenshots.py [BASE_URL]   (default: serve the app with the sample data)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.serve import CHROMIUM_ARGS, served_app

OUT = Path(__file__).resolve().parent.parent / "screenshots"
VIEWS = {
    "overview": "/p/south-glos",
    "overview-priority-2": "/p/south-glos?period=2018/19&priority=2",
    "overview-gloucester": "/p/gloucester",
    "priority": "/p/south-glos/priority/2",
    "measure": "/p/south-glos/measure/CRIME_TOTAL_RATE",
    "measure-gloucester": "/p/gloucester/measure/CRIME_TOTAL_RATE",
    "county": "/county/E10000013",
    "not-found": "/p/south-glos?period=2019/20",
}
SIZES = {"desktop": (1280, 900), "mobile": (375, 800)}


def take(base: str) -> list[Path]:
    OUT.mkdir(exist_ok=True)
    saved = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in VIEWS.items():
                page.goto(base + path)
                page.wait_for_selector("h1", timeout=20_000)
                page.wait_for_load_state("networkidle")
                target = OUT / f"{name}-{size}.png"
                page.screenshot(path=str(target), full_page=True)
                saved.append(target)
            page.close()
        browser.close()
    return saved


def main() -> None:
    if len(sys.argv) > 1:
        paths = take(sys.argv[1].rstrip("/"))
    else:
        with served_app() as base:
            paths = take(base)
    for path in paths:
        print(path)


if __name__ == "__main__":
    main()
