"""The benchmark suite: `make bench` (or `python -m bench.run --sizes 10000 100000`).

For each backend (a SQLite file, a PostgreSQL schema) and each size it records a synthetic
history (bench/synthetic.py) and measures, in the same run:
- command throughput through the application, one command per transaction, and its p50/p99
  latency; against the raw limit: the eventsourcing recorder inserting the same stored
  events directly (one per transaction, and 100 per transaction), without our domain or
  projections;
- projection catch-up and a full rebuild from zero, against the raw read-and-decode rate of
  the same log; the peak resident memory of a rebuild in a process of its own;
- query latency p50/p99 of a budget overview, the lineage of one figure, the lineage of a
  (fiscal year, fund, interventie) aggregate and a full report render, as of now, as of an
  old report and as of a moment, against the naive way (reading and decoding the log up to
  the basis, a lower bound of any replay). Since issue 14 each of the 30 repeats asks as of
  a basis of its own, seeded (bench/queries.py, QUERY_NOTE);
- the database size per event, the demo load time, and the HTTP throughput of a report
  query under concurrent loopback clients;
- the web workspace's page timings, p50/p95 per page, over the demo with a synthetic
  municipality of the same size on top (bench/pages.py);
- with `--ledgers N`, many municipalities on one PostgreSQL database and one server
  (bench/ledgers.py; `--sizes` given no size runs that section alone, into ledgers.json/md).
- the whole process of `begroting --help` and of `begroting report interventieplan-fase-4`
  on the demo (SQLite), the median of five (`--no-cli`: not measured).
It prints one table per backend and size and writes them under bench/results/ as JSON and
Markdown. The summary (bench/tables.py) puts each query's p50 / p99 at every size of a
backend side by side with the growth of its p50 from the smallest size to the largest, then
every goal of issue 14 with what each backend and size measured: met, or missed by how much
(`targets`, `growth`: the `target ...` figures). Timings are a report, never a test: nothing
here passes or fails on a number.
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
from bench.pauses import Pauses
from bench.queries import BASES, QUERY_NOTE, probes, query_cases
from bench.synthetic import FIRST_YEAR, Generator, Shape, SyntheticClock
from bench.tables import (
    BYTES_GOAL,
    HTTP_GOALS,
    QUERIES,
    QUERY_GOALS,
    Result,
    growth,
    summary,
    verdict,
)

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
    """Each query as of each basis kind, every repeat on a basis of its own (`probes`); the
    naive replay as of the first probe's basis of each kind."""
    end = ledger.runner.position()
    with ledger.engine.connect() as conn, Pauses() as pauses:
        for label, kind in probes(conn, end, QUERY_REPEATS).items():
            samples: dict[str, list[float]] = {}
            behind: list[int] = []
            for probe in kind:
                for name, case in query_cases(conn, probe, end).items():
                    started = time.perf_counter()
                    answer = case()
                    ended = time.perf_counter()
                    samples.setdefault(name, []).append(ended - started)
                    pauses.note(f"{name} as of {label}", started, ended, conn)
                    if name == "lineage":
                        behind.append(len(answer))
            for name, timings in samples.items():
                result.figures[f"query {name} as of {label}"] = ms(timings)
                result.figures[f"slowest {name} as of {label}"] = pauses.slowest(
                    f"{name} as of {label}"
                )
            result.figures[f"lineage events behind one figure as of {label}, most"] = max(behind)
            # The naive way must at least read and decode the log up to the basis.
            position = kind[0].basis.position
            repeats = 3 if position <= 100_000 else 1
            naive = [timed(partial(read_and_decode, ledger, position)) for _ in range(repeats)]
            result.figures[f"naive replay as of {label}"] = ms(naive)
        result.figures["pauses during the queries"] = pauses.summary()


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
    # As kept incrementally. `bytes_per_event` (the goal's figure, as before) is taken after
    # the two rebuilds: PostgreSQL keeps their deleted rows as free space, SQLite's rebuild
    # checkpoints its write-ahead log and truncates it (ADR 0038).
    result.figures["bytes_per_event_recorded"] = round(database_bytes(ledger, url, schema) / events)
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
        sign = ">=" if higher_is_better else "<="
        figures[f"target {name}"] = (
            f"{value:g} (goal {sign} {goal:g}): {verdict(value, goal, higher_is_better)}"
        )

    check("command / raw insert", figures["command_vs_raw_1"], 0.5, True)
    check("batch / raw batch insert", figures[f"batch_vs_raw_{RAW_BATCH}"], 0.5, True)
    check("rebuild / raw decode", figures["rebuild_vs_raw"], 0.5, True)
    for basis in BASES:
        for query, goal in QUERY_GOALS.items():
            p99 = figures[f"query {query} as of {basis}"]["p99_ms"]
            check(f"{query} as of {basis} p99 ms", p99, goal, False)
        naive = figures[f"naive replay as of {basis}"]["p50_ms"]
        slowest = max(figures[f"query {query} as of {basis}"]["p50_ms"] for query in QUERIES)
        check(f"speed-up over naive as of {basis}", round(naive / slowest, 1), 20, True)
    check("bytes per event", figures["bytes_per_event"], BYTES_GOAL, False)
    if "http report" in figures:
        served = figures["http report"]
        for name, goal in HTTP_GOALS.items():
            check(f"http report {name}", served[name], goal, name == "requests_per_s")


CLI_REPORT = ("report", "interventieplan-fase-4")


def cli_start(directory: Path, repeats: int = 5) -> dict[str, float]:
    """Whole-process seconds, the median of `repeats`, of `begroting --help` and of a report
    on the demo (a SQLite file made here): the installed entry point beside this Python, or
    `python -m api.cli` where there is none."""
    entry = Path(sys.executable).parent / "begroting"
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "api.cli"]
    url = f"sqlite:///{directory}/cli-demo.db"
    ledger = open_ledger(url)
    try:
        nijmegen.load(ledger.app)
        ledger.runner.catch_up()
    finally:
        ledger.close()
    found = {}
    for name, args in (
        ("begroting --help", ["--help"]),
        ("begroting report interventieplan-fase-4", [*CLI_REPORT, "--db", url]),
    ):
        seconds = [
            timed(partial(subprocess.run, [*command, *args], capture_output=True, check=True))
            for _ in range(repeats)
        ]
        found[f"{name} s"] = round(percentile(seconds, 0.5), 3)
    return found


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
    parser.add_argument(
        "--no-cli", action="store_true", help="no whole-process CLI timings (begroting --help)"
    )
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
        cli = cli_start(directory) if results and not args.no_cli else {}
    growth(results)
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
    print(f"whole-process CLI (s): {cli}")
    table = summary(results, demo, cli)
    print(table)
    page_table = pages.table([(f"{r.backend} {r.size:,}", r.figures) for r in results])
    print(flush=True)
    print(page_table)
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "started": started,
        "machine": machine,
        "demo_load_s": demo,
        "query_note": QUERY_NOTE,
        **({"cli_start_s": cli} if cli else {}),
        "results": [{"backend": r.backend, "size": r.size, **r.figures} for r in results],
        **({"ledgers": many} if many else {}),
    }
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    body = "\n\n".join(markdown(r) for r in results)
    (args.out / "latest.md").write_text(
        f"# Benchmark {started}\n\n{machine}; demo load (s): {demo}\n\n## Summary\n\n"
        f"{QUERY_NOTE}\n\n{table}\n\n## Page timings\n\n{pages.ABOUT}\n\n{page_table}\n\n"
        f"## Every figure\n\n{body}\n"
        + (f"\n## Many ledgers on one server\n\n{ledgers.markdown(many)}\n" if many else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
