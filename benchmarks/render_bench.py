"""Time to tiles visible on the overview in headless Chromium on loopback (median of loads).

Usage: python benchmarks/render_bench.py [BASE_URL] [LOADS]   (default: serve the sample data)
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.serve import CHROMIUM_ARGS, served_app

PATH = "/p/south-glos"


def measure(base: str, loads: int) -> list[float]:
    timings = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        warm = browser.new_page()
        warm.goto(base + PATH)  # fills the server's cache; each timed load is a fresh browser tab
        warm.wait_for_selector(".tile")
        warm.close()
        for _ in range(loads):
            context = browser.new_context()  # no browser cache: every asset is fetched again
            page = context.new_page()
            start = time.perf_counter()
            page.goto(base + PATH, wait_until="commit")
            page.wait_for_selector(".tile", state="visible", timeout=30_000)
            timings.append(time.perf_counter() - start)
            context.close()
        browser.close()
    return timings


def main() -> None:
    loads = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    if len(sys.argv) > 1:
        timings = measure(sys.argv[1].rstrip("/"), loads)
    else:
        with served_app() as base:
            timings = measure(base, loads)
    print(
        f"overview tiles visible: median {statistics.median(timings):.2f} s, "
        f"min {min(timings):.2f} s, max {max(timings):.2f} s over {loads} cold-browser loads"
    )


if __name__ == "__main__":
    main()
