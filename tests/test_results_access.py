"""The one visibility rule, as data_access.reports applies it: the public reads the public report
of a published version; a member of the partnership reads the live report built from the data as
it stands, provisional points and non-public measures included; a member of another partnership
reads it as the public does. The open data is the published versions' results and nothing else.
Both databases.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.audience import PUBLIC, Audience
from dashboard.model import RatingStatus
from dashboard.report import PartnershipReport
from data_access.opendata import open_data_rows
from data_access.reports import history, report_for
from data_access.results import (
    NotVisible,
    all_partnerships,
    reporting_points,
    resolve_point,
    visible_partnership,
)

SOUTH_GLOS_MEMBER = Audience(frozenset({"south-glos"}))
GLOUCESTER_MEMBER = Audience(frozenset({"gloucester"}))
SOUTH_GLOS_AREA = "E06000025"
MARAC = "MARAC_REPEAT_VICTIMISATION_PCT"
CRIME = "CRIME_TOTAL_RATE"


def codes(report: PartnershipReport) -> set[str]:
    return {m.code for m in report.measures}


def test_a_member_sees_the_provisional_point_marked_unpublished(sample_db: str) -> None:
    points = reporting_points("south-glos", SOUTH_GLOS_MEMBER)
    provisional = [p for p in points if not p.published]
    latest_published = max(p.end for p in points if p.published)
    assert {p.label for p in provisional} == {"2019/20 H1"}  # named by the six-monthly rhythm
    assert all(p.end > latest_published for p in provisional)
    report = report_for("south-glos", "2019/20 H1", SOUTH_GLOS_MEMBER)
    assert (report.point.label, report.point.end) == ("2019/20 H1", date(2019, 9, 30))
    assert report.live and report.provisional and report.publication is None
    crime = report.measure(CRIME)
    assert crime is not None and crime.figure is not None
    # the measure's own result keeps its own period
    assert (crime.figure.period, crime.figure.value) == ("12m to 2019-09", 63.9)
    assert crime.figure.illustrative


def test_a_result_period_naming_the_same_date_opens_the_same_point(sample_db: str) -> None:
    by_point = report_for("south-glos", "2019/20 H1", SOUTH_GLOS_MEMBER)
    by_result_period = report_for("south-glos", "12m to 2019-09", SOUTH_GLOS_MEMBER)
    assert by_result_period.point == by_point.point
    assert by_result_period.measures == by_point.measures


def test_a_member_sees_the_non_public_marac_measure(sample_db: str) -> None:
    report = report_for("south-glos", "2017/18", SOUTH_GLOS_MEMBER)
    marac = report.measure(MARAC)
    assert marac is not None and marac.figure is not None
    assert marac.figure.value == 21.3
    assert marac.public is False
    partnership = visible_partnership("south-glos", SOUTH_GLOS_MEMBER)
    assert MARAC in {m.measure.code for m in partnership.measures}


def test_the_public_report_has_no_non_public_measure(sample_db: str) -> None:
    report = report_for("south-glos", "2017/18", PUBLIC)
    assert report.is_public and not report.live
    assert report.measure(MARAC) is None
    assert CRIME in codes(report)
    assert all(m.public for m in report.measures)
    assert all(not m.withheld_from_public and m.changed is None for m in report.measures)


def test_a_member_of_another_partnership_sees_south_glos_as_the_public_does(
    sample_db: str,
) -> None:
    assert reporting_points("south-glos", GLOUCESTER_MEMBER) == reporting_points(
        "south-glos", PUBLIC
    )
    with pytest.raises(NotVisible):
        report_for("south-glos", "2019/20 H1", GLOUCESTER_MEMBER)
    partnership = visible_partnership("south-glos", GLOUCESTER_MEMBER)
    assert MARAC not in {m.measure.code for m in partnership.measures}
    public = report_for("south-glos", "2018/19", PUBLIC)
    other = report_for("south-glos", "2018/19", GLOUCESTER_MEMBER)
    assert other.is_public
    assert other == public
    assert MARAC not in codes(other)


@pytest.mark.parametrize("label", ["2019/20 H1", "12m to 2019-09"])
def test_the_public_is_refused_an_unpublished_point(sample_db: str, label: str) -> None:
    with pytest.raises(NotVisible, match="2019/20 H1"):
        report_for("south-glos", label, PUBLIC)


def test_a_version_that_was_never_published_is_not_visible(sample_db: str) -> None:
    assert report_for("south-glos", "2018/19", PUBLIC, version=1).publication is not None
    for audience in (PUBLIC, SOUTH_GLOS_MEMBER):
        with pytest.raises(NotVisible, match="version 2"):
            report_for("south-glos", "2018/19", audience, version=2)


def test_a_member_may_open_a_point_before_anything_was_published(sample_db: str) -> None:
    point = resolve_point("south-glos", "2016/17", SOUTH_GLOS_MEMBER)
    assert (point.label, point.published) == ("2016/17", False)
    report = report_for("south-glos", "2016/17", SOUTH_GLOS_MEMBER)
    assert report.live and report.publication is None
    with pytest.raises(NotVisible):
        resolve_point("south-glos", "2016/17", PUBLIC)
    with pytest.raises(NotVisible):
        report_for("south-glos", "2016/17", PUBLIC)


def test_the_default_point_is_the_latest_published_for_the_public(sample_db: str) -> None:
    assert resolve_point("south-glos", None, PUBLIC).label == "2018/19"
    public = report_for("south-glos", None, PUBLIC)
    assert public.point.label == "2018/19"
    assert public.publication is not None and public.publication.version == 1
    member_default = resolve_point("south-glos", None, SOUTH_GLOS_MEMBER)
    assert member_default.end > date(2019, 3, 31)
    assert member_default.published is False
    member = report_for("south-glos", None, SOUTH_GLOS_MEMBER)
    assert member.point.label == member_default.label
    assert member.live and member.publication is None


def test_a_member_reads_a_published_point_live_with_its_version_attached(
    sample_db: str,
) -> None:
    live = report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER)
    assert live.live and not live.is_public
    assert live.publication is not None
    assert (live.publication.version, live.publication.latest_version) == (1, 1)
    assert live.publication.changed_since is False  # nothing imported since publishing
    assert all(m.changed is None for m in live.measures)
    stored = report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER, version=1)
    assert not stored.live and MARAC in codes(stored)
    crime = live.measure(CRIME)
    assert crime is not None and crime.figure is not None
    assert (crime.figure.value, crime.rating.status) == (61.5, RatingStatus.GREEN)


def test_a_measure_history_hides_marac_from_the_public_and_shows_it_to_a_member(
    sample_db: str,
) -> None:
    public = report_for("south-glos", "2018/19", PUBLIC)
    assert public.measure(MARAC) is None
    with pytest.raises(NotVisible, match=MARAC):
        history(public, MARAC)
    member = report_for("south-glos", "2018/19", SOUTH_GLOS_MEMBER)
    marac = member.measure(MARAC)
    assert marac is not None and marac.figure is not None and marac.figure.value == 29.0
    results = history(member, MARAC)
    assert {r.area_code for r in results} == {
        SOUTH_GLOS_AREA,
        "E23000036",
        "E12000009",
        "K04000001",
    }
    assert max(r.period_end for r in results) == date(2019, 3, 31)
    assert {r.measure_code for r in results} == {MARAC}


def test_the_public_history_of_a_measure_stops_at_the_published_point(sample_db: str) -> None:
    public = report_for("south-glos", "2018/19", PUBLIC)
    results = history(public, CRIME)
    own = {r.period: r.value for r in results if r.area_code == SOUTH_GLOS_AREA}
    assert own["2018/19"] == 61.5
    assert "12m to 2019-09" not in own  # the provisional 2019/20 H1 figure
    assert max(r.period_end for r in results) == date(2019, 3, 31)


def _published_figures() -> dict[tuple[str, str, str, str], tuple[float | None, str]]:
    """Every figure the public reports of the published versions show, read as the public
    reads them: (partnership, measure, area, period) -> (value, rating status on own rows)."""
    reports = []
    for p in all_partnerships():
        for point in reporting_points(p.slug, PUBLIC):
            report = report_for(p.slug, point.label, PUBLIC)
            assert report.publication is not None
            reports.append((report.publication.published_at, report))
    # a result shown by more than one version counts as the most recently published states it
    reports.sort(key=lambda pair: pair[0])
    found = {}
    for _, report in reports:
        for entry in report.measures:
            if entry.figure is None:
                continue
            key = (report.slug, entry.code, entry.area.code, entry.figure.period)
            found[key] = (entry.figure.value, str(entry.rating.status))
            for c in entry.comparators:
                if c.figure is not None:
                    found[(report.slug, entry.code, c.area.code, c.figure.period)] = (
                        c.figure.value,
                        "",
                    )
    return found


def test_the_open_data_lists_exactly_the_results_of_the_published_versions(
    sample_db: str,
) -> None:
    rows = open_data_rows()
    listed = {
        (r["partnership"], r["measure_code"], r["area_code"], r["period"]): (
            r["value"],
            r["rating_status"],
        )
        for r in rows
    }
    assert rows and len(listed) == len(rows)  # one row per result
    assert listed == _published_figures()
    # the unpublished 2019/20 H1 point's figures are the members' alone
    member = report_for("south-glos", "2019/20 H1", SOUTH_GLOS_MEMBER).measure(CRIME)
    assert member is not None and member.figure is not None and member.figure.value == 63.9
    assert open_data_rows("south-glos", "12m to 2019-09") == []
    assert not [
        r
        for r in rows
        if r["area_code"] == SOUTH_GLOS_AREA
        and (r["period"], r["value"]) == ("12m to 2019-09", 63.9)
    ]
    assert MARAC not in {r["measure_code"] for r in rows}
