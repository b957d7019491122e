"""Every word shown for a contract value, in one place: Dash layouts and Jinja templates both
read it, so a tile, the embed, the API and the meeting pack can never word a rating two ways."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from dashboard.formatting import format_date, format_value
from dashboard.model import (
    STATUS_LABELS,
    ActionStatus,
    Comparison,
    Direction,
    Polarity,
    RatingStatus,
    TargetRule,
    Unit,
)
from dashboard.plans import ACTION_STATUS_LABELS
from dashboard.report import MeasureEntry

__all__ = [
    "ACTION_STATUS_LABELS",
    "STATUS_LABELS",
]

SERVICE_NAME = "Community safety performance"

# One icon shape per rating, so a rating never rests on colour alone (STYLE.md section 9).
RATING_ICONS: dict[RatingStatus, str] = {
    RatingStatus.GREEN: "check-circle-fill",
    RatingStatus.AMBER: "exclamation-triangle-fill",
    RatingStatus.RED: "x-octagon-fill",
    RatingStatus.NONE: "dash-circle",
    RatingStatus.NO_DATA: "question-circle",
}

ACTION_STATUS_ICONS: dict[ActionStatus, str] = {
    ActionStatus.ACHIEVED: "check-circle-fill",
    ActionStatus.IN_PROGRESS: "arrow-right",
    ActionStatus.NOT_STARTED: "dash-circle",
}

COUNT_LABELS: dict[RatingStatus, str] = {
    RatingStatus.GREEN: "On target",
    RatingStatus.AMBER: "Close",
    RatingStatus.RED: "Off target",
    RatingStatus.NONE: "Not rated",
    RatingStatus.NO_DATA: "No data",
}

# Direction of travel is two things: the judgement (improving or worsening: better or worse,
# by the measure's polarity) in words, and the value's movement (up, down, the same) in words and
# an arrow. So a rising crime rate reads "Worsening: up from 4.3 in 2017/18" beside an up arrow,
# and no colour carries either.
DIRECTION_WORDS: dict[Direction, str] = {
    Direction.IMPROVING: "Improving",
    Direction.WORSENING: "Worsening",
    Direction.NO_CHANGE: "No significant change",
    Direction.NOT_COMPARED: "No figure a year earlier to compare",
}


class Movement(StrEnum):
    """How a value moved from the one a year earlier."""

    UP = "up"
    DOWN = "down"
    SAME = "same"


MOVEMENT_WORDS: dict[Movement, str] = {
    Movement.UP: "up from",
    Movement.DOWN: "down from",
    Movement.SAME: "the same as",
}
MOVEMENT_ICONS: dict[Movement, str] = {
    Movement.UP: "arrow-up-right",
    Movement.DOWN: "arrow-down-right",
    Movement.SAME: "arrow-right",
}

COMPARISON_WORDS: dict[Comparison, str] = {
    Comparison.BETTER: "significantly better",
    Comparison.SIMILAR: "similar",
    Comparison.WORSE: "significantly worse",
    Comparison.NOT_COMPARED: "not compared",
}

KEY: tuple[tuple[RatingStatus, str], ...] = (
    (RatingStatus.GREEN, "the target is met."),
    (RatingStatus.AMBER, "partly met, or worse than the target but not significantly."),
    (RatingStatus.RED, "the target is not met."),
    (RatingStatus.NONE, "monitoring only, or the result is the baseline the target is set from."),
    (RatingStatus.NO_DATA, "no recent result, or a figure the rule needs is missing."),
)
SIGNIFICANTLY_MEANS = (
    "the difference is bigger than chance alone would explain, judged with 95% confidence "
    "intervals."
)
SIGNIFICANTLY = f"“Significantly” means {SIGNIFICANTLY_MEANS}"

# Plain-English meanings of the words a resident meets in the public outputs: (term, meaning,
# words that show the term is used, matched case-insensitively). `glossary_used` picks the ones a
# page's text uses, so a page explains its own jargon and nothing else.
GLOSSARY: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Baseline", "the starting figure a target is measured from.", ("baseline",)),
    (
        "Comparator",
        "another area whose figure is set beside this one to judge it, such as the police force "
        "area, the region or England and Wales.",
        ("comparator",),
    ),
    (
        "Trajectory",
        "the straight-line path from the baseline figure to the goal. Each year's figure is "
        "checked against where that path says it should be by then.",
        ("trajectory",),
    ),
    ("Significantly", SIGNIFICANTLY_MEANS, ("significant",)),
    (
        "Design effect",
        "how much less precise a weighted survey is than the same number of people picked "
        "purely at random; the effective sample size is the number asked divided by it.",
        ("design effect", "effective sample size"),
    ),
    (
        "Per 1,000 (or 100,000) population",
        "for every 1,000 (or 100,000) people living in the area, so that places of different "
        "sizes can be compared.",
        ("per 1,000", "per 100,000"),
    ),
    (
        "LSOA",
        "Lower-layer Super Output Area: a small neighbourhood used for official statistics, "
        "home to about 1,500 people.",
        ("lsoa",),
    ),
    (
        "VCSE",
        "the voluntary, community and social enterprise sector: charities, community groups and "
        "social enterprises.",
        ("vcse",),
    ),
    (
        "MARAC",
        "Multi-Agency Risk Assessment Conference: a regular meeting where the police, council, "
        "health and specialist services plan how to keep people at high risk of serious harm "
        "from domestic abuse safe.",
        ("marac", "multi-agency risk assessment"),
    ),
)


def glossary_used(text: str) -> list[tuple[str, str]]:
    """(term, meaning) for each glossary word the text uses, in the glossary's order."""
    lowered = text.lower()
    return [(term, means) for term, means, words in GLOSSARY if any(w in lowered for w in words)]


