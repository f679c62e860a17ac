"""Opening a municipality's ledger (ADR 0032): many openers of one new ledger at once each
open it (on PostgreSQL one at a time, under an advisory lock keyed by its schema), and a
ledger the service closes and opens again verifies only what came after its verified
position, while the full verify of ADR 0017 still finds tampering before it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import insert, select

from api.demo import nijmegen
from api.ledger import Ledger, open_database
from api.ledger_cache import Ledgers, start_services
from api.ledgers import create_ledger, open_named
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.values import Period
from projections.audit import chain, chain_verify, verification
from projections.queries import basis
from projections.store import schema
from projections.store.database import Database, migration_head
from support import tampering
from support.clock import CLOCK_START, Clock
from support.demo import DEMO_LAST_POSITION
from support.ledgers import BACKENDS
from support.processes import fresh_database

GRACE = timedelta(days=7)
OPENERS = 4


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The events read from the log from now on (the runner's catch-up and verification
    read it through `chain.select_notifications`): one entry per batch read."""
    read: list[int] = []
    original = chain.select_notifications

    def counted(app: Any, conn: Any, start: int, limit: int) -> Any:
        batch = original(app, conn, start, limit)
        read.append(len(batch))
        return batch

    monkeypatch.setattr(chain, "select_notifications", counted)
    monkeypatch.setattr(chain_verify, "select_notifications", counted)
    return read


def verifications(ledger: Ledger) -> list[tuple[str, str, int]]:
    table = schema.chain_verifications
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(table.c.source, table.c.status, table.c.verified_to).order_by(table.c.id)
        ).all()
    return [(row.source, row.status, int(row.verified_to)) for row in rows]


def at_once(count: int, step: Callable[[], None]) -> list[BaseException]:
    """`step` in `count` threads released together; what each raised."""
    start = threading.Barrier(count)
    failures: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            step()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return failures


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_new_ledger_opened_by_many_at_once_opens_for_each(backend: str, tmp_path: Path) -> None:
    clock = Clock()
    with fresh_database(backend, tmp_path) as url:
        default = Database.parse(url)
        for code in ("GM0001", "GM0002", "GM0003"):
            target = default.of_ledger(code)
            if target.schema is not None:  # as `ledger create` leaves it: a bare schema
                with psycopg.connect(url.replace("+psycopg", "")) as conn:
                    conn.execute(f'CREATE SCHEMA "{target.schema}"')

            def open_and_close(target: Database = target) -> None:
                open_database(target, clock.now).close()

            # Its tables created and migrated by whichever comes first; the others find
            # them made (before the lock: "tuple concurrently updated", duplicate keys).
            assert at_once(OPENERS, open_and_close) == []
            ledger = open_database(target, clock.now)
            try:
                with ledger.engine.connect() as conn:
                    version = conn.exec_driver_sql("SELECT version_num FROM alembic_version")
                    assert version.scalars().all() == [migration_head()]
                assert ledger.app.recorder.max_notification_id() in (None, 0)
            finally:
                ledger.close()


