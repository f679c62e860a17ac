"""Begrotingsrechtmatigheid over HTTP (ADR 0029): the demo's answer body exactly, the
verantwoordingsgrens command, an open-einde establishment and a proposed amendment, and their
refusals as problem+json naming the field."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.ledger import Ledger
from support.commands import (
    WWZ,
    ZOMERNOTA,
    assert_refused,
    given_adopted,
    given_proposed,
    line,
    post,
    proposal,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import bearer
from support.ledgers import log_size

URL = "/api/v1/audit/onrechtmatigheid"
NOW = {"as_of": "now", "report": None, "knowledge_cutoff": None, "log_position": DEMO_LAST_POSITION}
GRENS = "raad-2019-verordening-rechtmatigheid"


def read(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(URL, params=params, headers=bearer("auditor"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def gap(
    programma: str,
    year: int,
    budget: str,
    realised: str,
    lines: int,
    subjects: int,
    voorlopig: str = "0.00",
) -> Any:
    return {
        "programma": programma,
        "fiscal_year": year,
        "budget": budget,
        "realised": realised,
        "realised_voorlopig": voorlopig,
        "excess": None,
        "budget_lines": lines,
        "realisations": subjects,
        "finding": "geen-begroting-vastgelegd",
        "data_gap": True,
        "lasten_without_begroting": realised,
        "categories": [],
        "counts_toward_opinion": None,
    }


def year(fiscal_year: int, total: str, grens: Any = None, exceeded: Any = None) -> Any:
    return {
        "fiscal_year": fiscal_year,
        "total_lasten": total,
        "counts_toward_opinion": "0.00",
        "lasten_without_begroting": total,
        "verantwoordingsgrens": grens,
        "exceeded": exceeded,
        "fund_rules": [],
    }


def test_the_demo_answers_data_gaps_and_no_grens_recorded(demo_api: TestClient) -> None:
    body = read(demo_api)

    assert body == {
        "basis": NOW,
        "rows": [
            gap("Opgave Sociale Stad", 2017, "0.00", "267638000.00", 0, 17),
            gap("Opgave Sociale Stad", 2018, "0.00", "267816000.00", 0, 17, "267816000.00"),
            gap(WWZ, 2019, "3268000.00", "967000.00", 8, 6, "967000.00"),
        ],
        "paging": {"offset": 0, "limit": 1000, "total": 3, "next_offset": None},
        "years": [
            year(2017, "267638000.00"),
            year(2018, "267816000.00"),
            year(2019, "967000.00"),
        ],
    }


def test_the_raad_sets_the_verantwoordingsgrens_and_the_answer_weighs_the_year_against_it(
    demo_api: TestClient,
) -> None:
    given_adopted(demo_api, proposal(GRENS, kind="beleidsnota"))

    response = post(
        demo_api,
        "/api/v1/fiscal-years/2019/verantwoordingsgrens",
        {"decision": GRENS, "percentage": "1"},
        "finance",
    )
    body = read(demo_api, fiscal_year=2019)

    assert response.status_code == 200, response.json()
    assert body["years"] == [
        year(
            2019,
            "967000.00",
            {
                "percentage": "1",
                "amount": "9670.00",
                "decision_reference": GRENS,
                "known_at": "2026-11-23T09:00:00+00:00",
            },
            False,
        )
    ]


def test_a_grens_above_three_percent_or_from_the_college_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_adopted(demo_api, proposal(GRENS, kind="beleidsnota"))
    before = log_size(demo_ledger)
    url = "/api/v1/fiscal-years/2019/verantwoordingsgrens"

    too_high = post(demo_api, url, {"decision": GRENS, "percentage": "3.5"}, "finance")

    assert too_high.status_code == 422
    assert too_high.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in too_high.json()["errors"]] == ["percentage"]
    assert log_size(demo_ledger) == before


def test_an_open_einde_line_and_a_proposed_amendment_are_recorded(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    key = line(2019, "6.71")
    established = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"line": key, "amount": "1000.00", "decision": ZOMERNOTA, "regeling": "open-einde"},
        "finance",
    )
    given_proposed(demo_api, proposal("raad-2019-slotwijziging-2", kind="slotwijziging"))
    proposed = post(
        demo_api,
        "/api/v1/budget/proposed-amendments",
        {"line": key, "amount": "500.00", "decision": "raad-2019-slotwijziging-2"},
        "finance",
    )
    events = demo_api.get(
        "/api/v1/events", params={"after": DEMO_LAST_POSITION}, headers=bearer("auditor")
    ).json()["rows"]
    body = read(demo_api, fiscal_year=2019)

    assert (established.status_code, proposed.status_code) == (201, 200)
    assert [row["event_type"] for row in events] == [
        "BudgetLine.Opened",
        "BudgetLine.Established",
        "BudgetLine.RegelingMarked",
        "Decision.Proposed",
        "Decision.AmendmentProposed",
    ]
    # The primitieve begroting is recorded now: 967,000 realised against 3,269,000, no gap.
    assert body["rows"] == []


def test_open_einde_on_a_baten_line_is_refused_at_its_field(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    url = "/api/v1/budget/establishments"

    response = post(
        demo_api,
        url,
        {
            "line": line(2019, "6.71", side="baten"),
            "amount": "1000.00",
            "decision": ZOMERNOTA,
            "regeling": "open-einde",
        },
        "finance",
    )

    detail = "only a lasten line is an open-einde regeling"
    assert_refused(
        response, rule_broken(422, "invalid-input", detail, url, "regeling"), demo_ledger, before
    )
