"""Many municipalities on one server (issue 13, ADR 0032): `--ledgers N --ledger-events E`.

On a PostgreSQL database of its own (created, and dropped afterwards unless kept), it creates
N ledgers GM0001..GM{N}, records a synthetic history of at least E events in each (the
generator's smallest shape for E, in batches of 100 commands; a progress report is
published every quarter, so each ledger has reports to read) and a token per ledger: created
one at a time, filled by a few processes at once. Then it starts the real server (`begroting
serve`, bench/served.py counting the ledgers its cache opens and closes) over that database
with its shipped cap of open ledgers, and measures over loopback HTTP:
- a report's latency on the first ledger and on the last: cold (the first request, which
  opens the ledger) and warm (p50/p99 over `REPEATS` requests);
- a sweep of one request to each ledger in turn, from one client and then from eight at
  once: the cache must close and reopen ledgers; p50/p99, errors, and how many ledgers it
  opened and closed;
- the server process's peak resident memory (VmHWM) and the most connections it held on
  PostgreSQL (pg_stat_activity, sampled every 50 ms).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import Any

import httpx
import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.auth import Role, TokenStore
from api.ledger import open_database, open_ledger, system_clock
from api.ledgers import create_ledger
from api.settings import Settings
from bench.synthetic import Generator, Shape, SyntheticClock
from projections.store.database import Database

REPEATS = 100  # warm requests to the first and to the last ledger
CLIENTS = 8  # the concurrent sweep's clients
BATCH = 100  # commands per transaction of the fill
BENCH_APP = "begroting-bench"  # the benchmark's own connections, left out of the count
KEPT_DATABASE = "bench_keep_ledgers"


def code_of(index: int) -> str:
    return f"GM{index:04d}"


def _ms(samples: list[float]) -> dict[str, float]:
    from bench.run import ms  # run imports this module: imported when measuring

    return ms(samples)


@contextmanager
def ledger_database(server_url: str, keep: bool) -> Iterator[tuple[str, bool]]:
    """A database of its own on the server of `server_url`, and whether it is a kept one
    that already exists (then its ledgers are measured again, not filled anew)."""
    name = KEPT_DATABASE if keep else f"bench_ledgers_{uuid.uuid4().hex[:8]}"
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url, bool(exists)
    finally:
        if not keep:
            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Filled:
    code: str
    events: int
    report: str
    secret: str
    seconds: float


def fill(url: str, code: str, events: int) -> Filled:
    """Record ledger `code`'s history, catch its read model up, make it a token."""
    began = time.perf_counter()
    ledger = open_database(Database.parse(url).of_ledger(code), SyntheticClock())
    try:
        seed = 20261201 + int(code[2:])
        steps = Generator(ledger.app, Shape.for_events(events), seed=seed).commands()
        while True:
            with ledger.app.batch() as batch:
                for _ in islice(steps, BATCH):
                    pass
            if not batch.commands:
                break
        ledger.runner.catch_up()
        _, secret = TokenStore(ledger.engine, system_clock, code).create(
            name="bench", role=Role.AUDITOR, created_by="bench"
        )
        with ledger.engine.connect() as conn:
            report = conn.execute(
                text("SELECT report_id FROM reports ORDER BY position DESC LIMIT 1")
            ).scalar_one()
        recorded = ledger.app.recorder.max_notification_id() or 0
    finally:
        ledger.close()
    return Filled(code, recorded, str(report), secret, time.perf_counter() - began)


def fill_all(
    url: str, count: int, events: int, workers: int, figures: dict[str, Any]
) -> list[Filled]:
    """Ledgers are created one at a time (each creation opens the default ledger, and two
    processes opening one PostgreSQL ledger at once can collide on eventsourcing's
    `CREATE OR REPLACE` of its tables' functions: "tuple concurrently updated"); each is
    filled by one of `workers` processes while the next ones are created."""
    began = time.perf_counter()
    open_ledger(url).close()  # the default ledger and its directory, migrated
    creating: list[float] = []
    with ProcessPoolExecutor(min(workers, count), mp_context=get_context("spawn")) as pool:
        futures = []
        for index in range(1, count + 1):
            start = time.perf_counter()
            code = create_ledger(url, code_of(index), f"Gemeente {index}", created_by="bench")
            creating.append(time.perf_counter() - start)
            futures.append(pool.submit(fill, url, code, events))
        filled = [future.result() for future in futures]
    elapsed = time.perf_counter() - began

    def seconds(samples: list[float]) -> dict[str, float]:
        return {k.replace("_ms", "_s"): round(v / 1000, 2) for k, v in _ms(samples).items()}

    figures["events per ledger, least"] = min(f.events for f in filled)
    figures["events, all ledgers"] = sum(f.events for f in filled)
    figures["create and fill s"] = round(elapsed, 1)
    figures["one ledger's creation s (one at a time)"] = seconds(creating)
    figures["one ledger's fill s"] = seconds([f.seconds for f in filled])
    figures["fill processes"] = min(workers, count)
    return filled


# -- the server ------------------------------------------------------------------------


class Sampler:
    """The server's connections on PostgreSQL, counted every 50 ms while it runs."""

    def __init__(self, server_url: str, database: str) -> None:
        self.server_url, self.database = server_url, database
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(self.server_url, autocommit=True, application_name=BENCH_APP) as conn:
            while not self._stop.is_set():
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND application_name <> %s",
                    (self.database, BENCH_APP),
                ).fetchone()
                self.most = max(self.most, int(row[0]) if row else 0)
                self._stop.wait(0.05)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)


def memory_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))


