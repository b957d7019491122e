"""Priority page: the priority's measures beside every comparator (chart and table), its action
plan items with status and its funded projects with amounts, all from one report."""

from __future__ import annotations

from typing import Any, NamedTuple

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.pickers import (
    UrlState,
    chosen_period,
    href_or_prevent,
    page_links,
    parse_point_value,
    parse_priority,
    partnership_point_options,
    shown_point_value,
)
from dashboard.audience import Audience
from dashboard.report import PartnershipReport
from data_access.access import current_audience
from data_access.reports import report_for
from data_access.results import NotVisible
from layouts import ids, pages, priority_page
from layouts.links import PageLinks, priority_href


class PriorityOutputs(NamedTuple):
    """Everything the priority callback fills in, in the order of `OUTPUTS`."""

    header: Any
    controls_hidden: Any
    period_options: Any
    body: Any
    period: Any
    shown: Any


OUTPUTS = PriorityOutputs(
    Output(ids.PRIORITY_HEADER, "children"),
    Output(ids.PRIORITY_CONTROLS, "hidden"),
    Output(ids.PRIORITY_PERIOD_PICKER, "options"),
    Output(ids.PRIORITY_BODY, "children"),
    Output(ids.PRIORITY_PERIOD_PICKER, "value"),
    Output(ids.PRIORITY_SHOWN, "data"),
)


class PriorityRead(NamedTuple):
    """What a priority address shows this audience (NotVisible when nothing)."""

    report: PartnershipReport
    number: int
    links: PageLinks


def read_priority(state: UrlState, audience: Audience) -> PriorityRead:
    """The report and priority the URL state names: the one decision behind the page's
    content, its title and its HTTP status (callbacks/page_status.py)."""
    links = page_links(state)
    report = report_for(links.slug, links.period, audience, links.version)
    number = parse_priority(state.get("number"), report)
    if number is None:
        raise NotVisible("No priority given.")
    return PriorityRead(report, number, links)


def _priority(state: UrlState) -> PriorityOutputs:
    audience = current_audience()
    report, number, links = read_priority(state, audience)
    point = shown_point_value(report, links.version)
    return PriorityOutputs(
        header=priority_page.header(report, number, links),
        controls_hidden=False,
        period_options=partnership_point_options(links.slug, audience),
        body=priority_page.body(report, number, links),
        period=point,
        shown=point,
    )


def show_priority(state: UrlState | None) -> PriorityOutputs:
    try:
        return _priority(state or {})
    except NotVisible:
        return PriorityOutputs(pages.not_found_panel(), True, [], None, "", None)


def choose_period(
    period: str | None,
    shown: str | None,
    state: UrlState | None,
    pathname: str | None,
    search: str | None,
) -> str:
    """A new point (its latest report) or an earlier version of one, from the picker."""
    period = chosen_period(period, shown)
    if period is None:
        raise PreventUpdate
    state = state or {}
    number = state.get("number") or ""
    label, version = parse_point_value(period)
    slug = state.get("slug") or ""
    new = priority_href(slug, int(number) if number.isdecimal() else 0, label, version)
    return href_or_prevent(new, pathname, search)


def register(app: Dash) -> None:
    app.callback(*OUTPUTS, Input(ids.PRIORITY_STATE, "data"))(show_priority)
    app.callback(
        Output(ids.PRIORITY_LOCATION, "href"),
        Input(ids.PRIORITY_PERIOD_PICKER, "value"),
        State(ids.PRIORITY_SHOWN, "data"),
        State(ids.PRIORITY_STATE, "data"),
        State(ids.PRIORITY_LOCATION, "pathname"),
        State(ids.PRIORITY_LOCATION, "search"),
        prevent_initial_call=True,
    )(choose_period)
