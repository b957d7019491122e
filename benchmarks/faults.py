"""Faults under load: 16 clients for 60 s against gunicorn (with gunicorn.conf.py) on PostgreSQL
and Redis, while PostgreSQL restarts and Redis freezes (CLIENT PAUSE).

Usage: python benchmarks/faults.py [--seconds 60] [--clients 16] [--pause-ms 20000]
         [--restart-at 10] [--pause-at 25] [--root PATH]
         [--postgres URL [--restart-command CMD]] [--redis URL]

By default it starts a PostgreSQL cluster (initdb, as the postgres user when run as root) and a
redis-server of its own on free ports, so restarting and pausing them disturbs nobody else's
tests; `--postgres` and `--redis` use running servers instead (`--restart-command` defaults to
Debian's `pg_ctlcluster --skip-systemctl-redirect VERSION main restart`). The sample data is
loaded into a scratch schema (data_access.db.scratch_postgres_schema) by the tree under test
(`--root`, default this one: point it at a checkout of an older commit to measure the old
behaviour), served by `gunicorn app:server` from that tree with APP_ENV=production and
WEB_CONCURRENCY=2, so its gunicorn.conf.py applies when it has one.

The clients ask, at random, the public API (partnership list, periods, each published point's
results), the embedded public summary and a dashboard page. Printed: requests, failures by
status (connection errors and client time-outs too), latency before, during and after each
fault, the longest stall (slowest request; longest time no answer arrived), and per fault the
recovery time: from the fault until the last request it spoiled ended (one that failed, or one
in flight when it began or begun in its first second, which a hang holds).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import http.client
import json
import os
import random
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from data_access.db import scratch_postgres_schema  # noqa: E402

CLIENT_TIMEOUT_S = 60  # long enough to see a whole stall rather than cut it short


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- servers ------------------------------------------------------------------------------------


def _as_postgres_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextlib.contextmanager
def own_postgres() -> Iterator[tuple[str, list[str]]]:
    """A throwaway PostgreSQL cluster on a free port: (URL, restart command)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("initdb not found: pass --postgres URL (and --restart-command CMD)")
    bindir = Path(found[-1]).parent
    data = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    as_pg = _as_postgres_user()
    pg_ctl = [*as_pg, str(bindir / "pg_ctl"), "-D", str(data)]
    subprocess.run(
        [*as_pg, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    log = data / "server.log"
    subprocess.run([*pg_ctl, "-o", options, "-l", str(log), "-w", "start"], check=True)
    try:
        yield (
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
            [*pg_ctl, "-l", str(log), "-m", "fast", "-w", "restart"],  # pg_ctlcluster's mode
        )
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(data, ignore_errors=True)


@contextlib.contextmanager
def own_redis() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if not binary:
        raise SystemExit("redis-server not found: pass --redis URL")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                redis.Redis.from_url(url).ping()
                break
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def default_restart_command() -> list[str]:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions:
        raise SystemExit("--restart-command is needed: no /etc/postgresql cluster found")
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"]


def load_sample(root: Path, url: str) -> None:
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "app:server"]
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    for command in ("init-db", "load-sample"):
        done = subprocess.run(
            [*flask, command], cwd=root, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"{command} failed:\n{done.stderr}")
        print(f"  {done.stdout.strip()}")


@dataclass
class Gunicorn:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


@contextlib.contextmanager
def gunicorn(root: Path, database_url: str, redis_url: str, logdir: Path) -> Iterator[Gunicorn]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "faults-benchmark-only-" + "x" * 40,
        "APP_ENV": "production",
        "WEB_CONCURRENCY": "2",
    }
    env.pop("PORT", None)
    log = logdir / "gunicorn.log"
    config = "gunicorn.conf.py" if (root / "gunicorn.conf.py").exists() else "(none: sync)"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-b", f"127.0.0.1:{port}",
             "app:server"],
            cwd=root, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    print(f"  gunicorn app:server from {root}, config {config}, on {base}")
    try:
        for _ in range(600):
            with contextlib.suppress(OSError):
                get(base, "/api/v1/partnerships")
                break
            if process.poll() is not None:
                raise SystemExit(log.read_text())
            time.sleep(0.1)
        yield Gunicorn(base, process, log)
    finally:
        process.terminate()
        process.wait(30)


def get(base: str, path: str) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- the load -----------------------------------------------------------------------------------


def paths_to_ask(base: str) -> list[str]:
    """Every partnership's API answers, its embed and its dashboard page."""
    status, body = get(base, "/api/v1/partnerships")
    assert status == 200, status
    paths = ["/api/v1/partnerships"]
    for p in json.loads(body):
        slug = p["slug"]
        api = f"/api/v1/partnerships/{slug}"
        paths += [f"{api}/periods", f"{api}/measures", f"/embed/{slug}", f"/p/{slug}"]
        status, body = get(base, f"{api}/periods")
        for point in json.loads(body):
            label = urllib.parse.quote(point["label"], safe="")
            paths.append(f"{api}/results?period={label}")
    return paths


