"""The importer's peak memory: `flask import-results` on large files, measured from outside.

Usage: python benchmarks/import_memory.py [--rows 100000 1000000] [--xlsx-rows N | --no-xlsx]
                                          [--note-length 148] [--write] [--database-url URL]

Makes a catalogue big enough for the largest file, writes a CSV file for each `--rows` and the
largest workbook the importer accepts (Excel's layout: text in shared strings, a cell reference
on every cell, just under the unpacked-size limit), then runs
`flask --app app:server import-results --dry-run FILE` for each in a fresh process and prints its
peak resident memory and wall time, as GNU time (/usr/bin/time) reports them. With `--write`
it also loads the largest CSV file for real, loads it again (every row unchanged), then loads it
with every row changed (each replaced result kept as a revision and audited).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_bench import MEASURES, PERIODS, config_text, results_csv  # noqa: E402

from dashboard.config_file import parse_config  # noqa: E402
from dashboard.results_file import MAX_UNPACKED_BYTES  # noqa: E402
from data_access import catalogue, db, schema  # noqa: E402

TIME = "/usr/bin/time"  # GNU time (Debian: apt-get install time)
HEADER = ["measure_code", "period", "area_code", "value", "numerator", "denominator", "source"]
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        '<sheet name="Results" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _column(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def _sheet_rows(rows: int, areas: int, strings: dict[str, int]) -> Iterable[str]:
    """The rows of results_csv as worksheet XML, text cells as shared-string indexes."""

    def text(value: str) -> int:
        return strings.setdefault(value, len(strings))

    yield (
        '<row r="1">'
        + "".join(
            f'<c r="{_column(i)}1" t="s"><v>{text(name)}</v></c>' for i, name in enumerate(HEADER)
        )
        + "</row>"
    )
    i = 0
    while i < rows:
        for period in PERIODS:
            for m in range(MEASURES):
                if i >= rows:
                    return
                count = 1000 + (i * 37) % 5000
                r = i + 2
                area = f"A{(i // (MEASURES * len(PERIODS))) % areas:05d}"
                yield (
                    f'<row r="{r}">'
                    f'<c r="A{r}" t="s"><v>{text(f"M{m:02d}")}</v></c>'
                    f'<c r="B{r}" t="s"><v>{text(period)}</v></c>'
                    f'<c r="C{r}" t="s"><v>{text(area)}</v></c>'
                    f'<c r="D{r}"><v>{count / 250_000 * 1000:.4f}</v></c>'
                    f'<c r="E{r}"><v>{count}</v></c>'
                    f'<c r="F{r}"><v>250000</v></c>'
                    f'<c r="G{r}" t="s"><v>{text("Benchmark")}</v></c>'
                    "</row>"
                )
                i += 1


def write_xlsx(path: Path, rows: int, areas: int) -> int:
    """A workbook laid out as Excel saves one; returns its unpacked size in bytes."""
    strings: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in _PARTS.items():
            archive.writestr(name, _DECLARATION + xml)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                f'{_DECLARATION}<worksheet xmlns="{_MAIN}">'
                f'<dimension ref="A1:{_column(len(HEADER) - 1)}{rows + 1}"/><sheetData>'.encode()
            )
            batch: list[str] = []
            for row in _sheet_rows(rows, areas, strings):
                batch.append(row)
                if len(batch) == 10_000:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())
        shared = "".join(f"<si><t>{value}</t></si>" for value in strings)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'{_DECLARATION}<sst xmlns="{_MAIN}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{shared}</sst>',
        )
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def largest_xlsx(path: Path, areas: int) -> tuple[int, int]:
    """The most rows whose workbook stays within the unpacked-size limit: (rows, bytes)."""
    sample = 10_000
    size = write_xlsx(path, sample, areas)
    per_row = (size - write_xlsx(path, 0, areas)) / sample
    rows = int((MAX_UNPACKED_BYTES - 64 * 1024) / per_row)
    size = write_xlsx(path, rows, areas)
    while size > MAX_UNPACKED_BYTES:  # the estimate was a little high: trim and try again
        rows -= int((size - MAX_UNPACKED_BYTES) / per_row) + 100
        size = write_xlsx(path, rows, areas)
    return rows, size


def write_with_notes(source: Path, target: Path, length: int) -> None:
    """The file again, each row with a note of its own `length` characters long."""
    with source.open() as rows, target.open("w") as out:
        out.write(next(rows))
        for number, row in enumerate(rows):
            cells = row.split(",")
            cells[6] = f"n{number:09d}".ljust(length, "x")
            out.write(",".join(cells))


def measure(path: Path, url: str, *, dry_run: bool = True) -> tuple[float, float, str]:
    """(peak MB, seconds, last line of output) of one import-results run in a fresh process.

    Measured by GNU time, not os.wait4 here: Linux keeps the high-water mark of the process
    that forked across exec, so a child of this (large) process would report its size."""
    command = [sys.executable, "-m", "flask", "--app", "app:server", "import-results", str(path)]
    if dry_run:
        command.append("--dry-run")
    env = {**os.environ, "DATABASE_URL": url}
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        run = subprocess.run(
            [TIME, "-o", timing.name, "-f", "%M %e", *command],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        kilobytes, seconds = timing.read().split()[-2:]
    lines = run.stdout.strip().splitlines() or [""]
    if run.returncode != 0:
        lines[-1] = f"FAILED ({run.returncode}): {lines[-1]}"
    return int(kilobytes) / 1024, float(seconds), lines[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--xlsx-rows", type=int, help="default: the most the limit allows")
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument(
        "--note-length",
        type=int,
        default=148,
        help="the largest CSV again, each row with a note of its own this long (0: not run)",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="also load the largest CSV, load it again, then load it with every row changed",
    )
    parser.add_argument("--database-url")
    args = parser.parse_args()
    largest = max(args.rows)
    areas = largest // (MEASURES * len(PERIODS)) + 1
    report: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        url = args.database_url or f"sqlite:///{folder / 'memory.db'}"
        if url.startswith("postgresql"):  # a schema of its own, dropped afterwards
            url = stack.enter_context(db.scratch_postgres_schema(url, prefix="memory"))
        db.configure(url)
        schema.upgrade(db.engine())
        catalogue.apply_config(parse_config(config_text(areas), "bench.toml"), "bench", "bench")
        db.dispose()
        for rows in args.rows:
            path = folder / f"results-{rows}.csv"
            path.write_bytes(results_csv(rows, areas))
            mb = path.stat().st_size / 2**20
            report.append((f"CSV {rows:,} rows ({mb:.0f} MB), dry run", *measure(path, url)))
        if args.note_length:
            path = folder / "notes.csv"
            write_with_notes(folder / f"results-{largest}.csv", path, args.note_length)
            what = (
                f"CSV {largest:,} rows, a {args.note_length}-character note each "
                f"({path.stat().st_size / 2**20:.0f} MB), dry run"
            )
            report.append((what, *measure(path, url)))
        if not args.no_xlsx:
            path = folder / "results.xlsx"
            if args.xlsx_rows:
                rows, size = args.xlsx_rows, write_xlsx(path, args.xlsx_rows, areas)
            else:
                rows, size = largest_xlsx(path, areas)
            what = (
                f"XLSX {rows:,} rows ({path.stat().st_size / 2**20:.1f} MB, "
                f"{size / 2**20:.0f} MB unpacked), dry run"
            )
            report.append((what, *measure(path, url)))
        if args.write:
            path = folder / f"results-{largest}.csv"
            report.append((f"CSV {largest:,} rows, loaded", *measure(path, url, dry_run=False)))
            report.append(
                (f"CSV {largest:,} rows, loaded again", *measure(path, url, dry_run=False))
            )
            changed = folder / "changed.csv"
            changed.write_bytes(path.read_bytes().replace(b",Benchmark\n", b",Benchmark v2\n"))
            report.append(
                (f"CSV {largest:,} rows, every row changed", *measure(changed, url, dry_run=False))
            )
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    print(f"database: {dialect}")
    for what, peak, seconds, last in report:
        print(f"{what:66s} peak {peak:7,.0f} MB  {seconds:6.1f} s  {last}")


if __name__ == "__main__":
    main()
