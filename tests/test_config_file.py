"""The TOML configuration file (INTERFACES.md section 4): a full example and each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.config_file import Config, ConfigError, load_config, parse_config
from dashboard.model import (
    Area,
    AreaKind,
    Measure,
    Partnership,
    PartnershipMeasure,
    Polarity,
    Priority,
    TargetRule,
    TargetSpec,
    Unit,
)
from dashboard.periods import ACCEPTED_FORMS

SEED_CONFIG = Path(__file__).resolve().parent.parent / "seed_data" / "config.toml"

AREAS = """
[[area]]
code = "K04000001"
name = "England and Wales"
kind = "nation"

[[area]]
code = "E23000036"
name = "Avon and Somerset"
kind = "police_force"

[[area]]
code = "E06000025"
name = "South Gloucestershire"
kind = "partnership"
parent = "E23000036"
"""

MEASURES = """
[[measure]]
code = "CRIME_TOTAL_RATE"
title = "All recorded crime (excluding fraud)"
unit = "rate_per_1000"
polarity = "lower_is_better"
definition = "Crimes per 1,000 residents"
source = "Home Office police recorded crime"
owner = "Police"

[[measure]]
code = "FEEL_SAFE_PCT"
title = "Residents who feel safe after dark"
unit = "percentage"
polarity = "higher_is_better"

[[measure]]
code = "IMD_RANK"
title = "Index of multiple deprivation rank"
unit = "rank"
polarity = "higher_is_better"
"""

PARTNERSHIP = """
[[partnership]]
slug = "south-glos"
name = "South Gloucestershire Safer and Stronger Communities Strategic Partnership"
area = "E06000025"
comparators = ["E23000036", "K04000001"]

  [[partnership.priority]]
  number = 1
  title = "Protecting people from harm"

  [[partnership.priority]]
  number = 2
  title = "Strengthen and improve your local community"

  [[partnership.measure]]
  code = "CRIME_TOTAL_RATE"
  priority = 2
  public = true
  rule = "beat_comparators"

  [[partnership.measure]]
  code = "FEEL_SAFE_PCT"
  priority = 1
  rule = "match_baseline"
  baseline_period = "12m to 2019-03"
  tolerance = 2

  [[partnership.measure]]
  code = "IMD_RANK"
  priority = 1
  public = false
  rule = "fixed_target"
  baseline_period = "2018"
  target = 155
  target_period = "2024"
"""

FULL = AREAS + MEASURES + PARTNERSHIP


def problems(text: str, **known: object) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "config.toml", **known)  # type: ignore[arg-type]
    assert str(caught.value) == "\n".join(caught.value.problems)
    return list(caught.value.problems)


def with_measure(lines: str, comparators: str = '["E23000036"]') -> str:
    """The full example with one more partnership measure, for the rule tests."""
    return (
        AREAS
        + MEASURES
        + f"""
