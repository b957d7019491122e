"""The measure history chart as SVG, drawn on the server from the same specification as the
Plotly figure (dashboard/chart_spec.py): no browser, so the meeting pack's PDF can hold it.

Each result sits at its period's end date on one linear time axis, as in the Plotly figure;
the own series carries its 95% interval (a band, or bars on lone points), comparators differ
in dash and marker as well as colour, and the target's line is dotted with stars. Markers
carry `data-date` and `data-value`, so a test can check both renderers draw the same points.

The picture holds only the axes' figures as text: the value axis's title and the legend's
names are the page's own text beside it (`legend` gives each name with a small swatch of its
line and marker). WeasyPrint lays out SVG text a letter at a time, so every word kept out of
the picture makes the meeting pack's PDF quicker to make, and the names become real text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from itertools import pairwise

from dashboard.chart_spec import ChartPoint, HistoryChart, Series
from dashboard.model import Unit
from layouts.charts import BAND_COLOUR, COMPARATOR_STYLES, OWN_COLOUR, TARGET_COLOUR

WIDTH = 560
PLOT_TOP = 10  # room for the top value's figure
PLOT_HEIGHT = 150
AXIS_BELOW = 24  # the time axis's figures under the plot
LEFT = 64
RIGHT = 40
SWATCH = (36, 14)  # a legend entry's line sample and marker
GRID_COLOUR = "#d8dde0"
AXIS_COLOUR = "#425563"
FONT = "DejaVu Sans, sans-serif"
Y_TICKS = 4

# Plotly's dash names as SVG dash patterns (stroke widths 2)
DASHES = {"solid": "", "dash": "8 4", "dot": "2 3", "dashdot": "8 3 2 3", "longdash": "14 4"}


@dataclass(frozen=True, slots=True)
class Frame:
    """Where dates and values land in the picture."""

    first: date
    last: date
    ticks: tuple[float, ...]  # the value axis's labels, lowest first: its extent

    @property
    def low(self) -> float:
        return self.ticks[0]

    @property
    def high(self) -> float:
        return self.ticks[-1]

    @property
    def plot_width(self) -> float:
        return WIDTH - LEFT - RIGHT

    def x(self, day: date) -> float:
        span = (self.last - self.first).days
        share = 0.5 if span == 0 else (day - self.first).days / span
        return round(LEFT + share * self.plot_width, 1)

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return round(PLOT_TOP + PLOT_HEIGHT - share * PLOT_HEIGHT, 1)


def nice_ticks(low: float, high: float, count: int = Y_TICKS) -> list[float]:
    """Round values spanning low to high for the value axis: steps of 1, 2, 2.5 or 5 × 10^n."""
    if high <= low:
        high, low = low + abs(low or 1) * 0.1, low - abs(low or 1) * 0.1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _values(chart: HistoryChart) -> list[float]:
    found = [
        v for s in chart.series for p in s.points for v in (p.value, p.low, p.high) if v is not None
    ]
    if chart.target is not None:
        found += [t.value for t in chart.target.points]
    return found


def _days(chart: HistoryChart) -> list[date]:
    days = [p.end for s in chart.series for p in s.points]
    if chart.target is not None:
        days += [t.day for t in chart.target.points]
    return days


def frame_for(chart: HistoryChart) -> Frame | None:
    """The axes' extent: every point, interval and target value; None when nothing to draw."""
    values, days = _values(chart), _days(chart)
    if not values or not days:
        return None
    return Frame(min(days), max(days), tuple(nice_ticks(min(values), max(values))))


def _tick_label(value: float, unit: Unit) -> str:
    text = f"{value:,.10g}" if value != int(value) else f"{int(value):,}"
    if unit is Unit.PERCENTAGE:
        return f"{text}%"
    if unit is Unit.CURRENCY_GBP:
        return f"£{text}"
    return text


def _axes(chart: HistoryChart, frame: Frame) -> list[str]:
    bottom = PLOT_TOP + PLOT_HEIGHT
    parts = []
    for value in frame.ticks:
        y = frame.y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="{GRID_COLOUR}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end">'
            f"{escape(_tick_label(value, chart.unit))}</text>"
        )
    for day, label in chart.ticks():
        x = frame.x(day)
        parts.append(
            f'<g class="x-tick" data-date="{day.isoformat()}">'
            f'<line x1="{x}" x2="{x}" y1="{bottom}" y2="{bottom + 5}" stroke="{AXIS_COLOUR}"/>'
            f'<text x="{x}" y="{bottom + 18}" text-anchor="middle">{escape(label)}</text></g>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" '
        f'stroke="{AXIS_COLOUR}"/>'
    )
    return parts


