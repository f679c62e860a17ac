"""The benchmark suite: `make bench` (or `python -m bench.run --sizes 10000 100000`).

For each backend (a SQLite file, a PostgreSQL schema) and each size it records a synthetic
history (bench/synthetic.py) and measures, in the same run:
- command throughput through the application, one command per transaction, and its p50/p99
  latency; against the raw limit: the eventsourcing recorder inserting the same stored
  events directly (one per transaction, and 100 per transaction), without our domain or
  projections;
- projection catch-up and a full rebuild from zero, against the raw read-and-decode rate of
  the same log; the peak resident memory of a rebuild in a process of its own;
- query latency p50/p99 of a budget overview, a figure's lineage and a full report render,
  as of now, as of the first report and as of a moment, against the naive way (reading and
  decoding the log up to the basis, a lower bound of any replay);
- the database size per event, the demo load time, and the HTTP throughput of a report
  query under concurrent loopback clients;
- the web workspace's page timings, p50/p95 per page, over the demo with a synthetic
  municipality of the same size on top (bench/pages.py);
- with `--ledgers N`, many municipalities on one PostgreSQL database and one server
  (bench/ledgers.py; `--sizes` given no size runs that section alone, into ledgers.json/md).
It prints one table per backend and size and writes them under bench/results/ as JSON and
Markdown. Timings are a report, never a test: nothing here passes or fails on a number.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import psycopg
from eventsourcing.persistence import StoredEvent
from sqlalchemy import text

from api.auth import Role, TokenStore
from api.cli.progress import busy
from api.demo import nijmegen
from api.ledger import Ledger, open_ledger, system_clock
from bench import ledgers, load, pages
from bench.synthetic import FIRST_YEAR, Generator, Shape, SyntheticClock
from projections.queries import lineage, reports
from projections.queries.basis import resolve_basis
from projections.queries.figures import budget_rollup

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
RESULTS = Path(__file__).parent / "results"
QUERY_REPEATS = 30
RAW_SAMPLE = 5_000  # stored events re-inserted for the raw recorder rate
RAW_BATCH = 100  # events per transaction of the raw recorder's batched rate
BATCH_SIZE = 100  # commands per batch of the go-live load
HTTP_CLIENTS = 8
HTTP_CLIENT_PROCESSES = 4  # the clients' processes (bench/load.py)
HTTP_WORKERS = 2  # `begroting serve --workers`: one a core of this 2-core machine


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(samples, 0.5) * 1000, 2),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 2),
    }


@contextmanager
def database(
    backend: str, directory: Path, name: str, keep: bool = False
) -> Iterator[tuple[str, str | None]]:
    """A fresh database: a SQLite file, or a PostgreSQL schema dropped afterwards. Kept
    (`keep`): the file in `directory`, or a schema named after `name`, left for a later run."""
    if backend == "sqlite":
        yield f"sqlite:///{directory}/{name}.db", None
        return
    schema = f"bench_keep_{name}" if keep else f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    try:
        yield POSTGRES_URL, schema
    finally:
        if not keep:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


@dataclass
class Result:
    backend: str
    size: int
    figures: dict[str, Any] = field(default_factory=dict)


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# -- writing ---------------------------------------------------------------------------


def record_history(ledger: Ledger, size: int, batch_size: int, result: Result) -> None:
    """The go-live load, then live use: every year but the last is recorded in batches of
    `batch_size` commands (one transaction each), the last year one command per
    transaction, on top of the history before it."""
    generator = Generator(ledger.app, Shape.for_events(size))
    last_year = FIRST_YEAR + generator.shape.years - 1
    steps = generator.commands()
    batch_latencies: list[float] = []
    batched_events = 0
    start = time.perf_counter()
    while True:
        began = time.perf_counter()
        with ledger.app.batch() as batch:
            for year in steps:
                if year == last_year or batch.commands >= batch_size:
                    break
        batch_latencies.append(time.perf_counter() - began)
        batched_events += len(batch.events)
        if not batch.commands or year == last_year:
            break
    batched = time.perf_counter() - start
    latencies: list[float] = []
    start = last = time.perf_counter()
    for _ in steps:
        now = time.perf_counter()
        latencies.append(now - last)
        last = now
    elapsed = time.perf_counter() - start
    events = ledger.app.recorder.max_notification_id() or 0
    single_events = events - batched_events
    result.figures["events"] = events
    result.figures["batched_commands"] = f"{batched_events:,} events in batches of {batch_size}"
    result.figures["batch_events_per_s"] = round(batched_events / batched)
    result.figures["batch_latency"] = ms(batch_latencies)
    result.figures["commands"] = f"{single_events:,} events one per transaction (the last year)"
    result.figures["command_events_per_s"] = round(single_events / elapsed)
    result.figures["command_latency"] = ms(latencies)


def stored_sample(ledger: Ledger, limit: int) -> list[StoredEvent]:
    notifications = ledger.app.recorder.select_notifications(start=1, limit=limit)
    return [
        StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in notifications
    ]


def raw_insert_rate(backend: str, directory: Path, sample: list[StoredEvent], batch: int) -> int:
    """The recorder alone, inserting the same stored events into an empty log."""
    with (
        tempfile.TemporaryDirectory(prefix="begroting-raw-", dir=directory) as empty,
        database(backend, Path(empty), f"raw{batch}") as (url, schema),
    ):
        ledger = open_ledger(url, schema=schema, clock=SyntheticClock())
        try:
            recorder = ledger.app.recorder
            start = time.perf_counter()
            for offset in range(0, len(sample), batch):
                recorder.insert_events(sample[offset : offset + batch])
            return round(len(sample) / (time.perf_counter() - start))
        finally:
            ledger.close()


# -- reading ---------------------------------------------------------------------------


def read_and_decode(ledger: Ledger, stop: int | None = None) -> int:
    """The raw limit of any projection: read the log in pages and decode every event."""
    count, start = 0, 1
    mapper, recorder = ledger.app.mapper, ledger.app.recorder
    while True:
        page = recorder.select_notifications(start=start, limit=2000, stop=stop)
        if not page:
            return count
        for notification in page:
            mapper.to_domain_event(notification)
        count += len(page)
        start = page[-1].id + 1


REBUILD_PEAK = """
import resource, sys
from api.ledger import open_ledger
ledger = open_ledger(sys.argv[1], schema=sys.argv[2] or None)
ledger.runner.rebuild()
ledger.close()
try:  # this process's own peak: ru_maxrss keeps the forking parent's across exec (Linux)
    with open("/proc/self/status") as status:
        print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def rebuild_rss(url: str, schema: str | None) -> int:
    """Peak resident memory (KiB) of a rebuild in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-c", REBUILD_PEAK, url, schema or ""],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def database_bytes(ledger: Ledger, url: str, schema: str | None) -> int:
    if schema is None:
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with ledger.engine.connect() as conn:
        size = conn.execute(
            text(
                "SELECT sum(pg_total_relation_size(format('%I.%I', schemaname, tablename))) "
                "FROM pg_tables WHERE schemaname = :schema"
            ),
            {"schema": schema},
        ).scalar()
    return int(size or 0)


def query_latencies(ledger: Ledger, result: Result) -> None:
    end = ledger.runner.position()
    with ledger.engine.connect() as conn:
        first_report = conn.execute(
            text("SELECT report_id FROM reports ORDER BY position LIMIT 1")
        ).scalar_one()
        line = conn.execute(
            text(
                "SELECT fiscal_year, fund, interventie FROM budget_lines "
                "WHERE fund IS NOT NULL ORDER BY id LIMIT 1"
            )
        ).one()
        bases = {
            "now": resolve_basis(conn, None, end),
            "old report": resolve_basis(conn, first_report, end),
            "a moment": resolve_basis(conn, f"{line.fiscal_year}-06-30", end),
        }
        for label, basis in bases.items():
            as_of = None if label == "old report" else basis.as_of  # a report's own basis
            cases: dict[str, Callable[[], Any]] = {
                "budget overview": partial(
                    budget_rollup, conn, basis, "programma", fiscal_year=line.fiscal_year
                ),
                "lineage": partial(
                    lineage.budget_lineage,
                    conn,
                    basis,
                    fiscal_year=line.fiscal_year,
                    fund=line.fund,
                    interventie=line.interventie,
                ),
                "report": partial(reports.render_report, conn, first_report, as_of, end),
            }
            for name, case in cases.items():
                samples = [timed(case) for _ in range(QUERY_REPEATS)]
                result.figures[f"query {name} as of {label}"] = ms(samples)
            # The naive way must at least read and decode the log up to the basis.
            repeats = 3 if basis.position <= 100_000 else 1
            naive = [
                timed(partial(read_and_decode, ledger, basis.position)) for _ in range(repeats)
            ]
            result.figures[f"naive replay as of {label}"] = ms(naive)


# -- HTTP ------------------------------------------------------------------------------


def healthy(base: str, tries: int) -> bool:
    """Whether the server at `base` answers its health check within `tries` tenths of a
    second (or so: each try waits up to a second for its answer)."""
    for _ in range(tries):
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.1)
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def started_verifications(url: str, schema: str | None) -> int:
    """How many verifications the log has recorded: each worker of a server records its
    start-up verify (in the background for a large log) once it is done."""
    ledger = open_ledger(url, schema=schema)
    try:
        with ledger.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM chain_verifications")).scalar_one())
    finally:
        ledger.close()


def serving(url: str, schema: str | None, port: int, workers: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--db", url, "--port", str(port)]
        + ["--workers", str(workers)]
        + (["--schema", schema] if schema else []),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its workers with it: stopped as one group
    )


def stop(served: subprocess.Popen[bytes]) -> None:
    served.terminate()
    try:
        served.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(served.pid, signal.SIGKILL)
        served.wait(30)


def group_cpu_seconds(group: int) -> float | None:
    """The CPU time (user and system) the processes of process group `group` have used so
    far: the served process and its workers. On a busy machine the requests per second
    follow what else runs; the CPU per request does not. None without /proc (not Linux)."""
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) == group:  # the fields after the name: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def measured(served: subprocess.Popen[bytes], run: load.Load, workers: int) -> dict[str, Any]:
    """One load run against the server, with the server's CPU per answer."""
    before = group_cpu_seconds(served.pid)
    answers = load.run(run)
    after = group_cpu_seconds(served.pid)
    figures = answered(answers, workers)
    if before is not None and after is not None and answers.latencies:
        # Includes the warm-up's answers' share: a little high, the same for every run.
        figures["server_cpu_ms_per_request"] = round(
            (after - before) * 1000 / len(answers.latencies), 2
        )
    return figures


