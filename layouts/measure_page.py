"""The measure page rendered from one report entry and the history behind it: headline, the
history chart with comparators, interval band and target; commentary by period; the
definition; the data as a grid (and the same rows as CSV)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_ag_grid as dag
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import chart_spec
from dashboard.chart_spec import HistoryChart
from dashboard.exports import neutralise
from dashboard.formatting import format_date, format_figure, format_number
from dashboard.intervals import interval_for
from dashboard.model import Result, Unit
from dashboard.report import CommentEntry, MeasureEntry, PartnershipReport
from dashboard.summaries import history_summary, target_summary
from dashboard.wording import (
    DESIGN_EFFECT_METHOD,
    ILLUSTRATIVE,
    POLARITY_WORDS,
    RULE_WORDS,
    UNIT_WORDS,
    survey_sentence,
)
from layouts import charts, ids, tiles
from layouts.headings import illustrative_note, point_heading
from layouts.links import PageLinks
from layouts.rich_text import markdown_components
from layouts.tables import Cell

GRID_COLUMNS = (
    "period",
    "area_name",
    "value",
    "ci_low",
    "ci_high",
    "numerator",
    "denominator",
    "design_effect",
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
    "design_effect": "Design effect",
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
                "design_effect": r.design_effect,
                "illustrative": "yes" if r.illustrative else "no",
                "note": r.note,
                "source": r.source,
            }
        )
    return rows


def _cell(value: float | None, chart: HistoryChart) -> str:
    return "" if value is None else format_figure(value, chart.unit, chart.decimals)


def chart_rows(chart: HistoryChart) -> tuple[list[str], list[list[Cell]]]:
    """The chart's figures as a table: a row per period (by end date), a column per area, and
    the target line's value at each period it spans."""
    by_area = [{p.period: p for p in s.points} for s in chart.series]
    columns = ["Period", "Ends", *[s.name for s in chart.series]]
    if chart.target is not None:
        columns.append(chart.target.name)
    rows: list[list[Cell]] = []
    for period, end in chart.periods():
        row: list[Cell] = [period, format_date(end)]
        for points in by_area:
            point = points.get(period)
            cell = _cell(point.value if point else None, chart)
            marked = cell and point is not None and point.illustrative
            row.append([cell, " ", tiles.tag(ILLUSTRATIVE, "illustrative")] if marked else cell)
        if chart.target is not None:
            row.append(_cell(chart.target.value_at(end), chart))
        rows.append(row)
    return columns, rows


def history_chart(entry: MeasureEntry, history: Sequence[Result]) -> Component:
    chart = chart_spec.history_chart(entry, history)
    series = [(p.period, p.value) for p in chart.own.points]
    beside = [(c.area.name, c.figure.value) for c in entry.comparators if c.figure is not None]
    summary = history_summary(entry.area.name, series, entry.unit, beside, entry.decimals)
    if chart.target is not None:
        summary += " " + target_summary(chart)
    columns, rows = chart_rows(chart)
    caption = f"{entry.title} by period ({UNIT_WORDS[entry.unit].lower()})"
    return charts.chart_figure(
        "measure-history-chart", charts.history_figure(chart), summary, columns, rows, caption
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
        facts.append(("Survey design", DESIGN_EFFECT_METHOD))
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
                # Markdown rendered without raw HTML and sanitised, as Manage and the pack show it
                html.Div(markdown_components(n.text), className="commentary-text"),
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


NUMBER_COLUMNS = ("value", "ci_low", "ci_high", "numerator", "denominator", "design_effect")
SHOWN = "_shown"  # suffix of the text a number column displays


def _shown(entry: MeasureEntry, column: str, value: Any) -> str:
    """A grid number as every other table shows it: the measure's places (counts whole), with
    thousands separators, £ and %."""
    if not isinstance(value, int | float):
        return ""
    if column in ("numerator", "denominator"):
        return format_number(value, Unit.COUNT)
    if column == "design_effect":
        return f"{value:g}"
    return format_figure(value, entry.unit, entry.decimals)


def _column(column: str) -> dict[str, Any]:
    definition: dict[str, Any] = {"field": column, "headerName": GRID_HEADERS[column]}
    if column in NUMBER_COLUMNS:
        # The cell keeps the number (it sorts and filters as one) and shows the text made here
        definition |= {
            "valueFormatter": {"function": f"params.data.{column}{SHOWN}"},
            "filter": "agNumberColumnFilter",
            "type": "rightAligned",
        }
    return definition


def grid(entry: MeasureEntry, rows: Sequence[dict[str, Any]]) -> html.Section:
    data = [
        {k: neutralise(v) for k, v in row.items()}
        | {f"{c}{SHOWN}": _shown(entry, c, row[c]) for c in NUMBER_COLUMNS}
        for row in rows
    ]
    return html.Section(
        [
            html.H2("The data"),
            dag.AgGrid(
                id=ids.MEASURE_GRID,
                rowData=data,
                columnDefs=[_column(c) for c in GRID_COLUMNS],
                defaultColDef={"sortable": True, "resizable": True, "filter": True},
                dashGridOptions={"domLayout": "autoHeight"},
                className="ag-theme-alpine",
            ),
        ]
    )


def survey_line(entry: MeasureEntry) -> str | None:
    """The survey sentence for a weighted survey percentage ("Weighted survey result; effective
    sample size 512 of 1,024 asked (design effect 2.0)"); None for any other figure."""
    figure = entry.figure
    if entry.design_effect is None or figure is None or not figure.denominator:
        return None
    sentence = survey_sentence(entry.design_effect, figure.denominator)
    return sentence[0].upper() + sentence[1:]


def header(report: PartnershipReport, entry: MeasureEntry, links: PageLinks) -> list[Component]:
    survey = survey_line(entry)
    summary = [
        html.P(tiles.figure_line(entry)),
        *([html.P(survey, className="survey-design")] if survey else []),
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
        grid(entry, history_rows(entry, history)),
    ]


def csv_name(report: PartnershipReport, code: str, version: int | None) -> str:
    label = report.point.label.replace("/", "-").replace(" ", "-")
    suffix = f"-version-{version}" if version is not None else ""
    return f"{report.slug}-{code}-{label}{suffix}.csv"
