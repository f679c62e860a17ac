"""Fixtures of the web workspace's tests: the demo ledger served once per test module
(pages only read), a fresh browser-like client per test, signed in per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import DEMO_TOKENS, Role, TokenStore
from api.demo import nijmegen
from api.settings import Settings
from support.clock import Clock
from support.ledgers import ledger_on
from support.web import sign_in


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The service over the Nijmegen demo (SQLite: pages read through the same queries the
    API's contract tests run on both backends), with the four demo tokens."""
    clock = Clock()
    with ledger_on("sqlite", tmp_path_factory.mktemp("web"), clock) as ledger:
        nijmegen.load(ledger.app)
        ledger.runner.catch_up()
        TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
        yield create_app(Settings(), ledger=ledger, clock=clock.now)


@pytest.fixture
def browser(web_app: FastAPI) -> Iterator[TestClient]:
    """A client that is signed in as nobody yet; it keeps cookies like a browser."""
    with TestClient(web_app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def signed_in(browser: TestClient) -> Callable[[Role], TestClient]:
    """`signed_in(Role.AUDITOR)`: the client, signed in with that role's demo token."""

    def sign(role: Role) -> TestClient:
        sign_in(browser, DEMO_TOKENS[role])
        return browser

    return sign
