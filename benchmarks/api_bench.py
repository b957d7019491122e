"""Published reports at national scale: publishing, the public results API under load, a member's
live report and the overview callback.

Usage: python benchmarks/api_bench.py [--quick] [--seconds 10] [--points 2]
         [--publish-budget 30] [--steady 2] [--partnerships 300] [--worker-class conf|sync]
         [--postgres URL [--postgres-only]]

Generates 300 partnerships (each declaring reporting_points = ["09-30", "03-31"], the half-year
ends its published points fall on), 4 comparator areas, 40 measures in 3 priorities with mixed
rules and 16 half-year periods as a TOML configuration and a results CSV; loads them through the
real loaders into a fresh SQLite file (and a fresh schema of the PostgreSQL database given).

Publishes `--points` reporting points per partnership (default 2, the minimum: the latest before
the last two periods, newest first, a round of every partnership at a time) through
data_access.publications.publish, timing each call. Each publish() changes the data version
(the national catalogue has a version of its own, so it stays in each worker's memory) and marks
the open data file stale (the next read rebuilds it). Once `--publish-budget` seconds of
publish() calls are spent, the remaining points are stored through publish()'s own steps batched
(build_live for each, then write_version); then `--steady` partnerships publish one further
point through publish(), timing it at the full national number of standing versions.

Then, with requests spread at random over every published point:

  a. one client on gunicorn: public /api/v1/partnerships/<slug>/results?period= service time;
  b. 16 clients (wrk with a Lua script, or a thread client when wrk is missing) on
     `gunicorn -w 2` (as gunicorn.conf.py sets it, or sync workers) walking every published
     point in a random order, none asked twice until all have been, so the per-worker caches
     stay cold: p50/p95, req/s; then the warm case (the default point of each partnership,
     asked before);
  c. the bare SQL of one public read (the stored version row, as the public path selects it),
     the public_report column alone, the old results query for the same point, and the Python
     parse of the stored public report;
  d. a member's live report for one partnership built cold, in-process
     (data_access.reports.build_live after clearing the caches), and live_report too;
  e. the overview callback: the real POST /_dash-update-component from one probe client while
     wrk puts the 16-client API load on, 16 wrk clients posting it alone, and its in-process
     service time (show_overview in a test request context).

Each load phase that needs cold caches gets a fresh gunicorn (each worker caches on its own).

--quick: 30 partnerships, 3-second load phases, smaller samples: a smoke test.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import runpy
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.pop("REDIS_URL", None)  # the in-process cache is then the per-process SimpleCache

import sqlalchemy as sa  # noqa: E402

from dashboard import report as report_model  # noqa: E402
from dashboard.config_file import load_config  # noqa: E402
from data_access import catalogue, db, opendata, publications, schema  # noqa: E402
from data_access import reports as data_reports  # noqa: E402
from data_access import results as data_results  # noqa: E402
from data_access.imports import import_results  # noqa: E402
from data_access.results import results_statement  # noqa: E402
from data_access.tables import PublicationVersionRow  # noqa: E402

PARTNERSHIPS = 300
MEASURES = 40
CLIENTS = 16
RHYTHM = ("09-30", "03-31")  # the half-year ends: H1 on 30 September, H2 on 31 March
COMPARATORS = [
    ("K04000001", "England and Wales", "nation"),
    ("E12000001", "Region One", "region"),
    ("E23000001", "Force One", "police_force"),
    ("E23000002", "Force Two", "police_force"),
]
PERIODS = [f"{y}/{(y + 1) % 100:02d} H{h}" for y in range(2012, 2020) for h in (1, 2)]
PUBLISHABLE = PERIODS[:-2]  # the last two stay provisional, as before
BASELINE, TARGET_PERIOD = "2015/16 H2", "2021/22 H2"
RULES = ("beat_comparators", "match_baseline", "fixed_target", "none")
UNITS = ("rate_per_1000", "percentage", "rate_per_1000", "count")
API = "/api/v1/partnerships/{}/results"
ACTOR = "benchmark"


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


def config_text(partnerships: int) -> str:
    parts = [f'[[area]]\ncode = "{c}"\nname = "{n}"\nkind = "{k}"\n' for c, n, k in COMPARATORS]
    parts += [
        f'[[area]]\ncode = "{area_code(i)}"\nname = "District {i}"\nkind = "partnership"\n'
        for i in range(partnerships)
    ]
    parts += [measure_toml(m) for m in range(MEASURES)]
    comparators = ", ".join(f'"{c}"' for c, _, _ in COMPARATORS)
    rhythm = ", ".join(f'"{md}"' for md in RHYTHM)
    priorities = "".join(
        f'  [[partnership.priority]]\n  number = {n}\n  title = "Priority {n}"\n' for n in (1, 2, 3)
    )
    measures = "".join(partnership_measure_toml(m) for m in range(MEASURES))
    parts += [
        f'[[partnership]]\nslug = "{slug(i)}"\nname = "Partnership {i}"\n'
        f'area = "{area_code(i)}"\ncomparators = [{comparators}]\n'
        f"reporting_points = [{rhythm}]\n{priorities}{measures}"
        for i in range(partnerships)
    ]
    return "\n".join(parts)


def results_csv(partnerships: int) -> bytes:
    lines = ["measure_code,period,area_code,value,numerator,denominator,note,source"]
    codes = [c for c, _, _ in COMPARATORS] + [area_code(i) for i in range(partnerships)]
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


# --- figures ------------------------------------------------------------------------------------


def pct(values: Sequence[float], q: int) -> float:
    """The q-th percentile (inclusive method: never beyond the largest value)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


