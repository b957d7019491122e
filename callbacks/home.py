"""The first page: every partnership with its latest published results."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, html
from dash.development.base_component import Component

from data_access.access import current_audience
from dashboard.assessment import assess
from dashboard.formatting import format_value
from data_access.results import NotVisible, all_partnerships, partnership_view
from layouts import ids


def _summary(slug: str, name: str) -> Component:
    try:
        view = partnership_view(slug, None, current_audience())
    except NotVisible:
        return html.Section([html.H2(name), html.P("Nothing published yet.")])
    rows = []
    for figures in view.figures:
        a = assess(figures, view.point.end)
        value = format_value(a.result.value if a.result else None, figures.item.measure.unit)
        rows.append(html.Tr([html.Th(figures.item.measure.title, scope="row"),
                             html.Td(value), html.Td(a.result.period if a.result else "—"),
                             html.Td(a.rating.label)]))
    return html.Section([
        html.H2(html.A(name, href=f"/p/{slug}")),
        html.P(f"As at {view.point.label} ({view.point.end:%d %B %Y})"),
        dbc.Table([html.Thead(html.Tr([html.Th("Measure", scope="col"),
                                       html.Th("Value", scope="col"),
                                       html.Th("Period", scope="col"),
                                       html.Th("Rating", scope="col")])),
                   html.Tbody(rows)], bordered=False, striped=True, size="sm"),
    ])


def list_partnerships(_pathname: str | None) -> list[Component]:
    return [_summary(p.slug, p.name) for p in all_partnerships()]


def register(app: Dash) -> None:
    app.callback(Output(ids.HOME_LIST, "children"), Input(ids.URL, "pathname"))(
        list_partnerships)
