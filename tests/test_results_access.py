"""The one visibility rule in data_access.results: the public sees published points and public
measures; a member of the partnership also sees its provisional points and non-public measures;
a member of another partnership sees it as the public does. Both databases.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.audience import PUBLIC, Audience
from data_access.results import (
    NotVisible,
    latest_public_points,
    measure_history,
    partnership_view,
    reporting_points,
    resolve_point,
    visible_partnership,
)

SOUTH_GLOS_MEMBER = Audience(frozenset({"south-glos"}))
GLOUCESTER_MEMBER = Audience(frozenset({"gloucester"}))
MARAC = "MARAC_REPEAT_VICTIMISATION_PCT"


def test_a_member_sees_the_provisional_point_marked_unpublished(sample_db: str) -> None:
    points = reporting_points("south-glos", SOUTH_GLOS_MEMBER)
    provisional = [p for p in points if not p.published]
    assert "12m to 2019-09" in {p.label for p in provisional}
    assert all(p.end > points[-1].end for p in provisional)
    view = partnership_view("south-glos", "2019/20 H1", SOUTH_GLOS_MEMBER)
    assert view.point.label == "2019/20 H1"
    assert view.point.published is False
    crime = next(f for f in view.figures if f.item.measure.code == "CRIME_TOTAL_RATE")
    assert crime.result is not None and crime.result.period == "12m to 2019-09"


def test_a_member_sees_the_non_public_marac_measure(sample_db: str) -> None:
    view = partnership_view("south-glos", "2017/18", SOUTH_GLOS_MEMBER)
    marac = next(f for f in view.figures if f.item.measure.code == "MARAC_REPEAT_VICTIMISATION_PCT")
    assert marac.result is not None and marac.result.value == 21.3
    codes = {m.measure.code for m in visible_partnership("south-glos", SOUTH_GLOS_MEMBER).measures}
    assert "MARAC_REPEAT_VICTIMISATION_PCT" in codes


def test_a_member_of_another_partnership_sees_south_glos_as_the_public_does(
    sample_db: str,
) -> None:
    assert reporting_points("south-glos", GLOUCESTER_MEMBER) == reporting_points(
        "south-glos", PUBLIC
    )
    with pytest.raises(NotVisible):
        partnership_view("south-glos", "2019/20 H1", GLOUCESTER_MEMBER)
    codes = {m.measure.code for m in visible_partnership("south-glos", GLOUCESTER_MEMBER).measures}
    assert "MARAC_REPEAT_VICTIMISATION_PCT" not in codes
    public = partnership_view("south-glos", "2018/19", PUBLIC)
    other = partnership_view("south-glos", "2018/19", GLOUCESTER_MEMBER)
    assert other.figures == public.figures


def test_the_public_reading_function_refuses_an_unpublished_point(sample_db: str) -> None:
    with pytest.raises(NotVisible, match="2019/20 H1"):
        partnership_view("south-glos", "2019/20 H1", PUBLIC)


def test_a_member_may_open_a_point_before_anything_was_published(sample_db: str) -> None:
    point = resolve_point("south-glos", "2016/17", SOUTH_GLOS_MEMBER)
    assert (point.label, point.published) == ("2016/17", False)
    with pytest.raises(NotVisible):
        resolve_point("south-glos", "2016/17", PUBLIC)


def test_the_default_point_is_the_latest_published_for_the_public(sample_db: str) -> None:
    assert resolve_point("south-glos", None, PUBLIC).label == "2018/19"
    member_default = resolve_point("south-glos", None, SOUTH_GLOS_MEMBER)
    assert member_default.end > date(2019, 3, 31)
    assert member_default.published is False


def test_a_measure_history_hides_marac_from_the_public_and_shows_it_to_a_member(
    sample_db: str,
) -> None:
    with pytest.raises(NotVisible, match=MARAC):
        measure_history("south-glos", MARAC, "2018/19", PUBLIC)
    _, figures, history = measure_history("south-glos", MARAC, "2018/19", SOUTH_GLOS_MEMBER)
    assert figures.result is not None and figures.result.value == 29.0
    assert {r.area_code for r in history} == {"E06000025", "E23000036", "E12000009", "K04000001"}
    assert max(r.period_end for r in history) == date(2019, 3, 31)


def test_the_open_data_horizon_is_each_partnerships_latest_published_point(
    sample_db: str,
) -> None:
    horizons = latest_public_points()
    assert horizons["south-glos"].label == "2018/19"
    assert horizons["gloucester"].label == "2019"
