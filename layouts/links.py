"""Addresses of the views: the URL holds each view's state (partnership, point, priority,
version); a link carries the point and version it was followed from."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


def _with_query(path: str, **params: str | int | None) -> str:
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def overview_href(
    slug: str,
    period: str | None = None,
    priority: str | int | None = None,
    version: int | str | None = None,
) -> str:
    return _with_query(f"/p/{quote(slug)}", period=period, priority=priority, version=version)


def priority_href(
    slug: str, number: int, period: str | None = None, version: int | None = None
) -> str:
    return _with_query(f"/p/{quote(slug)}/priority/{number}", period=period, version=version)


def measure_href(
    slug: str, code: str, period: str | None = None, version: int | None = None
) -> str:
    return _with_query(f"/p/{quote(slug)}/measure/{quote(code)}", period=period, version=version)


def county_href(code: str, period: str | None = None) -> str:
    return _with_query(f"/county/{quote(code)}", period=period)


def report_href(
    slug: str, period: str | None = None, version: int | None = None, suffix: str = ""
) -> str:
    """The meeting pack: the printable page, or its `pdf` or `xlsx` file."""
    path = f"/p/{quote(slug)}/report" + (f".{suffix}" if suffix else "")
    return _with_query(path, period=period, version=version)


def embed_href(slug: str, period: str | None = None, version: str | int | None = None) -> str:
    """The partnership's public summary (server-rendered, no JavaScript)."""
    return _with_query(f"/embed/{quote(slug)}", period=period, version=version)


@dataclass(frozen=True, slots=True)
class PageLinks:
    """Where a page's links lead: its partnership at the point and version in its own URL (a
    point left out of the URL stays left out, so the link follows the default)."""

    slug: str
    period: str | None = None
    version: int | None = None

    def overview(self, priority: int | None = None) -> str:
        return overview_href(self.slug, self.period, priority, self.version)

    def priority(self, number: int) -> str:
        return priority_href(self.slug, number, self.period, self.version)

    def measure(self, code: str) -> str:
        return measure_href(self.slug, code, self.period, self.version)