# What a design effect is and why it widens intervals (PRODUCT.md section 2, "Survey results"):
# the "How ratings work" page, the measure page and the meeting pack's methods all say it so.
DESIGN_EFFECT_METHOD = (
    "Surveys such as the Crime Survey for England and Wales and council residents' panels do not "
    "pick people purely at random: they sample addresses in clusters and then weight the answers "
    "so the people who replied stand for the whole population. That makes a weighted percentage "
    "less precise than the same number of people picked purely at random would give. The design "
    "effect says by how much: a design effect of 2 means 1,000 people asked tell us as much as "
    "500 picked at random (the effective sample size is the number asked divided by the design "
    "effect). Survey reports often print the design factor instead; the design effect is its "
    "square. We work out a survey result's confidence interval, and test whether it differs "
    "from its baseline, from a year earlier or from another area, on the effective sample size, "
    "so its interval is wider and a difference has to be bigger before we call it significant. "
    "Where no design effect is given, a result is treated as a simple random sample."
)


def _design_effect_shown(design_effect: float) -> str:
    """One decimal place, or two where the design effect has them: 2.0, 1.5, 1.44."""
    shown = f"{design_effect:.2f}".rstrip("0")
    return shown + "0" if shown.endswith(".") else shown


def survey_sentence(design_effect: float, base: float) -> str:
    """A weighted survey result in words: "weighted survey result; effective sample size 512 of
    1,024 asked (design effect 2.0)"."""
    effective = base / design_effect
    return (
        f"weighted survey result; effective sample size {effective:,.0f} of {base:,.0f} asked "
        f"(design effect {_design_effect_shown(design_effect)})"
    )


POLARITY_WORDS: dict[Polarity, str] = {
    Polarity.LOWER_IS_BETTER: "Lower is better",
    Polarity.HIGHER_IS_BETTER: "Higher is better",
    Polarity.NO_JUDGEMENT: "No judgement (neither higher nor lower is better)",
}
RULE_WORDS: dict[TargetRule, str] = {
    TargetRule.BEAT_COMPARATORS: "Beat the comparator areas",
    TargetRule.MATCH_BASELINE: "Match or better the baseline",
    TargetRule.FIXED_TARGET: "Reach a fixed target by a date",
    TargetRule.NONE: "None: monitoring only",
}
# How each rule turns a figure into a rating: the key of a view explains the rules its tiles use,
# and "How ratings and statistics work" explains them all.
RULE_KEY: dict[TargetRule, str] = {
    TargetRule.BEAT_COMPARATORS: (
        "On target when better than every comparator area (for example the police force area, "
        "the region and England and Wales), close when better than some, off target when better "
        "than none. A tie is not “better”."
    ),
    TargetRule.MATCH_BASELINE: (
        "On target when equal to or better than the baseline year; close when worse but not "
        "significantly (or within the measure's tolerance where the sample size is not known); "
        "off target when significantly worse."
    ),
    TargetRule.FIXED_TARGET: (
        "On target when at or better than the straight line (the trajectory) from the baseline "
        "to the goal; close when better than the baseline but behind that line; off target when "
        "no better than the baseline. The baseline year itself is marked “Baseline”, not rated."
    ),
    TargetRule.NONE: "Watched without a target: marked “Monitoring”, with no colour.",
}
UNIT_WORDS: dict[Unit, str] = {
    Unit.RATE_PER_1000: "Rate per 1,000 population",
    Unit.RATE_PER_100000: "Rate per 100,000 population",
    Unit.PERCENTAGE: "Percentage",
    Unit.COUNT: "Count",
    Unit.CURRENCY_GBP: "Pounds sterling",
    Unit.RANK: "Rank",
    Unit.YEARS: "Years",
}