@dataclass(frozen=True, slots=True)
class Outcome:
    started: float  # seconds since the load began
    ended: float
    status: str  # "200", "503", … or "connection error", "timed out"
    path: str

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def failed(self) -> bool:
        return self.status not in ("200", "304")


@dataclass
class Fault:
    name: str
    started: float
    ended: float | None = None  # when the restart command returned / the pause ran out
    note: str = ""


@dataclass
class Load:
    base: str
    paths: Sequence[str]
    clients: int
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    t0: float = 0.0

    def now(self) -> float:
        return time.monotonic() - self.t0

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        parts = urllib.parse.urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=CLIENT_TIMEOUT_S)
        while not self.stop.is_set():
            path = rng.choice(self.paths)
            started = self.now()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = str(response.status)
            except TimeoutError:
                status = "timed out"
                conn.close()
            except (OSError, http.client.HTTPException):
                status = "connection error"
                conn.close()
            with self.lock:
                self.outcomes.append(Outcome(started, self.now(), status, path))
        conn.close()

    def run(self, seconds: float, faults: Sequence[tuple[float, object]]) -> None:
        """Drive the clients for `seconds`; each (at, fault) callable runs at `at` seconds."""
        self.t0 = time.monotonic()
        threads = [threading.Thread(target=self.client, args=(n,)) for n in range(self.clients)]
        for t in threads:
            t.start()
        try:
            for at, fault in sorted(faults, key=lambda pair: pair[0]):
                time.sleep(max(0.0, at - self.now()))
                fault()  # type: ignore[operator]
            time.sleep(max(0.0, seconds - self.now()))
        finally:
            self.stop.set()
            for t in threads:
                t.join()


# --- figures ------------------------------------------------------------------------------------


def longest_silence(outcomes: Sequence[Outcome], until: float) -> tuple[float, float]:
    """The longest time in which no request was answered: (length, from)."""
    ends = sorted(o.ended for o in outcomes)
    best, at, previous = 0.0, 0.0, 0.0
    for end in [*ends, until]:
        if end - previous > best:
            best, at = end - previous, previous
        previous = end
    return best, at


