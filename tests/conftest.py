"""Fixtures shared by the integration and end-to-end tests.

`ledger` runs every test that asks for it twice: on the embedded SQLite default (a file in
the test's own tmp_path) and on the local PostgreSQL server (a schema of its own, dropped
afterwards). No database is ever shared between tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, select

from api.app import create_app
from api.auth import TokenStore
from api.demo import nijmegen
from api.ledger import Ledger, open_ledger
from api.settings import Settings
from projections.readmodel.projectors import PROJECTIONS
from projections.store import schema

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"

# The wall-clock moment every ledger under test records at: a real, tz-aware UTC datetime.
CLOCK_START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

# The hash chain over the demo history recorded at CLOCK_START (ADR 0007): the same on SQLite
# and PostgreSQL, since the chain covers what the mapper stores and the times it recorded.
# Recorded today, its realisations are Realisation.Reported version 2 (ADR 0020); the same
# history recorded before that has other bytes and heads (tests/faults/test_schema_evolution).
DEMO_HEAD = "1dcac53dbb04a113dfb06b90b4704cd0141442e0021ba63225f4ab38a6acd091"  # position 141
INTERVENTIEPLAN_HEAD = "e00da1de16432d69b3100553e66a9b56d5ec5697d4ccfd42e9be1149868aa7e7"  # 140


class Clock:
    """A clock that says the same moment until a test advances it."""

    def __init__(self, start: datetime = CLOCK_START) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta = timedelta(minutes=1)) -> datetime:
        self._now += delta
        return self._now


@pytest.fixture
def clock() -> Clock:
    return Clock()


_postgres_reachable: dict[str, str | None] = {}


def _postgres_problem() -> str | None:
    """None when the server answers; otherwise why not (checked once per session)."""
    if "problem" not in _postgres_reachable:
        try:
            with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
            _postgres_reachable["problem"] = None
        except psycopg.Error as error:
            _postgres_reachable["problem"] = str(error).strip().splitlines()[0]
    return _postgres_reachable["problem"]


def _require_postgres() -> None:
    problem = _postgres_problem()
    if problem is None:
        return
    reason = (
        "PostgreSQL not reachable at 127.0.0.1:5432 (start it with "
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)"
    )
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"{reason}; CI must run the PostgreSQL tests: {problem}")
    pytest.skip(reason)


# The two backends a ledger runs on; PostgreSQL's tests carry the `postgres` mark.
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@contextmanager
def ledger_on(backend: str, directory: Path, clock: Clock) -> Iterator[Ledger]:
    """A ledger of its own: on SQLite the file `directory`/ledger.db, on PostgreSQL a fresh
    schema, dropped afterwards. Closed afterwards either way."""
    if backend == "sqlite":
        opened = open_ledger(f"sqlite:///{directory}/ledger.db", clock=clock.now)
        try:
            yield opened
        finally:
            opened.close()
        return

    _require_postgres()
    name = f"t_{uuid.uuid4().hex}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        opened = open_ledger(POSTGRES_URL, schema=name, clock=clock.now)
        try:
            yield opened
        finally:
            opened.close()
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture(params=BACKENDS)
def ledger(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Ledger]:
    with ledger_on(request.param, tmp_path, clock) as opened:
        yield opened


def load_demo(db: str, clock: Clock | None = None) -> str:
    """The demo history recorded at `db` in this process, its read model caught up; `db`."""
    opened = open_ledger(db, clock=(clock or Clock()).now)
    try:
        nijmegen.load(opened.app)
        opened.runner.catch_up()
    finally:
        opened.close()
    return db


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    """A SQLite file holding the demo history with its read model caught up, for the tests
    that run processes on it."""
    return load_demo(f"sqlite:///{tmp_path}/x.db")


@pytest.fixture
def demo_ledger(ledger: Ledger) -> Ledger:
    """A ledger holding the Nijmegen demo history, its read model caught up."""
    nijmegen.load(ledger.app)
    ledger.runner.catch_up()
    return ledger


# -- the HTTP service ------------------------------------------------------------------

ROLES = ("griffie", "finance", "auditor", "admin")


def bearer(role: str) -> dict[str, str]:
    """The Authorization header of the demo token of `role` (actor "demo <role>")."""
    return {"Authorization": f"Bearer demo-{role}"}


def log_size(ledger: Ledger) -> int:
    """How many events the log holds, read from the event store itself."""
    return int(ledger.app.recorder.max_notification_id() or 0)


def _client(ledger: Ledger, clock: Clock) -> Iterator[TestClient]:
    TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
    app = create_app(Settings(), ledger=ledger, clock=clock.now)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def api(ledger: Ledger, clock: Clock) -> Iterator[TestClient]:
    """The HTTP service over an empty ledger, with the four demo tokens (see `bearer`)."""
    yield from _client(ledger, clock)


@pytest.fixture
def demo_api(demo_ledger: Ledger, clock: Clock) -> Iterator[TestClient]:
    """The HTTP service over the Nijmegen demo history, with the four demo tokens."""
    yield from _client(demo_ledger, clock)


Rows = dict[str, list[tuple[Any, ...]]]

# The API's own state (tokens, idempotency keys) is not derived from the log, nor is the
# record of verifications (when each ran: ADR 0017).
READ_MODEL = [
    table
    for table in schema.metadata.sorted_tables
    if table not in (schema.api_tokens, schema.idempotency_keys, schema.chain_verifications)
]


def snapshot(engine: Engine, tables: Iterable[Table] = READ_MODEL) -> Rows:
    """Every row of every table (of the read model), in primary-key order."""
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key))
            ]
            for table in tables
        }


def read_model_rows(ledger: Ledger) -> Rows:
    """Every projection table's rows in primary-key order: what a rebuild must reproduce."""
    return snapshot(
        ledger.engine, [table for projection in PROJECTIONS for table in projection.tables]
    )


# -- the fault-injection suite's figures -------------------------------------------------


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """After the run, the figures the fault-injection tests recorded (`record_property(
    "fault_figures", ...)`: kills, writes, retries, rebuilds), one line each, so that a CI
    log states what the suite did (README, Reliability). xdist carries them from workers."""
    lines = sorted(
        str(value)
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == "fault_figures"
    )
    if lines:
        terminalreporter.write_sep("-", "fault-injection figures")
        for line in lines:
            terminalreporter.write_line(line)
