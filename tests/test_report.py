"""The one report: built from facts, the public view's disclosure control, version marks and the
stored form (PRODUCT.md section 2; STYLE.md section 10)."""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from dashboard import report
from dashboard.model import (
    Area,
    AreaKind,
    Comparison,
    Direction,
    Measure,
    Partnership,
    PartnershipMeasure,
    Polarity,
    Priority,
    RatingStatus,
    Result,
    TargetRule,
    TargetSpec,
    Unit,
)
from dashboard.periods import parse_period

ROOT = Path(__file__).resolve().parent.parent
AREAS = {
    "E1": Area("E1", "Own town", AreaKind.PARTNERSHIP),
    "F1": Area("F1", "Force", AreaKind.POLICE_FORCE),
    "N1": Area("N1", "Nation", AreaKind.NATION),
}
CRIME = Measure("CRIME", "All crime", Unit.RATE_PER_1000, Polarity.LOWER_IS_BETTER)
MARAC = Measure(
    "MARAC", "Repeat MARAC cases", Unit.PERCENTAGE, Polarity.LOWER_IS_BETTER, suppress_below=5
)
HATE = Measure("HATE", "Hate reports", Unit.COUNT, Polarity.NO_JUDGEMENT, suppress_below=5)
BEAT = TargetSpec(TargetRule.BEAT_COMPARATORS)
NONE = TargetSpec(TargetRule.NONE)


def result(
    code: str,
    area: str,
    label: str,
    value: float,
    num: float | None = None,
    den: float | None = None,
) -> Result:
    p = parse_period(label)
    return Result(code, area, p.label, p.start, p.end, value, num, den)


def facts(
    results: list[Result],
    measures: tuple[PartnershipMeasure, ...] | None = None,
    point: str = "2019/20",
) -> report.ReportFacts:
    partnership = Partnership(
        "own",
        "Own partnership",
        "E1",
        ("F1", "N1"),
        (Priority(1, "Safer"),),
        measures
        or (
            PartnershipMeasure(CRIME, 1, True, BEAT),
            PartnershipMeasure(MARAC, 1, False, BEAT),
            PartnershipMeasure(HATE, 2, True, NONE),
        ),
    )
    grouped: dict = {}
    for r in results:
        grouped.setdefault((r.measure_code, r.area_code), {})[r.period] = r
    p = parse_period(point)
    return report.ReportFacts(partnership, AREAS, report.PointRef(p.label, p.start, p.end), grouped)


SAMPLE = [
    result("CRIME", "E1", "2018/19", 61.2, 17270, 282100),
    result("CRIME", "E1", "2019/20", 60.0, 17000, 283000),
    result("CRIME", "F1", "2019/20", 81.6, 140000, 1715000),
    result("CRIME", "N1", "2019/20", 83.4, 5000000, 60000000),
    result("MARAC", "E1", "2019/20", 30.0, 3, 10),
    result("MARAC", "F1", "2019/20", 26.6, 500, 1880),
    result("HATE", "E1", "2018/19", 4),
    result("HATE", "E1", "2019/20", 12),
]


def test_build_rates_every_measure_and_keeps_the_previous_result() -> None:
    built = report.build(facts(SAMPLE))
    crime = built.measure("CRIME")
    assert crime is not None and crime.figure is not None
    assert (crime.figure.value, crime.rating.status) == (60.0, RatingStatus.GREEN)
    assert crime.previous == report.Previous("2018/19", 61.2, 17270)
    assert [t.period for t in crime.trend] == ["2018/19", "2019/20"]
    assert built.counts()[RatingStatus.GREEN] == 1


def test_groups_put_measures_outside_every_priority_under_other_measures() -> None:
    built = report.build(facts(SAMPLE))
    titles = [group.title for group, _ in built.grouped()]
    assert titles == ["Safer", report.OTHER_MEASURES]
    assert [e.code for e in built.entries(1)] == ["CRIME", "MARAC"]


def test_the_public_view_leaves_out_non_public_measures_and_their_commentary() -> None:
    built = replace(
        report.build(facts(SAMPLE)),
        commentary=(
            report.CommentEntry("MARAC", "2019/20", "private words", "a", datetime(2020, 5, 1)),
            report.CommentEntry("CRIME", "2019/20", "public words", "a", datetime(2020, 5, 1)),
        ),
    )
    public = report.public_view(built)
    assert [e.code for e in public.measures] == ["CRIME", "HATE"]
    assert [c.text for c in public.commentary] == ["public words"]
    assert "private words" not in report.to_json(public)


def test_a_count_below_its_threshold_is_withheld_wherever_it_would_appear() -> None:
    # HATE: 4 in 2018/19 (below 5) is the previous result and a trend point for 2019/20
    public = report.public_view(report.build(facts(SAMPLE)))
    hate = public.measure("HATE")
    assert hate is not None and hate.figure is not None
    assert hate.figure.value == 12 and not hate.suppressed
    assert hate.previous is None and hate.direction is Direction.NOT_COMPARED
    assert [t.value for t in hate.trend] == [None, 12]


