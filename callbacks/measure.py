"""Measure page: the headline from the report's entry; the full history with comparators,
interval band and target; commentary by period; the definition; the data with a CSV download."""

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
    partnership_point_options,
    shown_point_value,
)
from dashboard.audience import Audience
from dashboard.exports import to_csv
from dashboard.model import Result
from dashboard.report import MeasureEntry, PartnershipReport
from data_access.access import current_audience
from data_access.reports import history, report_for
from data_access.results import NotVisible
from layouts import ids, measure_page, pages
from layouts.links import PageLinks, measure_href


class MeasureOutputs(NamedTuple):
    """Everything the measure callback fills in, in the order of `OUTPUTS`."""

    header: Any
    controls_hidden: Any
    period_options: Any
    body: Any
    download_hidden: Any
    period: Any
    shown: Any


OUTPUTS = MeasureOutputs(
    Output(ids.MEASURE_HEADER, "children"),
    Output(ids.MEASURE_CONTROLS, "hidden"),
    Output(ids.MEASURE_PERIOD_PICKER, "options"),
    Output(ids.MEASURE_BODY, "children"),
    Output(ids.MEASURE_DOWNLOAD_AREA, "hidden"),
    Output(ids.MEASURE_PERIOD_PICKER, "value"),
    Output(ids.MEASURE_SHOWN, "data"),
)


def read_entry(
    links: PageLinks, code: str, audience: Audience
) -> tuple[PartnershipReport, MeasureEntry]:
    """The report this audience may read and the measure's entry in it: the one decision behind
    the page's content, its title and its HTTP status (callbacks/page_status.py)."""
    report = report_for(links.slug, links.period, audience, links.version)
    entry = report.measure(code)
    if entry is None:
        raise NotVisible(f"No measure '{code}' for '{links.slug}'.")
    return report, entry


def read_measure(
    links: PageLinks, code: str, audience: Audience
) -> tuple[PartnershipReport, MeasureEntry, list[Result]]:
    """The report this audience may read, the measure's entry in it and the history behind it."""
    report, entry = read_entry(links, code, audience)
    return report, entry, history(report, code)


def _measure(state: UrlState) -> MeasureOutputs:
    audience = current_audience()
    links = page_links(state)
    report, entry, rows = read_measure(links, state.get("code") or "", audience)
    return MeasureOutputs(
        header=measure_page.header(report, entry, links),
        controls_hidden=False,
        period_options=partnership_point_options(links.slug, audience),
        body=measure_page.body(report, entry, rows),
        download_hidden=False,
        period=shown_point_value(report, links.version),
        shown=shown_point_value(report, links.version),
    )


def show_measure(state: UrlState | None) -> MeasureOutputs:
    try:
        return _measure(state or {})
    except NotVisible:
        return MeasureOutputs(pages.not_found_panel(), True, [], None, True, "", None)


def measure_csv(n_clicks: int | None, state: UrlState | None) -> dict[str, Any]:
    """The page's history as CSV, formulas neutralised; nothing for an address this audience
    can't see."""
    if not n_clicks or not state:
        raise PreventUpdate
    code = state.get("code") or ""
    try:
        links = page_links(state)
        report, entry, rows = read_measure(links, code, current_audience())
    except NotVisible as error:
        raise PreventUpdate from error
    return {
        "content": to_csv(measure_page.history_rows(entry, rows), measure_page.GRID_COLUMNS),
        "filename": measure_page.csv_name(report, code, links.version),
    }


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
    label, version = parse_point_value(period)
    new = measure_href(state.get("slug") or "", state.get("code") or "", label, version)
    return href_or_prevent(new, pathname, search)


def register(app: Dash) -> None:
    app.callback(*OUTPUTS, Input(ids.MEASURE_STATE, "data"))(show_measure)
    app.callback(
        Output(ids.MEASURE_DOWNLOAD, "data"),
        Input(ids.MEASURE_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.MEASURE_STATE, "data"),
        prevent_initial_call=True,
    )(measure_csv)
    app.callback(
        Output(ids.MEASURE_LOCATION, "href"),
        Input(ids.MEASURE_PERIOD_PICKER, "value"),
        State(ids.MEASURE_SHOWN, "data"),
        State(ids.MEASURE_STATE, "data"),
        State(ids.MEASURE_LOCATION, "pathname"),
        State(ids.MEASURE_LOCATION, "search"),
        prevent_initial_call=True,
    )(choose_period)
