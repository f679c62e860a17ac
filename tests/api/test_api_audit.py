"""GET /api/v1/audit/verify: the auditor recomputes the hash chain over HTTP (ADR 0007). The
answer is the finding: ok with the head, or the first position that fails and how."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.ledger import Ledger
from support import tampering
from support.demo import DEMO_HEAD, DEMO_LAST_POSITION
from support.http import bearer


def test_the_auditor_verifies_the_untouched_demo_history(demo_api: TestClient) -> None:
    response = demo_api.get("/api/v1/audit/verify", headers=bearer("auditor"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "head": DEMO_HEAD,
        "position": DEMO_LAST_POSITION,
        "count": DEMO_LAST_POSITION,
        "reports": 2,
        "unchained": 0,
    }


def test_the_auditor_is_told_the_first_changed_position(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")

    response = demo_api.get("/api/v1/audit/verify", headers=bearer("auditor"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "tampered",
        "kind": "changed",
        "position": 90,
        "detail": "the event at position 90 differs from the one chained there",
    }


def test_an_inserted_event_that_breaks_the_read_model_is_still_reported(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # The shifted Published event would collide in the reports table: verification does
    # not depend on the read model catching up.
    tampering.drop_guards(demo_ledger.engine)
    tampering.insert_event(demo_ledger.engine, 80)

    response = demo_api.get("/api/v1/audit/verify", headers=bearer("auditor"))

    assert response.json() == {
        "status": "tampered",
        "kind": "inserted",
        "position": 80,
        "detail": "position 80 holds an event that was never chained",
    }


def test_finance_may_not_verify(demo_api: TestClient) -> None:
    response = demo_api.get("/api/v1/audit/verify", headers=bearer("finance"))

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "urn:begroting:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "this needs the role auditor; you are finance",
        "instance": "/api/v1/audit/verify",
        "code": "forbidden",
    }
