"""Every command endpoint over HTTP: what a success answers and records, and every way a
request is refused (401, 403, 404, 409, 413, 422), each refusal recording nothing.

Scenarios start from the Nijmegen demo history (141 events) where they need decisions,
lines, reserves or taakstellingen, and from an empty ledger where they do not. The clock
stands still at CLOCK_START, so every event recorded here is known and recorded then.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from http import HTTPStatus
from typing import Any
from uuid import UUID, uuid5

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from api.demo import nijmegen
from api.ledger import Ledger
from conftest import CLOCK_START, Clock, bearer, log_size
from domain.budget import line_id
from domain.decision import Decision
from domain.events import BEGROTING_NAMESPACE
from domain.fiscal_year import FiscalYear
from domain.realisation import late_result_id, realisation_id
from domain.report import Report
from domain.reserve import Reserve
from domain.taakstelling import Taakstelling
from domain.values import LineKey

Body = dict[str, Any]

PROBLEM_JSON = "application/problem+json"
NOW = CLOCK_START.isoformat()  # known_at and recorded_at of everything recorded here
DEMO_EVENTS = 141

WWZ = nijmegen.WWZ
FUND = nijmegen.FUND
ZOMERNOTA = nijmegen.ZOMERNOTA_2019  # raad, adopted: authorises anything in 2019
INTERVENTIEPLAN = nijmegen.INTERVENTIEPLAN_4  # raad, adopted: 2019..2022
SLOTWIJZIGING = nijmegen.SLOTWIJZIGING_2019
MANDAAT = nijmegen.MANDAAT  # transfers and carry-overs on the fund, 2019..2021
WMO_JEUGD = nijmegen.RESERVE_WMO_JEUGD  # F058: nothing left in its free part
SALDIRESERVE = nijmegen.SALDIRESERVE  # F022: its earmark for the fund is spent
JAARREKENING = "raad-2020-07-01-jaarrekening-2019"

# The zomernota's line: 2,300,000.00 for Jeugd in 2019, at version 2.
JEUGD_2019 = {"fiscal_year": 2019, "programma": WWZ, "taakveld": "6.72"}


# -- reading answers -------------------------------------------------------------------


def problem(status: int, code: str, detail: str, instance: str, *errors: Body) -> Body:
    """The problem document the service answers with (RFC 9457)."""
    body: Body = {
        "type": f"urn:begroting:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    if errors:
        body["errors"] = list(errors)
    return body


def in_body(field: str, detail: str, code: str) -> Body:
    pointer = "#/" + field.replace(".", "/")
    return {"in": "body", "field": field, "detail": detail, "code": code, "pointer": pointer}


def in_header(field: str, detail: str, code: str) -> Body:
    return {"in": "header", "field": field, "detail": detail, "code": code}


def in_path(field: str, detail: str, code: str) -> Body:
    return {"in": "path", "field": field, "detail": detail, "code": code}


def rule_broken(status: int, code: str, detail: str, instance: str, field: str) -> Body:
    """A domain refusal about one body member, which repeats the refusal's detail."""
    return problem(status, code, detail, instance, in_body(field, detail, code))


def assert_refused(response: Response, expected: Body, ledger: Ledger, before: int) -> None:
    """The exact problem document, as problem+json, and nothing recorded."""
    assert response.status_code == expected["status"]
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == expected
    assert log_size(ledger) == before


def assert_refused_but_for_errors(
    response: Response, expected: Body, ledger: Ledger, before: int
) -> None:
    """As assert_refused, leaving the `errors` to a test of their own."""
    assert response.status_code == expected["status"]
    assert response.headers["content-type"] == PROBLEM_JSON
    assert {k: v for k, v in response.json().items() if k != "errors"} == expected
    assert log_size(ledger) == before


def result(ids: dict[str, UUID], versions: dict[str, int], position: int) -> Body:
    return {
        "ids": {name: str(value) for name, value in ids.items()},
        "versions": versions,
        "position": position,
    }


def events_after(api: TestClient, position: int) -> list[Body]:
    """The audit rows after `position`, as an auditor reads them (payload aside)."""
    response = api.get("/api/v1/events", params={"after": position}, headers=bearer("auditor"))
    assert response.status_code == 200
    return [{k: v for k, v in row.items() if k != "payload"} for row in response.json()["events"]]


def payloads_after(api: TestClient, position: int) -> list[Body]:
    response = api.get("/api/v1/events", params={"after": position}, headers=bearer("auditor"))
    return [json.loads(row["payload"]) for row in response.json()["events"]]


def event(
    position: int,
    event_type: str,
    aggregate: UUID,
    version: int,
    period: str,
    *,
    actor: str = "demo finance",
    decision: str | None = None,
    source: str | None = None,
) -> Body:
    return {
        "position": position,
        "event_type": event_type,
        "aggregate_id": aggregate.hex,
        "version": version,
        "period": period,
        "known_at": NOW,
        "recorded_at": NOW,
        "actor": actor,
        "decision": decision,
        "source": source,
        "import_id": None,
    }


# -- building requests -----------------------------------------------------------------


def line(year: int, taakveld: str | None, **more: Any) -> Body:
    return {"fiscal_year": year, "programma": WWZ, "taakveld": taakveld, **more}


def fund_line(year: int, interventie: int) -> Body:
    """A line of the demo's transformatiebudget, as a request names it."""
    key = nijmegen.fund_line(year, interventie)
    return line(year, key.taakveld, interventie=interventie, fund=FUND)


def key_of(body: Body) -> LineKey:
    return LineKey(
        fiscal_year=body["fiscal_year"],
        programma=body["programma"],
        taakveld=body.get("taakveld"),
        deelproduct=body.get("deelproduct"),
        interventie=body.get("interventie"),
        fund=body.get("fund"),
    )


def label(body: Body) -> str:
    return key_of(body).label()


def proposal(
    reference: str,
    *,
    body: str = "raad",
    kind: str = "begrotingswijziging",
    years: tuple[int, int] = (2019, 2019),
    **more: Any,
) -> Body:
    return {
        "reference": reference,
        "title": f"Besluit {reference}",
        "body": body,
        "kind": kind,
        "period": {"first_year": years[0], "last_year": years[1]},
        **more,
    }


def post(api: TestClient, path: str, body: Body | None, role: str, **headers: str) -> Response:
    sent = {**bearer(role), **headers}
    if body is None:
        return api.post(path, headers=sent)
    return api.post(path, json=body, headers=sent)


def given_proposed(api: TestClient, body: Body, role: str = "griffie") -> None:
    response = post(api, "/api/v1/decisions", body, role)
    assert response.status_code == 201, response.json()


def given_adopted(api: TestClient, body: Body, role: str = "griffie") -> None:
    given_proposed(api, body, role)
    response = post(api, f"/api/v1/decisions/{body['reference']}/adopt", None, role)
    assert response.status_code == 200, response.json()


def given_closed(api: TestClient, year: int) -> None:
    given_adopted(api, proposal(JAARREKENING, kind="jaarrekening", years=(year, year)))
    response = post(
        api, f"/api/v1/fiscal-years/{year}/close", {"decision": JAARREKENING}, "finance"
    )
    assert response.status_code == 200, response.json()


def given(api: TestClient, path: str, body: Body, role: str = "finance") -> Body:
    response = post(api, path, body, role)
    assert response.status_code in (200, 201), response.json()
    answer: Body = response.json()
    return answer


# -- who may: every command needs a token, and the right role --------------------------

# One valid request per command endpoint and the role that may send it. Authorisation
# comes before any business rule, so an empty ledger serves.
COMMANDS: list[tuple[str, Body, str]] = [
    ("/api/v1/decisions", proposal("raad-2026-11-auth"), "griffie"),
    (
        "/api/v1/budget/establishments",
        {"key": line(2026, "0.1"), "amount": "10.00", "decision": "d"},
        "finance",
    ),
    (
        "/api/v1/budget/amendments",
        {"key": line(2026, "0.1"), "delta": "10.00", "decision": "d"},
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
        {"key": line(2026, "0.1"), "amount": "1.00", "status": "voorlopig"},
        "finance",
    ),
    (
        "/api/v1/realisations/corrections",
        {
            "key": line(2026, "0.1"),
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
            "allocations": [{"key": line(2026, "0.1"), "amount": "1"}],
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


def test_a_body_that_is_not_json_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = _post_broken_json(demo_api)

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "malformed-body"
    assert log_size(demo_ledger) == before


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


# -- decisions: propose ----------------------------------------------------------------


def test_the_griffie_proposes_a_raad_decision(api: TestClient, ledger: Ledger) -> None:
    # given an empty ledger
    reference = "raad-2026-11-12-begrotingswijziging-3"

    # when
    response = post(api, "/api/v1/decisions", proposal(reference, years=(2026, 2027)), "griffie")

    # then
    decision = Decision.id_for(reference)
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.headers["Location"] == f"/api/v1/decisions/{reference}"
    assert response.headers["ETag"] == '"1"'
    assert response.json() == result({"decision": decision}, {"decision": 1}, 1)
    assert events_after(api, 0) == [
        event(
            1,
            "Decision.Proposed",
            decision,
            1,
            "2026..2027",
            actor="demo griffie",
            decision=reference,
        )
    ]


def test_finance_proposes_a_college_decision_under_the_raads_mandate(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    reference = "college-2026-11-verschuiving-wijkaanpak"

    response = post(
        demo_api,
        "/api/v1/decisions",
        proposal(reference, body="college", years=(2020, 2020), mandate=MANDAAT),
        "finance",
    )

    decision = Decision.id_for(reference)
    assert response.status_code == 201
    assert response.json() == result({"decision": decision}, {"decision": 1}, DEMO_EVENTS + 1)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(DEMO_EVENTS + 1, "Decision.Proposed", decision, 1, "2020", decision=reference)
    ]
    assert payloads_after(demo_api, DEMO_EVENTS)[0]["mandate_id"] == {
        "_type_": "uuid_hex",
        "_data_": Decision.id_for(MANDAAT).hex,
    }


def test_a_second_proposal_with_the_same_reference_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/decisions", proposal(ZOMERNOTA), "griffie")

    detail = f"decision {ZOMERNOTA!r} already exists"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/decisions", "reference"),
        demo_ledger,
        before,
    )


def test_a_proposal_naming_an_unknown_mandate_is_refused(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)
    body = proposal("college-x", body="college", mandate="raad-geen-mandaat")

    response = post(api, "/api/v1/decisions", body, "finance")

    detail = "mandate 'raad-geen-mandaat' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/decisions", "mandate"),
        ledger,
        before,
    )


