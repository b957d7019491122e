"""Import speed: generate a 100,000-row results file and load it into a fresh database.

Usage: python benchmarks/import_bench.py [--rows 100000] [--database-url URL]
Prints rows per second for validation alone and for the whole import (validate + write).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.config_file import parse_config
from data_access import catalogue, db, schema
from data_access.imports import import_results, validate_file

MEASURES = 40
PERIODS = [
    f"{year}/{(year + 1) % 100:02d} H{half}" for year in range(2005, 2021) for half in (1, 2)
]


def config_text(areas: int) -> str:
    parts = [
        f'[[area]]\ncode = "A{i:05d}"\nname = "Area {i}"\nkind = "partnership"\n'
        for i in range(areas)
    ]
    parts += [
        f'[[measure]]\ncode = "M{i:02d}"\ntitle = "Measure {i}"\nunit = "rate_per_1000"\n'
        'polarity = "lower_is_better"\n'
        for i in range(MEASURES)
    ]
    return "\n".join(parts)


def results_csv(rows: int, areas: int) -> bytes:
    lines = ["measure_code,period,area_code,value,numerator,denominator,note,source"]
    i = 0
    while len(lines) <= rows:
        for period in PERIODS:
            for m in range(MEASURES):
                if len(lines) > rows:
                    break
                count = 1000 + (i * 37) % 5000
                lines.append(
                    f"M{m:02d},{period},A{(i // (MEASURES * len(PERIODS))) % areas:05d},"
                    f"{count / 250_000 * 1000:.4f},{count},250000,,Benchmark"
                )
                i += 1
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    areas = args.rows // (MEASURES * len(PERIODS)) + 1
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        db.configure(url)
        schema.upgrade(db.engine())
        catalogue.apply_config(parse_config(config_text(areas), "bench.toml"), "bench", "bench")
        content = results_csv(args.rows, areas)
        started = time.perf_counter()
        parsed = validate_file("bench.csv", content)
        validated = time.perf_counter() - started
        assert not parsed.problems, parsed.problems[:3]
        started = time.perf_counter()
        summary = import_results("bench.csv", content, "bench")
        total = time.perf_counter() - started
        started = time.perf_counter()
        again = import_results("bench.csv", content, "bench")
        reload = time.perf_counter() - started
    print(f"database: {db.engine().dialect.name}; rows: {summary.rows:,}")
    print(f"validate only:      {validated:6.2f} s  {summary.rows / validated:9,.0f} rows/s")
    print(f"import (new rows):  {total:6.2f} s  {summary.rows / total:9,.0f} rows/s")
    print(f"reload (no change): {reload:6.2f} s  {again.rows / reload:9,.0f} rows/s")


if __name__ == "__main__":
    main()
