"""Overview pieces: rating badges, measure tiles grouped by priority, the counts and the key.

Every tile renders one `MeasureEntry` of the report; the words come from dashboard/wording.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.formatting import format_date, format_value
from dashboard.model import RatingStatus
from dashboard.report import MeasureEntry, PriorityGroup
from dashboard.summaries import trend_description
from dashboard.trend import svg_data_uri, trend_svg
from dashboard.wording import (
    COUNT_LABELS,
    DIRECTION_WORDS,
    ILLUSTRATIVE,
    KEY,
    NOT_PUBLIC,
    PROVISIONAL,
    RATING_ICONS,
    SIGNIFICANTLY,
    STATUS_LABELS,
    WITHHELD,
    changed_sentence,
    direction_sentence,
    revised_sentence,
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


def rating_key() -> html.Section:
    return html.Section(
        [
            html.H2("Key", className="h6"),
            html.Ul(
                [
                    html.Li([rating_badge(status, COUNT_LABELS[status]), " ", text])
                    for status, text in KEY
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
    """The marks on one figure (PRODUCT.md section 2): provisional, changed since publication
    and the other members-only marks, revised, illustrative. A report carries only the marks
    its audience may see, so none is filtered here."""
    found: list[Component] = []
    if provisional:
        found.append(tag(PROVISIONAL, "provisional"))
    if entry.changed is not None:
        changed = entry.changed
        sentence = changed_sentence(changed.published_value, entry.unit, changed.published_rating)
        found.append(tag(sentence, "changed"))
    if entry.revised is not None:
        revised = entry.revised
        sentence = revised_sentence(
            revised.was,
            entry.unit,
            STATUS_LABELS[revised.was_rating],
            revised.version,
            format_date(revised.published_at.date()),
        )
        found.append(tag(sentence, "revised"))
    if entry.illustrative:
        found.append(tag(ILLUSTRATIVE, "illustrative"))
    if not entry.public:
        found.append(tag(NOT_PUBLIC, "not-public"))
    if entry.withheld_from_public:
        found.append(tag(WITHHELD, "withheld"))
    return found


def figure_line(entry: MeasureEntry, reason: bool = True) -> list[Component]:
    """The value with its period; a withheld figure says why (unless the page says the rating's
    reason beside it anyway)."""
    figure = entry.figure
    value = format_value(figure.value if figure else None, entry.unit)
    period = f"Result for {figure.period}" if figure else "No result"
    line: list[Component] = [
        html.Span(value, className="tile-value"),
        html.Span(period, className="period"),
    ]
    if entry.suppressed and reason:
        line.append(html.Span(entry.rating.reason, className="withheld-reason"))
    return line


def direction_line(entry: MeasureEntry) -> html.P:
    icon_name = DIRECTION_WORDS[entry.direction][1]
    previous = entry.previous
    words = direction_sentence(
        entry.direction,
        entry.figure.value if entry.figure else None,
        previous.period if previous else None,
        previous.value if previous else None,
        entry.unit,
    )
    return html.P(
        [icon(icon_name) if icon_name else None, words],
        className=f"tile-direction {entry.direction}",
    )


def trend_image(entry: MeasureEntry) -> html.Img:
    series = [(p.period, p.value) for p in entry.trend]
    alt = trend_description(entry.title, series, entry.unit)
    return html.Img(
        src=svg_data_uri(trend_svg([v for _, v in series], alt)),
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
            html.P(["Target: ", entry.target.text], className="tile-target"),
            direction_line(entry),
            trend_image(entry),
            html.Div(marks(entry, provisional), className="tile-tags"),
            html.P(["Why: ", rating.reason], className="tile-reason"),
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
