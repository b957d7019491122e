"""Page skeletons. Dash calls each with no arguments to build its validation layout, so they
take URL values as keywords with defaults, accept unknown query keys, and touch no database:
callbacks fill them in from the state store, and the pickers write back to the URL. A report
page also takes `version` (?version=2: that published version of the point).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from layouts import ids, titles
from layouts.shell import PARTNERSHIPS_PATH

LOADING = "Loading results…"
ALL_PRIORITIES = "all"


def _picker(picker_id: str, label: str, value: str | None) -> dbc.Col:
    return dbc.Col(
        [
            dbc.Label(label, html_for=picker_id),
            dbc.Select(id=picker_id, options=[], value=value or ""),
        ],
        xs=12,
        md=4,
        className="picker",
    )


def _page(
    state_id: str,
    shown_id: str,
    state: dict[str, str | None],
    location_id: str,
    header_id: str,
    controls: Component,
    body: list[Component],
    title_id: dict[str, str],
) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=state_id, data=state),
            dcc.Store(id=shown_id, data=None),
            dcc.Store(id=title_id, data=None),  # filled from the URL by callbacks/page_status.py
            dcc.Location(id=location_id, refresh="callback-nav"),
            html.Div(html.P(LOADING, className="loading"), id=header_id),
            controls,
            *body,
        ]
    )


def overview(
    slug: str | None = None,
    period: str | None = None,
    priority: str | None = None,
    version: str | None = None,
    **_unknown: str,
) -> html.Div:
    """/ and /p/<slug>: the pickers, counts, key and tiles of one partnership at one point."""
    controls = html.Div(
        dbc.Row(
            [
                _picker(ids.PARTNERSHIP_PICKER, "Partnership", slug),
                _picker(ids.PERIOD_PICKER, "Reporting point", period),
                _picker(ids.PRIORITY_PICKER, "Priority", priority or ALL_PRIORITIES),
            ],
            className="g-3",
        ),
        id=ids.OVERVIEW_CONTROLS,
        className="controls",
        role="search",
        **{"aria-label": "Choose what to show"},
    )
    return _page(
        ids.OVERVIEW_STATE,
        ids.OVERVIEW_SHOWN,
        {"slug": slug, "period": period, "priority": priority, "version": version},
        ids.OVERVIEW_LOCATION,
        ids.OVERVIEW_HEADER,
        controls,
        [
            html.Div(id=ids.OVERVIEW_COUNTS, **{"aria-live": "polite"}, className="counts-region"),
            html.Div(id=ids.OVERVIEW_TILES),
        ],
        ids.OVERVIEW_TITLE,
    )


def _period_controls(controls_id: str, picker_id: str, period: str | None) -> html.Div:
    return html.Div(
        dbc.Row(_picker(picker_id, "Reporting point", period), className="g-3"),
        id=controls_id,
        className="controls",
        role="search",
        **{"aria-label": "Choose the reporting point"},
    )


def priority(
    slug: str | None = None,
    number: str | None = None,
    period: str | None = None,
    version: str | None = None,
    **_unknown: str,
) -> html.Div:
    """/p/<slug>/priority/<number>: measures beside comparators, action plan, funded projects."""
    return _page(
        ids.PRIORITY_STATE,
        ids.PRIORITY_SHOWN,
        {"slug": slug, "number": number, "period": period, "version": version},
        ids.PRIORITY_LOCATION,
        ids.PRIORITY_HEADER,
        _period_controls(ids.PRIORITY_CONTROLS, ids.PRIORITY_PERIOD_PICKER, period),
        [html.Div(id=ids.PRIORITY_BODY)],
        ids.PRIORITY_TITLE,
    )


def measure(
    slug: str | None = None,
    code: str | None = None,
    period: str | None = None,
    version: str | None = None,
    **_unknown: str,
) -> html.Div:
    """/p/<slug>/measure/<code>: history chart, commentary, definition, data and download."""
    return _page(
        ids.MEASURE_STATE,
        ids.MEASURE_SHOWN,
        {"slug": slug, "code": code, "period": period, "version": version},
        ids.MEASURE_LOCATION,
        ids.MEASURE_HEADER,
        _period_controls(ids.MEASURE_CONTROLS, ids.MEASURE_PERIOD_PICKER, period),
        [
            html.Div(id=ids.MEASURE_BODY),
            html.Div(
                [
                    dbc.Button(
                        "Download this data (CSV)",
                        id=ids.MEASURE_DOWNLOAD_BUTTON,
                        color="primary",
                        outline=True,
                    ),
                    dcc.Download(id=ids.MEASURE_DOWNLOAD),
                ],
                id=ids.MEASURE_DOWNLOAD_AREA,
                className="download",
            ),
        ],
        ids.MEASURE_TITLE,
    )


def county(code: str | None = None, period: str | None = None, **_unknown: str) -> html.Div:
    """/county/<code>: every partnership in a county or force area, measure by measure."""
    return _page(
        ids.COUNTY_STATE,
        ids.COUNTY_SHOWN,
        {"code": code, "period": period},
        ids.COUNTY_LOCATION,
        ids.COUNTY_HEADER,
        _period_controls(ids.COUNTY_CONTROLS, ids.COUNTY_PERIOD_PICKER, period),
        [html.Div(id=ids.COUNTY_BODY)],
        ids.COUNTY_TITLE,
    )


NOT_FOUND_TITLE = titles.NOT_FOUND
NOT_FOUND_SENTENCE = (
    "There is no page at this address. Check the address, or the reporting point, priority or "
    "measure in it."
)


def not_found_panel() -> html.Div:
    """The one answer to anything unknown or not visible to this audience."""
    return html.Div(
        [
            html.H1(NOT_FOUND_TITLE),
            html.P(NOT_FOUND_SENTENCE),
            html.P(dcc.Link("See all partnerships", href=PARTNERSHIPS_PATH)),
        ],
        className="not-found",
    )


def not_found(**_unknown: str) -> html.Div:
    """Any address that matches no page (its title is the registered page's, in app.py)."""
    return not_found_panel()


def partnerships(**_unknown: str) -> html.Div:
    """/partnerships: every partnership and every county or force view (the header's link)."""
    return html.Div(
        [
            dcc.Store(id=ids.PARTNERSHIPS_STATE, data={}),
            html.Div(html.P(LOADING, className="loading"), id=ids.PARTNERSHIPS_BODY),
        ]
    )
