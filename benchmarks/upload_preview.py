"""Manage upload speed: a 100,000-row results file previewed through the real route (#13).

Usage: python benchmarks/upload_preview.py [--rows 100000] [--database-url URL] [--profile]

Generates a catalogue (areas, 40 measures, one partnership) and a results file as
benchmarks/import_bench.py does, in a fresh database (SQLite by default; --database-url names an
empty one to migrate), signs an admin in and times, through the test client:

  1. the preview of the file while nothing is stored (every row new);
  2. its confirmation (checked again under the import lock, then written);
  3. the preview of the same file with a third of its values changed (changed and unchanged
     rows, each compared with the stored result).

The target is a preview of 100,000 rows in 10 s or less. --profile prints where the third
preview spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.pop("REDIS_URL", None)

from benchmarks.import_bench import MEASURES, PERIODS, results_csv  # noqa: E402
from benchmarks.import_bench import config_text as catalogue_text  # noqa: E402

SLUG = "bench"
ADMIN = "admin@bench.example"
PASSWORD = "benchmark password only"
TARGET_S = 10.0


def config_text(areas: int) -> str:
    partnership = (
        f'[[partnership]]\nslug = "{SLUG}"\nname = "Benchmark Partnership"\n'
        'area = "A00000"\ncomparators = ["A00001"]\n'
        '  [[partnership.priority]]\n  number = 1\n  title = "Priority 1"\n'
        '  [[partnership.measure]]\n  code = "M00"\n  priority = 1\n  rule = "none"\n'
    )
    return catalogue_text(areas) + "\n" + partnership


def with_changed_values(content: bytes) -> bytes:
    """The same rows with every third value one higher (numerator and denominator dropped)."""
    lines = content.decode().splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        if i % 3 == 0:
            cells = line.split(",")
            cells[3] = f"{float(cells[3]) + 1:.4f}"
            cells[4] = cells[5] = ""
            line = ",".join(cells)
        out.append(line)
    return ("\n".join(out) + "\n").encode()


def timed(label: str, call: Callable[[], object]) -> tuple[float, object]:
    started, cpu = time.perf_counter(), time.process_time()
    result = call()
    seconds = time.perf_counter() - started
    print(f"{label:<42} {seconds:6.2f} s ({time.process_time() - cpu:.2f} s CPU)")
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    areas = args.rows // (MEASURES * len(PERIODS)) + 1
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        os.environ["DATABASE_URL"] = url  # the app module binds it at import
        os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
        run(url, args, areas)


def run(url: str, args: argparse.Namespace, areas: int) -> None:
    import app as app_module
    from dashboard.config_file import parse_config
    from data_access import catalogue, db, schema
    from data_access.users import save_user
    from tests.signing import csrf_token, sign_in

    server = app_module.server
    page = f"/manage/{SLUG}/upload"
    with server.app_context():
        db.configure(url)
        schema.upgrade(db.engine())
        catalogue.apply_config(parse_config(config_text(areas), "bench.toml"), "bench", "bench")
        save_user(ADMIN, PASSWORD, "admin", [], "bench")
    content = results_csv(args.rows, areas)
    client = server.test_client()
    assert sign_in(client, ADMIN, PASSWORD).status_code == 303

    def preview(body: bytes) -> str:
        data = {"csrf_token": csrf_token(client, page), "file": (io.BytesIO(body), "bench.csv")}
        response = client.post(page, data=data, content_type="multipart/form-data")
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and 'name="token"' in text, text[:2000]
        return text

    def confirm(text: str) -> None:
        token = text.split('name="token" value="', 1)[1].split('"', 1)[0]
        data = {"csrf_token": csrf_token(client, page), "token": token}
        response = client.post(page, data=data)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]

    print(f"database: {url.split(':', 1)[0]}; rows: {args.rows:,}; file: {len(content):,} bytes")
    first, text = timed("preview, every row new", lambda: preview(content))
    timed("confirm (re-check under the lock, write)", lambda: confirm(str(text)))
    changed = with_changed_values(content)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    second, _ = timed("preview, a third changed", lambda: preview(changed))
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    worst = max(first, second)
    verdict = "within" if worst <= TARGET_S else "OVER"
    print(f"slowest preview: {worst:.2f} s ({verdict} the {TARGET_S:g} s target)")


if __name__ == "__main__":
    main()