def test_only_a_mandate_has_a_scope(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)
    scope = {"kinds": ["transfer"], "period": {"first_year": 2026, "last_year": 2026}}

    response = post(api, "/api/v1/decisions", proposal("raad-x", mandate_scope=scope), "griffie")

    detail = "only a mandate has a scope"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/decisions", "mandate_scope"),
        ledger,
        before,
    )


BACKWARDS = "a period cannot end before it starts"


def _propose_a_mandate_with_a_backward_scope(api: TestClient) -> Response:
    scope = {"kinds": ["transfer"], "period": {"first_year": 2021, "last_year": 2020}}
    body = proposal("raad-mandaat-x", kind="mandate", years=(2020, 2021), mandate_scope=scope)
    return post(api, "/api/v1/decisions", body, "griffie")


def test_a_mandate_whose_scope_ends_before_it_starts_is_refused(
    api: TestClient, ledger: Ledger
) -> None:
    before = log_size(ledger)

    response = _propose_a_mandate_with_a_backward_scope(api)

    assert_refused_but_for_errors(
        response, problem(422, "invalid-input", BACKWARDS, "/api/v1/decisions"), ledger, before
    )


def test_a_backward_scope_points_at_the_scopes_period(api: TestClient) -> None:
    response = _propose_a_mandate_with_a_backward_scope(api)

    assert response.json()["errors"] == [
        in_body("mandate_scope.period", BACKWARDS, "invalid-input")
    ]


def test_a_reference_that_is_no_slug_is_refused(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions", proposal("raad 2026 november"), "griffie")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: reference",
            "/api/v1/decisions",
            in_body(
                "reference",
                "String should match pattern '^[A-Za-z0-9][A-Za-z0-9._:-]*$'",
                "string_pattern_mismatch",
            ),
        ),
        ledger,
        before,
    )


# -- decisions: adopt, reject, withdraw; If-Match --------------------------------------


def test_a_decision_read_at_version_1_is_adopted_with_if_match_1(
    api: TestClient, ledger: Ledger
) -> None:
    # given a proposal, read with its ETag
    reference = "raad-2026-11-12-begrotingswijziging-3"
    given_proposed(api, proposal(reference))
    read = api.get(f"/api/v1/decisions/{reference}", headers=bearer("auditor"))
    assert read.headers["ETag"] == '"1"'

    # when it is adopted on that version
    response = post(
        api, f"/api/v1/decisions/{reference}/adopt", None, "griffie", **{"If-Match": '"1"'}
    )

    # then
    decision = Decision.id_for(reference)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result({"decision": decision}, {"decision": 2}, 2)
    assert events_after(api, 1) == [
        event(2, "Decision.Adopted", decision, 2, "2019", actor="demo griffie")
    ]
    reread = api.get(f"/api/v1/decisions/{reference}", headers=bearer("auditor"))
    assert reread.headers["ETag"] == '"2"'
    assert reread.json()["rows"][0]["status"] == "adopted"


@pytest.mark.parametrize("if_match", ["*", 'W/"1"', "1"])
def test_if_match_takes_a_weak_tag_a_bare_version_or_any(
    api: TestClient, ledger: Ledger, if_match: str
) -> None:
    given_proposed(api, proposal("raad-x"))

    response = post(
        api, "/api/v1/decisions/raad-x/adopt", None, "griffie", **{"If-Match": if_match}
    )

    assert response.status_code == 200
    assert response.json()["versions"] == {"decision": 2}


def test_adopting_on_a_stale_version_is_refused(api: TestClient, ledger: Ledger) -> None:
    # given a proposal at version 1, and a client that believes it is at version 3
    given_proposed(api, proposal("raad-x"))
    before = log_size(ledger)

    # when
    response = post(api, "/api/v1/decisions/raad-x/adopt", None, "griffie", **{"If-Match": '"3"'})

    # then
    detail = "the record is at version 1, not 3: it changed since it was read; read it again"
    assert_refused(
        response,
        problem(
            409,
            "stale-version",
            detail,
            "/api/v1/decisions/raad-x/adopt",
            in_header("If-Match", detail, "stale-version"),
        ),
        ledger,
        before,
    )


def test_amending_a_line_that_moved_on_since_it_was_read_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given the line read at version 2, then amended by someone else
    line_path = f"/api/v1/budget/lines/{line_id(key_of(JEUGD_2019)).hex}"
    read = demo_api.get(line_path, headers=bearer("auditor"))
    assert read.headers["ETag"] == '"2"'
    amendment = {"key": JEUGD_2019, "delta": "1000.00", "decision": ZOMERNOTA}
    given(demo_api, "/api/v1/budget/amendments", amendment)
    before = log_size(demo_ledger)

    # when the reader amends on what it read
    response = post(
        demo_api, "/api/v1/budget/amendments", amendment, "finance", **{"If-Match": '"2"'}
    )

    # then
    detail = "the record is at version 3, not 2: it changed since it was read; read it again"
    assert_refused(
        response,
        problem(
            409,
            "stale-version",
            detail,
            "/api/v1/budget/amendments",
            in_header("If-Match", detail, "stale-version"),
        ),
        demo_ledger,
        before,
    )


@pytest.mark.parametrize("if_match", ["version-1", '"-1"', '"1234567890"', '"1", "2"'])
def test_a_malformed_if_match_is_refused(api: TestClient, ledger: Ledger, if_match: str) -> None:
    given_proposed(api, proposal("raad-x"))
    before = log_size(ledger)

    response = post(
        api, "/api/v1/decisions/raad-x/adopt", None, "griffie", **{"If-Match": if_match}
    )

    detail = 'If-Match is a version as its ETag gave it, such as "3"'
    assert_refused(
        response,
        problem(
            422,
            "invalid-if-match",
            detail,
            "/api/v1/decisions/raad-x/adopt",
            in_header("If-Match", detail, "invalid-if-match"),
        ),
        ledger,
        before,
    )


def _adopt_again(api: TestClient) -> Response:
    return post(api, "/api/v1/decisions/raad-x/adopt", None, "griffie")


ADOPTED_TWICE = "cannot adopt decision 'raad-x': it is adopted"


def test_adopting_an_adopted_decision_is_refused(api: TestClient, ledger: Ledger) -> None:
    given_adopted(api, proposal("raad-x"))
    before = log_size(ledger)

    response = _adopt_again(api)

    assert_refused_but_for_errors(
        response,
        problem(409, "decision-state", ADOPTED_TWICE, "/api/v1/decisions/raad-x/adopt"),
        ledger,
        before,
    )


def test_a_refused_adoption_points_at_the_decision_in_the_path(api: TestClient) -> None:
    given_adopted(api, proposal("raad-x"))

    response = _adopt_again(api)

    assert response.json()["errors"] == [in_path("decision", ADOPTED_TWICE, "decision-state")]


def test_adopting_an_unknown_decision_is_not_found(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions/raad-onbekend/adopt", None, "griffie")

    assert_refused(
        response,
        problem(
            404,
            "not-found",
            "decision 'raad-onbekend' does not exist",
            "/api/v1/decisions/raad-onbekend/adopt",
        ),
        ledger,
        before,
    )


def test_an_adoption_may_say_when_it_was_decided_but_not_in_the_future(
    api: TestClient, ledger: Ledger
) -> None:
    given_proposed(api, proposal("raad-x"))
    before = log_size(ledger)

    response = post(
        api, "/api/v1/decisions/raad-x/adopt", {"known_at": "2026-11-24T09:00:00Z"}, "griffie"
    )

    detail = "known_at cannot lie after recorded_at (the future)"
    assert_refused(
        response,
        rule_broken(422, "invalid-time", detail, "/api/v1/decisions/raad-x/adopt", "known_at"),
        ledger,
        before,
    )


def test_an_adoption_dated_in_the_past_records_that_moment(api: TestClient, ledger: Ledger) -> None:
    given_proposed(api, proposal("raad-x"))

    response = post(
        api,
        "/api/v1/decisions/raad-x/adopt",
        {"known_at": "2026-11-12T21:30:00+01:00", "source_document": "Besluitenlijst raad"},
        "griffie",
    )

    assert response.status_code == 200
    assert events_after(api, 1) == [
        {
            **event(
                2,
                "Decision.Adopted",
                Decision.id_for("raad-x"),
                2,
                "2019",
                actor="demo griffie",
                source="Besluitenlijst raad",
            ),
            "known_at": "2026-11-12T20:30:00+00:00",
        }
    ]


def test_an_adoption_body_naming_an_actor_is_refused(api: TestClient, ledger: Ledger) -> None:
    given_proposed(api, proposal("raad-x"))
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions/raad-x/adopt", {"actor": "de burgemeester"}, "griffie")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: actor",
            "/api/v1/decisions/raad-x/adopt",
            in_body("actor", "Extra inputs are not permitted", "extra_forbidden"),
        ),
        ledger,
        before,
    )


def test_the_griffie_rejects_a_raad_proposal(api: TestClient, ledger: Ledger) -> None:
    given_proposed(api, proposal("raad-x"))

    response = post(api, "/api/v1/decisions/raad-x/reject", None, "griffie")

    decision = Decision.id_for("raad-x")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result({"decision": decision}, {"decision": 2}, 2)
    assert events_after(api, 1) == [
        event(2, "Decision.Rejected", decision, 2, "2019", actor="demo griffie")
    ]