def answered(answers: load.Answers, workers: int) -> dict[str, Any]:
    return {
        "clients": HTTP_CLIENTS,
        "requests_per_s": round(len(answers.latencies) / answers.window),
        **ms(answers.latencies),
        "errors": answers.errors,
        "client_processes": HTTP_CLIENT_PROCESSES,
        "workers": workers,
        "seconds": answers.window,
        "requests": len(answers.latencies),
        "cores": os.cpu_count(),  # shared by the server and its clients
    }


def http_throughput(
    ledger: Ledger, url: str, result: Result, schema: str | None = None, workers: int = HTTP_WORKERS
) -> None:
    """`begroting serve` over the history (a SQLite file or a PostgreSQL schema) with
    `workers` workers; loopback clients in processes of their own (bench/load.py). First
    the load generator's ceiling, against the health check (no token, no figures), then a
    report on its own basis (ADR 0036). Measured once every worker's start-up verify of the
    log is done: a large log's runs in the background and would take a core meanwhile."""
    _, secret = TokenStore(ledger.engine, system_clock).create(
        name=f"bench-{uuid.uuid4().hex[:8]}", role=Role.AUDITOR, created_by="bench"
    )
    with ledger.engine.connect() as conn:
        report = conn.execute(
            text("SELECT report_id FROM reports ORDER BY position DESC LIMIT 1")
        ).scalar_one()
    verified = started_verifications(url, schema)
    port = free_port()
    served = serving(url, schema, port, workers)
    base = f"http://127.0.0.1:{port}"
    try:
        if not healthy(base, tries=600):
            raise RuntimeError(f"begroting serve did not answer at {base}")
        deadline = time.monotonic() + 1800
        while started_verifications(url, schema) < verified + workers:
            if time.monotonic() > deadline:
                raise RuntimeError("the start-up verify of the served log did not end")
            time.sleep(0.5)
        shape = {"clients": HTTP_CLIENTS, "processes": HTTP_CLIENT_PROCESSES}
        ceiling = measured(served, load.Load(base, "/api/v1/health", {}, **shape), workers)
        result.figures["http ceiling"] = {**ceiling, "path": "/api/v1/health"}
        headers = {"Authorization": f"Bearer {secret}"}
        path = f"/api/v1/reports/{report}"
        result.figures["http report"] = measured(
            served, load.Load(base, path, headers, **shape), workers
        )
    finally:
        stop(served)