def test_the_headline_below_its_threshold_is_withheld_with_the_reason() -> None:
    members = report.build(facts(SAMPLE, point="2018/19"))
    hate = members.measure("HATE")
    assert hate is not None and hate.withheld_from_public  # members see it, marked
    assert hate.figure is not None and hate.figure.value == 4
    public = report.public_view(members).measure("HATE")
    assert public is not None and public.suppressed
    assert public.figure is not None and public.figure.value is None
    assert public.rating.status is RatingStatus.NO_DATA
    assert public.rating.reason == "Fewer than 5 cases: withheld to protect the people involved"
    assert '"value":4' not in report.to_json(report.public_view(members))


def test_a_percentage_is_withheld_by_its_numerator() -> None:
    marac = replace(MARAC, suppress_below=5)
    measures = (PartnershipMeasure(marac, 1, True, BEAT),)
    public = report.public_view(report.build(facts(SAMPLE, measures)))
    entry = public.measure("MARAC")
    assert entry is not None and entry.suppressed  # 3 of 10
    assert all(c.comparison is Comparison.NOT_COMPARED for c in entry.comparators)
    assert "30.0" not in entry.rating.reason


def test_revised_marks_name_the_earlier_figure_and_version() -> None:
    first = report.public_view(report.build(facts(SAMPLE)))
    corrected = [
        r
        if r.measure_code != "CRIME" or r.period != "2019/20" or r.area_code != "E1"
        else replace(r, value=90.0, numerator=25500)
        for r in SAMPLE
    ]
    second = report.public_view(report.build(facts(corrected)))
    at = datetime(2020, 5, 12, 10, 3)
    marked = report.mark_revised(second, first, 1, at)
    crime = marked.measure("CRIME")
    assert crime is not None
    assert crime.revised == report.Revised(60.0, RatingStatus.GREEN, 1, at)
    assert marked.measure("HATE") is not None and marked.measure("HATE").revised is None


def test_changed_since_publication_marks_the_figure_with_the_published_one() -> None:
    published = report.build(facts(SAMPLE))
    corrected = [
        replace(r, value=90.0, numerator=25500)
        if (r.measure_code, r.area_code, r.period) == ("CRIME", "E1", "2019/20")
        else r
        for r in SAMPLE
    ]
    live = report.mark_changed(report.build(facts(corrected)), published)
    crime = live.measure("CRIME")
    assert crime is not None and crime.changed == report.Changed(60.0, RatingStatus.GREEN)
    assert live.measure("HATE") is not None and live.measure("HATE").changed is None
    assert report.edits_since(live, published) == ["All crime: Off target"]


def test_the_digest_is_the_same_for_reports_that_say_the_same() -> None:
    a, b = report.build(facts(SAMPLE)), report.build(facts(list(reversed(SAMPLE))))
    assert report.digest(a) == report.digest(b)
    assert report.digest(a) != report.digest(report.build(facts(SAMPLE[1:])))


def test_a_stored_report_reads_back_equal() -> None:
    built = report.build(facts(SAMPLE))
    stored = report.from_json(report.to_json(built))
    assert stored == replace(built, live=False)


def test_an_older_stored_schema_is_upgraded() -> None:
    document = json.loads(report.to_json(report.public_view(report.build(facts(SAMPLE)))))
    document["schema"] = 1
    for entry in document["measures"]:
        for name in ("suppress_below", "suppressed", "withheld_from_public"):
            del entry[name]
    upgraded = report.from_document(document)
    assert upgraded.schema == report.REPORT_SCHEMA
    assert all(not e.suppressed and e.suppress_below is None for e in upgraded.measures)


def test_a_newer_stored_schema_is_refused_with_a_message() -> None:
    document = json.loads(report.to_json(report.build(facts(SAMPLE))))
    document["schema"] = report.REPORT_SCHEMA + 1
    with pytest.raises(report.ReportSchemaError, match="upgrade the dashboard"):
        report.from_document(document)


def _calls_assess(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "assess" for a in node.names):
            return True
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "assess":
            return True
        if isinstance(node, ast.Attribute) and node.attr == "assess":
            return True
    return False


def test_assess_is_called_only_by_the_report_builder() -> None:
    allowed = {ROOT / "dashboard" / "report.py", ROOT / "dashboard" / "assessment.py"}
    callers = [
        str(path.relative_to(ROOT))
        for folder in (
            "app.py",
            "api",
            "callbacks",
            "cli",
            "dashboard",
            "data_access",
            "embed",
            "layouts",
            "auth",
            "security",
            "statements",
            "benchmarks",
        )
        for path in ([ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py"))
        if path not in allowed and _calls_assess(path)
    ]
    assert callers == []


def test_point_dates_are_named_by_the_partnership_rhythm() -> None:
    from dashboard.points import point_period

    six_monthly, yearly = ("09-30", "03-31"), ("12-31",)
    assert point_period(date(2019, 9, 30), six_monthly).label == "2019/20 H1"
    assert point_period(date(2020, 3, 31), six_monthly).label == "2019/20"
    assert point_period(date(2019, 12, 31), yearly).label == "2019"
    assert point_period(date(2019, 9, 30), yearly).label == "12m to 2019-09"
    quarterly = ("06-30", "09-30", "12-31", "03-31")
    assert point_period(date(2019, 12, 31), quarterly).label == "2019/20 Q3"
    assert point_period(date(2019, 6, 30), six_monthly).label == "12m to 2019-06"
