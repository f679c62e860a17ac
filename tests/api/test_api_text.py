"""Text the read model cannot hold is refused before anything is recorded, on both databases:
a control character (PostgreSQL refuses NUL in text, and once recorded such an event would
stop every projection for good) and text longer than its column."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.ledger import Ledger
from domain.application import Context
from domain.errors import InvalidInputError
from domain.reserve import ReserveKind
from support.commands import assert_refused, post
from support.http import bearer, in_body, problem, query_error
from support.ledgers import log_size

RESERVE = {
    "code": "R-1",
    "name": "Reserve sociaal domein",
    "kind": "bestemming",
    "purpose": "Egalisatie",
    "fiscal_year": 2026,
    "source_document": "Raadsvoorstel reserves 2026",
}
CONTROL = "holds a control character"


@pytest.mark.parametrize(
    ("member", "value", "error"),
    [
        pytest.param(
            "code",
            "R" * 33,
            {"detail": "String should have at most 32 characters", "code": "string_too_long"},
            id="code-beyond-its-column",
        ),
        pytest.param("name", "Reserve\u0000", {"detail": CONTROL, "code": "value_error"}, id="nul"),
        pytest.param("purpose", "a\u001bb", {"detail": CONTROL, "code": "value_error"}, id="esc"),
    ],
)
def test_a_reserve_with_text_the_read_model_cannot_hold_is_refused(
    api: TestClient, ledger: Ledger, member: str, value: str, error: dict[str, str]
) -> None:
    response = post(api, "/api/v1/reserves", {**RESERVE, member: value}, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            f"the request has invalid fields: {member}",
            "/api/v1/reserves",
            in_body(member, error["detail"], error["code"]),
        ),
        ledger,
        0,
    )


def test_an_origin_beyond_its_column_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = {
        "reference": "ca-lang",
        "label": "Lange herkomst",
        "programma": "Welzijn, Wijkontwikkeling en Zorg",
        "taakveld": "6.1",
        "origin": "o" * 101,
        "amounts": {"2020": "1000.00"},
        "decision": "raad-2018-11-stadsbegroting-2019-2022",
    }

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: origin",
            "/api/v1/taakstellingen",
            in_body("origin", "String should have at most 100 characters", "string_too_long"),
        ),
        demo_ledger,
        before,
    )


@pytest.mark.parametrize(
    ("url", "where", "field"),
    [
        pytest.param("/api/v1/budget/lines?fund=%00", "query", "fund", id="query"),
        pytest.param("/api/v1/decisions/raad%00", "path", "decision", id="path"),
        pytest.param("/api/v1/budget/lines?as_of=a%00", "query", "as_of", id="basis"),
    ],
)
def test_a_parameter_with_a_control_character_is_refused(
    api: TestClient, url: str, where: str, field: str
) -> None:
    response = api.get(url, headers=bearer("auditor"))

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        f"the request has invalid fields: {field}",
        url.split("?")[0].replace("%00", "\u0000"),
        {"in": where, "field": field, "detail": CONTROL, "code": "invalid-input"},
    )


def test_a_parameter_the_route_does_not_take_is_refused_as_unknown_whatever_it_holds(
    api: TestClient,
) -> None:
    response = api.get("/api/v1/reports?as_of=a%00", headers=bearer("auditor"))

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "unknown-parameter",
        "the request has unknown query parameters: as_of",
        "/api/v1/reports",
        query_error("as_of", "this route takes no such parameter", "unknown-parameter"),
    )


def test_the_domain_refuses_a_control_character_whatever_the_interface(ledger: Ledger) -> None:
    with pytest.raises(InvalidInputError) as caught:
        ledger.app.establish_reserve(
            Context(actor="cli:root", source="memo"),
            code="R\u0000",
            name="n",
            kind=ReserveKind.BESTEMMING,
            purpose="p",
            fiscal_year=2026,
        )

    assert (caught.value.field, caught.value.message) == ("code", "code holds a control character")
    assert log_size(ledger) == 0
