"""Results API under load: a national-scale synthetic data set served by gunicorn (2 workers).

Usage: python benchmarks/api_bench.py [--seconds 15] [--postgres URL]

Generates 300 partnerships, 4 comparator areas, 40 measures in 3 priorities with mixed rules and
16 half-year periods as a TOML configuration and a results CSV; loads them through the real
loaders into a fresh SQLite file (and a fresh schema of the PostgreSQL database given); publishes
all but the latest two points; serves with `gunicorn -w 2 app:server` on 127.0.0.1 and drives
/api/v1/partnerships/<slug>/results with 16 concurrent clients (wrk, or a thread client when wrk
is missing). Prints p50/p95 with a cold cache (every request a new slug and point) and a warm
cache (the 300 default views, already asked once), and the time of the bare SQL query that
fetches the same rows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from dashboard.config_file import load_config  # noqa: E402
from dashboard.periods import parse_period  # noqa: E402
from data_access import catalogue, db, schema  # noqa: E402
from data_access.imports import import_results  # noqa: E402
from data_access.publications import write_publication  # noqa: E402
from data_access.results import results_statement  # noqa: E402

PARTNERSHIPS = 300
MEASURES = 40
CLIENTS = 16
COMPARATORS = [
    ("K04000001", "England and Wales", "nation"),
    ("E12000001", "Region One", "region"),
    ("E23000001", "Force One", "police_force"),
    ("E23000002", "Force Two", "police_force"),
]
PERIODS = [f"{y}/{(y + 1) % 100:02d} H{h}" for y in range(2012, 2020) for h in (1, 2)]
PUBLISHED = PERIODS[:-2]
BASELINE, TARGET_PERIOD = "2015/16 H2", "2021/22 H2"
RULES = ("beat_comparators", "match_baseline", "fixed_target", "none")
UNITS = ("rate_per_1000", "percentage", "rate_per_1000", "count")


def area_code(i: int) -> str:
    return f"E0{7000001 + i:07d}"


def slug(i: int) -> str:
    return f"csp-{i:03d}"


def measure_toml(m: int) -> str:
    polarity = "lower_is_better" if m % 3 else "higher_is_better"
    return (
        f'[[measure]]\ncode = "M{m:02d}"\ntitle = "Measure {m}"\nunit = "{UNITS[m % 4]}"\n'
        f'polarity = "{polarity}"\nsource = "Benchmark"\n'
    )


def partnership_measure_toml(m: int) -> str:
    rule = RULES[(m // 4) % 4] if UNITS[m % 4] != "count" else RULES[(m // 4) % 3 + 1]
    text = f'  [[partnership.measure]]\n  code = "M{m:02d}"\n  priority = {m % 3 + 1}\n'
    text += f'  public = {"false" if m % 10 == 9 else "true"}\n  rule = "{rule}"\n'
    if rule == "match_baseline":
        text += f'  baseline_period = "{BASELINE}"\n  tolerance = 1.0\n'
    elif rule == "fixed_target":
        text += f'  baseline_period = "{BASELINE}"\n  target = 40.0\n'
        text += f'  target_period = "{TARGET_PERIOD}"\n'
    return text


def config_text() -> str:
    parts = [f'[[area]]\ncode = "{c}"\nname = "{n}"\nkind = "{k}"\n' for c, n, k in COMPARATORS]
    parts += [
        f'[[area]]\ncode = "{area_code(i)}"\nname = "District {i}"\nkind = "partnership"\n'
        for i in range(PARTNERSHIPS)
    ]
    parts += [measure_toml(m) for m in range(MEASURES)]
    comparators = ", ".join(f'"{c}"' for c, _, _ in COMPARATORS)
    priorities = "".join(
        f'  [[partnership.priority]]\n  number = {n}\n  title = "Priority {n}"\n' for n in (1, 2, 3)
    )
    measures = "".join(partnership_measure_toml(m) for m in range(MEASURES))
    parts += [
        f'[[partnership]]\nslug = "{slug(i)}"\nname = "Partnership {i}"\n'
        f'area = "{area_code(i)}"\ncomparators = [{comparators}]\n{priorities}{measures}'
        for i in range(PARTNERSHIPS)
    ]
    return "\n".join(parts)


def results_csv() -> bytes:
    lines = ["measure_code,period,area_code,value,numerator,denominator,note,source"]
    codes = [c for c, _, _ in COMPARATORS] + [area_code(i) for i in range(PARTNERSHIPS)]
    for a, code in enumerate(codes):
        denominator = 5_000_000 if a < len(COMPARATORS) else 80_000 + (a * 977) % 200_000
        for p, period in enumerate(PERIODS):
            for m in range(MEASURES):
                unit = UNITS[m % 4]
                share = 0.02 + ((a * 31 + p * 7 + m * 13) % 97) / 1000
                if unit == "count":
                    lines.append(f"M{m:02d},{period},{code},{int(share * 1000)},,,,Benchmark")
                    continue
                base = denominator if unit == "rate_per_1000" else denominator // 100
                numerator = int(base * share) + 1
                scale = 1000 if unit == "rate_per_1000" else 100
                value = numerator / base * scale
                lines.append(f"M{m:02d},{period},{code},{value:.6f},{numerator},{base},,Benchmark")
    return ("\n".join(lines) + "\n").encode()


def load(url: str, workdir: Path) -> None:
    started = time.perf_counter()
    db.configure(url)
    schema.upgrade(db.engine())
    config_path = workdir / "bench.toml"
    config_path.write_text(config_text(), encoding="utf-8")
    catalogue.apply_config(load_config(config_path), "bench", "bench.toml")
    content = results_csv()
    (workdir / "bench.csv").write_bytes(content)
    summary = import_results("bench.csv", content, "bench")
    with db.transaction() as session:
        for i in range(PARTNERSHIPS):
            for label in PUBLISHED:
                write_publication(session, slug(i), parse_period(label), "bench")
    print(
        f"  loaded {summary.rows:,} results, {PARTNERSHIPS} partnerships x {MEASURES} measures, "
        f"{len(PUBLISHED)} points published each, in {time.perf_counter() - started:.1f} s"
    )


def bare_sql_ms(url: str) -> list[float]:
    """The one query the results view runs: the measures' results for the partnership and its
    comparators up to the point, straight through SQLAlchemy Core, fetched, no Python work."""
    engine = sa.create_engine(url)
    end = parse_period(PUBLISHED[-1]).end
    comparators = [c for c, _, _ in COMPARATORS]
    codes = [f"M{m:02d}" for m in range(MEASURES)]
    timings = []
    with engine.connect() as conn:
        for i in range(PARTNERSHIPS):
            stmt = results_statement(codes, [area_code(i), *comparators], end)
            started = time.perf_counter()
            rows = conn.execute(stmt).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
            assert rows, "the bare query found nothing"
    engine.dispose()
    return timings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(url: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark-only-" + "x" * 40}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "app:server"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/v1/partnerships", timeout=30).read()
                break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


WRK_SCRIPT = """
local paths = {%(paths)s}
local threads = {}
local counter = 1
function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end
function init(args)
  step = %(threads)d
  counter = offset + 1
