"""The view callbacks called as plain functions on the sample data, as the public (and, where
said, a member) sees them."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date

import plotly.graph_objects as go
import pytest
from dash import dcc, html
from dash.exceptions import PreventUpdate
from flask import Flask

from callbacks import county, measure, overview, page_status, partnerships, priority
from dashboard.audience import Audience
from dashboard.wording import ILLUSTRATIVE, ILLUSTRATIVE_NOTE, NOT_PUBLIC, WITHHELD
from layouts import county_page, ids, pages
from tests.dash_text import find, text

NOT_FOUND = text(pages.not_found_panel())
MARAC = "Repeat victimisation rate following a Multi-Agency Risk Assessment Conference (MARAC)"
HATE_CRIME = "Hate crimes reported to the partnership's third-party reporting centres"
SOUTH_GLOS_MEMBER = Audience(frozenset({"south-glos"}))


@pytest.fixture
def request_context(server: Flask, sample_db: str) -> Iterator[None]:
    with server.test_request_context():
        yield


@pytest.fixture
def as_member(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every view as a member of South Gloucestershire sees it."""
    for module in (overview, priority, measure, county, partnerships, page_status):
        monkeypatch.setattr(module, "current_audience", lambda: SOUTH_GLOS_MEMBER)


def _state(**values: str | None) -> dict[str, str | None]:
    return values


def _tile(tiles: object, title: str) -> html.Article:
    found = [t for t in find(tiles, html.Article) if find(t, dcc.Link)[0].children == title]
    assert len(found) == 1, f"no single tile for {title}"
    return found[0]


def _value(tile: html.Article) -> str:
    return find(tile, html.Span, className="tile-value")[0].children


# --- overview -----------------------------------------------------------------------------------


def test_overview_opens_the_latest_published_point_with_counts_and_tiles(request_context) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period=None, priority=None))
    assert shown.controls_hidden is False
    assert "As at 2018/19 (31 March 2019)" in text(shown.header)
    assert [o["value"] for o in shown.period_options] == ["2018/19", "2018/19 H1", "2017/18"]
    assert shown.partnership_options[0]["value"] == "south-glos"
    assert shown.priority_options[0]["label"] == "All priorities"
    words = text(shown.counts)
    assert "2 On target" in words and "1 Close" in words and "0 Off target" in words
    assert "Total recorded crime per 1,000 population" in text(shown.tiles)
    assert (shown.partnership, shown.period, shown.priority) == ("south-glos", "2018/19", "all")
    assert shown.shown == {"slug": "south-glos", "period": "2018/19", "priority": "all"}


def test_a_published_point_says_when_it_was_published_and_which_version(request_context) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period="2018/19"))
    words = text(shown.header)
    assert "Published " in words and "(version 1)" in words
    assert "Provisional" not in words and "Version 1, published" not in words


def test_the_overview_offers_the_iframe_code_for_its_public_summary(request_context) -> None:
    shown = overview.show_overview(_state(slug="gloucester", period=None, priority=None))
    words = text(shown.header)
    assert "Embed this summary on your website" in words
    assert '<iframe src="http://localhost/embed/gloucester"' in words


def test_the_root_address_opens_the_first_partnership(request_context) -> None:
    shown = overview.show_overview(_state(slug=None, period=None, priority=None))
    assert "South Gloucestershire" in text(shown.header)


def test_a_priority_filter_keeps_only_that_priority(request_context) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period="2018/19", priority="3"))
    headings = [h.children for h in find(shown.tiles, html.H2)]
    assert headings == ["3. Working together effectively"]
    assert shown.priority == "3"
    assert "0 Off target" in text(shown.counts) and "1 Not rated" in text(shown.counts)


def test_tiles_link_to_their_measure_at_the_chosen_point(request_context) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period="2018/19 H1", priority=None))
    hrefs = {link.href for link in find(shown.tiles, dcc.Link)}
    assert "/p/south-glos/measure/CRIME_TOTAL_RATE?period=2018%2F19+H1" in hrefs


def test_a_gloucester_tile_says_up_or_down_where_no_significance_test_is_possible(
    request_context,
) -> None:
    shown = overview.show_overview(_state(slug="gloucester", period="2019"))
    words = text(_tile(shown.tiles, "Life expectancy at birth: males"))
    assert "Up from 77.9 years in 2018" in words
    assert "Improving" not in words and "No figure a year earlier" not in words


