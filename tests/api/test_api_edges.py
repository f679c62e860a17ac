"""Edges a reviewer found: duplicate allocation lines, the pointer of a closed year in a
command about two years, a dict key at fault, ids in both spellings, the role checked before
the body, a lost race that does not bind its idempotency key, and token names that would pass
for the system's own actors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.ledger import Ledger
from domain.budget import line_id
from domain.errors import ConcurrentChangeError
from support.commands import (
    CLOSED_2019,
    FUND,
    INTERVENTIEPLAN,
    SALDIRESERVE,
    SLOTWIJZIGING,
    WMO_JEUGD,
    ZOMERNOTA,
    assert_refused,
    fund_line,
    given_closed,
    key_of,
    post,
)
from support.http import bearer, in_body, problem
from support.ledgers import SQLITE_ONLY, log_size

ALLOCATIONS = f"/api/v1/reserves/{SALDIRESERVE}/allocations"


def test_an_allocation_that_names_one_line_twice_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    twice = {"line": fund_line(2020, 2), "amount": "100.00"}
    body = {
        "earmark": FUND,
        "allocations": [twice, {**twice, "amount": "50.00"}],
        "decision": INTERVENTIEPLAN,
    }

    response = post(demo_api, ALLOCATIONS, body, "finance")

    detail = "allocations 0 and 1 name the same line; give each line one amount"
    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: allocations",
            ALLOCATIONS,
            in_body("allocations", detail, "value_error"),
        ),
        demo_ledger,
        before,
    )


def test_an_allocation_in_a_closed_year_points_at_the_allocation_of_that_year(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    body = {
        "earmark": FUND,
        "allocations": [{"line": fund_line(2019, 2), "amount": "5.00"}],
        "decision": INTERVENTIEPLAN,
    }

    response = post(demo_api, ALLOCATIONS, body, "finance")

    assert_refused(
        response,
        problem(
            409,
            "fiscal-year-closed",
            CLOSED_2019,
            ALLOCATIONS,
            in_body("allocations.0.line.fiscal_year", CLOSED_2019, "fiscal-year-closed"),
        ),
        demo_ledger,
        before,
    )


def test_a_carry_over_into_a_closed_year_points_at_the_target_year(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2020)
    before = log_size(demo_ledger)
    body = {
        "source": fund_line(2019, 4),
        "target": fund_line(2020, 4),
        "amount": "1000.00",
        "reserve": WMO_JEUGD,
        "decision": SLOTWIJZIGING,
    }

    response = post(demo_api, "/api/v1/budget/carry-overs", body, "finance")

    closed = "fiscal year 2020 is closed; a late result goes to the next open year"
    assert_refused(
        response,
        problem(
            409,
            "fiscal-year-closed",
            closed,
            "/api/v1/budget/carry-overs",
            in_body("target.fiscal_year", closed, "fiscal-year-closed"),
        ),
        demo_ledger,
        before,
    )


@SQLITE_ONLY
def test_a_year_key_at_fault_is_pointed_at_by_the_key_itself(demo_api: TestClient) -> None:
    body = {
        "reference": "ca-sleutel",
        "label": "Sleutel",
        "programma": "Welzijn, Wijkontwikkeling en Zorg",
        "taakveld": "6.1",
        "origin": "CA",
        "amounts": {"20x9": "1000.00"},
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        in_body(
            "amounts.20x9", "String should match pattern '^[0-9]{4}$'", "string_pattern_mismatch"
        )
    ]


def test_a_line_reads_by_the_id_a_command_answered_with(demo_api: TestClient) -> None:
    line = line_id(key_of(fund_line(2020, 2)))

    dashed = demo_api.get(f"/api/v1/budget/lines/{line}", headers=bearer("auditor"))
    plain = demo_api.get(f"/api/v1/budget/lines/{line.hex}", headers=bearer("auditor"))

    assert dashed.status_code == 200
    assert dashed.json() == plain.json()
    assert [row["line_id"] for row in dashed.json()["rows"]] == [str(line)]


@SQLITE_ONLY
@pytest.mark.parametrize("role", ["auditor", "griffie", "admin"])
def test_a_role_that_may_not_write_gets_403_even_for_an_invalid_body(
    demo_api: TestClient, demo_ledger: Ledger, role: str
) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/budget/amendments", {"delta": 1.5}, role)

    assert_refused(
        response,
        problem(
            403,
            "forbidden",
            f"this needs the role finance; you are {role}",
            "/api/v1/budget/amendments",
        ),
        demo_ledger,
        before,
    )


def test_a_write_that_lost_a_race_can_be_retried_with_the_same_key(
    demo_api: TestClient, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_ledger.app
    amend = app.amend_budget
    lost: list[bool] = []

    def racing(*args: Any, **kwargs: Any) -> Any:
        if not lost:
            lost.append(True)
            raise ConcurrentChangeError("another writer changed the line first; read it again")
        return amend(*args, **kwargs)

    monkeypatch.setattr(app, "amend_budget", racing)
    body = {"line": fund_line(2020, 2), "delta": "1.00", "decision": INTERVENTIEPLAN}
    before = log_size(demo_ledger)

    first = post(demo_api, "/api/v1/budget/amendments", body, "finance", **{"Idempotency-Key": "k"})
    retried = post(
        demo_api, "/api/v1/budget/amendments", body, "finance", **{"Idempotency-Key": "k"}
    )

    assert (first.status_code, first.json()["code"]) == (409, "conflict")
    assert retried.status_code == 200
    assert "idempotent-replayed" not in retried.headers
    assert log_size(demo_ledger) == before + 1


@SQLITE_ONLY
@pytest.mark.parametrize("name", ["import:nijmegen-demo", "cli:root", "demo finance", " R. Kamer"])
def test_a_token_may_not_pass_for_an_actor_of_the_system(api: TestClient, name: str) -> None:
    response = api.post(
        "/api/v1/tokens", headers=bearer("admin"), json={"name": name, "role": "auditor"}
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["name"]
