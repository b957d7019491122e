"""Addresses of the views: the URL holds each view's state (partnership, point, priority)."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def _with_query(path: str, **params: str | int | None) -> str:
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def overview_href(slug: str, period: str | None = None, priority: str | int | None = None) -> str:
    return _with_query(f"/p/{quote(slug)}", period=period, priority=priority)


def priority_href(slug: str, number: int, period: str | None = None) -> str:
    return _with_query(f"/p/{quote(slug)}/priority/{number}", period=period)


def measure_href(slug: str, code: str, period: str | None = None) -> str:
    return _with_query(f"/p/{quote(slug)}/measure/{quote(code)}", period=period)


def county_href(code: str, period: str | None = None) -> str:
    return _with_query(f"/county/{quote(code)}", period=period)