def _path(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x},{y}" for i, (x, y) in enumerate(points))


def _runs(points: Sequence[ChartPoint], connect: bool) -> list[list[ChartPoint]]:
    """The stretches a line joins: every known point when gaps are connected, else each run of
    points without a missing value between them (as Plotly's connectgaps)."""
    runs: list[list[ChartPoint]] = [[]]
    for p in points:
        if p.value is None:
            if not connect and runs[-1]:
                runs.append([])
            continue
        runs[-1].append(p)
    return [r for r in runs if r]


def _rounded(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(round(x, 1), round(y, 1)) for x, y in points]


def _star(x: float, y: float, r: float) -> str:
    """A five-pointed star's path around (x, y): the target line's marker."""
    spikes = []
    for i in range(10):
        reach = r * 1.3 if i % 2 == 0 else r * 0.55
        angle = i * math.pi / 5
        spikes.append((x + reach * math.sin(angle), y - reach * math.cos(angle)))
    return _path(_rounded(spikes)) + " Z"


def _marker(shape: str, x: float, y: float, colour: str, size: float, attrs: str = "") -> str:
    """One marker's shape at (x, y), as Plotly's symbol of that name; `attrs` are extra
    attributes (the point it marks)."""
    r = size / 2
    match shape:
        case "square":
            corners = _rounded([(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)])
            return f'<path{attrs} d="{_path(corners)} Z" fill="{colour}"/>'
        case "diamond":
            d = r * 1.3
            corners = _rounded([(x, y - d), (x + d, y), (x, y + d), (x - d, y)])
            return f'<path{attrs} d="{_path(corners)} Z" fill="{colour}"/>'
        case "triangle-up":
            corners = _rounded([(x, y - r * 1.2), (x + r * 1.2, y + r), (x - r * 1.2, y + r)])
            return f'<path{attrs} d="{_path(corners)} Z" fill="{colour}"/>'
        case "x":
            a, b, c, d = _rounded([(x - r, y - r), (x + r, y + r), (x - r, y + r), (x + r, y - r)])
            return (
                f'<path{attrs} d="M{a[0]},{a[1]} L{b[0]},{b[1]} M{c[0]},{c[1]} L{d[0]},{d[1]}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        case "star":
            return f'<path{attrs} d="{_star(x, y, r)}" fill="{colour}"/>'
        case _:
            return f'<circle{attrs} cx="{x}" cy="{y}" r="{round(r, 1)}" fill="{colour}"/>'


@dataclass(frozen=True, slots=True)
class Style:
    colour: str
    dash: str
    marker: str
    width: float
    size: float
    connect: bool


OWN_STYLE = Style(OWN_COLOUR, "solid", "circle", 3, 8, False)
TARGET_STYLE = Style(TARGET_COLOUR, "dot", "star", 2, 10, True)


def comparator_styles(count: int) -> list[Style]:
    """Each comparator's look, in the Plotly figure's order."""
    return [
        Style(colour, dash, symbol, 2, 7, True)
        for (colour, dash, symbol), _ in zip(COMPARATOR_STYLES * 3, range(count), strict=False)
    ]


def _dash(style: Style) -> str:
    dash = DASHES[style.dash]
    return f' stroke-dasharray="{dash}"' if dash else ""


def _interval(p: ChartPoint) -> tuple[float, float] | None:
    return (p.low, p.high) if p.low is not None and p.high is not None else None


def _band(own: Series, frame: Frame) -> list[str]:
    """The own series' 95% interval: a shaded band between neighbours that both have one,
    else error bars on each point that has one (as the Plotly figure draws it)."""
    spans = [(p.end, ci) for p in own.points if (ci := _interval(p)) is not None]
    pairs = [
        ((a.end, ca), (b.end, cb))
        for a, b in pairwise(own.points)
        if (ca := _interval(a)) is not None and (cb := _interval(b)) is not None
    ]
    if pairs:
        return [
            f'<path class="band" d="M{frame.x(da)},{frame.y(ca[1])} '
            f"L{frame.x(db)},{frame.y(cb[1])} L{frame.x(db)},{frame.y(cb[0])} "
            f'L{frame.x(da)},{frame.y(ca[0])} Z" fill="{BAND_COLOUR}" stroke="none"/>'
            for (da, ca), (db, cb) in pairs
        ]
    return [
        f'<path class="interval" d="M{frame.x(day)},{frame.y(low)} '
        f'L{frame.x(day)},{frame.y(high)}" stroke="{OWN_COLOUR}" stroke-width="1.5"/>'
        for day, (low, high) in spans
    ]


def _at(day: date, value: float) -> str:
    """The attributes naming the point a marker draws, for tests and for reading the markup."""
    return f' class="point" data-date="{day.isoformat()}" data-value="{value!r}"'


def _known(points: Sequence[ChartPoint]) -> list[tuple[date, float]]:
    return [(p.end, p.value) for p in points if p.value is not None]


def _series(series: Series, style: Style, frame: Frame, kind: str) -> str:
    lines = [
        f'<path d="{_path([(frame.x(day), frame.y(v)) for day, v in _known(run)])}" '
        f'fill="none" stroke="{style.colour}" stroke-width="{style.width}"{_dash(style)}/>'
        for run in _runs(series.points, style.connect)
        if len(run) > 1
    ]
    markers = [
        _marker(
            style.marker, frame.x(day), frame.y(value), style.colour, style.size, _at(day, value)
        )
        for day, value in _known(series.points)
    ]
    return (
        f'<g class="series {kind}" data-name="{escape(series.name)}">'
        + "".join(lines + markers)
        + "</g>"
    )


def _target(chart: HistoryChart, frame: Frame) -> str:
    line = chart.target
    if line is None:
        return ""
    points = [(frame.x(t.day), frame.y(t.value)) for t in line.points]
    markers = [
        _marker("star", x, y, TARGET_COLOUR, TARGET_STYLE.size, _at(t.day, t.value))
        for t, (x, y) in zip(line.points, points, strict=True)
    ]
    return (
        f'<g class="series target" data-name="{escape(line.name)}">'
        f'<path d="{_path(points)}" fill="none" stroke="{TARGET_COLOUR}" '
        f'stroke-width="{TARGET_STYLE.width}"{_dash(TARGET_STYLE)}/>' + "".join(markers) + "</g>"
    )


def _legend_items(chart: HistoryChart) -> list[tuple[str, Style]]:
    items = [(chart.own.name, OWN_STYLE)]
    items += [
        (s.name, st)
        for s, st in zip(chart.comparators, comparator_styles(len(chart.comparators)), strict=True)
    ]
    if chart.target is not None:
        items.append((chart.target.name, TARGET_STYLE))
    return items


def swatch_svg(style: Style) -> str:
    """A legend entry's picture: a short sample of the series' line with its marker."""
    width, height = SWATCH
    middle = height / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">'
        f'<line x1="1" x2="{width - 1}" y1="{middle}" y2="{middle}" stroke="{style.colour}" '
        f'stroke-width="{style.width}"{_dash(style)}/>'
        + _marker(style.marker, width / 2, middle, style.colour, style.size)
        + "</svg>"
    )


