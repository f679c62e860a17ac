"""Report commands over HTTP: publishing a report; what a success answers and records, and every
way a request is refused, each refusal recording nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from api.ledger import Ledger
from domain.report import Report
from support.commands import (
    FUND,
    INTERVENTIEPLAN,
    assert_refused,
    assert_refused_but_for_errors,
    event,
    events_after,
    post,
    result,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import Body, in_body, problem
from support.ledgers import log_size

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
    assert response.json() == result({"report": published}, {"report": 1}, DEMO_LAST_POSITION + 1)
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1,
            "Report.Published",
            published,
            1,
            "2020",
            decision=INTERVENTIEPLAN,
        )
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
