"""Measure page: the full history with comparators, interval band and target; commentary by
period; the definition; the data as a grid with a CSV download."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import Dash, Input, Output, State, dcc, html
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from callbacks.overview import point_heading
from callbacks.pickers import chosen_period, href_or_prevent, point_options
from dashboard.assessment import MeasureAssessment, assess
from dashboard.exports import neutralise, to_csv
from dashboard.formatting import format_date, format_number, format_value
from dashboard.intervals import interval_for
from dashboard.model import Polarity, Result, TargetRule, Unit
from dashboard.reporting import PartnershipView
from dashboard.summaries import history_summary
from data_access.access import current_audience
from data_access.drilldown import commentary
from data_access.results import NotVisible, measure_history, reporting_points
from layouts import charts, ids, pages, tiles
from layouts.links import measure_href, overview_href, priority_href

GRID_COLUMNS = (
    "period",
    "area_name",
    "value",
    "ci_low",
    "ci_high",
    "numerator",
    "denominator",
    "illustrative",
    "note",
    "source",
)
GRID_HEADERS = {
    "period": "Period",
    "area_name": "Area",
    "value": "Value",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "illustrative": "Illustrative",
    "note": "Note",
    "source": "Source",
}
POLARITY_WORDS = {
    Polarity.LOWER_IS_BETTER: "Lower is better",
    Polarity.HIGHER_IS_BETTER: "Higher is better",
    Polarity.NO_JUDGEMENT: "No judgement (neither higher nor lower is better)",
}
RULE_WORDS = {
    TargetRule.BEAT_COMPARATORS: "Beat the comparator areas",
    TargetRule.MATCH_BASELINE: "Match or better the baseline",
    TargetRule.FIXED_TARGET: "Reach a fixed target by a date",
    TargetRule.NONE: "None: monitoring only",
}
UNIT_WORDS = {
    Unit.RATE_PER_1000: "Rate per 1,000 population",
    Unit.RATE_PER_100000: "Rate per 100,000 population",
    Unit.PERCENTAGE: "Percentage",
    Unit.COUNT: "Count",
    Unit.CURRENCY_GBP: "Pounds sterling",
    Unit.RANK: "Rank",
    Unit.YEARS: "Years",
}
MeasureOutputs = tuple[Any, bool, list, Any, bool, str, str | None]


def history_rows(view: PartnershipView, history: list[Result]) -> list[dict[str, Any]]:
    """Every result on the chart as a row, with its 95% interval where the counts allow."""
    names = {view.area.code: view.area.name} | {a.code: a.name for a in view.comparators}
    code = history[0].measure_code if history else ""
    item = next((m for m in view.partnership.measures if m.measure.code == code), None)
    unit = item.measure.unit if item else None
    rows = []
    for r in history:
        ci = interval_for(r.observation, unit) if unit else None
        rows.append(
            {
                "period": r.period,
                "area_name": names.get(r.area_code, r.area_code),
                "value": r.value,
                "ci_low": round(ci[0], 3) if ci else None,
                "ci_high": round(ci[1], 3) if ci else None,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "illustrative": "yes" if r.illustrative else "no",
                "note": r.note,
                "source": r.source,
            }
        )
    return rows


def _line(name: str, results: list[Result], labels: list[str], a: MeasureAssessment) -> charts.Line:
    unit = a.figures.item.measure.unit
    by_label = {r.period: r for r in results}
    values, low, high = [], [], []
    for label in labels:
        r = by_label.get(label)
        ci = interval_for(r.observation, unit) if r else None
        values.append(r.value if r else None)
        low.append(ci[0] if ci else None)
        high.append(ci[1] if ci else None)
    return charts.Line(name, labels, values, low, high)


def _target_line(a: MeasureAssessment, labels: list[str]) -> charts.Line | None:
    spec = a.figures.item.target
    baseline = a.figures.baseline
    if spec.rule is TargetRule.MATCH_BASELINE and baseline and baseline.value is not None:
        return charts.Line(
            f"Baseline to match ({baseline.period})", labels, [baseline.value] * len(labels)
        )
    if spec.rule is TargetRule.FIXED_TARGET and spec.target is not None and spec.target_period:
        start = baseline.period if baseline else spec.baseline_period
        start_value = baseline.value if baseline else None
        return charts.Line(
            f"Trajectory to {spec.target_period} goal",
            [start or "", spec.target_period],
            [start_value, spec.target],
        )
    return None


def history_chart(view: PartnershipView, a: MeasureAssessment, history: list[Result]) -> Component:
    measure = a.figures.item.measure
    own = [r for r in history if r.area_code == view.area.code]
    labels = [r.period for r in own] or sorted(
        {r.period for r in history},
        key=lambda p: next(h.period_end for h in history if h.period == p),
    )
    comparators = [
        _line(area.name, [r for r in history if r.area_code == area.code], labels, a)
        for area in view.comparators
        if any(r.area_code == area.code for r in history)
    ]
    own_line = _line(view.area.name, own, labels, a)
    fig = charts.history_figure(
        own_line, comparators, _target_line(a, labels), UNIT_WORDS[measure.unit]
    )
    latest = a.result.period if a.result else None
    beside = [
        (c.area.name, c.result.value) for c in a.comparators if c.result is not None and latest
    ]
    summary = history_summary(
        view.area.name, list(zip(labels, own_line.values, strict=True)), measure.unit, beside
    )
    rows = [
        [
            label,
            *[format_number(line.values[i], measure.unit) for line in (own_line, *comparators)],
        ]
        for i, label in enumerate(labels)
    ]
    columns = ["Period", view.area.name, *[c.name for c in comparators]]
    return charts.chart_figure(
        "measure-history-chart", fig, summary, columns, rows, f"{measure.title} by period"
    )


def _definition(a: MeasureAssessment) -> html.Section:
    measure = a.figures.item.measure
    facts = (
        ("Definition", measure.definition or "Not given"),
        ("Unit", UNIT_WORDS[measure.unit]),
        ("Polarity", POLARITY_WORDS[measure.polarity]),
        ("Rule", f"{RULE_WORDS[a.figures.item.target.rule]}: {a.target_text}"),
        ("Source", measure.source or "Not given"),
        ("Owner", measure.owner or "Not given"),
    )
    return html.Section(
        [
            html.H2("About this measure"),
            html.Dl([part for term, text in facts for part in (html.Dt(term), html.Dd(text))]),
        ],
        className="definition",
    )


def _commentary(slug: str, code: str, period: str | None) -> html.Section:
    notes = commentary(slug, code, period, current_audience())
    items = [
        html.Li(
            [
                html.H3(n.period, className="h6"),
                html.P(n.text),
                html.P(f"{n.author}, {format_date(n.created_at.date())}", className="byline"),
            ]
        )
        for n in notes
    ]
    return html.Section(
        [
            html.H2("Commentary"),
            html.Ul(items, className="commentary") if items else html.P("No commentary yet."),
        ]
    )


def _grid(rows: list[dict[str, Any]]) -> html.Section:
    return html.Section(
        [
            html.H2("The data"),
            dag.AgGrid(
                id=ids.MEASURE_GRID,
                rowData=[{k: neutralise(v) for k, v in row.items()} for row in rows],
                columnDefs=[{"field": c, "headerName": GRID_HEADERS[c]} for c in GRID_COLUMNS],
                defaultColDef={"sortable": True, "resizable": True, "filter": True},
                dashGridOptions={"domLayout": "autoHeight"},
                className="ag-theme-alpine",
            ),
        ]
    )


def _measure(slug: str, code: str, period: str | None) -> MeasureOutputs:
    audience = current_audience()
    view, figures, history = measure_history(slug, code, period or None, audience)
    a = assess(figures, view.point.end)
    measure = figures.item.measure
    value = format_value(a.result.value if a.result else None, measure.unit)
    illustrative = bool(a.result and a.result.illustrative)
    tags = [html.Span(tiles.ILLUSTRATIVE, className="tag tag-illustrative")] if illustrative else []
    header = [
        html.P(
            [
                dcc.Link(view.partnership.name, href=overview_href(slug, period)),
                " › ",
                dcc.Link(
                    f"Priority {figures.item.priority}",
                    href=priority_href(slug, figures.item.priority, period),
                ),
            ],
            className="breadcrumbs",
        ),
        html.H1(measure.title),
        *point_heading(view),
        html.Div(
            [
                html.P(
                    [
                        html.Span(value, className="tile-value"),
                        html.Span(
                            f"Result for {a.result.period}" if a.result else "No result",
                            className="period",
                        ),
                    ]
                ),
                tiles.rating_badge(a.rating.status, a.rating.label),
                html.P(a.rating.reason, className="reason"),
                html.P(["Target: ", a.target_text]),
                *tags,
            ],
            className="measure-summary",
        ),
    ]
    body = [
        html.Section([html.H2("History"), history_chart(view, a, history)]),
        _commentary(slug, code, period),
        _definition(a),
        _grid(history_rows(view, history)),
    ]
    options = point_options(reporting_points(slug, audience))
    return header, False, options, body, False, view.point.label, view.point.label


def show_measure(state: dict[str, str | None] | None) -> MeasureOutputs:
    state = state or {}
    try:
        return _measure(state.get("slug") or "", state.get("code") or "", state.get("period"))
    except NotVisible:
        return pages.not_found_panel(), True, [], None, True, "", None


def measure_csv(n_clicks: int | None, state: dict[str, str | None] | None) -> dict[str, Any]:
    """The history as CSV, formulas neutralised; nothing for an address this audience can't see."""
    if not n_clicks or not state:
        raise PreventUpdate
    slug, code = state.get("slug") or "", state.get("code") or ""
    try:
        view, _, history = measure_history(slug, code, state.get("period"), current_audience())
    except NotVisible as error:
        raise PreventUpdate from error
    text = to_csv(history_rows(view, history), GRID_COLUMNS)
    return {"content": text, "filename": f"{slug}-{code}-{view.point.label.replace('/', '-')}.csv"}


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
    new = measure_href(state.get("slug") or "", state.get("code") or "", period)
    return href_or_prevent(new, pathname, search)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.MEASURE_HEADER, "children"),
        Output(ids.MEASURE_CONTROLS, "hidden"),
        Output(ids.MEASURE_PERIOD_PICKER, "options"),
        Output(ids.MEASURE_BODY, "children"),
        Output(ids.MEASURE_DOWNLOAD_AREA, "hidden"),
        Output(ids.MEASURE_PERIOD_PICKER, "value"),
        Output(ids.MEASURE_SHOWN, "data"),
        Input(ids.MEASURE_STATE, "data"),
    )(show_measure)
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
