"""Charts: one colour-blind-safe plotly template (afcharts), each chart in a figure with a text
summary and its data as a table, so no chart is the only way to a number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import afcharts.pio_template  # noqa: F401  (registers the "afcharts" plotly template)
import plotly.graph_objects as go
from dash import dcc, html
from plotly.subplots import make_subplots

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


def _layout(fig: go.Figure, height: int, y_title: str = "") -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        # afcharts puts the legend at x=1, which widens the right margin to fit it beside the plot.
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.2},
        yaxis_title=y_title,
        font={"size": 14},
    )
    return fig


def history_figure(
    own: Line, comparators: Sequence[Line], target: Line | None, unit: str
) -> go.Figure:
    """The measure's history: its 95% interval band, its line, each comparator, the target."""
    fig = go.Figure()
    if any(v is not None for v in own.low):
        fig.add_trace(
            go.Scatter(
                x=list(own.labels),
                y=list(own.high),
                mode="lines",
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
                connectgaps=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=list(own.labels),
                y=list(own.low),
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor=BAND_COLOUR,
                name="95% confidence interval",
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=list(own.labels),
            y=list(own.values),
            name=own.name,
            mode="lines+markers",
            line={"color": OWN_COLOUR, "width": 3},
            marker={"symbol": "circle", "size": 9},
        )
    )
    for line, (colour, dash, symbol) in zip(comparators, COMPARATOR_STYLES * 3, strict=False):
        fig.add_trace(
            go.Scatter(
                x=list(line.labels),
                y=list(line.values),
                name=line.name,
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 2},
                marker={"symbol": symbol, "size": 8},
                connectgaps=True,
            )
        )
    if target is not None:
        fig.add_trace(
            go.Scatter(
                x=list(target.labels),
                y=list(target.values),
                name=target.name,
                mode="lines",
                line={"color": TARGET_COLOUR, "dash": "dot", "width": 2},
            )
        )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(own.labels))
    return _layout(fig, 420, unit)


def comparison_figure(panels: Sequence[tuple[str, Sequence[Line]]]) -> go.Figure:
    """One small panel per measure: each area's latest value with its 95% interval as error bars."""
    rows = max(len(panels), 1)
    height = 60 + PANEL_HEIGHT * rows
    fig = make_subplots(
        rows=rows,
        cols=1,
        subplot_titles=[t for t, _ in panels] or [""],
        vertical_spacing=PANEL_GAP / height if rows > 1 else 0.0,
    )
    for row, (_, lines) in enumerate(panels, start=1):
        names = [line.name for line in lines]
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
    return _layout(fig, height)


def chart_figure(
    graph_id: str,
    fig: go.Figure,
    summary: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    caption: str,
) -> html.Figure:
    """A chart with its summary sentence and a disclosure holding the same data as a table."""
    return html.Figure(
        [
            html.Figcaption(summary, className="chart-summary"),
            dcc.Graph(id=graph_id, figure=fig, config=CONFIG, className="chart"),
            html.Details(
                [html.Summary("Show data as a table"), data_table(caption, columns, rows)],
                className="chart-data",
            ),
        ],
        className="chart-figure",
    )