def test_the_public_sees_a_small_count_withheld_with_its_reason_and_no_figure(
    request_context,
) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period="2018/19"))
    tile = _tile(shown.tiles, HATE_CRIME)
    words = text(tile)
    assert _value(tile) == "no figure"
    assert "Fewer than 5 cases: withheld to protect the people involved" in words
    assert "No data" in words
    assert WITHHELD not in words  # a members' mark


def test_a_member_sees_the_small_count_marked_withheld_from_public_outputs(
    request_context, as_member: None
) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period="2018/19"))
    tile = _tile(shown.tiles, HATE_CRIME)
    assert _value(tile) == "3"
    assert WITHHELD in text(tile) and "Fewer than 5 cases" not in text(tile)


def test_a_members_tile_for_a_measure_that_is_not_public_says_so(
    request_context, as_member: None
) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period=None))
    assert NOT_PUBLIC in text(_tile(shown.tiles, MARAC))
    assert NOT_PUBLIC not in text(_tile(shown.tiles, "Total recorded crime per 1,000 population"))


def test_the_public_never_sees_the_measure_that_is_not_public(request_context) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period=None))
    assert MARAC not in text(shown.tiles) and NOT_PUBLIC not in text(shown.tiles)


def test_an_overview_opened_at_a_version_says_so_and_its_links_keep_it(request_context) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period="2018/19", version="1"))
    assert "Version 1, published " in text(shown.header)
    hrefs = {link.href for link in find(shown.tiles, dcc.Link)}
    assert "/p/south-glos/measure/CRIME_TOTAL_RATE?period=2018%2F19&version=1" in hrefs
    assert "/p/south-glos/priority/2?period=2018%2F19&version=1" in hrefs


@pytest.mark.parametrize(
    "state",
    [
        _state(slug="no-such-place", period=None, priority=None),
        _state(slug="south-glos", period="2019/20", priority=None),  # not published: public
        _state(slug="south-glos", period="12m to 2019-09", priority=None),  # provisional
        _state(slug="south-glos", period="2019/20 Q5", priority=None),  # not a period
        _state(slug="south-glos", period=None, priority="9"),
        _state(slug="south-glos", period=None, priority="two"),
        _state(slug="south-glos", period="2018/19", version="2"),  # no such version
        _state(slug="south-glos", period="2018/19", version="latest"),
        _state(slug="south-glos", period="2018/19", version="0"),
    ],
)
def test_anything_unknown_or_unpublished_gets_the_same_not_found_page(
    request_context, state: dict
) -> None:
    shown = overview.show_overview(state)
    assert text(shown.header) == NOT_FOUND
    assert shown.controls_hidden is True


def test_a_member_sees_a_provisional_point_marked_as_such(request_context, as_member: None) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period="12m to 2019-09"))
    assert "Provisional — not yet published" in text(shown.header)
    assert "Provisional — not yet published" in text(_tile(shown.tiles, MARAC))


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


def test_a_version_stays_with_its_point_when_the_priority_changes_but_not_the_point() -> None:
    shown = {"slug": "south-glos", "period": "2018/19", "priority": "all"}
    state = {"slug": "south-glos", "period": "2018/19", "priority": None, "version": "1"}
    here = "/p/south-glos"
    assert (
        overview.choose("south-glos", "2018/19", "2", shown, state, here, "")
        == "/p/south-glos?period=2018%2F19&priority=2&version=1"
    )
    assert (
        overview.choose("south-glos", "2017/18", "all", shown, state, here, "")
        == "/p/south-glos?period=2017%2F18"
    )


# --- measure ------------------------------------------------------------------------------------


def test_the_measure_page_shows_history_commentary_definition_and_data(request_context) -> None:
    shown = measure.show_measure(_state(slug="south-glos", code="CRIME_TOTAL_RATE", period=None))
    assert shown.controls_hidden is False and shown.download_hidden is False
    assert shown.period == shown.shown == "2018/19"
    assert "Total recorded crime per 1,000 population" in text(shown.header)
    assert "61.5 per 1,000" in text(shown.header) and "On target" in text(shown.header)
    words = text(shown.body)
    assert "Show data as a table" in words
    assert "Recorded crime is lower than in 2017/18" in words  # commentary for 12m to 2018-09
    assert "Lower is better" in words and "Rate per 1,000 population" in words
    assert find(shown.body, html.Figure) and find(shown.body, html.Figcaption)
    assert "South Gloucestershire: 3 results" in text(find(shown.body, html.Figcaption))


