"""The meeting pack's HTML made into a tagged PDF (PDF/UA-1) with WeasyPrint, reading only the
app's own stylesheets and icons from disk: nothing is fetched over the network."""

from __future__ import annotations

import logging
import mimetypes
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

# WeasyPrint logs each layout step, and a warning for every screen-only CSS property it skips
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class LocalFiles(URLFetcher):
    """Answers the pack's stylesheet and icon addresses from the app's folders; refuses the
    rest, so a link in commentary can never make the server fetch anything."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
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


def pdf_bytes(page: str) -> bytes:
    """The page as a tagged PDF: title and language from its <title> and <html lang>."""
    document = HTML(string=page, base_url=BASE_URL, url_fetcher=LocalFiles())
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None  # no target given: WeasyPrint returns the bytes
    return pdf