def legend(chart: HistoryChart) -> list[tuple[str, str]]:
    """The chart's legend, drawn beside it by the page: each series' name, and its swatch."""
    return [(name, swatch_svg(style)) for name, style in _legend_items(chart)]


def history_svg(chart: HistoryChart, summary: str) -> str:
    """SVG markup of the history chart; `summary` is its text alternative (the <title>)."""
    frame = frame_for(chart)
    head_attrs = 'xmlns="http://www.w3.org/2000/svg" role="img" class="history-chart"'
    if frame is None:
        return (
            f'<svg {head_attrs} viewBox="0 0 {WIDTH} 40" width="{WIDTH}" height="40">'
            f"<title>{escape(summary)}</title>"
            f'<text x="{LEFT}" y="24">No results to draw.</text></svg>'
        )
    body = [*_axes(chart, frame), *_band(chart.own, frame)]
    for series, style in zip(
        chart.comparators, comparator_styles(len(chart.comparators)), strict=True
    ):
        body.append(_series(series, style, frame, "comparator"))
    body.append(_series(chart.own, OWN_STYLE, frame, "own"))
    body.append(_target(chart, frame))
    height = PLOT_TOP + PLOT_HEIGHT + AXIS_BELOW
    return (
        f'<svg {head_attrs} viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'font-family="{FONT}" font-size="11" fill="#212b32">'
        f"<title>{escape(summary)}</title>" + "".join(body) + "</svg>"
    )
