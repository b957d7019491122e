"""Overview page: the partnership, reporting-point and priority pickers drive the counts and the
tiles grouped by priority; every choice is written back to the URL."""

from __future__ import annotations

from typing import Any, NamedTuple

from dash import Dash, Input, Output, State
from flask import request

from callbacks.pickers import (
    UrlState,
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
from data_access.results import NotVisible, all_partnerships
from layouts import ids, overview_page, pages
from layouts.links import PageLinks, overview_href


class OverviewOutputs(NamedTuple):
    """Everything the overview callback fills in, in the order of `OUTPUTS`."""

    header: Any
    controls_hidden: Any
    partnership_options: Any
    period_options: Any
    priority_options: Any
    counts: Any
    tiles: Any
    partnership: Any
    period: Any
    priority: Any
    shown: Any


OUTPUTS = OverviewOutputs(
    Output(ids.OVERVIEW_HEADER, "children"),
    Output(ids.OVERVIEW_CONTROLS, "hidden"),
    Output(ids.PARTNERSHIP_PICKER, "options"),
    Output(ids.PERIOD_PICKER, "options"),
    Output(ids.PRIORITY_PICKER, "options"),
    Output(ids.OVERVIEW_COUNTS, "children"),
    Output(ids.OVERVIEW_TILES, "children"),
    Output(ids.PARTNERSHIP_PICKER, "value"),
    Output(ids.PERIOD_PICKER, "value"),
    Output(ids.PRIORITY_PICKER, "value"),
    Output(ids.OVERVIEW_SHOWN, "data"),
)


class OverviewRead(NamedTuple):
    """What an overview address shows this audience (NotVisible when nothing)."""

    report: PartnershipReport
    priority: int | None
    links: PageLinks


def read_overview(state: UrlState, audience: Audience) -> OverviewRead:
    """The report and priority the URL state names: the one decision behind the page's
    content, its title and its HTTP status (callbacks/page_status.py)."""
    partnerships = all_partnerships()
    if not partnerships:
        raise NotVisible("No partnerships yet.")
    links = page_links(state, partnerships[0].slug)
    report = report_for(links.slug, links.period, audience, links.version)
    return OverviewRead(report, parse_priority(state.get("priority"), report), links)


def _overview(state: UrlState) -> OverviewOutputs:
    audience = current_audience()
    report, chosen, links = read_overview(state, audience)
    priority = str(chosen) if chosen is not None else pages.ALL_PRIORITIES
    point = shown_point_value(report, links.version)
    return OverviewOutputs(
        header=overview_page.header(report, request.host_url, chosen, links),
        controls_hidden=False,
        partnership_options=[{"label": p.name, "value": p.slug} for p in all_partnerships()],
        period_options=partnership_point_options(links.slug, audience),
        priority_options=overview_page.priority_options(report),
        counts=overview_page.counts(report, chosen),
        tiles=overview_page.tile_sections(report, chosen, links),
        partnership=links.slug,
        period=point,
        priority=priority,
        shown={"slug": links.slug, "period": point, "priority": priority},
    )


def show_overview(state: UrlState | None) -> OverviewOutputs:
    """Everything on the overview from the URL state; the "not found" page for anything unknown."""
    try:
        return _overview(state or {})
    except NotVisible:
        return OverviewOutputs(
            pages.not_found_panel(), True, [], [], [], None, None, "", "", "", None
        )


def overview_address(
    chosen: UrlState, shown: UrlState | None, state: UrlState | None
) -> str | None:
    """Where the pickers lead, or None when they show what the page already shows (defaults
    filled in by the page itself are not choices). A new partnership starts at its default; a
    new point drops the version, which belongs to the point it was read at."""
    if not shown or chosen == shown:
        return None
    state = state or {}
    if chosen["slug"] != shown["slug"]:
        return overview_href(chosen["slug"] or "")
    priority = None if chosen["priority"] == pages.ALL_PRIORITIES else chosen["priority"]
    if chosen["period"] != shown["period"]:
        period, version = parse_point_value(chosen["period"] or "")
        return overview_href(shown["slug"] or "", period, priority, version)
    return overview_href(shown["slug"] or "", state.get("period"), priority, state.get("version"))


def choose(
    slug: str | None,
    period: str | None,
    priority: str | None,
    shown: UrlState | None,
    state: UrlState | None,
    pathname: str | None,
    search: str | None,
) -> str:
    chosen = {"slug": slug, "period": period, "priority": priority}
    return href_or_prevent(overview_address(chosen, shown, state), pathname, search)


def register(app: Dash) -> None:
    app.callback(*OUTPUTS, Input(ids.OVERVIEW_STATE, "data"))(show_overview)
    app.callback(
        Output(ids.OVERVIEW_LOCATION, "href"),
        Input(ids.PARTNERSHIP_PICKER, "value"),
        Input(ids.PERIOD_PICKER, "value"),
        Input(ids.PRIORITY_PICKER, "value"),
        State(ids.OVERVIEW_SHOWN, "data"),
        State(ids.OVERVIEW_STATE, "data"),
        State(ids.OVERVIEW_LOCATION, "pathname"),
        State(ids.OVERVIEW_LOCATION, "search"),
        prevent_initial_call=True,
    )(choose)