def test_an_adopted_decision_cannot_be_rejected(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, f"/api/v1/decisions/{ZOMERNOTA}/reject", None, "griffie")

    assert_refused_but_for_errors(
        response,
        problem(
            409,
            "decision-state",
            f"cannot reject decision {ZOMERNOTA!r}: it is adopted",
            f"/api/v1/decisions/{ZOMERNOTA}/reject",
        ),
        demo_ledger,
        before,
    )


def test_finance_withdraws_a_college_proposal(api: TestClient, ledger: Ledger) -> None:
    given_proposed(api, proposal("college-x", body="college"), role="finance")

    response = post(api, "/api/v1/decisions/college-x/withdraw", None, "finance")

    decision = Decision.id_for("college-x")
    assert response.status_code == 200
    assert response.json() == result({"decision": decision}, {"decision": 2}, 2)
    assert events_after(api, 1) == [event(2, "Decision.Withdrawn", decision, 2, "2019")]


def test_withdrawing_an_unknown_decision_is_not_found(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions/college-onbekend/withdraw", None, "finance")

    assert_refused(
        response,
        problem(
            404,
            "not-found",
            "decision 'college-onbekend' does not exist",
            "/api/v1/decisions/college-onbekend/withdraw",
        ),
        ledger,
        before,
    )


def test_a_decision_reference_longer_than_200_characters_is_refused(
    api: TestClient, ledger: Ledger
) -> None:
    before = log_size(ledger)
    path = f"/api/v1/decisions/{'r' * 201}/adopt"

    response = post(api, path, None, "griffie")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: decision",
            path,
            in_path("decision", "String should have at most 200 characters", "string_too_long"),
        ),
        ledger,
        before,
    )


# -- budget: establish ----------------------------------------------------------------


def test_finance_establishes_a_new_lines_budget(demo_api: TestClient, demo_ledger: Ledger) -> None:
    key = line(2019, "6.1")

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"key": key, "amount": "125000.50", "decision": ZOMERNOTA},
        "finance",
    )

    budget_line = line_id(key_of(key))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result({"line": budget_line}, {"line": 2}, DEMO_EVENTS + 2)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(DEMO_EVENTS + 1, "BudgetLine.Opened", budget_line, 1, "2019"),
        event(
            DEMO_EVENTS + 2, "BudgetLine.Established", budget_line, 2, "2019", decision=ZOMERNOTA
        ),
    ]
    assert payloads_after(demo_api, DEMO_EVENTS)[1]["amount"] == {
        "_type_": "money",
        "_data_": "125000.50",
    }


def test_a_line_that_has_a_budget_is_amended_not_established_again(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"key": JEUGD_2019, "amount": "1.00", "decision": ZOMERNOTA},
        "finance",
    )

    detail = f"line {label(JEUGD_2019)} already has a budget; amend it instead"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/budget/establishments", "key"),
        demo_ledger,
        before,
    )


def test_a_budget_naming_an_unknown_decision_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"key": line(2019, "6.1"), "amount": "1.00", "decision": "raad-nooit-genomen"},
        "finance",
    )

    detail = "decision 'raad-nooit-genomen' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/budget/establishments", "decision"),
        demo_ledger,
        before,
    )


def test_a_budget_on_a_decision_not_yet_adopted_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_proposed(demo_api, proposal("raad-2026-11-voorstel"))
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"key": line(2019, "6.1"), "amount": "1.00", "decision": "raad-2026-11-voorstel"},
        "finance",
    )

    detail = (
        "decision 'raad-2026-11-voorstel' is proposed; "
        "a change takes effect only through an adopted decision"
    )
    assert_refused(
        response,
        rule_broken(409, "unauthorised", detail, "/api/v1/budget/establishments", "decision"),
        demo_ledger,
        before,
    )


def test_a_negative_budget_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"key": line(2019, "6.1"), "amount": "-1.00", "decision": ZOMERNOTA},
        "finance",
    )

    detail = "a budget cannot be negative"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/budget/establishments", "amount"),
        demo_ledger,
        before,
    )


AMOUNT_FORMAT = (
    "an amount is a string of ASCII digits with an optional leading minus and at most two "
    'decimals after a point, below 10^15 euros, such as "1234.56" or "-150000"'
)


@pytest.mark.parametrize(
    ("amount", "detail"),
    [
        (1234.5, f"{AMOUNT_FORMAT}, not a JSON number"),
        (10, f"{AMOUNT_FORMAT}, not a JSON number"),
        (True, f"{AMOUNT_FORMAT}, not a JSON boolean"),
        ("1234.567", AMOUNT_FORMAT),
        ("NaN", AMOUNT_FORMAT),
        ("1000000000000000.00", AMOUNT_FORMAT),
        ("\uff11\uff10", AMOUNT_FORMAT),
        ("1_000", AMOUNT_FORMAT),
        ("+5", AMOUNT_FORMAT),
        (".5", AMOUNT_FORMAT),
        ("1E+2", AMOUNT_FORMAT),
        ("10\n", AMOUNT_FORMAT),
        (" 10", AMOUNT_FORMAT),
    ],
    ids=[
        "float",
        "integer",
        "boolean",
        "third-decimal",
        "nan",
        "beyond-a-budget",
        "fullwidth-digits",
        "underscore",
        "plus",
        "no-units",
        "exponent",
        "line-break",
        "space",
    ],
)
def test_an_amount_that_is_not_exact_euros_and_cents_is_refused(
    demo_api: TestClient, demo_ledger: Ledger, amount: object, detail: str
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"key": line(2019, "6.1"), "amount": amount, "decision": ZOMERNOTA},
        "finance",
    )

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: amount",
            "/api/v1/budget/establishments",
            in_body("amount", detail, "invalid-amount"),
        ),
        demo_ledger,
        before,
    )


@pytest.mark.parametrize(("year", "taakveld"), [(2019, "6.71a"), (2023, "6.71"), (2025, "6.72a")])
def test_a_taakveld_unknown_in_the_lines_year_is_refused(
    demo_api: TestClient, demo_ledger: Ledger, year: int, taakveld: str
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"key": line(year, taakveld), "amount": "1.00", "decision": INTERVENTIEPLAN},
        "finance",
    )

    detail = f"taakveld {taakveld!r} does not exist in the catalogue of fiscal year {year}"
    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: key.taakveld",
            "/api/v1/budget/establishments",
            in_body("key.taakveld", detail, "value_error"),
        ),
        demo_ledger,
        before,
    )


NO_TAAKVELD = "a budget line needs a taakveld"


def _establish_without_taakveld(api: TestClient) -> Response:
    body = {"key": line(2019, None), "amount": "1.00", "decision": ZOMERNOTA}
    return post(api, "/api/v1/budget/establishments", body, "finance")


def test_a_budget_line_without_a_taakveld_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = _establish_without_taakveld(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(422, "invalid-input", NO_TAAKVELD, "/api/v1/budget/establishments"),
        demo_ledger,
        before,
    )


def test_a_missing_taakveld_points_into_the_key(demo_api: TestClient) -> None:
    response = _establish_without_taakveld(demo_api)

    assert response.json()["errors"] == [in_body("key.taakveld", NO_TAAKVELD, "invalid-input")]


def test_a_malformed_known_at_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = {
        "key": line(2019, "6.1"),
        "amount": "1.00",
        "decision": ZOMERNOTA,
        "known_at": "2019-13-01",
    }

    response = post(demo_api, "/api/v1/budget/establishments", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: known_at",
            "/api/v1/budget/establishments",
            in_body(
                "known_at",
                "Input should be a valid datetime or date, month value is outside expected "
                "range of 1-12",
                "datetime_from_date_parsing",
            ),
        ),
        demo_ledger,
        before,
    )


def test_a_known_at_without_a_time_zone_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "key": line(2019, "6.1"),
        "amount": "1.00",
        "decision": ZOMERNOTA,
        "known_at": "2019-08-01T12:00:00",
    }

    response = post(demo_api, "/api/v1/budget/establishments", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: known_at",
            "/api/v1/budget/establishments",
            in_body("known_at", "Input should have timezone info", "timezone_aware"),
        ),
        demo_ledger,
        before,
    )


# -- budget: amend ---------------------------------------------------------------------


def test_finance_amends_a_line(demo_api: TestClient, demo_ledger: Ledger) -> None:
    response = post(
        demo_api,
        "/api/v1/budget/amendments",
        {"key": JEUGD_2019, "delta": "-300000.00", "decision": ZOMERNOTA},
        "finance",
    )

    budget_line = line_id(key_of(JEUGD_2019))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"3"'
    assert response.json() == result({"line": budget_line}, {"line": 3}, DEMO_EVENTS + 1)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(DEMO_EVENTS + 1, "BudgetLine.Amended", budget_line, 3, "2019", decision=ZOMERNOTA)
    ]
    assert payloads_after(demo_api, DEMO_EVENTS)[0]["amount"] == {
        "_type_": "money",
        "_data_": "-300000.00",
    }


def test_amending_with_the_lines_current_version_succeeds(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(
        demo_api,
        "/api/v1/budget/amendments",
        {"key": JEUGD_2019, "delta": "1.00", "decision": ZOMERNOTA},
        "finance",
        **{"If-Match": '"2"'},
    )

    assert response.status_code == 200
    assert response.headers["ETag"] == '"3"'


CUT_TOO_DEEP = f"line {label(JEUGD_2019)} holds 2300000.00; it cannot give 2300000.01"


def _cut_too_deep(api: TestClient) -> Response:
    body = {"key": JEUGD_2019, "delta": "-2300000.01", "decision": ZOMERNOTA}
    return post(api, "/api/v1/budget/amendments", body, "finance")


def test_an_amendment_taking_a_line_below_zero_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = _cut_too_deep(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(409, "insufficient-budget", CUT_TOO_DEEP, "/api/v1/budget/amendments"),
        demo_ledger,
        before,
    )


def test_an_amendment_below_zero_points_at_its_delta(demo_api: TestClient) -> None:
    response = _cut_too_deep(demo_api)

    assert response.json()["errors"] == [in_body("delta", CUT_TOO_DEEP, "insufficient-budget")]


def test_an_amendment_of_nothing_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/amendments",
        {"key": JEUGD_2019, "delta": "0.00", "decision": ZOMERNOTA},
        "finance",
    )

    assert_refused_but_for_errors(
        response,
        problem(
            422, "invalid-input", "an amendment changes the amount", "/api/v1/budget/amendments"
        ),
        demo_ledger,
        before,
    )


