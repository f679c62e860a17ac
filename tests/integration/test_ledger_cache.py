"""The ledgers a service keeps open (ADR 0032): opened at their first request, at most
`max_open_ledgers` of them, the least recently used idle one closed beyond that; a closed
ledger opens again at its next request with everything it held. On PostgreSQL the
connections to the database stay bounded however many ledgers are served."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from api import ledger_cache
from api.app import create_app
from api.auth import Role, TokenStore
from api.http import Services
from api.ledger import open_database
from api.ledger_cache import Ledgers, start_services
from api.ledgers import LedgersBusyError, UnknownLedgerError, create_ledger, open_named
from api.settings import Settings
from projections.store.database import DEFAULT_CONNECTIONS, SHARED_CONNECTIONS, Database
from support.clock import Clock
from support.commands import proposal
from support.ledgers import BACKENDS
from support.processes import fresh_database

CODES = [f"GM{number:04d}" for number in range(1, 7)]  # six municipalities
CAP = 2
GRACE = timedelta(days=7)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


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


def test_a_ledger_opens_in_a_free_place_or_waits_for_one_to_fall_idle(
    six_ledgers: tuple[str, dict[str, str]],
) -> None:
    url, _ = six_ledgers
    clock = Clock()
    default = open_database(Database.parse(url), clock.now)
    ledgers = Ledgers(start_services(default, clock.now, GRACE), clock.now, GRACE, CAP, wait=30)
    try:
        held = [ledgers.acquire(code) for code in CODES[:CAP]]  # two requests at once
        assert ledgers.acquire(CODES[0]) is held[0]  # an open one is shared, never waited for
        ledgers.release(CODES[0])
        third: list[Services] = []
        waiter = threading.Thread(target=lambda: third.append(ledgers.acquire(CODES[2])))
        waiter.start()
        waiter.join(1)

        assert waiter.is_alive()  # a third request waits: it opens nothing meanwhile
        assert (ledgers.open_codes(), ledgers.opened) == ([CODES[1], CODES[0]], CAP)
        ledgers.release(CODES[0])  # the first request answered: the third takes its place
        waiter.join(30)
        assert [services.code for services in third] == [CODES[2]]
        assert ledgers.open_codes() == [CODES[1], CODES[2]]
        assert (ledgers.opened, ledgers.most_open) == (3, CAP)

        ledgers.wait = 0.3  # both in use for longer than a request waits: refused
        with pytest.raises(LedgersBusyError) as busy:
            ledgers.acquire(CODES[3])
        assert str(busy.value) == (
            "every open ledger is in use: ledger GM0004 waited 0.3 s to be opened; retry shortly"
        )
        ledgers.release(CODES[1])
        ledgers.release(CODES[2])
        assert ledgers.open_codes() == [CODES[1], CODES[2]]  # idle, kept for the next
        assert ledgers.acquire(CODES[1]) is held[1]  # the same, not opened again
        ledgers.release(CODES[1])
        with pytest.raises(UnknownLedgerError) as caught:
            ledgers.acquire("GM0999")
        assert str(caught.value) == (
            "no ledger GM0999 on this database: create it with "
            "begroting ledger create GM0999 --name NAME"
        )
        assert (ledgers.opened, ledgers.most_open) == (3, CAP)
    finally:
        ledgers.close()
        default.close()
    assert ledgers.open_codes() == []


class Peak:
    """The most connections to the database while it runs, sampled on one connection of
    its own (left out of the count) every 20 ms."""

    def __init__(self, url: str) -> None:
        self.most = 0
        self._stop = threading.Event()
        self._conn = psycopg.connect(url.replace("+psycopg", ""), autocommit=True)
        self._thread = threading.Thread(target=self._sample)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            row = self._conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
            self.most = max(self.most, int(row[0]) if row else 0)
            self._stop.wait(0.02)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        self._conn.close()
        return self.most


def test_requests_to_more_ledgers_than_the_cap_at_once_wait_for_a_place_or_get_503(
    six_ledgers: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, tokens = six_ledgers
    postgres = url.startswith("postgresql")
    slow = ledger_cache.start_services

    def slow_start(*args: Any, **kwargs: Any) -> Services:  # openings overlap for certain
        time.sleep(0.5)
        return slow(*args, **kwargs)

    monkeypatch.setattr(ledger_cache, "start_services", slow_start)
    with TestClient(create_app(Settings(db_url=url, max_open_ledgers=CAP))) as client:
        ledgers: Ledgers = client.app.state.ledgers  # type: ignore[attr-defined]
        peak = Peak(url) if postgres else None
        answers: dict[str, int] = {}

        def ask(code: str) -> None:
            answer = client.get("/api/v1/decisions", headers=bearer(tokens[code]))
            answers[code] = answer.status_code

        requests = [threading.Thread(target=ask, args=(code,)) for code in CODES[:3]]
        for request in requests:
            request.start()
        for request in requests:
            request.join(60)

        # all three answered, the third once one of the first two was released
        assert answers == {code: 200 for code in CODES[:3]}
        assert (ledgers.opened, ledgers.most_open, len(ledgers.open_codes())) == (3, CAP, CAP)
        if peak is not None:
            assert peak.stop() <= DEFAULT_CONNECTIONS + CAP * SHARED_CONNECTIONS

        # Two requests in flight beyond the wait: the third is refused, not opened.
        ledgers.wait = 0.3
        in_use = ledgers.open_codes()
        for code in in_use:
            ledgers.acquire(code)
        refused = client.get("/api/v1/decisions", headers=bearer(tokens[CODES[3]]))
        for code in in_use:
            ledgers.release(code)

        assert (refused.status_code, refused.headers["content-type"]) == (
            503,
            "application/problem+json",
        )
        assert refused.headers["retry-after"] == "2"
        assert refused.json() == {
            "type": "urn:begroting:problem:ledgers-busy",
            "title": "Service Unavailable",
            "status": 503,
            "detail": "every open ledger is in use: ledger GM0004 waited 0.3 s to be opened; "
            "retry shortly",
            "instance": "/api/v1/decisions",
            "code": "ledgers-busy",
        }
        assert ledgers.open_codes() == in_use
        assert decisions(client, tokens[CODES[3]]) == []  # once one is free, it opens


def test_a_ledger_lives_beside_the_default_one() -> None:
    sqlite = Database.parse("sqlite:////srv/begroting/begroting.sqlite3").of_ledger("GM0268")
    public = Database.parse("postgresql://u@db:5432/begroting").of_ledger("GM0268")
    in_schema = Database.parse("postgresql://u@db:5432/begroting", "t_1").of_ledger("GM0268")

    assert (sqlite.url, sqlite.schema, sqlite.shared) == (
        "sqlite:////srv/begroting/begroting.ledgers/GM0268.sqlite3",
        None,
        True,
    )
    assert (public.url, public.schema, public.shared) == (
        "postgresql+psycopg://u@db:5432/begroting",
        "gm0268",
        True,
    )
    assert in_schema.schema == "t_1_gm0268"
    assert (public.eventsourcing_env()["POSTGRES_POOL_SIZE"], SHARED_CONNECTIONS) == ("1", 6)


def test_a_made_up_secret_naming_a_ledger_opens_nothing(
    six_ledgers: tuple[str, dict[str, str]],
) -> None:
    """CBS codes are public: a token or session id that names a ledger but that ledger does
    not hold is refused without the service opening (migrating, verifying) the ledger."""
    url, tokens = six_ledgers
    with TestClient(create_app(Settings(db_url=url, max_open_ledgers=CAP))) as client:
        ledgers: Ledgers = client.app.state.ledgers  # type: ignore[attr-defined]
        made_up = [f"bgt_{code}_{'x' * 43}" for code in CODES]

        answers = [client.get("/api/v1/decisions", headers=bearer(s)).status_code for s in made_up]
        client.cookies.set("begroting_sessie", f"{CODES[0]}_{'y' * 43}")
        page = client.get("/besluiten", follow_redirects=False)

        assert answers == [401] * len(CODES)
        assert (page.status_code, page.headers["location"]) == (303, "/?volgende=%2Fbesluiten")
        assert (ledgers.opened, ledgers.open_codes()) == (0, [])
        client.cookies.clear()
        assert decisions(client, tokens[CODES[0]]) == []  # its own token opens it
        assert ledgers.open_codes() == [CODES[0]]
