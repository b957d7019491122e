"""Overview page: the partnership, reporting-point and priority pickers drive the counts and the
tiles grouped by priority; every choice is written back to the URL."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, html
from dash.development.base_component import Component
from flask import request

from callbacks.pickers import href_or_prevent, point_options
from dashboard.assessment import assess
from dashboard.formatting import format_date
from dashboard.reporting import PartnershipView
from data_access.access import current_audience
from data_access.drilldown import trend_series
from data_access.results import NotVisible, all_partnerships, partnership_view, reporting_points
from layouts import ids, pages, tiles
from layouts.embed_snippet import embed_snippet_block
from layouts.links import measure_href, overview_href, priority_href

OverviewOutputs = tuple[Any, bool, list, list, list, Any, Any, str, str, str, Any]
ILLUSTRATIVE_NOTE = (
    "Values marked “Illustrative sample data” were invented for this sample and are not "
    "published anywhere: do not quote them."
)


def parse_priority(priority: str | None, view: PartnershipView) -> int | None:
    """The priority number from the URL, or None for all; NotVisible when there is no such one."""
    if priority in (None, "", pages.ALL_PRIORITIES):
        return None
    numbers = {p.number for p in view.partnership.priorities}
    if not str(priority).isdigit() or int(priority) not in numbers:
        raise NotVisible(f"No priority '{priority}'.")
    return int(priority)


def point_heading(view: PartnershipView) -> list[Component]:
    point = view.point
    words = [f"As at {point.label} ({format_date(point.end)})"]
    if not point.published:
        words.append(html.Span(tiles.PROVISIONAL, className="tag tag-provisional"))
    return [html.P(words, className="as-at")]


def _header(view: PartnershipView, illustrative: bool) -> list[Component]:
    header: list[Component] = [html.H1(view.partnership.name), *point_heading(view)]
    if illustrative:
        header.append(html.P(ILLUSTRATIVE_NOTE, className="illustrative-note"))
    header.append(
        embed_snippet_block(request.host_url, view.partnership.slug, view.partnership.name)
    )
    return header


def _overview(slug: str | None, period: str | None, priority: str | None) -> OverviewOutputs:
    audience = current_audience()
    partnerships = all_partnerships()
    if not partnerships:
        raise NotVisible("No partnerships yet.")
    slug = slug or partnerships[0].slug
    view = partnership_view(slug, period or None, audience)
    chosen = parse_priority(priority, view)
    trends = trend_series(slug, view.point.label, audience)
    link_period = period or None
    by_priority: dict[int, list[html.Article]] = {}
    statuses = []
    illustrative = False
    for figures in view.figures:
        item = figures.item
        if chosen is not None and item.priority != chosen:
            continue
        a = assess(figures, view.point.end)
        statuses.append(a.rating.status)
        illustrative = illustrative or bool(a.result and a.result.illustrative)
        context = tiles.TileContext(
            measure_href(slug, item.measure.code, link_period),
            not view.point.published,
            trends.get(item.measure.code, []),
        )
        by_priority.setdefault(item.priority, []).append(tiles.measure_tile(a, context))
    hrefs = {
        p.number: priority_href(slug, p.number, link_period) for p in view.partnership.priorities
    }
    shown = {
        "slug": slug,
        "period": view.point.label,
        "priority": str(chosen) if chosen is not None else pages.ALL_PRIORITIES,
    }
    sections = tiles.priority_sections(view.partnership.priorities, by_priority, hrefs)
    return (
        _header(view, illustrative),
        False,
        [{"label": p.name, "value": p.slug} for p in partnerships],
        point_options(reporting_points(slug, audience)),
        [{"label": "All priorities", "value": pages.ALL_PRIORITIES}]
        + [
            {"label": f"{p.number}. {p.title}", "value": str(p.number)}
            for p in view.partnership.priorities
        ],
        [tiles.rating_counts(statuses), tiles.rating_key()],
        sections or html.P("No measures to show for this choice."),
        *shown.values(),
        shown,
    )


def show_overview(state: dict[str, str | None] | None) -> OverviewOutputs:
    """Everything on the overview from the URL state; the "not found" page for anything unknown."""
    state = state or {}
    try:
        return _overview(state.get("slug"), state.get("period"), state.get("priority"))
    except NotVisible:
        return (pages.not_found_panel(), True, [], [], [], None, None, "", "", "", None)


def overview_address(
    chosen: dict[str, str | None],
    shown: dict[str, str | None] | None,
    state: dict[str, str | None] | None,
) -> str | None:
    """Where the pickers lead, or None when they show what the page already shows (defaults
    filled in by the page itself are not choices). A new partnership starts at its default."""
    if not shown or chosen == shown:
        return None
    state = state or {}
    if chosen["slug"] != shown["slug"]:
        return overview_href(chosen["slug"] or "")
    period = chosen["period"] if chosen["period"] != shown["period"] else state.get("period")
    priority = None if chosen["priority"] == pages.ALL_PRIORITIES else chosen["priority"]
    return overview_href(shown["slug"] or "", period, priority)


def choose(
    slug: str | None,
    period: str | None,
    priority: str | None,
    shown: dict[str, str | None] | None,
    state: dict[str, str | None] | None,
    pathname: str | None,
    search: str | None,
) -> str:
    chosen = {"slug": slug, "period": period, "priority": priority}
    return href_or_prevent(overview_address(chosen, shown, state), pathname, search)


def register(app: Dash) -> None:
    app.callback(
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
        Input(ids.OVERVIEW_STATE, "data"),
    )(show_overview)
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
