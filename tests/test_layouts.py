"""Layouts: skeletons build bare, tiles carry word + icon + colour, the not-found page is one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import dash_bootstrap_components as dbc
import pytest
from dash import dcc, html

from dashboard.model import Comparison, Direction, Polarity, RatingStatus, TargetRule, Unit
from dashboard.report import (
    AreaRef,
    Changed,
    ComparatorEntry,
    Figure,
    MeasureEntry,
    PartnershipReport,
    PointRef,
    Previous,
    PublicationRef,
    RatingEntry,
    Revised,
    TargetEntry,
    TrendPoint,
)
from dashboard.wording import (
    CHANGED,
    ILLUSTRATIVE,
    NOT_PUBLIC,
    PROVISIONAL,
    RATING_ICONS,
    WITHHELD,
)
from layouts import ids, pages, tiles
from layouts.headings import point_heading
from layouts.links import measure_href, overview_href
from tests.dash_text import find, text

YEAR = ("2018/19", date(2018, 4, 1), date(2019, 3, 31))
REASON = "Better than every comparator: Avon and Somerset 80.0"
ENTRY = MeasureEntry(
    code="CRIME",
    title="Total crime per 1,000",
    priority=2,
    unit=Unit.RATE_PER_1000,
    polarity=Polarity.LOWER_IS_BETTER,
    public=True,
    area=AreaRef("E0", "South Gloucestershire"),
    target=TargetEntry(TargetRule.BEAT_COMPARATORS, "Better than Avon and Somerset"),
    figure=Figure(*YEAR, 60.0, illustrative=True),
    rating=RatingEntry(RatingStatus.GREEN, "On target", REASON),
    comparators=(
        ComparatorEntry(AreaRef("E1", "Avon and Somerset"), Figure(*YEAR, 80.0), Comparison.BETTER),
    ),
    direction=Direction.IMPROVING,
    previous=Previous("2017/18", 62.0),
    trend=(TrendPoint("2018/19", date(2019, 3, 31), 60.0),),
)
PUBLISHED = datetime(2020, 5, 12, 10, 30)


def _report(**changes: object) -> PartnershipReport:
    report = PartnershipReport(
        schema=2,
        audience="public",
        slug="x",
        name="Somewhere",
        area=ENTRY.area,
        comparators=(AreaRef("E1", "Avon and Somerset"),),
        point=PointRef(*YEAR),
        groups=(),
        measures=(ENTRY,),
    )
    return replace(report, **changes)


@pytest.mark.parametrize("layout", [pages.overview, pages.priority, pages.measure, pages.county])
def test_every_page_skeleton_builds_with_no_arguments(layout: object) -> None:
    assert find(layout(), dcc.Store)  # type: ignore[operator]


def test_skeletons_ignore_unknown_query_keys_and_keep_url_values() -> None:
    page = pages.overview(slug="south-glos", period="2018/19", priority="2", utm_source="x")
    store = find(page, dcc.Store, id=ids.OVERVIEW_STATE)[0]
    assert store.data == {
        "slug": "south-glos",
        "period": "2018/19",
        "priority": "2",
        "version": None,
    }


def test_report_pages_keep_the_version_from_the_url() -> None:
    page = pages.measure(slug="south-glos", code="CRIME", period="2018/19", version="2")
    store = find(page, dcc.Store, id=ids.MEASURE_STATE)[0]
    assert store.data["version"] == "2"


def test_every_picker_has_a_visible_label_tied_to_it() -> None:
    page = pages.overview()
    labels = {label.html_for for label in find(page, dbc.Label)}
    assert labels == {ids.PARTNERSHIP_PICKER, ids.PERIOD_PICKER, ids.PRIORITY_PICKER}


def test_counts_sit_in_a_polite_live_region() -> None:
    region = find(pages.overview(), html.Div, id=ids.OVERVIEW_COUNTS)[0]
    assert region.to_plotly_json()["props"]["aria-live"] == "polite"


def test_a_tile_shows_value_rating_word_icon_colour_target_and_reason() -> None:
    tile = tiles.measure_tile(ENTRY, "/p/x/measure/CRIME", provisional=True)
    words = text(tile)
    assert "60.0 per 1,000" in words
    assert "On target" in words
    assert "Result for 2018/19" in words
    assert "Target:  Better than Avon and Somerset" in words
    assert "Why:" in words and REASON in words
    assert "Improving on a year earlier: down from 62.0 per 1,000 in 2017/18" in words
    assert PROVISIONAL in words and ILLUSTRATIVE in words
    assert "tile-green" in tile.className
    icons = [
        s for s in find(tile, html.Span) if "icon-check-circle-fill" in getattr(s, "className", "")
    ]
    assert icons and icons[0].to_plotly_json()["props"]["aria-hidden"] == "true"
    link = find(tile, dcc.Link)[0]
    assert link.href == "/p/x/measure/CRIME" and link.children == ENTRY.title
    image = find(tile, html.Img)[0]
    assert image.src.startswith("data:image/svg+xml") and "one result" in image.alt


def test_a_tile_without_a_significance_test_says_only_up_or_down() -> None:
    entry = replace(ENTRY, direction=Direction.NOT_COMPARED, previous=Previous("2018", 55.0))
    words = text(tiles.measure_tile(entry, "/"))
    assert "Up from 55.0 per 1,000 in 2018" in words and "Improving" not in words


def test_a_tile_without_marks_shows_none() -> None:
    entry = replace(ENTRY, figure=Figure(*YEAR, 60.0))
    tile = tiles.measure_tile(entry, "/")
    assert [s for s in find(tile, html.Span) if "tag" in str(getattr(s, "className", ""))] == []
    assert text(find(tile, html.Div, className="tile-tags")) == ""


def test_a_members_tile_marks_what_is_not_public_and_what_is_withheld() -> None:
    words = text(tiles.measure_tile(replace(ENTRY, public=False), "/"))
    assert NOT_PUBLIC in words and WITHHELD not in words
    words = text(tiles.measure_tile(replace(ENTRY, withheld_from_public=True), "/"))
    assert WITHHELD in words and NOT_PUBLIC not in words


def test_a_changed_figure_shows_the_published_one() -> None:
    entry = replace(ENTRY, changed=Changed(58.5, RatingStatus.AMBER))
    assert "Changed since publication: published as 58.5 per 1,000 (Close)" in text(
        tiles.measure_tile(entry, "/")
    )


def test_a_revised_figure_shows_the_earlier_value_and_its_version_date() -> None:
    entry = replace(ENTRY, revised=Revised(58.5, RatingStatus.AMBER, 1, PUBLISHED))
    assert "Revised: was 58.5 per 1,000 (Close) in version 1 of 12 May 2020" in text(
        tiles.measure_tile(entry, "/")
    )


def test_a_withheld_figure_shows_its_reason_and_no_value() -> None:
    reason = "Fewer than 5 cases: withheld to protect the people involved"
    entry = replace(
        ENTRY,
        figure=Figure(*YEAR, None),
        rating=RatingEntry(RatingStatus.NO_DATA, "No data", reason),
        suppressed=True,
    )
    tile = tiles.measure_tile(entry, "/")
    value = [s.children for s in find(tile, html.Span, className="tile-value")]
    assert value == ["no figure"]
    assert reason in text(find(tile, html.P, className="tile-figure"))


def test_a_published_point_says_when_and_which_version() -> None:
    report = _report(publication=PublicationRef(2, 2, PUBLISHED))
    words = text(point_heading(report))
    assert words.startswith("As at 2018/19 (31 March 2019)")
    assert "Published 12 May 2020 (version 2)" in words
    assert PROVISIONAL not in words and CHANGED not in words


def test_a_page_opened_at_a_version_names_it_and_the_latest() -> None:
    report = _report(publication=PublicationRef(1, 3, PUBLISHED))
    words = text(point_heading(report, version_asked=True))
    assert "Version 1, published 12 May 2020. The latest is version 3." in words


def test_a_provisional_point_says_so() -> None:
    words = text(point_heading(_report(audience="member", live=True)))
    assert PROVISIONAL in words and "Published" not in words


def test_a_members_live_report_says_when_the_published_point_has_changed() -> None:
    changed = PublicationRef(1, 1, PUBLISHED, changed_since=True)
    live = _report(audience="member", live=True, publication=changed)
    assert CHANGED in text(point_heading(live))
    unchanged = replace(live, publication=replace(changed, changed_since=False))
    assert CHANGED not in text(point_heading(unchanged))


def test_every_rating_has_its_own_icon_shape() -> None:
    assert len(set(RATING_ICONS.values())) == len(RatingStatus)


def test_counts_show_all_five_buckets_even_when_empty() -> None:
    words = text(tiles.rating_counts({RatingStatus.GREEN: 2, RatingStatus.NONE: 1}))
    assert "2 On target" in words and "0 Close" in words and "1 Not rated" in words
    assert "0 No data" in words


def test_the_key_explains_significantly() -> None:
    assert "95% confidence intervals" in text(tiles.rating_key())


def test_the_not_found_page_says_so_and_links_home() -> None:
    panel = pages.not_found_panel()
    assert find(panel, html.H1)[0].children == "Page not found"
    assert find(panel, dcc.Link)[0].href == "/"


def test_links_carry_the_view_state_in_the_query_string() -> None:
    assert overview_href("south-glos", "2018/19 H1", 2) == (
        "/p/south-glos?period=2018%2F19+H1&priority=2"
    )
    assert overview_href("south-glos", None, "") == "/p/south-glos"
    assert measure_href("gloucester", "CRIME_TOTAL_RATE", "2019") == (
        "/p/gloucester/measure/CRIME_TOTAL_RATE?period=2019"
    )
    assert measure_href("gloucester", "CRIME_TOTAL_RATE", "2019", version=2) == (
        "/p/gloucester/measure/CRIME_TOTAL_RATE?period=2019&version=2"
    )


@pytest.mark.parametrize(
    ("path", "module", "variables"),
    [
        ("p/south-glos/priority/2", "priority", {"slug": "south-glos", "number": "2"}),
        ("p/south-glos/measure/CRIME", "measure", {"slug": "south-glos", "code": "CRIME"}),
        ("p/south-glos", "overview", {"slug": "south-glos"}),
        ("county/E10000013", "county", {"code": "E10000013"}),
    ],
)
def test_each_address_opens_its_own_page(
    dash_app: object, path: str, module: str, variables: dict
) -> None:
    from dash._pages import _path_to_page

    page, found = _path_to_page(path)
    assert (page["module"], found) == (module, variables)