[[partnership]]
slug = "p"
name = "P"
area = "E06000025"
comparators = {comparators}

  [[partnership.measure]]
  code = "FEEL_SAFE_PCT"
  priority = 1
{lines}
"""
    )


PM = 'config.toml: [[partnership]] 1 (slug "p"): [[partnership.measure]] 1 (code "FEEL_SAFE_PCT")'


# --- a valid file ---------------------------------------------------------------------------


def test_a_full_example_reads_into_domain_records() -> None:
    config = parse_config(FULL, "config.toml")
    crime = Measure(
        "CRIME_TOTAL_RATE",
        "All recorded crime (excluding fraud)",
        Unit.RATE_PER_1000,
        Polarity.LOWER_IS_BETTER,
        "Crimes per 1,000 residents",
        "Home Office police recorded crime",
        "Police",
    )
    feel_safe = Measure(
        "FEEL_SAFE_PCT",
        "Residents who feel safe after dark",
        Unit.PERCENTAGE,
        Polarity.HIGHER_IS_BETTER,
    )
    imd = Measure(
        "IMD_RANK", "Index of multiple deprivation rank", Unit.RANK, Polarity.HIGHER_IS_BETTER
    )
    assert config == Config(
        areas=(
            Area("K04000001", "England and Wales", AreaKind.NATION),
            Area("E23000036", "Avon and Somerset", AreaKind.POLICE_FORCE),
            Area("E06000025", "South Gloucestershire", AreaKind.PARTNERSHIP, "E23000036"),
        ),
        measures=(crime, feel_safe, imd),
        partnerships=(
            Partnership(
                slug="south-glos",
                name="South Gloucestershire Safer and Stronger Communities Strategic Partnership",
                area="E06000025",
                comparators=("E23000036", "K04000001"),
                priorities=(
                    Priority(1, "Protecting people from harm"),
                    Priority(2, "Strengthen and improve your local community"),
                ),
                measures=(
                    PartnershipMeasure(crime, 2, True, TargetSpec(TargetRule.BEAT_COMPARATORS)),
                    PartnershipMeasure(
                        feel_safe,
                        1,
                        True,
                        TargetSpec(
                            TargetRule.MATCH_BASELINE, baseline_period="2018/19", tolerance=2.0
                        ),
                    ),
                    PartnershipMeasure(
                        imd,
                        1,
                        False,
                        TargetSpec(
                            TargetRule.FIXED_TARGET,
                            baseline_period="2018",
                            target=155.0,
                            target_period="2024",
                        ),
                    ),
                ),
            ),
        ),
    )


def test_an_empty_file_is_an_empty_configuration() -> None:
    assert parse_config("", "config.toml") == Config((), (), ())


def test_every_unit_kind_polarity_and_rule_of_the_model_is_accepted() -> None:
    areas = "".join(
        f'[[area]]\ncode = "A{i}"\nname = "A"\nkind = "{kind}"\n' for i, kind in enumerate(AreaKind)
    )
    measures = "".join(
        f'[[measure]]\ncode = "M{i}"\ntitle = "M"\nunit = "{unit}"\npolarity = "{polarity}"\n'
        for i, (unit, polarity) in enumerate(zip(Unit, [*Polarity] * 3, strict=False))
    )
    config = parse_config(areas + measures, "config.toml")
    assert [area.kind for area in config.areas] == list(AreaKind)
    assert [measure.unit for measure in config.measures] == list(Unit)


def test_references_may_point_at_areas_and_measures_already_loaded() -> None:
    text = """
[[partnership]]
slug = "gloucester"
name = "Stronger Safer Gloucester Partnership"
area = "E07000081"
comparators = ["E23000037"]

  [[partnership.measure]]
  code = "CRIME_TOTAL_RATE"
  priority = 1
  rule = "none"
"""
    config = parse_config(
        text,
        "config.toml",
        known_areas={"E07000081", "E23000037"},
        known_measures={"CRIME_TOTAL_RATE"},
    )
    assert config.partnerships[0].measures[0].measure.code == "CRIME_TOTAL_RATE"


def test_a_known_measure_passed_as_a_mapping_is_used_whole() -> None:
    crime = Measure("CRIME_TOTAL_RATE", "Crime", Unit.RATE_PER_1000, Polarity.LOWER_IS_BETTER)
    text = (
        AREAS
        + PARTNERSHIP.split("  [[partnership.measure]]")[0]
        + (
            '  [[partnership.measure]]\n  code = "CRIME_TOTAL_RATE"\n'
            '  priority = 1\n  rule = "none"\n'
        )
    )
    config = parse_config(text, "config.toml", known_measures={"CRIME_TOTAL_RATE": crime})
    assert config.partnerships[0].measures[0].measure == crime


def test_public_defaults_to_true_and_a_partnership_without_priorities_takes_any_number() -> None:
    config = parse_config(
        AREAS
        + MEASURES
        + """
[[partnership]]
slug = "p2"
name = "P"
area = "E06000025"

  [[partnership.measure]]
  code = "FEEL_SAFE_PCT"
  priority = 7
  rule = "none"