class Counted:
    """The opened/closed lines bench/served.py writes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def counts(self) -> tuple[int, int]:
        lines = self.path.read_text().split() if self.path.exists() else []
        return lines[::2].count("opened"), lines[::2].count("closed")


@contextmanager
def server(url: str, directory: Path, cap: int) -> Iterator[tuple[str, int, Counted]]:
    from bench.run import free_port, healthy

    port = free_port()
    counted = Counted(directory / "ledgers-opened.log")
    env = {**os.environ, "BENCH_LEDGER_LOG": str(counted.path)}
    env["BEGROTING_MAX_OPEN_LEDGERS"] = str(cap)
    served = subprocess.Popen(
        [sys.executable, "-m", "bench.served", "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        if not healthy(base, tries=600):
            raise RuntimeError("the server did not answer its health check")
        yield base, served.pid, counted
    finally:
        served.terminate()
        served.wait(30)


def get_report(base: str, ledger: Filled) -> tuple[float, bool]:
    start = time.perf_counter()
    response = httpx.get(
        f"{base}/api/v1/reports/{ledger.report}",
        headers={"Authorization": f"Bearer {ledger.secret}"},
        timeout=60,
    )
    return time.perf_counter() - start, response.status_code == 200


def one_ledger(base: str, ledger: Filled, label: str, figures: dict[str, Any]) -> None:
    cold, ok = get_report(base, ledger)
    warm = [get_report(base, ledger) for _ in range(REPEATS)]
    figures[f"{label} ledger {ledger.code}: report, cold (opens it), ms"] = round(cold * 1000, 2)
    figures[f"{label} ledger {ledger.code}: report, warm"] = {
        "requests": REPEATS,
        **_ms([t for t, _ in warm]),
        "errors": (not ok) + sum(not good for _, good in warm),
    }


def sweep(
    base: str,
    filled: list[Filled],
    clients: int,
    counted: Counted,
    label: str,
    figures: dict[str, Any],
) -> None:
    """One request to each ledger in code order, from `clients` clients at once."""
    opened, closed = counted.counts()
    queue: SimpleQueue[Filled] = SimpleQueue()
    for ledger in filled:
        queue.put(ledger)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client() -> None:
        nonlocal errors
        while True:
            try:
                ledger = queue.get_nowait()
            except Empty:
                return
            elapsed, ok = get_report(base, ledger)
            with lock:
                latencies.append(elapsed)
                errors += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    time.sleep(0.5)  # a ledger beyond the cap closes when its request is released, after the answer
    now_opened, now_closed = counted.counts()
    figures[label] = {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        **_ms(latencies),
        "errors": errors,
        "ledgers opened": now_opened - opened,
        "closed": now_closed - closed,
    }


def bench_ledgers(
    server_url: str,
    count: int,
    events: int,
    workers: int,
    keep: Path | None,
    cap: int | None = None,
) -> dict[str, Any]:
    """The section's figures (bench/run.py prints and writes them); `cap`: the open ledgers
    the server keeps, its setting's default unless given."""
    began = time.perf_counter()
    figures: dict[str, Any] = {"ledgers": count}
    cap = cap or Settings().max_open_ledgers
    with (
        ledger_database(server_url, keep is not None) as (url, kept),
        tempfile.TemporaryDirectory(prefix="begroting-ledgers-") as tmp,
    ):
        recorded = (keep or Path(tmp)) / f"recorded-ledgers-{count}-{events}.json"
        if kept and recorded.exists():
            saved = json.loads(recorded.read_text())
            filled = [Filled(**f) for f in saved.pop("filled")]
            figures.update(saved)
            figures["recorded"] = "by an earlier run (--keep)"
        else:
            filled = fill_all(url, count, events, workers, figures)
            if keep is not None:
                saved = {**figures, "filled": [f.__dict__ for f in filled]}
                recorded.write_text(json.dumps(saved, indent=2))
        figures["max open ledgers (the setting)"] = cap
        database = make_url(url).database or ""
        with (
            server(url, Path(tmp), cap) as (base, pid, counted),
            Sampler(server_url, database) as sampler,
        ):
            figures["server RSS at start, MiB"] = round(memory_kib(pid, "VmRSS") / 1024, 1)
            one_ledger(base, filled[0], "first", figures)
            one_ledger(base, filled[-1], "last", figures)
            sweep(base, filled, 1, counted, "sweep of every ledger, 1 client", figures)
            sweep(
                base, filled, CLIENTS, counted, f"sweep of every ledger, {CLIENTS} clients", figures
            )
            figures["server RSS at the end, MiB"] = round(memory_kib(pid, "VmRSS") / 1024, 1)
            figures["server peak RSS (VmHWM), MiB"] = round(memory_kib(pid, "VmHWM") / 1024, 1)
            opened, closed = counted.counts()
            figures["ledgers opened / closed while serving"] = f"{opened} / {closed}"
        figures["server's PostgreSQL connections, most"] = sampler.most
    figures["section s"] = round(time.perf_counter() - began, 1)
    return figures


ABOUT = (
    "A PostgreSQL database of its own with {ledgers} ledgers (schemas gm0001...) of a "
    "synthetic history each, served by `begroting serve` with its shipped cap of open "
    "ledgers; a report (`GET /api/v1/reports/{{id}}`, each ledger's latest) over loopback HTTP. "
    "Cold: the first request to a ledger not yet open (the server opens it: migration check, "
    "catch-up, verification). A sweep sends one request to each ledger in code order."
)


def markdown(figures: dict[str, Any]) -> str:
    lines = [ABOUT.format(ledgers=figures["ledgers"]), "", "| measure | value |", "|---|---|"]
    for name, value in figures.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        lines.append(f"| {name} | {value} |")
    return "\n".join(lines)
