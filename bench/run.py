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
  a basis of its own (`probes`, seeded): see QUERY_NOTE;
- the database size per event, the demo load time, and the HTTP throughput of a report
  query under concurrent loopback clients;
- the web workspace's page timings, p50/p95 per page, over the demo with a synthetic
  municipality of the same size on top (bench/pages.py);
- with `--ledgers N`, many municipalities on one PostgreSQL database and one server
  (bench/ledgers.py; `--sizes` given no size runs that section alone, into ledgers.json/md).
- the whole process of `begroting --help` and of `begroting report interventieplan-fase-4`
  on the demo (SQLite), the median of five (`--no-cli`: not measured).
It prints one table per backend and size and writes them under bench/results/ as JSON and
Markdown. The summary puts each query's p50 / p99 at every size of a backend side by side with
the growth of its p50 from the smallest size to the largest, then every goal of issue 14 with
what each backend and size measured: met, or missed by how much (`targets`, `growth`: the
`target ...` figures). Timings are a report, never a test: nothing here passes or fails on a
number.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
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
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import psycopg
from eventsourcing.persistence import StoredEvent
from sqlalchemy import Connection, text

from api.auth import Role, TokenStore
from api.cli.progress import busy
from api.demo import nijmegen
from api.ledger import Ledger, open_ledger, system_clock
from bench import ledgers, pages
from bench.synthetic import FIRST_YEAR, Generator, Shape, SyntheticClock
from projections.queries import lineage, reports
from projections.queries.basis import Basis, resolve_basis
from projections.queries.figures import budget_rollup

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
RESULTS = Path(__file__).parent / "results"
QUERY_REPEATS = 30
QUERY_NOTE = (
    "Queries (since issue 14): each of the 30 repeats asks as of a basis of its own, seeded "
    "(QUERY_SEED): 'now' the current position with a varied year, figure and report; 'old "
    "report' each report in turn as of its own basis, rendered by render_report, never the "
    "kept-report cache of the server (a cache hit is not a query); 'a moment' thirty distinct "
    "days across the history's years. 'lineage' is now the lineage of one figure (fiscal "
    "year, programma, taakveld, fund, interventie, as /lineage/budget names it: at most a few "
    "dozen events behind it, 'lineage events behind one figure ... most'); before issue 14 it "
    "was a (fiscal year, fund, interventie) aggregate, now 'lineage of a fund and "
    "interventie'. Earlier runs measured one fixed basis 30 times: their figures are not "
    "comparable row for row."
)
QUERY_SEED = 14  # the probes' bases and subjects (`probes`): the same every run
RAW_SAMPLE = 5_000  # stored events re-inserted for the raw recorder rate
RAW_BATCH = 100  # events per transaction of the raw recorder's batched rate
BATCH_SIZE = 100  # commands per batch of the go-live load
HTTP_CLIENTS = 8
HTTP_REQUESTS = 400
BASES = ("now", "old report", "a moment")


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


@dataclass(frozen=True)
class Probe:
    """One repeat of the query measures: a basis of its kind and what is asked as of it, a
    fiscal year (the overview), one figure's key (its lineage: fiscal year, programma,
    taakveld, fund, interventie, as the API's /lineage/budget names it), a (fiscal year, fund,
    interventie) aggregate, and a report rendered as of the basis (`as_of` None: its own)."""

    basis: Basis
    as_of: str | None
    report: str
    year: int
    figure: tuple[int, str, str, str | None, int | None]
    aggregate: tuple[int, str, int | None]


def _cycled(rng: random.Random, items: list[Any], count: int) -> list[Any]:
    """`count` picks, every item once before any comes again, in a seeded order."""
    picked: list[Any] = []
    while len(picked) < count:
        picked += rng.sample(items, len(items))
    return picked[:count]