""",
        "config.toml",
    )
    (measure,) = config.partnerships[0].measures
    assert (measure.priority, measure.public, config.partnerships[0].comparators) == (7, True, ())


def test_load_config_reads_a_file_and_names_it_in_problems(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(FULL, encoding="utf-8")
    assert load_config(path) == parse_config(FULL, "config.toml")
    path.write_text('[[area]]\ncode = "X"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f'{path}: [[area]] 1 (code "X"): name: missing')


def test_load_config_says_when_the_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_load_config_names_the_line_of_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[[area]]\ncode = "X"\nname = "Caf\xe9"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: line 3: not UTF-8 text: save the file as UTF-8"


@pytest.mark.skipif(not SEED_CONFIG.exists(), reason="seed_data/config.toml not written yet")
def test_the_sample_configuration_parses_cleanly() -> None:
    config = load_config(SEED_CONFIG)
    slugs = [partnership.slug for partnership in config.partnerships]
    assert {"south-glos", "gloucester"} <= set(slugs)


# --- syntax ---------------------------------------------------------------------------------


def test_a_toml_syntax_error_gives_the_line_and_column() -> None:
    assert problems('[[area]]\ncode = "X"\nname "Y"\n') == [
        "config.toml: line 3, column 6: not valid TOML: Expected '=' after a key in a "
        "key/value pair"
    ]


def test_a_key_given_twice_is_a_syntax_error_with_its_line() -> None:
    (message,) = problems('[[area]]\ncode = "X"\ncode = "Y"\n')
    assert message.startswith("config.toml: line 3, column ")
    assert "not valid TOML" in message


# --- tables, keys and types -----------------------------------------------------------------


def test_a_missing_required_key_names_file_table_and_key() -> None:
    assert problems('[[measure]]\ncode = "X"\ntitle = "T"\nunit = "count"\n') == [
        'config.toml: [[measure]] 1 (code "X"): polarity: missing: this key is required'
    ]


def test_a_table_without_its_code_is_named_by_position() -> None:
    assert problems('[[area]]\nname = "A"\nkind = "nation"\n') == [
        "config.toml: [[area]] 1: code: missing: this key is required"
    ]


def test_an_unknown_key_is_a_typo_with_a_suggestion() -> None:
    assert problems(
        with_measure('  rule = "match_baseline"\n  baseline_period = "2018/19"\n  tolerence = 2\n')
    ) == [
        f"{PM}: tolerence: unknown key 'tolerence' (did you mean 'tolerance'?): the keys here "
        "are code, priority, public, rule, baseline_period, tolerance, target, target_period, "
        "max_age_years, area, remove"
    ]


def test_an_unknown_top_level_table_is_reported() -> None:
    assert problems('[[areas]]\ncode = "X"\n') == [
        "config.toml: areas: unknown key 'areas' (did you mean 'area'?): the keys here are "
        "area, measure, partnership"
    ]


def test_a_single_table_where_an_array_of_tables_belongs_is_reported() -> None:
    assert problems('[area]\ncode = "X"\nname = "A"\nkind = "nation"\n') == [
        "config.toml: area: expected [[area]] tables, one per area, got a table"
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('priority = "2"', "priority: expected a whole number, got the text '2'"),
        ("priority = 1.5", "priority: expected a whole number, got the number 1.5"),
        ("priority = true", "priority: expected a whole number, got true"),
        ("priority = 0", "priority: 0 is below 1"),
    ],
)
def test_a_value_of_the_wrong_type_names_what_was_expected(line: str, problem: str) -> None:
    text = (
        AREAS
        + MEASURES
        + f"""
[[partnership]]
slug = "p"
name = "P"
area = "E06000025"

  [[partnership.measure]]
  code = "FEEL_SAFE_PCT"
  {line}
  rule = "none"
"""
    )
    assert problems(text) == [
        f'config.toml: [[partnership]] 1 (slug "p"): [[partnership.measure]] 1 '
        f'(code "FEEL_SAFE_PCT"): {problem}'
    ]


def test_public_must_be_true_or_false() -> None:
    assert problems(with_measure('  rule = "none"\n  public = "yes"\n')) == [
        f"{PM}: public: expected true or false, got the text 'yes'"
    ]


def test_comparators_must_be_a_list_of_codes() -> None:
    text = (
        AREAS
        + '[[partnership]]\nslug = "p"\nname = "P"\narea = "E06000025"\ncomparators = "E23000036"\n'
    )
    assert problems(text) == [
        'config.toml: [[partnership]] 1 (slug "p"): comparators: expected a list of codes in '
        "quotes, got the text 'E23000036'"
    ]


def test_a_measure_may_leave_its_definition_source_and_owner_empty() -> None:
    text = '[[measure]]\ncode = "X"\ntitle = "T"\nunit = "count"\npolarity = "no_judgement"\n'
    measure = parse_config(text + 'definition = ""\nowner = ""\n', "c.toml").measures[0]
    assert (measure.definition, measure.source, measure.owner) == ("", "", "")


def test_empty_text_is_refused() -> None:
    assert problems('[[area]]\ncode = "X"\nname = " "\nkind = "nation"\n') == [
        'config.toml: [[area]] 1 (code "X"): name: must not be empty'
    ]


@pytest.mark.parametrize(
    ("table", "key", "value", "choices"),
    [
        ("measure", "unit", "rate", ", ".join(Unit)),
        ("measure", "polarity", "lower", ", ".join(Polarity)),
        ("area", "kind", "district", ", ".join(AreaKind)),
    ],
)
def test_a_value_outside_a_closed_set_lists_the_choices(
    table: str, key: str, value: str, choices: str
) -> None:
    if table == "measure":
        fields = {"code": "X", "title": "T", "unit": "count", "polarity": "no_judgement"}
    else:
        fields = {"code": "X", "name": "N", "kind": "nation"}
    fields[key] = value
    text = f"[[{table}]]\n" + "".join(f'{k} = "{v}"\n' for k, v in fields.items())
    assert problems(text) == [
        f"config.toml: [[{table}]] 1 (code \"X\"): {key}: '{value}' is not one of {choices}"
    ]


def test_the_unit_message_matches_the_documented_example() -> None:
    text = (
        MEASURES
        + '[[measure]]\ncode = "X"\ntitle = "T"\nunit = "rate"\npolarity = "no_judgement"\n'
    )
    assert problems(text) == [
        "config.toml: [[measure]] 4 (code \"X\"): unit: 'rate' is not one of rate_per_1000, "
        "rate_per_100000, percentage, count, currency_gbp, rank, years"
    ]


def test_a_rule_outside_the_set_is_reported() -> None:
    assert problems(with_measure('  rule = "beat_baseline"\n')) == [
        f"{PM}: rule: 'beat_baseline' is not one of beat_comparators, match_baseline, "
        "fixed_target, none"
    ]


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    text = """
[[area]]
code = "A"
name = "A"
kind = "town"

