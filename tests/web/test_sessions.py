"""The security of the web workspace's sessions (ADR 0022): a session lasts `LIFETIME` and
ends with its token; the database keeps only the SHA-256 of a session id; the cookie is
Secure over HTTPS; the token never appears in a URL or a log, and a token in a URL signs
nobody in. (Signing in and out, CSRF and roles: test_sign_in.py.)"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from api.app import create_app
from api.auth import DEMO_TOKENS, Role, TokenStore
from api.demo import nijmegen
from api.settings import Settings
from api.web.sessions import LIFETIME
from projections.store.schema import web_sessions
from support.clock import Clock
from support.ledgers import ledger_on
from support.processes import begroting, serving
from support.web import csrf_of, sign_in

SESSION = "begroting_sessie"


@dataclass
class Served:
    """The demo served on a clock of the test's own, with the engine under it."""

    app: FastAPI
    engine: Engine
    clock: Clock


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A fresh app per test: these tests move its clock and revoke its tokens."""
    clock = Clock()
    with ledger_on("sqlite", tmp_path, clock) as ledger:
        nijmegen.load(ledger.app)
        ledger.runner.catch_up()
        TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
        yield Served(create_app(Settings(), ledger=ledger, clock=clock.now), ledger.engine, clock)


@pytest.fixture
def client(served: Served) -> Iterator[TestClient]:
    with TestClient(served.app, follow_redirects=False) as client:
        yield client


def set_cookies(answer: httpx2.Response, name: str) -> list[str]:
    return [
        value
        for key, value in answer.headers.multi_items()
        if key == "set-cookie" and value.startswith(f"{name}=")
    ]


def test_a_session_lasts_its_lifetime_and_not_a_second_longer(
    served: Served, client: TestClient
) -> None:
    form = client.get("/")
    answer = client.post(
        "/aanmelden", data={"token": "demo-auditor", "csrf": csrf_of(form.text), "volgende": ""}
    )
    (cookie,) = set_cookies(answer, SESSION)
    assert f"Max-Age={int(LIFETIME.total_seconds())}" in cookie

    served.clock.advance(LIFETIME - timedelta(seconds=1))
    assert client.get("/rapporten").status_code == 200

    served.clock.advance(timedelta(seconds=1))
    expired = client.get("/rapporten")
    assert (expired.status_code, expired.headers["location"]) == (303, "/?volgende=%2Frapporten")
    # The browser still sends the cookie; the server no longer knows a living session by it.
    assert client.cookies.get(SESSION) is not None
    assert client.get("/").status_code == 200  # the sign-in form again


def test_a_revoked_tokens_sessions_end_at_once(served: Served, client: TestClient) -> None:
    tokens = TokenStore(served.engine, served.clock.now)
    record, secret = tokens.create(name="controller", role=Role.FINANCE, created_by="test")
    sign_in(client, secret)
    other = TestClient(served.app, follow_redirects=False)
    sign_in(other, secret)  # a second session of the same token, in another browser
    assert client.get("/rapporten").status_code == 200
    assert other.get("/rapporten").status_code == 200

    tokens.revoke(record["id"], by="test")

    for browser in (client, other):
        answer = browser.get("/rapporten")
        assert (answer.status_code, answer.headers["location"]) == (303, "/?volgende=%2Frapporten")
    form = client.get("/")
    again = client.post(
        "/aanmelden", data={"token": secret, "csrf": csrf_of(form.text), "volgende": ""}
    )
    assert again.status_code == 401
    assert set_cookies(again, SESSION) == []


def test_the_sessions_table_keeps_only_the_sha256_of_the_session_id(
    served: Served, client: TestClient
) -> None:
    sign_in(client, "demo-griffie")
    session_id = client.cookies.get(SESSION)
    assert session_id is not None
    assert len(session_id) == 43

    with served.engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(select(web_sessions))]

    (row,) = rows
    stored = " ".join(str(value) for value in row)
    assert session_id not in stored
    assert "demo-griffie" not in stored
    assert row[0] == hashlib.sha256(session_id.encode()).hexdigest()
    with served.engine.connect() as conn:
        living = conn.execute(
            select(web_sessions.c.created_at, web_sessions.c.expires_at, web_sessions.c.ended_at)
        ).one()
    assert tuple(living) == (served.clock.now(), served.clock.now() + LIFETIME, None)


def test_signing_out_marks_the_stored_session_ended(served: Served, client: TestClient) -> None:
    sign_in(client, "demo-finance")
    page = client.get("/rapporten")
    served.clock.advance(timedelta(minutes=5))

    client.post("/afmelden", data={"csrf": csrf_of(page.text)})

    with served.engine.connect() as conn:
        ended = conn.execute(select(web_sessions.c.ended_at)).scalar_one()
    assert ended == served.clock.now()


def test_over_https_every_cookie_is_secure(web_app: FastAPI) -> None:
    with TestClient(web_app, base_url="https://testserver", follow_redirects=False) as client:
        form = client.get("/")
        (sign_in_cookie,) = set_cookies(form, "begroting_aanmelden")
        answer = client.post(
            "/aanmelden",
            data={"token": "demo-auditor", "csrf": csrf_of(form.text), "volgende": ""},
        )
        (session,) = set_cookies(answer, SESSION)
        page = client.get("/rapporten")
        out = client.post("/afmelden", data={"csrf": csrf_of(page.text)})
        (cleared,) = set_cookies(out, SESSION)

    assert answer.status_code == 303
    assert page.status_code == 200
    for cookie in (sign_in_cookie, session, cleared):
        attributes = [part.strip() for part in cookie.split(";")]
        assert "Secure" in attributes, cookie
        assert "HttpOnly" in attributes, cookie
        assert "SameSite=strict" in attributes, cookie


@pytest.mark.parametrize(
    "path",
    [
        "/rapporten?token=demo-auditor",
        "/rapporten/interventieplan-fase-4?token=demo-auditor",
        "/?token=demo-auditor",
    ],
)
def test_a_token_in_the_url_signs_nobody_in(browser: TestClient, path: str) -> None:
    answer = browser.get(path)

    assert set_cookies(answer, SESSION) == []
    assert browser.cookies.get(SESSION) is None
    if path.startswith("/rapporten"):
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/?volgende=%2Frapporten")
    else:
        assert answer.status_code == 200  # just the sign-in form
        assert '<input id="token" name="token" type="password"' in answer.text
        assert "demo-auditor" not in answer.text
    assert browser.get("/rapporten").status_code == 303


def test_a_sign_in_by_get_is_not_accepted(browser: TestClient) -> None:
    answer = browser.get("/aanmelden?token=demo-auditor")

    assert answer.status_code == 405
    assert set_cookies(answer, SESSION) == []
    assert browser.get("/rapporten").status_code == 303


def test_a_bearer_token_opens_no_page(browser: TestClient) -> None:
    answer = browser.get(
        "/rapporten", headers={"Authorization": f"Bearer {DEMO_TOKENS[Role.AUDITOR]}"}
    )

    assert (answer.status_code, answer.headers["location"]) == (303, "/?volgende=%2Frapporten")


@pytest.mark.e2e
def test_the_token_appears_in_no_url_and_no_log_of_a_served_workspace(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    assert begroting("demo", "--db", db, cwd=tmp_path).returncode == 0
    created = begroting(
        "token", "create", "--db", db, "--name", "controller", "--role", "auditor", cwd=tmp_path
    )
    assert created.returncode == 0, created.stderr
    found = re.search(r"bgt_[A-Za-z0-9_-]{43}", created.stdout)
    assert found is not None, created.stdout
    token = found[0]

    with serving(db, cwd=tmp_path) as server:
        with httpx.Client(base_url=server.url, timeout=30) as browser:
            visited: list[str] = []
            browser.event_hooks["request"] = [lambda request: visited.append(str(request.url))]
            form = browser.get("/")
            signed = browser.post(
                "/aanmelden", data={"token": token, "csrf": csrf_of(form.text), "volgende": ""}
            )
            assert (signed.status_code, signed.headers["location"]) == (303, "/rapporten")
            pages = [
                browser.get(path)
                for path in (
                    "/rapporten",
                    "/rapporten/voortgangsrapportage-2019-q4?peildatum=2019Q4",
                    "/figuur/cel?rapport=voortgangsrapportage-2019-q4&tabel=figuur-1&rij=2"
                    "&kolom=beschikbaar-2020",
                )
            ]
            assert [page.status_code for page in pages] == [200, 200, 200]
            assert all(token not in page.text for page in [form, signed, *pages])
        server.stop()
        output = server.output()

    assert len(visited) == 5
    assert all(token not in url for url in visited)
    # The access log is in the output: every request of the test is there, the token nowhere.
    assert 'POST /aanmelden HTTP/1.1" 303' in output
    assert (
        '"GET /figuur/cel?rapport=voortgangsrapportage-2019-q4&tabel=figuur-1&rij=2'
        '&kolom=beschikbaar-2020 HTTP/1.1" 200' in output
    )
    assert token not in output
