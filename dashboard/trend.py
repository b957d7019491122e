"""Small trends drawn as SVG by one pure function, shared by the dashboard and the public embed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from urllib.parse import quote

WIDTH = 120
HEIGHT = 32
_PAD = 3.0
LINE_COLOUR = "#12436D"  # afcharts dark blue: 10:1 on white


def _positions(count: int, at: Sequence[date] | None) -> list[float]:
    """Each value's place along the line, 0 to 1: by date when dates are given (so a missing
    year leaves its gap), else evenly spaced."""
    if count == 1:
        return [0.5]
    if at:
        first, last = min(at), max(at)
        span = (last - first).days or 1
        return [(day - first).days / span for day in at]
    return [i / (count - 1) for i in range(count)]


def _points(
    values: Sequence[float | None], width: int, height: int, at: Sequence[date] | None = None
) -> list[tuple[float, float]]:
    """(x, y) in pixels for each value; None values are skipped but keep their x position."""
    known = [v for v in values if v is not None]
    low, high = min(known), max(known)
    span = high - low or 1.0
    middle = len(values) == 1 or high == low
    found = []
    for value, share in zip(values, _positions(len(values), at), strict=True):
        if value is None:
            continue
        x = _PAD + share * (width - 2 * _PAD) if len(values) > 1 else width / 2
        y = height / 2 if middle else height - _PAD - (value - low) / span * (height - 2 * _PAD)
        found.append((round(x, 1), round(y, 1)))
    return found


def trend_svg(
    values: Sequence[float | None],
    title: str,
    width: int = WIDTH,
    height: int = HEIGHT,
    at: Sequence[date] | None = None,
) -> str:
    """SVG markup of a sparkline through `values` (oldest first) with a <title>; the last point
    is marked. `at` gives each value's date (its period's end), spacing the points in time.
    With no values it draws an empty frame, so every tile keeps its shape."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img"><title>{escape(title)}</title>'
    )
    if not any(v is not None for v in values):
        return head + "</svg>"
    points = _points(values, width, height, at)
    path = " ".join(f"{x},{y}" for x, y in points)
    last_x, last_y = points[-1]
    return (
        head + f'<polyline points="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
        + f'<circle cx="{last_x}" cy="{last_y}" r="3" fill="{LINE_COLOUR}"/></svg>'
    )


def svg_data_uri(svg: str) -> str:
    """The markup as a data: URI for an <img src> (CSP img-src 'self' data:)."""
    return "data:image/svg+xml;charset=utf-8," + quote(svg)
