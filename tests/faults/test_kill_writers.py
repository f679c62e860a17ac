"""kill -9 of a writer at random moments (issue 16, ADR 0016): the served API while a client
posts writes under Idempotency-Keys, and the command line loading the demo history.

After every kill the writer is started again and every unanswered request is retried under
its own key until answered. Then: every acknowledged write is in the log exactly once, every
answer to a key is the first answer received for it (and agrees with the log), the hash
chain verifies, and a rebuilt read model equals the one kept incrementally. The moments are
drawn from a seeded random generator, so a failing run can be repeated.
"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from api.auth import Role, TokenStore
from api.demo import nijmegen
from api.ledger import open_ledger, system_clock
from domain.events import BEGROTING_NAMESPACE
from projections.store import schema
from projections.store.database import Database
from support.demo import DEMO_LAST_POSITION
from support.ledgers import BACKENDS, snapshot
from support.processes import (
    BEGROTING,
    Server,
    begroting,
    clean_environment,
    fresh_database,
    start_server,
)

SERVER_KILLS = 20  # per backend
DEMO_KILLS = 5  # per backend, each once the log reached a random position
ZOMERNOTA = nijmegen.ZOMERNOTA_2019
JEUGD_2019 = {"fiscal_year": 2019, "programma": nijmegen.WWZ, "taakveld": "6.72"}
WIJKTEAMS_2019 = {"fiscal_year": 2019, "programma": nijmegen.WWZ, "taakveld": "6.71"}
# Every table but the API's own state (tokens, idempotency keys): the record of
# verifications too.
READ_MODEL = [
    table
    for table in schema.metadata.sorted_tables
    if table not in (schema.api_tokens, schema.idempotency_keys)
]

Body = dict[str, Any]


# -- what the log and the read model hold ----------------------------------------------


@dataclass(frozen=True)
class Logged:
    position: int
    aggregate: UUID
    version: int
    event_type: str
    mutation_id: UUID | None


def read_log(db: str) -> list[Logged]:
    ledger = open_ledger(db)
    try:
        found = []
        start = 1
        while batch := ledger.app.recorder.select_notifications(start=start, limit=500):
            for notification in batch:
                event = ledger.app.mapper.to_domain_event(notification)
                found.append(
                    Logged(
                        notification.id,
                        notification.originator_id,
                        notification.originator_version,
                        type(event).__qualname__,
                        event.meta.mutation_id,
                    )
                )
            start = batch[-1].id + 1
        return found
    finally:
        ledger.close()


def assert_verified_and_rebuilt_alike(db: str, cwd: Path) -> None:
    """`begroting verify` exits 0; `begroting rebuild` yields the incrementally kept rows."""
    verified = begroting("verify", "--db", db, cwd=cwd)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    ledger = open_ledger(db)
    try:
        ledger.runner.catch_up()
        incremental = snapshot(ledger.engine, READ_MODEL)
        rebuilt = begroting("rebuild", "--db", db, cwd=cwd)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert snapshot(ledger.engine, READ_MODEL) == incremental
        assert sum(len(rows) for rows in incremental.values()) > DEMO_LAST_POSITION  # not vacuous
    finally:
        ledger.close()


# -- the served API, killed while a client writes --------------------------------------


@dataclass(frozen=True)
class Write:
    key: str
    path: str
    body: Body
    actor: str

    @property
    def mutation_id(self) -> UUID:
        return uuid5(BEGROTING_NAMESPACE, f"idempotency:{self.actor}\n{self.key}")


def writes() -> Iterator[Write]:
    """Transfers (two aggregates; the first opens the target line) and raad proposals
    (created: 201 with a Location), alternately, each under a key of its own."""
    number = 0
    while True:
        number += 1
        if number % 2:
            body = {"source": JEUGD_2019, "target": WIJKTEAMS_2019, "amount": "1.00"}
            yield Write(
                f"transfer-{number}",
                "/api/v1/budget/transfers",
                body | {"decision": ZOMERNOTA},
                "kill finance",
            )
        else:
            yield Write(
                f"proposal-{number}",
                "/api/v1/decisions",
                {
                    "reference": f"raad-2026-kill-{number}",
                    "title": f"Besluit {number}",
                    "body": "raad",
                    "kind": "begrotingswijziging",
                    "period": {"first_year": 2026, "last_year": 2026},
                },
                "kill griffie",
            )


Answer = tuple[int, Body, str | None, str | None]  # status, body, ETag, Location


def send(server: Server, write: Write, token: str) -> Answer | None:
    """The server's answer, or None when it gave none (it died, or failed with a 5xx)."""
    try:
        response = httpx.post(
            server.url + write.path,
            json=write.body,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": write.key},
            timeout=30,
        )
    except httpx.TransportError:
        return None
    if response.status_code >= 500:
        return None
    return (
        response.status_code,
        response.json(),
        response.headers.get("ETag"),
        response.headers.get("Location"),
    )


