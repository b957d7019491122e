"""The overview rendered from one report: heading, priority options, counts and key, and the
tiles grouped by priority."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from dashboard.report import PartnershipReport
from layouts import pages, tiles
from layouts.embed_snippet import embed_snippet_block
from layouts.headings import illustrative_note, point_heading
from layouts.links import PageLinks, report_href

NOTHING_TO_SHOW = "No measures to show for this choice."
REPORT_LINK = "Report for the meeting pack"


def header(
    report: PartnershipReport, host_url: str, priority: int | None, links: PageLinks
) -> list[Component]:
    return [
        html.H1(report.name),
        *point_heading(report, links.version is not None),
        *illustrative_note(report.any_illustrative(priority)),
        html.P(
            html.A(REPORT_LINK, href=report_href(report.slug, report.point.label, links.version)),
            className="report-link",
        ),
        embed_snippet_block(host_url, report.slug, report.name),
    ]


def priority_options(report: PartnershipReport) -> list[dict[str, str]]:
    return [{"label": "All priorities", "value": pages.ALL_PRIORITIES}] + [
        {"label": f"{g.number}. {g.title}", "value": str(g.number)}
        for g in report.groups
        if g.number is not None
    ]


def counts(report: PartnershipReport, priority: int | None) -> list[Component]:
    rules = (e.rule for e in report.entries(priority))
    return [tiles.rating_counts(report.counts(priority)), tiles.rating_key(rules)]


def tile_sections(
    report: PartnershipReport, priority: int | None, links: PageLinks
) -> list[html.Section] | html.P:
    grouped = [
        (
            group,
            [tiles.measure_tile(e, links.measure(e.code), report.provisional) for e in entries],
        )
        for group, entries in report.grouped(priority)
    ]
    hrefs = {g.number: links.priority(g.number) for g in report.groups if g.number is not None}
    return tiles.priority_sections(grouped, hrefs) or html.P(NOTHING_TO_SHOW)