def test_the_public_measure_page_withholds_a_small_count_everywhere(request_context) -> None:
    shown = measure.show_measure(
        _state(slug="south-glos", code="HATE_CRIME_THIRD_PARTY_REPORTS_COUNT", period="2018/19")
    )
    assert "Fewer than 5 cases: withheld to protect the people involved" in text(shown.header)
    history = text(find(shown.body, html.Figcaption))
    assert history == "South Gloucestershire: one result, 9 in 2017/18."
    assert "Public outputs withhold figures from fewer than 5 cases" in text(shown.body)


def test_a_measure_page_opened_at_a_version_says_so(request_context) -> None:
    shown = measure.show_measure(
        _state(slug="south-glos", code="CRIME_TOTAL_RATE", period="2018/19", version="1")
    )
    assert "Version 1, published " in text(shown.header)
    hrefs = {link.href for link in find(shown.header, dcc.Link)}
    assert "/p/south-glos/priority/2?period=2018%2F19&version=1" in hrefs


@pytest.mark.parametrize("code", ["NOPE", "MARAC_REPEAT_VICTIMISATION_PCT"])
def test_a_non_public_or_unknown_measure_is_not_found(request_context, code: str) -> None:
    shown = measure.show_measure(_state(slug="south-glos", code=code, period=None))
    assert text(shown.header) == NOT_FOUND and shown.controls_hidden is True


def test_a_member_opens_the_measure_that_is_not_public(request_context, as_member: None) -> None:
    shown = measure.show_measure(
        _state(slug="south-glos", code="MARAC_REPEAT_VICTIMISATION_PCT", period=None)
    )
    assert MARAC in text(shown.header) and NOT_PUBLIC in text(shown.header)


def test_the_csv_download_neutralises_formulas_and_names_the_point(request_context) -> None:
    sent = measure.measure_csv(1, _state(slug="south-glos", code="CRIME_TOTAL_RATE", period=None))
    assert sent["filename"] == "south-glos-CRIME_TOTAL_RATE-2018-19.csv"
    lines = sent["content"].splitlines()
    assert lines[0].startswith("period,area_name,value,ci_low,ci_high")
    assert any(line.startswith("2018/19,South Gloucestershire,61.5") for line in lines)
    with pytest.raises(PreventUpdate):
        measure.measure_csv(1, _state(slug="south-glos", code="CRIME_TOTAL_RATE", period="2019/20"))


def test_the_public_csv_withholds_the_small_count_as_the_page_does(request_context) -> None:
    sent = measure.measure_csv(
        1,
        _state(
            slug="south-glos",
            code="HATE_CRIME_THIRD_PARTY_REPORTS_COUNT",
            period="2018/19",
            version="1",
        ),
    )
    assert (
        sent["filename"] == "south-glos-HATE_CRIME_THIRD_PARTY_REPORTS_COUNT-2018-19-version-1.csv"
    )
    own = [line for line in sent["content"].splitlines() if ",South Gloucestershire," in line]
    assert own[0].startswith("2017/18,South Gloucestershire,9")
    assert own[1].startswith("2018/19,South Gloucestershire,,")


def _history_figure(body: object) -> go.Figure:
    graph = find(body, dcc.Graph, id="measure-history-chart")[0]
    return go.Figure(graph.figure)


def _on_line(trace: object, day: date) -> float:
    """The value of a straight-line trace on a date, read from its drawn points."""
    points = [(date.fromisoformat(str(x)[:10]), y) for x, y in zip(trace.x, trace.y, strict=True)]
    for (d0, v0), (d1, v1) in itertools.pairwise(points):
        if d0 <= day <= d1:
            return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
    raise AssertionError(f"{trace.name} does not span {day}")


def test_the_chart_draws_the_trajectory_the_rating_states(request_context) -> None:
    # Gloucester's ASB, 2019: "50.8 ... at or better than the trajectory of 52.0 for 2019"
    shown = measure.show_measure(_state(slug="gloucester", code="ASB_INCIDENTS_RATE", period=None))
    reason = text(find(shown.header, html.P, className="reason"))
    stated = float(re.search(r"trajectory of ([\d.]+) for 2019", reason).group(1))
    fig = _history_figure(shown.body)
    line = next(t for t in fig.data if (t.name or "").startswith("Trajectory"))
    on_line = _on_line(line, date(2019, 12, 31))
    assert f"{on_line:.1f}" == f"{stated:.1f}" == "52.0"
    own = next(t for t in fig.data if t.name == "Gloucester")
    latest = dict(zip(own.x, own.y, strict=True))["2019-12-31"]
    assert latest == 50.8 and latest < on_line  # just below the line: on target


