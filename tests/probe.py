"""A partnership `probe` whose comparators are two other partnerships' own areas (Gloucester and
South Gloucestershire): their figures may reach its public outputs only as they published them."""

from __future__ import annotations

from dashboard.config_file import parse_config
from data_access import catalogue
from data_access.catalogue import apply_config
from data_access.imports import import_results
from data_access.publications import publish

PROBE_CONFIG = """
[[area]]
code = "E99999991"
name = "Probe town"
kind = "partnership"

[[partnership]]
slug = "probe"
name = "Probe partnership"
area = "E99999991"
comparators = ["E07000081", "E06000025"]
reporting_points = ["09-30"]

  [[partnership.priority]]
  number = 1
  title = "Probing"

  [[partnership.measure]]
  code = "CRIME_TOTAL_RATE"
  priority = 1
  public = true
  rule = "beat_comparators"

  [[partnership.measure]]
  code = "MARAC_REPEAT_VICTIMISATION_PCT"
  priority = 1
  public = true
  rule = "beat_comparators"
"""
PROBE_ROWS = (
    "measure_code,period,area_code,value\n"
    "CRIME_TOTAL_RATE,12m to 2019-09,E99999991,50.0\n"
    "CRIME_TOTAL_RATE,2018/19,E99999991,51.0\n"
    "MARAC_REPEAT_VICTIMISATION_PCT,12m to 2019-09,E99999991,20.0\n"
    "MARAC_REPEAT_VICTIMISATION_PCT,2018/19,E99999991,21.0\n"
)


def load_probe(extra_rows: str = "") -> None:
    """Configure `probe`, load its results (and any extra rows), publish its 30 September 2019."""
    known_areas, _ = catalogue.known_codes()
    config = parse_config(PROBE_CONFIG, "probe.toml", known_areas, catalogue.measures())
    apply_config(config, "test", "probe.toml")
    import_results("probe.csv", (PROBE_ROWS + extra_rows).encode(), "test")
    publish("probe", "12m to 2019-09", "test")
