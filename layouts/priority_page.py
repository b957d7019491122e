"""The priority page rendered from one report: the priority's measures beside every comparator
(chart and table), its action plan items with status and its funded projects with amounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.chart_spec import period_end, trajectory_at
from dashboard.formatting import NO_FIGURE, format_figure, format_value
from dashboard.model import TargetRule, Unit
from dashboard.plans import (
    ActionItem,
    ActionStep,
    FundedProject,
    TextBlock,
    action_steps,
    text_blocks,
)
from dashboard.report import (
    AreaRef,
    ComparatorEntry,
    Figure,
    MeasureEntry,
    PartnershipReport,
)
from dashboard.summaries import priority_summary
from dashboard.wording import ACTION_STATUS_ICONS, ACTION_STATUS_LABELS, ILLUSTRATIVE
from layouts import charts, tiles
from layouts.headings import illustrative_note, point_heading
from layouts.links import PageLinks
from layouts.tables import Cell, data_table

NO_COMPARATORS = "None of these measures has comparator figures."
TARGET_COLUMNS_NOTE = (
    "Measures with a fixed target are rated against the straight line from their baseline to "
    "their goal: the table gives each one's baseline, where that line stands for the result's "
    "period (the trajectory) and the goal."
)
BASELINE_NOTE = "Measures rated against a baseline show it beside their result."
NOT_USED = "—"  # a column the measure's rule does not use


def with_interval(figure: Figure | None, entry: MeasureEntry) -> str:
    """ "61.5 per 1,000 (60.9 to 62.1)": a value with its unit and, where one is known, its 95%
    interval, all to the measure's places."""
    if figure is None or figure.value is None:
        return NO_FIGURE
    text = format_value(figure.value, entry.unit, entry.decimals)
    if figure.ci_low is not None and figure.ci_high is not None:
        low = format_figure(figure.ci_low, entry.unit, entry.decimals)
        high = format_figure(figure.ci_high, entry.unit, entry.decimals)
        text += f" ({low} to {high})"
    return text


def _illustrative_tag(figure: Figure | None) -> list[Component]:
    return [" ", tiles.tag(ILLUSTRATIVE, "illustrative")] if figure and figure.illustrative else []


def _comparator_cell(c: ComparatorEntry | None, entry: MeasureEntry) -> Cell:
    if c is None:
        return NOT_USED
    if (c.figure is None or c.figure.value is None) and c.unavailable:
        return c.unavailable
    return [with_interval(c.figure, entry), *_illustrative_tag(c.figure)]


def _has_figure(c: ComparatorEntry) -> bool:
    return (c.figure is not None and c.figure.value is not None) or bool(c.unavailable)


def _comparator_columns(
    report: PartnershipReport, entries: Sequence[MeasureEntry]
) -> list[AreaRef]:
    """The comparator areas with a figure (or a reason for none) for some measure here: a
    column that would say "no figure" on every row is left out."""
    return [
        area
        for area in report.comparators
        if any(_has_figure(c) for e in entries for c in e.comparators if c.area.code == area.code)
    ]


def _value(value: float | None, entry: MeasureEntry, when: str) -> str:
    return f"{format_value(value, entry.unit, entry.decimals)} {when}"


def baseline_cell(entry: MeasureEntry) -> str:
    target = entry.target
    if target.rule not in (TargetRule.FIXED_TARGET, TargetRule.MATCH_BASELINE):
        return NOT_USED
    if not target.baseline_period:
        return "none set"
    return _value(target.baseline_value, entry, f"in {target.baseline_period}")


def trajectory_cell(entry: MeasureEntry) -> str:
    """Where the straight line to the goal stands at the result's period end (as rated)."""
    figure = entry.figure
    if entry.rule is not TargetRule.FIXED_TARGET or figure is None:
        return NOT_USED
    on_line = trajectory_at(entry.target, figure.end)
    goal_end = period_end(entry.target.target_period)
    baseline_end = period_end(entry.target.baseline_period)
    if on_line is None or goal_end is None or baseline_end is None:
        return NO_FIGURE
    if figure.end >= goal_end:
        return "past the goal's period: rated against the goal"
    if figure.end <= baseline_end:
        return "not rated: the baseline period or earlier"
    return _value(on_line, entry, f"for {figure.period}")


def goal_cell(entry: MeasureEntry) -> str:
    target = entry.target
    if entry.rule is not TargetRule.FIXED_TARGET:
        return NOT_USED
    return _value(target.target, entry, f"by {target.target_period}")


