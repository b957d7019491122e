"""The measure page rendered from one report entry and the history behind it: headline, the
history chart with comparators, interval band and target; commentary by period; the
definition; the data as a grid (and the same rows as CSV)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_ag_grid as dag
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.exports import neutralise
from dashboard.formatting import format_date, format_number
from dashboard.intervals import interval_for
from dashboard.model import Result, TargetRule
from dashboard.report import CommentEntry, MeasureEntry, PartnershipReport
from dashboard.summaries import history_summary
from dashboard.wording import POLARITY_WORDS, RULE_WORDS, UNIT_WORDS
from layouts import charts, ids, tiles
from layouts.headings import illustrative_note, point_heading
from layouts.links import PageLinks

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


def _area_names(entry: MeasureEntry) -> dict[str, str]:
    return {entry.area.code: entry.area.name} | {
        c.area.code: c.area.name for c in entry.comparators
    }


def history_rows(entry: MeasureEntry, history: Sequence[Result]) -> list[dict[str, Any]]:
    """Every result on the chart as a row, with its 95% interval where the counts allow."""
    names = _area_names(entry)
    rows = []
    for r in history:
        ci = interval_for(r.observation, entry.unit)
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


def _line(
    name: str, results: Sequence[Result], labels: list[str], entry: MeasureEntry
) -> charts.Line:
    by_label = {r.period: r for r in results}
    values, low, high = [], [], []
    for label in labels:
        r = by_label.get(label)
        ci = interval_for(r.observation, entry.unit) if r else None
        values.append(r.value if r else None)
        low.append(ci[0] if ci else None)
        high.append(ci[1] if ci else None)
    return charts.Line(name, labels, values, low, high)


def _target_line(entry: MeasureEntry, labels: list[str]) -> charts.Line | None:
    target = entry.target
    if target.rule is TargetRule.MATCH_BASELINE and target.baseline_value is not None:
        return charts.Line(
            f"Baseline to match ({target.baseline_period})",
            labels,
            [target.baseline_value] * len(labels),
        )
    if (
        target.rule is TargetRule.FIXED_TARGET
        and target.target is not None
        and target.target_period
    ):
        return charts.Line(
            f"Trajectory to {target.target_period} goal",
            [target.baseline_period or "", target.target_period],
            [target.baseline_value, target.target],
        )
    return None


def history_chart(entry: MeasureEntry, history: Sequence[Result]) -> Component:
    own = [r for r in history if r.area_code == entry.area.code]
    labels = [r.period for r in own] or list(dict.fromkeys(r.period for r in history))
    comparators = [
        _line(c.area.name, [r for r in history if r.area_code == c.area.code], labels, entry)
        for c in entry.comparators
        if any(r.area_code == c.area.code for r in history)
    ]
    own_line = _line(entry.area.name, own, labels, entry)
    fig = charts.history_figure(
        own_line, comparators, _target_line(entry, labels), UNIT_WORDS[entry.unit]
    )
    beside = [(c.area.name, c.figure.value) for c in entry.comparators if c.figure is not None]
    summary = history_summary(
        entry.area.name, list(zip(labels, own_line.values, strict=True)), entry.unit, beside
    )
    rows = [
        [label, *[format_number(line.values[i], entry.unit) for line in (own_line, *comparators)]]
        for i, label in enumerate(labels)
    ]
    columns = ["Period", entry.area.name, *[c.name for c in comparators]]
    return charts.chart_figure(
        "measure-history-chart", fig, summary, columns, rows, f"{entry.title} by period"
    )


def definition(entry: MeasureEntry) -> html.Section:
    facts = [
        ("Definition", entry.definition or "Not given"),
        ("Unit", UNIT_WORDS[entry.unit]),
        ("Polarity", POLARITY_WORDS[entry.polarity]),
        ("Rule", f"{RULE_WORDS[entry.rule]}: {entry.target.text}"),
        ("Source", entry.measure_source or "Not given"),
        ("Owner", entry.owner or "Not given"),
    ]
    if entry.design_effect is not None:
        facts.append(
            (
                "Survey design",
                f"Design effect {entry.design_effect:g}: intervals and tests use the effective "
                "base, the number of respondents divided by the design effect.",
            )
        )
    if entry.suppress_below is not None:
        facts.append(
            (
                "Disclosure control",
                f"Public outputs withhold figures from fewer than {entry.suppress_below} cases, "
                "to protect the people involved.",
            )
        )
    return html.Section(
        [
            html.H2("About this measure"),
            html.Dl([part for term, text in facts for part in (html.Dt(term), html.Dd(text))]),
        ],
        className="definition",
    )


def commentary(notes: Sequence[CommentEntry]) -> html.Section:
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


def grid(rows: Sequence[dict[str, Any]]) -> html.Section:
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


def header(report: PartnershipReport, entry: MeasureEntry, links: PageLinks) -> list[Component]:
    summary = [
        html.P(tiles.figure_line(entry, reason=False)),
        tiles.rating_badge(entry.rating.status, entry.rating.label),
        html.P(entry.rating.reason, className="reason"),
        html.P(["Target: ", entry.target.text]),
        tiles.direction_line(entry),
        *tiles.marks(entry),
    ]
    return [
        html.P(
            [
                dcc.Link(report.name, href=links.overview()),
                " › ",
                dcc.Link(f"Priority {entry.priority}", href=links.priority(entry.priority)),
            ],
            className="breadcrumbs",
        ),
        html.H1(entry.title),
        *point_heading(report, links.version is not None),
        *illustrative_note(entry.illustrative),
        html.Div(summary, className="measure-summary"),
    ]


def body(report: PartnershipReport, entry: MeasureEntry, history: Sequence[Result]) -> list:
    return [
        html.Section([html.H2("History"), history_chart(entry, history)]),
        commentary(report.commentary_for(entry.code)),
        definition(entry),
        grid(history_rows(entry, history)),
    ]


def csv_name(report: PartnershipReport, code: str, version: int | None) -> str:
    label = report.point.label.replace("/", "-").replace(" ", "-")
    suffix = f"-version-{version}" if version is not None else ""
    return f"{report.slug}-{code}-{label}{suffix}.csv"
