"""Report tables whose rows carry their own measure (ADR 0025) over HTTP: publishing one
with a row's measure, key, unit and a summing column; a cell's lineage found by the row's
key, a heading's a 422 problem naming `row`; the CSV export with a key column and a row's
own unit."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from api.demo.nijmegen import FUND
from api.ledger import Ledger
from support.http import bearer
from support.row_measures import DECISION, REPORT, publish

BOM = "\ufeff".encode()


@pytest.fixture
def served(ledger: Ledger, api: TestClient) -> TestClient:
    publish(ledger)
    return api


def get(api: TestClient, url: str, **params: Any) -> Response:
    return api.get(url, params=params, headers=bearer("auditor"))


def test_a_cell_is_found_by_its_rows_key_and_a_heading_has_no_lineage(served: TestClient) -> None:
    found = get(
        served, f"/api/v1/reports/{REPORT}/cells", table="tabel-5.2", row="rel-t-2", column="2019"
    )
    heading = get(
        served,
        f"/api/v1/reports/{REPORT}/cells",
        table="tabel-5.2",
        row="Taakstellingen",
        column="2019",
    )

    assert found.status_code == 200
    body = found.json()
    assert {
        key: body[key] for key in ("cell", "amount", "base", "published", "measure", "unit")
    } == {
        "cell": {
            "table": "tabel-5.2",
            "row": "Relatief t.o.v. Realisatie 2017",
            "kind": "row",
            "interventie": 2,
            "column": "2019",
            "key": "rel-t-2",
        },
        "amount": "100000.00",
        "base": "3749000.00",
        "published": "2.7",
        "measure": "relative",
        "unit": "percent",
    }
    assert [(row["event"], row["delta"]) for row in body["rows"]] == [
        ("Imposed", "100000.00"),
        ("Reported", "3749000.00"),
    ]
    assert heading.status_code == 422
    assert heading.json()["detail"] == (
        "row 'Taakstellingen' of table 'tabel-5.2' is a heading: it has no figures to trace"
    )
    assert [error["field"] for error in heading.json()["errors"]] == ["row"]


def test_the_csv_export_names_a_rows_key_and_its_own_unit(served: TestClient) -> None:
    response = get(served, f"/api/v1/exports/reports/{REPORT}.csv", table="tabel-5.2")

    assert response.status_code == 200
    assert response.content.startswith(BOM)
    rows = list(
        csv.reader(io.StringIO(response.content[len(BOM) :].decode(), newline=""), delimiter=";")
    )
    assert rows[0][6:16] == [
        "unit",
        "row",
        "interventie",
        "key",
        "label",
        "2017",
        "2018",
        "2019",
        "2020",
        "totaal",
    ]
    shown = [row[6:16] for row in rows[1:]]
    assert shown[4] == [
        "percent",
        "row",
        "2",
        "rel-t-1",
        "Relatief t.o.v. Realisatie 2017",
        "",
        "16,8",
        "18,6",
        "",
        "35,4",
    ]
    assert shown[7] == ["hours", "row", "2", "", "Uren per cliënt", "7,7", "7,3", "", "", "7,3"]
    assert shown[1] == [
        "EUR_1000",
        "row",
        "2",
        "",
        "Deelproduct (61296)",
        "16664",
        "11561",
        "",
        "",
        "11561",
    ]


def test_finance_publishes_a_table_whose_rows_carry_their_measure(
    ledger: Ledger, api: TestClient
) -> None:
    publish(ledger)
    table = {
        "id": "kerngegevens-2",
        "title": "Kerngegevens",
        "unit": "EUR_1000",
        "columns": [
            {"key": "2018", "measure": "realisation", "fiscal_year": 2018},
            {"key": "totaal", "measure": "realisation", "fiscal_year": 2018, "last_year": 2019},
        ],
        "rows": [
            {"interventie": 2, "label": "Kop", "measure": "heading"},
            {
                "interventie": 2,
                "label": "Relatief",
                "taakstellingen": ["T-1"],
                "measure": "relative",
                "key": "rel",
                "unit": "percent",
                "base_year": 2017,
            },
            {"interventie": 2, "label": "Budget", "measure": "budget", "fund": FUND},
            {
                "interventie": 2,
                "label": "61296",
                "measure": "realisation",
                "deelproducten": ["61296"],
            },
        ],
    }
    body = {
        "report_id": "kerngegevens-http",
        "title": "Kerngegevens",
        "published_at": "2019-06-01T12:00:00+02:00",
        "knowledge_cutoff": "2019-06-01T12:00:00+02:00",
        "tables": [table],
        "period": {"first_year": 2018, "last_year": 2019},
        "decision": DECISION,
    }
    published = api.post("/api/v1/reports", json=body, headers=bearer("finance"))
    refused = api.post(
        "/api/v1/reports",
        json={
            **body,
            "report_id": "kerngegevens-fout",
            "tables": [{**table, "rows": [{"label": "Relatief", "measure": "relative"}]}],
        },
        headers=bearer("finance"),
    )

    assert published.status_code == 201, published.text
    ledger.runner.catch_up()
    rendered = get(api, "/api/v1/reports/kerngegevens-http").json()["tables"][0]["rows"]
    assert rendered == [
        {"interventie": 2, "label": "Kop", "values": {"2018": None, "totaal": None}},
        {
            "interventie": 2,
            "label": "Relatief",
            "key": "rel",
            "unit": "percent",
            "values": {"2018": "16.8", "totaal": "35.4"},
        },
        {"interventie": 2, "label": "Budget", "values": {"2018": None, "totaal": "309"}},
        {"interventie": 2, "label": "61296", "values": {"2018": "11561", "totaal": "11561"}},
    ]
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == [
        "tables.0.rows.taakstellingen"
    ]
