"""The sparkline: one pure function, SVG with a title, shared by the dashboard and the embed."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import pytest

from dashboard.trend import svg_data_uri, trend_svg


def _points(svg: str) -> list[tuple[float, float]]:
    found = re.search(r'points="([^"]+)"', svg)
    assert found
    return [tuple(map(float, p.split(","))) for p in found.group(1).split()]


def test_the_svg_carries_its_title_escaped() -> None:
    svg = trend_svg([1.0, 2.0], "Crime <rate> & more")
    assert "<title>Crime &lt;rate&gt; &amp; more</title>" in svg
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_a_higher_value_is_drawn_higher_up() -> None:
    (_, y_low), (_, y_high) = _points(trend_svg([10.0, 20.0], "t"))
    assert y_high < y_low


def test_points_run_left_to_right_oldest_first() -> None:
    xs = [x for x, _ in _points(trend_svg([3.0, 1.0, 2.0], "t"))]
    assert xs == sorted(xs) and len(xs) == 3


def test_missing_values_are_skipped_but_keep_their_place() -> None:
    xs = [x for x, _ in _points(trend_svg([1.0, None, 3.0], "t"))]
    assert len(xs) == 2 and xs[1] > 100


def test_no_values_draw_an_empty_frame_with_its_title() -> None:
    svg = trend_svg([None, None], "No results")
    assert "polyline" not in svg and "<title>No results</title>" in svg


def test_a_flat_series_sits_in_the_middle() -> None:
    assert {y for _, y in _points(trend_svg([5.0, 5.0, 5.0], "t"))} == {16.0}


def test_the_data_uri_decodes_to_the_same_markup() -> None:
    svg = trend_svg([1.0, 2.0], "t")
    uri = svg_data_uri(svg)
    assert uri.startswith("data:image/svg+xml;charset=utf-8,")
    assert unquote(uri.split(",", 1)[1]) == svg


def test_points_given_dates_are_spaced_in_time_so_a_missing_year_leaves_a_gap() -> None:
    years = [date(2016, 12, 31), date(2017, 12, 31), date(2019, 12, 31)]
    xs = [x for x, _ in _points(trend_svg([1.0, 2.0, 3.0], "t", at=years))]
    assert xs[2] - xs[1] == pytest.approx(2 * (xs[1] - xs[0]), abs=0.2)
