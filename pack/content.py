"""What the meeting pack says, as plain strings for its template and workbook: rendered from one
report (dashboard/report.py) and the results behind its charts, every word for a contract value
from dashboard/wording.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from dashboard import wording
from dashboard.chart_spec import HistoryChart, history_chart
from dashboard.formatting import format_date, format_value
from dashboard.markdown_text import to_html
from dashboard.model import ActionStatus, RatingStatus, Result, TargetRule, Unit
from dashboard.plans import ActionItem, FundedProject, TextBlock, action_steps, text_blocks
from dashboard.report import (
    AreaRef,
    ComparatorEntry,
    MeasureEntry,
    PartnershipReport,
    PriorityGroup,
)
from dashboard.summaries import history_summary, target_summary
from dashboard.trend import svg_data_uri
from layouts.chart_svg import history_svg, legend
from layouts.icons import Count, icon_data_uri, icon_svg, rating_counts
from layouts.priority_page import with_interval

NOT_USED = "—"
MIN_CHART_POINTS = 2
COMPARATOR_NOTE = (
    "Under each comparator's figure: whether {area} is significantly better than it, similar "
    "or significantly worse (95% intervals)."
)


@dataclass(frozen=True, slots=True)
class Rating:
    status: str
    label: str
    icon: Markup


@dataclass(frozen=True, slots=True)
class ComparatorCell:
    value: str
    comparison: str  # "" when there is no figure to compare


@dataclass(frozen=True, slots=True)
class MeasureRow:
    code: str
    title: str
    marks: tuple[str, ...]
    value: str
    period: str
    rating: Rating
    target: str
    comparators: tuple[ComparatorCell, ...]
    direction: str
    reason: str


@dataclass(frozen=True, slots=True)
class LegendEntry:
    name: str
    swatch: str  # its line and marker: an SVG data: URI, drawn as the entry's background


@dataclass(frozen=True, slots=True)
class Chart:
    """A measure's history: the SVG as a data: URI for an <img> (its alt text the summary),
    with the value axis's title and the legend as the page's text beside it."""

    title: str
    src: str
    summary: str
    unit: str
    legend: tuple[LegendEntry, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """One priority: its measures' table (landscape when comparators make it wide) and charts."""

    heading: str
    comparators: tuple[str, ...]
    rows: tuple[MeasureRow, ...]
    charts: tuple[Chart, ...]
    counts: tuple[Count, ...]


@dataclass(frozen=True, slots=True)
class Comment:
    measure: str
    period: str
    byline: str
    html: Markup


@dataclass(frozen=True, slots=True)
class ActionRow:
    objective: str
    status: Rating
    steps: tuple[tuple[tuple[TextBlock, ...], tuple[TextBlock, ...]], ...]


