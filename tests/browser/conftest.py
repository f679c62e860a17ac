"""The browser tests' base (ADR 0024): one `begroting serve` per test process on the demo
database with a token for each role, Debian's Chromium driven by Playwright, and a `page`
that fails its test when a request leaves 127.0.0.1 or the Content-Security-Policy refused
something. Every test here is marked e2e. Under pytest-xdist each worker has its own
server and browser (session scope is per worker).

Helpers to import: support.browser (assert_accessible, screenshot)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from api.auth import Role, TokenStore
from api.ledger import open_ledger
from support.browser import VIEWPORT, Traffic, Workspace, chromium_executable, left_home
from support.clock import Clock
from support.demo import load_demo
from support.processes import serving

HERE = Path(__file__).parent
# Playwright's 5 s default is too short on a machine the whole suite shares: a page that
# renders at all renders within this.
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    directory = tmp_path_factory.mktemp("browser")
    db = load_demo(f"sqlite:///{directory}/x.db")
    # Tokens as `begroting token create` makes them (not the public demo tokens), made in
    # this process: four more processes would cost seconds per worker and test nothing new.
    ledger = open_ledger(db, clock=Clock().now)
    try:
        store = TokenStore(ledger.engine, Clock().now)
        tokens = {
            role: store.create(name=f"browser {role.value}", role=role, created_by="tests")[1]
            for role in Role
        }
    finally:
        ledger.close()
    with serving(db, cwd=directory) as server:
        yield Workspace(server.url, tokens, server)


@pytest.fixture
def finance_token(workspace: Workspace) -> str:
    return workspace.tokens[Role.FINANCE]


@pytest.fixture
def auditor_token(workspace: Workspace) -> str:
    return workspace.tokens[Role.AUDITOR]


@pytest.fixture
def griffie_token(workspace: Workspace) -> str:
    return workspace.tokens[Role.GRIFFIE]


@pytest.fixture
def admin_token(workspace: Workspace) -> str:
    return workspace.tokens[Role.ADMIN]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=chromium_executable(), headless=True)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic([], [])


@pytest.fixture
def page(browser: Browser, workspace: Workspace, traffic: Traffic) -> Iterator[Page]:
    """A fresh context (no cookies) at 1280x900 on the workspace's address; afterwards, no
    request may have left 127.0.0.1 and the CSP may have refused nothing."""
    context = browser.new_context(viewport=VIEWPORT, base_url=workspace.url)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    opened.on("request", lambda request: traffic.requests.append(request.url))

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            traffic.csp_reports.append(message.text)

    opened.on("console", console)
    try:
        yield opened
    finally:
        context.close()
    away = [url for url in traffic.requests if left_home(url)]
    assert not away, "requests left 127.0.0.1:\n" + "\n".join(away)
    assert not traffic.csp_reports, "the CSP refused:\n" + "\n".join(traffic.csp_reports)