end
function request()
  local path = paths[((counter - 1) %% #paths) + 1]
  counter = counter + step
  return wrk.format("GET", path)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests,
    latency:percentile(50), latency:percentile(95), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def drive_wrk(base: str, paths: Sequence[str], seconds: float) -> tuple[int, float, float, int]:
    threads = 4
    script = WRK_SCRIPT % {"paths": ",".join(f'"{p}"' for p in paths), "threads": threads}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{CLIENTS}", f"-d{int(seconds)}s", "--timeout", "10s",
             "-s", handle.name, base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(handle.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    count, p50, p95, bad, failed = (int(v) for v in line.split()[1:])
    return count, p50 / 1000, p95 / 1000, bad + failed


def drive_threads(base: str, paths: Sequence[str], seconds: float) -> tuple[int, float, float, int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                urllib.request.urlopen(base + paths[i % len(paths)], timeout=10).read()
            except OSError:
                with lock:
                    errors[0] += 1
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
            i += CLIENTS

    workers = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies), cuts[49], cuts[94], errors[0]


def prime(base: str, paths: Sequence[str]) -> None:
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda p: urllib.request.urlopen(base + p, timeout=30).read(), paths))


def run(url: str, label: str, seconds: float, workdir: Path) -> None:
    print(f"{label}:")
    load(url, workdir)
    drive = drive_wrk if shutil.which("wrk") else drive_threads
    tool = "wrk" if drive is drive_wrk else "Python threads"
    api = "/api/v1/partnerships/{}/results"
    # Cold: every request a slug and point not asked before, so each view is built from SQL.
    cold = [
        f"{api.format(slug(i))}?period={p.replace(' ', '%20').replace('/', '%2F')}"
        for p in reversed(PUBLISHED)
        for i in range(PARTNERSHIPS)
    ]
    warm = [api.format(slug(i)) for i in range(PARTNERSHIPS)]
    with gunicorn(url) as base:
        n, p50, p95, errors = drive(base, cold, seconds)
        print(f"  cold cache ({tool}, {CLIENTS} clients, {seconds:.0f} s): {n:,} requests "
              f"({n / seconds:,.0f}/s, {n / len(cold):.0%} of the distinct views), "
              f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, errors {errors}")  # fmt: skip
        prime(base, warm * 4)  # each worker has its own cache: ask every view of both
        n, p50, p95, errors = drive(base, warm, seconds)
        print(f"  warm cache ({tool}, {CLIENTS} clients, {seconds:.0f} s): {n:,} requests "
              f"({n / seconds:,.0f}/s), p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
              f"errors {errors}")  # fmt: skip
    timings = bare_sql_ms(url)
    cuts = statistics.quantiles(timings, n=100)
    rows = "40 measures x 5 areas x 14 periods"
    print(f"  bare SQL query ({rows}): p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="each load phase")
    parser.add_argument("--postgres", help="also run on this PostgreSQL database (new schema)")
    args = parser.parse_args()
    print(f"today {date.today()}; {os.cpu_count()} CPUs; gunicorn 2 workers; {CLIENTS} clients")
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite", args.seconds, Path(tmp))
        db.dispose()
        if args.postgres:
            with db.scratch_postgres_schema(args.postgres, prefix="bench") as url:
                run(url, "PostgreSQL", args.seconds, Path(tmp))


if __name__ == "__main__":
    main()
