"""Fixtures of the HTTP tests beyond those of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import TokenStore
from api.ledger import Ledger
from api.settings import Settings
from support.clock import Clock


@pytest.fixture
def served_demo_api(demo_ledger: Ledger, clock: Clock) -> Iterator[TestClient]:
    """The demo service as a real client meets it: a server error is a 500 problem document,
    not an exception raised inside the test (`demo_api` re-raises it)."""
    TokenStore(demo_ledger.engine, clock.now).ensure_demo_tokens()
    app = create_app(Settings(), ledger=demo_ledger, clock=clock.now)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