# -- one backend, one size -------------------------------------------------------------


def bench(
    backend: str,
    size: int,
    directory: Path,
    with_http: bool,
    batch_size: int,
    keep: bool,
    page_repeats: int = pages.PAGE_REPEATS,
) -> Result:
    """One backend, one size. Kept (`keep`), a history recorded by an earlier run is
    measured again without recording it anew: its recording figures are the earlier ones."""
    result = Result(backend, size)
    recorded = directory / f"recorded-{backend}-{size}.json"
    with database(backend, directory, f"history{size}", keep) as (url, schema):
        ledger = open_ledger(url, schema=schema, clock=SyntheticClock())
        try:
            if keep and recorded.exists():
                result.figures.update(json.loads(recorded.read_text()))
                result.figures["recorded"] = "by an earlier run (--keep)"
                ledger.runner.catch_up()
            else:
                record_history(ledger, size, batch_size, result)
                raw_insert_rates(ledger, backend, directory, result)
                catch_up = timed(ledger.runner.catch_up)
                result.figures["catch_up_events_per_s"] = round(result.figures["events"] / catch_up)
                if keep:
                    recorded.write_text(json.dumps(result.figures, indent=2))
            measure(ledger, backend, directory, url, schema, result)
            if with_http:
                http_throughput(ledger, url, result, schema)
        finally:
            ledger.close()
    if page_repeats:
        page_timings(backend, size, directory, batch_size, keep, page_repeats, result)
    targets(result)
    return result