def test_a_mandate_that_covers_no_amendments_authorises_none(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given a college decision under the mandate (transfers and carry-overs only)
    college = proposal("college-x", body="college", years=(2020, 2020), mandate=MANDAAT)
    given_adopted(demo_api, college, role="finance")
    before = log_size(demo_ledger)

    # when it is used to amend a line of the fund
    response = post(
        demo_api,
        "/api/v1/budget/amendments",
        {"key": fund_line(2020, 2), "delta": "1000.00", "decision": "college-x"},
        "finance",
    )

    # then
    detail = f"mandate {MANDAAT!r} does not cover a amend on fund {FUND!r} in 2020"
    assert_refused(
        response,
        rule_broken(409, "unauthorised", detail, "/api/v1/budget/amendments", "decision"),
        demo_ledger,
        before,
    )


CLOSED_2019 = "fiscal year 2019 is closed; a late result goes to the next open year"


def _amend_in_2019(api: TestClient) -> Response:
    body = {"key": JEUGD_2019, "delta": "1.00", "decision": ZOMERNOTA}
    return post(api, "/api/v1/budget/amendments", body, "finance")


def test_an_amendment_in_a_closed_year_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)

    response = _amend_in_2019(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(409, "fiscal-year-closed", CLOSED_2019, "/api/v1/budget/amendments"),
        demo_ledger,
        before,
    )


def test_a_closed_year_points_at_the_lines_fiscal_year(demo_api: TestClient) -> None:
    given_closed(demo_api, 2019)

    response = _amend_in_2019(demo_api)

    assert response.json()["errors"] == [
        in_body("key.fiscal_year", CLOSED_2019, "fiscal-year-closed")
    ]


# -- budget: transfer ------------------------------------------------------------------


def test_finance_transfers_budget_to_a_new_line(demo_api: TestClient, demo_ledger: Ledger) -> None:
    target = line(2019, "6.71")

    response = post(
        demo_api,
        "/api/v1/budget/transfers",
        {"source": JEUGD_2019, "target": target, "amount": "1000.00", "decision": ZOMERNOTA},
        "finance",
    )

    giver, taker = line_id(key_of(JEUGD_2019)), line_id(key_of(target))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"3"'
    assert response.json() == result(
        {"source": giver, "target": taker}, {"source": 3, "target": 2}, DEMO_EVENTS + 3
    )
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(DEMO_EVENTS + 1, "BudgetLine.TransferredOut", giver, 3, "2019", decision=ZOMERNOTA),
        event(DEMO_EVENTS + 2, "BudgetLine.Opened", taker, 1, "2019"),
        event(DEMO_EVENTS + 3, "BudgetLine.TransferredIn", taker, 2, "2019", decision=ZOMERNOTA),
    ]
    transferred_out, _, transferred_in = payloads_after(demo_api, DEMO_EVENTS)
    assert transferred_out["to_line"] == {"_type_": "uuid_hex", "_data_": taker.hex}
    assert transferred_in["from_line"] == {"_type_": "uuid_hex", "_data_": giver.hex}
    assert transferred_out["meta"]["_data_"]["actor"] == "demo finance"


def test_the_college_transfers_within_the_fund_under_the_mandate(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    college = proposal("college-x", body="college", years=(2020, 2020), mandate=MANDAAT)
    given_adopted(demo_api, college, role="finance")
    before = log_size(demo_ledger)
    source, target = fund_line(2020, 2), fund_line(2020, 9)

    response = post(
        demo_api,
        "/api/v1/budget/transfers",
        {"source": source, "target": target, "amount": "1000.00", "decision": "college-x"},
        "finance",
    )

    giver, taker = line_id(key_of(source)), line_id(key_of(target))
    assert response.status_code == 200
    assert response.json() == result(
        {"source": giver, "target": taker}, {"source": 4, "target": 3}, before + 2
    )
    assert events_after(demo_api, before) == [
        event(before + 1, "BudgetLine.TransferredOut", giver, 4, "2020", decision="college-x"),
        event(before + 2, "BudgetLine.TransferredIn", taker, 3, "2020", decision="college-x"),
    ]


def test_a_transfer_larger_than_the_line_is_refused_and_records_nothing(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": JEUGD_2019,
        "target": line(2019, "6.71"),
        "amount": "2300000.01",
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = f"line {label(JEUGD_2019)} holds 2300000.00; it cannot give 2300000.01"
    assert_refused(
        response,
        rule_broken(409, "insufficient-budget", detail, "/api/v1/budget/transfers", "amount"),
        demo_ledger,
        before,
    )


def test_a_transfer_between_years_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": JEUGD_2019,
        "target": line(2020, "6.72"),
        "amount": "1.00",
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = "a transfer stays within one fiscal year; carry over to move between years"
    assert_refused(
        response,
        rule_broken(
            409, "invalid-transfer", detail, "/api/v1/budget/transfers", "target.fiscal_year"
        ),
        demo_ledger,
        before,
    )


def test_a_transfer_to_its_own_line_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = {"source": JEUGD_2019, "target": JEUGD_2019, "amount": "1.00", "decision": ZOMERNOTA}

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = "a transfer needs two different lines"
    assert_refused(
        response,
        rule_broken(409, "invalid-transfer", detail, "/api/v1/budget/transfers", "target"),
        demo_ledger,
        before,
    )


def test_a_transfer_from_a_line_that_does_not_exist_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    source = line(2019, "6.3")
    body = {"source": source, "target": JEUGD_2019, "amount": "1.00", "decision": ZOMERNOTA}

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = f"line {label(source)} does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/budget/transfers", "source"),
        demo_ledger,
        before,
    )


def test_a_transfer_between_funds_needs_the_raad(demo_api: TestClient, demo_ledger: Ledger) -> None:
    college = proposal("college-x", body="college", years=(2020, 2020), mandate=MANDAAT)
    given_adopted(demo_api, college, role="finance")
    before = log_size(demo_ledger)
    body = {
        "source": fund_line(2020, 2),
        "target": line(2020, "6.71"),
        "amount": "1.00",
        "decision": "college-x",
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = "a transfer between funds needs a decision of the raad"
    assert_refused(
        response,
        rule_broken(409, "unauthorised", detail, "/api/v1/budget/transfers", "decision"),
        demo_ledger,
        before,
    )


def test_a_transfer_on_a_stale_source_version_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": JEUGD_2019,
        "target": line(2019, "6.71"),
        "amount": "1.00",
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance", **{"If-Match": '"1"'})

    detail = "the record is at version 2, not 1: it changed since it was read; read it again"
    assert_refused(
        response,
        problem(
            409,
            "stale-version",
            detail,
            "/api/v1/budget/transfers",
            in_header("If-Match", detail, "stale-version"),
        ),
        demo_ledger,
        before,
    )


def test_a_transfer_naming_an_unknown_taakveld_and_three_decimals_is_refused_on_both(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": JEUGD_2019,
        "target": line(2019, "6.71b"),
        "amount": "1.005",
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: amount, target.taakveld",
            "/api/v1/budget/transfers",
            in_body(
                "target.taakveld",
                "taakveld '6.71b' does not exist in the catalogue of fiscal year 2019",
                "value_error",
            ),
            in_body("amount", AMOUNT_FORMAT, "invalid-amount"),
        ),
        demo_ledger,
        before,
    )


# -- budget: carry over ----------------------------------------------------------------


def test_finance_carries_unspent_budget_over_through_a_reserve(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    source, target = fund_line(2019, 4), fund_line(2020, 4)

    response = post(
        demo_api,
        "/api/v1/budget/carry-overs",
        {
            "source": source,
            "target": target,
            "amount": "1000.00",
            "reserve": WMO_JEUGD,
            "decision": SLOTWIJZIGING,
        },
        "finance",
    )

    giver, taker = line_id(key_of(source)), line_id(key_of(target))
    store = Reserve.id_for(WMO_JEUGD)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"4"'
    assert response.json() == result(
        {"source": giver, "target": taker, "reserve": store},
        {"source": 4, "target": 3, "reserve": 13},
        DEMO_EVENTS + 4,
    )
    slot = SLOTWIJZIGING
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(DEMO_EVENTS + 1, "BudgetLine.CarriedOver", giver, 4, "2019", decision=slot),
        event(DEMO_EVENTS + 2, "Reserve.Deposited", store, 12, "2019", decision=slot),
        event(DEMO_EVENTS + 3, "Reserve.Withdrawn", store, 13, "2020", decision=slot),
        event(DEMO_EVENTS + 4, "BudgetLine.CarriedIn", taker, 3, "2020", decision=slot),
    ]


def test_a_carry_over_goes_to_a_later_year(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": fund_line(2019, 4),
        "target": fund_line(2019, 2),
        "amount": "1.00",
        "reserve": WMO_JEUGD,
        "decision": SLOTWIJZIGING,
    }

    response = post(demo_api, "/api/v1/budget/carry-overs", body, "finance")

    detail = "a carry-over goes to a later fiscal year"
    assert_refused(
        response,
        rule_broken(
            409, "invalid-transfer", detail, "/api/v1/budget/carry-overs", "target.fiscal_year"
        ),
        demo_ledger,
        before,
    )


def test_a_carry_over_through_an_unknown_reserve_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": fund_line(2019, 4),
        "target": fund_line(2020, 4),
        "amount": "1.00",
        "reserve": "F999",
        "decision": SLOTWIJZIGING,
    }

    response = post(demo_api, "/api/v1/budget/carry-overs", body, "finance")

    detail = "reserve 'F999' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/budget/carry-overs", "reserve"),
        demo_ledger,
        before,
    )