def probes(
    conn: Connection, end: int, repeats: int, seed: int = QUERY_SEED
) -> dict[str, list[Probe]]:
    """For each basis kind, `repeats` probes on varied bases, the same for the same seed and
    history: "now" the current position; "old report" each report on its own basis (every
    report once before one comes again); "a moment" distinct days across the history's
    years. The subjects (year, figure, aggregate, report) vary with them."""
    rng = random.Random(seed)
    reports = list(conn.execute(text("SELECT report_id FROM reports ORDER BY position")).scalars())
    figures = [
        tuple(row)
        for row in conn.execute(
            text(
                "SELECT DISTINCT fiscal_year, programma, taakveld, fund, interventie "
                "FROM budget_lines ORDER BY fiscal_year, programma, taakveld, fund, interventie"
            )
        )
    ]
    aggregates = [
        tuple(row)
        for row in conn.execute(
            text(
                "SELECT DISTINCT fiscal_year, fund, interventie FROM budget_lines "
                "WHERE fund IS NOT NULL ORDER BY fiscal_year, fund, interventie"
            )
        )
    ]
    years = sorted({figure[0] for figure in figures})
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    days = rng.sample(range((last - first).days + 1), repeats)  # distinct days
    moments = [(first + timedelta(days=day)).isoformat() for day in days]
    found: dict[str, list[Probe]] = {}
    for label in BASES:
        asked: list[tuple[Basis, str | None, str]] = []
        if label == "now":
            now = resolve_basis(conn, None, end)
            asked = [(now, "now", report) for report in _cycled(rng, reports, repeats)]
        elif label == "old report":
            asked = [
                (resolve_basis(conn, report, end), None, report)
                for report in _cycled(rng, reports, repeats)
            ]
        else:
            asked = [
                (resolve_basis(conn, moment, end), moment, report)
                for moment, report in zip(moments, _cycled(rng, reports, repeats), strict=True)
            ]
        found[label] = [
            Probe(basis, as_of, report, year, figure, aggregate)
            for (basis, as_of, report), year, figure, aggregate in zip(
                asked,
                _cycled(rng, years, repeats),
                _cycled(rng, figures, repeats),
                _cycled(rng, aggregates, repeats),
                strict=True,
            )
        ]
    return found


def query_cases(conn: Connection, probe: Probe, end: int) -> dict[str, Callable[[], Any]]:
    """The measured queries of one probe, by the name of their figure. The report goes
    through `reports.render_report`, never the served kept-report cache (OwnBasisReports):
    a cache hit is not a query."""
    year, programma, taakveld, fund, interventie = probe.figure
    aggregate_year, aggregate_fund, aggregate_interventie = probe.aggregate
    return {
        "budget overview": partial(
            budget_rollup, conn, probe.basis, "programma", fiscal_year=probe.year
        ),
        "lineage": partial(
            lineage.budget_lineage,
            conn,
            probe.basis,
            fiscal_year=year,
            programma=programma,
            taakveld=taakveld,
            fund=fund,
            interventie=interventie,
        ),
        "lineage of a fund and interventie": partial(
            lineage.budget_lineage,
            conn,
            probe.basis,
            fiscal_year=aggregate_year,
            fund=aggregate_fund,
            interventie=aggregate_interventie,
        ),
        "report": partial(reports.render_report, conn, probe.report, probe.as_of, end),
    }


def query_latencies(ledger: Ledger, result: Result) -> None:
    """Each query as of each basis kind, every repeat on a basis of its own (`probes`); the
    naive replay as of the first probe's basis of each kind."""
    end = ledger.runner.position()
    with ledger.engine.connect() as conn:
        for label, kind in probes(conn, end, QUERY_REPEATS).items():
            samples: dict[str, list[float]] = {}
            behind: list[int] = []
            for probe in kind:
                for name, case in query_cases(conn, probe, end).items():
                    started = time.perf_counter()
                    answer = case()
                    samples.setdefault(name, []).append(time.perf_counter() - started)
                    if name == "lineage":
                        behind.append(len(answer))
            for name, timings in samples.items():
                result.figures[f"query {name} as of {label}"] = ms(timings)
            result.figures[f"lineage events behind one figure as of {label}, most"] = max(behind)
            # The naive way must at least read and decode the log up to the basis.
            position = kind[0].basis.position
            repeats = 3 if position <= 100_000 else 1
            naive = [timed(partial(read_and_decode, ledger, position)) for _ in range(repeats)]
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
        healthy(base, tries=300)
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
            if with_http and schema is None:
                http_throughput(ledger, url, result)
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


