"""Layouts: skeletons build bare, tiles carry word + icon + colour, the not-found page is one."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
import pytest
from dash import dcc, html

from dashboard.assessment import assess
from dashboard.model import (
    Area,
    AreaKind,
    Measure,
    PartnershipMeasure,
    Polarity,
    RatingStatus,
    Result,
    TargetRule,
    TargetSpec,
    Unit,
)
from dashboard.reporting import ComparatorResult, MeasureFigures
from layouts import ids, pages, tiles
from layouts.links import measure_href, overview_href
from tests.dash_text import find, text

MEASURE = Measure("CRIME", "Total crime per 1,000", Unit.RATE_PER_1000, Polarity.LOWER_IS_BETTER)
AREA = Area("E1", "Avon and Somerset", AreaKind.POLICE_FORCE)


def _result(area: str, value: float, illustrative: bool = False) -> Result:
    return Result(
        "CRIME",
        area,
        "2018/19",
        date(2018, 4, 1),
        date(2019, 3, 31),
        value,
        illustrative=illustrative,
    )


def _figures(value: float, comparator: float, illustrative: bool = False) -> MeasureFigures:
    item = PartnershipMeasure(MEASURE, 2, True, TargetSpec(TargetRule.BEAT_COMPARATORS))
    return MeasureFigures(
        item,
        _result("E0", value, illustrative),
        (ComparatorResult(AREA, _result("E1", comparator)),),
        None,
        None,
    )


@pytest.mark.parametrize("layout", [pages.overview, pages.priority, pages.measure, pages.county])
def test_every_page_skeleton_builds_with_no_arguments(layout: object) -> None:
    assert find(layout(), dcc.Store)  # type: ignore[operator]


def test_skeletons_ignore_unknown_query_keys_and_keep_url_values() -> None:
    page = pages.overview(slug="south-glos", period="2018/19", priority="2", utm_source="x")
    store = find(page, dcc.Store, id=ids.OVERVIEW_STATE)[0]
    assert store.data == {"slug": "south-glos", "period": "2018/19", "priority": "2"}


def test_every_picker_has_a_visible_label_tied_to_it() -> None:
    page = pages.overview()
    labels = {label.html_for for label in find(page, dbc.Label)}
    assert labels == {ids.PARTNERSHIP_PICKER, ids.PERIOD_PICKER, ids.PRIORITY_PICKER}


def test_counts_sit_in_a_polite_live_region() -> None:
    region = find(pages.overview(), html.Div, id=ids.OVERVIEW_COUNTS)[0]
    assert region.to_plotly_json()["props"]["aria-live"] == "polite"


def test_a_tile_shows_value_rating_word_icon_colour_target_and_reason() -> None:
    a = assess(_figures(60.0, 80.0, illustrative=True), date(2019, 3, 31))
    tile = tiles.measure_tile(a, tiles.TileContext("/p/x/measure/CRIME", True, [("2018/19", 60.0)]))
    words = text(tile)
    assert "60.0 per 1,000" in words
    assert "On target" in words
    assert "Result for 2018/19" in words
    assert "Target:  Better than Avon and Somerset" in words
    assert "Why:" in words and a.rating.reason in words
    assert tiles.PROVISIONAL in words and tiles.ILLUSTRATIVE in words
    assert "tile-green" in tile.className
    icons = [
        s for s in find(tile, html.Span) if "icon-check-circle-fill" in getattr(s, "className", "")
    ]
    assert icons and icons[0].to_plotly_json()["props"]["aria-hidden"] == "true"
    link = find(tile, dcc.Link)[0]
    assert link.href == "/p/x/measure/CRIME" and link.children == MEASURE.title
    image = find(tile, html.Img)[0]
    assert image.src.startswith("data:image/svg+xml") and "one result" in image.alt


def test_every_rating_has_its_own_icon_shape() -> None:
    assert len(set(tiles.RATING_ICONS.values())) == len(RatingStatus)


def test_counts_show_all_five_buckets_even_when_empty() -> None:
    words = text(tiles.rating_counts([RatingStatus.GREEN, RatingStatus.GREEN, RatingStatus.NONE]))
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