def test_a_carry_over_of_more_than_is_unspent_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    source = fund_line(2019, 4)  # 150,000 allocated, 80,000 carried over already
    body = {
        "source": source,
        "target": fund_line(2020, 4),
        "amount": "70000.01",
        "reserve": WMO_JEUGD,
        "decision": SLOTWIJZIGING,
    }

    response = post(demo_api, "/api/v1/budget/carry-overs", body, "finance")

    detail = f"line {label(source)} holds 70000.00; it cannot give 70000.01"
    assert_refused(
        response,
        rule_broken(409, "insufficient-budget", detail, "/api/v1/budget/carry-overs", "amount"),
        demo_ledger,
        before,
    )


# -- taakstellingen --------------------------------------------------------------------


def taakstelling(reference: str, **more: Any) -> Body:
    return {
        "reference": reference,
        "label": "Extra besparing wijkteams",
        "interventie": 2,
        "programma": WWZ,
        "taakveld": "6.71",
        "origin": "Najaarsnota 2019",
        "amounts": {"2020": "1000.00", "2021": "2000.00"},
        "decision": INTERVENTIEPLAN,
        **more,
    }


def test_finance_imposes_a_taakstelling(demo_api: TestClient, demo_ledger: Ledger) -> None:
    response = post(demo_api, "/api/v1/taakstellingen", taakstelling("extra-besparing"), "finance")

    imposed = Taakstelling.id_for("extra-besparing")
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/taakstellingen/extra-besparing"
    assert response.headers["ETag"] == '"1"'
    assert response.json() == result({"taakstelling": imposed}, {"taakstelling": 1}, 142)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(
            DEMO_EVENTS + 1,
            "Taakstelling.Imposed",
            imposed,
            1,
            "2020..2021",
            decision=INTERVENTIEPLAN,
        )
    ]


def test_a_risk_is_listed_on_its_source_document_alone(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = taakstelling("risico-x", kind="risico", decision=None, source_document="BZK-brief 2019")

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    risk = Taakstelling.id_for("risico-x")
    assert response.status_code == 201
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(
            DEMO_EVENTS + 1,
            "Taakstelling.Imposed",
            risk,
            1,
            "2020..2021",
            source="BZK-brief 2019",
        )
    ]


def test_a_taakstelling_reference_is_used_once(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/taakstellingen", taakstelling("ca-premie-caz"), "finance")

    detail = "taakstelling 'ca-premie-caz' already exists"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/taakstellingen", "reference"),
        demo_ledger,
        before,
    )


def test_a_taakstelling_on_a_taakveld_gone_in_one_of_its_years_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = taakstelling("x", amounts={"2022": "1.00", "2023": "1.00"})

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    detail = "taakveld '6.71' does not exist in the catalogue of fiscal year 2023"
    assert_refused(
        response,
        rule_broken(422, "unknown-taakveld", detail, "/api/v1/taakstellingen", "taakveld"),
        demo_ledger,
        before,
    )


def test_a_taakstelling_is_a_positive_saving(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = taakstelling("x", amounts={"2020": "-5.00"})

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    detail = "a taakstelling is a positive saving"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/taakstellingen", "amounts.2020"),
        demo_ledger,
        before,
    )


def test_a_target_without_a_decision_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = taakstelling("x", decision=None, source_document="Coalitieakkoord")

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    detail = "a taakstelling is imposed by an adopted decision"
    assert_refused(
        response,
        rule_broken(409, "taakstelling", detail, "/api/v1/taakstellingen", "decision"),
        demo_ledger,
        before,
    )


def test_a_taakstelling_naming_neither_decision_nor_source_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/taakstellingen", taakstelling("x", decision=None), "finance")

    detail = "every change names its decision or source document"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/taakstellingen", "source_document"),
        demo_ledger,
        before,
    )


def test_an_interventie_beyond_any_integer_column_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/taakstellingen", taakstelling("x", interventie=2**70), "finance"
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "invalid-input"
    assert [error["pointer"] for error in response.json()["errors"]] == ["#/interventie"]
    assert log_size(demo_ledger) == before


def test_finance_adjusts_a_taakstelling_for_one_year(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(
        demo_api,
        "/api/v1/taakstellingen/ca-premie-caz/adjustments",
        {"fiscal_year": 2021, "delta": "-90000.00", "decision": INTERVENTIEPLAN},
        "finance",
    )

    adjusted = Taakstelling.id_for("ca-premie-caz")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"3"'
    assert response.json() == result({"taakstelling": adjusted}, {"taakstelling": 3}, 142)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(
            DEMO_EVENTS + 1,
            "Taakstelling.Adjusted",
            adjusted,
            3,
            "2021",
            decision=INTERVENTIEPLAN,
        )
    ]


def test_adjusting_an_unknown_taakstelling_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/taakstellingen/onbekend/adjustments"

    response = post(
        demo_api,
        path,
        {"fiscal_year": 2021, "delta": "1.00", "decision": INTERVENTIEPLAN},
        "finance",
    )

    assert_refused(
        response,
        problem(404, "not-found", "taakstelling 'onbekend' does not exist", path),
        demo_ledger,
        before,
    )


ADJUSTED_BELOW_ZERO = "'ca-premie-caz' holds 790000.00 for 2021; it cannot fall by 790000.01"


def _adjust_below_zero(api: TestClient) -> Response:
    body = {"fiscal_year": 2021, "delta": "-790000.01", "decision": INTERVENTIEPLAN}
    return post(api, "/api/v1/taakstellingen/ca-premie-caz/adjustments", body, "finance")


def test_an_adjustment_below_zero_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = _adjust_below_zero(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(
            409,
            "taakstelling",
            ADJUSTED_BELOW_ZERO,
            "/api/v1/taakstellingen/ca-premie-caz/adjustments",
        ),
        demo_ledger,
        before,
    )


def test_an_adjustment_below_zero_points_at_its_delta(demo_api: TestClient) -> None:
    response = _adjust_below_zero(demo_api)

    assert response.json()["errors"] == [in_body("delta", ADJUSTED_BELOW_ZERO, "taakstelling")]


TAAKVELD_GONE = "taakveld '6.71' does not exist in the catalogue of fiscal year 2023"
BESPARING = "ca-taakstellende-besparing-zorg-welzijn"  # on taakveld 6.71, 2020..2022


def _adjust_in_a_year_without_the_taakveld(api: TestClient) -> Response:
    body = {"fiscal_year": 2023, "delta": "1.00", "decision": INTERVENTIEPLAN}
    return post(api, f"/api/v1/taakstellingen/{BESPARING}/adjustments", body, "finance")


def test_an_adjustment_in_a_year_whose_catalogue_lacks_the_taakveld_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = _adjust_in_a_year_without_the_taakveld(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(
            422,
            "unknown-taakveld",
            TAAKVELD_GONE,
            f"/api/v1/taakstellingen/{BESPARING}/adjustments",
        ),
        demo_ledger,
        before,
    )


def test_an_adjustment_in_a_year_without_the_taakveld_points_at_the_year(
    demo_api: TestClient,
) -> None:
    response = _adjust_in_a_year_without_the_taakveld(demo_api)

    assert response.json()["errors"] == [in_body("fiscal_year", TAAKVELD_GONE, "unknown-taakveld")]


def test_finance_shifts_part_of_a_taakstelling_to_another(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(
        demo_api,
        "/api/v1/taakstellingen/shifts",
        {
            "source": "ca-meerwerk-werkbedrijf",
            "target": "ca-bijzondere-bijstand-tweedehands",
            "fiscal_year": 2021,
            "amount": "100000.00",
            "decision": INTERVENTIEPLAN,
        },
        "finance",
    )

    giver = Taakstelling.id_for("ca-meerwerk-werkbedrijf")
    taker = Taakstelling.id_for("ca-bijzondere-bijstand-tweedehands")
    assert response.status_code == 200
    assert response.json() == result(
        {"source": giver, "target": taker}, {"source": 2, "target": 2}, DEMO_EVENTS + 2
    )
    ivp = INTERVENTIEPLAN
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(DEMO_EVENTS + 1, "Taakstelling.ShiftedOut", giver, 2, "2021", decision=ivp),
        event(DEMO_EVENTS + 2, "Taakstelling.ShiftedIn", taker, 2, "2021", decision=ivp),
    ]


def test_a_shift_of_more_than_the_source_holds_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": "ca-meerwerk-werkbedrijf",
        "target": "ca-bijzondere-bijstand-tweedehands",
        "fiscal_year": 2021,
        "amount": "1200000.01",
        "decision": INTERVENTIEPLAN,
    }

    response = post(demo_api, "/api/v1/taakstellingen/shifts", body, "finance")

    detail = "'ca-meerwerk-werkbedrijf' holds 1200000.00 for 2021; it cannot shift 1200000.01"
    assert_refused(
        response,
        rule_broken(409, "taakstelling", detail, "/api/v1/taakstellingen/shifts", "amount"),
        demo_ledger,
        before,
    )


def test_a_shift_from_an_unknown_taakstelling_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": "onbekend",
        "target": "ca-bijzondere-bijstand-tweedehands",
        "fiscal_year": 2021,
        "amount": "1.00",
        "decision": INTERVENTIEPLAN,
    }

    response = post(demo_api, "/api/v1/taakstellingen/shifts", body, "finance")

    detail = "taakstelling 'onbekend' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/taakstellingen/shifts", "source"),
        demo_ledger,
        before,
    )


SHIFT_TO_ITSELF = "a taakstelling cannot shift to itself"


def _shift_to_itself(api: TestClient) -> Response:
    body = {
        "source": "ca-premie-caz",
        "target": "ca-premie-caz",
        "fiscal_year": 2021,
        "amount": "1.00",
        "decision": INTERVENTIEPLAN,
    }
    return post(api, "/api/v1/taakstellingen/shifts", body, "finance")


def test_a_shift_to_itself_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = _shift_to_itself(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(409, "taakstelling", SHIFT_TO_ITSELF, "/api/v1/taakstellingen/shifts"),
        demo_ledger,
        before,
    )


def test_a_shift_to_itself_points_at_its_target(demo_api: TestClient) -> None:
    response = _shift_to_itself(demo_api)

    assert response.json()["errors"] == [in_body("target", SHIFT_TO_ITSELF, "taakstelling")]