def test_the_chart_draws_every_area_its_legend_lists(request_context) -> None:
    shown = measure.show_measure(_state(slug="gloucester", code="ASB_INCIDENTS_RATE", period=None))
    fig = _history_figure(shown.body)
    listed = [t for t in fig.data if t.showlegend is not False]
    names = {t.name for t in listed}
    assert {"Gloucestershire Police Force Area", "South West", "England and Wales"} <= names
    for trace in listed:
        assert any(y is not None for y in trace.y), f"{trace.name} is listed but not drawn"


# --- priority -----------------------------------------------------------------------------------


def _headers_and_rows(body: object) -> tuple[list[str], list[list[str]]]:
    headers = [text(th) for th in find(find(body, html.Thead)[0], html.Th)]
    rows = [[text(c) for c in tr.children] for tr in find(find(body, html.Tbody)[0], html.Tr)]
    return headers, rows


def test_a_fixed_target_priority_shows_what_its_rule_uses_with_units(request_context) -> None:
    shown = priority.show_priority(_state(slug="gloucester", number="1", period=None))
    headers, rows = _headers_and_rows(shown.body)
    assert headers == [
        "Measure",
        "Period",
        "Gloucester",
        "Baseline",
        "Trajectory",
        "Goal",
        "Rating",
    ]
    inactive = next(r for r in rows if r[0].startswith("% of adults who are physically inactive"))
    assert inactive[2:6] == ["24.9%", "25.3% in 2018", "24.4% for 2019", "20.0% by 2024"]
    assert "no figure" not in text(shown.body)


def test_a_charted_priority_with_fixed_targets_shows_its_table_without_a_click(
    request_context,
) -> None:
    shown = priority.show_priority(_state(slug="gloucester", number="3", period=None))
    details = find(shown.body, html.Details, className="chart-data")[0]
    assert details.open is True and "Trajectory" in text(details)


def test_each_action_plan_update_sits_beside_its_actions(request_context) -> None:
    shown = priority.show_priority(_state(slug="south-glos", number="2", period=None))
    steps = find(shown.body, html.Table, className="table table-sm action-steps")
    pairs = [[text(td) for td in tr.children] for tr in find(find(steps, html.Tbody), html.Tr)]
    safe_space = next(p for p in pairs if p[0].startswith("Safe space conversations"))
    assert safe_space[1].startswith("Hold 24 safe space conversations")
    hate = next(p for p in pairs if p[0].startswith("Successful delivery of the Anti-Hate"))
    assert hate[1].endswith("Work with schools to improve reporting on hate incidents.")


def test_action_plan_bullets_are_a_list_not_inline_dots(request_context) -> None:
    shown = priority.show_priority(_state(slug="south-glos", number="1", period=None))
    bullets = [li.children for li in find(shown.body, html.Li) if isinstance(li.children, str)]
    bullets = [b for b in bullets if "talks" in b]
    assert bullets and bullets[0].startswith("8 talks to social services")
    assert "•" not in text(shown.body)


def test_the_priority_page_has_comparators_actions_and_funding(request_context) -> None:
    shown = priority.show_priority(_state(slug="south-glos", number="2", period=None))
    assert "Priority 2: Strengthen and improve your local community" in text(shown.header)
    words = text(shown.body)
    assert "Avon and Somerset" in words and "Show data as a table" in words
    assert "61.5 per 1,000 (60.6 to 62.4)" in words and "80.7 per 1,000 (80.3 to 81.1)" in words
    assert "Action plan" in words and "Funded projects" in words
    assert "£25,000" in words


def test_the_priority_page_marks_illustrative_figures(request_context) -> None:
    shown = priority.show_priority(_state(slug="south-glos", number="2", period=None))
    assert ILLUSTRATIVE_NOTE in text(shown.header)
    rows = [r for r in find(shown.body, html.Tr) if "Total recorded crime" in text(r)]
    assert rows and ILLUSTRATIVE in text(rows[0])


def test_the_priority_page_withholds_the_small_count_from_the_public(request_context) -> None:
    shown = priority.show_priority(_state(slug="south-glos", number="2", period="2018/19"))
    rows = [r for r in find(shown.body, html.Tr) if HATE_CRIME in text(r)]
    assert "Fewer than 5 cases" in text(rows[0])


