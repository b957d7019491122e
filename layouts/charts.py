"""Charts: one colour-blind-safe plotly template (afcharts), each chart in a figure with a text
summary and its data as a table, so no chart is the only way to a number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

import afcharts.pio_template  # noqa: F401  (registers the "afcharts" plotly template)
import plotly.graph_objects as go
from dash import dcc, html
from plotly.subplots import make_subplots

from dashboard.chart_spec import ChartPoint, HistoryChart, Series, TargetLine
from dashboard.formatting import format_date, format_figure, format_value
from dashboard.model import Unit
from dashboard.wording import ILLUSTRATIVE, UNIT_WORDS
from layouts.tables import Cell, data_table

TEMPLATE = "afcharts"
OWN_COLOUR = "#12436D"  # afcharts dark blue
BAND_COLOUR = "rgba(18, 67, 109, 0.18)"
TARGET_COLOUR = "#3D3D3D"
# Comparator lines differ in dash and marker as well as colour (STYLE.md section 9).
COMPARATOR_STYLES = (
    ("#28A197", "dash", "square"),
    ("#801650", "dot", "diamond"),
    ("#F46A25", "dashdot", "triangle-up"),
    ("#A285D1", "longdash", "x"),
)
PANEL_HEIGHT = 200  # px per measure in the priority chart
PANEL_GAP = 90  # px between panels, room for the axis figures and the next title
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


@dataclass(frozen=True, slots=True)
class Line:
    """One area's series on a chart, oldest first; low/high are the 95% interval where known."""

    name: str
    labels: Sequence[str]
    values: Sequence[float | None]
    low: Sequence[float | None] = ()
    high: Sequence[float | None] = ()
    text: Sequence[str] = ()  # each value as shown, for hover


def plain(text: str) -> str:
    """Text as Plotly shows it literally: it reads <b>, <br> and <a href> in names, titles and
    hover text as markup, so a name must reach a figure escaped."""
    return escape(text, quote=False)


def _layout(fig: go.Figure, height: int, y_title: str = "") -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 60, "r": 30, "t": 30, "b": 40},
        # afcharts puts the legend at x=1, which widens the right margin to fit it beside the plot.
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.2},
        yaxis_title=plain(y_title),
        yaxis_tickformat=",~f",  # thousands separators, no invented decimal places
        font={"size": 14},
    )
    return fig


def _span(point: ChartPoint) -> str:
    return f"{point.period} ({format_date(point.start)} to {format_date(point.end)})"


def _hover(name: str, point: ChartPoint, chart: HistoryChart) -> str:
    """What a point says on hover: whose, which period and its span, the figure to the
    measure's places with its interval, and whether it is illustrative."""
    shown = format_value(point.value, chart.unit, chart.decimals)
    text = f"{plain(name)}<br>{plain(_span(point))}<br>{plain(shown)}"
    if point.low is not None and point.high is not None:
        low = format_figure(point.low, chart.unit, chart.decimals)
        high = format_figure(point.high, chart.unit, chart.decimals)
        text += f" (95% CI {plain(low)} to {plain(high)})"
    if point.illustrative:
        text += f"<br>{plain(ILLUSTRATIVE)}"
    return text


def _dates(points: Sequence[ChartPoint]) -> list[str]:
    return [p.end.isoformat() for p in points]


def _series_trace(series: Series, chart: HistoryChart, style: dict) -> go.Scatter:
    points = series.points
    return go.Scatter(
        x=_dates(points),
        y=[p.value for p in points],
        name=plain(series.name),
        text=[_hover(series.name, p, chart) for p in points],
        hovertemplate="%{text}<extra></extra>",
        **style,
    )


def _has_band(own: Series) -> bool:
    """A shaded band needs two neighbouring points with intervals; else each point gets bars."""
    return any(a.low is not None and b.low is not None for a, b in pairwise(own.points))


def _band(own: Series) -> list[go.Scatter]:
    """The own series' 95% interval as a shaded band, listed in the legend."""
    x = _dates(own.points)
    edge = {"mode": "lines", "line": {"width": 0}, "hoverinfo": "skip", "connectgaps": False}
    return [
        go.Scatter(x=x, y=[p.high for p in own.points], showlegend=False, **edge),
        go.Scatter(
            x=x,
            y=[p.low for p in own.points],
            fill="tonexty",
            fillcolor=BAND_COLOUR,
            name="95% confidence interval",
            **edge,
        ),
    ]


def _bars(own: Series) -> dict:
    """The own points' 95% intervals as error bars (a lone interval cannot make a band)."""
    if not any(p.low is not None for p in own.points):
        return {}
    above = [
        p.high - p.value if p.high is not None and p.value is not None else None for p in own.points
    ]
    below = [
        p.value - p.low if p.low is not None and p.value is not None else None for p in own.points
    ]
    return {
        "error_y": {
            "type": "data",
            "array": above,
            "arrayminus": below,
            "color": OWN_COLOUR,
            "thickness": 1.5,
        }
    }


