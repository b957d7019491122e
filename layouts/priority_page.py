"""The priority page rendered from one report: the priority's measures beside every comparator
(chart and table), its action plan items with status and its funded projects with amounts."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.formatting import NO_FIGURE, format_number, format_value
from dashboard.model import Unit
from dashboard.report import (
    ActionEntry,
    ComparatorEntry,
    Figure,
    MeasureEntry,
    PartnershipReport,
    ProjectEntry,
)
from dashboard.summaries import priority_summary
from dashboard.wording import ACTION_STATUS_ICONS, ACTION_STATUS_LABELS, ILLUSTRATIVE
from layouts import charts, tiles
from layouts.headings import illustrative_note, point_heading
from layouts.links import PageLinks
from layouts.tables import Cell, data_table

NO_COMPARATORS = "None of these measures has comparator figures."


def with_interval(figure: Figure | None, unit: Unit) -> str:
    """ "61.5 (60.9 to 62.1)": a value with its 95% interval where one is known."""
    if figure is None or figure.value is None:
        return NO_FIGURE
    text = format_number(figure.value, unit)
    if figure.ci_low is not None and figure.ci_high is not None:
        text += f" ({format_number(figure.ci_low, unit)} to {format_number(figure.ci_high, unit)})"
    return text


def _illustrative_tag(figure: Figure | None) -> list[Component]:
    return [" ", tiles.tag(ILLUSTRATIVE, "illustrative")] if figure and figure.illustrative else []


def _comparator_cell(c: ComparatorEntry | None, unit: Unit) -> Cell:
    if c is None:
        return "—"
    if (c.figure is None or c.figure.value is None) and c.unavailable:
        return c.unavailable
    return [with_interval(c.figure, unit), *_illustrative_tag(c.figure)]


def _row(report: PartnershipReport, entry: MeasureEntry, links: PageLinks) -> list[Cell]:
    by_area = {c.area.code: c for c in entry.comparators}
    measure: list[Component | str] = [dcc.Link(entry.title, href=links.measure(entry.code))]
    for mark in tiles.marks(entry):
        measure += [" ", mark]
    return [
        measure,
        entry.figure.period if entry.figure else "—",
        entry.rating.reason if entry.suppressed else with_interval(entry.figure, entry.unit),
        *[_comparator_cell(by_area.get(area.code), entry.unit) for area in report.comparators],
        tiles.rating_badge(entry.rating.status, entry.rating.label),
    ]


def _panel(entry: MeasureEntry) -> tuple[str, list[charts.Line]]:
    figures = [(entry.area.name, entry.figure)]
    figures += [(c.area.name, c.figure) for c in entry.comparators]
    lines = [
        charts.Line(
            name,
            [""],
            [f.value if f else None],
            [f.ci_low if f else None],
            [f.ci_high if f else None],
        )
        for name, f in figures
    ]
    period = f" ({entry.figure.period})" if entry.figure else ""
    return entry.title + period, lines


def _has_comparators(entry: MeasureEntry) -> bool:
    return any(c.figure is not None and c.figure.value is not None for c in entry.comparators)


def comparison(report: PartnershipReport, number: int, links: PageLinks) -> Component:
    """The priority's measures beside every comparator: a chart with its table, or the table."""
    entries = report.entries(number)
    columns = [
        "Measure",
        "Period",
        report.area.name,
        *[a.name for a in report.comparators],
        "Rating",
    ]
    rows = [_row(report, e, links) for e in entries]
    charted = [e for e in entries if _has_comparators(e)]
    if not charted:
        caption = "Measures beside the comparator areas, values with 95% confidence intervals"
        return html.Div([html.P(NO_COMPARATORS), data_table(caption, columns, rows)])
    summary = priority_summary(
        report.area.name, [[c.comparison for c in e.comparators] for e in charted]
    )
    return charts.chart_figure(
        "priority-comparison-chart",
        charts.comparison_figure([_panel(e) for e in charted]),
        summary,
        columns,
        rows,
        "The chart's figures, with 95% confidence intervals",
    )


def action_plan(items: Sequence[ActionEntry]) -> html.Section:
    entries = [
        html.Li(
            [
                html.H3(item.objective, className="h6"),
                html.Span(
                    [
                        tiles.icon(ACTION_STATUS_ICONS[item.status]),
                        ACTION_STATUS_LABELS[item.status],
                    ],
                    className=f"action-status action-{item.status}",
                ),
                html.P(["Update: ", item.update]) if item.update else None,
                html.P(["Actions this year: ", item.actions], className="pre-line")
                if item.actions
                else None,
            ],
            className="action-item",
        )
        for item in items
    ]
    return html.Section(
        [
            html.H2("Action plan"),
            html.Ul(entries, className="action-plan")
            if entries
            else html.P("No action plan items."),
        ]
    )


def funding(projects: Sequence[ProjectEntry]) -> html.Section:
    if not projects:
        return html.Section(
            [html.H2("Funded projects"), html.P("No funded projects recorded for this priority.")]
        )
    rows = [
        [
            p.project,
            p.theme,
            format_value(p.amount_gbp, Unit.CURRENCY_GBP),
            p.period,
            html.Span(p.outcomes, className="pre-line"),
        ]
        for p in projects
    ]
    total = format_value(sum(p.amount_gbp for p in projects), Unit.CURRENCY_GBP)
    count = f"{len(projects)} project{'' if len(projects) == 1 else 's'}"
    return html.Section(
        [
            html.H2("Funded projects"),
            html.P(f"{count}, {total} in total."),
            data_table(
                "Funded projects", ["Project", "Theme", "Amount", "Period", "Outcomes"], rows
            ),
        ]
    )


def _any_illustrative(report: PartnershipReport, number: int) -> bool:
    return report.any_illustrative(number) or any(
        c.figure is not None and c.figure.illustrative
        for e in report.entries(number)
        for c in e.comparators
    )


def header(report: PartnershipReport, number: int, links: PageLinks) -> list[Component]:
    title = next(g.title for g in report.groups if g.number == number)
    return [
        html.P(dcc.Link(f"{report.name} overview", href=links.overview()), className="breadcrumbs"),
        html.H1(f"Priority {number}: {title}"),
        *point_heading(report, links.version is not None),
        *illustrative_note(_any_illustrative(report, number)),
        html.P(
            dcc.Link("Show only this priority's tiles on the overview", href=links.overview(number))
        ),
    ]


def body(report: PartnershipReport, number: int, links: PageLinks) -> list[Component]:
    return [
        html.Section(
            [html.H2("Measures beside the comparators"), comparison(report, number, links)]
        ),
        action_plan(report.actions_for(number)),
        funding(report.projects_for(number)),
    ]