def test_a_priority_page_opened_at_a_version_says_so(request_context) -> None:
    shown = priority.show_priority(
        _state(slug="south-glos", number="2", period="2018/19", version="1")
    )
    assert "Version 1, published " in text(shown.header)


def test_achieved_action_items_stay_marked_achieved(request_context) -> None:
    shown = priority.show_priority(_state(slug="south-glos", number="1", period=None))
    assert "Extend support for victims of Domestic Violence" in text(shown.body)
    achieved = [
        s for s in find(shown.body, html.Span) if "action-achieved" in getattr(s, "className", "")
    ]
    assert achieved and "Achieved" in text(achieved)


@pytest.mark.parametrize("number", ["7", None, "x"])
def test_an_unknown_priority_is_not_found(request_context, number: str | None) -> None:
    shown = priority.show_priority(_state(slug="south-glos", number=number, period=None))
    assert text(shown.header) == NOT_FOUND and shown.controls_hidden is True


def test_a_new_point_on_the_priority_page_leaves_the_version_behind() -> None:
    state = {"slug": "south-glos", "number": "2", "period": "2018/19", "version": "1"}
    new = priority.choose_period("2017/18", "2018/19", state, "/p/south-glos/priority/2", "")
    assert new == "/p/south-glos/priority/2?period=2017%2F18"


# --- county -------------------------------------------------------------------------------------


def test_the_county_view_puts_every_partnership_side_by_side(request_context) -> None:
    shown = county.show_county(_state(code="E10000013", period="2018"))
    assert shown.controls_hidden is False and shown.period == "2018"
    words = text(shown.body)
    for name in ("Cheltenham", "Cotswold", "Forest of Dean", "Gloucester", "Stroud", "Tewkesbury"):
        assert name in words
    assert "Gloucestershire" in text(shown.header)
    assert "81.5 per 1,000" in words  # Gloucester's total crime in 2018


def test_a_partnership_that_has_not_published_the_point_says_so(request_context) -> None:
    shown = county.show_county(_state(code="E10000013", period="2019"))
    assert county_page.NOT_PUBLISHED in text(shown.body)


def test_the_force_area_reaches_partnerships_through_the_county(request_context) -> None:
    shown = county.show_county(_state(code="E23000037", period="2018"))
    assert "Tewkesbury" in text(shown.body)


@pytest.mark.parametrize("code", ["E99999999", "K04000001x"])
def test_an_unknown_area_is_not_found(request_context, code: str) -> None:
    shown = county.show_county(_state(code=code, period=None))
    assert text(shown.header) == NOT_FOUND and shown.controls_hidden is True


def test_the_page_ids_are_unique() -> None:
    names = [str(v) for k, v in vars(ids).items() if k.isupper()]
    assert len(names) == len(set(names))


def test_the_county_view_opens_the_point_most_partnerships_have_published(request_context) -> None:
    shown = county.show_county(_state(code="E10000013", period=None))
    assert shown.period == "2018"
    assert county_page.NOT_PUBLISHED not in text(shown.body)


def test_the_county_view_says_not_collected_for_a_measure_a_district_does_not_have(
    request_context,
) -> None:
    shown = county.show_county(_state(code="E10000013", period="2018"))
    table = find(shown.body, html.Tbody)[0]
    imd = next(row for row in table.children if "Index of Multiple Deprivation" in text(row))
    cells = [text(cell) for cell in imd.children[1:]]
    assert cells.count(county_page.NOT_COLLECTED) == 5  # every district but Gloucester
    assert "Not measured" not in text(shown.body)
    assert county_page.NOT_PUBLISHED not in text(shown.body)


def test_each_county_row_names_the_rule_and_who_rates_it_another_way(request_context) -> None:
    shown = county.show_county(_state(code="E10000013", period="2018"))
    table = find(shown.body, html.Tbody)[0]
    crime = next(row for row in table.children if "Total recorded crime" in text(row))
    header = text(crime.children[0])
    assert "Rated by: Beat the comparator areas" in header
    assert "Reach a fixed target by a date (Gloucester)" in header
    violence = next(row for row in table.children if "Violence with injury" in text(row))
    assert text(violence.children[0]).endswith("Rated by: Beat the comparator areas")


