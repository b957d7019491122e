"""What every view's URL state and pickers share: parsing the priority and version in the URL,
the reporting-point options and writing a choice back to the URL."""

from __future__ import annotations

from collections.abc import Sequence

from dash.exceptions import PreventUpdate

from dashboard.formatting import format_date
from dashboard.points import parse_version
from dashboard.report import PartnershipReport
from dashboard.reporting import ReportingPoint
from data_access.results import NotVisible
from layouts import pages
from layouts.links import PageLinks

UrlState = dict[str, str | None]
"""A view's state as its page skeleton stores it from the URL (path values and query keys)."""


def page_links(state: UrlState, default_slug: str = "") -> PageLinks:
    """The partnership, point and version a page's URL names: what report_for reads and what the
    page's links carry on."""
    return PageLinks(
        state.get("slug") or default_slug,
        state.get("period") or None,
        _version(state.get("version")),
    )


def _version(text: str | None) -> int | None:
    """The version the URL asks for; a malformed one names nothing (the "not found" page)."""
    try:
        return parse_version(text or None)
    except ValueError as error:
        raise NotVisible(str(error)) from error


def parse_priority(priority: str | None, report: PartnershipReport) -> int | None:
    """The priority number from the URL, or None for all; NotVisible when there is no such one."""
    if priority in (None, "", pages.ALL_PRIORITIES):
        return None
    numbers = {g.number for g in report.groups if g.number is not None}
    if not str(priority).isdecimal() or int(priority) not in numbers:
        raise NotVisible(f"No priority '{priority}'.")
    return int(priority)


def point_options(points: Sequence[ReportingPoint]) -> list[dict[str, str]]:
    """Newest first; a provisional point says so in its label."""
    return [
        {
            "label": f"{p.label} (as at {format_date(p.end)})"
            + ("" if p.published else " — provisional"),
            "value": p.label,
        }
        for p in points
    ]


def href_or_prevent(new: str | None, pathname: str | None, search: str | None) -> str:
    """The address to push, unless there is none or the view is already there (no duplicate
    history entries, so Back always leaves the page)."""
    if new is None or new == (pathname or "") + (search or ""):
        raise PreventUpdate
    return new


def chosen_period(chosen: str | None, shown: str | None) -> str | None:
    """The period a picker asks for, or None when it shows what the page shows already."""
    if not chosen or not shown or chosen == shown:
        return None
    return chosen