[[measure]]
code = "M"
title = "M"
unit = "rate"
polarity = "lower_is_better"
colour = "red"
"""
    assert problems(text) == [
        "config.toml: [[area]] 1 (code \"A\"): kind: 'town' is not one of " + ", ".join(AreaKind),
        "config.toml: [[measure]] 1 (code \"M\"): colour: unknown key 'colour': the keys here "
        "are code, title, unit, polarity, definition, source, owner, decimals, suppress_below, "
        "design_effect",
        "config.toml: [[measure]] 1 (code \"M\"): unit: 'rate' is not one of " + ", ".join(Unit),
    ]


# --- duplicates and references --------------------------------------------------------------


def test_an_area_code_used_twice_names_the_first_table() -> None:
    assert problems(AREAS + '[[area]]\ncode = "E23000036"\nname = "Again"\nkind = "region"\n') == [
        "config.toml: [[area]] 4 (code \"E23000036\"): code: 'E23000036' is already used by "
        '[[area]] 2 (code "E23000036")'
    ]


def test_a_measure_code_used_twice_is_reported() -> None:
    text = (
        MEASURES
        + '[[measure]]\ncode = "IMD_RANK"\ntitle = "T"\nunit = "rank"\npolarity = "no_judgement"\n'
    )
    assert problems(text) == [
        "config.toml: [[measure]] 4 (code \"IMD_RANK\"): code: 'IMD_RANK' is already used by "
        '[[measure]] 3 (code "IMD_RANK")'
    ]


def test_a_slug_used_twice_is_reported() -> None:
    text = FULL + '[[partnership]]\nslug = "south-glos"\nname = "Again"\narea = "E06000025"\n'
    assert problems(text) == [
        "config.toml: [[partnership]] 2 (slug \"south-glos\"): slug: 'south-glos' is already "
        'used by [[partnership]] 1 (slug "south-glos")'
    ]


def test_a_priority_number_or_measure_used_twice_in_a_partnership_is_reported() -> None:
    text = FULL + (
        '  [[partnership.priority]]\n  number = 2\n  title = "Again"\n'
        '  [[partnership.measure]]\n  code = "IMD_RANK"\n  priority = 1\n  rule = "none"\n'
    )
    where = 'config.toml: [[partnership]] 1 (slug "south-glos")'
    assert problems(text) == [
        f"{where}: [[partnership.priority]] 3 (number 2): number: 2 is already used by "
        "[[partnership.priority]] 2 (number 2)",
        f"{where}: [[partnership.measure]] 4 (code \"IMD_RANK\"): code: 'IMD_RANK' is already "
        'used by [[partnership.measure]] 3 (code "IMD_RANK")',
    ]


@pytest.mark.parametrize(
    "slug", ["South-Glos", "south_glos", "south--glos", "-south", "south glos", "south-"]
)
def test_a_slug_must_be_lower_case_words_joined_by_hyphens(slug: str) -> None:
    text = AREAS + f'[[partnership]]\nslug = "{slug}"\nname = "P"\narea = "E06000025"\n'
    assert problems(text) == [
        f"config.toml: [[partnership]] 1 (slug \"{slug}\"): slug: '{slug}' must be lower-case "
        "letters and digits, words joined by hyphens (e.g. south-glos)"
    ]


def test_an_unknown_parent_area_is_reported_with_a_suggestion() -> None:
    text = (
        AREAS
        + '[[area]]\ncode = "E07000081"\nname = "Gloucester"\nkind = "partnership"\n'
        + 'parent = "E23000037"\n'
    )
    assert problems(text) == [
        "config.toml: [[area]] 4 (code \"E07000081\"): parent: unknown area 'E23000037' (did you "
        "mean E23000036?): define it in an [[area]] table"
    ]


def test_an_area_cannot_be_its_own_parent_or_in_a_loop_of_parents() -> None:
    text = """
