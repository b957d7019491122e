"""The partnerships page (the header's "Partnerships"): every partnership, with the point its
results stand at for this reader, and every county or police force area view."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.formatting import format_date
from dashboard.model import Area, AreaKind, Partnership
from dashboard.reporting import ReportingPoint
from layouts.links import county_href, overview_href
from layouts.titles import PARTNERSHIPS, county_heading

NOTHING_PUBLISHED = "nothing published yet"
KIND_WORDS = {AreaKind.COUNTY: "county", AreaKind.POLICE_FORCE: "police force area"}


def _partnership(partnership: Partnership, latest: ReportingPoint | None) -> html.Li:
    if latest is None:
        return html.Li([html.Span(partnership.name), f": {NOTHING_PUBLISHED}"])
    standing = "" if latest.published else ", provisional"
    return html.Li(
        [
            dcc.Link(partnership.name, href=overview_href(partnership.slug)),
            html.Span(
                f": results as at {latest.label} ({format_date(latest.end)}){standing}",
                className="period",
            ),
        ]
    )


def _view(area: Area, within: Sequence[Partnership]) -> html.Li:
    count = f"{len(within)} partnership{'s' if len(within) != 1 else ''}"
    kind = KIND_WORDS.get(area.kind, str(area.kind))
    return html.Li(
        [
            dcc.Link(county_heading(area.name), href=county_href(area.code)),
            html.Span(f": {count} in this {kind}", className="period"),
        ]
    )


def body(
    partnerships: Sequence[tuple[Partnership, ReportingPoint | None]],
    views: Sequence[tuple[Area, Sequence[Partnership]]],
) -> list[Component]:
    return [
        html.H1(PARTNERSHIPS),
        html.P(
            "Each community safety partnership's results as at its latest reporting point, and "
            "views that set the partnerships of a county or police force area side by side."
        ),
        html.Section(
            [
                html.H2("Community safety partnerships", id="partnerships-heading"),
                html.Ul(
                    [_partnership(p, latest) for p, latest in partnerships],
                    className="partnership-list",
                ),
            ],
            **{"aria-labelledby": "partnerships-heading"},
        ),
        html.Section(
            [
                html.H2("County and police force area views", id="views-heading"),
                html.Ul([_view(area, within) for area, within in views], className="view-list")
                if views
                else html.P("No county or police force area has partnerships yet."),
            ],
            **{"aria-labelledby": "views-heading"},
        ),
    ]
