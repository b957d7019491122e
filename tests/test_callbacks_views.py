"""The view callbacks called as plain functions on the sample data, as the public sees it."""

from __future__ import annotations

import pytest
from dash import dcc, html
from dash.exceptions import PreventUpdate
from flask import Flask

from callbacks import county, measure, overview, priority
from dashboard.audience import Audience
from layouts import ids, pages
from tests.dash_text import find, text

NOT_FOUND = text(pages.not_found_panel())


@pytest.fixture
def request_context(server: Flask, sample_db: str):
    with server.test_request_context():
        yield


def _state(**values: str | None) -> dict[str, str | None]:
    return values


# --- overview -----------------------------------------------------------------------------------


def test_overview_opens_the_latest_published_point_with_counts_and_tiles(request_context) -> None:
    header, hidden, partnerships, periods, priorities, counts, tiles, *values, shown = (
        overview.show_overview(_state(slug="south-glos", period=None, priority=None))
    )
    assert hidden is False
    assert "As at 2018/19 (31 March 2019)" in text(header)
    assert [o["value"] for o in periods] == ["2018/19", "2018/19 H1", "2017/18"]
    assert partnerships[0]["value"] == "south-glos"
    assert priorities[0]["label"] == "All priorities"
    words = text(counts)
    assert "2 On target" in words and "1 Close" in words and "0 Off target" in words
    assert "Total recorded crime per 1,000 population" in text(tiles)
    assert values == ["south-glos", "2018/19", "all"]
    assert shown == {"slug": "south-glos", "period": "2018/19", "priority": "all"}


def test_the_overview_offers_the_iframe_code_for_its_public_summary(request_context) -> None:
    header, *_ = overview.show_overview(_state(slug="gloucester", period=None, priority=None))
    words = text(header)
    assert "Embed this summary on your website" in words
    assert '<iframe src="http://localhost/embed/gloucester"' in words


def test_the_root_address_opens_the_first_partnership(request_context) -> None:
    header, *_ = overview.show_overview(_state(slug=None, period=None, priority=None))
    assert "South Gloucestershire" in text(header)


def test_a_priority_filter_keeps_only_that_priority(request_context) -> None:
    *_, tiles, _slug, _period, chosen, _shown = overview.show_overview(
        _state(slug="south-glos", period="2018/19", priority="3")
    )
    headings = [h.children for h in find(tiles, html.H2)]
    assert headings == ["3. Working together effectively"]
    assert chosen == "3"


def test_tiles_link_to_their_measure_at_the_chosen_point(request_context) -> None:
    *_, tiles, _a, _b, _c, _d = overview.show_overview(
        _state(slug="south-glos", period="2018/19 H1", priority=None)
    )
    hrefs = {link.href for link in find(tiles, dcc.Link)}
    assert "/p/south-glos/measure/CRIME_TOTAL_RATE?period=2018%2F19+H1" in hrefs


@pytest.mark.parametrize(
    "state",
    [
        _state(slug="no-such-place", period=None, priority=None),
        _state(slug="south-glos", period="2019/20", priority=None),  # not published: public
        _state(slug="south-glos", period="12m to 2019-09", priority=None),  # provisional
        _state(slug="south-glos", period="2019/20 Q5", priority=None),  # not a period
        _state(slug="south-glos", period=None, priority="9"),
        _state(slug="south-glos", period=None, priority="two"),
    ],
)
def test_anything_unknown_or_unpublished_gets_the_same_not_found_page(
    request_context, state: dict
) -> None:
    header, hidden, *_ = overview.show_overview(state)
    assert text(header) == NOT_FOUND
    assert hidden is True