@pytest.fixture(params=BACKENDS)
def two_ledgers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with GM0001, which holds the demo history, and GM0002, empty."""
    clock = Clock()
    with fresh_database(request.param, tmp_path) as url:
        create_ledger(url, "GM0001", "Demo")
        create_ledger(url, "GM0002", "Leeg")
        ledger = open_named(Database.parse(url), "GM0001", clock.now)
        try:
            nijmegen.load(ledger.app)
            ledger.runner.catch_up()
        finally:
            ledger.close()
        yield url


def test_a_reopened_ledger_reads_only_what_came_after_its_verified_position(
    two_ledgers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = two_ledgers
    clock = Clock()
    default = open_database(Database.parse(url), clock.now)
    ledgers = Ledgers(start_services(default, clock.now, GRACE), clock.now, GRACE, 1)
    read = counting_reads(monkeypatch)
    try:
        first = ledgers.acquire("GM0001")  # its first opening in this service: in full
        assert sum(read) == DEMO_LAST_POSITION
        assert verifications(first.ledger)[-1] == ("start-up", "ok", DEMO_LAST_POSITION)
        ledgers.release("GM0001")
        ledgers.acquire("GM0002")  # takes GM0001's place: it is closed
        ledgers.release("GM0002")
        assert ledgers.open_codes() == ["GM0002"]

        # Meanwhile another process records two events in GM0001 (not caught up there).
        other = open_named(Database.parse(url), "GM0001", clock.now)
        try:
            for reference in ("raad-2026-a", "raad-2026-b"):
                other.app.propose_decision(
                    Context(actor="griffie", known_at=CLOCK_START, source="raadsvoorstel"),
                    reference=reference,
                    title="Begrotingswijziging",
                    body=Bestuursorgaan.RAAD,
                    kind=DecisionKind.BEGROTINGSWIJZIGING,
                    period=Period.year(2019),
                )
        finally:
            other.close()
        read.clear()

        again = ledgers.acquire("GM0001")  # reopened: the two new events, nothing before
        assert sum(read) == 2
        assert verifications(again.ledger)[-2:] == [
            ("start-up", "ok", DEMO_LAST_POSITION),
            ("catch-up", "ok", DEMO_LAST_POSITION + 2),
        ]
        ledgers.release("GM0001")
    finally:
        ledgers.close()
        default.close()


def _verified_to(ledger: Ledger, position: int) -> None:
    """A verification recorded up to `position` as the latest: the chain beyond it is
    chained but not yet verified (a chain kept from before verification, say)."""
    with ledger.engine.begin() as conn:
        conn.execute(
            insert(schema.chain_verifications).values(
                checked_at=Clock().now(),
                source="verify",
                status=verification.OK,
                verified_to=position,
                head=basis.head_at(conn, position),
            )
        )


def test_a_reopening_verifies_after_the_verified_position_and_a_full_verify_the_rest(
    demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = counting_reads(monkeypatch)
    _verified_to(demo_ledger, 50)

    assert verification.verify_at_reopen(demo_ledger.app, demo_ledger.engine) is None
    assert sum(read) == DEMO_LAST_POSITION - 50  # only the positions after 50
    assert verifications(demo_ledger)[-1] == ("reopen", "ok", DEMO_LAST_POSITION)

    # A change after the verified position is the reopening's finding, recorded:
    # figures are refused (ADR 0017).
    _verified_to(demo_ledger, 50)
    tampering.drop_guards(demo_ledger.engine)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")
    verification.verify_at_reopen(demo_ledger.app, demo_ledger.engine)
    assert verifications(demo_ledger)[-1] == ("reopen", "broken", 89)
    with demo_ledger.engine.connect() as conn, pytest.raises(chain.ChainBroken) as caught:
        verification.guard(conn)
    assert (caught.value.verdict.kind, caught.value.verdict.position) == ("changed", 90)


def test_a_change_before_the_verified_position_is_found_by_the_full_verify(
    demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")
    _verified_to(demo_ledger, 100)
    read = counting_reads(monkeypatch)

    # The reopening takes what is verified as verified, as a ledger kept open would...
    verification.verify_at_reopen(demo_ledger.app, demo_ledger.engine)
    assert sum(read) == DEMO_LAST_POSITION - 100
    assert verifications(demo_ledger)[-1] == ("reopen", "ok", DEMO_LAST_POSITION)
    # ...and the full verify (`begroting verify`, GET /audit/verify, a service's first
    # opening of the ledger) finds the change and records it.
    verdict = verification.full_verify(demo_ledger.app, demo_ledger.engine)
    assert (verdict.kind, verdict.position) == ("changed", 90)
    assert verifications(demo_ledger)[-1] == ("verify", "broken", 89)
    # A break recorded, a reopening verifies in full again: it does not clear it.
    verification.verify_at_reopen(demo_ledger.app, demo_ledger.engine)
    assert verifications(demo_ledger)[-1] == ("start-up", "broken", 89)
