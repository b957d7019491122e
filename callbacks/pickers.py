"""What every view's URL state and pickers share: parsing the priority and version in the URL,
the reporting-point options and writing a choice back to the URL."""

from __future__ import annotations

from collections.abc import Sequence

from dash.exceptions import PreventUpdate

from dashboard.audience import Audience
from dashboard.formatting import format_date
from dashboard.points import parse_version
from dashboard.report import PartnershipReport
from dashboard.reporting import ReportingPoint
from dashboard.wording import published_sentence, version_sentence
from data_access.publications import Publication, publications
from data_access.results import NotVisible, reporting_points
from layouts import pages
from layouts.links import PageLinks

VERSION_MARK = "@"

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
        {"label": _point_words(p) + ("" if p.published else " — provisional"), "value": p.label}
        for p in points
    ]


def _point_words(point: ReportingPoint) -> str:
    return f"{point.label} (as at {format_date(point.end)})"


def point_value(label: str, version: int | None = None) -> str:
    """A point picker's value: the point's label (its latest report), or "label@2" for an
    earlier published version of it."""
    return label if version is None else f"{label}{VERSION_MARK}{version}"


def parse_point_value(value: str) -> tuple[str, int | None]:
    """(point label, version or None) from a point picker's value."""
    label, _, version = value.partition(VERSION_MARK)
    return label, int(version) if version.isdecimal() else None


def _standing_versions(slug: str) -> dict[str, list[Publication]]:
    """Each published point's versions not withdrawn, newest first (what report_for can read)."""
    found: dict[str, list[Publication]] = {}
    for publication in publications(slug):
        if not publication.withdrawn:
            found.setdefault(publication.period.label, []).append(publication)
    return found


def partnership_point_options(slug: str, audience: Audience) -> list[dict[str, str]]:
    """Every point this audience may open, newest first: a published point says when it was
    published and which version that is ("published 12 May 2020 (version 2)"), followed by its
    earlier versions; a provisional point says so."""
    versions = _standing_versions(slug)
    options = []
    for point in reporting_points(slug, audience):
        standing = versions.get(point.label, [])
        if not standing:
            options.extend(point_options([point]))
            continue
        latest = standing[0]
        published = published_sentence(latest.version, latest.published_at)
        words = f"{point.label} — {published[0].lower()}{published[1:]}"
        options.append({"label": words, "value": point.label})
        options.extend(
            {
                "label": f"{point.label} — earlier "
                + version_sentence(earlier.version, earlier.published_at).lower(),
                "value": point_value(point.label, earlier.version),
            }
            for earlier in standing[1:]
        )
    return options


def shown_point_value(report: PartnershipReport, version_asked: int | None) -> str:
    """The point picker's value for the report a page shows: an earlier version's own option,
    else the point (the latest version is the point's own option)."""
    publication = report.publication
    if version_asked is None or publication is None:
        return report.point.label
    if publication.version == publication.latest_version:
        return report.point.label
    return point_value(report.point.label, publication.version)


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