def page_timings(
    backend: str,
    size: int,
    directory: Path,
    batch_size: int,
    keep: bool,
    repeats: int,
    result: Result,
) -> None:
    """The workspace's pages in a ledger of their own (the demo, and a synthetic
    municipality of `size` on top); kept, like the history, for a later run."""
    recorded = directory / f"recorded-pages-{backend}-{size}.json"
    began = time.perf_counter()
    with database(backend, directory, f"pages{size}", keep) as (url, schema):
        ledger = open_ledger(url, schema=schema, clock=SyntheticClock())
        try:
            if keep and recorded.exists():
                events = int(json.loads(recorded.read_text())["pages events"])
                ledger.runner.catch_up()
            else:
                events = pages.record(ledger, size, batch_size)
                if keep:
                    recorded.write_text(json.dumps({"pages events": events}))
            result.figures["pages events"] = events
            result.figures.update(pages.timings(ledger, repeats))
        finally:
            ledger.close()
    # What the section costs a run (CI's smoke run keeps it within half a minute).
    result.figures["pages section s"] = round(time.perf_counter() - began, 1)


def raw_insert_rates(ledger: Ledger, backend: str, directory: Path, result: Result) -> None:
    """The raw limit, right after the recording it is compared with (a kept history keeps
    both, so a ratio never mixes two runs)."""
    sample = stored_sample(ledger, min(RAW_SAMPLE, result.figures["events"]))
    raw_one = raw_insert_rate(backend, directory, sample, 1)
    raw_batch = raw_insert_rate(backend, directory, sample, RAW_BATCH)
    result.figures["raw_insert_1_per_s"] = raw_one
    result.figures[f"raw_insert_{RAW_BATCH}_per_s"] = raw_batch
    result.figures["command_vs_raw_1"] = round(result.figures["command_events_per_s"] / raw_one, 3)
    result.figures[f"batch_vs_raw_{RAW_BATCH}"] = round(
        result.figures["batch_events_per_s"] / raw_batch, 3
    )


def measure(
    ledger: Ledger, backend: str, directory: Path, url: str, schema: str | None, result: Result
) -> None:
    events = result.figures["events"]
    decode = timed(lambda: read_and_decode(ledger))
    result.figures["raw_read_decode_per_s"] = round(events / decode)
    rebuild = timed(ledger.runner.rebuild)
    result.figures["rebuild_events_per_s"] = round(events / rebuild)
    result.figures["rebuild_vs_raw"] = round(decode / rebuild, 3)
    result.figures["rebuild_peak_rss_mib"] = round(rebuild_rss(url, schema) / 1024, 1)
    result.figures["bytes_per_event"] = round(database_bytes(ledger, url, schema) / events)
    query_latencies(ledger, result)


