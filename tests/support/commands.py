"""The command tests' givens over HTTP: the demo's decisions and lines they act on, the requests
they send, and readers of what a command answered and recorded.

Scenarios start from the Nijmegen demo history where they need decisions, lines, reserves or
taakstellingen, and from an empty ledger where they do not. The clock stands still at
CLOCK_START, so every event recorded here is known and recorded then.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient
from httpx2 import Response

from api.demo import nijmegen
from api.ledger import Ledger
from domain.values import LineKey
from support.clock import CLOCK_START
from support.http import PROBLEM_JSON, Body, bearer, in_body, problem
from support.ledgers import log_size

NOW = CLOCK_START.isoformat()  # known_at and recorded_at of everything recorded here

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
    return [{k: v for k, v in row.items() if k != "payload"} for row in response.json()["rows"]]


def payloads_after(api: TestClient, position: int) -> list[Body]:
    response = api.get("/api/v1/events", params={"after": position}, headers=bearer("auditor"))
    return [json.loads(row["payload"]) for row in response.json()["rows"]]


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
        "aggregate_id": str(aggregate),
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


AMOUNT_FORMAT = (
    "an amount is a string of ASCII digits with an optional leading minus and at most two "
    'decimals after a point, below 10^15 euros, such as "1234.56" or "-150000"'
)


CLOSED_2019 = "fiscal year 2019 is closed; a late result goes to the next open year"


def amend_in_2019(api: TestClient) -> Response:
    body = {"line": JEUGD_2019, "delta": "1.00", "decision": ZOMERNOTA}
    return post(api, "/api/v1/budget/amendments", body, "finance")


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
