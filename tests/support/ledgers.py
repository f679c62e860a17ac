"""Ledgers on both backends (SQLite and the local PostgreSQL server) and readers of what
they hold."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, Table, select

from api.ledger import Ledger, open_ledger
from projections.readmodel.projectors import PROJECTIONS
from projections.store import schema
from support.clock import Clock

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"

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


def require_postgres() -> None:
    """Skip the test when the server does not answer (fail it in CI)."""
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

# For a test of HTTP translation alone (the problem body of bad input, 401 before 403 before
# the body, methods, routes), which no database affects: it runs on SQLite only, overriding
# the `ledger` fixture's backends. Whatever reads or writes the database runs on both.
SQLITE_ONLY = pytest.mark.parametrize("ledger", ["sqlite"], indirect=True)


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

    require_postgres()
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


def log_size(ledger: Ledger) -> int:
    """How many events the log holds, read from the event store itself."""
    return int(ledger.app.recorder.max_notification_id() or 0)


Rows = dict[str, list[tuple[Any, ...]]]

# The API's own state (tokens, idempotency keys, the workspace's sessions) is not derived
# from the log, nor is the record of verifications (when each ran: ADR 0017).
API_STATE = (
    schema.api_tokens,
    schema.idempotency_keys,
    schema.web_sessions,
    schema.chain_verifications,
)
READ_MODEL = [table for table in schema.metadata.sorted_tables if table not in API_STATE]


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
