"""The ledgers a service keeps open (ADR 0032): opened at their first request, at most
`max_open_ledgers` of them, the least recently used idle one closed beyond that; a closed
ledger opens again at its next request with everything it held. On PostgreSQL the
connections to the database stay bounded however many ledgers are served."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import Role, TokenStore
from api.ledger import open_database
from api.ledger_cache import Ledgers, start_services
from api.ledgers import UnknownLedgerError, create_ledger, open_named
from api.settings import Settings
from projections.store.database import DEFAULT_CONNECTIONS, SHARED_CONNECTIONS, Database
from support.clock import Clock
from support.commands import proposal
from support.ledgers import BACKENDS
from support.processes import fresh_database

CODES = [f"GM{number:04d}" for number in range(1, 7)]  # six municipalities
CAP = 2


@pytest.fixture(params=BACKENDS)
def six_ledgers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    """A database with six ledgers besides the default one, and a griffie token of each."""
    clock = Clock()
    with fresh_database(request.param, tmp_path) as url:
        tokens = {}
        for code in CODES:
            create_ledger(url, code, f"Gemeente {code}")
            ledger = open_named(Database.parse(url), code, clock.now)
            try:
                store = TokenStore(ledger.engine, clock.now, code)
                tokens[code] = store.create(name="griffie", role=Role.GRIFFIE, created_by="test")[1]
            finally:
                ledger.close()
        yield url, tokens


def connections(url: str) -> int:
    """The connections to the database other than this count's own."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(row[0]) if row else 0


def settled(url: str, at_most: int) -> int:
    """The count once closed connections have left pg_stat_activity (a backend exits a
    moment after its client closes it)."""
    deadline = time.monotonic() + 5
    count = connections(url)
    while count > at_most and time.monotonic() < deadline:
        time.sleep(0.1)
        count = connections(url)
    return count


def propose(client: TestClient, token: str, reference: str) -> None:
    answer = client.post(
        "/api/v1/decisions",
        json=proposal(reference, years=(2019, 2019)),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.json()


def decisions(client: TestClient, token: str) -> list[str]:
    answer = client.get("/api/v1/decisions", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json()
    return [row["reference"] for row in answer.json()["rows"]]


def test_more_ledgers_than_the_cap_keep_the_open_ones_and_connections_bounded(
    six_ledgers: tuple[str, dict[str, str]],
) -> None:
    url, tokens = six_ledgers
    postgres = url.startswith("postgresql")
    with TestClient(create_app(Settings(db_url=url, max_open_ledgers=CAP))) as client:
        ledgers: Ledgers = client.app.state.ledgers  # type: ignore[attr-defined]
        for code in CODES[:CAP]:
            propose(client, tokens[code], f"besluit-{code.lower()}")
        assert ledgers.open_codes() == CODES[:CAP]
        baseline = connections(url) if postgres else 0

        for code in CODES[CAP:]:
            propose(client, tokens[code], f"besluit-{code.lower()}")

        # the least recently used went: at most CAP open, the last ones used
        assert ledgers.open_codes() == CODES[-CAP:]
        assert ledgers.opened == len(CODES)
        if postgres:
            bound = DEFAULT_CONNECTIONS + CAP * SHARED_CONNECTIONS
            assert settled(url, baseline) <= min(baseline, bound)

        # an evicted ledger opens again, with everything it held and nothing of the others
        assert decisions(client, tokens[CODES[0]]) == ["besluit-gm0001"]
        assert ledgers.open_codes() == [CODES[-1], CODES[0]]
        assert ledgers.opened == len(CODES) + 1
        assert [decisions(client, tokens[code]) for code in CODES] == [
            [f"besluit-{code.lower()}"] for code in CODES
        ]
    if postgres:
        assert settled(url, 0) == 0  # the service closed every ledger it opened


def test_a_ledger_in_use_is_not_closed_and_the_cap_is_met_on_release(
    six_ledgers: tuple[str, dict[str, str]],
) -> None:
    url, _ = six_ledgers
    clock = Clock()
    default = open_database(Database.parse(url), clock.now)
    ledgers = Ledgers(
        start_services(default, clock.now, timedelta(days=7)), clock.now, timedelta(days=7), 1
    )
    try:
        held = [ledgers.acquire(code) for code in CODES[:3]]  # three requests at once

        assert ledgers.open_codes() == CODES[:3]  # over the cap while they are in use
        assert [services.code for services in held] == CODES[:3]
        ledgers.release(CODES[0])
        assert ledgers.open_codes() == CODES[1:3]
        ledgers.release(CODES[2])
        assert ledgers.open_codes() == [CODES[1]]  # the idle one went, the one in use stays
        ledgers.release(CODES[1])
        assert ledgers.open_codes() == [CODES[1]]  # within the cap: kept for the next
        assert ledgers.acquire(CODES[1]) is held[1]  # the same, not opened again
        ledgers.release(CODES[1])
        with pytest.raises(UnknownLedgerError) as caught:
            ledgers.acquire("GM0999")
        assert str(caught.value) == (
            "no ledger GM0999 on this database: create it with "
            "begroting ledger create GM0999 --name NAME"
        )
    finally:
        ledgers.close()
        default.close()
    assert ledgers.open_codes() == []