def test_finance_cancels_a_taakstelling_for_one_year(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(
        demo_api,
        "/api/v1/taakstellingen/ca-premie-caz/cancellations",
        {
            "fiscal_year": 2020,
            "coverage": "Meevallende ontvangsten BUIG",
            "decision": INTERVENTIEPLAN,
        },
        "finance",
    )

    cancelled = Taakstelling.id_for("ca-premie-caz")
    assert response.status_code == 200
    assert response.json() == result({"taakstelling": cancelled}, {"taakstelling": 3}, 142)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(
            DEMO_EVENTS + 1,
            "Taakstelling.YearCancelled",
            cancelled,
            3,
            "2020",
            decision=INTERVENTIEPLAN,
        )
    ]


def test_a_year_already_cancelled_has_nothing_to_cancel(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # the amendement of November 2018 cancelled ca-premie-caz for 2019
    before = log_size(demo_ledger)
    path = "/api/v1/taakstellingen/ca-premie-caz/cancellations"

    response = post(
        demo_api,
        path,
        {"fiscal_year": 2019, "coverage": "BUIG", "decision": INTERVENTIEPLAN},
        "finance",
    )

    detail = "'ca-premie-caz' has nothing to cancel in 2019"
    assert_refused(
        response,
        rule_broken(409, "taakstelling", detail, path, "fiscal_year"),
        demo_ledger,
        before,
    )


def test_cancelling_an_unknown_taakstelling_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/taakstellingen/onbekend/cancellations"

    response = post(
        demo_api,
        path,
        {"fiscal_year": 2020, "coverage": "BUIG", "decision": INTERVENTIEPLAN},
        "finance",
    )

    assert_refused(
        response,
        problem(404, "not-found", "taakstelling 'onbekend' does not exist", path),
        demo_ledger,
        before,
    )


# -- realisations ----------------------------------------------------------------------


def test_finance_reports_a_quarters_realisation(demo_api: TestClient, demo_ledger: Ledger) -> None:
    body = {
        "key": JEUGD_2019,
        "amount": "1234.56",
        "status": "voorlopig",
        "quarter": 2,
        "source_document": "Kwartaalrapportage 2019-Q2",
    }

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    reported = realisation_id(key_of(JEUGD_2019), 2)
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/realisations?fiscal_year=2019"
    assert response.json() == result({"realisation": reported}, {"realisation": 1}, 142)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(
            DEMO_EVENTS + 1,
            "Realisation.Reported",
            reported,
            1,
            "2019-Q2",
            source="Kwartaalrapportage 2019-Q2",
        )
    ]


def test_a_second_report_of_the_same_figure_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # the demo holds the stadsrekening 2018 figure of deelproduct 61296
    before = log_size(demo_ledger)
    key = {"fiscal_year": 2018, "programma": nijmegen.SOCIALE_STAD, "deelproduct": "61296"}
    body = {"key": key, "amount": "1.00", "status": "definitief", "source_document": "x"}

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    detail = f"a realisation for {label(key)} in that period exists; correct it instead"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/realisations", "key"),
        demo_ledger,
        before,
    )


def test_a_realisation_names_its_source_document(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/realisations",
        {"key": JEUGD_2019, "amount": "1.00", "status": "voorlopig"},
        "finance",
    )

    detail = "every change names its decision or source document"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/realisations", "source_document"),
        demo_ledger,
        before,
    )


@pytest.mark.parametrize(
    ("quarter", "detail", "code"),
    [
        (5, "Input should be less than or equal to 4", "less_than_equal"),
        ("2", "Input should be a valid integer", "int_type"),
    ],
)
def test_a_quarter_is_a_whole_number_from_1_to_4(
    demo_api: TestClient, demo_ledger: Ledger, quarter: object, detail: str, code: str
) -> None:
    before = log_size(demo_ledger)
    body = {
        "key": JEUGD_2019,
        "amount": "1.00",
        "status": "voorlopig",
        "quarter": quarter,
        "source_document": "x",
    }

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: quarter",
            "/api/v1/realisations",
            in_body("quarter", detail, code),
        ),
        demo_ledger,
        before,
    )


def test_a_realisation_in_a_closed_year_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    body = {"key": JEUGD_2019, "amount": "1.00", "status": "voorlopig", "source_document": "x"}

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    assert_refused_but_for_errors(
        response,
        problem(409, "fiscal-year-closed", CLOSED_2019, "/api/v1/realisations"),
        demo_ledger,
        before,
    )


def test_a_realisation_with_an_interventie_beyond_any_integer_column_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "key": {**JEUGD_2019, "interventie": 2**70},
        "amount": "1.00",
        "status": "voorlopig",
        "source_document": "x",
    }

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "invalid-input"
    assert [error["pointer"] for error in response.json()["errors"]] == ["#/key/interventie"]
    assert log_size(demo_ledger) == before


STADSREKENING_61296 = {
    "fiscal_year": 2018,
    "programma": nijmegen.SOCIALE_STAD,
    "deelproduct": "61296",
}


def correction(**more: Any) -> Body:
    return {
        "key": STADSREKENING_61296,
        "corrects_version": 1,
        "amount": "11562000.00",
        "status": "definitief",
        "reason": "Nagekomen factuur",
        "source_document": "Accountantsverklaring 2018",
        **more,
    }


def test_finance_corrects_a_realisation_naming_the_version_it_corrects(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(demo_api, "/api/v1/realisations/corrections", correction(), "finance")

    corrected = realisation_id(key_of(STADSREKENING_61296), None)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result({"realisation": corrected}, {"realisation": 2}, 142)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(
            DEMO_EVENTS + 1,
            "Realisation.Corrected",
            corrected,
            2,
            "2018",
            source="Accountantsverklaring 2018",
        )
    ]


def test_a_correction_of_a_version_that_is_not_the_current_one_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/realisations/corrections", correction(corrects_version=2), "finance"
    )

    detail = (
        "the correction names version 2, but the current figure of "
        f"{label(STADSREKENING_61296)} is version 1"
    )
    assert_refused(
        response,
        rule_broken(
            409, "realisation", detail, "/api/v1/realisations/corrections", "corrects_version"
        ),
        demo_ledger,
        before,
    )


def test_a_definitive_figure_cannot_become_provisional(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/realisations/corrections", correction(status="voorlopig"), "finance"
    )

    detail = "a definitive figure cannot become provisional again"
    assert_refused(
        response,
        rule_broken(409, "realisation", detail, "/api/v1/realisations/corrections", "status"),
        demo_ledger,
        before,
    )


def test_a_correction_of_a_figure_never_reported_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/realisations/corrections", correction(quarter=3), "finance")

    detail = f"realisation for {label(STADSREKENING_61296)} does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/realisations/corrections", "key"),
        demo_ledger,
        before,
    )


# -- reserves --------------------------------------------------------------------------


def reserve(code: str, **more: Any) -> Body:
    return {
        "code": code,
        "name": "Reserve Sociaal Domein",
        "kind": "bestemming",
        "purpose": "Opvang tekorten in het sociaal domein",
        "fiscal_year": 2026,
        "source_document": "Raadsvoorstel reserves 2026",
        **more,
    }


def test_finance_establishes_a_reserve(api: TestClient, ledger: Ledger) -> None:
    response = post(api, "/api/v1/reserves", reserve("F100"), "finance")

    established = Reserve.id_for("F100")
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/reserves/F100"
    assert response.headers["ETag"] == '"1"'
    assert response.json() == result({"reserve": established}, {"reserve": 1}, 1)
    assert events_after(api, 0) == [
        event(
            1, "Reserve.Established", established, 1, "2026", source="Raadsvoorstel reserves 2026"
        )
    ]


def test_a_reserve_code_is_used_once(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/reserves", reserve(WMO_JEUGD), "finance")

    detail = f"reserve {WMO_JEUGD!r} already exists"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/reserves", "code"),
        demo_ledger,
        before,
    )


def test_a_reserve_names_its_source_document(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/reserves", reserve("F100", source_document=None), "finance")

    detail = "every change names its decision or source document"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/reserves", "source_document"),
        ledger,
        before,
    )


def test_finance_deposits_into_a_reserve(demo_api: TestClient, demo_ledger: Ledger) -> None:
    response = post(
        demo_api,
        f"/api/v1/reserves/{WMO_JEUGD}/deposits",
        {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA},
        "finance",
    )

    deposited = Reserve.id_for(WMO_JEUGD)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"12"'
    assert response.json() == result({"reserve": deposited}, {"reserve": 12}, 142)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(DEMO_EVENTS + 1, "Reserve.Deposited", deposited, 12, "2019", decision=ZOMERNOTA)
    ]


def test_a_deposit_into_an_unknown_reserve_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/reserves/F999/deposits"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "1.00", "decision": ZOMERNOTA}, "finance"
    )

    assert_refused(
        response,
        problem(404, "not-found", "reserve 'F999' does not exist", path),
        demo_ledger,
        before,
    )


def test_a_deposit_of_nothing_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    path = f"/api/v1/reserves/{WMO_JEUGD}/deposits"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "0.00", "decision": ZOMERNOTA}, "finance"
    )

    detail = "the amount must be more than zero"
    assert_refused(
        response, rule_broken(422, "invalid-input", detail, path, "amount"), demo_ledger, before
    )


def test_a_deposit_on_an_unknown_decision_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = f"/api/v1/reserves/{WMO_JEUGD}/deposits"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "1.00", "decision": "geen"}, "finance"
    )

    detail = "decision 'geen' does not exist"
    assert_refused(
        response, rule_broken(422, "not-found", detail, path, "decision"), demo_ledger, before
    )


def test_finance_withdraws_from_a_reserve(demo_api: TestClient, demo_ledger: Ledger) -> None:
    deposit = {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA}
    given(demo_api, f"/api/v1/reserves/{WMO_JEUGD}/deposits", deposit)

    response = post(
        demo_api,
        f"/api/v1/reserves/{WMO_JEUGD}/withdrawals",
        {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA},
        "finance",
    )

    withdrawn = Reserve.id_for(WMO_JEUGD)
    assert response.status_code == 200
    assert response.json() == result({"reserve": withdrawn}, {"reserve": 13}, 143)
    assert events_after(demo_api, DEMO_EVENTS + 1) == [
        event(DEMO_EVENTS + 2, "Reserve.Withdrawn", withdrawn, 13, "2019", decision=ZOMERNOTA)
    ]


