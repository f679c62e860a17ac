"""Fault injection (issue 16): `begroting rebuild`, several times and two at once, while a
served ledger takes transfers from two clients and answers a reader. Nothing may answer a
5xx but 503 with Retry-After; every acknowledged write is in the log once; the chain
verifies; and the read model afterwards is exactly what a fresh rebuild gives (ADR 0015)."""

from __future__ import annotations

import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID, uuid5

import httpx
import pytest
from tests.e2e.test_serve import AUDITOR, FINANCE, GRIFFIE, fund_line

from api.demo import nijmegen
from api.ledger import open_ledger
from domain.budget import BudgetLine
from domain.events import BEGROTING_NAMESPACE
from support.ledgers import BACKENDS, snapshot
from support.processes import BEGROTING, begroting, clean_environment, fresh_database, serving

pytestmark = pytest.mark.e2e

DECISION = "raad-2020-03-11-begrotingswijziging-heen-en-weer"
REBUILD_ROUNDS = 2  # each round: two `begroting rebuild` processes at once
ATTEMPTS = 20  # a write refused with 503 is retried with the same key this often
PROCESS_TIMEOUT = 120.0  # a bound on every process and thread, never a timing assertion


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@dataclass
class Load:
    """What the clients saw: every status, the writes acknowledged (key: body), the keys
    of writes given up on, and anything that was not an HTTP answer."""

    statuses: Counter[int] = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)
    acknowledged: dict[str, dict[str, object]] = field(default_factory=dict)
    given_up: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, response: httpx.Response) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code >= 500 and not (
                response.status_code == 503
                and response.headers.get("retry-after", "").isdigit()
                and response.headers["content-type"] == "application/problem+json"
            ):
                self.bad.append(f"{response.status_code} {response.request.url}: {response.text}")


def transfers(
    url: str, name: str, source: int, target: int, load: Load, stop: threading.Event
) -> None:
    """Move one euro from `source` to `target`, again and again, each under its own key."""
    with httpx.Client(base_url=url, timeout=PROCESS_TIMEOUT) as http:
        number = 0
        while not stop.is_set():
            number += 1
            key = f"{name}-{number}"
            for _ in range(ATTEMPTS):
                response = http.post(
                    "/api/v1/budget/transfers",
                    headers={**FINANCE, "Idempotency-Key": key},
                    json={
                        "source": fund_line(source),
                        "target": fund_line(target),
                        "amount": "1.00",
                        "decision": DECISION,
                    },
                )
                load.saw(response)
                if response.status_code != 503:
                    break
                stop.wait(0.1)
            if response.status_code == 200:
                with load.lock:
                    load.acknowledged[key] = response.json()
            else:
                load.given_up.append(f"{key}: {response.status_code} {response.text}")


def reads(url: str, load: Load, stop: threading.Event) -> None:
    with httpx.Client(base_url=url, timeout=PROCESS_TIMEOUT) as http:
        while not stop.is_set():
            for path, params in (
                ("/api/v1/budget/lines", {"fiscal_year": 2020, "fund": nijmegen.FUND}),
                ("/api/v1/events", {"after": 100, "limit": 50}),
                ("/api/v1/reports/interventieplan-fase-4", {}),
            ):
                response = http.get(path, headers=AUDITOR, params=params)
                load.saw(response)
                if response.status_code not in (200, 503):
                    load.bad.append(f"{response.status_code} {path}: {response.text}")


def rebuild(db: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BEGROTING), "rebuild", "--db", db],
        cwd=cwd,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def mutation_id(key: str) -> UUID:
    """The mutation id a write under this Idempotency-Key records (api.http.Writer)."""
    return uuid5(BEGROTING_NAMESPACE, f"idempotency:demo finance\n{key}")


def test_rebuilds_during_concurrent_writes_and_reads_break_nothing(
    database: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    load, stop = Load(), threading.Event()
    with serving(database, "--demo", cwd=tmp_path) as server:
        with httpx.Client(base_url=server.url, timeout=PROCESS_TIMEOUT) as http:
            proposed = http.post(
                "/api/v1/decisions",
                headers=GRIFFIE,
                json={
                    "reference": DECISION,
                    "title": "Begrotingswijziging 2020: heen en weer",
                    "body": "raad",
                    "kind": "begrotingswijziging",
                    "period": {"first_year": 2020, "last_year": 2020},
                },
            )
            assert proposed.status_code == 201, proposed.text
            adopted = http.post(f"/api/v1/decisions/{DECISION}/adopt", headers=GRIFFIE)
            assert adopted.status_code == 200, adopted.text
        clients = [
            threading.Thread(target=transfers, args=(server.url, "a", 9, 10, load, stop)),
            threading.Thread(target=transfers, args=(server.url, "b", 10, 9, load, stop)),
            threading.Thread(target=reads, args=(server.url, load, stop)),
        ]
        for client in clients:
            client.start()
        outcomes = []
        try:
            before = len(load.acknowledged)
            for _ in range(REBUILD_ROUNDS):
                started = [rebuild(database, tmp_path) for _ in range(2)]
                outcomes += [(p.wait(PROCESS_TIMEOUT), *p.communicate()) for p in started]
            during = len(load.acknowledged)
        finally:
            stop.set()
            for client in clients:
                client.join(PROCESS_TIMEOUT)
        assert not any(client.is_alive() for client in clients)

    assert [(code, err) for code, _, err in outcomes] == [(0, "")] * 2 * REBUILD_ROUNDS
    assert all(
        out.startswith("read model rebuilt from the log up to position ") for _, out, _ in outcomes
    )
    assert load.bad == []
    assert load.given_up == []
    assert during > before  # writes were acknowledged while the rebuilds ran
    assert set(load.statuses) <= {200, 503}

    ledger = open_ledger(database)
    try:
        # Every acknowledged write is in the log once; no write recorded without its answer.
        last = ledger.app.recorder.max_notification_id() or 0
        outs: Counter[UUID] = Counter(
            event.mutation_id
            for notification in ledger.app.recorder.select_notifications(start=1, limit=last)
            if isinstance(
                event := ledger.app.mapper.to_domain_event(notification),
                BudgetLine.TransferredOut,
            )
            and event.meta.actor == "demo finance"
        )
        assert outs == Counter(mutation_id(key) for key in load.acknowledged)
        assert ledger.runner.catch_up() == last
        kept = snapshot(ledger.engine)
        assert ledger.runner.rebuild() == last
        assert snapshot(ledger.engine) == kept
    finally:
        ledger.close()
    verified = begroting("verify", "--db", database, cwd=tmp_path, timeout=PROCESS_TIMEOUT)
    assert (verified.returncode, verified.stderr) == (0, "")
    assert verified.stdout.startswith("the log verifies: ")
    assert verified.stdout.endswith("; 0 events not yet chained\n")
    backend = "sqlite" if database.startswith("sqlite") else "postgres"
    record_property(
        "fault_figures",
        f"rebuild under load ({backend}): {2 * REBUILD_ROUNDS} rebuilds, "
        f"{len(load.acknowledged)} transfers acknowledged, {sum(load.statuses.values())} "
        f"answers, {load.statuses[503]} of them 503 with Retry-After, 0 failures",
    )
