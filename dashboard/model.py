"""Domain records and the contract strings (INTERFACES.md) shared by CLI, API, loader and CSS."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Unit(StrEnum):
    RATE_PER_1000 = "rate_per_1000"
    RATE_PER_100000 = "rate_per_100000"
    PERCENTAGE = "percentage"
    COUNT = "count"
    CURRENCY_GBP = "currency_gbp"
    RANK = "rank"
    YEARS = "years"

    @property
    def multiplier(self) -> float | None:
        """Value = numerator / denominator x multiplier; None where a unit is not a ratio."""
        return {
            Unit.RATE_PER_1000: 1_000.0,
            Unit.RATE_PER_100000: 100_000.0,
            Unit.PERCENTAGE: 100.0,
        }.get(self)


class Polarity(StrEnum):
    LOWER_IS_BETTER = "lower_is_better"
    HIGHER_IS_BETTER = "higher_is_better"
    NO_JUDGEMENT = "no_judgement"


class TargetRule(StrEnum):
    BEAT_COMPARATORS = "beat_comparators"
    MATCH_BASELINE = "match_baseline"
    FIXED_TARGET = "fixed_target"
    NONE = "none"


class AreaKind(StrEnum):
    PARTNERSHIP = "partnership"
    COUNTY = "county"
    POLICE_FORCE = "police_force"
    REGION = "region"
    NATION = "nation"
    COMPARISON_GROUP = "comparison_group"


class RatingStatus(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"
    NO_DATA = "no_data"


class Comparison(StrEnum):
    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    NOT_COMPARED = "not_compared"


class Direction(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no_change"
    NOT_COMPARED = "not_compared"


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"


class ChangeKind(StrEnum):
    """What an audit log entry records (INTERFACES.md section 7: the `what` filter)."""

    IMPORT = "import"
    DELETE = "delete"
    PUBLISH = "publish"
    WITHDRAW = "withdraw"
    COMMENTARY = "commentary"
    ACTION = "action"
    CONFIG = "config"
    USER = "user"


class ActionStatus(StrEnum):
    ACHIEVED = "achieved"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str
    kind: AreaKind
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Measure:
    """A measure in the catalogue: what is counted and how to read it."""

    code: str
    title: str
    unit: Unit
    polarity: Polarity
    definition: str = ""
    source: str = ""
    owner: str = ""
    decimals: int | None = None  # places shown; None = the unit's default
    suppress_below: int | None = None  # public outputs withhold smaller counts (PRODUCT.md s2)
    design_effect: float | None = None  # survey measures' default design effect


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """A partnership's rule for one measure, with the parameters the rule needs."""

    rule: TargetRule
    baseline_period: str | None = None  # canonical label
    tolerance: float | None = None  # in the measure's own unit
    target: float | None = None
    target_period: str | None = None  # canonical label


@dataclass(frozen=True, slots=True)
class PartnershipMeasure:
    measure: Measure
    priority: int
    public: bool
    target: TargetSpec
    max_age_years: int | None = None  # None = MAX_RESULT_AGE_YEARS
    area: str | None = None  # a larger area whose results stand in for the partnership's own


@dataclass(frozen=True, slots=True)
class Priority:
    number: int
    title: str


@dataclass(frozen=True, slots=True)
class Partnership:
    slug: str
    name: str
    area: str  # area code
    comparators: tuple[str, ...] = ()
    priorities: tuple[Priority, ...] = ()
    measures: tuple[PartnershipMeasure, ...] = field(default_factory=tuple)
    reporting_points: tuple[str, ...] = ()  # month-day of each point ("09-30"); () = every end


@dataclass(frozen=True, slots=True)
class Observation:
    """One figure: the value with its counts where known (numerator may be derived from a base)."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    design_effect: float | None = None  # a weighted survey percentage's; None = 1

    @property
    def has_counts(self) -> bool:
        return self.value is not None and self.numerator is not None and bool(self.denominator)


@dataclass(frozen=True, slots=True)
class Result:
    """One value of one measure for one area and one period (PRODUCT.md section 2)."""

    measure_code: str
    area_code: str
    period: str  # canonical label
    period_start: date
    period_end: date
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    source: str = ""
    illustrative: bool = False
    loaded_at: datetime | None = None
    design_effect: float | None = None  # a weighted survey percentage's (PRODUCT.md section 2)

    @property
    def observation(self) -> Observation:
        return Observation(self.value, self.numerator, self.denominator, self.design_effect)


@dataclass(frozen=True, slots=True)
class Rating:
    status: RatingStatus
    label: str
    reason: str


STATUS_LABELS: dict[RatingStatus, str] = {
    RatingStatus.GREEN: "On target",
    RatingStatus.AMBER: "Close",
    RatingStatus.RED: "Off target",
    RatingStatus.NONE: "Monitoring",
    RatingStatus.NO_DATA: "No data",
}
