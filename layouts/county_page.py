"""The county / force view rendered from each partnership's report: every measure, each
partnership's figure and rating side by side, "Not yet published" where there is no report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.formatting import format_date, format_value
from dashboard.model import Partnership
from dashboard.report import PartnershipReport
from dashboard.wording import ILLUSTRATIVE
from layouts import tiles
from layouts.links import measure_href, overview_href
from layouts.tables import Cell, data_table

NOT_PUBLISHED = "Not yet published"
NOT_MEASURED = "Not measured"


def header(area_name: str, label: str, end: date, partnerships: Sequence[Partnership]) -> list:
    return [
        html.H1(f"{area_name}: partnerships side by side"),
        html.P(f"As at {label} ({format_date(end)})", className="as-at"),
        html.Ul(
            [html.Li(dcc.Link(p.name, href=overview_href(p.slug))) for p in partnerships],
            className="county-partnerships",
            **{"aria-label": "Partnerships in this area"},
        ),
    ]


def _cell(report: PartnershipReport | None, code: str, label: str) -> Cell:
    if report is None:
        return NOT_PUBLISHED
    entry = report.measure(code)
    if entry is None:
        return NOT_MEASURED
    figure = entry.figure
    parts: list[Component | str] = [
        dcc.Link(
            format_value(figure.value if figure else None, entry.unit),
            href=measure_href(report.slug, code, label),
        ),
        html.Br(),
        tiles.rating_badge(entry.rating.status, entry.rating.label),
    ]
    if figure:
        parts += [html.Br(), html.Span(figure.period, className="period")]
    if entry.illustrative:
        parts += [html.Br(), tiles.tag(ILLUSTRATIVE, "illustrative")]
    return html.Div(parts)


def table(
    area_name: str,
    partnerships: Sequence[Partnership],
    reports: Mapping[str, PartnershipReport | None],
    label: str,
) -> html.Div:
    """One row per measure any report shows, one column per partnership."""
    titles: dict[str, str] = {}
    for report in reports.values():
        for entry in report.measures if report else ():
            titles.setdefault(entry.code, entry.title)
    rows = [
        [
            title,
            *[_cell(reports.get(p.slug), code, label) for p in partnerships],
        ]
        for code, title in titles.items()
    ]
    return data_table(
        f"Each measure in each partnership of {area_name}",
        ["Measure", *[p.name for p in partnerships]],
        rows,
    )
