"""What the service answers while a rebuild holds the read model, when a write waited too long
for a lock, and when the read model cannot catch up: never a 500 (ADR 0015)."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import OperationalError as RecorderOperationalError
from fastapi.testclient import TestClient
from sqlalchemy import delete

import api.http
import api.reading
from api.ledger import Ledger
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.values import Period
from projections.readmodel.runner import ProjectionRunner
from projections.store import schema
from support.demo import DEMO_LAST_POSITION
from support.http import bearer, problem
from support.ledgers import log_size

LINES = "/api/v1/budget/lines"
DECISION = {
    "reference": "raad-2020-03-11-begrotingswijziging",
    "title": "Begrotingswijziging 2020",
    "body": "raad",
    "kind": "begrotingswijziging",
    "period": {"first_year": 2020, "last_year": 2020},
}


def read_lines(api: TestClient, **params: Any) -> Any:
    return api.get(LINES, params={"fiscal_year": 2020, **params}, headers=bearer("auditor"))


def test_reads_answer_from_the_committed_read_model_while_another_runner_holds_it(
    demo_api: TestClient, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api.http, "CATCH_UP_WAIT", 0.2)
    monkeypatch.setattr(api.reading, "READ_YOUR_WRITES_TIMEOUT", 0.5)
    demo_ledger.app.propose_decision(  # in the log, not yet in the read model
        Context(actor="test:griffie"),
        reference="raad-2020-03-11-begrotingswijziging",
        title="Begrotingswijziging 2020",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2020),
    )
    rebuilding = ProjectionRunner(demo_ledger.app, demo_ledger.engine)

    with rebuilding._transaction(None):  # the lock a rebuild holds until it commits
        read = read_lines(demo_api)
        behind = read_lines(demo_api, min_position=DEMO_LAST_POSITION + 1)

    assert (read.status_code, read.json()["basis"]["log_position"]) == (200, DEMO_LAST_POSITION)
    assert len(read.json()["rows"]) == 7
    assert (behind.status_code, behind.headers["retry-after"]) == (503, "1")
    assert behind.json() == problem(
        503,
        "read-model-behind",
        f"the read model is at {DEMO_LAST_POSITION}, not yet at {DEMO_LAST_POSITION + 1}; "
        "retry shortly",
        LINES,
    )
    after = read_lines(demo_api)
    assert (after.status_code, after.json()["basis"]["log_position"]) == (
        200,
        DEMO_LAST_POSITION + 1,
    )


def test_a_write_that_waited_too_long_for_a_lock_answers_503_with_retry_after(
    demo_api: TestClient, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's busy timeout, or PostgreSQL's lock timeout, as the event store raises it."""
    cause: Exception = (
        sqlite3.OperationalError("database is locked")
        if demo_ledger.engine.dialect.name == "sqlite"
        else psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
    )

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise RecorderOperationalError(cause) from cause

    monkeypatch.setattr(demo_ledger.app.recorder, "insert_events", locked)

    response = demo_api.post("/api/v1/decisions", json=DECISION, headers=bearer("griffie"))

    assert (response.status_code, response.headers["retry-after"]) == (503, "2")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(
        503,
        "database-busy",
        "the database is busy (a rebuild of the read model holds it); retry shortly, with "
        "the same Idempotency-Key for a write",
        "/api/v1/decisions",
    )
    assert log_size(demo_ledger) == DEMO_LAST_POSITION


def test_a_read_model_that_cannot_catch_up_answers_503_and_says_to_rebuild(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # The state: rows the tracking does not account for.
    with demo_ledger.engine.begin() as conn:
        conn.execute(delete(schema.tracking).where(schema.tracking.c.projection != "chain"))

    read = read_lines(demo_api)
    written = demo_api.post("/api/v1/decisions", json=DECISION, headers=bearer("griffie"))

    assert (read.status_code, read.headers["retry-after"]) == (503, "60")
    assert read.json() == problem(
        503,
        "read-model-broken",
        "the read model cannot catch up with the log (the log itself is intact and writes "
        "are still recorded); an operator must run `begroting rebuild`",
        LINES,
    )
    assert written.status_code == 201
    assert demo_ledger.runner.rebuild() == DEMO_LAST_POSITION + 1
    assert read_lines(demo_api).json()["basis"]["log_position"] == DEMO_LAST_POSITION + 1
