"""Layouts: skeletons build bare, tiles carry word + icon + colour, the not-found page is one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pytest
from dash import dcc, html

from dashboard import chart_spec
from dashboard.model import (
    ActionStatus,
    Comparison,
    Direction,
    Polarity,
    RatingStatus,
    Result,
    TargetRule,
    Unit,
)
from dashboard.plans import ActionItem
from dashboard.report import (
    AreaRef,
    Changed,
    ComparatorEntry,
    Figure,
    MeasureEntry,
    PartnershipReport,
    PointRef,
    Previous,
    PriorityGroup,
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
    RULE_WORDS,
    WITHHELD,
)
from layouts import charts, ids, measure_page, pages, priority_page, tiles
from layouts.headings import point_heading
from layouts.links import PageLinks, measure_href, overview_href
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
    assert REASON in words
    assert "Improving: down from 62.0 per 1,000 in 2017/18" in words
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
    assert text(find(tile, html.P, className="tile-reason")) == reason
    assert text(tile).count(reason) == 1


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
    assert "95% confidence intervals" in text(tiles.rating_key([TargetRule.MATCH_BASELINE]))


def test_the_key_explains_only_the_rules_its_tiles_use() -> None:
    words = text(tiles.rating_key([TargetRule.FIXED_TARGET, TargetRule.NONE]))
    assert RULE_WORDS[TargetRule.FIXED_TARGET] in words and "trajectory" in words
    assert RULE_WORDS[TargetRule.BEAT_COMPARATORS] not in words
    assert "comparator" not in words and "monitoring only" in words


def test_the_not_found_page_says_so_and_links_to_every_partnership() -> None:
    panel = pages.not_found_panel()
    assert find(panel, html.H1)[0].children == "Page not found"
    assert find(panel, dcc.Link)[0].href == "/partnerships"


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


# --- what users saw (issue #11): reasons, arrows, decimals, charts, priority tables, plans --------

CALENDAR_2019 = ("2019", date(2019, 1, 1), date(2019, 12, 31))
TRAJECTORY = TargetEntry(
    TargetRule.FIXED_TARGET,
    "Reach 37.0 per 1,000 by 2024 (from the 2018 baseline)",
    baseline_period="2018",
    baseline_value=55.0,
    target=37.0,
    target_period="2024",
)
ASB = replace(
    ENTRY,
    code="ASB",
    title="Anti-social behaviour incidents per 1,000 population",
    target=TRAJECTORY,
    figure=Figure(*CALENDAR_2019, 50.8),
    rating=RatingEntry(RatingStatus.GREEN, "On target", "50.8 is at or better than ..."),
    comparators=(
        ComparatorEntry(AreaRef("E1", "Avon and Somerset"), None, Comparison.NOT_COMPARED),
    ),
)


def _result(area: str, period: str, start: date, end: date, value: float | None) -> Result:
    return Result("CRIME", area, period, start, end, value)


def test_the_reason_is_on_the_tile_right_after_the_rating_not_in_a_tooltip() -> None:
    parts = tiles.measure_tile(ENTRY, "/").children
    badge = next(i for i, p in enumerate(parts) if "rating-green" in str(p.className))
    assert parts[badge + 1].className == "tile-reason"
    assert text(parts[badge + 1]) == REASON


@pytest.mark.parametrize(
    ("direction", "value", "before", "words", "arrow"),
    [
        (Direction.WORSENING, 5.0, 4.3, "Worsening: up from 4.3 per 1,000 in 2017/18", "up-right"),
        (
            Direction.IMPROVING,
            4.0,
            4.3,
            "Improving: down from 4.3 per 1,000 in 2017/18",
            "down-right",
        ),
        (
            Direction.NO_CHANGE,
            4.3,
            4.3,
            "No significant change: the same as 4.3 per 1,000 in 2017/18",
            "right",
        ),
        (Direction.NOT_COMPARED, 5.0, 4.3, "Up from 4.3 per 1,000 in 2017/18", "up-right"),
    ],
)
def test_the_direction_arrow_shows_how_the_value_moved_and_the_words_judge_it(
    direction: Direction, value: float, before: float, words: str, arrow: str
) -> None:
    entry = replace(
        ENTRY,
        figure=Figure(*YEAR, value),
        direction=direction,
        previous=Previous("2017/18", before),
    )
    line = tiles.direction_line(entry)
    assert text(line) == words
    assert [s.className for s in find(line, html.Span)] == [f"icon icon-arrow-{arrow}"]
    assert str(direction) not in line.className  # no colour hangs on the judgement


def test_a_rising_figure_that_is_better_still_points_up() -> None:
    entry = replace(
        ENTRY,
        unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER_IS_BETTER,
        figure=Figure(*YEAR, 80.6),
        previous=Previous("2017/18", 79.4),
    )
    line = tiles.direction_line(entry)
    assert text(line) == "Improving: up from 79.4% in 2017/18"
    assert find(line, html.Span)[0].className == "icon icon-arrow-up-right"


def test_a_measure_with_its_own_decimals_shows_them_on_tiles_tables_and_intervals() -> None:
    figure = Figure(*YEAR, 60.0, ci_low=59.123, ci_high=60.877)
    entry = replace(ENTRY, decimals=2, figure=figure, previous=Previous("2017/18", 62.0))
    words = text(tiles.measure_tile(entry, "/"))
    assert "60.00 per 1,000" in words and "down from 62.00 per 1,000" in words
    assert priority_page.with_interval(figure, entry) == "60.00 per 1,000 (59.12 to 60.88)"
    history = [_result("E0", *YEAR, 60.0)]
    _, rows = measure_page.chart_rows(chart_spec.history_chart(entry, history))
    assert rows[0][2] == "60.00"


def test_the_data_grid_shows_each_number_as_the_tables_do_and_sorts_it_as_a_number() -> None:
    derived = replace(_result("E0", *YEAR, 88.45048895430294), numerator=16933, denominator=191441)
    section = measure_page.grid(ENTRY, measure_page.history_rows(ENTRY, [derived]))
    grid = find(section, dag.AgGrid)[0]
    row = grid.rowData[0]
    assert row["value"] == 88.45048895430294
    assert (row["value_shown"], row["numerator_shown"], row["denominator_shown"]) == (
        "88.5",
        "16,933",
        "191,441",
    )
    value = next(c for c in grid.columnDefs if c["field"] == "value")
    assert value["valueFormatter"] == {"function": "params.data.value_shown"}


def test_money_in_a_table_carries_its_pound_sign() -> None:
    money = replace(ENTRY, unit=Unit.CURRENCY_GBP, figure=Figure(*YEAR, 211750.0))
    assert priority_page.with_interval(money.figure, money) == "£211,750"
    _, rows = measure_page.chart_rows(
        chart_spec.history_chart(money, [_result("E0", *YEAR, 211750.0)])
    )
    assert rows[0][2] == "£211,750"


def test_the_history_chart_puts_each_result_at_its_period_end_on_a_date_axis() -> None:
    history = [
        _result("E1", "2018/19", date(2018, 4, 1), date(2019, 3, 31), 24.3),
        _result("E0", "2018", date(2018, 1, 1), date(2018, 12, 31), 55.0),
        _result("E0", *CALENDAR_2019, 50.8),
    ]
    fig = charts.history_figure(chart_spec.history_chart(ASB, history))
    assert fig.layout.xaxis.type == "date"
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Avon and Somerset"].x) == ["2019-03-31"]
    assert list(by_name["South Gloucestershire"].x) == ["2018-12-31", "2019-12-31"]
    trajectory = by_name["Trajectory to the 2024 goal"]
    assert list(trajectory.x) == ["2018-12-31", "2024-12-31"]
    assert list(trajectory.y) == [55.0, 37.0]


def test_a_legend_lists_only_what_is_drawn() -> None:
    history = [_result("E0", *CALENDAR_2019, 50.8)]  # Avon and Somerset has no figure at all
    fig = charts.history_figure(chart_spec.history_chart(ASB, history))
    assert "Avon and Somerset" not in {t.name for t in fig.data}
    for trace in fig.data:
        if trace.showlegend is not False:
            assert any(y is not None for y in trace.y), trace.name


def test_names_reach_a_chart_as_plain_text_not_markup() -> None:
    evil = '<a href="https://evil.example">Click</a>'
    entry = replace(ENTRY, area=AreaRef("E0", evil), title=f"<b>{evil}</b>")
    fig = charts.history_figure(chart_spec.history_chart(entry, [_result("E0", *YEAR, 60.0)]))
    shown = [t.name for t in fig.data] + [h for t in fig.data for h in (t.text or ())]
    assert shown and not any("<a" in s or "<b>" in s for s in shown if s)
    assert any("&lt;a href" in s for s in shown if s)
    panels = charts.comparison_figure(priority_page.panels([entry]))
    titles = [a.text for a in panels.layout.annotations]
    assert titles and all("<b>" not in t and "&lt;b&gt;" in t for t in titles)
    assert all("<a" not in name for t in panels.data for name in t.y)


def _table_text(section: object) -> tuple[list[str], list[list[str]]]:
    headers = [text(th) for th in find(section, html.Thead)[0].children.children]
    rows = [
        [text(cell) for cell in tr.children] for tr in find(find(section, html.Tbody)[0], html.Tr)
    ]
    return headers, rows


def test_a_fixed_target_priority_shows_baseline_trajectory_and_goal_and_no_empty_columns() -> None:
    report = _report(measures=(ASB,), groups=(PriorityGroup(3, "Response", ("ASB",)),))
    section = priority_page.comparison(report, 3, PageLinks("x"))
    headers, rows = _table_text(section)
    assert "Avon and Somerset" not in headers  # no figure on any row: no column
    assert headers[-4:] == ["Baseline", "Trajectory", "Goal", "Rating"]
    assert rows[0][2:6] == [
        "50.8 per 1,000",
        "55.0 per 1,000 in 2018",
        "52.0 per 1,000 for 2019",
        "37.0 per 1,000 by 2024",
    ]
    assert "no figure" not in text(section)


def test_a_mixed_priority_marks_the_target_columns_a_rule_does_not_use() -> None:
    report = _report(
        measures=(ENTRY, ASB), groups=(PriorityGroup(3, "Response", ("CRIME", "ASB")),)
    )
    headers, rows = _table_text(priority_page.comparison(report, 3, PageLinks("x")))
    assert "Avon and Somerset" in headers
    beat, fixed = rows
    assert beat[headers.index("Baseline")] == "—" and beat[headers.index("Goal")] == "—"
    assert fixed[headers.index("Avon and Somerset")] == "no figure"


PLAN_ITEM = ActionItem(
    2,
    "Improve community cohesion",
    "Strategy agreed.\n\nTraining delivered, including\n• 8 talks\n• 2 workshops",
    "Maintain processes.\n\nThis work remains ongoing\nReport to the partnership in June",
    ActionStatus.IN_PROGRESS,
    "p2-1",
)


def test_each_update_sits_beside_the_actions_that_follow_from_it() -> None:
    section = priority_page.action_plan([PLAN_ITEM])
    rows = find(find(section, html.Tbody)[0], html.Tr)
    pairs = [[text(td) for td in row.children] for row in rows]
    assert pairs == [
        ["Strategy agreed.", "Maintain processes."],
        [
            "Training delivered, including 8 talks 2 workshops",
            "This work remains ongoing Report to the partnership in June",
        ],
    ]


def test_plan_text_keeps_its_line_breaks_and_bullets() -> None:
    item = replace(PLAN_ITEM, update=PLAN_ITEM.update.replace("\n\n", "\n"), actions="One\nTwo")
    section = priority_page.action_plan([item])
    assert [p.children for p in find(section, html.P, className="plan-line")] == [
        "Strategy agreed.",
        "Training delivered, including",
        "One",
        "Two",
    ]
    assert [li.children for li in find(find(section, html.Ul, className="plan-list"), html.Li)] == [
        "8 talks",
        "2 workshops",
    ]
