"""Two municipalities on one server (ADR 0032): the service answers each token from its own
ledger, on SQLite (a file each) and on PostgreSQL (a schema each on one database). Reads of
one show nothing of the other, writes land in the token's ledger, the other's ids are not
found, an admin manages only its own tokens, and each chain verifies on its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import Role, TokenStore
from api.ledgers import create_ledger, open_named
from api.settings import Settings
from projections.store.database import Database
from support.clock import Clock
from support.commands import line, proposal
from support.ledgers import BACKENDS
from support.processes import fresh_database
from support.web import sign_in

A, B = "GM0268", "GM0344"
Tokens = dict[str | None, dict[str, str]]  # ledger (None: the default) -> role -> secret


def issue_tokens(url: str, code: str | None) -> dict[str, str]:
    """A token of each role in ledger `code` (None: the default ledger)."""
    clock = Clock()
    default = Database.parse(url)
    from api.ledger import open_database

    ledger = (
        open_database(default, clock.now) if code is None else open_named(default, code, clock.now)
    )
    try:
        store = TokenStore(ledger.engine, clock.now, code)
        return {
            role.value: store.create(
                name=f"{code or 'default'} {role.value}", role=role, created_by="test"
            )[1]
            for role in Role
        }
    finally:
        ledger.close()


@pytest.fixture(params=BACKENDS)
def two_ledgers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Tokens]]:
    with fresh_database(request.param, tmp_path) as url:
        create_ledger(url, A, "Nijmegen")
        create_ledger(url, B.lower(), "Utrecht")
        yield url, {code: issue_tokens(url, code) for code in (None, A, B)}


@pytest.fixture
def served(two_ledgers: tuple[str, Tokens]) -> Iterator[tuple[TestClient, Tokens]]:
    url, tokens = two_ledgers
    with TestClient(create_app(Settings(db_url=url))) as client:
        yield client, tokens


def as_(tokens: Tokens, code: str | None, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[code][role]}"}


def adopt(client: TestClient, tokens: Tokens, code: str, reference: str) -> None:
    body = proposal(reference, years=(2019, 2019))
    answer = client.post("/api/v1/decisions", json=body, headers=as_(tokens, code, "griffie"))
    assert answer.status_code == 201, answer.json()
    answer = client.post(
        f"/api/v1/decisions/{reference}/adopt", headers=as_(tokens, code, "griffie")
    )
    assert answer.status_code == 200, answer.json()


def references(client: TestClient, headers: dict[str, str]) -> list[str]:
    answer = client.get("/api/v1/decisions", headers=headers)
    assert answer.status_code == 200, answer.json()
    return [row["reference"] for row in answer.json()["rows"]]


def test_a_token_of_a_ledger_names_it(two_ledgers: tuple[str, Tokens]) -> None:
    _, tokens = two_ledgers
    assert {secret[:11] for secret in tokens[A].values()} == {"bgt_GM0268_"}
    assert {secret[:11] for secret in tokens[B].values()} == {"bgt_GM0344_"}
    assert all(not secret.startswith("bgt_GM") for secret in tokens[None].values())


def test_each_role_reads_only_its_own_ledger_and_writes_land_there(
    served: tuple[TestClient, Tokens],
) -> None:
    client, tokens = served
    adopt(client, tokens, A, "raad-nijmegen-2019")
    adopt(client, tokens, B, "raad-utrecht-2019")
    # finance of A writes a budget line in A, under A's decision
    answer = client.post(
        "/api/v1/budget/establishments",
        json={"line": line(2019, "6.1"), "amount": "1000.00", "decision": "raad-nijmegen-2019"},
        headers=as_(tokens, A, "finance"),
    )
    assert answer.status_code == 201, answer.json()

    for role in ("griffie", "finance", "auditor"):
        assert references(client, as_(tokens, A, role)) == ["raad-nijmegen-2019"]
        assert references(client, as_(tokens, B, role)) == ["raad-utrecht-2019"]
        assert references(client, as_(tokens, None, role)) == []
    amounts = {
        code: [
            row["amount"]
            for row in client.get(
                "/api/v1/budget/lines", headers=as_(tokens, code, "auditor")
            ).json()["rows"]
        ]
        for code in (A, B, None)
    }
    assert amounts == {A: ["1000.00"], B: [], None: []}
    actors = {
        code: [
            row["actor"]
            for row in client.get("/api/v1/events", headers=as_(tokens, code, "auditor")).json()[
                "rows"
            ]
        ]
        for code in (A, B, None)
    }
    assert actors == {
        A: ["GM0268 griffie", "GM0268 griffie", "GM0268 finance", "GM0268 finance"],
        B: ["GM0344 griffie", "GM0344 griffie"],
        None: [],
    }


def test_the_other_ledgers_ids_are_not_found(served: tuple[TestClient, Tokens]) -> None:
    client, tokens = served
    body = proposal("raad-utrecht-2019", years=(2019, 2019))
    assert (
        client.post("/api/v1/decisions", json=body, headers=as_(tokens, B, "griffie")).status_code
        == 201
    )

    read = client.get("/api/v1/decisions/raad-utrecht-2019", headers=as_(tokens, A, "auditor"))
    adopt_b = client.post(
        "/api/v1/decisions/raad-utrecht-2019/adopt", headers=as_(tokens, A, "griffie")
    )

    assert (read.status_code, adopt_b.status_code) == (404, 404)
    assert read.json()["code"] == adopt_b.json()["code"] == "not-found"
    in_b = client.get("/api/v1/decisions/raad-utrecht-2019", headers=as_(tokens, B, "auditor"))
    assert [row["status"] for row in in_b.json()["rows"]] == ["proposed"]


def test_an_admin_manages_only_its_own_ledgers_tokens(served: tuple[TestClient, Tokens]) -> None:
    client, tokens = served
    listed = client.get("/api/v1/tokens", headers=as_(tokens, A, "admin"))
    b_tokens = client.get("/api/v1/tokens", headers=as_(tokens, B, "admin")).json()["rows"]
    b_auditor = next(row["id"] for row in b_tokens if row["role"] == "auditor")

    revoke = client.delete(f"/api/v1/tokens/{b_auditor}", headers=as_(tokens, A, "admin"))
    created = client.post(
        "/api/v1/tokens", json={"name": "kas", "role": "finance"}, headers=as_(tokens, A, "admin")
    )

    assert [row["name"] for row in listed.json()["rows"]] == [
        "GM0268 griffie",
        "GM0268 finance",
        "GM0268 auditor",
        "GM0268 admin",
    ]
    assert revoke.status_code == 404
    assert revoke.json()["code"] == "not-found"
    assert client.get("/api/v1/decisions", headers=as_(tokens, B, "auditor")).status_code == 200
    assert created.status_code == 201
    assert created.json()["token"].startswith("bgt_GM0268_")
    new = {"Authorization": f"Bearer {created.json()['token']}"}
    assert client.get("/api/v1/decisions", headers=new).json()["rows"] == []


def test_a_token_naming_a_ledger_the_server_does_not_hold_is_unknown(
    served: tuple[TestClient, Tokens],
) -> None:
    client, tokens = served
    forged = tokens[A]["auditor"].replace("GM0268", "GM0999")

    answer = client.get("/api/v1/decisions", headers={"Authorization": f"Bearer {forged}"})
    moved = client.get(
        "/api/v1/decisions",
        headers={"Authorization": f"Bearer {tokens[A]['auditor'].replace('GM0268', 'GM0344')}"},
    )

    assert answer.status_code == moved.status_code == 401
    assert answer.json()["detail"] == "the token is unknown or revoked"


def test_each_ledgers_chain_verifies_on_its_own(served: tuple[TestClient, Tokens]) -> None:
    client, tokens = served
    adopt(client, tokens, A, "raad-nijmegen-2019")

    found = {
        code: client.get("/api/v1/audit/verify", headers=as_(tokens, code, "auditor")).json()
        for code in (A, B)
    }

    assert (found[A]["status"], found[A]["count"], found[A]["position"]) == ("ok", 2, 2)
    assert (found[B]["status"], found[B]["count"], found[B]["position"]) == ("ok", 0, 0)
    assert found[A]["head"] != found[B]["head"]


def test_the_workspace_signs_in_to_the_tokens_ledger(served: tuple[TestClient, Tokens]) -> None:
    client, tokens = served
    adopt(client, tokens, B, "raad-utrecht-2019")
    adopt(client, tokens, A, "raad-nijmegen-2019")

    sign_in(client, tokens[B]["auditor"])
    page = client.get("/besluiten")

    assert client.cookies["begroting_sessie"].startswith("GM0344_")
    assert page.status_code == 200
    assert ("raad-utrecht-2019" in page.text, "raad-nijmegen-2019" in page.text) == (True, False)
    # Whose ledger it is stands in the header of every page.
    assert (
        '<span class="gemeente" title="het grootboek van deze gemeente">Utrecht (GM0344)</span>'
        in page.text
    )


def test_idempotency_keys_belong_to_their_ledger(served: tuple[TestClient, Tokens]) -> None:
    client, tokens = served
    key = {"Idempotency-Key": "7d3c1f0e-0000-4000-8000-000000000001"}

    answers = [
        client.post(
            "/api/v1/decisions",
            json=proposal(f"raad-{code.lower()}", years=(2019, 2019)),
            headers={**as_(tokens, code, "griffie"), **key},
        )
        for code in (A, B)
    ]
    replayed = client.post(
        "/api/v1/decisions",
        json=proposal("raad-gm0268", years=(2019, 2019)),
        headers={**as_(tokens, A, "griffie"), **key},
    )

    # the same key in another ledger is another request, not a reuse with another body
    assert [answer.status_code for answer in answers] == [201, 201]
    assert replayed.status_code == 201
    assert replayed.json() == answers[0].json()
    assert references(client, as_(tokens, A, "auditor")) == ["raad-gm0268"]
    assert references(client, as_(tokens, B, "auditor")) == ["raad-gm0344"]
