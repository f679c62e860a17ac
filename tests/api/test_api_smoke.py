"""The service starts over a ledger and answers with its basis."""

from __future__ import annotations

from fastapi.testclient import TestClient

from support.demo import DEMO_LAST_POSITION, INTERVENTIEPLAN_HEAD, INTERVENTIEPLAN_LAST_POSITION
from support.http import bearer


def test_health_needs_no_token_and_names_both_positions(demo_api: TestClient) -> None:
    response = demo_api.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "log_position": DEMO_LAST_POSITION,
        "read_model_position": DEMO_LAST_POSITION,
    }


def test_a_report_reads_as_the_cli_prints_it(demo_api: TestClient) -> None:
    response = demo_api.get("/api/v1/reports/interventieplan-fase-4", headers=bearer("auditor"))

    assert response.status_code == 200
    assert response.json()["basis"] == {
        "as_of": "report:interventieplan-fase-4",
        "report": "interventieplan-fase-4",
        "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
        "log_position": INTERVENTIEPLAN_LAST_POSITION,
        "chain_head": INTERVENTIEPLAN_HEAD,
    }