def test_a_member_sees_a_provisional_point_marked_as_such(
    request_context, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = Audience(frozenset({"south-glos"}))
    monkeypatch.setattr(overview, "current_audience", lambda: member)
    header, *_rest = overview.show_overview(
        _state(slug="south-glos", period="12m to 2019-09", priority=None)
    )
    assert "Provisional — not yet published" in text(header)


def test_pickers_write_only_real_choices_to_the_url() -> None:
    shown = {"slug": "south-glos", "period": "2018/19", "priority": "all"}
    state = {"slug": "south-glos", "period": None, "priority": None}
    with pytest.raises(PreventUpdate):
        overview.choose("south-glos", "2018/19", "all", shown, state, "/p/south-glos", "")
    assert (
        overview.choose("south-glos", "2018/19", "2", shown, state, "/p/south-glos", "")
        == "/p/south-glos?priority=2"
    )
    assert (
        overview.choose("south-glos", "2017/18", "all", shown, state, "/p/south-glos", "")
        == "/p/south-glos?period=2017%2F18"
    )
    assert (
        overview.choose("gloucester", "2018/19", "2", shown, state, "/p/south-glos", "")
        == "/p/gloucester"
    )


# --- measure ------------------------------------------------------------------------------------


def test_the_measure_page_shows_history_commentary_definition_and_data(request_context) -> None:
    header, hidden, _periods, body, download_hidden, value, shown = measure.show_measure(
        _state(slug="south-glos", code="CRIME_TOTAL_RATE", period=None)
    )
    assert hidden is False and download_hidden is False and value == shown == "2018/19"
    assert "Total recorded crime per 1,000 population" in text(header)
    words = text(body)
    assert "Show data as a table" in words
    assert "Recorded crime is lower than in 2017/18" in words  # commentary for 12m to 2018-09
    assert "Lower is better" in words and "Rate per 1,000 population" in words
    assert find(body, html.Figure) and find(body, html.Figcaption)
    assert "South Gloucestershire: 3 results" in text(find(body, html.Figcaption))


def test_a_non_public_or_unknown_measure_is_not_found(request_context) -> None:
    header, hidden, *_ = measure.show_measure(_state(slug="south-glos", code="NOPE", period=None))
    assert text(header) == NOT_FOUND and hidden is True


def test_the_csv_download_neutralises_formulas_and_names_the_point(request_context) -> None:
    sent = measure.measure_csv(1, _state(slug="south-glos", code="CRIME_TOTAL_RATE", period=None))
    assert sent["filename"] == "south-glos-CRIME_TOTAL_RATE-2018-19.csv"
    lines = sent["content"].splitlines()
    assert lines[0].startswith("period,area_name,value,ci_low,ci_high")
    assert any(line.startswith("2018/19,South Gloucestershire,61.5") for line in lines)
    with pytest.raises(PreventUpdate):
        measure.measure_csv(1, _state(slug="south-glos", code="CRIME_TOTAL_RATE", period="2019/20"))


# --- priority -----------------------------------------------------------------------------------


def test_the_priority_page_has_comparators_actions_and_funding(request_context) -> None:
    header, _hidden, _periods, body, *_ = priority.show_priority(
        _state(slug="south-glos", number="2", period=None)
    )
    assert "Priority 2: Strengthen and improve your local community" in text(header)
    words = text(body)
    assert "Avon and Somerset" in words and "Show data as a table" in words
    assert "Action plan" in words and "Funded projects" in words
    assert "£25,000" in words


def test_achieved_action_items_stay_marked_achieved(request_context) -> None:
    _h, _x, _p, body, *_ = priority.show_priority(
        _state(slug="south-glos", number="1", period=None)
    )
    assert "Extend support for victims of Domestic Violence" in text(body)
    achieved = [
        s for s in find(body, html.Span) if "action-achieved" in getattr(s, "className", "")
    ]
    assert achieved and "Achieved" in text(achieved)


def test_an_unknown_priority_is_not_found(request_context) -> None:
    header, hidden, *_ = priority.show_priority(_state(slug="south-glos", number="7", period=None))
    assert text(header) == NOT_FOUND and hidden is True


# --- county -------------------------------------------------------------------------------------


def test_the_county_view_puts_every_partnership_side_by_side(request_context) -> None:
    header, hidden, _periods, body, label, _shown = county.show_county(
        _state(code="E10000013", period="2018")
    )
    assert hidden is False and label == "2018"
    words = text(body)
    for name in ("Cheltenham", "Cotswold", "Forest of Dean", "Gloucester", "Stroud", "Tewkesbury"):
        assert name in words
    assert "Gloucestershire" in text(header)


def test_a_partnership_that_has_not_published_the_point_says_so(request_context) -> None:
    *_, body, _label, _shown = county.show_county(_state(code="E10000013", period="2019"))
    assert county.NOT_PUBLISHED in text(body)


def test_the_force_area_reaches_partnerships_through_the_county(request_context) -> None:
    *_, body, _label, _shown = county.show_county(_state(code="E23000037", period="2018"))
    assert "Tewkesbury" in text(body)


@pytest.mark.parametrize("code", ["E99999999", "K04000001x"])
def test_an_unknown_area_is_not_found(request_context, code: str) -> None:
    header, hidden, *_ = county.show_county(_state(code=code, period=None))
    assert text(header) == NOT_FOUND and hidden is True


def test_the_page_ids_are_unique() -> None:
    names = [v for k, v in vars(ids).items() if k.isupper()]
    assert len(names) == len(set(names))


def test_the_county_view_opens_the_point_most_partnerships_have_published(request_context) -> None:
    *_, body, label, _shown = county.show_county(_state(code="E10000013", period=None))
    assert label == "2018"
    assert county.NOT_PUBLISHED not in text(body)
