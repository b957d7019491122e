"""Priority page: the priority's measures beside every comparator (chart and table), its action
plan items with status and its funded projects with amounts."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks.overview import parse_priority, point_heading
from callbacks.pickers import chosen_period, href_or_prevent, point_options
from dashboard.assessment import MeasureAssessment, assess
from dashboard.formatting import format_number, format_value
from dashboard.model import ActionStatus, Unit
from dashboard.plans import ACTION_STATUS_LABELS, ActionItem, FundedProject
from dashboard.reporting import PartnershipView
from dashboard.summaries import priority_summary
from data_access.access import current_audience
from data_access.drilldown import action_items, funded_projects
from data_access.results import NotVisible, partnership_view, reporting_points
from layouts import charts, ids, pages, tiles
from layouts.links import measure_href, overview_href, priority_href
from layouts.tables import data_table

PriorityOutputs = tuple[Any, bool, list, Any, str, str | None]
STATUS_ICONS = {
    ActionStatus.ACHIEVED: "check-circle-fill",
    ActionStatus.IN_PROGRESS: "arrow-right",
    ActionStatus.NOT_STARTED: "dash-circle",
}


def with_interval(value: float | None, ci: tuple[float, float] | None, unit: Unit) -> str:
    """ "61.5 (60.9 to 62.1)": a value with its 95% interval where one is known."""
    if value is None:
        return "no figure"
    text = format_number(value, unit)
    if ci:
        text += f" ({format_number(ci[0], unit)} to {format_number(ci[1], unit)})"
    return text


def _panel(view: PartnershipView, a: MeasureAssessment) -> tuple[str, list[charts.Line]]:
    value = a.result.value if a.result else None
    lines = [
        charts.Line(
            view.area.name, [""], [value], [a.ci[0] if a.ci else None], [a.ci[1] if a.ci else None]
        )
    ]
    for c in a.comparators:
        lines.append(
            charts.Line(
                c.area.name,
                [""],
                [c.result.value if c.result else None],
                [c.ci[0] if c.ci else None],
                [c.ci[1] if c.ci else None],
            )
        )
    period = f" ({a.result.period})" if a.result else ""
    return a.figures.item.measure.title + period, lines


def comparison(
    view: PartnershipView, found: list[MeasureAssessment], slug: str, period: str | None
) -> Component:
    with_comparators = [a for a in found if any(c.result for c in a.comparators)]
    columns = ["Measure", "Period", view.area.name, *[c.name for c in view.comparators], "Rating"]
    rows = [
        [
            dcc.Link(a.figures.item.measure.title, href=measure_href(slug, a.code, period)),
            a.result.period if a.result else "—",
            with_interval(a.result.value if a.result else None, a.ci, a.figures.item.measure.unit),
            *[
                with_interval(
                    c.result.value if c.result else None, c.ci, a.figures.item.measure.unit
                )
                for c in a.comparators
            ],
            tiles.rating_badge(a.rating.status, a.rating.label),
        ]
        for a in found
    ]
    table = data_table(
        "Measures beside the comparator areas, values with 95% confidence intervals", columns, rows
    )
    if not with_comparators:
        return html.Div([html.P("None of these measures has comparator figures."), table])
    fig = charts.comparison_figure([_panel(view, a) for a in with_comparators])
    summary = priority_summary(
        view.area.name, [[c.comparison for c in a.comparators] for a in with_comparators]
    )
    return html.Div(
        [
            charts.chart_figure(
                "priority-comparison-chart",
                fig,
                summary,
                columns,
                rows,
                "The chart's figures, with 95% confidence intervals",
            ),
        ]
    )


def action_plan(items: list[ActionItem]) -> html.Section:
    entries = [
        html.Li(
            [
                html.H3(item.objective, className="h6"),
                html.Span(
                    [tiles.icon(STATUS_ICONS[item.status]), ACTION_STATUS_LABELS[item.status]],
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


def funding(projects: list[FundedProject]) -> html.Section:
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
    total = sum(p.amount_gbp for p in projects)
    content: list[Component] = (
        [
            html.P(
                f"{len(projects)} project{'' if len(projects) == 1 else 's'}, "
                f"{format_value(total, Unit.CURRENCY_GBP)} in total."
            ),
            data_table(
                "Funded projects", ["Project", "Theme", "Amount", "Period", "Outcomes"], rows
            ),
        ]
        if projects
        else [html.P("No funded projects recorded for this priority.")]
    )
    return html.Section([html.H2("Funded projects"), *content])


def _priority(slug: str, number: str | None, period: str | None) -> PriorityOutputs:
    audience = current_audience()
    view = partnership_view(slug, period or None, audience)
    chosen = parse_priority(number, view)
    if chosen is None:
        raise NotVisible("No priority given.")
    title = next(p.title for p in view.partnership.priorities if p.number == chosen)
    found = [assess(f, view.point.end) for f in view.figures if f.item.priority == chosen]
    header = [
        html.P(
            dcc.Link(f"{view.partnership.name} overview", href=overview_href(slug, period)),
            className="breadcrumbs",
        ),
        html.H1(f"Priority {chosen}: {title}"),
        *point_heading(view),
        html.P(
            dcc.Link(
                "Show only this priority's tiles on the overview",
                href=overview_href(slug, period, chosen),
            )
        ),
    ]
    body = [
        html.Section(
            [html.H2("Measures beside the comparators"), comparison(view, found, slug, period)]
        ),
        action_plan(action_items(slug, chosen, audience)),
        funding(funded_projects(slug, chosen, audience)),
    ]
    options = point_options(reporting_points(slug, audience))
    return header, False, options, body, view.point.label, view.point.label


def show_priority(state: dict[str, str | None] | None) -> PriorityOutputs:
    state = state or {}
    try:
        return _priority(state.get("slug") or "", state.get("number"), state.get("period"))
    except NotVisible:
        return pages.not_found_panel(), True, [], None, "", None


def choose_period(
    period: str | None,
    shown: str | None,
    state: dict[str, str | None] | None,
    pathname: str | None,
    search: str | None,
) -> str:
    period = chosen_period(period, shown)
    if period is None:
        raise PreventUpdate
    state = state or {}
    number = state.get("number") or ""
    new = priority_href(state.get("slug") or "", int(number) if number.isdigit() else 0, period)
    return href_or_prevent(new, pathname, search)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.PRIORITY_HEADER, "children"),
        Output(ids.PRIORITY_CONTROLS, "hidden"),
        Output(ids.PRIORITY_PERIOD_PICKER, "options"),
        Output(ids.PRIORITY_BODY, "children"),
        Output(ids.PRIORITY_PERIOD_PICKER, "value"),
        Output(ids.PRIORITY_SHOWN, "data"),
        Input(ids.PRIORITY_STATE, "data"),
    )(show_priority)
    app.callback(
        Output(ids.PRIORITY_LOCATION, "href"),
        Input(ids.PRIORITY_PERIOD_PICKER, "value"),
        State(ids.PRIORITY_SHOWN, "data"),
        State(ids.PRIORITY_STATE, "data"),
        State(ids.PRIORITY_LOCATION, "pathname"),
        State(ids.PRIORITY_LOCATION, "search"),
        prevent_initial_call=True,
    )(choose_period)
