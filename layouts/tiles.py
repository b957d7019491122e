"""Overview pieces: rating badges, measure tiles grouped by priority, the counts and the key.

Every tile renders one `MeasureEntry` of the report; the words come from dashboard/wording.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.formatting import format_value
from dashboard.model import RatingStatus, TargetRule
from dashboard.report import MeasureEntry, PriorityGroup
from dashboard.summaries import trend_description
from dashboard.trend import svg_data_uri, trend_svg
from dashboard.wording import (
    COUNT_LABELS,
    KEY,
    MOVEMENT_ICONS,
    PROVISIONAL,
    RATING_ICONS,
    RULE_KEY,
    RULE_WORDS,
    SIGNIFICANTLY,
    direction_sentence,
    mark_sentences,
    movement,
)


def icon(name: str) -> html.Span:
    """A bootstrap-icons shape drawn in the text colour; hidden from screen readers."""
    return html.Span(className=f"icon icon-{name}", **{"aria-hidden": "true"})


def rating_badge(status: RatingStatus, label: str) -> html.Span:
    return html.Span(
        [icon(RATING_ICONS[status]), html.Span(label)],
        className=f"rating rating-{status}",
    )


def rating_counts(counts: Mapping[RatingStatus, int]) -> html.Ul:
    """How many tiles carry each rating, in the order of the key (a report's `counts()`)."""
    return html.Ul(
        [
            html.Li(
                [
                    icon(RATING_ICONS[status]),
                    html.Span(str(counts.get(status, 0)), className="count-number"),
                    html.Span(label, className="count-label"),
                ],
                className=f"count count-{status}",
            )
            for status, label in COUNT_LABELS.items()
        ],
        className="rating-counts",
        **{"aria-label": "Ratings at this point"},
    )


def rating_key(rules: Iterable[TargetRule]) -> html.Section:
    """What the ratings mean: how each rule the view's tiles use decides on target, close and
    off target (only those rules), then the two ratings every rule can give."""
    used = set(rules)
    judged = [r for r in TargetRule if r in used and r is not TargetRule.NONE]
    unrated = [(s, text) for s, text in KEY if s in (RatingStatus.NONE, RatingStatus.NO_DATA)]
    rated = [s for s in COUNT_LABELS if s not in dict(unrated)]
    return html.Section(
        [
            html.H2("Key", className="h6"),
            html.P(
                [*[rating_badge(s, COUNT_LABELS[s]) for s in rated], " depend on the rule:"],
                className="key-badges",
            )
            if judged
            else None,
            html.Dl(
                [html.Div([html.Dt(RULE_WORDS[r]), html.Dd(RULE_KEY[r])]) for r in judged],
                className="key-rules",
            )
            if judged
            else None,
            html.Ul(
                [
                    html.Li([rating_badge(status, COUNT_LABELS[status]), " ", text])
                    for status, text in unrated
                ],
                className="key-list",
            ),
            html.P(SIGNIFICANTLY, className="key-note"),
        ],
        className="rating-key",
        **{"aria-label": "What the ratings mean"},
    )


def tag(words: str, kind: str) -> html.Span:
    return html.Span(words, className=f"tag tag-{kind}")


def marks(entry: MeasureEntry, provisional: bool = False) -> list[Component]:
    """The marks on one figure (PRODUCT.md section 2): provisional, then the report's own
    (wording.mark_sentences: changed since publication, revised, illustrative, members' marks)."""
    found: list[Component] = [tag(PROVISIONAL, "provisional")] if provisional else []
    return found + [tag(words, kind) for kind, words in mark_sentences(entry)]


def figure_line(entry: MeasureEntry) -> list[Component]:
    """The value, to the measure's places, with its period (a withheld figure reads "no figure";
    the rating's reason beside it says why)."""
    figure = entry.figure
    value = format_value(figure.value if figure else None, entry.unit, entry.decimals)
    period = f"Result for {figure.period}" if figure else "No result"
    return [html.Span(value, className="tile-value"), html.Span(period, className="period")]


def direction_line(entry: MeasureEntry) -> html.P:
    """Direction of travel: the judgement in words, and an arrow that shows which way the value
    moved (up for a rising rate, whether that is better or worse), never a colour."""
    previous = entry.previous
    value = entry.figure.value if entry.figure else None
    before = previous.value if previous else None
    words = direction_sentence(
        entry.direction,
        value,
        previous.period if previous else None,
        before,
        entry.unit,
        entry.decimals,
    )
    moved = movement(value, before) if previous else None
    return html.P(
        [icon(MOVEMENT_ICONS[moved]) if moved else None, words],
        className=f"tile-direction moved-{moved or 'unknown'}",
    )


def trend_image(entry: MeasureEntry) -> html.Img:
    series = [(p.period, p.value) for p in entry.trend]
    alt = trend_description(entry.title, series, entry.unit, entry.decimals)
    svg = trend_svg([v for _, v in series], alt, at=[p.end for p in entry.trend])
    return html.Img(
        src=svg_data_uri(svg),
        alt=alt,
        className="tile-trend",
        width=120,
        height=32,
    )


def measure_tile(entry: MeasureEntry, href: str, provisional: bool = False) -> html.Article:
    """One measure as at the point: value, rating, target, direction, trend, marks; opens the
    measure."""
    rating = entry.rating
    return html.Article(
        [
            html.H3(
                dcc.Link(entry.title, href=href, className="tile-link stretched-link"),
                className="tile-title",
            ),
            html.P(figure_line(entry), className="tile-figure"),
            rating_badge(rating.status, rating.label),
            html.P(rating.reason, className="tile-reason"),
            html.P(["Target: ", entry.target.text], className="tile-target"),
            direction_line(entry),
            trend_image(entry),
            html.Div(marks(entry, provisional), className="tile-tags"),
        ],
        className=f"tile tile-{rating.status}",
    )


def priority_sections(
    groups: Sequence[tuple[PriorityGroup, Sequence[html.Article]]],
    priority_href: Mapping[int, str],
) -> list[html.Section]:
    """Tiles under each priority's heading in the partnership's order, then other measures."""
    return [
        html.Section(
            [
                html.Div(
                    _group_heading(group, priority_href.get(group.number or 0)),
                    className="priority-heading",
                ),
                html.Div(list(found), className="tile-grid"),
            ],
            className="priority-section",
        )
        for group, found in groups
        if found
    ]


def _group_heading(group: PriorityGroup, href: str | None) -> list[Component]:
    if group.number is None:
        return [html.H2(group.title, className="h4")]
    return [
        html.H2(f"{group.number}. {group.title}", className="h4"),
        dcc.Link(f"Priority {group.number} in detail", href=href or "", className="priority-link"),
    ]
