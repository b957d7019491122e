"""Overview pieces: rating badges, measure tiles grouped by priority, the counts and the key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.assessment import MeasureAssessment
from dashboard.formatting import format_value
from dashboard.model import Direction, Priority, RatingStatus
from dashboard.summaries import Point, trend_description
from dashboard.trend import svg_data_uri, trend_svg

# One icon shape per rating, so a rating never rests on colour alone (STYLE.md section 9).
RATING_ICONS: dict[RatingStatus, str] = {
    RatingStatus.GREEN: "check-circle-fill",
    RatingStatus.AMBER: "exclamation-triangle-fill",
    RatingStatus.RED: "x-octagon-fill",
    RatingStatus.NONE: "dash-circle",
    RatingStatus.NO_DATA: "question-circle",
}

COUNT_LABELS: dict[RatingStatus, str] = {
    RatingStatus.GREEN: "On target",
    RatingStatus.AMBER: "Close",
    RatingStatus.RED: "Off target",
    RatingStatus.NONE: "Not rated",
    RatingStatus.NO_DATA: "No data",
}

DIRECTION_WORDS: dict[Direction, tuple[str, str | None]] = {
    Direction.IMPROVING: ("Improving on a year earlier", "arrow-up-right"),
    Direction.WORSENING: ("Worsening on a year earlier", "arrow-down-right"),
    Direction.NO_CHANGE: ("No significant change on a year earlier", "arrow-right"),
    Direction.NOT_COMPARED: ("No figure a year earlier to compare", None),
}

KEY = (
    (RatingStatus.GREEN, "the target is met."),
    (RatingStatus.AMBER, "partly met, or worse than the target but not significantly."),
    (RatingStatus.RED, "the target is not met."),
    (RatingStatus.NONE, "monitoring only, or the result is the baseline the target is set from."),
    (RatingStatus.NO_DATA, "no recent result, or a figure the rule needs is missing."),
)
SIGNIFICANTLY = (
    "“Significantly” means the difference is bigger than chance alone would explain, judged "
    "with 95% confidence intervals."
)
PROVISIONAL = "Provisional — not yet published"
ILLUSTRATIVE = "Illustrative sample data"


def icon(name: str) -> html.Span:
    """A bootstrap-icons shape drawn in the text colour; hidden from screen readers."""
    return html.Span(className=f"icon icon-{name}", **{"aria-hidden": "true"})


def rating_badge(status: RatingStatus, label: str) -> html.Span:
    return html.Span(
        [icon(RATING_ICONS[status]), html.Span(label)],
        className=f"rating rating-{status}",
    )


def rating_counts(statuses: Sequence[RatingStatus]) -> html.Div:
    """How many tiles carry each rating, in the order of the key."""
    counted = Counter(statuses)
    return html.Ul(
        [
            html.Li(
                [
                    icon(RATING_ICONS[status]),
                    html.Span(str(counted.get(status, 0)), className="count-number"),
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


def _direction(direction: Direction) -> html.P:
    words, icon_name = DIRECTION_WORDS[direction]
    return html.P(
        [icon(icon_name) if icon_name else None, words], className=f"tile-direction {direction}"
    )


def trend_image(title: str, series: Sequence[Point], a: MeasureAssessment) -> html.Img:
    alt = trend_description(title, series, a.figures.item.measure.unit)
    return html.Img(
        src=svg_data_uri(trend_svg([v for _, v in series], alt)),
        alt=alt,
        className="tile-trend",
        width=120,
        height=32,
    )


@dataclass(frozen=True, slots=True)
class TileContext:
    """What a tile needs beyond the assessment: where it links and how the point stands."""

    href: str
    provisional: bool
    trend: Sequence[Point] = ()


def _tags(a: MeasureAssessment, context: TileContext) -> list[Component]:
    tags: list[Component] = []
    if context.provisional:
        tags.append(html.Span(PROVISIONAL, className="tag tag-provisional"))
    if a.result is not None and a.result.illustrative:
        tags.append(html.Span(ILLUSTRATIVE, className="tag tag-illustrative"))
    if a.figures.revised_since_publication:
        tags.append(html.Span("Revised since publication", className="tag tag-revised"))
    return tags


def measure_tile(a: MeasureAssessment, context: TileContext) -> html.Article:
    """One measure as at the point: value, rating, target, direction, trend; opens the measure."""
    measure = a.figures.item.measure
    rating = a.rating
    value = format_value(a.result.value if a.result else None, measure.unit)
    period = f"Result for {a.result.period}" if a.result else "No result"
    return html.Article(
        [
            html.H3(
                dcc.Link(measure.title, href=context.href, className="tile-link stretched-link"),
                className="tile-title",
            ),
            html.P(
                [html.Span(value, className="tile-value"), html.Span(period, className="period")],
                className="tile-figure",
            ),
            rating_badge(rating.status, rating.label),
            html.P(["Target: ", a.target_text], className="tile-target"),
            _direction(a.direction),
            trend_image(measure.title, context.trend, a),
            html.Div(_tags(a, context), className="tile-tags"),
            html.P(["Why: ", rating.reason], className="tile-reason"),
        ],
        className=f"tile tile-{rating.status}",
    )


def priority_sections(
    priorities: Sequence[Priority],
    tiles: Mapping[int, Sequence[html.Article]],
    priority_href: Mapping[int, str],
) -> list[html.Section]:
    """Tiles grouped under each priority's heading, in the partnership's order."""
    return [
        html.Section(
            [
                html.Div(
                    [
                        html.H2(f"{p.number}. {p.title}", className="h4"),
                        dcc.Link(
                            f"Priority {p.number} in detail",
                            href=priority_href[p.number],
                            className="priority-link",
                        ),
                    ],
                    className="priority-heading",
                ),
                html.Div(tiles[p.number], className="tile-grid"),
            ],
            className="priority-section",
        )
        for p in priorities
        if tiles.get(p.number)
    ]
