"""Two services on one database (two workers of `begroting serve --workers`, or two
servers): each keeps its own reports (ADR 0036), and neither ever answers other than the
log says, whatever the other records meanwhile."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.encoding import to_json
from api.ledger import Ledger, open_database
from api.settings import Settings
from projections.queries.reports import render_report
from support.clock import Clock
from support.commands import FUND, INTERVENTIEPLAN, post
from support.http import Body, bearer

KEPT = "interventieplan-fase-4"  # the demo's report
NEW = "najaarsrapportage-2020"


def report(report_id: str) -> Body:
    return {
        "report_id": report_id,
        "title": "Najaarsrapportage 2020",
        "published_at": "2026-11-20T12:00:00+01:00",
        "knowledge_cutoff": "2026-11-01T00:00:00+01:00",
        "tables": [
            {
                "id": "budget-2020",
                "title": "Transformatiebudget 2020",
                "unit": "EUR_1000",
                "fund": FUND,
                "columns": [{"key": "2020", "measure": "budget", "fiscal_year": 2020}],
                "rows": [{"interventie": 2, "label": "Wijkaanpak sociaal domein"}],
                "totals": [{"label": "Totaal"}],
            }
        ],
        "period": {"first_year": 2020, "last_year": 2020},
        "decision": INTERVENTIEPLAN,
    }


def rendered(ledger: Ledger, report_id: str) -> bytes:
    with ledger.engine.connect() as conn:
        document = render_report(conn, report_id, None, ledger.runner.position())
    return to_json(document).encode()


@pytest.fixture
def other(demo_ledger: Ledger, clock: Clock) -> Iterator[TestClient]:
    """A second service over the demo's database, with a ledger of its own."""
    assert demo_ledger.database is not None
    ledger = open_database(demo_ledger.database, clock.now)
    try:
        with TestClient(create_app(Settings(), ledger=ledger, clock=clock.now)) as client:
            yield client
    finally:
        ledger.close()


def test_a_report_published_through_the_other_service_is_served_at_once(
    demo_api: TestClient, other: TestClient, demo_ledger: Ledger
) -> None:
    before = demo_api.get(f"/api/v1/reports/{NEW}", headers=bearer("auditor"))
    published = post(other, "/api/v1/reports", report(NEW), "finance")

    after = demo_api.get(f"/api/v1/reports/{NEW}", headers=bearer("auditor"))

    assert (before.status_code, before.json()["code"]) == (404, "unknown-report")
    assert published.status_code == 201
    assert (after.status_code, after.content) == (200, rendered(demo_ledger, NEW))
    assert after.json()["basis"]["log_position"] == demo_ledger.app.recorder.max_notification_id()


def test_a_kept_report_is_the_log_s_after_the_other_service_records(
    demo_api: TestClient, other: TestClient, demo_ledger: Ledger
) -> None:
    kept = demo_api.get(f"/api/v1/reports/{KEPT}", headers=bearer("auditor"))
    assert post(other, "/api/v1/reports", report(NEW), "finance").status_code == 201

    again = [demo_api.get(f"/api/v1/reports/{r}", headers=bearer("auditor")) for r in (KEPT, NEW)]
    from_other = other.get(f"/api/v1/reports/{KEPT}", headers=bearer("auditor"))

    # Its own basis is a fixed log position: the same bytes, in either service.
    assert [(a.status_code, a.content) for a in (kept, *again, from_other)] == [
        (200, rendered(demo_ledger, KEPT)),
        (200, rendered(demo_ledger, KEPT)),
        (200, rendered(demo_ledger, NEW)),
        (200, rendered(demo_ledger, KEPT)),
    ]
    app = demo_api.app
    assert len(app.state.services.reports) == 2


def test_a_report_the_other_service_recorded_but_did_not_project_is_served_after_a_catch_up(
    demo_api: TestClient, other: TestClient, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the other process stopped between its write and its catch-up.
    monkeypatch.setattr(other.app.state.services, "catch_up", lambda: 0)
    published = post(other, "/api/v1/reports", report(NEW), "finance")
    behind = demo_ledger.runner.position()

    after = demo_api.get(f"/api/v1/reports/{NEW}", headers=bearer("auditor"))

    assert published.status_code == 201
    assert behind == (demo_ledger.app.recorder.max_notification_id() or 0) - 1
    assert (after.status_code, after.content) == (200, rendered(demo_ledger, NEW))
