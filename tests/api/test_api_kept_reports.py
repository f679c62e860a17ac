"""GET /api/v1/reports/{id} on the report's own basis answers from what the service kept
(ADR 0013): byte for byte the rendering of the read model, rendered once, and rendered
afresh after a rebuild. A rebuild from a log that does not verify is refused (ADR 0017)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.encoding import to_json
from api.ledger import Ledger
from projections.audit.chain import ChainBroken
from projections.queries.reports import render_report
from support import tampering
from support.http import bearer

REPORT = "interventieplan-fase-4"
URL = f"/api/v1/reports/{REPORT}"


def rendered(ledger: Ledger) -> bytes:
    with ledger.engine.connect() as conn:
        return to_json(render_report(conn, REPORT, None, ledger.runner.position())).encode()


def kept(api: TestClient) -> Any:
    app: Any = api.app
    return app.state.services.reports


def test_the_kept_report_is_served_byte_for_byte_as_rendered(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    answers = [demo_api.get(URL, headers=bearer("auditor")) for _ in range(3)]

    assert [(a.status_code, a.content) for a in answers] == [(200, rendered(demo_ledger))] * 3
    assert len(kept(demo_api)) == 1


def test_another_basis_is_rendered_and_not_kept(demo_api: TestClient, demo_ledger: Ledger) -> None:
    answer = demo_api.get(URL, params={"as_of": "now"}, headers=bearer("auditor"))

    with demo_ledger.engine.connect() as conn:
        now = render_report(conn, REPORT, "now", demo_ledger.runner.position())
    assert (answer.status_code, answer.json()) == (200, json.loads(to_json(now)))
    assert len(kept(demo_api)) == 0


def test_after_a_rebuild_the_service_renders_the_report_afresh(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # A forged read model (not append-only) is kept as rendered; the rebuild replaces both.
    tampering.add_a_million(demo_ledger.engine)
    forged = demo_api.get(URL, headers=bearer("auditor")).json()
    demo_ledger.runner.rebuild()

    after = demo_api.get(URL, headers=bearer("auditor"))

    assert (after.status_code, after.content) == (200, rendered(demo_ledger))
    assert after.json() != forged
    assert after.json()["basis"] == forged["basis"]


def test_a_rebuild_from_a_changed_log_is_refused_and_the_report_with_it(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    demo_api.get(URL, headers=bearer("auditor"))
    tampering.drop_guards(demo_ledger.engine)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")
    with pytest.raises(ChainBroken):
        demo_ledger.runner.rebuild()

    after = demo_api.get(URL, headers=bearer("auditor"))

    assert (after.status_code, after.json()["code"], after.json()["position"]) == (
        503,
        "chain-broken",
        90,
    )


def test_an_unknown_report_is_still_a_404(demo_api: TestClient) -> None:
    answer = demo_api.get("/api/v1/reports/no-such-report", headers=bearer("auditor"))

    assert (answer.status_code, answer.json()) == (
        404,
        {
            "type": "urn:begroting:problem:unknown-report",
            "title": "Not Found",
            "status": 404,
            "detail": "unknown report 'no-such-report'",
            "instance": "/api/v1/reports/no-such-report",
            "code": "unknown-report",
        },
    )
    assert len(kept(demo_api)) == 0
