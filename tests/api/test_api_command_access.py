"""Every command endpoint over HTTP, before any business rule: who may send it (401, 403) and
the body's size and shape (413, 422), each refusal recording nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from api.ledger import Ledger
from support.commands import WWZ, assert_refused, given_proposed, line, post, proposal, reserve
from support.http import PROBLEM_JSON, Body, bearer, in_body, problem
from support.ledgers import SQLITE_ONLY, log_size

# -- who may: every command needs a token, and the right role --------------------------

# One valid request per command endpoint and the role that may send it. Authorisation
# comes before any business rule, so an empty ledger serves.
COMMANDS: list[tuple[str, Body, str]] = [
    ("/api/v1/decisions", proposal("raad-2026-11-auth"), "griffie"),
    (
        "/api/v1/budget/establishments",
        {"line": line(2026, "0.1"), "amount": "10.00", "decision": "d"},
        "finance",
    ),
    (
        "/api/v1/budget/amendments",
        {"line": line(2026, "0.1"), "delta": "10.00", "decision": "d"},
        "finance",
    ),
    (
        "/api/v1/budget/transfers",
        {"source": line(2026, "0.1"), "target": line(2026, "0.2"), "amount": "1", "decision": "d"},
        "finance",
    ),
    (
        "/api/v1/budget/carry-overs",
        {
            "source": line(2026, "0.1"),
            "target": line(2027, "0.1"),
            "amount": "1.00",
            "reserve": "F1",
            "decision": "d",
        },
        "finance",
    ),
    (
        "/api/v1/taakstellingen",
        {
            "reference": "t",
            "label": "T",
            "programma": WWZ,
            "taakveld": "0.1",
            "origin": "CA",
            "amounts": {"2026": "1.00"},
            "decision": "d",
        },
        "finance",
    ),
    (
        "/api/v1/taakstellingen/t/adjustments",
        {"fiscal_year": 2026, "delta": "1.00", "decision": "d"},
        "finance",
    ),
    (
        "/api/v1/taakstellingen/shifts",
        {"source": "t", "target": "u", "fiscal_year": 2026, "amount": "1.00", "decision": "d"},
        "finance",
    ),
    (
        "/api/v1/taakstellingen/t/cancellations",
        {"fiscal_year": 2026, "coverage": "BUIG", "decision": "d"},
        "finance",
    ),
    (
        "/api/v1/realisations",
        {"line": line(2026, "0.1"), "amount": "1.00", "status": "voorlopig"},
        "finance",
    ),
    (
        "/api/v1/realisations/corrections",
        {
            "line": line(2026, "0.1"),
            "corrects_version": 1,
            "amount": "2.00",
            "status": "voorlopig",
            "reason": "factuur",
        },
        "finance",
    ),
    (
        "/api/v1/reserves",
        {"code": "F1", "name": "R", "kind": "algemeen", "purpose": "P", "fiscal_year": 2026},
        "finance",
    ),
    (
        "/api/v1/reserves/F1/deposits",
        {"fiscal_year": 2026, "amount": "1", "decision": "d"},
        "finance",
    ),
    (
        "/api/v1/reserves/F1/withdrawals",
        {"fiscal_year": 2026, "amount": "1", "decision": "d"},
        "finance",
    ),
    (
        "/api/v1/reserves/F1/allocations",
        {
            "earmark": "",
            "allocations": [{"line": line(2026, "0.1"), "amount": "1"}],
            "decision": "d",
        },
        "finance",
    ),
    ("/api/v1/fiscal-years/2026/close", {"decision": "d"}, "finance"),
    (
        "/api/v1/reports",
        {
            "report_id": "rapport",
            "title": "Rapport",
            "published_at": "2026-11-01T12:00:00+01:00",
            "knowledge_cutoff": "2026-11-01T12:00:00+01:00",
            "tables": [
                {
                    "id": "tabel",
                    "title": "Tabel",
                    "unit": "EUR_1000",
                    "columns": [{"key": "2026", "measure": "taakstelling", "fiscal_year": 2026}],
                    "rows": [{"label": "Rij"}],
                }
            ],
            "period": {"first_year": 2026, "last_year": 2026},
            "source_document": "Memo",
        },
        "finance",
    ),
]
DECIDING: list[tuple[str, Body, str]] = [
    (f"/api/v1/decisions/raad-2026-11-auth/{action}", {}, "griffie")
    for action in ("adopt", "reject", "withdraw")
]
OTHER_ROLE = {"griffie": "finance", "finance": "griffie"}


def _ids(commands: list[tuple[str, Body, str]]) -> list[str]:
    return [path.removeprefix("/api/v1/") for path, _, _ in commands]


EVERY_COMMAND = pytest.mark.parametrize(
    ("path", "body"),
    [(path, body) for path, body, _ in COMMANDS + DECIDING],
    ids=_ids(COMMANDS + DECIDING),
)


@SQLITE_ONLY
@EVERY_COMMAND
def test_every_command_without_a_token_is_refused_with_a_bearer_challenge(
    api: TestClient, ledger: Ledger, path: str, body: Body
) -> None:
    # given an empty ledger
    before = log_size(ledger)

    # when
    response = api.post(path, json=body)

    # then
    assert_refused(
        response,
        problem(401, "unauthenticated", "send an API token: Authorization: Bearer <token>", path),
        ledger,
        before,
    )
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="begroting"'


@SQLITE_ONLY
@EVERY_COMMAND
def test_every_command_with_an_unknown_token_is_refused(
    api: TestClient, ledger: Ledger, path: str, body: Body
) -> None:
    before = log_size(ledger)

    response = api.post(path, json=body, headers={"Authorization": "Bearer bgt_not-a-token"})

    assert_refused(
        response,
        problem(401, "unauthenticated", "the token is unknown or revoked", path),
        ledger,
        before,
    )
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="begroting"'


def test_a_revoked_token_may_no_longer_write(api: TestClient, ledger: Ledger) -> None:
    # given a finance token that the admin revoked
    created = api.post(
        "/api/v1/tokens", json={"name": "controller", "role": "finance"}, headers=bearer("admin")
    )
    token = created.json()["token"]
    revoked = api.delete(f"/api/v1/tokens/{created.json()['id']}", headers=bearer("admin"))
    assert revoked.status_code == 200
    before = log_size(ledger)

    # when it is used
    path = "/api/v1/reserves"
    response = api.post(path, json=reserve("F1"), headers={"Authorization": f"Bearer {token}"})

    # then
    assert_refused(
        response,
        problem(401, "unauthenticated", "the token is unknown or revoked", path),
        ledger,
        before,
    )


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("path", "body", "allowed", "role"),
    [
        (path, body, allowed, role)
        for path, body, allowed in COMMANDS
        for role in ("auditor", OTHER_ROLE[allowed])
    ],
    ids=[
        f"{path.removeprefix('/api/v1/')}-{role}"
        for path, _, allowed in COMMANDS
        for role in ("auditor", OTHER_ROLE[allowed])
    ],
)
def test_every_command_refuses_a_role_that_may_not_issue_it(
    api: TestClient, ledger: Ledger, path: str, body: Body, allowed: str, role: str
) -> None:
    before = log_size(ledger)

    response = post(api, path, body, role)

    # A role that never decides is refused before the body is read (ADR 0006).
    if path == "/api/v1/decisions" and role == "auditor":
        allowed = "griffie or finance"
    assert_refused(
        response,
        problem(403, "forbidden", f"this needs the role {allowed}; you are {role}", path),
        ledger,
        before,
    )


@pytest.mark.parametrize("action", ["adopt", "reject", "withdraw"])
@pytest.mark.parametrize("role", ["finance", "auditor", "admin"])
def test_only_the_griffie_decides_on_a_raad_proposal(
    api: TestClient, ledger: Ledger, action: str, role: str
) -> None:
    # given a raad proposal
    given_proposed(api, proposal("raad-2026-11-auth"))
    before = log_size(ledger)
    path = f"/api/v1/decisions/raad-2026-11-auth/{action}"

    # when another role decides on it
    response = post(api, path, None, role)

    # then: a role that never decides is refused before the proposal is looked up
    needed = "griffie" if role == "finance" else "griffie or finance"
    assert_refused(
        response,
        problem(403, "forbidden", f"this needs the role {needed}; you are {role}", path),
        ledger,
        before,
    )


@pytest.mark.parametrize("action", ["adopt", "reject", "withdraw"])
def test_the_griffie_may_not_decide_on_a_college_proposal(
    api: TestClient, ledger: Ledger, action: str
) -> None:
    given_proposed(api, proposal("college-2026-11-auth", body="college"), role="finance")
    before = log_size(ledger)
    path = f"/api/v1/decisions/college-2026-11-auth/{action}"

    response = post(api, path, None, "griffie")

    assert_refused(
        response,
        problem(403, "forbidden", "this needs the role finance; you are griffie", path),
        ledger,
        before,
    )


def test_a_college_proposal_is_not_the_griffies_to_make(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions", proposal("college-x", body="college"), "griffie")

    assert_refused(
        response,
        problem(
            403, "forbidden", "this needs the role finance; you are griffie", "/api/v1/decisions"
        ),
        ledger,
        before,
    )


@SQLITE_ONLY
def test_the_token_is_checked_before_the_body(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = api.post("/api/v1/decisions", json={"nonsense": True})

    assert_refused(
        response,
        problem(
            401,
            "unauthenticated",
            "send an API token: Authorization: Bearer <token>",
            "/api/v1/decisions",
        ),
        ledger,
        before,
    )


# -- the body: size and shape ----------------------------------------------------------

TOO_LARGE = "the request body is larger than 1048576 bytes"


@SQLITE_ONLY
def test_a_body_declared_larger_than_the_limit_is_refused_before_it_is_read(
    api: TestClient, ledger: Ledger
) -> None:
    before = log_size(ledger)
    body = proposal("raad-2026-11-groot", title="x" * 1_100_000)

    response = post(api, "/api/v1/decisions", body, "griffie")

    assert_refused(
        response, problem(413, "too-large", TOO_LARGE, "/api/v1/decisions"), ledger, before
    )
    assert response.headers["Connection"] == "close"


@SQLITE_ONLY
def test_a_streamed_body_is_refused_as_soon_as_it_passes_the_limit(
    api: TestClient, ledger: Ledger
) -> None:
    before = log_size(ledger)
    payload = json.dumps(proposal("raad-2026-11-groot", title="x" * 1_100_000)).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        for start in range(0, len(payload), 65_536):
            yield payload[start : start + 65_536]

    response = api.post(
        "/api/v1/decisions",
        content=chunks(),
        headers={**bearer("griffie"), "Content-Type": "application/json"},
    )

    assert_refused(
        response, problem(413, "too-large", TOO_LARGE, "/api/v1/decisions"), ledger, before
    )


@SQLITE_ONLY
def test_an_actor_in_the_body_is_refused_as_an_unknown_field(
    api: TestClient, ledger: Ledger
) -> None:
    # the actor is the token's name, never something a body can claim
    before = log_size(ledger)

    response = post(
        api, "/api/v1/decisions", proposal("raad-2026-11-a", actor="wethouder"), "griffie"
    )

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: actor",
            "/api/v1/decisions",
            in_body("actor", "Extra inputs are not permitted", "extra_forbidden"),
        ),
        ledger,
        before,
    )


@SQLITE_ONLY
def test_every_invalid_field_is_named_at_once(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions", {"reference": "raad-x", "extra": 1}, "griffie")

    missing = "Field required"
    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: body, extra, kind, period, title",
            "/api/v1/decisions",
            in_body("title", missing, "missing"),
            in_body("body", missing, "missing"),
            in_body("kind", missing, "missing"),
            in_body("period", missing, "missing"),
            in_body("extra", "Extra inputs are not permitted", "extra_forbidden"),
        ),
        ledger,
        before,
    )


def _post_broken_json(api: TestClient) -> Response:
    headers = {**bearer("finance"), "Content-Type": "application/json"}
    return api.post("/api/v1/budget/amendments", content=b'{"delta": "1.00",', headers=headers)


@SQLITE_ONLY
def test_a_body_that_is_not_json_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = _post_broken_json(demo_api)

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "malformed-body"
    assert log_size(demo_ledger) == before


@SQLITE_ONLY
def test_a_body_that_is_not_json_points_at_the_whole_body(demo_api: TestClient) -> None:
    response = _post_broken_json(demo_api)

    detail = "the body is not JSON: Expecting property name enclosed in double quotes"
    assert response.json() == problem(
        400,
        "malformed-body",
        detail,
        "/api/v1/budget/amendments",
        {"in": "body", "field": "", "detail": detail, "code": "malformed-body", "pointer": "#"},
    )


@SQLITE_ONLY
def test_a_body_that_is_not_utf8_is_refused_as_malformed(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    headers = {**bearer("finance"), "Content-Type": "application/json"}

    response = demo_api.post(
        "/api/v1/budget/amendments", content=b'{"delta": "\xff"}', headers=headers
    )

    detail = "the body is not JSON in UTF-8"
    assert_refused(
        response,
        problem(
            400,
            "malformed-body",
            detail,
            "/api/v1/budget/amendments",
            {"in": "body", "field": "", "detail": detail, "code": "malformed-body", "pointer": "#"},
        ),
        demo_ledger,
        before,
    )


@SQLITE_ONLY
@pytest.mark.parametrize("body", [[], None, "amendment"], ids=["array", "null", "string"])
def test_a_body_that_is_no_object_is_refused(
    demo_api: TestClient, demo_ledger: Ledger, body: object
) -> None:
    before = log_size(demo_ledger)

    response = demo_api.post(
        "/api/v1/budget/amendments",
        content=json.dumps(body).encode(),
        headers={**bearer("finance"), "Content-Type": "application/json"},
    )

    detail = "Input should be a valid dictionary or object to extract fields from"
    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: body",
            "/api/v1/budget/amendments",
            {
                "in": "body",
                "field": "",
                "detail": detail,
                "code": "model_attributes_type",
                "pointer": "#",
            },
        ),
        demo_ledger,
        before,
    )
