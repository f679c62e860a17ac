"""The query tests' helpers over HTTP: the demo's names and bases they read, and readers of an
answer's rows as the service serialises them.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from api.http import to_json
from support.demo import (
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_LAST_POSITION,
)
from support.http import bearer

WWZ = "Welzijn, Wijkontwikkeling en Zorg"
FUND = "transformatiebudget"
MANDAAT = "raad-2019-05-08-mandaat-transformatiebudget"
AUDITOR = bearer("auditor")
NOW = {"as_of": "now", "report": None, "knowledge_cutoff": None, "log_position": DEMO_LAST_POSITION}
AS_OF_INTERVENTIEPLAN = {
    "as_of": "report:interventieplan-fase-4",
    "report": "interventieplan-fase-4",
    "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
    "log_position": INTERVENTIEPLAN_LAST_POSITION,
}
MALFORMED = (
    "use a date (2019-12-31 or 31-12-2019), a quarter (2019Q4) or ISO 8601 (2019-05-08T17:00+02:00)"
)
RECORDED = "2026-11-23T09:00:00+00:00"  # when the demo history was recorded (the test clock)


def as_json(value: Any) -> Any:
    """A projection's rows as the service serialises them (money as decimal strings)."""
    return json.loads(to_json(value))


def read(client: TestClient, url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, params=params, headers=AUDITOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def budget_row(year: int, interventie: int, amount: str) -> dict[str, Any]:
    return {"fiscal_year": year, "side": "lasten", "interventie": interventie, "amount": amount}


def fund_line(year: int, taakveld: str, interventie: int) -> dict[str, Any]:
    return {
        "fiscal_year": year,
        "programma": WWZ,
        "taakveld": taakveld,
        "interventie": interventie,
        "fund": FUND,
    }


def realisation(taakveld: str, interventie: int, amount: str) -> dict[str, Any]:
    return {
        "fiscal_year": 2019,
        "quarter": None,
        "month": None,  # no month named (ADR 0020)
        "programma": WWZ,
        "taakveld": taakveld,
        "deelproduct": None,
        "interventie": interventie,
        "fund": FUND,
        "categorie": None,  # the history before the Iv3 categorie (ADR 0031)
        "side": "lasten",
        "amount": amount,
        "status": "voorlopig",
        "version": 1,
        "origin_year": None,
        "corrects_realisation": None,
    }


REALISATIONS_2019 = [
    realisation("6.71", 2, "290000.00"),
    realisation("6.1", 4, "70000.00"),
    realisation("6.72", 5, "123000.00"),
    realisation("6.82", 8, "334000.00"),
    realisation("6.71", 9, "25000.00"),
    realisation("6.71", 10, "125000.00"),
]