def test_a_withdrawal_taking_a_reserve_below_zero_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = f"/api/v1/reserves/{WMO_JEUGD}/withdrawals"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "0.01", "decision": ZOMERNOTA}, "finance"
    )

    detail = f"reserve {WMO_JEUGD} holds 0.00; withdrawing 0.01 would take it below zero"
    assert_refused(
        response,
        rule_broken(409, "reserve-below-zero", detail, path, "amount"),
        demo_ledger,
        before,
    )


def test_a_withdrawal_from_an_unknown_reserve_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/reserves/F999/withdrawals"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "1.00", "decision": ZOMERNOTA}, "finance"
    )

    assert_refused(
        response,
        problem(404, "not-found", "reserve 'F999' does not exist", path),
        demo_ledger,
        before,
    )


def test_finance_allocates_reserve_money_to_a_line(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given 500.00 deposited into the free part of the reserve
    deposit = {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA}
    given(demo_api, f"/api/v1/reserves/{WMO_JEUGD}/deposits", deposit)
    key = line(2019, "6.1")

    # when
    response = post(
        demo_api,
        f"/api/v1/reserves/{WMO_JEUGD}/allocations",
        {"earmark": "", "allocations": [{"key": key, "amount": "100.00"}], "decision": ZOMERNOTA},
        "finance",
    )

    # then
    allocating, receiving = Reserve.id_for(WMO_JEUGD), line_id(key_of(key))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"13"'
    assert response.json() == result({"reserve": allocating}, {"reserve": 13}, 145)
    assert events_after(demo_api, DEMO_EVENTS + 1) == [
        event(143, "Reserve.Withdrawn", allocating, 13, "2019", decision=ZOMERNOTA),
        event(144, "BudgetLine.Opened", receiving, 1, "2019"),
        event(145, "BudgetLine.Amended", receiving, 2, "2019", decision=ZOMERNOTA),
    ]


def test_an_allocation_from_an_unknown_reserve_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/reserves/F999/allocations"
    body = {
        "earmark": "",
        "allocations": [{"key": line(2019, "6.1"), "amount": "1.00"}],
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, path, body, "finance")

    assert_refused(
        response,
        problem(404, "not-found", "reserve 'F999' does not exist", path),
        demo_ledger,
        before,
    )


EARMARK_SPENT = (
    f"earmark {FUND!r} of reserve {SALDIRESERVE} holds 0.00; withdrawing 5.00 would take it "
    "below zero"
)


def _allocate_a_spent_earmark(api: TestClient) -> Response:
    body = {
        "earmark": FUND,
        "allocations": [{"key": fund_line(2019, 2), "amount": "5.00"}],
        "decision": INTERVENTIEPLAN,
    }
    return post(api, f"/api/v1/reserves/{SALDIRESERVE}/allocations", body, "finance")


def test_an_allocation_beyond_the_earmark_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # the demo allocated the whole 2,000,000.00 earmark of the saldireserve
    before = log_size(demo_ledger)

    response = _allocate_a_spent_earmark(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(
            409,
            "reserve-below-zero",
            EARMARK_SPENT,
            f"/api/v1/reserves/{SALDIRESERVE}/allocations",
        ),
        demo_ledger,
        before,
    )


def test_an_allocation_beyond_the_earmark_points_at_the_allocations(
    demo_api: TestClient,
) -> None:
    response = _allocate_a_spent_earmark(demo_api)

    assert response.json()["errors"] == [
        in_body("allocations", EARMARK_SPENT, "reserve-below-zero")
    ]


# -- fiscal years ----------------------------------------------------------------------


def test_finance_closes_a_fiscal_year_on_the_adopted_jaarrekening(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_adopted(demo_api, proposal(JAARREKENING, kind="jaarrekening"))
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/fiscal-years/2019/close", {"decision": JAARREKENING}, "finance"
    )

    year = FiscalYear.id_for(2019)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result({"fiscal_year": year}, {"fiscal_year": 2}, before + 2)
    assert events_after(demo_api, before) == [
        event(before + 1, "FiscalYear.Registered", year, 1, "2019"),
        event(before + 2, "FiscalYear.Closed", year, 2, "2019", decision=JAARREKENING),
    ]


def test_a_closed_year_is_not_closed_again(demo_api: TestClient, demo_ledger: Ledger) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/close"

    response = post(demo_api, path, {"decision": JAARREKENING}, "finance")

    assert_refused(
        response,
        problem(
            409,
            "fiscal-year-closed",
            CLOSED_2019,
            path,
            in_path("fiscal_year", CLOSED_2019, "fiscal-year-closed"),
        ),
        demo_ledger,
        before,
    )


def test_only_a_jaarrekening_closes_a_year(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/close"

    response = post(demo_api, path, {"decision": ZOMERNOTA}, "finance")

    detail = "a fiscal year is closed by the jaarrekening the raad adopted"
    assert_refused(
        response, rule_broken(422, "invalid-input", detail, path, "decision"), demo_ledger, before
    )


def test_closing_on_an_unknown_decision_is_refused(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)
    path = "/api/v1/fiscal-years/2019/close"

    response = post(api, path, {"decision": JAARREKENING}, "finance")

    detail = f"decision {JAARREKENING!r} does not exist"
    assert_refused(
        response, rule_broken(422, "not-found", detail, path, "decision"), ledger, before
    )


@pytest.mark.parametrize(
    ("year", "detail", "code"),
    [
        ("1999", "Input should be greater than or equal to 2000", "greater_than_equal"),
        (
            "twintig",
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        ),
    ],
)
def test_a_fiscal_year_in_the_path_is_a_year_of_this_ledger(
    api: TestClient, ledger: Ledger, year: str, detail: str, code: str
) -> None:
    before = log_size(ledger)
    path = f"/api/v1/fiscal-years/{year}/close"

    response = post(api, path, {"decision": JAARREKENING}, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: fiscal_year",
            path,
            in_path("fiscal_year", detail, code),
        ),
        ledger,
        before,
    )


# -- reopening a fiscal year (ADR 0010) ------------------------------------------------

HERSTEL = "raad-2020-09-herstel-jaarrekening-2019"  # a raad begrotingswijziging for 2019
NOT_CLOSED_2019 = "fiscal year 2019 is not closed; there is nothing to reopen"


def _at(minutes: int) -> str:
    return (CLOCK_START + timedelta(minutes=minutes)).isoformat()


def _trail(status: str, decision: str, minutes: int, position: int) -> Body:
    moment = _at(minutes)
    return {
        "status": status,
        "decision": decision,
        "known_at": moment,
        "recorded_at": moment,
        "position": position,
    }


def _fiscal_years(api: TestClient, **params: str) -> Body:
    response = api.get("/api/v1/fiscal-years", params=params, headers=bearer("auditor"))
    assert response.status_code == 200, response.text
    answer: Body = response.json()
    return answer


def _year(*trail: Body) -> Body:
    return {"fiscal_year": 2019, **{k: v for k, v in trail[-1].items()}, "trail": list(trail)}


def test_a_locked_year_refuses_a_mutation_until_the_raad_reopens_it_and_the_trail_shows_both(
    demo_api: TestClient, demo_ledger: Ledger, clock: Clock
) -> None:
    given_closed(demo_api, 2019)  # positions 142-145, at minute 0
    refused = _amend_in_2019(demo_api)
    assert (refused.status_code, refused.json()["code"]) == (409, "fiscal-year-closed")
    assert log_size(demo_ledger) == 145
    clock.advance(timedelta(minutes=60))
    given_adopted(demo_api, proposal(HERSTEL))  # 146-147

    reopened = post(demo_api, "/api/v1/fiscal-years/2019/reopen", {"decision": HERSTEL}, "finance")

    year = FiscalYear.id_for(2019)
    assert reopened.status_code == 200
    assert reopened.headers["ETag"] == '"3"'
    assert reopened.json() == result({"fiscal_year": year}, {"fiscal_year": 3}, 148)
    assert events_after(demo_api, 147) == [
        {
            **event(148, "FiscalYear.Reopened", year, 3, "2019", decision=HERSTEL),
            "known_at": _at(60),
            "recorded_at": _at(60),
        }
    ]
    clock.advance(timedelta(minutes=60))
    accepted = _amend_in_2019(demo_api)
    assert (accepted.status_code, accepted.json()["position"]) == (200, 149)
    clock.advance(timedelta(minutes=60))
    closed_again = post(
        demo_api, "/api/v1/fiscal-years/2019/close", {"decision": JAARREKENING}, "finance"
    )
    assert closed_again.json() == result({"fiscal_year": year}, {"fiscal_year": 4}, 150)
    assert _amend_in_2019(demo_api).status_code == 409

    closed = _trail("closed", JAARREKENING, 0, 145)
    reopening = _trail("reopened", HERSTEL, 60, 148)
    closing_again = _trail("closed", JAARREKENING, 180, 150)
    assert _fiscal_years(demo_api)["rows"] == [_year(closed, reopening, closing_again)]
    assert _fiscal_years(demo_api, as_of=_at(30))["rows"] == [_year(closed)]
    assert _fiscal_years(demo_api, as_of=_at(90))["rows"] == [_year(closed, reopening)]
    assert _fiscal_years(demo_api, as_of=_at(-1))["rows"] == []


def test_a_year_that_is_not_closed_is_not_reopened(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_adopted(demo_api, proposal(HERSTEL))
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/reopen"

    response = post(demo_api, path, {"decision": HERSTEL}, "finance")

    assert_refused(
        response,
        problem(
            409,
            "fiscal-year-open",
            NOT_CLOSED_2019,
            path,
            in_path("fiscal_year", NOT_CLOSED_2019, "fiscal-year-open"),
        ),
        demo_ledger,
        before,
    )


def test_only_a_raad_jaarrekening_or_begrotingswijziging_reopens_a_year(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/reopen"

    response = post(demo_api, path, {"decision": SLOTWIJZIGING}, "finance")

    detail = (
        "a fiscal year is reopened by a decision of the raad: "
        "a jaarrekening or a begrotingswijziging"
    )
    assert_refused(
        response, rule_broken(422, "invalid-input", detail, path, "decision"), demo_ledger, before
    )


def test_the_jaarrekening_that_closed_a_year_does_not_reopen_it(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/reopen"

    response = post(demo_api, path, {"decision": JAARREKENING}, "finance")

    detail = "the decision that closed the year cannot reopen it"
    assert_refused(
        response, rule_broken(422, "invalid-input", detail, path, "decision"), demo_ledger, before
    )


def test_reopening_on_a_proposed_decision_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    given_proposed(demo_api, proposal(HERSTEL))
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/reopen"

    response = post(demo_api, path, {"decision": HERSTEL}, "finance")

    detail = (
        f"decision {HERSTEL!r} is proposed; a change takes effect only through an adopted decision"
    )
    assert_refused(
        response, rule_broken(409, "unauthorised", detail, path, "decision"), demo_ledger, before
    )


# -- resultaat voorgaand jaar (ADR 0010) ------------------------------------------------

LATE_KEY = "late-2019-wijkaanpak"
# The demo's voorlopige 2019 realisation of interventie 2 on the fund: 290,000.00, version 1.
WIJKAANPAK_2019 = {**fund_line(2019, 2)}
LATE_REASON = "nagekomen declaraties wijkaanpak 2019"


def late_body(**more: Any) -> Body:
    return {
        "key": WIJKAANPAK_2019,
        "amount": "18000.00",
        "status": "definitief",
        "reason": LATE_REASON,
        "corrects_version": 1,
        "source_document": "Eindafrekening wijkaanpak 2019",
        **more,
    }


def late_id(key: str = LATE_KEY) -> UUID:
    mutation = uuid5(BEGROTING_NAMESPACE, f"idempotency:demo finance\n{key}")
    return late_result_id(mutation)


def realisations(api: TestClient, year: int) -> list[Body]:
    response = api.get(
        "/api/v1/realisations",
        params={"fiscal_year": year, "fund": FUND},
        headers=bearer("auditor"),
    )
    assert response.status_code == 200, response.text
    rows: list[Body] = response.json()["rows"]
    return rows


def test_a_late_result_of_a_closed_year_is_booked_in_the_next_year_and_the_closed_year_stays(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    closed_2019 = realisations(demo_api, 2019)
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/realisations/late-results",
        late_body(),
        "finance",
        **{"Idempotency-Key": LATE_KEY},
    )

    assert response.status_code == 201, response.text
    assert response.headers["Location"] == "/api/v1/realisations?fiscal_year=2020"
    assert response.json() == result({"realisation": late_id()}, {"realisation": 1}, before + 1)
    assert events_after(demo_api, before) == [
        event(
            before + 1,
            "Realisation.LateResultReported",
            late_id(),
            1,
            "2020",
            source="Eindafrekening wijkaanpak 2019",
        )
    ]
    assert realisations(demo_api, 2019) == closed_2019
    corrected = realisation_id(key_of(WIJKAANPAK_2019), None).hex
    late_row = {
        "fiscal_year": 2020,
        "quarter": None,
        "programma": WWZ,
        "taakveld": WIJKAANPAK_2019["taakveld"],
        "deelproduct": None,
        "interventie": 2,
        "fund": FUND,
        "side": "lasten",
        "amount": "18000.00",
        "status": "definitief",
        "version": 1,
        "origin_year": 2019,
        "corrects_realisation": corrected,
    }
    assert [row for row in realisations(demo_api, 2020) if row["origin_year"]] == [late_row]
    lineage = demo_api.get(
        "/api/v1/lineage/realisations",
        params={"fiscal_year": 2020, "fund": FUND, "interventie": 2},
        headers=bearer("auditor"),
    ).json()["rows"]
    assert lineage[-1] == {
        "position": before + 1,
        "event": "definitief v1",
        "subject": late_id().hex,
        "delta": "18000.00",
        "running_total": lineage[-1]["running_total"],
        "decision": None,
        "actor": "demo finance",
        "period": 2020,
        "known_at": NOW,
        "recorded_at": NOW,
        "import_id": None,
        "origin_year": 2019,
        "corrects_realisation": corrected,
        "corrects_version": 1,
        "reason": LATE_REASON,
        "mandate": None,
        "authorised": None,
        "problems": [],
        "source": "Eindafrekening wijkaanpak 2019",
        "backdated": None,
        "backfill": None,
    }
    exported = demo_api.get(
        "/api/v1/exports/lineage/realisations.csv",
        params={"fiscal_year": 2020, "fund": FUND, "interventie": 2},
        headers=bearer("auditor"),
    )
    last = exported.text.splitlines()[-1].split(",")
    assert last[:6] == [
        "realisation 2020 fund=transformatiebudget interventie=2",
        str(before + 1),
        "definitief v1",
        late_id().hex,
        "18000.00",
        lineage[-1]["running_total"],
    ]
    assert last[12:16] == ["2019", corrected, "1", LATE_REASON]
    # then the authority columns: no decision, so no mandate and no verdict; the source; and
    # last the backdating columns: not backdated, under the default grace, no backfill
    assert last[-7:] == ["", "", "", "Eindafrekening wijkaanpak 2019", "", "P7D", ""]


def test_a_late_result_for_a_year_still_open_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/realisations/late-results"

    response = post(demo_api, path, late_body(), "finance")

    detail = "fiscal year 2019 is open: report or correct its realisation itself"
    assert_refused(
        response,
        rule_broken(409, "realisation", detail, path, "key.fiscal_year"),
        demo_ledger,
        before,
    )


def test_a_late_result_naming_a_stale_version_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    path = "/api/v1/realisations/late-results"

    response = post(demo_api, path, late_body(corrects_version=2), "finance")

    detail = (
        f"the late result names version 2, but the figure of {label(WIJKAANPAK_2019)} is version 1"
    )
    assert_refused(
        response,
        rule_broken(409, "realisation", detail, path, "corrects_version"),
        demo_ledger,
        before,
    )


# -- reports ---------------------------------------------------------------------------


BUDGET_TABLE: Body = {
    "id": "budget-2020",
    "title": "Transformatiebudget 2020",
    "unit": "EUR_1000",
    "fund": FUND,
    "columns": [{"key": "2020", "measure": "budget", "fiscal_year": 2020}],
    "rows": [{"interventie": 2, "label": "Wijkaanpak sociaal domein"}],
    "totals": [{"label": "Totaal"}],
}


def report(report_id: str, **more: Any) -> Body:
    return {
        "report_id": report_id,
        "title": "Najaarsrapportage 2020",
        "published_at": "2026-11-20T12:00:00+01:00",
        "knowledge_cutoff": "2026-11-01T00:00:00+01:00",
        "tables": [BUDGET_TABLE],
        "period": {"first_year": 2020, "last_year": 2020},
        "decision": INTERVENTIEPLAN,
        **more,
    }


def test_finance_publishes_a_report(demo_api: TestClient, demo_ledger: Ledger) -> None:
    response = post(demo_api, "/api/v1/reports", report("najaarsrapportage-2020"), "finance")

    published = Report.id_for("najaarsrapportage-2020")
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/reports/najaarsrapportage-2020"
    assert response.json() == result({"report": published}, {"report": 1}, 142)
    assert events_after(demo_api, DEMO_EVENTS) == [
        event(DEMO_EVENTS + 1, "Report.Published", published, 1, "2020", decision=INTERVENTIEPLAN)
    ]


def test_a_report_id_is_used_once(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/reports", report("interventieplan-fase-4"), "finance")

    detail = "report 'interventieplan-fase-4' already exists"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/reports", "report_id"),
        demo_ledger,
        before,
    )


def test_a_report_naming_an_unknown_decision_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/reports", report("rapport-x", decision="geen"), "finance")

    detail = "decision 'geen' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/reports", "decision"),
        demo_ledger,
        before,
    )


def test_a_report_is_not_published_in_the_future(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = report("rapport-x", published_at="2026-11-23T10:00:01+01:00")

    response = post(demo_api, "/api/v1/reports", body, "finance")

    detail = "a report cannot be published in the future"
    assert_refused(
        response,
        rule_broken(422, "invalid-time", detail, "/api/v1/reports", "published_at"),
        demo_ledger,
        before,
    )


def test_a_report_knows_nothing_after_its_publication(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = report("rapport-x", knowledge_cutoff="2026-11-21T00:00:00+01:00")

    response = post(demo_api, "/api/v1/reports", body, "finance")

    detail = "a report cannot know more than it had at publication"
    assert_refused(
        response,
        rule_broken(422, "invalid-time", detail, "/api/v1/reports", "knowledge_cutoff"),
        demo_ledger,
        before,
    )


def test_a_report_with_a_malformed_publication_date_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/reports", report("rapport-x", published_at="20 november 2026"), "finance"
    )

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: published_at",
            "/api/v1/reports",
            in_body(
                "published_at",
                "Input should be a valid datetime or date, invalid character in year",
                "datetime_from_date_parsing",
            ),
        ),
        demo_ledger,
        before,
    )


REPEATED_COLUMNS = "a table has distinct column keys"


def _publish_repeated_columns(api: TestClient) -> Response:
    table = {**BUDGET_TABLE, "columns": BUDGET_TABLE["columns"] * 2}
    return post(api, "/api/v1/reports", report("rapport-x", tables=[table]), "finance")


def test_a_table_with_repeated_column_keys_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = _publish_repeated_columns(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(422, "invalid-input", REPEATED_COLUMNS, "/api/v1/reports"),
        demo_ledger,
        before,
    )


def test_a_tables_fault_points_at_that_table(demo_api: TestClient) -> None:
    response = _publish_repeated_columns(demo_api)

    assert response.json()["errors"] == [
        in_body("tables.0.columns", REPEATED_COLUMNS, "invalid-input")
    ]
