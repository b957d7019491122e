"""The meeting pack's HTML made into a tagged PDF (PDF/UA-1) with WeasyPrint, reading only the
app's own stylesheets and icons from disk and the charts the page carries as SVG data: URIs:
nothing is fetched over the network."""

from __future__ import annotations

import gc
import logging
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

ROOT = Path(__file__).resolve().parent.parent
# The addresses the pack's page links to, and the folders that hold them
LOCAL = {"/assets/": ROOT / "assets", "/pack-static/": ROOT / "static"}
BASE_URL = "http://pack.invalid/"  # never fetched: LocalFiles answers every address itself
PDF_VARIANT = "pdf/ua-1"
# Bootstrap's 230 KB of screen rules cost WeasyPrint seconds of style matching and change nothing
# on paper: the pack's stylesheet sets everything its printed pages use.
NOT_FOR_PAPER = frozenset({"/assets/00_bootstrap.min.css"})
# The charts and legend swatches: pictures written into the page itself, never fetched
DRAWN_HERE = "data:image/svg+xml"
# WeasyPrint makes some 200,000 objects that live until the PDF is written; at Python's usual
# 700 allocations a young collection, the cycle collector keeps re-examining them and takes a
# fifth of the time. Collected as usual, just less often, while a PDF is made.
GC_YOUNG_THRESHOLD = 50_000

# WeasyPrint logs each layout step, and a warning for every screen-only CSS property it skips
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class LocalFiles(URLFetcher):
    """Answers the pack's stylesheet and icon addresses from the app's folders; refuses the
    rest, so a link in commentary can never make the server fetch anything."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith(DRAWN_HERE):
            return super().fetch(url, headers)  # urllib decodes a data: URI itself
        path = unquote(urlsplit(url).path)
        if path in NOT_FOR_PAPER:
            return URLFetcherResponse(url, body=b"", headers={"Content-Type": "text/css"})
        for prefix, folder in LOCAL.items():
            if path.startswith(prefix):
                found = (folder / path.removeprefix(prefix)).resolve()
                if found.is_relative_to(folder) and found.is_file():
                    kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, body=found.read_bytes(), headers={"Content-Type": kind}
                    )
        raise ValueError(f"{url}: the meeting pack reads only the app's own files")


_making = 0  # PDFs being made now, in this process's threads
_making_lock = threading.Lock()
_thresholds = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Young objects collected every GC_YOUNG_THRESHOLD allocations rather than 700 while any
    thread makes a PDF; the usual thresholds again when the last one is done."""
    global _making, _thresholds
    with _making_lock:
        if _making == 0:
            _thresholds = gc.get_threshold()
            gc.set_threshold(max(GC_YOUNG_THRESHOLD, _thresholds[0]), *_thresholds[1:])
        _making += 1
    try:
        yield
    finally:
        with _making_lock:
            _making -= 1
            if _making == 0:
                gc.set_threshold(*_thresholds)


def pdf_bytes(page: str) -> bytes:
    """The page as a tagged PDF: title and language from its <title> and <html lang>."""
    with fewer_collections():
        document = HTML(string=page, base_url=BASE_URL, url_fetcher=LocalFiles())
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None  # no target given: WeasyPrint returns the bytes
    return pdf