[[area]]
code = "A"
name = "A"
kind = "county"
parent = "B"

[[area]]
code = "B"
name = "B"
kind = "police_force"
parent = "A"

[[area]]
code = "C"
name = "C"
kind = "region"
parent = "C"
"""
    assert problems(text) == [
        "config.toml: [[area]] 3 (code \"C\"): parent: 'C' is the area itself",
        "config.toml: [[area]] 1 (code \"A\"): parent: 'B' leads back to 'A': parents form a loop",
        "config.toml: [[area]] 2 (code \"B\"): parent: 'A' leads back to 'B': parents form a loop",
    ]


def test_a_partnership_area_and_comparators_must_be_known() -> None:
    text = AREAS + (
        '[[partnership]]\nslug = "p"\nname = "P"\narea = "E07000081"\n'
        'comparators = ["E23000036", "E12000009", "E23000036"]\n'
    )
    where = 'config.toml: [[partnership]] 1 (slug "p")'
    assert problems(text) == [
        f"{where}: area: unknown area 'E07000081': define it in an [[area]] table",
        f"{where}: comparators: unknown area 'E12000009': define it in an [[area]] table",
        f"{where}: comparators: 'E23000036' is listed twice",
    ]


def test_a_partnership_cannot_compare_with_its_own_area() -> None:
    text = (
        AREAS
        + '[[partnership]]\nslug = "p"\nname = "P"\narea = "E06000025"\n'
        + 'comparators = ["E06000025"]\n'
    )
    assert problems(text) == [
        "config.toml: [[partnership]] 1 (slug \"p\"): comparators: 'E06000025' is the "
        "partnership's own area"
    ]


def test_a_partnership_measure_must_be_in_the_catalogue() -> None:
    text = (
        AREAS
        + MEASURES
        + (
            '[[partnership]]\nslug = "p"\nname = "P"\narea = "E06000025"\n'
            '  [[partnership.measure]]\n  code = "CRIME_TOTL_RATE"\n'
            '  priority = 1\n  rule = "none"\n'
        )
    )
    assert problems(text) == [
        'config.toml: [[partnership]] 1 (slug "p"): [[partnership.measure]] 1 (code '
        "\"CRIME_TOTL_RATE\"): code: unknown measure 'CRIME_TOTL_RATE' (did you mean "
        "CRIME_TOTAL_RATE?): define it in a [[measure]] table"
    ]


def test_a_bad_measure_table_is_reported_once_not_again_where_it_is_used() -> None:
    text = AREAS + MEASURES.replace('unit = "rank"', 'unit = "position"') + PARTNERSHIP
    assert problems(text) == [
        "config.toml: [[measure]] 3 (code \"IMD_RANK\"): unit: 'position' is not one of "
        + ", ".join(Unit)
    ]


def test_a_partnership_measure_priority_must_be_one_of_the_partnerships_priorities() -> None:
    text = FULL.replace("  priority = 2\n", "  priority = 3\n")
    assert problems(text) == [
        'config.toml: [[partnership]] 1 (slug "south-glos"): [[partnership.measure]] 1 (code '
        '"CRIME_TOTAL_RATE"): priority: 3 is not one of the partnership\'s priorities (1, 2)'
    ]


# --- target rules and their parameters ------------------------------------------------------


def test_match_baseline_needs_a_baseline_period() -> None:
    assert problems(with_measure('  rule = "match_baseline"\n  tolerance = 2.0\n')) == [
        f"{PM}: baseline_period: missing: rule 'match_baseline' needs it"
    ]


def test_a_baseline_period_must_be_a_period_label() -> None:
    assert problems(
        with_measure('  rule = "match_baseline"\n  baseline_period = "2018/19 Q5"\n')
    ) == [f"{PM}: baseline_period: '2018/19 Q5' is not a period: use e.g. {ACCEPTED_FORMS}."]


def test_tolerance_may_not_be_negative() -> None:
    text = with_measure(
        '  rule = "match_baseline"\n  baseline_period = "2018/19"\n  tolerance = -0.5\n'
    )
    assert problems(text) == [f"{PM}: tolerance: -0.5 is below 0"]


def test_match_baseline_without_tolerance_is_fine() -> None:
    config = parse_config(
        with_measure('  rule = "match_baseline"\n  baseline_period = "2018/2019"\n'), "c.toml"
    )
    assert config.partnerships[0].measures[0].target == TargetSpec(
        TargetRule.MATCH_BASELINE, baseline_period="2018/19"
    )


def test_fixed_target_needs_baseline_target_and_target_period() -> None:
    assert problems(with_measure('  rule = "fixed_target"\n')) == [
        f"{PM}: baseline_period: missing: rule 'fixed_target' needs it",
        f"{PM}: target: missing: rule 'fixed_target' needs it",
        f"{PM}: target_period: missing: rule 'fixed_target' needs it",
    ]


def test_a_fixed_target_must_be_a_number() -> None:
    text = with_measure(
        '  rule = "fixed_target"\n  baseline_period = "2018"\n  target = "55.2"\n'
        '  target_period = "2024"\n'
    )
    assert problems(text) == [f"{PM}: target: expected a number, got the text '55.2'"]


@pytest.mark.parametrize("target_period", ["2018", "2018/19 Q3", "2017/18"])
def test_a_target_period_must_end_after_the_baseline(target_period: str) -> None:
    text = with_measure(
        '  rule = "fixed_target"\n  baseline_period = "2018"\n  target = 55.2\n'
        f'  target_period = "{target_period}"\n'
    )
    assert problems(text) == [
        f"{PM}: target_period: '{target_period}' must end after the baseline period '2018'"
    ]


def test_beat_comparators_needs_a_comparator() -> None:
    assert problems(with_measure('  rule = "beat_comparators"\n', comparators="[]")) == [
        f"{PM}: rule: 'beat_comparators' needs the partnership to list at least one comparator"
    ]


@pytest.mark.parametrize(
    ("rule", "extra", "takes"),
    [
        ("beat_comparators", 'baseline_period = "2018/19"', "it takes no parameters"),
        ("none", "target = 5", "it takes no parameters"),
        (
            "match_baseline",
            'baseline_period = "2018/19"\n  target_period = "2024"',
            "it takes baseline_period, tolerance",
        ),
        (
            "fixed_target",
            'baseline_period = "2018"\n  target = 1\n  target_period = "2024"\n  tolerance = 1',
            "it takes baseline_period, target, target_period",
        ),
    ],
)
def test_a_parameter_the_rule_does_not_use_is_an_error(rule: str, extra: str, takes: str) -> None:
    (message,) = problems(with_measure(f'  rule = "{rule}"\n  {extra}\n'))
    assert message.startswith(f"{PM}: ")
    assert message.endswith(f": not used by rule '{rule}' ({takes})")


# --- display, disclosure and survey settings of a measure -----------------------------------


def a_measure(lines: str, unit: str = "percentage") -> str:
    return (
        f'[[measure]]\ncode = "X"\ntitle = "T"\nunit = "{unit}"\npolarity = "no_judgement"\n'
        f"{lines}\n"
    )


def test_decimals_suppress_below_and_design_effect_are_read() -> None:
    (measure,) = parse_config(
        a_measure("decimals = 2\nsuppress_below = 5\ndesign_effect = 1.4"), "c.toml"
    ).measures
    assert (measure.decimals, measure.suppress_below, measure.design_effect) == (2, 5, 1.4)


def test_decimals_suppress_below_and_design_effect_are_optional() -> None:
    (measure,) = parse_config(a_measure(""), "c.toml").measures
    assert (measure.decimals, measure.suppress_below, measure.design_effect) == (None, None, None)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("decimals = 0", None),
        ("decimals = 6", None),
        ("decimals = 7", "decimals: 7 is above 6"),
        ("decimals = -1", "decimals: -1 is below 0"),
        ("decimals = 1.5", "decimals: expected a whole number, got the number 1.5"),
        ('decimals = "1"', "decimals: expected a whole number, got the text '1'"),
        ("suppress_below = 1", None),
        ("suppress_below = 0", "suppress_below: 0 is below 1"),
        ("suppress_below = 4.5", "suppress_below: expected a whole number, got the number 4.5"),
        ("suppress_below = true", "suppress_below: expected a whole number, got true"),
        ("design_effect = 1", None),
        ("design_effect = 10.0", None),
        ("design_effect = 0.9", "design_effect: 0.9 is below 1"),
        ("design_effect = 10.5", "design_effect: 10.5 is above 10"),
        ('design_effect = "1.4"', "design_effect: expected a number, got the text '1.4'"),
    ],
)
def test_a_measure_setting_out_of_range_names_the_key(line: str, problem: str | None) -> None:
    text = a_measure(line)
    if problem is None:
        parse_config(text, "c.toml")
    else:
        assert problems(text) == [f'config.toml: [[measure]] 1 (code "X"): {problem}']


def test_a_design_effect_belongs_to_a_percentage_measure_only() -> None:
    assert problems(a_measure("design_effect = 1.4", unit="count")) == [
        'config.toml: [[measure]] 1 (code "X"): design_effect: only a percentage measure '
        "(a survey's) takes a design effect; the unit is 'count'"
    ]


# --- reporting points -----------------------------------------------------------------------


def with_points(value: str) -> str:
    return AREAS + (
        f'[[partnership]]\nslug = "p"\nname = "P"\narea = "E06000025"\nreporting_points = {value}\n'
    )


def test_reporting_points_are_month_days_kept_in_calendar_order() -> None:
    (partnership,) = parse_config(with_points('["09-30", "03-31", "12-31"]'), "c.toml").partnerships
    assert partnership.reporting_points == ("03-31", "09-30", "12-31")


def test_without_reporting_points_a_partnership_declares_none() -> None:
    (partnership,) = parse_config(FULL, "c.toml").partnerships
    assert partnership.reporting_points == ()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('["9-30"]', "'9-30' is not a month-day: write MM-DD, e.g. \"09-30\" for 30 September"),
        ('["30-09"]', "'30-09' is not a date: no month has it (MM-DD, e.g. \"09-30\")"),
        ('["02-30"]', "'02-30' is not a date: no month has it (MM-DD, e.g. \"09-30\")"),
        ('["06-31"]', "'06-31' is not a date: no month has it (MM-DD, e.g. \"09-30\")"),
        ('["13-01"]', "'13-01' is not a date: no month has it (MM-DD, e.g. \"09-30\")"),
        ('["00-10"]', "'00-10' is not a date: no month has it (MM-DD, e.g. \"09-30\")"),
        ('["02-29"]', '\'02-29\' is not in every year: use "02-28" or "03-01"'),
        (
            '["2019-09-30"]',
            "'2019-09-30' is not a month-day: write MM-DD, e.g. \"09-30\" for 30 September",
        ),
        ('["09-30", "03-31", "09-30"]', "'09-30' is listed twice"),
        (
            '"09-30"',
            'expected a list of month-days in quotes (e.g. ["09-30", "03-31"]), got the '
            "text '09-30'",
        ),
        (
            "[930]",
            'expected a list of month-days in quotes (e.g. ["09-30", "03-31"]), but it holds '
            "the number 930",
        ),
    ],
)
def test_a_bad_reporting_point_names_the_key(value: str, problem: str) -> None:
    assert problems(with_points(value)) == [
        f'config.toml: [[partnership]] 1 (slug "p"): reporting_points: {problem}'
    ]


# --- partnership measures: age limit, a larger area, removal --------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        'rule = "none"',
        'rule = "beat_comparators"',
        'rule = "match_baseline"\n  baseline_period = "2018/19"',
        'rule = "fixed_target"\n  baseline_period = "2018"\n  target = 1\n  target_period = "2024"',
    ],
)
def test_max_age_years_is_allowed_with_any_rule(rule: str) -> None:
    config = parse_config(with_measure(f"  {rule}\n  max_age_years = 5\n"), "c.toml")
    assert config.partnerships[0].measures[0].max_age_years == 5


def test_max_age_years_and_area_default_to_none() -> None:
    (measure,) = parse_config(with_measure('  rule = "none"\n'), "c.toml").partnerships[0].measures
    assert (measure.max_age_years, measure.area) == (None, None)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1", None),
        ("20", None),
        ("0", "0 is below 1"),
        ("21", "21 is above 20"),
        ("2.5", "expected a whole number, got the number 2.5"),
        ('"5"', "expected a whole number, got the text '5'"),
    ],
)
def test_max_age_years_is_a_whole_number_of_years_from_1_to_20(
    value: str, problem: str | None
) -> None:
    text = with_measure(f'  rule = "none"\n  max_age_years = {value}\n')
    if problem is None:
        parse_config(text, "c.toml")
    else:
        assert problems(text) == [f"{PM}: max_age_years: {problem}"]


def test_a_measure_may_show_a_larger_area_s_results() -> None:
    (measure,) = (
        parse_config(with_measure('  rule = "beat_comparators"\n  area = "E23000036"\n'), "c.toml")
        .partnerships[0]
        .measures
    )
    assert measure.area == "E23000036"


def test_the_area_may_be_one_already_loaded() -> None:
    text = with_measure('  rule = "none"\n  area = "E23000037"\n')
    (measure,) = parse_config(text, "c.toml", known_areas={"E23000037"}).partnerships[0].measures
    assert measure.area == "E23000037"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            '"E06000025"',
            "'E06000025' is the partnership's own area: leave area out to show its results",
        ),
        (
            '"E23000035"',
            "unknown area 'E23000035' (did you mean E23000036?): define it in an [[area]] table",
        ),
        ("1", "expected text in quotes, got the number 1"),
    ],
)
def test_a_measure_area_must_be_a_known_area_other_than_the_partnership_s_own(
    value: str, problem: str
) -> None:
    assert problems(with_measure(f'  rule = "none"\n  area = {value}\n')) == [
        f"{PM}: area: {problem}"
    ]


def test_remove_takes_a_measure_off_the_partnership_and_needs_only_its_code() -> None:
    config = parse_config(
        AREAS
        + MEASURES
        + """