QUERIES = ("budget overview", "lineage", "report")
# The goals (issue 14) for the p99 of each query as of any basis, in ms.
QUERY_GOALS = {"budget overview": 10, "lineage": 20, "report": 50}
GROWTH_GOAL = 2  # each query's p50 from the smallest size to the largest
HTTP_GOALS = {"requests_per_s": 500, "p99_ms": 50, "errors": 0}
BYTES_GOAL = 2_000
CLI_GOALS = {"begroting --help": 0.3, "begroting report interventieplan-fase-4": 1.0}


def verdict(value: float, goal: float, higher_is_better: bool) -> str:
    """Met, or missed by how much (of the goal; by the value itself for a goal of 0)."""
    if value >= goal if higher_is_better else value <= goal:
        return "met"
    return f"missed by {abs(value - goal) / goal:.1%}" if goal else f"missed by {value:g}"


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


def growth_factors(results: list[Result]) -> dict[str, tuple[Result, Result, dict[str, float]]]:
    """Per backend of more than one size: its smallest and largest result and, for each
    query as of each basis, the p50 at the largest size over the p50 at the smallest."""
    found: dict[str, tuple[Result, Result, dict[str, float]]] = {}
    for backend in dict.fromkeys(r.backend for r in results):
        sized = sorted((r for r in results if r.backend == backend), key=lambda r: r.size)
        if len(sized) < 2:
            continue
        least, most = sized[0].figures, sized[-1].figures
        factors = {
            f"{query} as of {basis}": round(
                most[f"query {query} as of {basis}"]["p50_ms"]
                / max(least[f"query {query} as of {basis}"]["p50_ms"], 0.01),
                2,
            )
            for query in QUERIES
            for basis in BASES
        }
        found[backend] = (sized[0], sized[-1], factors)
    return found


def growth(results: list[Result]) -> None:
    """The growth of each query's p50 from the smallest size to the largest, with its target,
    in the largest result's figures (`growth ...`, `target growth ...`)."""
    for least, most, factors in growth_factors(results).values():
        for name, factor in factors.items():
            most.figures[f"growth {name} p50, from {least.size:,} events"] = factor
            most.figures[f"target growth {name}"] = (
                f"{factor:g} (goal <= {GROWTH_GOAL:g}): {verdict(factor, GROWTH_GOAL, False)}"
            )


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


MEASURED_QUERIES = ("budget overview", "lineage", "lineage of a fund and interventie", "report")


