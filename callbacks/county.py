"""County / force view: every partnership in the area side by side, measure by measure."""

from __future__ import annotations

from collections import Counter
from typing import Any

from dash import Dash, Input, Output, State, dcc, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks.pickers import chosen_period, href_or_prevent, point_options
from dashboard.assessment import MeasureAssessment, assess
from dashboard.formatting import format_date, format_value
from dashboard.periods import PeriodLabelError, parse_period
from dashboard.reporting import PartnershipView, ReportingPoint
from data_access.access import current_audience
from data_access.drilldown import partnerships_within
from data_access.results import NotVisible, areas, partnership_view, reporting_points
from layouts import ids, pages, tiles
from layouts.links import county_href, measure_href, overview_href
from layouts.tables import data_table

NOT_PUBLISHED = "Not yet published"
CountyOutputs = tuple[Any, bool, list, Any, str, str | None]


def _points(slugs: list[str]) -> tuple[list[ReportingPoint], str | None]:
    """Every point any partnership here may be opened at, newest first, one per label; and the
    default: the newest of the points the most partnerships can show, so few cells are empty."""
    audience = current_audience()
    found: dict[str, ReportingPoint] = {}
    counts: Counter[str] = Counter()
    for slug in slugs:
        for point in reporting_points(slug, audience):
            found.setdefault(point.label, point)
            counts[point.label] += 1
    points = sorted(found.values(), key=lambda p: (p.end, p.start), reverse=True)
    default = max(points, key=lambda p: (counts[p.label], p.end), default=None)
    return points, default.label if default else None


def _cell(a: MeasureAssessment | None, slug: str, label: str) -> Component | str:
    if a is None:
        return "Not measured"
    value = format_value(a.result.value if a.result else None, a.figures.item.measure.unit)
    parts: list[Component | str] = [
        dcc.Link(value, href=measure_href(slug, a.code, label)),
        html.Br(),
        tiles.rating_badge(a.rating.status, a.rating.label),
    ]
    if a.result:
        parts += [html.Br(), html.Span(a.result.period, className="period")]
    if a.result and a.result.illustrative:
        parts += [html.Br(), html.Span(tiles.ILLUSTRATIVE, className="tag tag-illustrative")]
    return html.Div(parts)


def _county(code: str, period: str | None) -> CountyOutputs:
    partnerships = partnerships_within(code)
    points, default = _points([p.slug for p in partnerships])
    if period:
        try:
            label = parse_period(period).label
        except PeriodLabelError as error:
            raise NotVisible(str(error)) from error
    elif default:
        label = default
    else:
        raise NotVisible(f"Nothing published yet in '{code}'.")
    views: dict[str, PartnershipView | None] = {}
    for p in partnerships:
        try:
            views[p.slug] = partnership_view(p.slug, label, current_audience())
        except NotVisible:
            views[p.slug] = None
    if not any(views.values()):
        raise NotVisible(f"No partnership in '{code}' has published '{label}'.")
    titles: dict[str, str] = {}
    judged: dict[tuple[str, str], MeasureAssessment] = {}
    for slug, view in views.items():
        for figures in view.figures if view else ():
            titles.setdefault(figures.item.measure.code, figures.item.measure.title)
            judged[(slug, figures.item.measure.code)] = assess(figures, view.point.end)
    names = [p.name for p in partnerships]
    rows = [
        [
            title,
            *[
                NOT_PUBLISHED
                if views[p.slug] is None
                else _cell(judged.get((p.slug, m)), p.slug, label)
                for p in partnerships
            ],
        ]
        for m, title in titles.items()
    ]
    area = areas()[code]
    header = [
        html.H1(f"{area.name}: partnerships side by side"),
        html.P(f"As at {label} ({format_date(parse_period(label).end)})", className="as-at"),
        html.Ul(
            [html.Li(dcc.Link(p.name, href=overview_href(p.slug))) for p in partnerships],
            className="county-partnerships",
            **{"aria-label": "Partnerships in this area"},
        ),
    ]
    body = data_table(f"Each measure in each partnership of {area.name}", ["Measure", *names], rows)
    return header, False, point_options(points), body, label, label


def show_county(state: dict[str, str | None] | None) -> CountyOutputs:
    state = state or {}
    try:
        return _county(state.get("code") or "", state.get("period"))
    except NotVisible:
        return pages.not_found_panel(), True, [], None, "", None


def choose_period(
    period: str | None,
    shown: str | None,
    state: dict[str, str | None] | None,
    pathname: str | None,
    search: str | None,
) -> str:
    period = chosen_period(period, shown)
    if period is None:
        raise PreventUpdate
    new = county_href((state or {}).get("code") or "", period)
    return href_or_prevent(new, pathname, search)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.COUNTY_HEADER, "children"),
        Output(ids.COUNTY_CONTROLS, "hidden"),
        Output(ids.COUNTY_PERIOD_PICKER, "options"),
        Output(ids.COUNTY_BODY, "children"),
        Output(ids.COUNTY_PERIOD_PICKER, "value"),
        Output(ids.COUNTY_SHOWN, "data"),
        Input(ids.COUNTY_STATE, "data"),
    )(show_county)
    app.callback(
        Output(ids.COUNTY_LOCATION, "href"),
        Input(ids.COUNTY_PERIOD_PICKER, "value"),
        State(ids.COUNTY_SHOWN, "data"),
        State(ids.COUNTY_STATE, "data"),
        State(ids.COUNTY_LOCATION, "pathname"),
        State(ids.COUNTY_LOCATION, "search"),
        prevent_initial_call=True,
    )(choose_period)
