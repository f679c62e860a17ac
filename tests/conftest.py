"""Fixtures and hooks shared by the tests (helpers to import live in tests/support/).

`ledger` runs every test that asks for it twice: on the embedded SQLite default (a file in
the test's own tmp_path) and on the local PostgreSQL server (a schema of its own, dropped
afterwards). No database is ever shared between tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import TokenStore
from api.demo import nijmegen
from api.ledger import Ledger
from api.settings import Settings
from support.clock import Clock
from support.demo import load_demo
from support.ledgers import BACKENDS, ledger_on


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=BACKENDS)
def ledger(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Ledger]:
    with ledger_on(request.param, tmp_path, clock) as opened:
        yield opened


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


# -- the HTTP service (tokens: support.http.bearer) ---------------------------------------


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
