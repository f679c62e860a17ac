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
  query under concurrent loopback clients.
It prints one table per backend and size and writes them under bench/results/ as JSON and
Markdown. Timings are a report, never a test: nothing here passes or fails on a number.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
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
from api.demo import nijmegen
from api.ledger import Ledger, open_ledger, system_clock
from bench.synthetic import Generator, Shape, SyntheticClock
from projections import lineage, queries, reports

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
RESULTS = Path(__file__).parent / "results"
QUERY_REPEATS = 30
RAW_SAMPLE = 5_000  # stored events re-inserted for the raw recorder rate
HTTP_CLIENTS = 8
HTTP_REQUESTS = 400


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(samples, 0.5) * 1000, 2),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 2),
    }


@contextmanager
def database(backend: str, directory: Path, name: str) -> Iterator[tuple[str, str | None]]:
    """A fresh database: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{directory}/{name}.db", None
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield POSTGRES_URL, schema
    finally:
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


def record_history(ledger: Ledger, size: int, result: Result) -> None:
    latencies: list[float] = []
    generator = Generator(ledger.app, Shape.for_events(size))
    start = last = time.perf_counter()
    for _ in generator.commands():
        now = time.perf_counter()
        latencies.append(now - last)
        last = now
    elapsed = time.perf_counter() - start
    events = ledger.app.recorder.max_notification_id() or 0
    result.figures["events"] = events
    result.figures["commands"] = len(latencies)
    result.figures["command_events_per_s"] = round(events / elapsed)
    result.figures["command_latency"] = ms(latencies)


def stored_sample(ledger: Ledger, limit: int) -> list[StoredEvent]:
    notifications = ledger.app.recorder.select_notifications(start=1, limit=limit)
    return [
        StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in notifications
    ]


def raw_insert_rate(backend: str, directory: Path, sample: list[StoredEvent], batch: int) -> int:
    """The recorder alone, inserting the same stored events into an empty log."""
    with database(backend, directory, f"raw{batch}") as (url, schema):
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


def rebuild_rss(url: str, schema: str | None) -> int:
    """Peak resident memory (KiB) of a rebuild in a process of its own."""
    script = (
        "import resource, sys; from api.ledger import open_ledger; "
        "ledger = open_ledger(sys.argv[1], schema=sys.argv[2] or None); "
        "ledger.runner.rebuild(); ledger.close(); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, url, schema or ""],
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
            "now": queries.resolve_basis(conn, None, end),
            "old report": queries.resolve_basis(conn, first_report, end),
            "a moment": queries.resolve_basis(conn, f"{line.fiscal_year}-06-30", end),
        }
        for label, basis in bases.items():
            as_of = None if label == "old report" else basis.as_of  # a report's own basis
            cases: dict[str, Callable[[], Any]] = {
                "budget overview": partial(
                    queries.budget_rollup, conn, basis, "programma", fiscal_year=line.fiscal_year
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
            naive = [timed(partial(read_and_decode, ledger, basis.position)) for _ in range(3)]
            result.figures[f"naive replay as of {label}"] = ms(naive)


# -- HTTP ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_throughput(ledger: Ledger, url: str, result: Result) -> None:
    """A served SQLite file (serve has no PostgreSQL schema setting)."""
    _, secret = TokenStore(ledger.engine, system_clock).create(
        name=f"bench-{uuid.uuid4().hex[:8]}", role=Role.AUDITOR, created_by="bench"
    )
    with ledger.engine.connect() as conn:
        report = conn.execute(
            text("SELECT report_id FROM reports ORDER BY position DESC LIMIT 1")
        ).scalar_one()
    port = free_port()
    served = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()

        def client(count: int) -> None:
            nonlocal errors
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=30
            ) as http:
                for _ in range(count):
                    start = time.perf_counter()
                    response = http.get(f"/api/v1/reports/{report}")
                    elapsed = time.perf_counter() - start
                    with lock:
                        latencies.append(elapsed)
                        errors += response.status_code != 200

        threads = [
            threading.Thread(target=client, args=(HTTP_REQUESTS // HTTP_CLIENTS,))
            for _ in range(HTTP_CLIENTS)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
        result.figures["http report"] = {
            "clients": HTTP_CLIENTS,
            "requests_per_s": round(len(latencies) / elapsed),
            **ms(latencies),
            "errors": errors,
        }
    finally:
        served.terminate()
        served.wait(30)


# -- one backend, one size -------------------------------------------------------------


def bench(backend: str, size: int, directory: Path, with_http: bool) -> Result:
    result = Result(backend, size)
    with database(backend, directory, f"history{size}") as (url, schema):
        ledger = open_ledger(url, schema=schema, clock=SyntheticClock())
        try:
            record_history(ledger, size, result)
            events = result.figures["events"]
            sample = stored_sample(ledger, min(RAW_SAMPLE, events))
            raw_one = raw_insert_rate(backend, directory, sample, 1)
            raw_batch = raw_insert_rate(backend, directory, sample, 100)
            result.figures["raw_insert_1_per_s"] = raw_one
            result.figures["raw_insert_100_per_s"] = raw_batch
            result.figures["command_vs_raw_1"] = round(
                result.figures["command_events_per_s"] / raw_one, 3
            )
            catch_up = timed(ledger.runner.catch_up)
            result.figures["catch_up_events_per_s"] = round(events / catch_up)
            decode = timed(lambda: read_and_decode(ledger))
            result.figures["raw_read_decode_per_s"] = round(events / decode)
            rebuild = timed(ledger.runner.rebuild)
            result.figures["rebuild_events_per_s"] = round(events / rebuild)
            result.figures["rebuild_vs_raw"] = round(decode / rebuild, 3)
            result.figures["rebuild_peak_rss_mib"] = round(rebuild_rss(url, schema) / 1024, 1)
            result.figures["bytes_per_event"] = round(database_bytes(ledger, url, schema) / events)
            query_latencies(ledger, result)
            if with_http and schema is None:
                http_throughput(ledger, url, result)
        finally:
            ledger.close()
    return result


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--full", action="store_true", help="add the 10^6 size (slow)")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the tables go")
    args = parser.parse_args(argv)
    sizes = [*args.sizes, *([1_000_000] if args.full else [])]
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    started = datetime.now(UTC).isoformat(timespec="seconds")
    results: list[Result] = []
    demo: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="begroting-bench-") as tmp:
        directory = Path(tmp)
        for backend in args.backends:
            demo[backend] = demo_load_seconds(backend, directory)
            for size in sizes:
                result = bench(backend, size, directory, not args.no_http)
                results.append(result)
                print(markdown(result), flush=True)
                print(flush=True)
    print(f"demo load (s): {demo}")
    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "started": started,
        "machine": machine,
        "demo_load_s": demo,
        "results": [{"backend": r.backend, "size": r.size, **r.figures} for r in results],
    }
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    body = "\n\n".join(markdown(r) for r in results)
    (args.out / "latest.md").write_text(
        f"# Benchmark {started}\n\n{machine}; demo load (s): {demo}\n\n{body}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
