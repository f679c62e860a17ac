"""Backdating made visible over HTTP (ADR 0018), on both databases: a finance write known
400 days before it was recorded is flagged in the authority report, the lineage, a report
cell's history, the report diff and the lineage export; the demo's facts are a backfill;
the `backdating_grace` setting decides the verdict."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.ledger import Ledger
from api.settings import Settings
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION
from support.http import bearer

AUDITOR = bearer("auditor")
WWZ = "Welzijn, Wijkontwikkeling en Zorg"
FUND = "transformatiebudget"
IVP4 = "raad-2019-05-08-interventieplan-fase-4"
IMPORT_ID = "nijmegen-demo-v2"
RECORDED = "2026-11-23T09:01:00+00:00"
KNOWN = "2025-10-19T09:01:00+00:00"  # 400 days before it was recorded
IVP4_DECISION = {
    "reference": IVP4,
    "body": "raad",
    "kind": "beleidsnota",
    "status": "adopted",
    "adopted_known_at": "2019-05-08T10:00:00+00:00",
}
LINE = {"fiscal_year": 2020, "programma": WWZ, "taakveld": "6.71", "interventie": 2, "fund": FUND}
BACKDATED = {"by": "P400D", "grace": "P7D"}
# The finance role's amendment after the demo, and the demo's carry-in of interventie 2's
# unspent 2019 budget into 2020 (the Nota Slotwijzigingen 2019).
LATE = DEMO_LAST_POSITION + 1
CARRIED_IN = 145


@pytest.fixture
def backdated(demo_api: TestClient, clock: Clock) -> TestClient:
    """The demo, and the finance role's amendment of the 2020 transformatiebudget of
    interventie 2, known 400 days before it records it (position LATE)."""
    clock.advance()
    response = demo_api.post(
        "/api/v1/budget/amendments",
        headers=bearer("finance"),
        json={
            "line": LINE,
            "delta": "1000.00",
            "decision": IVP4,
            "known_at": KNOWN,
            "source_document": "Memo concern control",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["position"] == LATE
    return demo_api


def read(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params, headers=AUDITOR)
    assert response.status_code == 200, response.text
    return response.json() if "exports" not in url else response.text


def test_the_authority_report_flags_the_backdated_write_and_keeps_it_authorised(
    backdated: TestClient,
) -> None:
    rows = read(backdated, "/api/v1/audit/authority", fiscal_year=2020)["rows"]

    assert rows[-1] == {
        "position": LATE,
        "event": "Amended",
        "delta": "1000.00",
        "line": {**LINE, "side": "lasten", "deelproduct": None},
        "decision": IVP4_DECISION,
        "mandate": None,
        "authorised": True,
        "problems": [],
        "actor": "demo finance",
        "known_at": KNOWN,
        "recorded_at": RECORDED,
        "import_id": None,
        "backdated": BACKDATED,
        "backfill": None,
    }
    assert {(row["backdated"], row["backfill"]) for row in rows[:-1]} == {(None, IMPORT_ID)}


def test_the_lineage_and_the_cell_history_flag_the_backdated_write(
    backdated: TestClient,
) -> None:
    lineage = read(backdated, "/api/v1/lineage/budget", fiscal_year=2020, fund=FUND, interventie=2)
    cell = read(
        backdated,
        "/api/v1/reports/interventieplan-fase-4/cells",
        table="tabel-7.2",
        row="2",
        column="2020",
        as_of="now",
    )

    assert lineage["rows"][-1] == {
        "position": LATE,
        "event": "Amended",
        "subject": f"{WWZ} / 6.71",
        "delta": "1000.00",
        "running_total": "120000.00",
        "decision": IVP4_DECISION,
        "actor": "demo finance",
        "period": 2020,
        "known_at": KNOWN,
        "recorded_at": RECORDED,
        "import_id": None,
        "mandate": None,
        "authorised": True,
        "problems": [],
        "source": "Memo concern control",  # the lineage names its source document too
        "backdated": BACKDATED,
        "backfill": None,
        "dekking": None,  # a budget lineage row names its dekking (ADR 0026)
    }
    assert [(r["position"], r["backdated"], r["backfill"]) for r in lineage["rows"]] == [
        (98, None, IMPORT_ID),
        (CARRIED_IN, None, IMPORT_ID),
        (LATE, BACKDATED, None),
    ]
    assert [(r["position"], r["backdated"], r["backfill"]) for r in cell["rows"]] == [
        (98, None, IMPORT_ID),
        (CARRIED_IN, None, IMPORT_ID),
        (LATE, BACKDATED, None),
    ]
    assert cell["rows"][-1]["known_at"] == KNOWN


def test_the_report_diff_flags_the_backdated_event(backdated: TestClient) -> None:
    found = read(backdated, "/api/v1/reports/interventieplan-fase-4/diff")

    (cell,) = [
        c
        for c in found["cells"]
        if (c["table"], c["interventie"], c["column"]) == ("tabel-7.2", 2, "2020")
    ]
    assert cell["causes"][-1] == {
        "cause": "budget-amendment",
        "direction": "added",
        "late": False,
        "decision": {**IVP4_DECISION, "new": False},
        "delta": "1000.00",
        "events": [
            {
                "position": LATE,
                "event": "Amended",
                "subject": f"{WWZ} / 6.71",
                "delta": "1000.00",
                "actor": "demo finance",
                "period": 2020,
                "known_at": KNOWN,
                "recorded_at": RECORDED,
                "source": None,
                "backdated": BACKDATED,
                "backfill": None,
            }
        ],
    }
    assert [
        (e["position"], e["backdated"], e["backfill"]) for e in cell["causes"][0]["events"]
    ] == [(CARRIED_IN, None, IMPORT_ID)]


def test_the_lineage_export_ends_each_row_with_its_verdict(backdated: TestClient) -> None:
    text = read(
        backdated,
        "/api/v1/exports/lineage/budget.csv",
        fiscal_year=2020,
        fund=FUND,
        interventie=2,
        dialect="rfc4180",
    )
    rows = list(csv.reader(io.StringIO(text)))

    assert rows[0][-3:] == ["backdated", "backdating_grace", "backfill"]
    assert [(row[1], *row[-3:]) for row in rows[1:]] == [
        ("98", "", "P7D", IMPORT_ID),
        (str(CARRIED_IN), "", "P7D", IMPORT_ID),
        (str(LATE), "P400D", "P7D", ""),
    ]


def served(ledger: Ledger, clock: Clock, grace: int) -> Iterator[TestClient]:
    app = create_app(Settings(backdating_grace=grace), ledger=ledger, clock=clock.now)
    with TestClient(app) as client:
        yield client


def test_the_grace_setting_decides_the_verdict(
    backdated: TestClient, demo_ledger: Ledger, clock: Clock
) -> None:
    verdicts = {}
    for grace in (0, 399, 400, 500):
        for client in served(demo_ledger, clock, grace):
            rows = read(client, "/api/v1/audit/authority", fiscal_year=2020)["rows"]
            verdicts[grace] = rows[-1]["backdated"]
            # the demo stays a backfill whatever the grace
            assert {row["backdated"] for row in rows[:-1]} == {None}

    assert verdicts == {
        0: {"by": "P400D", "grace": "P0D"},
        399: {"by": "P400D", "grace": "P399D"},
        400: None,
        500: None,
    }
