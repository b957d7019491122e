"""The county / force view rendered from each partnership's report: one row per measure with the
rule it is rated by, each partnership's figure and rating side by side, and why a cell is empty
(not yet published at this point, not collected by that partnership, or not public)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.formatting import format_date, format_value
from dashboard.model import Partnership, TargetRule
from dashboard.report import MeasureEntry, PartnershipReport
from dashboard.wording import ILLUSTRATIVE, RULE_WORDS
from layouts import tiles
from layouts.links import measure_href, overview_href
from layouts.tables import Cell, data_table
from layouts.titles import county_heading

NOT_PUBLISHED = "Not yet published"
NOT_COLLECTED = "Not collected"
NOT_PUBLIC = "Not public"


def header(area_name: str, label: str, end: date, partnerships: Sequence[Partnership]) -> list:
    return [
        html.P(dcc.Link("All partnerships", href="/partnerships"), className="breadcrumbs"),
        html.H1(county_heading(area_name)),
        html.P(f"As at {label} ({format_date(end)})", className="as-at"),
        html.Ul(
            [html.Li(dcc.Link(p.name, href=overview_href(p.slug))) for p in partnerships],
            className="county-partnerships",
            **{"aria-label": "Partnerships in this area"},
        ),
    ]


def _empty(words: str) -> html.Span:
    return html.Span(words, className="county-empty")


def _cell(
    partnership: Partnership, report: PartnershipReport | None, code: str, label: str
) -> Cell:
    if report is None:
        return _empty(NOT_PUBLISHED)
    entry = report.measure(code)
    if entry is None:
        # a measure the partnership has but this audience may not see is not "not collected"
        has_it = any(m.measure.code == code for m in partnership.measures)
        return _empty(NOT_PUBLIC if has_it else NOT_COLLECTED)
    figure = entry.figure
    parts: list[Component | str] = [
        dcc.Link(
            format_value(figure.value if figure else None, entry.unit),
            href=measure_href(report.slug, code, label),
        ),
        html.Br(),
        tiles.rating_badge(entry.rating.status, entry.rating.label),
    ]
    if figure:
        parts += [html.Br(), html.Span(figure.period, className="period")]
    if entry.illustrative:
        parts += [html.Br(), tiles.tag(ILLUSTRATIVE, "illustrative")]
    return html.Div(parts)


def _rules_line(entries: Sequence[tuple[str, MeasureEntry]]) -> html.Span:
    """ "Rated by: beat the comparator areas", naming the partnerships whose rule differs."""
    counts = Counter(e.rule for _, e in entries)
    usual = counts.most_common(1)[0][0]
    words = [RULE_WORDS[usual]]
    for rule in counts:
        if rule is not usual:
            names = ", ".join(name for name, e in entries if e.rule is rule)
            words.append(f"{RULE_WORDS[rule]} ({names})")
    return html.Span(f"Rated by: {'; '.join(words)}", className="county-rule")


def _measure_header(title: str, entries: Sequence[tuple[str, MeasureEntry]]) -> list[Component]:
    return [html.Span(title, className="county-measure"), html.Br(), _rules_line(entries)]


def _entries(
    partnerships: Sequence[Partnership], reports: Mapping[str, PartnershipReport | None]
) -> dict[str, list[tuple[str, MeasureEntry]]]:
    """Every measure any report shows -> (the partnership's area name, its entry), in report
    order."""
    found: dict[str, list[tuple[str, MeasureEntry]]] = {}
    for p in partnerships:
        report = reports.get(p.slug)
        for entry in report.measures if report else ():
            found.setdefault(entry.code, []).append((report.area.name, entry))
    return found


def rules_shown(reports: Mapping[str, PartnershipReport | None]) -> set[TargetRule]:
    return {e.rule for report in reports.values() if report for e in report.measures}


def table(
    area_name: str,
    partnerships: Sequence[Partnership],
    reports: Mapping[str, PartnershipReport | None],
    label: str,
) -> html.Div:
    """One row per measure any report shows, headed by its title and rule; one column per
    partnership. The measure column stays in view while the table scrolls on a phone."""
    rows = [
        [
            _measure_header(entries[0][1].title, entries),
            *[_cell(p, reports.get(p.slug), code, label) for p in partnerships],
        ]
        for code, entries in _entries(partnerships, reports).items()
    ]
    caption = f"Each measure in each partnership of {area_name}"
    return html.Div(
        [
            tiles.rating_key(rules_shown(reports)),
            # the caption is said above the table: inside it, it would scroll away on a phone
            html.H2(caption, className="h5"),
            html.Div(
                data_table(caption, ["Measure", *[p.name for p in partnerships]], rows, True),
                className="county-table",
            ),
        ]
    )
