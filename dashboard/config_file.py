"""The TOML configuration file (INTERFACES.md section 4): areas, measures and partnerships.

Every problem in the file is found before any is reported, so an administrator fixes them in one
pass. Each names the file, the table (with its position and code) and the key:
`config.toml: [[measure]] 3 (code "X"): unit: 'rate' is not one of rate_per_1000, ...`.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from dashboard.model import (
    Area,
    AreaKind,
    Measure,
    Partnership,
    PartnershipMeasure,
    Polarity,
    Priority,
    TargetRule,
    TargetSpec,
    Unit,
)
from dashboard.periods import PeriodLabelError, parse_period

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

AREA_KEYS = ("code", "name", "kind", "parent")
MEASURE_KEYS = (
    "code",
    "title",
    "unit",
    "polarity",
    "definition",
    "source",
    "owner",
    "decimals",
    "suppress_below",
    "design_effect",
)
PARTNERSHIP_KEYS = (
    "slug",
    "name",
    "area",
    "comparators",
    "reporting_points",
    "priority",
    "measure",
)
PRIORITY_KEYS = ("number", "title")
RULE_PARAMETERS = ("baseline_period", "tolerance", "target", "target_period")
PARTNERSHIP_MEASURE_KEYS = (
    "code",
    "priority",
    "public",
    "rule",
    *RULE_PARAMETERS,
    "max_age_years",
    "area",
    "remove",
)

# Bounds of the optional numeric keys (INTERFACES.md section 4).
DECIMALS_RANGE = (0, 6)
DESIGN_EFFECT_RANGE = (1.0, 10.0)
MAX_AGE_YEARS_RANGE = (1, 20)
MONTH_DAY = re.compile(r"(?P<month>\d\d)-(?P<day>\d\d)")

# What each target rule needs and allows (PRODUCT.md section 3); anything else is a mistake.
RULE_REQUIRES: dict[TargetRule, tuple[str, ...]] = {
    TargetRule.BEAT_COMPARATORS: (),
    TargetRule.MATCH_BASELINE: ("baseline_period",),
    TargetRule.FIXED_TARGET: ("baseline_period", "target", "target_period"),
    TargetRule.NONE: (),
}
RULE_ALLOWS: dict[TargetRule, tuple[str, ...]] = {
    **RULE_REQUIRES,
    TargetRule.MATCH_BASELINE: ("baseline_period", "tolerance"),
}

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class ConfigError(ValueError):
    """The configuration file has problems; one line each, naming file, table and key."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class Config:
    areas: tuple[Area, ...]
    measures: tuple[Measure, ...]
    partnerships: tuple[Partnership, ...]
    # (slug, measure code) of each `remove = true` partnership measure: taken off the partnership.
    # A measure the file leaves out of a partnership stays as it is.
    removed_measures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Removal:
    """A `[[partnership.measure]]` table with `remove = true`."""

    code: str


def load_config(
    path: Path,
    known_areas: Collection[str] = (),
    known_measures: Collection[str] | Mapping[str, Measure] = (),
) -> Config:
    """Read and check a configuration file; ConfigError naming the file if it cannot be read."""
    try:
        content = path.read_bytes()
    except FileNotFoundError as error:
        raise ConfigError([f"{path}: no such file"]) from error
    except OSError as error:
        raise ConfigError([f"{path}: cannot be read ({error.strerror})"]) from error
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ConfigError(
            [f"{path}: line {line}: not UTF-8 text: save the file as UTF-8"]
        ) from error
    return parse_config(text, str(path), known_areas, known_measures)