def _target_trace(target: TargetLine, chart: HistoryChart) -> go.Scatter:
    return go.Scatter(
        x=[t.day.isoformat() for t in target.points],
        y=[t.value for t in target.points],
        name=plain(target.name),
        mode="lines+markers",
        line={"color": TARGET_COLOUR, "dash": "dot", "width": 2},
        marker={"symbol": "star", "size": 10, "color": TARGET_COLOUR},
        text=[
            plain(f"{t.role} ({t.period}): {format_value(t.value, chart.unit, chart.decimals)}")
            for t in target.points
        ],
        hovertemplate="%{text}<extra></extra>",
    )


def _time_axis(fig: go.Figure, chart: HistoryChart) -> None:
    """Dates, labelled with the partnership's own periods where they end (and the goal's)."""
    ticks = chart.ticks()
    fig.update_xaxes(type="date", hoverformat="%d %b %Y", tickfont={"size": 12})
    if ticks:
        fig.update_xaxes(
            tickvals=[day.isoformat() for day, _ in ticks],
            ticktext=[plain(label) for _, label in ticks],
        )


def history_figure(chart: HistoryChart) -> go.Figure:
    """The measure's history on a time axis (each result at its period's end date): its 95%
    interval (a band, or bars on lone points), its line, each comparator with a figure, and the
    target's line."""
    band = _has_band(chart.own)
    fig = go.Figure(_band(chart.own) if band else [])
    own_style = {
        "mode": "lines+markers",
        "line": {"color": OWN_COLOUR, "width": 3},
        "marker": {"symbol": "circle", "size": 9},
        **({} if band else _bars(chart.own)),
    }
    fig.add_trace(_series_trace(chart.own, chart, own_style))
    for series, (colour, dash, symbol) in zip(
        chart.comparators, COMPARATOR_STYLES * 3, strict=False
    ):
        style = {
            "mode": "lines+markers",
            "line": {"color": colour, "dash": dash, "width": 2},
            "marker": {"symbol": symbol, "size": 8},
            "connectgaps": True,
        }
        fig.add_trace(_series_trace(series, chart, style))
    if chart.target is not None:
        fig.add_trace(_target_trace(chart.target, chart))
    _time_axis(fig, chart)
    fig = _layout(fig, 420, UNIT_WORDS[chart.unit])
    if chart.unit is Unit.PERCENTAGE:
        fig.update_yaxes(ticksuffix="%")
    elif chart.unit is Unit.CURRENCY_GBP:
        fig.update_yaxes(tickprefix="£")
    return fig


def comparison_figure(panels: Sequence[tuple[str, Sequence[Line]]]) -> go.Figure:
    """One small panel per measure: each area's latest value with its 95% interval as error bars."""
    rows = max(len(panels), 1)
    height = 60 + PANEL_HEIGHT * rows
    fig = make_subplots(
        rows=rows,
        cols=1,
        subplot_titles=[plain(t) for t, _ in panels] or [""],
        vertical_spacing=PANEL_GAP / height if rows > 1 else 0.0,
    )
    for row, (_, lines) in enumerate(panels, start=1):
        names = [plain(line.name) for line in lines]
        values = [line.values[0] if line.values else None for line in lines]
        plus = [
            (line.high[0] - v) if line.high and line.high[0] is not None and v is not None else None
            for line, v in zip(lines, values, strict=True)
        ]
        minus = [
            (v - line.low[0]) if line.low and line.low[0] is not None and v is not None else None
            for line, v in zip(lines, values, strict=True)
        ]
        colours = [OWN_COLOUR, *[c for c, _, _ in COMPARATOR_STYLES][: len(lines) - 1]]
        symbols = ["circle", *[s for _, _, s in COMPARATOR_STYLES][: len(lines) - 1]]
        fig.add_trace(
            go.Scatter(
                x=values,
                y=names,
                mode="markers",
                showlegend=False,
                marker={"color": colours, "symbol": symbols, "size": 11},
                text=[plain(line.text[0]) if line.text else "" for line in lines],
                hovertemplate="%{y}: %{text}<extra></extra>",
                error_x={
                    "type": "data",
                    "array": plus,
                    "arrayminus": minus,
                    "color": "#3D3D3D",
                    "thickness": 1.5,
                },
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(autorange="reversed", row=row, col=1)
        fig.update_xaxes(tickformat=",~f", row=row, col=1)
    return _layout(fig, height)


def chart_figure(
    graph_id: str,
    fig: go.Figure,
    summary: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    caption: str,
    table_open: bool = False,
) -> html.Figure:
    """A chart with its summary sentence and a disclosure holding the same data as a table
    (open at first when the table says more than the chart)."""
    return html.Figure(
        [
            html.Figcaption(summary, className="chart-summary"),
            dcc.Graph(id=graph_id, figure=fig, config=CONFIG, className="chart"),
            html.Details(
                [html.Summary("Show data as a table"), data_table(caption, columns, rows)],
                className="chart-data",
                open=table_open,
            ),
        ],
        className="chart-figure",
    )