class Sample:
    """Wall-clock and CPU milliseconds of each call timed in this process (CPU time is what the
    shared machine's load does not inflate much; all timed work here runs on one thread)."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @contextmanager
    def __call__(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall.append((time.perf_counter() - wall) * 1000)
            self.cpu.append((time.process_time() - cpu) * 1000)

    def __add__(self, other: Sample) -> Sample:
        both = Sample()
        both.wall, both.cpu = self.wall + other.wall, self.cpu + other.cpu
        return both

    def __len__(self) -> int:
        return len(self.wall)


@dataclass
class Figures:
    """Rows of the closing table: (what, how many, p50, p95, max or rate, CPU, note)."""

    label: str
    rows: list[tuple[str, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def timing(
        self, what: str, sample: Sample | Sequence[float], note: str = "", cpu: str | None = None
    ) -> None:
        """`cpu`: the CPU figure when not this process's own (e.g. the server workers')."""
        ms = sample.wall if isinstance(sample, Sample) else list(sample)
        if not ms:
            print(f"  {what}: not called in this run")
            return
        if cpu is None and isinstance(sample, Sample):
            cpu = f"{pct(sample.cpu, 50):.1f}"
        row = (what, f"{len(ms):,}", f"{pct(ms, 50):.1f}", f"{pct(ms, 95):.1f}",
               f"max {max(ms):.0f}", cpu or "", note)  # fmt: skip
        self.rows.append(row)
        print(f"  {what}: n {len(ms):,}, p50 {row[2]} ms, p95 {row[3]} ms, {row[4]} ms"
              f"{', CPU ' + row[5] + ' ms' if row[5] else ''}"
              f"{' (' + note + ')' if note else ''}")  # fmt: skip

    def load(
        self, what: str, n: int, p50: float, p95: float, rate: float, cpu: str, note: str
    ) -> None:
        row = (what, f"{n:,}", f"{p50:.1f}", f"{p95:.1f}", f"{rate:,.0f} req/s", cpu, note)
        self.rows.append(row)
        print(f"  {what}: {n:,} requests, {rate:,.0f} req/s, p50 {p50:.1f} ms, "
              f"p95 {p95:.1f} ms, worker CPU {cpu} ms/req ({note})")  # fmt: skip

    def table(self) -> str:
        head = ("measurement", "n", "p50 ms", "p95 ms", "max ms / rate", "CPU ms", "note")
        rows = [head, *self.rows]
        widths = [max(len(r[c]) for r in rows) for c in range(6)]
        lines = [f"== {self.label} =="]
        for r in rows:
            cells = [r[0].ljust(widths[0])] + [r[c].rjust(widths[c]) for c in range(1, 6)]
            lines.append("  ".join(cells) + (f"  {r[6]}" if r[6] else ""))
        lines.append(
            "  CPU ms: in-process rows, this process's CPU time per call (p50; the PostgreSQL "
            "server's own CPU not counted); HTTP rows, the gunicorn workers' CPU time per request "
            "(mean over the phase)"
        )
        lines += [f"  * {n}" for n in self.notes]
        return "\n".join(lines)


# --- loading and publishing ---------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    slug: str
    label: str  # the point's own name, as the API answers it ("2018/19 H1", "2018/19")
    start: date
    end: date

    @property
    def path(self) -> str:
        return f"{API.format(self.slug)}?period={urllib.parse.quote(self.label, safe='')}"


@contextmanager
def timed(into: Sample, fn_owner: Any, name: str) -> Iterator[None]:
    """Wrap fn_owner.name so each call is timed into `into` (the real function runs)."""
    original = getattr(fn_owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with into():
            return original(*args, **kwargs)

    setattr(fn_owner, name, wrapper)
    try:
        yield
    finally:
        setattr(fn_owner, name, original)


def load(url: str, workdir: Path, partnerships: int, figures: Figures) -> None:
    started = time.perf_counter()
    db.configure(url)
    schema.upgrade(db.engine())
    config_path = workdir / "bench.toml"
    config_path.write_text(config_text(partnerships), encoding="utf-8")
    catalogue.apply_config(load_config(config_path), "bench", "bench.toml")
    content = results_csv(partnerships)
    (workdir / "bench.csv").write_bytes(content)
    summary = import_results("bench.csv", content, "bench")
    took = time.perf_counter() - started
    print(f"  loaded {summary.rows:,} results, {partnerships} partnerships x {MEASURES} measures "
          f"(reporting_points {list(RHYTHM)}), in {took:.1f} s")  # fmt: skip
    figures.notes.append(f"loaded {summary.rows:,} results in {took:.1f} s")


def backfill(pairs: Sequence[tuple[str, str]]) -> list[Published]:
    """What publish() does for each point except rebuilding the open data file, batched: every
    members' report built first (build_live; the data version, hence the in-memory catalogue,
    unchanged meanwhile), then stored with write_version, 100 to a transaction. The caller
    rebuilds the open data file once."""
    built = []
    for slug_, label in pairs:
        with db.session() as session:
            point = publications.point_of(session, slug_, label)
        pref = report_model.PointRef(point.label, point.start, point.end)
        built.append((slug_, point, data_reports.build_live(slug_, pref)))
    done = []
    for k in range(0, len(built), 100):
        with db.transaction() as session:
            for slug_, point, member in built[k : k + 100]:
                number = publications.write_version(session, slug_, point, member, ACTOR, "cli")
                assert number == 1, f"{slug_} {point.label}: expected version 1, got {number}"
                done.append(Published(slug_, point.label, point.start, point.end))
    return done


def publish_all(
    partnerships: int, wanted: int, budget_s: float, steady: int, figures: Figures
) -> list[Published]:
    """Publish the latest `wanted` publishable points of every partnership, newest point first,
    a round (every partnership at one point) at a time, through the real publish() while the
    budget lasts; the rest through publish()'s own steps (backfill). Then `steady` partnerships
    publish one further point through publish(), at the full national number of standing
    versions (with none, the open data file is rebuilt once at the end)."""
    labels = list(reversed(PUBLISHABLE[-wanted:]))
    extra = PUBLISHABLE[-wanted - 1]
    publish_ms, build_ms, rebuild_ms = Sample(), Sample(), Sample()
    round_means: list[str] = []
    done: list[Published] = []
    pending: list[tuple[str, str]] = []
    started = time.perf_counter()
    with (
        timed(build_ms, publications, "build_live"),
        timed(rebuild_ms, publications.opendata, "rebuild"),
    ):
        for r, label in enumerate(labels):
            round_started, calls = time.perf_counter(), len(publish_ms)
            for i in range(partnerships):
                if time.perf_counter() - started > budget_s:
                    pending.append((slug(i), label))
                    continue
                with publish_ms():
                    point, number = publications.publish(slug(i), label, ACTOR)
                assert number == 1, f"{slug(i)} {label}: expected version 1, got {number}"
                done.append(Published(slug(i), point.label, point.start, point.end))
            took = time.perf_counter() - round_started
            real = publish_ms.wall[calls:]
            mean = f"{statistics.mean(real):.0f}" if real else "-"
            round_means.append(mean)
            print(f"    round {r + 1}/{len(labels)} ({label}): {len(real)} publish() calls, "
                  f"mean {mean} ms; {partnerships - len(real)} left for the backfill; "
                  f"{took:.1f} s")  # fmt: skip
        backfilled = len(pending)
        if pending:
            t0 = time.perf_counter()
            done += backfill(pending)
            print(f"  backfilled {backfilled:,} points in {time.perf_counter() - t0:.1f} s")
            if not steady:  # else the first steady publish() rebuilds it from every version
                t0 = time.perf_counter()
                with db.transaction() as session:
                    opendata.rebuild(session)
                once = (time.perf_counter() - t0) * 1000
                print(f"  opendata.rebuild over {len(done):,} standing versions: {once:.0f} ms")
        versions_now = len(done)
        reload_ms = Sample()
        for _ in range(3):
            with reload_ms():
                catalogue.partnerships()
        steady_ms = Sample()
        for i in range(min(steady, partnerships)):
            with steady_ms():
                point, number = publications.publish(slug(i), extra, ACTOR)
            assert number == 1
            done.append(Published(slug(i), point.label, point.start, point.end))
    per = len(done) // partnerships
    print(f"  published {len(done):,} points ({partnerships} partnerships x {per}"
          f"{f' + {steady} at {extra}' if steady else ''}) in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    figures.timing(
        "publish one partnership's point (all publish() calls)", publish_ms + steady_ms,
        "aim <= 1000 ms",
    )  # fmt: skip
    if len(publish_ms):
        figures.timing(f"  publish() while 0-{len(publish_ms) - 1} versions stood", publish_ms)
    if len(steady_ms):
        figures.timing(
            f"  publish() at national scale ({versions_now:,} versions)", steady_ms,
            f"{len(steady_ms)} partnerships, point {extra}",
        )  # fmt: skip
    figures.timing("  of which build_live", build_ms, "catalogue already in memory")
    figures.timing(
        "  catalogue reload (catalogue.partnerships)", reload_ms,
        "after a configuration change only (its own version): not on publish",
    )  # fmt: skip
    figures.timing(
        "  of which opendata.rebuild", rebuild_ms, "per publish(); reads every standing version"
    )
    figures.notes.append(
        f"published {partnerships} x {len(labels)} points ({', '.join(labels)}) + {steady} at "
        f"{extra}; publish() mean per round (ms): {', '.join(round_means)}"
    )
    if backfilled:
        figures.notes.append(
            f"publish() budget of {budget_s:.0f} s ran out after {len(publish_ms)} publishes: the "
            f"other {backfilled} were stored with publish()'s own steps (build_live, then "
            f"write_version) batched, the open data file left to the next publish(): each "
            f"publish() marks the open data file stale; the next read of it rebuilds it from "
            f"every standing version"
        )
    return done


# --- gunicorn and clients -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_settings(worker_class: str) -> tuple[list[str], str]:
    """gunicorn's extra arguments for the worker class asked for, and a description."""
    if worker_class == "sync":
        # --threads 1 too: gunicorn turns sync workers with threads > 1 into gthread ones
        return ["-k", "sync", "--threads", "1"], "sync workers (-k sync --threads 1)"
    conf = ROOT / "gunicorn.conf.py"
    if not conf.exists():
        return [], "gunicorn's defaults (no gunicorn.conf.py)"
    values = runpy.run_path(str(conf))
    kind, threads = values.get("worker_class", "sync"), values.get("threads", 1)
    return [], f"gunicorn.conf.py: worker_class {kind}, {threads} threads each"