def latency_table(results: list[Result]) -> str:
    """Each query as of each basis kind, p50 / p99 ms, the sizes of a backend side by side
    and the growth of the p50 from its smallest size to its largest."""
    growths = growth_factors(results)
    columns: list[tuple[str, Callable[[str, str], str]]] = []
    for backend in dict.fromkeys(r.backend for r in results):
        for r in sorted((r for r in results if r.backend == backend), key=lambda r: r.size):

            def cell(query: str, basis: str, f: dict[str, Any] = r.figures) -> str:
                found = f.get(f"query {query} as of {basis}")
                return "" if found is None else "{p50_ms:g} / {p99_ms:g}".format(**found)

            columns.append((f"{backend} {r.size:,}", cell))
        if backend in growths:

            def grew(
                query: str, basis: str, factors: dict[str, float] = growths[backend][2]
            ) -> str:
                factor = factors.get(f"{query} as of {basis}")
                return "" if factor is None else f"{factor:g}x"

            columns.append((f"{backend} growth", grew))
    lines = [
        "| query as of basis (p50 / p99 ms) | " + " | ".join(n for n, _ in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for query in MEASURED_QUERIES:
        for basis in BASES:
            cells = [cell(query, basis) for _, cell in columns]
            if any(cells):
                lines.append(f"| {query} as of {basis} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def goals_table(results: list[Result], cli: dict[str, float] | None = None) -> str:
    """Every goal of issue 14 with what each backend and size measured: met, or missed by
    how much. The growth is a backend's (in its largest size's column); the CLI's is the
    whole process on the demo (SQLite), once per run."""
    growths = growth_factors(results)

    def judged(value: float, goal: float, higher_is_better: bool = False) -> str:
        return f"{value:g}: {verdict(value, goal, higher_is_better)}"

    def worst(query: str) -> Callable[[Result], str]:
        return lambda r: judged(
            max(r.figures[f"query {query} as of {b}"]["p99_ms"] for b in BASES),
            QUERY_GOALS[query],
        )

    def grew(r: Result) -> str:
        least, most, factors = growths.get(r.backend, (r, None, {}))
        if most is not r or not factors:
            return ""
        name, factor = max(factors.items(), key=lambda item: item[1])
        return f"{judged(factor, GROWTH_GOAL)} ({name}, from {least.size:,})"

    def served(r: Result) -> str:
        http = r.figures.get("http report")
        if http is None:
            return ""
        missed = [
            f"{name} {verdict(http[name], goal, name == 'requests_per_s')}"
            for name, goal in HTTP_GOALS.items()
            if verdict(http[name], goal, name == "requests_per_s") != "met"
        ]
        figures = "{requests_per_s}, {p99_ms:g}, {errors}".format(**http)
        return f"{figures}: " + ("; ".join(missed) if missed else "met")

    def ratio(key: str) -> Callable[[Result], str]:
        return lambda r: judged(r.figures[key], 0.5, True)

    rows: list[tuple[str, str, Callable[[Result], str]]] = [
        ("budget overview p99 ms, worst basis", "<= 10", worst("budget overview")),
        ("lineage of one figure p99 ms, worst basis", "<= 20", worst("lineage")),
        ("report p99 ms, worst basis", "<= 50", worst("report")),
        ("growth of a query's p50, smallest to largest size, worst", "<= 2x", grew),
        ("HTTP report, 8 clients: req/s, p99 ms, errors", ">= 500, <= 50, 0", served),
        ("batched commands / raw batch insert", ">= 0.5", ratio(f"batch_vs_raw_{RAW_BATCH}")),
        ("one command per txn / raw single insert", ">= 0.5", ratio("command_vs_raw_1")),
        ("rebuild / raw read and decode", ">= 0.5", ratio("rebuild_vs_raw")),
        (
            "stored bytes per event",
            "<= 2,000",
            lambda r: judged(r.figures["bytes_per_event"], BYTES_GOAL),
        ),
    ]
    lines = [
        "| goal (issue 14) | target | "
        + " | ".join(f"{r.backend} {r.size:,}" for r in results)
        + " |",
        "|---|---|" + "---|" * len(results),
    ]
    for name, goal, cell in rows:
        lines.append(f"| {name} | {goal} | " + " | ".join(cell(r) for r in results) + " |")
    for name, seconds in (cli or {}).items():
        command = name.removesuffix(" s")
        limit = CLI_GOALS[command]
        shown = f"{judged(seconds, limit)} (whole process, demo on SQLite, median of 5)"
        lines.append(f"| `{command}`, s | <= {limit:g} | {shown} |" + " |" * (len(results) - 1))
    return "\n".join(lines)


def summary(
    results: list[Result], demo: dict[str, float], cli: dict[str, float] | None = None
) -> str:
    """The queries side by side by size with their growth, every goal of issue 14 with its
    verdict, then one table of the figures the targets are about."""
    return (
        f"{latency_table(results)}\n\n{goals_table(results, cli)}\n\n"
        f"{measures_table(results, demo)}"
    )


def measures_table(results: list[Result], demo: dict[str, float]) -> str:
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