[[partnership]]
slug = "p"
name = "P"
area = "E06000025"

  [[partnership.measure]]
  code = "FEEL_SAFE_PCT"
  priority = 1
  rule = "none"

  [[partnership.measure]]
  code = "IMD_RANK"
  remove = true
""",
        "c.toml",
    )
    assert [pm.measure.code for pm in config.partnerships[0].measures] == ["FEEL_SAFE_PCT"]
    assert config.removed_measures == (("p", "IMD_RANK"),)


def test_remove_may_keep_the_measure_s_other_keys_and_remove_false_keeps_it() -> None:
    text = with_measure('  rule = "none"\n  remove = true\n')
    config = parse_config(text, "c.toml")
    assert (config.partnerships[0].measures, config.removed_measures) == (
        (),
        (("p", "FEEL_SAFE_PCT"),),
    )
    kept = parse_config(with_measure('  rule = "none"\n  remove = false\n'), "c.toml")
    assert (len(kept.partnerships[0].measures), kept.removed_measures) == (1, ())


def test_a_measure_removed_by_code_only_may_be_one_already_loaded() -> None:
    text = AREAS + (
        '[[partnership]]\nslug = "p"\nname = "P"\narea = "E06000025"\n'
        '  [[partnership.measure]]\n  code = "CRIME_TOTAL_RATE"\n  remove = true\n'
    )
    config = parse_config(text, "c.toml", known_measures={"CRIME_TOTAL_RATE"})
    assert config.removed_measures == (("p", "CRIME_TOTAL_RATE"),)


def test_remove_must_be_true_or_false_and_name_a_known_measure() -> None:
    assert problems(with_measure('  rule = "none"\n  remove = "yes"\n')) == [
        f"{PM}: remove: expected true or false, got the text 'yes'"
    ]
    text = AREAS + (
        '[[partnership]]\nslug = "p"\nname = "P"\narea = "E06000025"\n'
        '  [[partnership.measure]]\n  code = "CRIME_TOTL_RATE"\n  remove = true\n'
    )
    assert problems(text, known_measures={"CRIME_TOTAL_RATE"}) == [
        'config.toml: [[partnership]] 1 (slug "p"): [[partnership.measure]] 1 (code '
        "\"CRIME_TOTL_RATE\"): code: unknown measure 'CRIME_TOTL_RATE' (did you mean "
        "CRIME_TOTAL_RATE?): define it in a [[measure]] table"
    ]


def test_a_measure_both_kept_and_removed_is_listed_twice() -> None:
    text = with_measure('  rule = "none"\n') + (
        '  [[partnership.measure]]\n  code = "FEEL_SAFE_PCT"\n  remove = true\n'
    )
    assert problems(text) == [
        'config.toml: [[partnership]] 1 (slug "p"): [[partnership.measure]] 2 (code '
        "\"FEEL_SAFE_PCT\"): code: 'FEEL_SAFE_PCT' is already used by [[partnership.measure]] 1 "
        '(code "FEEL_SAFE_PCT")'
    ]