def parse_config(
    text: str,
    filename: str,
    known_areas: Collection[str] = (),
    known_measures: Collection[str] | Mapping[str, Measure] = (),
) -> Config:
    """Areas, measures and partnerships from TOML text, or ConfigError listing every problem.

    References may point into the file or at known_areas / known_measures (already loaded).
    A partnership measure whose measure is known only by code carries a stub Measure: pass
    known_measures as a mapping of code to Measure to get the real one.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([_syntax_problem(filename, error)]) from error
    reader = _Reader(filename, known_areas, known_measures)
    config = reader.read(document)
    if reader.problems:
        raise ConfigError(reader.problems)
    return config


_AT = re.compile(r"^(?P<message>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def _syntax_problem(filename: str, error: tomllib.TOMLDecodeError) -> str:
    message = str(error)
    if match := _AT.match(message):
        return (
            f"{filename}: line {match['line']}, column {match['column']}: not valid TOML: "
            f"{match['message']}"
        )
    return f"{filename}: not valid TOML: {message}"


class _Table:
    """One TOML table being read: where it is, for messages, and typed access to its keys."""

    def __init__(
        self, raw: Mapping[str, object], where: str, problems: list[str], name: str = ""
    ) -> None:
        self.raw = raw
        self.where = where  # the file and every table around this one
        self.name = name or where  # this table alone: '[[measure]] 3 (code "X")'
        self.problems = problems

    def error(self, key: str, reason: str) -> None:
        self.problems.append(f"{self.where}: {key}: {reason}")

    def check_keys(self, allowed: Sequence[str]) -> None:
        for key in self.raw:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.error(
                    key, f"unknown key '{key}'{hint}: the keys here are {', '.join(allowed)}"
                )

    def value(self, key: str, kinds: tuple[type, ...], wanted: str, required: bool) -> object:
        if key not in self.raw:
            if required:
                self.error(key, "missing: this key is required")
            return None
        value = self.raw[key]
        # TOML true/false arrive as bool, which Python also counts as an int.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.error(key, f"expected {wanted}, got {_describe(value)}")
            return None
        return value

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.value(key, (str,), "text in quotes", required)
        if not isinstance(value, str):
            return None
        if not value.strip():
            self.error(key, "must not be empty")
            return None
        return value

    def whole(
        self, key: str, minimum: int = 1, maximum: int | None = None, required: bool = True
    ) -> int | None:
        value = self.value(key, (int,), "a whole number", required)
        if not isinstance(value, int):
            return None
        if value < minimum:
            self.error(key, f"{value} is below {minimum}")
            return None
        if maximum is not None and value > maximum:
            self.error(key, f"{value} is above {maximum}")
            return None
        return value

    def number(
        self, key: str, minimum: float | None = None, maximum: float | None = None
    ) -> float | None:
        value = self.value(key, (int, float), "a number", required=False)
        if not isinstance(value, int | float):
            return None
        if minimum is not None and value < minimum:
            self.error(key, f"{value:g} is below {minimum:g}")
            return None
        if maximum is not None and value > maximum:
            self.error(key, f"{value:g} is above {maximum:g}")
            return None
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.value(key, (bool,), "true or false", required=False)
        return value if isinstance(value, bool) else default

    def codes(self, key: str) -> tuple[str, ...]:
        value = self.value(key, (list,), "a list of codes in quotes", required=False)
        if not isinstance(value, list):
            return ()
        for item in value:
            if not isinstance(item, str):
                self.error(
                    key, f"expected a list of codes in quotes, but it holds {_describe(item)}"
                )
                return ()
        return tuple(value)

    def month_days(self, key: str) -> tuple[str, ...]:
        """A list of "MM-DD" dates that occur every year, returned sorted by month and day."""
        wanted = 'a list of month-days in quotes (e.g. ["09-30", "03-31"])'
        value = self.value(key, (list,), wanted, required=False)
        if not isinstance(value, list):
            return ()
        if not all(isinstance(item, str) for item in value):
            odd = next(item for item in value if not isinstance(item, str))
            self.error(key, f"expected {wanted}, but it holds {_describe(odd)}")
            return ()
        before = len(self.problems)
        for index, item in enumerate(value):
            if (reason := _month_day_problem(item)) is not None:
                self.error(key, reason)
            elif item in value[:index]:
                self.error(key, f"'{item}' is listed twice")
        if len(self.problems) > before:
            return ()
        return tuple(sorted(value))

    def choice(self, key: str, choices: type[E]) -> E | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            return choices(value)
        except ValueError:
            self.error(key, f"'{value}' is not one of {', '.join(choices)}")
            return None

    def period(self, key: str) -> str | None:
        """A period label, returned canonical ('12m to 2019-03' becomes '2018/19')."""
        value = self.text(key, required=False)
        if value is None:
            return None
        try:
            return parse_period(value).label
        except PeriodLabelError as error:
            self.error(key, str(error))
            return None

    def tables(self, key: str, name: str) -> list[_Table]:
        """The tables of an array of tables [[name]], each knowing where it is."""
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.error(key, f"expected [[{name}]] tables, one per {key}, got {_describe(value)}")
            return []
        identifier = {"partnership": "slug", "partnership.priority": "number"}.get(name, "code")
        tables = []
        for number, raw in enumerate(value, start=1):
            table_name = f"[[{name}]] {number}{_label(raw, identifier)}"
            tables.append(_Table(raw, f"{self.where}: {table_name}", self.problems, table_name))
        return tables


def _label(raw: Mapping[str, object], identifier: str) -> str:
    """' (code "X")': what an administrator searches the file for."""
    value = raw.get(identifier)
    if isinstance(value, str):
        return f' ({identifier} "{value}")'
    if isinstance(value, int) and not isinstance(value, bool):
        return f" ({identifier} {value})"
    return ""


def _month_day_problem(text: str) -> str | None:
    """Why text is not a month-day that occurs every year ("09-30"), or None."""
    match = MONTH_DAY.fullmatch(text)
    if match is None:
        return f"'{text}' is not a month-day: write MM-DD, e.g. \"09-30\" for 30 September"
    month, day = int(match["month"]), int(match["day"])
    if (month, day) == (2, 29):
        return '\'02-29\' is not in every year: use "02-28" or "03-01"'
    try:
        date(2001, month, day)  # not a leap year
    except ValueError:
        return f"'{text}' is not a date: no month has it (MM-DD, e.g. \"09-30\")"
    return None


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime | date | time):
        return f"the date {value.isoformat()}"
    return type(value).__name__


class _Reader:
    """Reads the whole document, collecting every problem before any is raised."""

    def __init__(
        self,
        filename: str,
        known_areas: Collection[str],
        known_measures: Collection[str] | Mapping[str, Measure],
    ) -> None:
        self.filename = filename
        self.problems: list[str] = []
        self.known_areas = known_areas
        self.known_measures = known_measures
        # Every code a table names, valid or not, so one bad table does not cascade.
        self.area_codes: set[str] = set()
        self.measure_codes: set[str] = set()
        self.measures: dict[str, Measure] = {}
        self.removed_measures: list[tuple[str, str]] = []

    def read(self, document: Mapping[str, object]) -> Config:
        top = _Table(document, self.filename, self.problems)
        top.check_keys(("area", "measure", "partnership"))
        area_tables = top.tables("area", "area")
        measure_tables = top.tables("measure", "measure")
        partnership_tables = top.tables("partnership", "partnership")
        self.area_codes = _codes_named(area_tables, "code")
        self.measure_codes = _codes_named(measure_tables, "code")
        parsed_areas = [(table, self.area(table)) for table in area_tables]
        areas = _unique(parsed_areas, "code", lambda area: area.code)
        _check_parent_loops(parsed_areas)
        measures = _unique(
            [(table, self.measure(table)) for table in measure_tables], "code", lambda m: m.code
        )
        self.measures = {measure.code: measure for measure in measures}
        partnerships = _unique(
            [(table, self.partnership(table)) for table in partnership_tables],
            "slug",
            lambda partnership: partnership.slug,
        )
        return Config(
            tuple(areas), tuple(measures), tuple(partnerships), tuple(self.removed_measures)
        )

    def area(self, table: _Table) -> Area | None:
        table.check_keys(AREA_KEYS)
        code, name = table.text("code"), table.text("name")
        kind = table.choice("kind", AreaKind)
        parent = table.text("parent", required=False)
        if parent is not None:
            if parent == code:
                table.error("parent", f"'{parent}' is the area itself")
            else:
                self.check_area(table, "parent", parent)
        if code is None or name is None or kind is None:
            return None
        return Area(code, name, kind, parent)

    def measure(self, table: _Table) -> Measure | None:
        table.check_keys(MEASURE_KEYS)
        code, title = table.text("code"), table.text("title")
        unit = table.choice("unit", Unit)
        polarity = table.choice("polarity", Polarity)
        extras = [  # free text, which may be left empty
            str(table.value(key, (str,), "text in quotes", required=False) or "")
            for key in ("definition", "source", "owner")
        ]
        decimals = table.whole("decimals", *DECIMALS_RANGE, required=False)
        suppress_below = table.whole("suppress_below", 1, required=False)
        design_effect = table.number("design_effect", *DESIGN_EFFECT_RANGE)
        if design_effect is not None and unit is not None and unit is not Unit.PERCENTAGE:
            table.error(
                "design_effect",
                f"only a percentage measure (a survey's) takes a design effect; the unit is "
                f"'{unit}'",
            )
        if code is None or title is None or unit is None or polarity is None:
            return None
        return Measure(
            code, title, unit, polarity, *extras, decimals, suppress_below, design_effect
        )

    def partnership(self, table: _Table) -> Partnership | None:
        table.check_keys(PARTNERSHIP_KEYS)
        slug, name, area = table.text("slug"), table.text("name"), table.text("area")
        if slug is not None and not SLUG.fullmatch(slug):
            table.error(
                "slug",
                f"'{slug}' must be lower-case letters and digits, words joined by hyphens "
                "(e.g. south-glos)",
            )
            slug = None
        if area is not None:
            self.check_area(table, "area", area)
        comparators = self.comparators(table, area)
        reporting_points = table.month_days("reporting_points")
        priorities = _unique(
            [(t, self.priority(t)) for t in table.tables("priority", "partnership.priority")],
            "number",
            lambda priority: priority.number,
        )
        numbers = tuple(priority.number for priority in priorities)
        entries = _unique(
            [
                (t, self.partnership_measure(t, numbers, bool(comparators), area))
                for t in table.tables("measure", "partnership.measure")
            ],
            "code",
            lambda entry: entry.code if isinstance(entry, _Removal) else entry.measure.code,
        )
        measures = tuple(entry for entry in entries if isinstance(entry, PartnershipMeasure))
        if slug is None or name is None or area is None:
            return None
        self.removed_measures.extend(
            (slug, entry.code) for entry in entries if isinstance(entry, _Removal)
        )
        return Partnership(
            slug, name, area, comparators, tuple(priorities), measures, reporting_points
        )

    def comparators(self, table: _Table, own_area: str | None) -> tuple[str, ...]:
        codes = table.codes("comparators")
        for index, code in enumerate(codes):
            if code == own_area:
                table.error("comparators", f"'{code}' is the partnership's own area")
            elif code in codes[:index]:
                table.error("comparators", f"'{code}' is listed twice")
            else:
                self.check_area(table, "comparators", code)
        return codes

    def priority(self, table: _Table) -> Priority | None:
        table.check_keys(PRIORITY_KEYS)
        number, title = table.whole("number"), table.text("title")
        if number is None or title is None:
            return None
        return Priority(number, title)

    def partnership_measure(
        self,
        table: _Table,
        priorities: tuple[int, ...],
        has_comparators: bool,
        own_area: str | None,
    ) -> PartnershipMeasure | _Removal | None:
        """One [[partnership.measure]]; with `remove = true`, only its code is read (the other
        keys may stay, ignored) and the measure is taken off the partnership."""
        table.check_keys(PARTNERSHIP_MEASURE_KEYS)
        code = table.text("code")
        measure = self.find_measure(table, code) if code is not None else None
        if table.flag("remove", default=False):
            return _Removal(measure.code) if measure is not None else None
        priority = table.whole("priority")
        if priority is not None and priorities and priority not in priorities:
            listed = ", ".join(str(number) for number in priorities)
            table.error(
                "priority", f"{priority} is not one of the partnership's priorities ({listed})"
            )
            priority = None
        public = table.flag("public", default=True)
        rule = table.choice("rule", TargetRule)
        target = _target_spec(table, rule, has_comparators) if rule is not None else None
        max_age_years = table.whole("max_age_years", *MAX_AGE_YEARS_RANGE, required=False)
        area = table.text("area", required=False)
        if area is not None:
            if area == own_area:
                table.error(
                    "area",
                    f"'{area}' is the partnership's own area: leave area out to show its results",
                )
                area = None
            elif not self.check_area(table, "area", area):
                area = None
        if measure is None or priority is None or target is None:
            return None
        return PartnershipMeasure(measure, priority, public, target, max_age_years, area)

    def check_area(self, table: _Table, key: str, code: str) -> bool:
        if code in self.area_codes or code in self.known_areas:
            return True
        hint = _suggestion(code, [*self.area_codes, *self.known_areas])
        table.error(key, f"unknown area '{code}'{hint}: define it in an [[area]] table")
        return False

    def find_measure(self, table: _Table, code: str) -> Measure | None:
        if code in self.measures:
            return self.measures[code]
        if code in self.measure_codes:
            return None  # its own [[measure]] table is wrong, and says so
        if isinstance(self.known_measures, Mapping) and code in self.known_measures:
            return self.known_measures[code]
        if code in self.known_measures:
            # Known only by its code: the caller links by code, so the rest is a placeholder.
            return Measure(code, code, Unit.COUNT, Polarity.NO_JUDGEMENT)
        hint = _suggestion(code, [*self.measure_codes, *self.known_measures])
        table.error("code", f"unknown measure '{code}'{hint}: define it in a [[measure]] table")
        return None


def _target_spec(table: _Table, rule: TargetRule, has_comparators: bool) -> TargetSpec | None:
    """The rule with the parameters it needs and no others (PRODUCT.md section 3)."""
    before = len(table.problems)
    allowed = RULE_ALLOWS[rule]
    for key in RULE_PARAMETERS:
        if key in table.raw and key not in allowed:
            takes = f"it takes {', '.join(allowed)}" if allowed else "it takes no parameters"
            table.error(key, f"not used by rule '{rule}' ({takes})")
    for key in RULE_REQUIRES[rule]:
        if key not in table.raw:
            table.error(key, f"missing: rule '{rule}' needs it")
    baseline = table.period("baseline_period") if "baseline_period" in allowed else None
    tolerance = table.number("tolerance") if "tolerance" in allowed else None
    if tolerance is not None and tolerance < 0:
        table.error("tolerance", f"{tolerance:g} is below 0")
    target = table.number("target") if "target" in allowed else None
    target_period = table.period("target_period") if "target_period" in allowed else None
    if baseline and target_period and not _ends_after(target_period, baseline):
        table.error(
            "target_period", f"'{target_period}' must end after the baseline period '{baseline}'"
        )
    if rule is TargetRule.BEAT_COMPARATORS and not has_comparators:
        table.error(
            "rule", "'beat_comparators' needs the partnership to list at least one comparator"
        )
    if len(table.problems) > before:
        return None
    return TargetSpec(rule, baseline, tolerance, target, target_period)


def _ends_after(later: str, earlier: str) -> bool:
    return parse_period(later).end > parse_period(earlier).end


def _unique(
    parsed: list[tuple[_Table, T | None]], key: str, code_of: Callable[[T], object]
) -> list[T]:
    """The valid items in order, reporting a code used twice at its second use."""
    first: dict[object, str] = {}
    kept = []
    for table, item in parsed:
        if item is None:
            continue
        code = code_of(item)
        if code in first:
            shown = f"'{code}'" if isinstance(code, str) else str(code)
            table.error(key, f"{shown} is already used by {first[code]}")
            continue
        first[code] = table.name
        kept.append(item)
    return kept


def _check_parent_loops(parsed: list[tuple[_Table, Area | None]]) -> None:
    parents = {area.code: area.parent for _, area in parsed if area is not None}
    for table, area in parsed:
        if area is None or area.parent is None or area.parent == area.code:
            continue
        seen = {area.code}
        step: str | None = area.parent
        while step is not None and step not in seen:
            seen.add(step)
            step = parents.get(step)
        if step == area.code:
            table.error(
                "parent", f"'{area.parent}' leads back to '{area.code}': parents form a loop"
            )


def _codes_named(tables: list[_Table], key: str) -> set[str]:
    return {value for table in tables if isinstance(value := table.raw.get(key), str)}


def _suggestion(code: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(code, list(known), n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""