GUNICORN_ARGS: list[str] = []  # set by main from --worker-class


@contextmanager
def gunicorn(url: str) -> Iterator[Served]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark-only-" + "x" * 40}
    env.pop("REDIS_URL", None)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-w", "2", *GUNICORN_ARGS,
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "app:server"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(f"{base}/api/v1/partnerships", timeout=30).read()
                    break
                except OSError:
                    if process.poll() is not None:
                        log.seek(0)
                        raise SystemExit(log.read().decode()) from None
                    time.sleep(0.1)
            # both workers: the national catalogue and the areas in memory before any timing
            prime(base, [Request("/api/v1/partnerships")] * 8)
            yield Served(base, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.seek(0)
            lines = log.read().decode(errors="replace").splitlines()
            errors = [x for x in lines if "Error" in x or "Traceback" in x]
            if errors:
                print(f"  gunicorn logged {len(errors)} error lines, first: {errors[0][:300]}")


@dataclass(frozen=True)
class Served:
    base: str
    pid: int  # gunicorn's master

    def worker_cpu_s(self) -> float:
        """CPU seconds the workers have used (user + system)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                try:
                    fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                except FileNotFoundError:
                    continue
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    @contextmanager
    def cpu_per_request(self, into: list[str], requests: Callable[[], int]) -> Iterator[None]:
        """Appends the workers' CPU ms per request over the block (`requests()` counts them)."""
        before = self.worker_cpu_s()
        yield
        count = requests()
        into.append(f"{(self.worker_cpu_s() - before) * 1000 / count:.1f}" if count else "")


WRK_SCRIPT = """
local requests = {%(requests)s}
local walk = %(walk)s  -- true: thread k takes k, k + threads, ... of a list shuffled beforehand
local step = %(threads)d
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  for _ = 1, 10 do math.random() end
  position = id
end
function request()
  local r
  if walk then
    r = requests[((position - 1) %% #requests) + 1]
    position = position + step
  else
    r = requests[math.random(#requests)]
  end
  if r[2] == nil then
    return wrk.format("GET", r[1])
  end
  return wrk.format("POST", r[1], {["Content-Type"] = "application/json"}, r[2])
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests,
    latency:percentile(50), latency:percentile(95), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Request:
    path: str
    body: str | None = None  # a POST's JSON body


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def drive_wrk(
    base: str, requests: Sequence[Request], seconds: float, walk: bool = False
) -> tuple[int, float, float, int]:
    """`walk`: the requests (shuffled by the caller) are taken in turn, none twice until all have
    been asked; otherwise each request is a random pick."""
    threads = 4
    items = ",".join(
        "{" + lua_string(r.path) + ("," + lua_string(r.body) if r.body else "") + "}"
        for r in requests
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(
            WRK_SCRIPT % {"requests": items, "walk": str(walk).lower(), "threads": threads}
        )
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{CLIENTS}", f"-d{max(1, round(seconds))}s",
             "--timeout", "10s", "-s", handle.name, base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(handle.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    count, p50, p95, bad, failed = (int(v) for v in line.split()[1:])
    return count, p50 / 1000, p95 / 1000, bad + failed


def fetch(base: str, r: Request, timeout: float = 30) -> bytes:
    if r.body is None:
        return urllib.request.urlopen(base + r.path, timeout=timeout).read()
    req = urllib.request.Request(
        base + r.path, data=r.body.encode(), headers={"Content-Type": "application/json"}
    )
    return urllib.request.urlopen(req, timeout=timeout).read()


def drive_threads(
    base: str, requests: Sequence[Request], seconds: float, walk: bool = False
) -> tuple[int, float, float, int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        position = seed
        while time.monotonic() < deadline:
            started = time.perf_counter()
            r = requests[position % len(requests)] if walk else rng.choice(requests)
            position += CLIENTS
            try:
                fetch(base, r, timeout=10)
            except OSError:
                with lock:
                    errors[0] += 1
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    workers = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return len(latencies), pct(latencies, 50), pct(latencies, 95), errors[0]


def one_client(base: str, requests: Sequence[Request]) -> tuple[list[float], int]:
    timings, errors = [], 0
    for r in requests:
        started = time.perf_counter()
        try:
            fetch(base, r)
        except OSError:
            errors += 1
        timings.append((time.perf_counter() - started) * 1000)
    return timings, errors


def prime(base: str, requests: Sequence[Request]) -> None:
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda r: fetch(base, r, timeout=180), requests))


# --- the overview callback ----------------------------------------------------------------------


def overview_outputs() -> list[dict[str, str]]:
    """The overview callback's outputs, in its order (callbacks.overview.register)."""
    from callbacks import overview

    return [{"id": o.component_id, "property": o.component_property} for o in overview.OUTPUTS]


def overview_request(p: Published) -> Request:
    """The POST the browser makes when the overview's URL state changes."""
    from layouts import ids

    outputs = overview_outputs()
    state = {"slug": p.slug, "period": p.label, "priority": None}
    body = {
        "output": ".." + "...".join(f"{o['id']}.{o['property']}" for o in outputs) + "..",
        "outputs": outputs,
        "inputs": [{"id": ids.OVERVIEW_STATE, "property": "data", "value": state}],
        "changedPropIds": [f"{ids.OVERVIEW_STATE}.data"],
        "state": [],
    }
    return Request("/_dash-update-component", json.dumps(body, separators=(",", ":")))


def check_overview_answer(raw: bytes, p: Published) -> None:
    answer = json.loads(raw)["response"]
    from layouts import ids

    shown = answer[ids.OVERVIEW_SHOWN]["data"]
    hidden = answer[ids.OVERVIEW_CONTROLS]["hidden"]
    assert not hidden and shown["slug"] == p.slug and shown["period"] == p.label, (shown, hidden)


# --- in-process measurements --------------------------------------------------------------------


def clear_caches() -> None:
    """The shared cache and each in-process memo of stored reports: the next read is cold."""
    from data_access.cache import cache

    cache.clear()
    data_reports._parsed.cache_clear()


def bare_sql(url: str, sample: Sequence[Published], figures: Figures) -> None:
    """The one read the public results path makes for the report (the stored version row, as
    data_access.reports._stored selects it), straight through SQLAlchemy Core, fetched; the
    public_report column alone; the old results query for the same point; and the Python parse
    of the stored public report."""
    engine = sa.create_engine(url)
    comparators = [c for c, _, _ in COMPARATORS]
    codes = [f"M{m:02d}" for m in range(MEASURES)]
    stored, column, old, parse, sizes = Sample(), Sample(), Sample(), Sample(), []
    with engine.connect() as conn:
        for p in sample:
            stmt = (
                data_reports._version_rows(p.slug, p.end)
                .where(PublicationVersionRow.withdrawn.is_(False))
                .order_by(PublicationVersionRow.version.desc())
            )
            with stored():
                rows = conn.execute(stmt).fetchall()
            assert len(rows) == 1, f"{p}: {len(rows)} stored versions"
            only = stmt.with_only_columns(PublicationVersionRow.public_report)
            with column():
                text = conn.execute(only).scalars().first()
            sizes.append((len(rows[0].member_report), len(text)))
            area = area_code(int(p.slug.removeprefix("csp-")))
            with old():
                found = conn.execute(
                    results_statement(codes, [area, *comparators], p.end)
                ).fetchall()
            assert found, "the old results query found nothing"
            with parse():
                report_model.from_json(text)
    engine.dispose()
    member_kb = statistics.mean(m for m, _ in sizes) / 1000
    public_kb = statistics.mean(p for _, p in sizes) / 1000
    figures.timing(
        "(c) bare SQL: stored version row (public path)", stored,
        f"whole row: member {member_kb:.0f} kB + public {public_kb:.0f} kB JSON",
    )  # fmt: skip
    figures.timing("(c) bare SQL: public_report column only", column)
    figures.timing("(c) bare SQL: old results query", old, "40 measures x 5 areas up to the point")
    figures.timing("(c) parse stored public report (from_json)", parse)


def live_reports(sample: Sequence[Published], reloads: int, figures: Figures) -> None:
    """A member's live report for one partnership built cold, in-process."""
    build, build_cat, live = Sample(), Sample(), Sample()
    data_reports.build_live(sample[0].slug, ref(sample[0]))  # imports, catalogue, areas
    for p in sample:
        clear_caches()
        with build():
            report = data_reports.build_live(p.slug, ref(p))
        assert len(report.measures) == MEASURES
    for p in sample[:reloads]:
        clear_caches()
        data_results._catalogue.cache_clear()
        data_results._areas_of.cache_clear()
        with build_cat():
            data_reports.build_live(p.slug, ref(p))
    flagged = 0
    for p in sample:
        clear_caches()
        with live():
            report = data_reports.live_report(p.slug, ref(p))
        assert report.publication is not None
        # nothing changed since publishing, so the live report should not say it has
        flagged += report.publication.changed_since
    if flagged:
        figures.notes.append(
            f"APP BUG? live_report says changed_since=True for {flagged} of {len(sample)} points "
            "published moments before with no data change"
        )
        print(f"  ! {figures.notes[-1]}")
    figures.timing(
        "(d) build_live cold (member's live report)", build,
        "caches cleared, catalogue in memory; aim <= 50 ms",
    )  # fmt: skip
    figures.timing(
        "(d) build_live cold incl. catalogue reload", build_cat,
        "first read in a worker after a configuration change",
    )  # fmt: skip
    figures.timing(
        "(d) live_report cold (build + mark vs stored)", live, "what a member's request calls"
    )


def ref(p: Published) -> report_model.PointRef:
    return report_model.PointRef(p.label, p.start, p.end)


def overview_in_process(server: Any, sample: Sequence[Published], figures: Figures) -> None:
    from callbacks import overview

    timings = Sample()
    clear_caches()
    with server.test_request_context():
        overview.show_overview({"slug": sample[0].slug, "period": sample[0].label})
    for p in sample:
        with server.test_request_context(), timings():
            out = overview.show_overview({"slug": p.slug, "period": p.label})
        assert out[1] is False and out[-1]["period"] == p.label, out[-1]
    figures.timing(
        "(e) overview callback service time (in-process)", timings,
        "show_overview, one client, distinct random points",
    )  # fmt: skip


# --- one backend --------------------------------------------------------------------------------


def run(url: str, label: str, args: argparse.Namespace, workdir: Path, server: Any) -> Figures:
    print(f"{label}:")
    figures = Figures(label)
    load_before = "/".join(f"{x:.1f}" for x in os.getloadavg())
    rng = random.Random(20240601)
    seconds = args.seconds
    with server.app_context():
        load(url, workdir, args.partnerships, figures)
        clear_caches()
        done = publish_all(
            args.partnerships, args.points, args.publish_budget, args.steady, figures
        )
    points = len(done) // args.partnerships
    distinct = len(done)
    drive: Callable[..., tuple[int, float, float, int]]
    drive, tool = (drive_wrk, "wrk") if shutil.which("wrk") else (drive_threads, "threads")
    cpu: list[str] = []  # the workers' CPU ms per request, phase by phase
    # A fresh gunicorn for each phase that must find the caches cold (each worker has its own)
    order = rng.sample(done, distinct)
    single = order[-min(args.single, distinct) :]  # asked by (a), so last in (b)'s walk
    with gunicorn(url) as served:
        base = served.base
        # sanity: one answer has every public measure and the stored version
        answer = json.loads(fetch(base, Request(single[0].path)))
        assert len(answer["results"]) == MEASURES - MEASURES // 10, len(answer["results"])
        assert answer["publication"]["version"] == 1 and answer["period"]["published"]
        assert answer["period"]["label"] == single[0].label
        # (a) one client, a distinct random point each time
        with served.cpu_per_request(cpu, lambda: len(single) - 1):
            ms, errors = one_client(base, [Request(p.path) for p in single[1:]])
        figures.timing(
            "(a) public results API, 1 client", ms,
            f"gunicorn, distinct random points, errors {errors}", cpu=cpu[-1],
        )  # fmt: skip
        # (b) 16 clients walking every published point in a random order
        with served.cpu_per_request(cpu, lambda: n):
            n, p50, p95, errors = drive(base, [Request(p.path) for p in order], seconds, True)
        asked_before = max(0, n - (distinct - len(single)))
        figures.load(
            f"(b) public results API, {CLIENTS} clients", n, p50, p95, n / seconds, cpu[-1],
            f"{tool} {seconds:.0f} s walking {distinct:,} points in random order, "
            f"~{asked_before / max(n, 1):.0%} asked before, errors {errors}",
        )  # fmt: skip
        defaults = [Request(API.format(slug(i))) for i in range(args.partnerships)]
        prime(base, defaults * 3)  # each worker has its own cache: ask every default of both
        with served.cpu_per_request(cpu, lambda: n):
            n, p50, p95, errors = drive(base, defaults, seconds)
        figures.load(
            f"(b) warm: default point, {CLIENTS} clients", n, p50, p95, n / seconds, cpu[-1],
            f"{tool} {seconds:.0f} s, {args.partnerships} defaults asked before, errors {errors}",
        )  # fmt: skip
    # (e) the overview callback over HTTP: under the API load from one probe client, then alone
    overview_posts = {p: overview_request(p) for p in done}
    with gunicorn(url) as served:
        base = served.base
        check_overview_answer(fetch(base, overview_posts[order[-1]]), order[-1])
        probe: list[float] = []
        probe_errors = [0]
        stop = threading.Event()
        probe_order = rng.sample(done, distinct)

        def prober() -> None:
            k = 0
            while not stop.is_set():
                p = probe_order[k % distinct]
                k += 1
                started = time.perf_counter()
                try:
                    check_overview_answer(fetch(base, overview_posts[p]), p)
                except (OSError, AssertionError, KeyError, ValueError):
                    probe_errors[0] += 1
                probe.append((time.perf_counter() - started) * 1000)

        thread = threading.Thread(target=prober)
        api_order = [Request(p.path) for p in rng.sample(done, distinct)]
        with served.cpu_per_request(cpu, lambda: n + len(probe)):
            thread.start()
            n, p50, p95, errors = drive(base, api_order, seconds, True)
            stop.set()
            thread.join()
        figures.timing(
            "(e) overview POST under the API load", probe,
            f"1 probe client, distinct points, + {CLIENTS} {tool} API clients "
            f"({n / seconds:,.0f} req/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms, errors {errors}); "
            f"probe errors {probe_errors[0]}; CPU: both kinds of request",
            cpu=cpu[-1],
        )  # fmt: skip
    with gunicorn(url) as served:
        posts = [overview_posts[p] for p in rng.sample(done, distinct)]
        with served.cpu_per_request(cpu, lambda: n):
            n, p50, p95, errors = drive(served.base, posts, seconds, True)
        figures.load(
            f"(e) overview POST, {CLIENTS} clients", n, p50, p95, n / seconds, cpu[-1],
            f"{tool} {seconds:.0f} s walking {distinct:,} points in random order, errors {errors}",
        )  # fmt: skip
    with server.app_context():
        sample = rng.sample(done, min(args.sql_sample, distinct))
        bare_sql(url, sample, figures)
        live_reports(rng.sample(done, min(args.live_sample, distinct)), args.reload_sample, figures)
        overview_in_process(server, rng.sample(done, min(args.live_sample, distinct)), figures)
    load_after = "/".join(f"{x:.1f}" for x in os.getloadavg())
    figures.notes.append(
        f"load average (1/5/15 min) {load_before} at the start, {load_after} at the end, on "
        f"{os.cpu_count()} CPUs shared with other work: figures are noisy when it is high"
    )
    figures.notes.insert(
        0,
        f"{args.partnerships} partnerships x {MEASURES} measures, {points} published points "
        f"each ({distinct:,} in all), every request a random published point",
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test: small and short")
    parser.add_argument("--seconds", type=float, help="each load phase (default 15; quick 3)")
    parser.add_argument(
        "--points", type=int, help=f"points to publish per partnership (max {len(PUBLISHABLE)})"
    )
    parser.add_argument(
        "--publish-budget", type=float, help="seconds of publish() calls (default 30)"
    )
    parser.add_argument(
        "--steady", type=int, help="publish() calls at national scale, after the rest (default 2)"
    )
    parser.add_argument("--partnerships", type=int, help="default 300; quick 30")
    parser.add_argument("--postgres", help="also run on this PostgreSQL database (new schema)")
    parser.add_argument(
        "--postgres-only", action="store_true", help="with --postgres: skip the SQLite run"
    )
    parser.add_argument(
        "--worker-class",
        choices=("conf", "sync"),
        default="conf",
        help="conf: as gunicorn.conf.py sets it (what the Procfile runs); sync: 2 sync workers",
    )
    args = parser.parse_args()
    args.seconds = args.seconds or (3.0 if args.quick else 10.0)
    args.partnerships = args.partnerships or (30 if args.quick else PARTNERSHIPS)
    args.points = max(2, min(args.points or 2, len(PUBLISHABLE) - 1))
    args.publish_budget = args.publish_budget or 30.0
    if args.steady is None:
        args.steady = 2
    args.single = 40 if args.quick else 150
    args.sql_sample = 40 if args.quick else 150
    args.live_sample = 10 if args.quick else 50
    args.reload_sample = 5
    GUNICORN_ARGS[:], workers = worker_settings(args.worker_class)
    print(f"today {date.today()}; {os.cpu_count()} CPUs; gunicorn 2 workers, {workers}; "
          f"{CLIENTS} clients; {args.partnerships} partnerships; up to {args.points} points each; "
          f"load phases {args.seconds:.0f} s")  # fmt: skip
    tables = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        os.environ["DATABASE_URL"] = sqlite_url  # the app module binds it at import
        import app as app_module

        logging.getLogger("alembic").setLevel(logging.WARNING)  # the migrations' INFO lines

        server = app_module.server
        if not (args.postgres and args.postgres_only):
            tables.append(run(sqlite_url, "SQLite", args, Path(tmp), server))
            db.dispose()
        if args.postgres:
            with db.scratch_postgres_schema(args.postgres, prefix="bench") as url:
                data_results._catalogue.cache_clear()
                data_results._areas_of.cache_clear()
                opendata._rows_for.cache_clear()
                tables.append(run(url, "PostgreSQL", args, Path(tmp), server))
    print()
    for t in tables:
        print(t.table())
        print()


if __name__ == "__main__":
    main()