def targets(result: Result) -> None:
    """The issue's targets beside what was measured: met, or missed by how much."""
    figures = result.figures

    def check(name: str, value: float, goal: float, higher_is_better: bool) -> None:
        met = value >= goal if higher_is_better else value <= goal
        verdict = "met" if met else f"missed by {abs(value - goal) / goal:.1%}"
        sign = ">=" if higher_is_better else "<="
        figures[f"target {name}"] = f"{value:g} (goal {sign} {goal:g}): {verdict}"

    check("command / raw insert", figures["command_vs_raw_1"], 0.5, True)
    check("batch / raw batch insert", figures[f"batch_vs_raw_{RAW_BATCH}"], 0.5, True)
    check("rebuild / raw decode", figures["rebuild_vs_raw"], 0.5, True)
    for basis in ("now", "old report", "a moment"):
        for query, goal in (("budget overview", 50), ("lineage", 50), ("report", 200)):
            p99 = figures[f"query {query} as of {basis}"]["p99_ms"]
            check(f"{query} as of {basis} p99 ms", p99, goal, False)
        naive = figures[f"naive replay as of {basis}"]["p50_ms"]
        slowest = max(
            figures[f"query {query} as of {basis}"]["p50_ms"]
            for query in ("budget overview", "lineage", "report")
        )
        check(f"speed-up over naive as of {basis}", round(naive / slowest, 1), 20, True)


def demo_load_seconds(backend: str, directory: Path) -> float:
    with database(backend, directory, "demo") as (url, schema):
        ledger = open_ledger(url, schema=schema)
        try:
            return round(timed(lambda: (nijmegen.load(ledger.app), ledger.runner.catch_up())), 2)
        finally:
            ledger.close()


# -- output ----------------------------------------------------------------------------


def markdown(result: Result) -> str:
    lines = [
        f"### {result.backend}, {result.figures['events']:,} events",
        "",
        "| measure | value |",
        "|---|---|",
    ]
    for name, value in result.figures.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        lines.append(f"| {name} | {value} |")
    return "\n".join(lines)


BASES = ("now", "old report", "a moment")


