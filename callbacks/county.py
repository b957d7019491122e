"""County / force view: every partnership in the area side by side, measure by measure, each
from its own report at the chosen point."""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.pickers import UrlState, chosen_period, href_or_prevent, point_options
from dashboard.audience import Audience
from dashboard.model import Area, AreaKind, Partnership
from dashboard.periods import PeriodLabelError, parse_period
from dashboard.report import PartnershipReport
from dashboard.reporting import ReportingPoint
from data_access.access import current_audience
from data_access.drilldown import partnerships_within
from data_access.reports import report_for
from data_access.results import NotVisible, areas, reporting_points
from layouts import county_page, ids, pages
from layouts.links import county_href


class CountyOutputs(NamedTuple):
    """Everything the county callback fills in, in the order of `OUTPUTS`."""

    header: Any
    controls_hidden: Any
    period_options: Any
    body: Any
    period: Any
    shown: Any


VIEW_KINDS = (AreaKind.COUNTY, AreaKind.POLICE_FORCE)

OUTPUTS = CountyOutputs(
    Output(ids.COUNTY_HEADER, "children"),
    Output(ids.COUNTY_CONTROLS, "hidden"),
    Output(ids.COUNTY_PERIOD_PICKER, "options"),
    Output(ids.COUNTY_BODY, "children"),
    Output(ids.COUNTY_PERIOD_PICKER, "value"),
    Output(ids.COUNTY_SHOWN, "data"),
)


def _points(slugs: list[str], audience: Audience) -> tuple[list[ReportingPoint], str | None]:
    """Every point any partnership here may be opened at, newest first, one per label; and the
    default: the newest of the points the most partnerships can show, so few cells are empty."""
    found: dict[str, ReportingPoint] = {}
    counts: Counter[str] = Counter()
    for slug in slugs:
        for point in reporting_points(slug, audience):
            found.setdefault(point.label, point)
            counts[point.label] += 1
    points = sorted(found.values(), key=lambda p: (p.end, p.start), reverse=True)
    default = max(points, key=lambda p: (counts[p.label], p.end), default=None)
    return points, default.label if default else None


def _label(period: str | None, default: str | None, code: str) -> str:
    if not period:
        if default is None:
            raise NotVisible(f"Nothing published yet in '{code}'.")
        return default
    try:
        return parse_period(period).label
    except PeriodLabelError as error:
        raise NotVisible(str(error)) from error


def _report_or_none(slug: str, label: str, audience: Audience) -> PartnershipReport | None:
    """The partnership's report at the point; None when this audience may not read one there
    (for the public: nothing published on or before it)."""
    try:
        return report_for(slug, label, audience)
    except NotVisible:
        return None


class CountyView(NamedTuple):
    """What a county address shows this audience: NotVisible when it shows nothing."""

    area: Area
    partnerships: list[Partnership]
    points: list[ReportingPoint]
    label: str
    reports: dict[str, PartnershipReport | None]


def read_county(state: UrlState, audience: Audience) -> CountyView:
    """The county view the URL state names (code, period), as this audience may see it."""
    code = state.get("code") or ""
    partnerships = partnerships_within(code)
    points, default = _points([p.slug for p in partnerships], audience)
    label = _label(state.get("period"), default, code)
    reports = {p.slug: _report_or_none(p.slug, label, audience) for p in partnerships}
    if not any(reports.values()):
        raise NotVisible(f"No partnership in '{code}' has published '{label}'.")
    return CountyView(areas()[code], partnerships, points, label, reports)


def county_views() -> list[tuple[Area, list[Partnership]]]:
    """Every county and police force area with partnerships in it, by name."""
    found = []
    for area in sorted(areas().values(), key=lambda a: a.name):
        if area.kind not in VIEW_KINDS:
            continue
        try:
            found.append((area, partnerships_within(area.code)))
        except NotVisible:
            continue  # no partnership in it: no view
    return found


def _county(state: UrlState) -> CountyOutputs:
    view = read_county(state, current_audience())
    name, label = view.area.name, view.label
    return CountyOutputs(
        header=county_page.header(name, label, parse_period(label).end, view.partnerships),
        controls_hidden=False,
        period_options=point_options(view.points),
        body=county_page.table(name, view.partnerships, view.reports, label),
        period=label,
        shown=label,
    )


def show_county(state: UrlState | None) -> CountyOutputs:
    try:
        return _county(state or {})
    except NotVisible:
        return CountyOutputs(pages.not_found_panel(), True, [], None, "", None)


def choose_period(
    period: str | None,
    shown: str | None,
    state: UrlState | None,
    pathname: str | None,
    search: str | None,
) -> str:
    period = chosen_period(period, shown)
    if period is None:
        raise PreventUpdate
    new = county_href((state or {}).get("code") or "", period)
    return href_or_prevent(new, pathname, search)


def register(app: Dash) -> None:
    app.callback(*OUTPUTS, Input(ids.COUNTY_STATE, "data"))(show_county)
    app.callback(
        Output(ids.COUNTY_LOCATION, "href"),
        Input(ids.COUNTY_PERIOD_PICKER, "value"),
        State(ids.COUNTY_SHOWN, "data"),
        State(ids.COUNTY_STATE, "data"),
        State(ids.COUNTY_LOCATION, "pathname"),
        State(ids.COUNTY_LOCATION, "search"),
        prevent_initial_call=True,
    )(choose_period)
