"""API tokens over HTTP: only the admin creates, lists and revokes them; a token's secret is
shown once and stored only as its hash; its name is the actor on its holder's events and is
never reused; a revoked token is refused at once."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.ledger import Ledger
from projections.store.schema import api_tokens
from support.clock import Clock
from support.http import ROLES, bearer, problem
from support.ledgers import SQLITE_ONLY, log_size

ADMIN = bearer("admin")
TOKEN_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SECRET = re.compile(r"^bgt_[A-Za-z0-9_-]{43}$")  # 32 random bytes, url-safe base64
CREATED = "2026-11-23T09:05:00+00:00"  # the test clock, advanced five minutes
DEMO = [
    {
        "name": f"demo {role}",
        "role": role,
        "created_at": "2026-11-23T09:00:00+00:00",
        "created_by": "demo",
        "revoked_at": None,
        "revoked_by": None,
    }
    for role in ROLES
]


def create(client: TestClient, clock: Clock, name: str, role: str) -> dict[str, Any]:
    """The admin creates a token five minutes after the demo tokens were made."""
    clock.advance(timedelta(minutes=5))
    response = client.post("/api/v1/tokens", headers=ADMIN, json={"name": name, "role": role})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def as_bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def without_id(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "id"}


def stored_tokens(ledger: Ledger) -> list[dict[str, Any]]:
    with ledger.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(api_tokens))]


def token_id_of(client: TestClient, name: str) -> str:
    listed = client.get("/api/v1/tokens", headers=ADMIN).json()["rows"]
    found: str = next(token["id"] for token in listed if token["name"] == name)
    return found


# -- creating --------------------------------------------------------------------------


def test_the_admin_creates_a_token_and_sees_its_secret_once(
    api: TestClient, ledger: Ledger, clock: Clock
) -> None:
    clock.advance(timedelta(minutes=5))

    response = api.post(
        "/api/v1/tokens", headers=ADMIN, json={"name": "R. Kamer", "role": "auditor"}
    )

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert TOKEN_ID.match(body["id"])
    assert SECRET.match(body["token"])
    assert body == {
        "id": body["id"],
        "name": "R. Kamer",
        "role": "auditor",
        "created_at": CREATED,
        "created_by": "demo admin",
        "revoked_at": None,
        "revoked_by": None,
        "token": body["token"],
    }
    assert log_size(ledger) == 0  # tokens are the service's own state, not events


def test_two_tokens_never_share_an_id_or_a_secret(api: TestClient, clock: Clock) -> None:
    first = create(api, clock, "Eerste", "auditor")
    second = create(api, clock, "Tweede", "auditor")

    assert first["id"] != second["id"]
    assert first["token"] != second["token"]


@pytest.mark.parametrize("role", ["griffie", "finance", "auditor"])
def test_a_new_token_reads_for_its_role_but_does_not_manage_tokens(
    api: TestClient, clock: Clock, role: str
) -> None:
    created = create(api, clock, f"Medewerker {role}", role)

    read = api.get("/api/v1/decisions", headers=as_bearer(created["token"]))
    listed = api.get("/api/v1/tokens", headers=as_bearer(created["token"]))

    assert read.status_code == 200
    assert listed.status_code == 403
    assert listed.json() == problem(
        403, "forbidden", f"this needs the role admin; you are {role}", "/api/v1/tokens"
    )


def test_a_new_admin_token_manages_tokens_but_may_not_read_the_books(
    api: TestClient, clock: Clock
) -> None:
    created = create(api, clock, "Beheerder", "admin")

    listed = api.get("/api/v1/tokens", headers=as_bearer(created["token"]))
    read = api.get("/api/v1/decisions", headers=as_bearer(created["token"]))

    assert listed.status_code == 200
    assert read.status_code == 403
    assert read.json()["code"] == "forbidden"


def test_a_new_tokens_name_is_the_actor_on_the_events_its_holder_records(
    api: TestClient, ledger: Ledger, clock: Clock
) -> None:
    created = create(api, clock, "M. de Vries", "finance")

    proposed = api.post(
        "/api/v1/decisions",
        headers=as_bearer(created["token"]),
        json={
            "reference": "college-2026-01-verschuiving",
            "title": "Verschuiving binnen het sociaal domein",
            "body": "college",
            "kind": "begrotingswijziging",
            "period": {"first_year": 2026, "last_year": 2026},
        },
    )

    assert proposed.status_code == 201
    assert log_size(ledger) == 1
    events = api.get("/api/v1/events", headers=bearer("auditor")).json()["rows"]
    assert [(event["event_type"], event["actor"]) for event in events] == [
        ("Decision.Proposed", "M. de Vries")
    ]


# -- listing ---------------------------------------------------------------------------


def test_the_admin_lists_every_token_without_its_secret(api: TestClient, clock: Clock) -> None:
    created = create(api, clock, "R. Kamer", "auditor")

    response = api.get("/api/v1/tokens", headers=ADMIN)

    assert response.status_code == 200
    tokens = response.json()["rows"]
    assert all(TOKEN_ID.match(token["id"]) for token in tokens)
    assert len({token["id"] for token in tokens}) == 5
    # The four demo tokens were made at the same moment: their order among them is not fixed.
    assert sorted((without_id(token) for token in tokens[:4]), key=lambda t: t["name"]) == sorted(
        DEMO, key=lambda t: t["name"]
    )
    assert tokens[4] == {
        "id": created["id"],
        "name": "R. Kamer",
        "role": "auditor",
        "created_at": CREATED,
        "created_by": "demo admin",
        "revoked_at": None,
        "revoked_by": None,
    }
    assert created["token"] not in response.text


# -- revoking --------------------------------------------------------------------------


def test_a_revoked_token_is_refused_at_once(api: TestClient, clock: Clock) -> None:
    created = create(api, clock, "R. Kamer", "auditor")
    assert api.get("/api/v1/decisions", headers=as_bearer(created["token"])).status_code == 200
    clock.advance(timedelta(minutes=5))

    revoked = api.delete(f"/api/v1/tokens/{created['id']}", headers=ADMIN)
    refused = api.get("/api/v1/decisions", headers=as_bearer(created["token"]))

    assert revoked.status_code == 200
    assert revoked.json() == {
        "id": created["id"],
        "name": "R. Kamer",
        "role": "auditor",
        "created_at": CREATED,
        "created_by": "demo admin",
        "revoked_at": "2026-11-23T09:10:00+00:00",
        "revoked_by": "demo admin",
    }
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == 'Bearer realm="begroting"'
    assert refused.json() == problem(
        401, "unauthenticated", "the token is unknown or revoked", "/api/v1/decisions"
    )
    listed = api.get("/api/v1/tokens", headers=ADMIN).json()["rows"]
    assert [token for token in listed if token["id"] == created["id"]] == [revoked.json()]


def test_revoking_a_revoked_token_again_keeps_the_first_revocation(
    api: TestClient, clock: Clock
) -> None:
    created = create(api, clock, "R. Kamer", "auditor")
    first = api.delete(f"/api/v1/tokens/{created['id']}", headers=ADMIN)
    clock.advance(timedelta(hours=1))

    second = api.delete(f"/api/v1/tokens/{created['id']}", headers=ADMIN)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == first.json()
    assert second.json()["revoked_at"] == CREATED


def test_the_admin_who_revokes_their_own_token_is_locked_out_at_once(api: TestClient) -> None:
    own = token_id_of(api, "demo admin")

    revoked = api.delete(f"/api/v1/tokens/{own}", headers=ADMIN)
    after = api.get("/api/v1/tokens", headers=ADMIN)

    assert revoked.status_code == 200
    assert revoked.json()["revoked_by"] == "demo admin"
    assert after.status_code == 401
    assert after.json()["detail"] == "the token is unknown or revoked"


def test_revoking_an_unknown_token_is_a_404(api: TestClient, ledger: Ledger) -> None:
    before = stored_tokens(ledger)
    unknown = "0123456789abcdef0123456789abcdef"

    response = api.delete(f"/api/v1/tokens/{unknown}", headers=ADMIN)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(
        404, "not-found", f"token '{unknown}' does not exist", f"/api/v1/tokens/{unknown}"
    )
    assert stored_tokens(ledger) == before


@SQLITE_ONLY
def test_a_token_id_that_is_not_32_hex_digits_is_a_422(api: TestClient) -> None:
    response = api.delete("/api/v1/tokens/demo-admin", headers=ADMIN)

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        "the request has invalid fields: token_id",
        "/api/v1/tokens/demo-admin",
        {
            "in": "path",
            "field": "token_id",
            "detail": "String should match pattern "
            "'^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$'",
            "code": "string_pattern_mismatch",
        },
    )


# -- names are never reused ------------------------------------------------------------


def duplicate(name: str) -> dict[str, Any]:
    detail = f"a token named {name!r} exists or existed; names are never reused"
    return problem(
        409,
        "duplicate",
        detail,
        "/api/v1/tokens",
        {
            "in": "body",
            "field": "name",
            "detail": detail,
            "code": "duplicate",
            "pointer": "#/name",
        },
    )


def test_a_name_in_use_is_a_409_pointing_at_the_name(
    api: TestClient, ledger: Ledger, clock: Clock
) -> None:
    create(api, clock, "R. Kamer", "auditor")
    before = stored_tokens(ledger)

    response = api.post(
        "/api/v1/tokens", headers=ADMIN, json={"name": "R. Kamer", "role": "finance"}
    )

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == duplicate("R. Kamer")
    assert stored_tokens(ledger) == before


def test_the_name_of_a_revoked_token_is_never_given_out_again(
    api: TestClient, clock: Clock
) -> None:
    created = create(api, clock, "R. Kamer", "auditor")
    assert api.delete(f"/api/v1/tokens/{created['id']}", headers=ADMIN).status_code == 200

    response = api.post(
        "/api/v1/tokens", headers=ADMIN, json={"name": "R. Kamer", "role": "auditor"}
    )

    assert response.status_code == 409
    assert response.json() == duplicate("R. Kamer")


def test_the_name_of_a_demo_token_is_the_systems_own(api: TestClient) -> None:
    response = api.post(
        "/api/v1/tokens", headers=ADMIN, json={"name": "demo finance", "role": "finance"}
    )

    detail = (
        "a token's name may not begin with 'import:' or 'cli:' or 'demo ': "
        "those actors are the system's own"
    )
    assert response.status_code == 422
    assert response.json() == {
        "type": "urn:begroting:problem:invalid-input",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": detail,
        "instance": "/api/v1/tokens",
        "code": "invalid-input",
        "errors": [body_error("name", detail, "invalid-input")],
    }


# -- malformed requests ----------------------------------------------------------------


def body_error(field: str, detail: str, code: str) -> dict[str, Any]:
    return {"in": "body", "field": field, "detail": detail, "code": code, "pointer": f"#/{field}"}


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        pytest.param(
            {"name": "Piet", "role": "boss"},
            [
                body_error(
                    "role",
                    "Input should be 'griffie', 'finance', 'auditor' or 'admin'",
                    "literal_error",
                )
            ],
            id="unknown-role",
        ),
        pytest.param(
            {"name": "Piet", "role": "Finance"},
            [
                body_error(
                    "role",
                    "Input should be 'griffie', 'finance', 'auditor' or 'admin'",
                    "literal_error",
                )
            ],
            id="role-in-capitals",
        ),
        pytest.param(
            {"name": "Piet"},
            [body_error("role", "Field required", "missing")],
            id="no-role",
        ),
        pytest.param(
            {"name": " Piet", "role": "auditor"},
            [
                body_error(
                    "name", "String should match pattern '^\\S(.*\\S)?$'", "string_pattern_mismatch"
                )
            ],
            id="name-with-leading-space",
        ),
        pytest.param(
            {"name": "", "role": "auditor"},
            [body_error("name", "String should have at least 1 character", "string_too_short")],
            id="empty-name",
        ),
        pytest.param(
            {"name": "Piet", "role": "auditor", "token": "bgt_chosen"},
            [body_error("token", "Extra inputs are not permitted", "extra_forbidden")],
            id="a-chosen-secret",
        ),
    ],
)
def test_a_malformed_token_request_is_a_422_naming_each_field(
    api: TestClient, ledger: Ledger, payload: dict[str, Any], errors: list[dict[str, Any]]
) -> None:
    before = stored_tokens(ledger)

    response = api.post("/api/v1/tokens", headers=ADMIN, json=payload)

    assert response.status_code == 422
    fields = ", ".join(sorted({error["field"] for error in errors}))
    assert response.json() == problem(
        422, "invalid-input", f"the request has invalid fields: {fields}", "/api/v1/tokens", *errors
    )
    assert stored_tokens(ledger) == before


# -- only the admin --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["griffie", "finance", "auditor"])
def test_no_other_role_creates_lists_or_revokes_tokens(
    api: TestClient, ledger: Ledger, role: str
) -> None:
    target = token_id_of(api, "demo auditor")
    before = stored_tokens(ledger)
    detail = f"this needs the role admin; you are {role}"

    created = api.post(
        "/api/v1/tokens", headers=bearer(role), json={"name": "Insluiper", "role": "admin"}
    )
    listed = api.get("/api/v1/tokens", headers=bearer(role))
    revoked = api.delete(f"/api/v1/tokens/{target}", headers=bearer(role))

    assert [r.status_code for r in (created, listed, revoked)] == [403, 403, 403]
    assert created.json() == problem(403, "forbidden", detail, "/api/v1/tokens")
    assert listed.json() == problem(403, "forbidden", detail, "/api/v1/tokens")
    assert revoked.json() == problem(403, "forbidden", detail, f"/api/v1/tokens/{target}")
    assert stored_tokens(ledger) == before


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        pytest.param({}, "send an API token: Authorization: Bearer <token>", id="no-token"),
        pytest.param(
            {"Authorization": "Bearer bgt_guessed"}, "the token is unknown or revoked", id="bogus"
        ),
    ],
)
def test_without_a_known_token_nothing_about_tokens_is_answered(
    api: TestClient, ledger: Ledger, headers: dict[str, str], detail: str
) -> None:
    target = token_id_of(api, "demo auditor")
    before = stored_tokens(ledger)

    created = api.post(
        "/api/v1/tokens", headers=headers, json={"name": "Insluiper", "role": "admin"}
    )
    listed = api.get("/api/v1/tokens", headers=headers)
    revoked = api.delete(f"/api/v1/tokens/{target}", headers=headers)

    assert [r.status_code for r in (created, listed, revoked)] == [401, 401, 401]
    assert created.json() == problem(401, "unauthenticated", detail, "/api/v1/tokens")
    assert listed.json() == problem(401, "unauthenticated", detail, "/api/v1/tokens")
    assert revoked.json() == problem(401, "unauthenticated", detail, f"/api/v1/tokens/{target}")
    assert stored_tokens(ledger) == before


# -- the secret at rest ----------------------------------------------------------------


def test_the_secret_is_stored_only_as_its_sha256(
    api: TestClient, ledger: Ledger, clock: Clock
) -> None:
    created = create(api, clock, "R. Kamer", "auditor")

    stored = stored_tokens(ledger)

    (row,) = [row for row in stored if row["id"] == UUID(created["id"]).hex]  # kept as hex
    assert row["token_hash"] == hashlib.sha256(created["token"].encode()).hexdigest()
    secret_part = created["token"].removeprefix("bgt_")
    assert not [
        (column, value)
        for record in stored
        for column, value in record.items()
        if isinstance(value, str) and (created["token"] in value or secret_part in value)
    ]
    assert set(row) == {
        "id",
        "name",
        "role",
        "token_hash",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
    }