@dataclass(frozen=True, slots=True)
class ProjectRow:
    priority: str
    project: str
    theme: str
    amount: str
    amount_gbp: float
    period: str
    outcomes: tuple[TextBlock, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Methods:
    rules: tuple[tuple[str, str], ...]
    intervals: str
    significance: str
    points: str
    design_effect: str  # "" until the survey methods text exists
    surveys: tuple[tuple[str, str], ...]  # (measure, survey sentence)
    sources: tuple[tuple[str, str], ...]  # (source, the measures it gives figures for)
    illustrative: tuple[str, ...]  # each illustrative figure, named


@dataclass(frozen=True, slots=True)
class Pack:
    report: PartnershipReport
    title: str
    as_at: str
    standing: str  # on every page: the version and its date, or the members' mark
    marked: bool  # the standing is a warning (provisional, or changed since publication)
    counts: tuple[Count, ...]
    key: tuple[tuple[Rating, str], ...]
    illustrative_note: str
    sections: tuple[Section, ...]
    commentary: tuple[Comment, ...]
    actions: tuple[tuple[str, tuple[ActionRow, ...]], ...]  # by priority, in the plan's order
    projects: tuple[ProjectRow, ...]
    projects_total: str
    methods: Methods


def rating(status: RatingStatus, label: str) -> Rating:
    return Rating(str(status), label, icon_svg(wording.RATING_ICONS[status]))


def standing(report: PartnershipReport) -> tuple[str, bool]:
    """What every page says the pack is: "As published on 12 May 2019 (version 2)", or for a
    member's live view PROVISIONAL or CHANGED SINCE PUBLICATION (True: a warning)."""
    publication = report.publication
    if publication is None:
        return wording.PROVISIONAL.upper(), True
    if report.live and publication.changed_since:
        return f"{wording.CHANGED.upper()} (version {publication.version})", True
    on = format_date(publication.published_at.date())
    return f"As published on {on} (version {publication.version})", False


def marks(entry: MeasureEntry) -> tuple[str, ...]:
    """The marks a figure carries in this report (a report holds only its audience's marks)."""
    return tuple(words for _, words in wording.mark_sentences(entry))


def comparator_columns(report: PartnershipReport, entries: Sequence[MeasureEntry]) -> list[AreaRef]:
    """The comparator areas with a figure for some measure here: no column of "no figure"."""
    return [
        area
        for area in report.comparators
        if any(
            (c.figure is not None and c.figure.value is not None) or c.unavailable
            for e in entries
            for c in e.comparators
            if c.area.code == area.code
        )
    ]


def comparator_cell(c: ComparatorEntry | None, entry: MeasureEntry) -> ComparatorCell:
    if c is None:
        return ComparatorCell(NOT_USED, "")
    if c.figure is None or c.figure.value is None:
        return ComparatorCell(c.unavailable or "no figure", "")
    value = with_interval(c.figure, entry)
    if c.figure.illustrative:
        value += f" ({wording.ILLUSTRATIVE_SHORT.lower()})"
    return ComparatorCell(value, wording.COMPARISON_WORDS[c.comparison])


def direction(entry: MeasureEntry) -> str:
    previous = entry.previous
    return wording.direction_sentence(
        entry.direction,
        entry.figure.value if entry.figure else None,
        previous.period if previous else None,
        previous.value if previous else None,
        entry.unit,
        entry.decimals,
    )


def measure_row(entry: MeasureEntry, columns: Sequence[AreaRef]) -> MeasureRow:
    by_area = {c.area.code: c for c in entry.comparators}
    figure = entry.figure
    return MeasureRow(
        code=entry.code,
        title=entry.title,
        marks=marks(entry),
        value=entry.rating.reason if entry.suppressed else with_interval(figure, entry),
        period=figure.period if figure else NOT_USED,
        rating=rating(entry.rating.status, entry.rating.label),
        target=entry.target.text,
        comparators=tuple(comparator_cell(by_area.get(a.code), entry) for a in columns),
        direction=direction(entry),
        reason=entry.rating.reason,
    )


def chart_summary(entry: MeasureEntry, chart: HistoryChart) -> str:
    """The chart in words (its text alternative), as the measure page says it."""
    series = [(p.period, p.value) for p in chart.own.points]
    beside = [
        (c.area.name, c.figure.value)
        for c in entry.comparators
        if c.figure is not None and c.figure.value is not None
    ]
    summary = history_summary(entry.area.name, series, entry.unit, beside, entry.decimals)
    if chart.target is not None:
        summary += " " + target_summary(chart)
    return summary


def measure_chart(entry: MeasureEntry, history: Sequence[Result]) -> Chart | None:
    """The measure's history as SVG; None with fewer than two figures of its own to draw (the
    table already gives a lone figure, and a chart of one point says nothing more)."""
    chart = history_chart(entry, history)
    if sum(p.value is not None for p in chart.own.points) < MIN_CHART_POINTS:
        return None
    summary = chart_summary(entry, chart)
    return Chart(
        title=entry.title,
        src=svg_data_uri(history_svg(chart, summary)),
        summary=summary,
        unit=wording.UNIT_WORDS[chart.unit],
        legend=tuple(LegendEntry(name, svg_data_uri(swatch)) for name, swatch in legend(chart)),
    )


def counts(report: PartnershipReport, priority: int | None = None) -> tuple[Count, ...]:
    return rating_counts(report, priority)


def heading(group: PriorityGroup) -> str:
    return group.title if group.number is None else f"{group.number}. {group.title}"


def section(
    report: PartnershipReport,
    group: PriorityGroup,
    entries: Sequence[MeasureEntry],
    histories: Mapping[str, Sequence[Result]],
) -> Section:
    columns = comparator_columns(report, entries)
    charts = (measure_chart(e, histories.get(e.code, ())) for e in entries)
    return Section(
        heading=heading(group),
        comparators=tuple(a.name for a in columns),
        rows=tuple(measure_row(e, columns) for e in entries),
        charts=tuple(c for c in charts if c is not None),
        counts=counts(report, group.number) if group.number is not None else (),
    )


def comments(report: PartnershipReport) -> tuple[Comment, ...]:
    """Each measure's commentary, in the report's measure order, rendered safely."""
    found = []
    for entry in report.entries():
        for c in report.commentary_for(entry.code):
            found.append(
                Comment(
                    entry.title, c.period, _byline(c.author, c.created_at), Markup(to_html(c.text))
                )
            )
    return tuple(found)


def _byline(author: str, at: datetime) -> str:
    return f"{author}, {format_date(at.date())}" if author else format_date(at.date())


def _priority_names(report: PartnershipReport) -> dict[int | None, str]:
    return {g.number: heading(g) for g in report.groups}


def action_rows(report: PartnershipReport) -> tuple[tuple[str, tuple[ActionRow, ...]], ...]:
    """The action plan under each priority's heading, items in the plan's order."""
    found: dict[str, list[ActionRow]] = {}
    names = _priority_names(report)
    for a in report.actions:
        steps = tuple((s.update, s.actions) for s in action_steps(a.update, a.actions))
        row = ActionRow(a.objective, _action_status(a), steps)
        found.setdefault(names.get(a.priority, f"Priority {a.priority}"), []).append(row)
    return tuple((name, tuple(rows)) for name, rows in found.items())


def _action_status(item: ActionItem) -> Rating:
    return Rating(
        str(item.status),
        wording.action_status_label(item.status),
        icon_svg(wording.ACTION_STATUS_ICONS[item.status]),
    )


def project_rows(report: PartnershipReport) -> tuple[ProjectRow, ...]:
    names = _priority_names(report)
    return tuple(_project(p, names) for p in report.projects)


def _project(p: FundedProject, names: Mapping[int | None, str]) -> ProjectRow:
    return ProjectRow(
        priority=names.get(p.priority, "") if p.priority is not None else "",
        project=p.project,
        theme=p.theme,
        amount=format_value(p.amount_gbp, Unit.CURRENCY_GBP),
        amount_gbp=p.amount_gbp,
        period=p.period,
        outcomes=text_blocks(p.outcomes),
        source=p.source,
    )


def sources(report: PartnershipReport) -> tuple[tuple[str, str], ...]:
    """Every source the pack's figures come from, with the measures it gives figures for."""
    found: dict[str, list[str]] = {}
    for entry in report.entries():
        named = [entry.measure_source, entry.figure.source if entry.figure else ""]
        named += [c.figure.source for c in entry.comparators if c.figure is not None]
        for source in named:
            if source and entry.title not in found.setdefault(source, []):
                found[source].append(entry.title)
    return tuple((source, "; ".join(titles)) for source, titles in found.items())


def illustrative_figures(report: PartnershipReport) -> tuple[str, ...]:
    """Each illustrative figure in the pack, named by measure, area and period."""
    found = []
    for entry in report.entries():
        figures = [(entry.area.name, entry.figure)]
        figures += [(c.area.name, c.figure) for c in entry.comparators]
        found += [
            f"{entry.title}: {area} {figure.period}"
            for area, figure in figures
            if figure is not None and figure.illustrative and figure.value is not None
        ]
    return tuple(found)


def survey_sentences(report: PartnershipReport) -> tuple[tuple[str, str], ...]:
    """Each survey measure's effective sample size in words, where the survey wording exists."""
    sentence: Callable[..., str] | None = getattr(wording, "survey_sentence", None)
    if sentence is None:
        return ()
    return tuple(
        (e.title, sentence(e.design_effect, e.figure.denominator))
        for e in report.entries()
        if e.design_effect is not None and e.figure is not None and e.figure.denominator
    )


def methods(report: PartnershipReport) -> Methods:
    rules = {e.rule for e in report.entries()}
    return Methods(
        rules=tuple((wording.RULE_WORDS[r], wording.RULE_KEY[r]) for r in TargetRule if r in rules),
        intervals=wording.INTERVALS_METHOD,
        significance=f"{wording.SIGNIFICANCE_METHOD} {wording.SIGNIFICANTLY}",
        points=wording.POINTS_METHOD,
        design_effect=wording.DESIGN_EFFECT_METHOD,
        surveys=survey_sentences(report),
        sources=sources(report),
        illustrative=illustrative_figures(report),
    )


def pack(report: PartnershipReport, histories: Mapping[str, Sequence[Result]]) -> Pack:
    """The whole pack from one report and the results behind each measure's chart."""
    words, marked = standing(report)
    projects = project_rows(report)
    any_illustrative = bool(illustrative_figures(report))
    return Pack(
        report=report,
        title=f"{report.name}: performance report as at {report.point.label}",
        as_at=format_date(report.point.end),
        standing=words,
        marked=marked,
        counts=counts(report),
        key=tuple((rating(s, wording.COUNT_LABELS[s]), meaning) for s, meaning in wording.KEY),
        illustrative_note=wording.ILLUSTRATIVE_NOTE if any_illustrative else "",
        sections=tuple(section(report, g, es, histories) for g, es in report.grouped()),
        commentary=comments(report),
        actions=action_rows(report),
        projects=projects,
        projects_total=format_value(sum(p.amount_gbp for p in projects), Unit.CURRENCY_GBP),
        methods=methods(report),
    )


# The PDF's icons are backgrounds of empty spans (artifacts, not untagged figures), each in the
# colour of the words beside it (assets/10_dashboard.css's badges, static/pack.css's statuses)
_RATING_ICON_COLOURS = {
    RatingStatus.GREEN: "#fff",
    RatingStatus.RED: "#fff",
    RatingStatus.AMBER: "#212b32",
    RatingStatus.NONE: "#425563",
    RatingStatus.NO_DATA: "#425563",
}
_ACTION_ICON_COLOURS = {
    ActionStatus.ACHIEVED: "#007f3b",
    ActionStatus.IN_PROGRESS: "#0b4f8a",
    ActionStatus.NOT_STARTED: "#425563",
}


def pdf_icon_css() -> str:
    """One rule per icon and colour, for the PDF's icon slots."""
    slots = [
        *((f"rating-{s}", wording.RATING_ICONS[s], c) for s, c in _RATING_ICON_COLOURS.items()),
        *(
            (f"action-{s}", wording.ACTION_STATUS_ICONS[s], c)
            for s, c in _ACTION_ICON_COLOURS.items()
        ),
    ]
    return "\n".join(
        f'.pack-pdf .{holder} > .icon-slot {{ background-image: url("{icon_data_uri(icon, c)}"); }}'
        for holder, icon, c in slots
    )
