"""GET /api/v1/budget/uitputting and /api/v1/lineage/uitputting (ADR 0026): exact bodies over
a small begroting (support.begroting), and the field at fault in a 422."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import TokenStore
from api.ledger import Ledger
from api.settings import Settings
from support import begroting
from support.begroting import DEKKING, PROGRAMMA, WIJZIGING
from support.clock import Clock
from support.http import bearer, paging, problem, query_error

UITPUTTING = "/api/v1/budget/uitputting"
LINEAGE = "/api/v1/lineage/uitputting"
NOW = {"as_of": "now", "report": None, "knowledge_cutoff": None, "log_position": 17}


@pytest.fixture
def begroting_api(ledger: Ledger, clock: Clock) -> Iterator[TestClient]:
    begroting.load(ledger.app)
    ledger.runner.catch_up()
    TokenStore(ledger.engine, clock.now).ensure_demo_tokens()
    with TestClient(create_app(Settings(), ledger=ledger, clock=clock.now)) as client:
        yield client


def get(api: TestClient, path: str, **query: Any) -> Any:
    response = api.get(path, params=query, headers=bearer("auditor"))
    assert response.status_code == 200, response.text
    return response.json()


def figures(*values: str | None) -> dict[str, str | None]:
    names = (
        "primitief",
        "wijzigingen",
        "begroting_na_wijziging",
        "realisatie",
        "realisatie_voorlopig",
        "saldo",
        "uitputting",
    )
    return dict(zip(names, values, strict=True))


BATEN = figures("200000.00", "0.00", "200000.00", "250000.00", "250000.00", "50000.00", "125.0")


def test_the_baten_per_taakveld_with_the_quarter_ends(begroting_api: TestClient) -> None:
    body = get(
        begroting_api, UITPUTTING, fiscal_year=2019, by="taakveld", side="baten", quarters="true"
    )

    q1 = figures("200000.00", "0.00", "200000.00", "0.00", "0.00", "-200000.00", "0.0")
    quarters = {"2019Q1": q1, "2019Q2": BATEN, "2019Q3": BATEN, "2019Q4": BATEN}
    assert body == {
        "basis": NOW,
        "fiscal_year": 2019,
        "by": "taakveld",
        "side": "baten",
        "rows": [
            {
                "key": "6.71",
                "label": "6.71",
                "side": "baten",
                "no_line": False,
                "line": None,
                **BATEN,
                "quarters": quarters,
            }
        ],
        "totals": [{"side": "baten", **BATEN, "quarters": quarters}],
        "quarters": ["2019Q1", "2019Q2", "2019Q3", "2019Q4"],
    }


def test_the_lasten_per_programma_as_of_a_quarter_end(begroting_api: TestClient) -> None:
    body = get(begroting_api, UITPUTTING, fiscal_year=2019, side="lasten", as_of="2019Q3")

    assert body["basis"] == {
        "as_of": "2019-09-30T23:59:59.999999+02:00",
        "report": None,
        "knowledge_cutoff": "2019-09-30T23:59:59.999999+02:00",
        "log_position": 17,
    }
    assert [
        (row["no_line"], {k: row[k] for k in figures(*[None] * 7)}) for row in body["rows"]
    ] == [
        (
            False,
            figures(
                "1500000.00",
                "150000.00",
                "1650000.00",
                "700000.00",
                "700000.00",
                "950000.00",
                "42.4",
            ),
        ),
        (True, figures("0.00", "0.00", "0.00", "50000.00", "50000.00", "-50000.00", None)),
    ]


def test_the_wijzigingen_of_a_programma_trace_to_the_wijziging_with_their_dekking(
    begroting_api: TestClient,
) -> None:
    body = get(
        begroting_api,
        LINEAGE,
        fiscal_year=2019,
        by="programma",
        key=PROGRAMMA,
        side="lasten",
        figure="wijzigingen",
    )

    assert body["paging"] == paging(2)
    assert [
        (
            row["event"],
            row["delta"],
            row["running_total"],
            row["decision"]["reference"],
            row["dekking"],
        )
        for row in body["rows"]
    ] == [
        ("Amended", "150000.00", "150000.00", WIJZIGING, DEKKING),
        ("Amended", "-50000.00", "100000.00", WIJZIGING, None),
    ]


def test_the_realisatie_without_a_line_traces_to_its_entry(begroting_api: TestClient) -> None:
    body = get(
        begroting_api,
        LINEAGE,
        fiscal_year=2019,
        key=PROGRAMMA,
        side="lasten",
        figure="realisatie",
        no_line="true",
    )

    assert [(row["event"], row["delta"], row["source"]) for row in body["rows"]] == [
        ("voorlopig v1", "50000.00", "Stadsrekening 2019")
    ]


def test_a_row_the_basis_does_not_know_is_a_404(begroting_api: TestClient) -> None:
    response = begroting_api.get(
        LINEAGE,
        params={"fiscal_year": 2019, "key": "Elders", "side": "lasten", "figure": "primitief"},
        headers=bearer("auditor"),
    )

    assert response.status_code == 404
    assert response.json() == problem(
        404, "not-found", "no uitputting row 'Elders' (lasten) in 2019 on this basis", LINEAGE
    )


@pytest.mark.parametrize(
    ("path", "query", "field", "detail"),
    [
        (
            UITPUTTING,
            {"fiscal_year": 2019, "by": "fund"},
            "by",
            "String should match pattern '^(line|programma|taakveld|interventie)$'",
        ),
        (
            UITPUTTING,
            {"fiscal_year": 1999},
            "fiscal_year",
            "Input should be greater than or equal to 2000",
        ),
        (
            UITPUTTING,
            {"fiscal_year": 2019, "side": "saldo"},
            "side",
            "String should match pattern '^(lasten|baten)$'",
        ),
        (
            LINEAGE,
            {"fiscal_year": 2019, "side": "lasten", "figure": "saldo"},
            "figure",
            "String should match pattern '^(primitief|wijzigingen|realisatie)$'",
        ),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(
    begroting_api: TestClient, path: str, query: dict[str, Any], field: str, detail: str
) -> None:
    response = begroting_api.get(path, params=query, headers=bearer("auditor"))

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        f"the request has invalid fields: {field}",
        path,
        query_error(
            field,
            detail,
            "string_pattern_mismatch" if "pattern" in detail else "greater_than_equal",
        ),
    )