def test_the_county_key_explains_the_rules_its_cells_use(request_context) -> None:
    words = text(county.show_county(_state(code="E10000013", period="2018")).body)
    assert "Beat the comparator areas On target when better than every comparator" in words
    assert "Reach a fixed target by a date On target when at or better" in words
    assert "Match or better the baseline" not in words


def test_gloucesters_key_explains_the_fixed_target_rule_not_comparators(request_context) -> None:
    key = text(overview.show_overview(_state(slug="gloucester", period=None)).counts)
    assert "Reach a fixed target by a date" in key and "trajectory" in key
    assert "comparator" not in key


def test_south_gloucestershires_key_explains_its_own_two_rules(request_context) -> None:
    key = text(overview.show_overview(_state(slug="south-glos", period=None)).counts)
    assert "Beat the comparator areas" in key and "Match or better the baseline" in key
    assert "Reach a fixed target by a date" not in key


# --- partnerships ---------------------------------------------------------------------------------


def test_the_partnerships_page_lists_every_partnership_and_county_view(request_context) -> None:
    body = partnerships.show_partnerships({})
    hrefs = {link.children: link.href for link in find(body, dcc.Link)}
    assert len([h for h in hrefs.values() if h.startswith("/p/")]) == 7
    assert hrefs["Stronger Safer Gloucester Partnership"] == "/p/gloucester"
    assert hrefs["Gloucestershire: partnerships side by side"] == "/county/E10000013"
    assert hrefs["Gloucestershire Police Force Area: partnerships side by side"] == (
        "/county/E23000037"
    )
    assert hrefs["Avon and Somerset: partnerships side by side"] == "/county/E23000036"
    words = text(body)
    assert "results as at 2018/19 (31 March 2019)" in words and "provisional" not in words
    assert "6 partnerships in this county" in words


def test_a_member_sees_their_provisional_point_on_the_partnerships_page(
    request_context, as_member: None
) -> None:
    words = text(partnerships.show_partnerships({}))
    assert "results as at 2019/20 H1 (30 September 2019), provisional" in words


# --- versions in the point picker ----------------------------------------------------------------


def test_the_point_picker_says_when_each_point_was_published_and_which_version(
    request_context,
) -> None:
    shown = overview.show_overview(_state(slug="south-glos", period=None))
    label = shown.period_options[0]["label"]
    assert label.startswith("2018/19 — published ")
    assert label.endswith("(version 1)")


@pytest.fixture
def second_version(server: Flask, users_db: str) -> Iterator[None]:
    """South Gloucestershire's 2018/19 corrected and published again: version 2."""
    from data_access.cache import cache
    from data_access.imports import import_results
    from data_access.publications import publish

    correction = (
        "measure_code,period,area_code,value,source\nCRIME_TOTAL_RATE,2018/19,E06000025,70.4,fix\n"
    )
    import_results("correction.csv", correction.encode(), "test-officer")
    publish("south-glos", "2018/19", "test-officer")
    cache.clear()
    with server.test_request_context():
        yield


def test_the_point_picker_offers_the_earlier_versions_of_a_point(second_version: None) -> None:
    shown = measure.show_measure(_state(slug="south-glos", code="CRIME_TOTAL_RATE"))
    options = [o for o in shown.period_options if o["value"].startswith("2018/19")]
    assert [o["value"] for o in options][:2] == ["2018/19", "2018/19@1"]
    assert options[0]["label"].endswith("(version 2)")
    assert options[1]["label"].startswith("2018/19 — earlier version 1, published ")


def test_choosing_an_earlier_version_opens_it_and_the_picker_shows_it(second_version: None) -> None:
    here = "/p/south-glos/measure/CRIME_TOTAL_RATE"
    state = _state(slug="south-glos", code="CRIME_TOTAL_RATE")
    new = measure.choose_period("2018/19@1", "2018/19", state, here, "")
    assert new == here + "?period=2018%2F19&version=1"
    shown = measure.show_measure(_state(**state, period="2018/19", version="1"))
    assert (shown.period, shown.shown) == ("2018/19@1", "2018/19@1")
    assert "Version 1, published " in text(shown.header)
    back = overview.choose(
        "south-glos",
        "2018/19",
        "all",
        {"slug": "south-glos", "period": "2018/19@1", "priority": "all"},
        {"slug": "south-glos", "period": "2018/19", "version": "1"},
        "/p/south-glos",
        "?period=2018%2F19&version=1",
    )
    assert back == "/p/south-glos?period=2018%2F19"