def percentile(values: Sequence[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, len(ordered) * q // 100)] if ordered else 0.0


def recovery(outcomes: Sequence[Outcome], fault: Fault, window: float) -> str:
    """What the fault spoiled: the requests that failed from its start until `window` seconds
    after it ended, and the stall of those in flight when it began or begun in its first second
    (a hang holds them). Recovered: when the last of either ended."""
    end = fault.ended if fault.ended is not None else fault.started
    failed = [
        o for o in outcomes if o.failed and fault.started <= o.ended and o.started <= end + window
    ]
    caught = [o for o in outcomes if fault.started <= o.ended and o.started <= fault.started + 1]
    stall = max((o.seconds for o in caught), default=0.0)
    last = max((o.ended for o in failed + caught), default=fault.started)
    statuses = Counter(o.status for o in failed)
    listed = ", ".join(f"{s}: {n}" for s, n in statuses.most_common()) or "none"
    return (
        f"failed {len(failed)} ({listed}); slowest request caught at its start {stall:.2f} s; "
        f"recovered {last - fault.started:.2f} s after it began"
    )


def phases(outcomes: Sequence[Outcome], faults: Sequence[Fault], seconds: float) -> None:
    """Latency before, during and after each fault (by when a request began)."""
    marks = [(0.0, "steady, before the faults")]
    for fault in faults:
        marks.append((fault.started, fault.name))
        marks.append(((fault.ended or fault.started) + 2.0, f"after {fault.name}"))
    marks.sort()
    print(f"    {'began':<34}{'requests':>9}{'failed':>8}{'p50 ms':>8}{'p95 ms':>8}{'max s':>7}")
    for (begin, name), (stop, _) in zip(marks, [*marks[1:], (seconds, "")], strict=True):
        chosen = [o for o in outcomes if begin <= o.started < stop]
        ms = [o.seconds * 1000 for o in chosen]
        failed = sum(o.failed for o in chosen)
        print(f"    {f'{begin:.0f}-{stop:.0f} s ' + name:<34}{len(chosen):>9,}{failed:>8}"
              f"{percentile(ms, 50):>8.0f}{percentile(ms, 95):>8.0f}"
              f"{max(ms, default=0) / 1000:>7.2f}")  # fmt: skip


def report(
    label: str, load: Load, faults: Sequence[Fault], seconds: float, slow: float, log: Path
) -> None:
    outcomes = load.outcomes
    failures = Counter(o.status for o in outcomes if o.failed)
    slowest = max(outcomes, key=lambda o: o.seconds)
    silence, silence_at = longest_silence(outcomes, seconds)
    over = sum(1 for o in outcomes if o.seconds > slow)
    listed = ", ".join(f"{status}: {n}" for status, n in sorted(failures.items())) or "none"
    print(f"\n== {label} ==")
    print(f"  requests: {len(outcomes):,} in {seconds:.0f} s ({len(outcomes) / seconds:,.0f}/s), "
          f"{load.clients} clients; failures by status: {listed}")  # fmt: skip
    phases(outcomes, faults, seconds)
    print(f"  longest stall: slowest request {slowest.seconds:.2f} s (began at "
          f"{slowest.started:.1f} s, {slowest.path}); longest time with no answer "
          f"{silence:.2f} s (from {silence_at:.1f} s); {over} requests over "
          f"{slow:g} s")  # fmt: skip
    for fault in faults:
        window = 10.0 if fault.name.startswith("PostgreSQL") else 5.0
        span = f"{fault.started:.1f}-{fault.ended or fault.started:.1f} s"
        print(f"  {fault.name} ({span}{', ' + fault.note if fault.note else ''}): "
              f"{recovery(outcomes, fault, window)}")  # fmt: skip
    lines = log.read_text(errors="replace").splitlines()
    tracebacks = sum(1 for x in lines if x.startswith("Traceback"))
    warnings = [x for x in lines if "WARNING" in x]
    errors = [x for x in lines if "ERROR" in x]
    about_redis = [x for x in lines if "Redis" in x or "cache backend" in x]
    print(f"  gunicorn log: {len(lines)} lines, {tracebacks} tracebacks, {len(warnings)} "
          f"warnings, {len(errors)} errors, {len(about_redis)} about the cache")  # fmt: skip
    for line in errors[:2] + about_redis[:4]:
        print(f"    {line[:200]}")


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--restart-at", type=float, default=10.0, help="PostgreSQL restart (s)")
    parser.add_argument("--pause-at", type=float, default=25.0, help="Redis CLIENT PAUSE (s)")
    parser.add_argument("--pause-ms", type=int, default=20_000)
    parser.add_argument("--slow", type=float, default=2.0, help="count requests slower (s)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the app tree to serve")
    parser.add_argument("--postgres", help="a running server's URL (default: a cluster of its own)")
    parser.add_argument("--restart-command", help="restarts that server (with --postgres)")
    parser.add_argument("--redis", help="a running Redis (default: a redis-server of its own)")
    parser.add_argument("--label", help="the name printed above the figures")
    args = parser.parse_args()
    root = args.root.resolve()
    # a SIGTERM (e.g. from `timeout`) still stops gunicorn and the servers started here
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {args.clients} clients "
          f"for {args.seconds:.0f} s; PostgreSQL restart at {args.restart_at:.0f} s; Redis "
          f"paused {args.pause_ms / 1000:.0f} s at {args.pause_at:.0f} s")  # fmt: skip
    with contextlib.ExitStack() as stack:
        if args.postgres:
            base_url = args.postgres
            restart = shlex.split(args.restart_command) if args.restart_command else None
            restart = restart or default_restart_command()
        else:
            base_url, restart = stack.enter_context(own_postgres())
        redis_url = args.redis or stack.enter_context(own_redis())
        url = stack.enter_context(scratch_postgres_schema(base_url, prefix="faults"))
        load_sample(root, url)
        logdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        served = stack.enter_context(gunicorn(root, url, redis_url, logdir))
        paths = paths_to_ask(served.base)
        for path in paths * 2:  # both workers' caches and Redis warm before the clock starts
            get(served.base, path)
        print(f"  {len(paths)} paths; restart command: {shlex.join(restart)}")
        load = Load(served.base, paths, args.clients)
        faults: list[Fault] = []

        def restart_postgres() -> None:
            fault = Fault("PostgreSQL restart", load.now())
            faults.append(fault)
            # output to a file, not a pipe: the server started may hold a pipe open for good
            with tempfile.TemporaryFile() as out:
                done = subprocess.run(restart, stdout=out, stderr=out, check=False)
                fault.ended = load.now()
                fault.note = f"command took {fault.ended - fault.started:.2f} s"
                if done.returncode:
                    out.seek(0)
                    fault.note += f", FAILED: {out.read().decode(errors='replace')[:200]}"

        def pause_redis() -> None:
            started = load.now()
            redis.Redis.from_url(redis_url).execute_command("CLIENT", "PAUSE", args.pause_ms)
            faults.append(Fault("Redis CLIENT PAUSE", started, started + args.pause_ms / 1000))

        load.run(args.seconds, [(args.restart_at, restart_postgres), (args.pause_at, pause_redis)])
        report(args.label or str(root), load, faults, args.seconds, args.slow, served.log)


if __name__ == "__main__":
    main()
