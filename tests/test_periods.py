"""Period labels (INTERFACES.md section 3): forms, aliases, errors, order and the year before."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.periods import (
    ACCEPTED_FORMS,
    Period,
    PeriodLabelError,
    canonical_label,
    latest_on_or_before,
    normalise_label,
    parse_period,
    period_from_dates,
    too_old,
    year_earlier,
)

# Years in which every form is a period: "2100/01" ends in 2101, outside the grammar.
YEARS = st.integers(1900, 2099)


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2018/19", date(2018, 4, 1), date(2019, 3, 31)),
        ("2019/20 H1", date(2019, 4, 1), date(2019, 9, 30)),
        ("2019/20 H2", date(2019, 10, 1), date(2020, 3, 31)),
        ("2019/20 Q1", date(2019, 4, 1), date(2019, 6, 30)),
        ("2019/20 Q2", date(2019, 7, 1), date(2019, 9, 30)),
        ("2019/20 Q3", date(2019, 10, 1), date(2019, 12, 31)),
        ("2019/20 Q4", date(2020, 1, 1), date(2020, 3, 31)),
        ("12m to 2019-09", date(2018, 10, 1), date(2019, 9, 30)),
        ("12m to 2020-02", date(2019, 3, 1), date(2020, 2, 29)),
        ("2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("1999/00", date(1999, 4, 1), date(2000, 3, 31)),
    ],
)
def test_each_canonical_form_names_its_dates(label: str, start: date, end: date) -> None:
    assert parse_period(label) == Period(label, start, end)


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("2019/2020", "2019/20"),
        ("2019-20", "2019/20"),
        ("FY 2019/20", "2019/20"),
        ("2019/20 h1", "2019/20 H1"),
        ("  2019/20   q3 ", "2019/20 Q3"),
        ("2019/2020 H2", "2019/20 H2"),
        ("12m to 2019-03", "2018/19"),
        ("12m to 2019-12", "2019"),
        ("12 months to 2019-9", "12m to 2019-09"),
        ("12 months ending 2019-06", "12m to 2019-06"),
        ("CY 2019", "2019"),
    ],
)
def test_aliases_normalise_to_the_one_canonical_label(alias: str, canonical: str) -> None:
    assert normalise_label(alias) == canonical
    assert parse_period(alias) == parse_period(canonical)


@pytest.mark.parametrize("label", ["2019/20 Q5", "2019/20 H3", "Q3 2019", "last year", "19/20"])
def test_an_unknown_spelling_is_an_error_naming_the_accepted_forms(label: str) -> None:
    with pytest.raises(PeriodLabelError) as caught:
        parse_period(label)
    assert str(caught.value) == f"'{label}' is not a period: use e.g. {ACCEPTED_FORMS}."


@pytest.mark.parametrize("label", ["", "   "])
def test_a_missing_label_asks_for_one(label: str) -> None:
    with pytest.raises(PeriodLabelError) as caught:
        parse_period(label)
    assert str(caught.value) == f"A period is required: use e.g. {ACCEPTED_FORMS}."


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("2019/21", "a financial year runs into the next year, e.g. 2019/20"),
        ("2019/2019", "a financial year runs into the next year, e.g. 2019/20"),
        ("12m to 2019-13", "the month must be 01 to 12"),
        ("12m to 2019-00", "the month must be 01 to 12"),
        ("1850", "the year must be between 1900 and 2100"),
        ("2150/51 Q1", "the year must be between 1900 and 2100"),
        ("2100/01", "the year must be between 1900 and 2100"),  # it ends in 2101
    ],
)
def test_a_near_miss_says_what_is_wrong_with_it(label: str, reason: str) -> None:
    with pytest.raises(PeriodLabelError) as caught:
        parse_period(label)
    assert reason in str(caught.value)
    assert f"'{label}' is not a period" in str(caught.value)


def test_a_period_label_error_is_a_value_error() -> None:
    assert issubclass(PeriodLabelError, ValueError)


def test_periods_sort_by_end_date_then_shorter_first() -> None:
    labels = ["12m to 2019-09", "2019/20 H1", "2019", "2019/20 Q2", "2018/19", "2019/20 Q1"]
    ordered = sorted(parse_period(label) for label in labels)
    assert [p.label for p in ordered] == [
        "2018/19",
        "2019/20 Q1",
        "2019/20 Q2",
        "2019/20 H1",
        "12m to 2019-09",
        "2019",
    ]


def test_a_quarter_sorts_before_the_half_and_the_year_ending_with_it() -> None:
    quarter, half, year = (parse_period(x) for x in ("2019/20 Q2", "2019/20 H1", "12m to 2019-09"))
    assert quarter < half < year
    assert not half < quarter
    assert year > quarter


@pytest.mark.parametrize(
    ("label", "earlier"),
    [
        ("2019/20", "2018/19"),
        ("2019/20 Q2", "2018/19 Q2"),
        ("2019/20 H2", "2018/19 H2"),
        ("12m to 2019-09", "12m to 2018-09"),
        ("12m to 2020-02", "12m to 2019-02"),
        ("2019", "2018"),
        ("2000/01", "1999/00"),
    ],
)
def test_year_earlier_is_the_same_stretch_one_year_before(label: str, earlier: str) -> None:
    assert year_earlier(parse_period(label)) == parse_period(earlier)


def test_year_earlier_of_a_leap_february_ends_on_the_28th() -> None:
    assert year_earlier(parse_period("12m to 2020-02")).end == date(2019, 2, 28)


@pytest.mark.parametrize(
    ("result_end", "point_end", "old"),
    [
        (date(2019, 3, 31), date(2022, 3, 31), False),  # exactly three years: still used
        (date(2019, 3, 30), date(2022, 3, 31), True),
        (date(2022, 3, 31), date(2022, 3, 31), False),
        (date(2021, 2, 28), date(2024, 2, 29), False),  # 29 February point: limit is 28 Feb
        (date(2021, 2, 27), date(2024, 2, 29), True),
    ],
)
def test_too_old_is_more_than_three_years_before_the_point(
    result_end: date, point_end: date, old: bool
) -> None:
    assert too_old(result_end, point_end) is old


def test_latest_on_or_before_ignores_periods_ending_after_the_point() -> None:
    periods = [parse_period(x) for x in ("2018/19", "2019/20 H1", "2019/20")]
    assert latest_on_or_before(periods, date(2019, 9, 30)) == parse_period("2019/20 H1")
    assert latest_on_or_before(periods, date(2019, 9, 29)) == parse_period("2018/19")


def test_latest_on_or_before_prefers_the_longest_period_on_a_tied_end_date() -> None:
    periods = [parse_period(x) for x in ("2019/20 Q2", "12m to 2019-09", "2019/20 H1")]
    assert latest_on_or_before(periods, date(2020, 1, 1)) == parse_period("12m to 2019-09")


def test_latest_on_or_before_is_none_when_nothing_has_ended() -> None:
    assert latest_on_or_before([parse_period("2019/20")], date(2019, 12, 31)) is None
    assert latest_on_or_before([], date(2019, 12, 31)) is None


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2019, 4, 2), date(2020, 3, 31)),  # not the first of a month
        (date(2019, 4, 1), date(2020, 3, 30)),  # not a month end
        (date(2019, 5, 1), date(2019, 7, 31)),  # a quarter out of step with the financial year
        (date(2019, 4, 1), date(2019, 5, 31)),  # two months
        (date(2020, 4, 1), date(2019, 3, 31)),  # backwards
    ],
)
def test_canonical_label_refuses_ranges_the_grammar_cannot_name(start: date, end: date) -> None:
    with pytest.raises(PeriodLabelError, match="is not a period the labels can name"):
        canonical_label(start, end)


# --- properties -----------------------------------------------------------------------------


@st.composite
def canonical_labels(draw: st.DrawFn, years: st.SearchStrategy[int] = YEARS) -> str:
    """A label of any of the five forms, in its canonical spelling."""
    year = draw(years)
    financial = f"{year}/{(year + 1) % 100:02d}"
    return draw(
        st.sampled_from(
            [
                financial,
                f"{financial} H1",
                f"{financial} H2",
                f"{financial} Q1",
                f"{financial} Q2",
                f"{financial} Q3",
                f"{financial} Q4",
                str(year),
            ]
        )
        | st.integers(1, 12).map(lambda month: f"12m to {year}-{month:02d}")
    )


@st.composite
def alias_spellings(draw: st.DrawFn) -> str:
    """Another accepted spelling of some period: case, spacing, prefixes, long years."""
    year = draw(YEARS)
    space = draw(st.sampled_from(["", " ", "  "]))
    second = draw(st.sampled_from([f"{(year + 1) % 100:02d}", str(year + 1)]))
    part = draw(st.sampled_from(["", "h1", "H2", "q1", "Q2", "q3", "Q4"]))
    financial = f"{draw(st.sampled_from(['', 'fy', 'FY ']))}{year}{space}/{space}{second}"
    rolling = (
        f"12{draw(st.sampled_from(['m', 'M', ' months', ' month']))} "
        f"{draw(st.sampled_from(['to', 'ending', 'TO']))} {year}-{draw(st.integers(1, 12))}"
    )
    label = draw(
        st.sampled_from(
            [
                f"{financial}{' ' if part else ''}{part}",
                rolling,
                f"{draw(st.sampled_from(['', 'cy']))}{year}",
            ]
        )
    )
    return f"{space}{label}{space}"


@given(canonical_labels())
def test_parsing_a_canonical_label_gives_it_back(label: str) -> None:
    period = parse_period(label)
    assert parse_period(period.label) == period
    assert period.start.day == 1
    assert period.start < period.end


@given(alias_spellings())
def test_normalising_an_accepted_spelling_is_idempotent(label: str) -> None:
    once = normalise_label(label)
    assert normalise_label(once) == once
    assert parse_period(once) == parse_period(label)


@given(st.text(max_size=30))
def test_any_text_either_normalises_idempotently_or_is_a_period_label_error(text: str) -> None:
    try:
        once = normalise_label(text)
    except PeriodLabelError:
        return
    assert normalise_label(once) == once


@st.composite
def nameable_ranges(draw: st.DrawFn) -> tuple[date, date]:
    """Start and end of a twelve-month run, a financial half or a financial quarter."""
    year = draw(YEARS)
    length = draw(st.sampled_from([3, 6, 12]))
    if length == 12:
        month = draw(st.integers(1, 12))
    else:
        month = 4 + length * draw(st.integers(0, 12 // length - 1))
    start = date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    index = start.year * 12 + start.month - 1 + length
    end = date(index // 12, index % 12 + 1, 1).toordinal() - 1
    return start, date.fromordinal(end)


@given(nameable_ranges())
def test_canonical_label_of_a_range_parses_back_to_that_range(dates: tuple[date, date]) -> None:
    start, end = dates
    assert parse_period(canonical_label(start, end)) == Period(
        canonical_label(start, end), start, end
    )
    assert period_from_dates(start, end).label == canonical_label(start, end)


@given(canonical_labels(years=st.integers(1901, 2099)))  # the year before stays in the grammar
def test_year_earlier_keeps_the_length_and_moves_the_end_back_one_year(label: str) -> None:
    period = parse_period(label)
    earlier = year_earlier(period)
    assert earlier < period
    assert earlier.end.year == period.end.year - 1
    assert earlier.end.month == period.end.month
    assert parse_period(earlier.label) == earlier


@given(st.lists(canonical_labels(), min_size=1, max_size=8))
def test_sorting_agrees_with_end_date_then_length(labels: list[str]) -> None:
    ordered = sorted(parse_period(label) for label in labels)
    keys = [(p.end, p.end - p.start) for p in ordered]
    assert keys == sorted(keys)


def test_the_first_year_of_the_grammar_round_trips() -> None:
    period = parse_period("12m to 1900-03")
    assert period.label == "1899/00"
    assert parse_period(period.label) == period


def test_the_year_before_the_first_financial_year_can_be_named() -> None:
    earlier = year_earlier(parse_period("1900/01"))
    assert parse_period(earlier.label) == earlier