PROVISIONAL = "Provisional — not yet published"
ILLUSTRATIVE = "Illustrative sample data"
CHANGED = "Changed since publication"
REVISED = "Revised"
NOT_PUBLIC = "Not public"
WITHHELD = "Withheld from public outputs"
RECONSTRUCTED = "reconstructed from the data when versions were introduced"
ILLUSTRATIVE_NOTE = (
    "Values marked “Illustrative sample data” were invented for this sample and are not "
    "published anywhere: do not quote them."
)
# The compact outputs (the embed's rows) tag an illustrative figure with one word; screen readers
# still hear the whole ILLUSTRATIVE label.
ILLUSTRATIVE_SHORT = "Illustrative"
ILLUSTRATIVE_KEY = (
    "sample data, invented for this sample and not published anywhere: do not quote it."
)
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
LICENCE_LINE = "Contains public sector information licensed under the Open Government Licence v3.0."


def status_label(status: RatingStatus) -> str:
    return STATUS_LABELS[status]


def action_status_label(status: ActionStatus) -> str:
    return ACTION_STATUS_LABELS[status]


def movement(value: float | None, previous_value: float | None) -> Movement | None:
    """Up, down or the same as the figure a year earlier; None when either is missing."""
    if value is None or previous_value is None:
        return None
    if value > previous_value:
        return Movement.UP
    if value < previous_value:
        return Movement.DOWN
    return Movement.SAME


def direction_sentence(
    direction: Direction,
    value: float | None,
    previous_period: str | None,
    previous_value: float | None,
    unit: Unit,
    decimals: int | None = None,
) -> str:
    """Direction of travel in words: "Improving: down from 63.0 per 1,000 in 2016/17"; where
    no sample size allows a judgement, just "Up from 13,900 in 2017/18"."""
    moved = movement(value, previous_value)
    if previous_period is None or moved is None:
        return DIRECTION_WORDS[Direction.NOT_COMPARED]
    shown = format_value(previous_value, unit, decimals)
    figure = f"{MOVEMENT_WORDS[moved]} {shown} in {previous_period}"
    if direction is Direction.NOT_COMPARED:
        return figure[0].upper() + figure[1:]
    return f"{DIRECTION_WORDS[direction]}: {figure}"


def revised_sentence(
    was: float | None,
    unit: Unit,
    was_label: str,
    version: int,
    on: str,
    decimals: int | None = None,
) -> str:
    shown = format_value(was, unit, decimals) if was is not None else "a withheld figure"
    return f"{REVISED}: was {shown} ({was_label}) in version {version} of {on}"


def changed_sentence(
    published_value: float | None,
    unit: Unit,
    published: RatingStatus,
    decimals: int | None = None,
) -> str:
    """Members' mark on a figure that differs from the latest version's, with the published one."""
    shown = format_value(published_value, unit, decimals)
    return f"{CHANGED}: published as {shown} ({STATUS_LABELS[published]})"


def published_sentence(version: int, published_at: datetime) -> str:
    """The point heading of a published report: "Published 12 May 2020 (version 2)"."""
    return f"Published {format_date(published_at.date())} (version {version})"


def version_sentence(version: int, published_at: datetime) -> str:
    """What a page opened with ?version= shows: "Version 2, published 12 May 2020"."""
    return f"Version {version}, published {format_date(published_at.date())}"


def mark_sentences(entry: MeasureEntry) -> list[tuple[str, str]]:
    """(kind, words) of each mark one figure carries (PRODUCT.md section 2): changed since
    publication, revised, illustrative, not public, withheld. A report carries only its
    audience's marks, so none is filtered here; the tiles, pages and the pack show these."""
    found = []
    if entry.changed is not None:
        changed = entry.changed
        found.append(
            (
                "changed",
                changed_sentence(
                    changed.published_value, entry.unit, changed.published_rating, entry.decimals
                ),
            )
        )
    if entry.revised is not None:
        revised = entry.revised
        found.append(
            (
                "revised",
                revised_sentence(
                    revised.was,
                    entry.unit,
                    STATUS_LABELS[revised.was_rating],
                    revised.version,
                    format_date(revised.published_at.date()),
                    entry.decimals,
                ),
            )
        )
    if entry.illustrative:
        found.append(("illustrative", ILLUSTRATIVE))
    if not entry.public:
        found.append(("not-public", NOT_PUBLIC))
    if entry.withheld_from_public:
        found.append(("withheld", WITHHELD))
    return found


# How the statistics work, in plain words: the "How ratings work" page and the meeting pack's
# methods page both print these
INTERVALS_METHOD = (
    "Each figure's 95% confidence interval is Wilson's score interval for a percentage, Byar's "
    "method for a rate or count of 10 or more events, and the exact Poisson interval below 10."
)
SIGNIFICANCE_METHOD = (
    "A comparator is significantly better or worse when its figure lies outside the local "
    "figure's 95% interval, and similar when it lies inside. Direction of travel compares a "
    "result with the same period a year earlier by a two-sample test at 95% (a pooled z-test "
    "for two percentages; a z-test on the log of the ratio for two rates)."
)
POINTS_METHOD = (
    "At a reporting point each measure shows its latest result ending on or before that date, "
    "labelled with that result's own period; a result more than three years older than the "
    "point is not used."
)