def prepared(db: str) -> dict[str, str]:
    """The demo history and a token per writing actor, recorded before any server runs."""
    ledger = open_ledger(db)
    try:
        nijmegen.load(ledger.app)
        ledger.runner.catch_up()
        tokens = TokenStore(ledger.engine, system_clock)
        return {
            name: tokens.create(name=name, role=role, created_by="test")[1]
            for name, role in (("kill finance", Role.FINANCE), ("kill griffie", Role.GRIFFIE))
        }
    finally:
        ledger.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_server_killed_at_random_moments_answers_every_retry_with_the_first_answer(
    backend: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    chance = random.Random(f"kill-serve-{backend}")
    with fresh_database(backend, tmp_path) as db:
        tokens = prepared(db)
        first: dict[str, Answer] = {}  # the first answer received for each key
        sent: dict[str, Write] = {}
        unanswered: list[Write] = []
        interrupted: set[str] = set()  # keys whose request a kill (or a 5xx) cut short
        upcoming = writes()
        kills = 0

        # when the server is killed at random moments while the client writes, and each
        # unanswered request is retried under its key once the server is back
        while kills < SERVER_KILLS:
            server = start_server(db, cwd=tmp_path)
            threading.Timer(chance.uniform(0.0, 0.6), server.process.kill).start()
            while True:
                write = unanswered[0] if unanswered else next(upcoming)
                sent[write.key] = write
                answer = send(server, write, tokens[write.actor])
                if answer is None:
                    interrupted.add(write.key)
                    if write not in unanswered:
                        unanswered.append(write)
                    if server.process.poll() is not None:
                        break
                    continue  # a 5xx, or the kill just landed: the next send tells
                first.setdefault(write.key, answer)
                if write in unanswered:
                    unanswered.remove(write)
            kills += 1
            assert server.process.returncode == -signal.SIGKILL, server.log.read_text()

        server = start_server(db, cwd=tmp_path)
        try:
            for write in list(unanswered):
                answer = send(server, write, tokens[write.actor])
                assert answer is not None, server.log.read_text()
                first.setdefault(write.key, answer)
            # then a retry of every key, now, is answered with the first answer it got
            replayed = {
                write.key: send(server, write, tokens[write.actor]) for write in sent.values()
            }
        finally:
            server.process.send_signal(signal.SIGTERM)
            server.process.wait(30)

        assert replayed == first
        assert set(first) == set(sent)
        assert all(status in (200, 201) for status, _, _, _ in first.values()), first

        # and every acknowledged write is in the log exactly once, as its answer says
        log = read_log(db)
        assert len(log) > DEMO_LAST_POSITION + len(sent)
        by_mutation: dict[UUID | None, list[Logged]] = {}
        for logged in log:
            by_mutation.setdefault(logged.mutation_id, []).append(logged)
        opened_target = False
        for write in sent.values():
            status, body, etag, location = first[write.key]
            events = by_mutation.get(write.mutation_id, [])
            types = Counter(logged.event_type for logged in events)
            if write.path.endswith("transfers"):
                opened = types.pop("BudgetLine.Opened", 0)
                opened_target = opened_target or opened == 1
                assert opened in (0, 1)
                assert types == {"BudgetLine.TransferredOut": 1, "BudgetLine.TransferredIn": 1}
                assert (status, location) == (200, None)
            else:
                assert types == {"Decision.Proposed": 1}
                assert (status, location) == (201, f"/api/v1/decisions/{write.body['reference']}")
            assert body["position"] == max(logged.position for logged in events)
            last = {logged.aggregate.hex: logged.version for logged in events}
            assert {name: last[UUID(value).hex] for name, value in body["ids"].items()} == body[
                "versions"
            ]
            assert etag == f'"{next(iter(body["versions"].values()))}"'
        assert opened_target
        # nothing else was recorded: every event after the demo's carries an answered key's id
        assert set(by_mutation) == {None} | {write.mutation_id for write in sent.values()}
        assert len(by_mutation[None]) == DEMO_LAST_POSITION

        assert_verified_and_rebuilt_alike(db, tmp_path)
    record_property(
        "fault_figures",
        f"kill -9 of the server ({backend}): {kills} kills, {len(sent)} keyed writes, "
        f"{len(interrupted)} cut short and retried, {len(replayed)} replays, 0 failures",
    )


# -- the command line, killed while it loads the demo ----------------------------------


def reference_log(tmp_path: Path) -> list[tuple[UUID, int, str]]:
    """The demo history as an uninterrupted load records it: (aggregate, version, type)."""
    db = f"sqlite:///{tmp_path}/reference.db"
    ledger = open_ledger(db)
    try:
        nijmegen.load(ledger.app)
    finally:
        ledger.close()
    return [(e.aggregate, e.version, e.event_type) for e in read_log(db)]


def log_size(engine: Engine) -> int:
    """How far the log has come, read as another process would; 0 before it exists."""
    sqlite = engine.dialect.name == "sqlite"
    table, position = (
        ("stored_events", "rowid") if sqlite else ("begroting_events", "notification_id")
    )
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT max({position}) FROM {table}")).scalar() or 0)
    except DBAPIError:
        return 0


def run_until_killed_at(db: str, cwd: Path, target: int) -> int:
    """`begroting demo`, killed once the log has reached `target` events; the log's size
    then. A run that finishes first is not killed."""
    engine = Database.parse(db).create_engine()
    try:
        process = subprocess.Popen(
            [str(BEGROTING), "demo", "--db", db],
            cwd=cwd,
            env=clean_environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while process.poll() is None and log_size(engine) < target:
            time.sleep(0.005)
        process.kill()
        process.wait(60)
        assert process.returncode in (0, -signal.SIGKILL)
        return log_size(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_demo_load_killed_at_random_moments_and_run_again_records_the_history_once(
    backend: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    chance = random.Random(f"kill-demo-{backend}")
    targets = sorted(chance.sample(range(1, DEMO_LAST_POSITION - 20), DEMO_KILLS))
    with fresh_database(backend, tmp_path) as db:
        # given `begroting demo` killed as the log reaches random positions, run again
        # each time, and at last run to the end
        reached = [run_until_killed_at(db, tmp_path, target) for target in targets]
        assert all(size < DEMO_LAST_POSITION for size in reached), reached
        finished = begroting("demo", "--db", db, cwd=tmp_path)
        assert finished.returncode == 0, finished.stderr

        # then the log holds the whole demo history once, in the order of an uninterrupted
        # load (the moments recorded differ: the command line reads the clock)
        logged = [(e.aggregate, e.version, e.event_type) for e in read_log(db)]
        assert len(logged) == DEMO_LAST_POSITION
        assert logged == reference_log(tmp_path)
        again = begroting("demo", "--db", db, cwd=tmp_path)
        assert "already loaded: 0 commands recorded, 239 already present" in again.stdout
        assert_verified_and_rebuilt_alike(db, tmp_path)
    record_property(
        "fault_figures",
        f"kill -9 of a CLI writer ({backend}): {len(targets)} kills of `begroting demo`, "
        f"{DEMO_LAST_POSITION} events once each, 0 failures",
    )