@dataclass(frozen=True, slots=True)
class _Columns:
    comparators: list[AreaRef]
    baseline: bool
    fixed: bool

    @classmethod
    def of(cls, report: PartnershipReport, entries: Sequence[MeasureEntry]) -> _Columns:
        rules = {e.rule for e in entries}
        return cls(
            _comparator_columns(report, entries),
            bool(rules & {TargetRule.FIXED_TARGET, TargetRule.MATCH_BASELINE}),
            TargetRule.FIXED_TARGET in rules,
        )

    def headers(self, report: PartnershipReport) -> list[str]:
        targets = ["Baseline"] * self.baseline + ["Trajectory", "Goal"] * self.fixed
        return [
            "Measure",
            "Period",
            report.area.name,
            *[a.name for a in self.comparators],
            *targets,
            "Rating",
        ]

    def row(self, entry: MeasureEntry, links: PageLinks) -> list[Cell]:
        by_area = {c.area.code: c for c in entry.comparators}
        measure: list[Component | str] = [dcc.Link(entry.title, href=links.measure(entry.code))]
        for mark in tiles.marks(entry):
            measure += [" ", mark]
        targets = [baseline_cell(entry)] * self.baseline
        targets += [trajectory_cell(entry), goal_cell(entry)] * self.fixed
        return [
            measure,
            entry.figure.period if entry.figure else NOT_USED,
            entry.rating.reason if entry.suppressed else with_interval(entry.figure, entry),
            *[_comparator_cell(by_area.get(a.code), entry) for a in self.comparators],
            *targets,
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
            [with_interval(f, entry)],
        )
        for name, f in figures
    ]
    period = f" ({entry.figure.period})" if entry.figure else ""
    return entry.title + period, lines


def panels(entries: Sequence[MeasureEntry]) -> list[tuple[str, list[charts.Line]]]:
    """The comparison chart's panels: one per measure, its area and every comparator."""
    return [_panel(e) for e in entries]


def _has_comparators(entry: MeasureEntry) -> bool:
    return any(c.figure is not None and c.figure.value is not None for c in entry.comparators)


def _notes(columns: _Columns) -> list[Component]:
    if columns.fixed:
        return [html.P(TARGET_COLUMNS_NOTE)]
    return [html.P(BASELINE_NOTE)] if columns.baseline else []


def comparison(report: PartnershipReport, number: int, links: PageLinks) -> Component:
    """The priority's measures beside every comparator with a figure and, for target rules,
    what the rule uses: a chart with its table, or the table."""
    entries = report.entries(number)
    columns = _Columns.of(report, entries)
    headers = columns.headers(report)
    rows = [columns.row(e, links) for e in entries]
    charted = [e for e in entries if _has_comparators(e)]
    if not charted:
        caption = "The priority's measures, values with 95% confidence intervals where known"
        return html.Div(
            [html.P(NO_COMPARATORS), *_notes(columns), data_table(caption, headers, rows)]
        )
    summary = priority_summary(
        report.area.name, [[c.comparison for c in e.comparators] for e in charted]
    )
    return html.Div(
        [
            *_notes(columns),
            charts.chart_figure(
                "priority-comparison-chart",
                charts.comparison_figure(panels(charted)),
                summary,
                headers,
                rows,
                "The chart's figures, with 95% confidence intervals",
                table_open=columns.baseline,  # the chart does not show what a target rule uses
            ),
        ]
    )


def _text(blocks: Sequence[TextBlock]) -> list[Component]:
    """Plan text as written: a paragraph per line, bullets as a list."""
    found: list[Component] = []
    for block in blocks:
        if block.bullets:
            found.append(html.Ul([html.Li(line) for line in block.lines], className="plan-list"))
        else:
            found += [html.P(line, className="plan-line") for line in block.lines]
    return found


def _single_step(step: ActionStep) -> list[Component]:
    found: list[Component] = []
    if step.update:
        found.append(html.Div([html.H4("Update", className="plan-label"), *_text(step.update)]))
    if step.actions:
        found.append(
            html.Div([html.H4("Actions this year", className="plan-label"), *_text(step.actions)])
        )
    return found


def _steps_table(objective: str, steps: Sequence[ActionStep]) -> html.Div:
    """Each update beside the actions that follow from it, row by row, as the plan's table has."""
    head = html.Tr([html.Th("Update", scope="col"), html.Th("Actions this year", scope="col")])
    return html.Div(
        html.Table(
            [
                html.Caption(f"Updates and actions: {objective}", className="visually-hidden"),
                html.Thead(head),
                html.Tbody(
                    [
                        html.Tr([html.Td(_text(step.update)), html.Td(_text(step.actions))])
                        for step in steps
                    ]
                ),
            ],
            className="table table-sm action-steps",
        ),
        className="table-responsive",
    )


def action_item(item: ActionItem) -> html.Li:
    """One objective with its status, then its updates each beside the actions that follow."""
    steps = action_steps(item.update, item.actions)
    if len(steps) > 1:
        body: list[Component] = [_steps_table(item.objective, steps)]
    else:
        body = [part for step in steps for part in _single_step(step)]
    return html.Li(
        [
            html.H3(item.objective, className="h6"),
            html.Span(
                [tiles.icon(ACTION_STATUS_ICONS[item.status]), ACTION_STATUS_LABELS[item.status]],
                className=f"action-status action-{item.status}",
            ),
            *body,
        ],
        className="action-item",
    )


def action_plan(items: Sequence[ActionItem]) -> html.Section:
    entries = [action_item(item) for item in items]
    return html.Section(
        [
            html.H2("Action plan"),
            html.Ul(entries, className="action-plan")
            if entries
            else html.P("No action plan items."),
        ]
    )


def funding(projects: Sequence[FundedProject]) -> html.Section:
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
            _text(text_blocks(p.outcomes)),
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
    columns = _Columns.of(report, report.entries(number))
    heading = "Measures beside the comparators" if columns.comparators else "Measures and targets"
    return [
        html.Section([html.H2(heading), comparison(report, number, links)]),
        action_plan(report.actions_for(number)),
        funding(report.projects_for(number)),
    ]
