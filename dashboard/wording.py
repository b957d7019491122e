"""Every word shown for a contract value, in one place: Dash layouts and Jinja templates both
read it, so a tile, the embed, the API and the meeting pack can never word a rating two ways."""

from __future__ import annotations

from datetime import datetime

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

DIRECTION_WORDS: dict[Direction, tuple[str, str | None]] = {
    Direction.IMPROVING: ("Improving on a year earlier", "arrow-up-right"),
    Direction.WORSENING: ("Worsening on a year earlier", "arrow-down-right"),
    Direction.NO_CHANGE: ("No significant change on a year earlier", "arrow-right"),
    Direction.NOT_COMPARED: ("No figure a year earlier to compare", None),
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
SIGNIFICANTLY = (
    "“Significantly” means the difference is bigger than chance alone would explain, judged "
    "with 95% confidence intervals."
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
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
LICENCE_LINE = "Contains public sector information licensed under the Open Government Licence v3.0."


def status_label(status: RatingStatus) -> str:
    return STATUS_LABELS[status]


def action_status_label(status: ActionStatus) -> str:
    return ACTION_STATUS_LABELS[status]


def direction_sentence(
    direction: Direction,
    value: float | None,
    previous_period: str | None,
    previous_value: float | None,
    unit: Unit,
) -> str:
    """Direction of travel in words: "Improving on a year earlier: down from 63.0 in 2016/17";
    where no sample size allows a judgement, just "Up from 13,900 in 2017/18"."""
    if previous_period is None or previous_value is None or value is None:
        return DIRECTION_WORDS[Direction.NOT_COMPARED][0]
    if value > previous_value:
        movement = "up from"
    elif value < previous_value:
        movement = "down from"
    else:
        movement = "the same as"
    figure = f"{movement} {format_value(previous_value, unit)} in {previous_period}"
    if direction is Direction.NOT_COMPARED:
        return figure[0].upper() + figure[1:]
    return f"{DIRECTION_WORDS[direction][0]}: {figure}"


def revised_sentence(was: float | None, unit: Unit, was_label: str, version: int, on: str) -> str:
    shown = format_value(was, unit) if was is not None else "a withheld figure"
    return f"{REVISED}: was {shown} ({was_label}) in version {version} of {on}"


def changed_sentence(published_value: float | None, unit: Unit, published: RatingStatus) -> str:
    """Members' mark on a figure that differs from the latest version's, with the published one."""
    shown = format_value(published_value, unit)
    return f"{CHANGED}: published as {shown} ({STATUS_LABELS[published]})"


def published_sentence(version: int, published_at: datetime) -> str:
    """The point heading of a published report: "Published 12 May 2020 (version 2)"."""
    return f"Published {format_date(published_at.date())} (version {version})"


def version_sentence(version: int, published_at: datetime) -> str:
    """What a page opened with ?version= shows: "Version 2, published 12 May 2020"."""
    return f"Version {version}, published {format_date(published_at.date())}"
