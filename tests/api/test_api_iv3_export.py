"""The Iv3 export over HTTP (ADR 0031): `GET /api/v1/exports/iv3.csv|.xlsx` answers the
matrix of a made-up year for finance and the auditor, on SQLite and PostgreSQL; a year that
does not fit is a 422 listing every offending line; the demo is refused with its lines."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.ledger import Ledger
from support import iv3 as given
from support.commands import INTERVENTIEPLAN, assert_refused, line, post
from support.http import bearer, in_body, problem, query_error
from support.ledgers import log_size

URL = "/api/v1/exports/iv3"


@pytest.fixture
def year_api(ledger: Ledger, api: TestClient) -> TestClient:
    given.load(ledger.app)
    ledger.runner.catch_up()
    return api


def test_a_quarter_exports_as_csv_as_of_now(year_api: TestClient) -> None:
    response = year_api.get(
        f"{URL}.csv",
        params={"fiscal_year": 2025, "period": "Q2", "dialect": "rfc4180"},
        headers=bearer("finance"),
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="iv3-2025-q2.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert [row[2:10] for row in rows] == [
        ["side", "taakveld", "taakveld_name", "categorie", "categorie_name", "amount",
         "voorlopig", "lines"],
        ["lasten", "6.1", "Samenkracht en burgerparticipatie", "3.8",
         "Overige goederen en diensten", "500.10", "200.10", "2"],
        ["baten", "0.2", "Burgerzaken", "3.7", "Leges en andere rechten", "50.00", "50.00", "1"],
    ]  # fmt: skip
    assert rows[0][10] == "basis_as_of"
    assert {row[10] for row in rows[1:]} == {"now"}


def test_the_begroting_exports_as_xlsx_for_the_auditor(year_api: TestClient) -> None:
    response = year_api.get(
        f"{URL}.xlsx",
        params={"fiscal_year": 2025, "period": "begroting"},
        headers=bearer("auditor"),
    )

    assert response.status_code == 200, response.text
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Iv3 2025 begroting"]
    header = [cell.value for cell in sheet[1]]
    amount = header.index("amount_exact")
    assert [row[amount] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "1000.25",
        "250.50",
        "300.00",
    ]
    basis = dict(book["Basis and chain head"].iter_rows(min_row=2, values_only=True))
    assert (basis["total_lasten"], basis["total_baten"]) == ("1250.75", "300.00")


def test_griffie_may_not_export_iv3(year_api: TestClient) -> None:
    response = year_api.get(
        f"{URL}.csv", params={"fiscal_year": 2025, "period": "Q1"}, headers=bearer("griffie")
    )

    assert response.status_code == 403


def test_the_demo_is_refused_with_every_line_listed(demo_api: TestClient) -> None:
    response = demo_api.get(
        f"{URL}.csv",
        params={"fiscal_year": 2020, "period": "begroting"},
        headers=bearer("finance"),
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    offences = body.pop("offences")
    detail = "cannot export Iv3 2020 begroting: 7 line(s) do not fit the Iv3 model of that year"
    assert body == problem(
        422,
        "iv3-refused",
        detail,
        f"{URL}.csv",
        query_error("fiscal_year", detail, "iv3-refused"),
    )
    assert len(offences) == 7
    assert {(o["kind"], o["reason"]) for o in offences} == {("line", "no categorie")}


def test_a_period_outside_the_list_is_a_422_naming_it(api: TestClient) -> None:
    response = api.get(
        f"{URL}.csv", params={"fiscal_year": 2025, "period": "Q5"}, headers=bearer("finance")
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["period"]


# -- the categorie in a command's body ------------------------------------------------------


def test_a_line_established_with_a_categorie_shows_it(demo_api: TestClient) -> None:
    body = {
        "line": {**line(2020, "6.1"), "categorie": "3.8"},
        "amount": "12.34",
        "decision": INTERVENTIEPLAN,
    }

    response = post(demo_api, "/api/v1/budget/establishments", body, "finance")

    assert response.status_code == 201, response.text
    [line_id] = response.json()["ids"].values()
    shown = demo_api.get(f"/api/v1/budget/lines/{line_id}", headers=bearer("auditor"))
    assert shown.status_code == 200, shown.text
    [row] = shown.json()["rows"]
    assert (row["categorie"], row["amount"]) == ("3.8", "12.34")


@pytest.mark.parametrize(
    ("taakveld", "categorie", "detail"),
    [
        (
            "6.1",
            "4.5.1",
            "categorie '4.5.1' does not exist among the lasten of the Iv3 model of fiscal year"
            " 2020",
        ),
        (
            "0.10",
            "1.1",
            "taakveld 0.10 with categorie 1.1 is a grey cell of the lasten in the Iv3 model of"
            " fiscal year 2020: the CBS definitions forbid it",
        ),
    ],
)
def test_an_unknown_categorie_or_a_grey_cell_is_refused_naming_it(
    demo_api: TestClient, demo_ledger: Ledger, taakveld: str, categorie: str, detail: str
) -> None:
    before = log_size(demo_ledger)
    body = {
        "line": {**line(2020, taakveld), "categorie": categorie},
        "amount": "1.00",
        "decision": INTERVENTIEPLAN,
    }

    response = post(demo_api, "/api/v1/budget/establishments", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: line.categorie",
            "/api/v1/budget/establishments",
            in_body("line.categorie", detail, "value_error"),
        ),
        demo_ledger,
        before,
    )


def test_a_realisation_reported_with_a_categorie_shows_it(api: TestClient) -> None:
    body = {
        "line": {"fiscal_year": 2025, "programma": "Zorg", "taakveld": "6.1", "categorie": "3.8"},
        "amount": "5.00",
        "status": "voorlopig",
        "quarter": 1,
        "source_document": "grootboek",
    }

    response = post(api, "/api/v1/realisations", body, "finance")

    assert response.status_code == 200, response.text
    listed = api.get("/api/v1/realisations?fiscal_year=2025", headers=bearer("auditor"))
    [row] = listed.json()["rows"]
    assert (row["categorie"], row["amount"]) == ("3.8", "5.00")