def summary(results: list[Result], demo: dict[str, float]) -> str:
    """One table for all backends and sizes: the figures the targets are about."""

    def worst_p99(f: dict[str, Any], query: str) -> str:
        return f"{max(f[f'query {query} as of {b}']['p99_ms'] for b in BASES):g}"

    def speed_up(f: dict[str, Any]) -> str:
        return (
            f"{min(float(f[f'target speed-up over naive as of {b}'].split()[0]) for b in BASES):g}x"
        )

    def slowest_page(f: dict[str, Any]) -> str:
        timed = [(v["p95_ms"], path) for path, v in pages.page_rows(f) if isinstance(v, dict)]
        if not timed:
            return ""
        p95, path = max(timed)
        return f"{p95:g} ({path})"

    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("events", lambda f: f"{f['events']:,}"),
        (
            "batched commands, events/s (ratio to raw, 100 per txn)",
            lambda f: f"{f['batch_events_per_s']:,} ({f['batch_vs_raw_100']:g})",
        ),
        (
            "one command per txn, events/s (ratio to raw, 1 per txn)",
            lambda f: f"{f['command_events_per_s']:,} ({f['command_vs_raw_1']:g})",
        ),
        (
            "command latency p50 / p99 ms",
            lambda f: "{p50_ms:g} / {p99_ms:g}".format(**f["command_latency"]),
        ),
        ("catch-up, events/s", lambda f: f"{f['catch_up_events_per_s']:,}"),
        (
            "rebuild, events/s (ratio to raw read and decode)",
            lambda f: f"{f['rebuild_events_per_s']:,} ({f['rebuild_vs_raw']:g})",
        ),
        ("rebuild peak RSS, MiB", lambda f: f"{f['rebuild_peak_rss_mib']:g}"),
        ("budget overview p99 ms (worst basis)", lambda f: worst_p99(f, "budget overview")),
        ("lineage p99 ms (worst basis)", lambda f: worst_p99(f, "lineage")),
        ("report p99 ms (worst basis)", lambda f: worst_p99(f, "report")),
        ("speed-up over naive replay (least)", speed_up),
        ("bytes per event", lambda f: f"{f['bytes_per_event']:,}"),
        ("slowest page p95 ms (bench/pages.py)", slowest_page),
        (
            "HTTP report, 8 clients: req/s, p99 ms, errors",
            lambda f: (
                "{requests_per_s}, {p99_ms:g}, {errors}".format(**f["http report"])
                if "http report" in f
                else ""
            ),
        ),
    ]
    header = [f"{r.backend} {r.size:,}" for r in results]
    lines = [
        "| measure | " + " | ".join(header) + " |",
        "|---|" + "---|" * len(results),
    ]
    for name, cell in rows:
        lines.append(f"| {name} | " + " | ".join(cell(r.figures) for r in results) + " |")
    loads = ", ".join(f"{backend} {seconds:g} s" for backend, seconds in demo.items())
    lines.append(f"| demo load | {loads} |" + " |" * (len(results) - 1))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--full", action="store_true", help="add the 10^6 size (slow)")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--page-repeats",
        type=int,
        default=pages.PAGE_REPEATS,
        help="timed requests per workspace page (0: no page timings)",
    )
    parser.add_argument("--no-pages", action="store_true", help="no page timings")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the tables go")
    parser.add_argument("--batch", type=int, default=BATCH_SIZE, help="commands per batch")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the recorded histories here (PostgreSQL: schemas bench_keep_*) and, on a "
        "later run with the same directory, measure them again without recording anew",
    )
    parser.add_argument(
        "--ledgers", type=int, default=0, help="ledgers on one PostgreSQL server (0: none)"
    )
    parser.add_argument("--ledger-events", type=int, default=1000, help="events, least, each")
    parser.add_argument("--ledger-processes", type=int, default=2, help="processes filling them")
    parser.add_argument("--ledger-cap", type=int, help="open ledgers (default: the setting's)")
    args = parser.parse_args(argv)
    sizes = [*args.sizes, *([1_000_000] if args.full else [])]
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    started = datetime.now(UTC).isoformat(timespec="seconds")
    results: list[Result] = []
    demo: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="begroting-bench-") as tmp:
        directory = Path(tmp)
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
        for backend in args.backends if sizes else []:  # no size: the ledgers alone
            demo[backend] = demo_load_seconds(backend, directory)
            for size in sizes:
                # A bar on a terminal while one backend and size is measured (ADR 0023).
                with busy(f"measuring {backend} at {size:,} events"):
                    result = bench(
                        backend,
                        size,
                        args.keep or directory,
                        not args.no_http,
                        args.batch,
                        args.keep is not None,
                        0 if args.no_pages else args.page_repeats,
                    )
                results.append(result)
                print(markdown(result), flush=True)
                print(flush=True)
    many: dict[str, Any] = {}
    if args.ledgers:
        with busy(f"measuring {args.ledgers} ledgers of {args.ledger_events:,} events"):
            many = ledgers.bench_ledgers(
                POSTGRES_URL,
                args.ledgers,
                args.ledger_events,
                args.ledger_processes,
                args.keep,
                args.ledger_cap,
            )
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "ledgers.json").write_text(
            json.dumps({"started": started, "machine": machine, "ledgers": many}, indent=2) + "\n"
        )
        (args.out / "ledgers.md").write_text(
            f"# Many ledgers {started}\n\n{machine}\n\n{ledgers.markdown(many)}\n"
        )
        print(ledgers.markdown(many), flush=True)
        if not results:
            return 0
    print(f"demo load (s): {demo}")
    table = summary(results, demo)
    print(table)
    page_table = pages.table([(f"{r.backend} {r.size:,}", r.figures) for r in results])
    print(flush=True)
    print(page_table)
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "started": started,
        "machine": machine,
        "demo_load_s": demo,
        "results": [{"backend": r.backend, "size": r.size, **r.figures} for r in results],
        **({"ledgers": many} if many else {}),
    }
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    body = "\n\n".join(markdown(r) for r in results)
    (args.out / "latest.md").write_text(
        f"# Benchmark {started}\n\n{machine}; demo load (s): {demo}\n\n## Summary\n\n"
        f"{table}\n\n## Page timings\n\n{pages.ABOUT}\n\n{page_table}\n\n"
        f"## Every figure\n\n{body}\n"
        + (f"\n## Many ledgers on one server\n\n{ledgers.markdown(many)}\n" if many else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
