"""Partnerships page: every partnership with the point its results stand at for this reader, and
every county or police force area view."""

from __future__ import annotations

from dash import Dash, Input, Output
from dash.development.base_component import Component

from callbacks.county import county_views
from data_access.access import current_audience
from data_access.results import all_partnerships, reporting_points
from layouts import ids, partnerships_page


def show_partnerships(_state: object) -> list[Component]:
    audience = current_audience()
    listed = []
    for partnership in sorted(all_partnerships(), key=lambda p: p.name):
        points = reporting_points(partnership.slug, audience)
        listed.append((partnership, points[0] if points else None))
    return partnerships_page.body(listed, county_views())


def register(app: Dash) -> None:
    app.callback(Output(ids.PARTNERSHIPS_BODY, "children"), Input(ids.PARTNERSHIPS_STATE, "data"))(
        show_partnerships
    )
