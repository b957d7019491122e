"""Load the public embed in headless Chromium and print the bytes transferred (compressed) over
all its requests; the aim is at most 100 KB (issue #6). Usage: python benchmarks/embed_weight.py"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from benchmarks.serve import CHROMIUM_ARGS, served_app

AIM_BYTES = 100 * 1024
PATHS = ("/embed/south-glos", "/embed/gloucester")


def transferred(base_url: str, path: str, width: int) -> tuple[int, int]:
    """(bytes over the wire, number of requests) for one page load at one viewport width."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        sizes: list[int] = []
        cdp.on("Network.loadingFinished", lambda e: sizes.append(int(e["encodedDataLength"])))
        page.goto(base_url + path, wait_until="networkidle")
        browser.close()
    return sum(sizes), len(sizes)


def main() -> None:
    if not shutil.which("chromium"):
        sys.exit("chromium not found: apt-get install -y chromium")
    with served_app() as base_url:
        for path in PATHS:
            for width in (320, 1280):
                size, count = transferred(base_url, path, width)
                verdict = "within" if size <= AIM_BYTES else "OVER"
                print(
                    f"{path} at {width} px: {size / 1024:.1f} KB transferred in {count} "
                    f"requests ({verdict} the {AIM_BYTES // 1024} KB aim)"
                )


if __name__ == "__main__":
    main()
