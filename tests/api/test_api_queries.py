"""Every read over HTTP, on the Nijmegen demo history: each answer names its basis; `as_of`,
`as_recorded_at` and `min_position` choose it; single records carry their version as ETag;
the audit log pages in log order; a report reads exactly as the CLI prints it; and every wrong
question is a problem document naming what is wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus
from itertools import permutations
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from api.app import create_app
from api.auth import TokenStore
from api.demo import nijmegen
from api.http import to_json
from api.ledger import Ledger
from api.settings import Settings
from conftest import DEMO_HEAD, INTERVENTIEPLAN_HEAD, Clock, bearer, log_size
from projections.queries import figures
from projections.queries.basis import head_at, resolve_basis
from projections.queries.reports import render_report

LAST_POSITION = 141  # the demo history's last log position
WWZ = "Welzijn, Wijkontwikkeling en Zorg"
FUND = "transformatiebudget"
MANDAAT = "raad-2019-05-08-mandaat-transformatiebudget"
AUDITOR = bearer("auditor")
NOW = {"as_of": "now", "report": None, "knowledge_cutoff": None, "log_position": LAST_POSITION}
AS_OF_INTERVENTIEPLAN = {
    "as_of": "report:interventieplan-fase-4",
    "report": "interventieplan-fase-4",
    "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
    "log_position": 140,
}
MALFORMED = "use YYYY-MM-DD or ISO 8601 (2019-05-08T17:00+02:00)"
RECORDED = "2026-11-23T09:00:00+00:00"  # when the demo history was recorded (the test clock)


def problem(
    status: int, code: str, detail: str, instance: str, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The problem document the service answers with (RFC 9457)."""
    body: dict[str, Any] = {
        "type": f"urn:begroting:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def query_error(field: str, detail: str, code: str) -> dict[str, Any]:
    return {"in": "query", "field": field, "detail": detail, "code": code}


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
        "programma": WWZ,
        "taakveld": taakveld,
        "deelproduct": None,
        "interventie": interventie,
        "fund": FUND,
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


@pytest.fixture
def served_demo_api(demo_ledger: Ledger, clock: Clock) -> Iterator[TestClient]:
    """The demo service as a real client meets it: a server error is a 500 problem document,
    not an exception raised inside the test (`demo_api` re-raises it)."""
    TokenStore(demo_ledger.engine, clock.now).ensure_demo_tokens()
    app = create_app(Settings(), ledger=demo_ledger, clock=clock.now)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


# -- the service -----------------------------------------------------------------------


def test_health_answers_without_a_token_even_on_an_empty_ledger(api: TestClient) -> None:
    response = api.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "log_position": 0, "read_model_position": 0}


# -- decisions -------------------------------------------------------------------------


def decision(reference: str, title: str, kind: str, known_at: str, position: int) -> dict[str, Any]:
    return {
        "reference": reference,
        "title": title,
        "body": "raad",
        "kind": kind,
        "status": "adopted",
        "status_known_at": known_at,
        "mandate": None,
        "mandate_scope": None,
        "proposed_at_position": position,
    }


MANDAAT_ROW = {
    "reference": MANDAAT,
    "title": "College mag transformatiebudget tussen interventies schuiven en onbenut budget "
    "via de bestemmingsreserve Wmo-Jeugd naar een volgend jaar overhevelen",
    "body": "raad",
    "kind": "mandate",
    "status": "adopted",
    "status_known_at": "2019-05-08T10:00:00+00:00",
    "mandate": None,
    "mandate_scope": {
        "kinds": ["transfer", "carry-over"],
        "fund": FUND,
        "period": {"first_year": 2019, "last_year": 2021, "quarter": None},
    },
    "proposed_at_position": 13,
}


def test_decisions_list_every_demo_decision_with_its_status_in_proposal_order(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/decisions")

    assert body == {
        "basis": NOW,
        "rows": [
            decision(
                "raad-2018-03-interventieplan-fase-2",
                "Interventieplan fase 2 (maatregelen 2018)",
                "beleidsnota",
                "2018-03-07T11:00:00+00:00",
                1,
            ),
            decision(
                "raad-2018-11-stadsbegroting-2019-2022",
                "Stadsbegroting 2019-2022 (coalitieakkoord Samen Vooruit)",
                "begroting",
                "2018-11-07T11:00:00+00:00",
                3,
            ),
            decision(
                "raad-2018-11-amendement-caz-2019",
                "Taakstelling CAZ-premie 2019 ongedaan, gedekt uit BUIG-meevallers",
                "amendement",
                "2018-11-07T11:00:00+00:00",
                5,
            ),
            decision(
                "raad-2019-05-08-interventieplan-fase-4",
                "Interventieplan fase 4 – Opgave Sociale Stad",
                "beleidsnota",
                "2019-05-08T10:00:00+00:00",
                7,
            ),
            decision(
                "raad-2019-07-zomernota-2019",
                "Zomernota 2019",
                "zomernota",
                "2019-07-10T10:00:00+00:00",
                9,
            ),
            decision(
                "raad-2019-12-nota-slotwijzigingen-2019",
                "Nota Slotwijzigingen 2019",
                "slotwijziging",
                "2019-12-18T11:00:00+00:00",
                11,
            ),
            MANDAAT_ROW,
        ],
    }


def test_a_decision_reads_alone_with_its_version_as_etag(demo_api: TestClient) -> None:
    response = demo_api.get(f"/api/v1/decisions/{MANDAAT}", headers=AUDITOR)

    assert response.status_code == 200
    assert response.headers["etag"] == '"2"'
    assert response.json() == {"basis": NOW, "version": 2, "rows": [MANDAAT_ROW]}


def test_a_decision_as_of_before_it_was_known_does_not_exist(demo_api: TestClient) -> None:
    response = demo_api.get(
        "/api/v1/decisions/raad-2019-07-zomernota-2019",
        params={"as_of": "2019-07-09"},
        headers=AUDITOR,
    )

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(
        404,
        "not-found",
        "decision 'raad-2019-07-zomernota-2019' does not exist as of this basis",
        "/api/v1/decisions/raad-2019-07-zomernota-2019",
    )


def test_a_decision_as_of_a_moment_before_its_adoption_has_the_version_it_had_then(
    demo_api: TestClient,
) -> None:
    griffie = bearer("griffie")
    proposed = demo_api.post(
        "/api/v1/decisions",
        headers=griffie,
        json={
            "reference": "raad-2026-motie",
            "title": "Motie vreemd aan de orde van de dag",
            "body": "raad",
            "kind": "motie",
            "period": {"first_year": 2026, "last_year": 2026},
            "known_at": "2026-01-10T12:00:00+01:00",
        },
    )
    adopted = demo_api.post(
        "/api/v1/decisions/raad-2026-motie/adopt",
        headers=griffie,
        json={"known_at": "2026-02-10T12:00:00+01:00"},
    )
    assert (proposed.status_code, adopted.status_code) == (201, 200)

    response = demo_api.get(
        "/api/v1/decisions/raad-2026-motie", params={"as_of": "2026-01-15"}, headers=AUDITOR
    )

    assert response.json()["rows"][0]["status"] == "proposed"
    assert (response.headers["etag"], response.json()["version"]) == ('"1"', 1)


# -- budget ----------------------------------------------------------------------------


def test_budget_lines_of_a_year_list_each_line_with_its_amount(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/budget/lines", fiscal_year=2021)

    assert body == {
        "basis": NOW,
        "rows": [
            {
                "line_id": "e06957dec107556d8127d2f67bd17559",
                "fiscal_year": 2021,
                "programma": WWZ,
                "taakveld": "6.71",
                "side": "lasten",
                "deelproduct": None,
                "interventie": 9,
                "fund": FUND,
                "amount": "40000.00",
                "mutations": 1,
            },
            {
                "line_id": "aa7661d879c054c082f5c01cce5b12c1",
                "fiscal_year": 2021,
                "programma": WWZ,
                "taakveld": "6.71",
                "side": "lasten",
                "deelproduct": None,
                "interventie": 10,
                "fund": FUND,
                "amount": "100000.00",
                "mutations": 1,
            },
        ],
    }


def test_budget_lines_filtered_by_year_and_fund_are_the_projections_rows(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = read(demo_api, "/api/v1/budget/lines", fiscal_year=2020, fund=FUND)

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, LAST_POSITION)
        expected = figures.budget_lines(conn, basis, fiscal_year=2020, fund=FUND)
    assert body == {"basis": NOW, "rows": as_json(expected)}
    assert [(row["interventie"], row["amount"]) for row in body["rows"]] == [
        (1, "50000.00"),
        (4, "80000.00"),
        (2, "119000.00"),
        (9, "70000.00"),
        (10, "125000.00"),
        (5, "242000.00"),
        (8, "206000.00"),
    ]


def test_every_budget_line_is_listed_once_without_filters(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = read(demo_api, "/api/v1/budget/lines")

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, LAST_POSITION)
        expected = as_json(figures.budget_lines(conn, basis))
    assert body == {"basis": NOW, "rows": expected}
    assert len({row["line_id"] for row in body["rows"]}) == len(body["rows"]) == 17


def test_a_budget_line_reads_alone_with_its_version_as_etag(demo_api: TestClient) -> None:
    response = demo_api.get(
        "/api/v1/budget/lines/05d186d5cd955d33b9da3668a58ae774", headers=AUDITOR
    )

    assert response.status_code == 200
    assert response.headers["etag"] == '"3"'
    assert response.json() == {
        "basis": NOW,
        "version": 3,
        "rows": [
            {
                "line_id": "05d186d5cd955d33b9da3668a58ae774",
                "fiscal_year": 2020,
                "programma": WWZ,
                "taakveld": "6.71",
                "side": "lasten",
                "deelproduct": None,
                "interventie": 2,
                "fund": FUND,
                "amount": "119000.00",
                "mutations": 2,
            }
        ],
    }


def test_the_budget_rolls_up_by_fund_with_the_unfunded_line_last(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/budget/rollup", by="fund")

    assert body == {
        "basis": NOW,
        "rows": [
            {"fiscal_year": 2019, "side": "lasten", "fund": FUND, "amount": "968000.00"},
            {"fiscal_year": 2019, "side": "lasten", "fund": None, "amount": "2300000.00"},
            {"fiscal_year": 2020, "side": "lasten", "fund": FUND, "amount": "892000.00"},
            {"fiscal_year": 2021, "side": "lasten", "fund": FUND, "amount": "140000.00"},
        ],
    }


@pytest.mark.parametrize("by", ["programma", "taakveld", "interventie", "fund"])
def test_the_budget_rolls_up_by_each_dimension_as_the_projection_does(
    demo_api: TestClient, demo_ledger: Ledger, by: str
) -> None:
    body = read(demo_api, "/api/v1/budget/rollup", by=by, fiscal_year=2019)

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, LAST_POSITION)
        expected = as_json(figures.budget_rollup(conn, basis, by, fiscal_year=2019))
    assert body == {"basis": NOW, "rows": expected}
    assert sum(Decimal(row["amount"]) for row in body["rows"]) == Decimal("3268000.00")


def test_the_budget_rolls_up_by_programma_by_default(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/budget/rollup", fiscal_year=2019)

    assert body == {
        "basis": NOW,
        "rows": [{"fiscal_year": 2019, "side": "lasten", "programma": WWZ, "amount": "3268000.00"}],
    }


def test_slotwijzigingen_of_2019_are_the_five_carry_overs(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/budget/slotwijzigingen", fiscal_year=2019)

    def carried(position: int, taakveld: str, interventie: int, delta: str) -> dict[str, Any]:
        return {
            "position": position,
            "fiscal_year": 2019,
            "decision": "raad-2019-12-nota-slotwijzigingen-2019",
            "kind": "CarriedOver",
            "programma": WWZ,
            "taakveld": taakveld,
            "interventie": interventie,
            "fund": FUND,
            "delta": delta,
            "known_at": "2019-12-18T11:00:00+00:00",
            "recorded_at": RECORDED,
        }

    assert body == {
        "basis": NOW,
        "rows": [
            carried(113, "6.1", 1, "-25000.00"),
            carried(117, "6.71", 2, "-18000.00"),
            carried(121, "6.1", 4, "-80000.00"),
            carried(126, "6.72", 5, "-67000.00"),
            carried(130, "6.82", 8, "-66000.00"),
        ],
    }


def test_slotwijzigingen_of_every_year_are_the_projections_rows(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = read(demo_api, "/api/v1/budget/slotwijzigingen")

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, LAST_POSITION)
        expected = as_json(figures.slotwijzigingen(conn, basis))
    assert body == {"basis": NOW, "rows": expected}
    assert [row["fiscal_year"] for row in body["rows"]] == [2019] * 5 + [2020] * 5


# -- taakstellingen --------------------------------------------------------------------


def test_a_taakstelling_reads_alone_weighed_against_its_2017_base(demo_api: TestClient) -> None:
    response = demo_api.get("/api/v1/taakstellingen/ca-hervormen-keten", headers=AUDITOR)

    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json() == {
        "basis": NOW,
        "version": 1,
        "rows": [
            {
                "reference": "ca-hervormen-keten",
                "label": "Hervormen Keten Zorg & Welzijn (CA)",
                "interventie": 9,
                "taakveld": "6.71",
                "kind": "taakstelling",
                "amounts": {"2021": "1000000.00", "2022": "2000000.00"},
                "base_deelproducten": ["61296", "61290", "61307", "61292", "61287"],
                "base_year": 2017,
                "base": "46174000.00",
                "relative": {"2021": "2.2%", "2022": "4.3%"},
            }
        ],
    }


def test_a_shifted_taakstelling_carries_its_version_and_weighs_against_another_base_year(
    demo_api: TestClient,
) -> None:
    response = demo_api.get(
        "/api/v1/taakstellingen/ivp2-kwartaalgesprekken-wijkteams-wmo",
        params={"base_year": 2018},
        headers=AUDITOR,
    )

    assert response.status_code == 200
    assert response.headers["etag"] == '"3"'
    assert response.json() == {
        "basis": NOW,
        "version": 3,
        "rows": [
            {
                "reference": "ivp2-kwartaalgesprekken-wijkteams-wmo",
                "label": "Kwartaalgesprekken wijkteams (IVP-2: 2.4)",
                "interventie": 2,
                "taakveld": "6.71",
                "kind": "taakstelling",
                "amounts": {
                    "2018": "2800000.00",
                    "2019": "3100000.00",
                    "2020": "3100000.00",
                    "2021": "2800000.00",
                    "2022": "2800000.00",
                },
                "base_deelproducten": ["61296"],
                "base_year": 2018,
                "base": "11561000.00",
                "relative": {
                    "2018": "24.2%",
                    "2019": "26.8%",
                    "2020": "26.8%",
                    "2021": "24.2%",
                    "2022": "24.2%",
                },
            }
        ],
    }


def test_taakstellingen_list_all_21_as_the_projection_weighs_them(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = read(demo_api, "/api/v1/taakstellingen")

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, LAST_POSITION)
        expected = as_json(figures.taakstelling_overview(conn, basis, 2017))
    assert body == {"basis": NOW, "rows": expected}
    rows = {row["reference"]: row for row in body["rows"]}
    assert len(rows) == 21
    assert rows["ca-taakstellende-besparing-zorg-welzijn"] == {
        "reference": "ca-taakstellende-besparing-zorg-welzijn",
        "label": "Taakstellende besparing Zorg en Welzijn",
        "interventie": 11,
        "taakveld": "6.71",
        "kind": "taakstelling",
        "amounts": {"2020": "1000000.00", "2021": "1500000.00", "2022": "2000000.00"},
        "base_deelproducten": [],
        "base_year": 2017,
        "base": None,
        "relative": {},
    }
    assert rows["ca-premie-caz"]["amounts"] == {
        "2019": "0.00",
        "2020": "790000.00",
        "2021": "790000.00",
        "2022": "790000.00",
    }


# -- realisations ----------------------------------------------------------------------


def test_realisations_of_2019_in_the_fund_are_the_voorlopige_uitgaven(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/realisations", fiscal_year=2019, fund=FUND)

    assert body == {"basis": NOW, "rows": REALISATIONS_2019}


def test_every_realisation_is_listed_as_the_projection_lists_it(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = read(demo_api, "/api/v1/realisations")

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, LAST_POSITION)
        expected = as_json(figures.realisation_amounts(conn, basis))
    assert body == {"basis": NOW, "rows": expected}
    assert len(body["rows"]) == 17 + 17 + 6
    assert body["rows"][0] == {
        "fiscal_year": 2017,
        "quarter": None,
        "programma": "Opgave Sociale Stad",
        "taakveld": None,
        "deelproduct": "60131",
        "interventie": None,
        "fund": None,
        "side": "lasten",
        "amount": "111747000.00",
        "status": "definitief",
        "version": 1,
        "origin_year": None,
        "corrects_realisation": None,
    }


# -- reserves --------------------------------------------------------------------------

F022 = {"code": "F022", "name": "Saldireserve", "kind": "algemeen", "earmark": FUND}
F058 = {"code": "F058", "name": "Bestemmingsreserve Wmo-Jeugd", "kind": "bestemming", "earmark": ""}


def test_reserves_list_their_mutation_per_earmark_and_year(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/reserves")

    assert body == {
        "basis": NOW,
        "rows": [
            {**F022, "fiscal_year": 2019, "mutation": "776000.00"},
            {**F022, "fiscal_year": 2020, "mutation": "-636000.00"},
            {**F022, "fiscal_year": 2021, "mutation": "-140000.00"},
            {**F058, "fiscal_year": 2019, "mutation": "256000.00"},
            {**F058, "fiscal_year": 2020, "mutation": "-256000.00"},
        ],
    }


def test_a_reserve_reads_alone_with_its_version_as_etag(demo_api: TestClient) -> None:
    response = demo_api.get("/api/v1/reserves/F058", headers=AUDITOR)

    assert response.status_code == 200
    assert response.headers["etag"] == '"11"'
    assert response.json() == {
        "basis": NOW,
        "version": 11,
        "rows": [
            {**F058, "fiscal_year": 2019, "mutation": "256000.00"},
            {**F058, "fiscal_year": 2020, "mutation": "-256000.00"},
        ],
    }


def test_a_newly_established_reserve_reads_at_its_location(demo_api: TestClient) -> None:
    established = demo_api.post(
        "/api/v1/reserves",
        headers=bearer("finance"),
        json={
            "code": "R1",
            "name": "Reserve sociaal domein",
            "kind": "bestemming",
            "purpose": "Egalisatie van de uitgaven sociaal domein",
            "fiscal_year": 2026,
            "source_document": "Raadsvoorstel reserves 2026",
        },
    )
    assert established.status_code == 201
    assert established.headers["location"] == "/api/v1/reserves/R1"

    response = demo_api.get(established.headers["location"], headers=AUDITOR)

    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert [row["code"] for row in response.json()["rows"]] == ["R1"]


# -- fiscal years ----------------------------------------------------------------------


def test_fiscal_years_are_empty_while_no_year_has_a_status(demo_api: TestClient) -> None:
    assert read(demo_api, "/api/v1/fiscal-years") == {"basis": NOW, "rows": []}


def test_a_closed_fiscal_year_is_listed_from_when_its_closing_was_known(
    demo_api: TestClient,
) -> None:
    griffie, finance = bearer("griffie"), bearer("finance")
    known = "2019-07-10T12:00:00+02:00"
    jaarrekening = "raad-2019-07-jaarrekening-2018"
    proposed = demo_api.post(
        "/api/v1/decisions",
        headers=griffie,
        json={
            "reference": jaarrekening,
            "title": "Jaarrekening 2018",
            "body": "raad",
            "kind": "jaarrekening",
            "period": {"first_year": 2018, "last_year": 2018},
            "known_at": known,
        },
    )
    adopted = demo_api.post(
        f"/api/v1/decisions/{jaarrekening}/adopt", headers=griffie, json={"known_at": known}
    )
    closed = demo_api.post(
        "/api/v1/fiscal-years/2018/close",
        headers=finance,
        json={"decision": jaarrekening, "known_at": known},
    )
    assert (proposed.status_code, adopted.status_code, closed.status_code) == (201, 200, 200)
    assert closed.json()["position"] == 145

    now = read(demo_api, "/api/v1/fiscal-years")
    before = read(demo_api, "/api/v1/fiscal-years", as_of="2019-07-09")

    assert now == {
        "basis": {**NOW, "log_position": 145},
        "rows": [
            {
                "fiscal_year": 2018,
                "status": "closed",
                "decision": jaarrekening,
                "known_at": "2019-07-10T10:00:00+00:00",
                "recorded_at": RECORDED,
                "position": 145,
                "trail": [
                    {
                        "status": "closed",
                        "decision": jaarrekening,
                        "known_at": "2019-07-10T10:00:00+00:00",
                        "recorded_at": RECORDED,
                        "position": 145,
                    }
                ],
            }
        ],
    }
    assert before == {
        "basis": {
            "as_of": "2019-07-09T23:59:59.999999+02:00",
            "report": None,
            "knowledge_cutoff": "2019-07-09T23:59:59.999999+02:00",
            "log_position": 145,
        },
        "rows": [],
    }


# -- lineage ---------------------------------------------------------------------------


IVP4 = "raad-2019-05-08-interventieplan-fase-4"
SLOT_2019 = "raad-2019-12-nota-slotwijzigingen-2019"
STADSREKENING_61296 = (
    "Stadsrekening 2017, deelproduct 61296 Ambulante trajecten volwassenen "
    "(Interventieplan fase 4 \u2013 Opgave Sociale Stad (Nijmegen, 2019), tabellen 5.x)"
)


def entry(
    position: int,
    event: str,
    subject: str,
    delta: str,
    running_total: str,
    decision: dict[str, Any] | None,
    period: int,
    known_at: str,
    import_id: str | None,
) -> dict[str, Any]:
    """A row of a lineage; one with a decision of the raad holds its authority."""
    return {
        "position": position,
        "event": event,
        "subject": subject,
        "delta": delta,
        "running_total": running_total,
        "decision": decision,
        "actor": "import:nijmegen-demo",
        "period": period,
        "known_at": known_at,
        "recorded_at": RECORDED,
        "import_id": import_id,
        "mandate": None,
        "authorised": None if decision is None else True,
        "problems": [],
        "source": None,
        "backdated": None,
        "backfill": import_id,  # the demo is a backfill, never flagged (ADR 0018)
    }


def raad(reference: str, kind: str, adopted_known_at: str) -> dict[str, Any]:
    """A demo decision of the raad, adopted, as a lineage row names it."""
    return {
        "reference": reference,
        "body": "raad",
        "kind": kind,
        "status": "adopted",
        "adopted_known_at": adopted_known_at,
    }


def test_budget_lineage_explains_a_figure_by_the_two_events_behind_it(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/lineage/budget", fiscal_year=2020, fund=FUND, interventie=2)

    assert body == {
        "basis": NOW,
        "rows": [
            entry(
                98,
                "Amended",
                f"{WWZ} / 6.71",
                "101000.00",
                "101000.00",
                raad(IVP4, "beleidsnota", "2019-05-08T10:00:00+00:00"),
                2020,
                "2019-05-08T10:00:00+00:00",
                "nijmegen-demo-v1",
            ),
            entry(
                120,
                "CarriedIn",
                f"{WWZ} / 6.71",
                "18000.00",
                "119000.00",
                raad(SLOT_2019, "slotwijziging", "2019-12-18T11:00:00+00:00"),
                2020,
                "2019-12-18T11:00:00+00:00",
                "nijmegen-demo-v1",
            ),
        ],
    }


def test_a_college_transfer_in_the_budget_lineage_carries_the_mandate_it_relies_on(
    demo_api: TestClient, clock: Clock
) -> None:
    # given a college decision under the raad's mandate, adopted, and a transfer under it
    clock.advance()
    college = "college-2026-11-verschuiving-wijkaanpak"
    for path, body in (
        (
            "/api/v1/decisions",
            {
                "reference": college,
                "title": "Verschuiving wijkaanpak",
                "body": "college",
                "kind": "begrotingswijziging",
                "period": {"first_year": 2020, "last_year": 2020},
                "mandate": nijmegen.MANDAAT,
            },
        ),
        (f"/api/v1/decisions/{college}/adopt", None),
        (
            "/api/v1/budget/transfers",
            {
                "source": fund_line(2020, "6.71", 2),
                "target": fund_line(2020, nijmegen.fund_line(2020, 9).taakveld, 9),
                "amount": "1000.00",
                "decision": college,
            },
        ),
    ):
        response = demo_api.post(path, json=body, headers=bearer("finance"))
        assert response.status_code in (200, 201), response.text

    # when the lineage of the giving line is read
    body = read(demo_api, "/api/v1/lineage/budget", fiscal_year=2020, fund=FUND, interventie=2)

    # then the transfer names the college decision and the mandate, and it holds
    now = "2026-11-23T09:01:00+00:00"
    assert body["rows"][-1] == {
        "position": LAST_POSITION + 3,  # proposed, adopted, then the transfer out
        "event": "TransferredOut",
        "subject": f"{WWZ} / 6.71",
        "delta": "-1000.00",
        "running_total": "118000.00",
        "decision": {
            "reference": college,
            "body": "college",
            "kind": "begrotingswijziging",
            "status": "adopted",
            "adopted_known_at": now,
        },
        "actor": "demo finance",
        "period": 2020,
        "known_at": now,
        "recorded_at": now,
        "import_id": None,
        "mandate": {
            "reference": nijmegen.MANDAAT,
            "body": "raad",
            "kind": "mandate",
            "status": "adopted",
            "adopted_known_at": "2019-05-08T10:00:00+00:00",
            "scope": {
                "kinds": ["transfer", "carry-over"],
                "fund": FUND,
                "period": {"first_year": 2019, "last_year": 2021, "quarter": None},
            },
        },
        "authorised": True,
        "problems": [],
        "source": None,
        "backdated": None,
        "backfill": None,
    }


def test_taakstelling_lineage_shows_the_imposition_and_the_shift_into_it(
    demo_api: TestClient,
) -> None:
    body = read(
        demo_api,
        "/api/v1/lineage/taakstellingen/ivp2-kwartaalgesprekken-wijkteams-wmo",
        fiscal_year=2019,
    )

    reference = "ivp2-kwartaalgesprekken-wijkteams-wmo"
    assert body == {
        "basis": NOW,
        "rows": [
            entry(
                53,
                "Imposed",
                reference,
                "2800000.00",
                "2800000.00",
                raad(
                    "raad-2018-03-interventieplan-fase-2",
                    "beleidsnota",
                    "2018-03-07T11:00:00+00:00",
                ),
                2019,
                "2018-03-07T11:00:00+00:00",
                "nijmegen-demo-v1",
            ),
            entry(
                75,
                "ShiftedIn",
                reference,
                "300000.00",
                "3100000.00",
                raad(IVP4, "beleidsnota", "2019-05-08T10:00:00+00:00"),
                2019,
                "2019-05-08T10:00:00+00:00",
                "nijmegen-demo-v1",
            ),
        ],
    }


def test_realisation_lineage_shows_the_stadsrekening_figure(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/lineage/realisations", fiscal_year=2017, deelproduct="61296")

    assert body == {
        "basis": NOW,
        "rows": [
            {
                **entry(
                    18,
                    "definitief v1",
                    "b304f2cf43375b4ba064ab3fa027f642",
                    "16664000.00",
                    "16664000.00",
                    None,
                    2017,
                    "2018-04-17T10:00:00+00:00",
                    "nijmegen-demo-v1",
                ),
                "origin_year": None,
                "corrects_realisation": None,
                "corrects_version": None,
                "reason": None,
                # a realisation carries its source document, not a decision
                "mandate": None,
                "authorised": None,
                "problems": [],
                "source": STADSREKENING_61296,
            }
        ],
    }


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/lineage/budget",
        "/api/v1/lineage/taakstellingen/ca-hervormen-keten",
        "/api/v1/lineage/realisations",
    ],
    ids=["budget", "taakstelling", "realisations"],
)
def test_lineage_without_a_fiscal_year_names_the_missing_parameter(
    demo_api: TestClient, url: str
) -> None:
    response = demo_api.get(url, headers=AUDITOR)

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        "the request has invalid fields: fiscal_year",
        url,
        [query_error("fiscal_year", "Field required", "missing")],
    )


def test_lineage_of_an_unknown_taakstelling_is_not_found(demo_api: TestClient) -> None:
    response = demo_api.get(
        "/api/v1/lineage/taakstellingen/ca-bestaat-niet",
        params={"fiscal_year": 2019},
        headers=AUDITOR,
    )

    assert response.status_code == 404
    assert response.json() == problem(
        404,
        "not-found",
        "taakstelling 'ca-bestaat-niet' does not exist as of this basis",
        "/api/v1/lineage/taakstellingen/ca-bestaat-niet",
    )


# -- the audit log ---------------------------------------------------------------------


def test_one_page_of_the_log_is_the_event_after_the_given_position(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/events", after=1, limit=1)

    source = "Interventieplan fase 4 – Opgave Sociale Stad (Nijmegen, 2019), §4.3"
    payload = {
        "timestamp": {"_type_": "datetime_iso", "_data_": RECORDED},
        "meta": {
            "_type_": "Meta",
            "_data_": {
                "actor": "import:nijmegen-demo",
                "known_at": {"_type_": "datetime_iso", "_data_": "2018-03-07T12:00:00+01:00"},
                "period": {
                    "_type_": "Period",
                    "_data_": {"first_year": 2018, "last_year": 2022, "quarter": None},
                },
                "decision_id": {"_type_": "uuid_hex", "_data_": "2c84715709e753a488cc23f23bff58c1"},
                "source": source,
                "import_id": "nijmegen-demo-v1",
            },
        },
    }
    assert body == {
        "log_position": LAST_POSITION,
        "after": 1,
        "next_after": 2,
        "more": True,
        "events": [
            {
                "position": 2,
                "event_type": "Decision.Adopted",
                "aggregate_id": "2c84715709e753a488cc23f23bff58c1",
                "version": 2,
                "period": "2018..2022",
                "known_at": "2018-03-07T11:00:00+00:00",
                "recorded_at": RECORDED,
                "actor": "import:nijmegen-demo",
                "decision": None,
                "source": source,
                "import_id": "nijmegen-demo-v1",
                "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            }
        ],
    }


def test_walking_every_page_of_the_log_yields_each_position_once_in_order(
    demo_api: TestClient,
) -> None:
    positions: list[int] = []
    pages: list[tuple[int, int, bool]] = []
    after, more = 0, True
    while more:
        body = read(demo_api, "/api/v1/events", after=after, limit=40)
        assert body["after"] == after
        assert body["log_position"] == LAST_POSITION
        positions += [event["position"] for event in body["events"]]
        pages.append((len(body["events"]), body["next_after"], body["more"]))
        after, more = body["next_after"], body["more"]

    assert positions == list(range(1, LAST_POSITION + 1))
    assert pages == [(40, 40, True), (40, 80, True), (40, 120, True), (21, 141, False)]


def test_the_log_pages_the_same_on_a_second_walk(demo_api: TestClient) -> None:
    first = read(demo_api, "/api/v1/events", after=60, limit=7)
    second = read(demo_api, "/api/v1/events", after=60, limit=7)

    assert first == second
    assert [event["position"] for event in first["events"]] == list(range(61, 68))


def test_past_the_end_of_the_log_a_page_is_empty_and_says_there_is_no_more(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/events", after=LAST_POSITION)

    assert body == {
        "log_position": LAST_POSITION,
        "after": LAST_POSITION,
        "next_after": LAST_POSITION,
        "more": False,
        "events": [],
    }


@pytest.mark.parametrize(
    ("params", "field", "detail", "code"),
    [
        ({"limit": 0}, "limit", "Input should be greater than or equal to 1", "greater_than_equal"),
        ({"limit": 1001}, "limit", "Input should be less than or equal to 1000", "less_than_equal"),
        (
            {"after": -1},
            "after",
            "Input should be greater than or equal to 0",
            "greater_than_equal",
        ),
    ],
    ids=["limit-0", "limit-1001", "after-negative"],
)
def test_a_page_outside_the_limits_names_the_parameter(
    demo_api: TestClient, params: dict[str, int], field: str, detail: str, code: str
) -> None:
    response = demo_api.get("/api/v1/events", params=params, headers=AUDITOR)

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        f"the request has invalid fields: {field}",
        "/api/v1/events",
        [query_error(field, detail, code)],
    )


# -- reports ---------------------------------------------------------------------------


def test_reports_list_both_published_reports_in_publication_order(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/reports")

    assert body == {
        "reports": [
            {
                "report": "interventieplan-fase-4",
                "title": "Interventieplan fase 4 – Opgave Sociale Stad",
                "published_at": "2019-05-08T10:00:00+00:00",
                "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
                "log_position": 140,
                "decision": "raad-2019-05-08-interventieplan-fase-4",
                "source": "Interventieplan fase 4 – Opgave Sociale Stad (Nijmegen, 2019)",
            },
            {
                "report": "voortgangsrapportage-2019-q4",
                "title": "Voortgangsrapportage Interventieplan 2019 Q4",
                "published_at": "2020-06-03T10:00:00+00:00",
                "knowledge_cutoff": "2020-06-03T10:00:00+00:00",
                "log_position": 141,
                "decision": None,
                "source": "Voortgangsrapportage Interventieplan, vierde rapportage 2019 (Q4)",
            },
        ]
    }


FIGUUR_1_LABELS = [
    "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken",
    "2. Wijkaanpak sociaal domein",
    "3. Inkomen, werk, schulden",
    "4. Sterke basis kinderen en jongeren",
    "5. Verminderen gebruik ambulante Jeugdzorg",
    "6. Jeugdzorg met verblijf*",
    "7. Ombouw Beschermd Wonen en maatschappelijke opvang",
    "8. Doorbraakaanpak",
    "9. Stelselwijziging",
    "10. Datagestuurd werken i/h sociaal domein",
]
FIGUUR_1_COLUMNS = ["uitgaven-2019", "beschikbaar-2020", "beschikbaar-2021"]


def figuur_1(cells: list[list[str | None]], total: list[str | None]) -> dict[str, Any]:
    """Figuur 1 with these published cells, row by row in column order."""
    return {
        "id": "figuur-1",
        "title": "Transformatiebudget",
        "unit": "EUR_1000",
        "columns": FIGUUR_1_COLUMNS,
        "rows": [
            {
                "interventie": number,
                "label": label,
                "values": dict(zip(FIGUUR_1_COLUMNS, values, strict=True)),
            }
            for number, (label, values) in enumerate(zip(FIGUUR_1_LABELS, cells, strict=True), 1)
        ],
        "totals": [{"label": "Totaal", "values": dict(zip(FIGUUR_1_COLUMNS, total, strict=True))}],
    }


def test_a_report_reads_with_its_own_basis_and_the_published_figures(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/reports/voortgangsrapportage-2019-q4")

    assert body == {
        "report": "voortgangsrapportage-2019-q4",
        "title": "Voortgangsrapportage Interventieplan 2019 Q4",
        "basis": {
            "as_of": "report:voortgangsrapportage-2019-q4",
            "report": "voortgangsrapportage-2019-q4",
            "knowledge_cutoff": "2020-06-03T10:00:00+00:00",
            "log_position": 141,
            "chain_head": DEMO_HEAD,
        },
        "tables": [
            figuur_1(
                [
                    [None, "50", None],
                    ["290", "119", None],
                    [None, None, None],
                    ["70", "80", None],
                    ["123", "242", None],
                    [None, None, None],
                    [None, None, None],
                    ["334", "206", None],
                    ["25", "70", "40"],
                    ["125", "125", "100"],
                ],
                ["967", "892", "140"],
            )
        ],
    }


def test_a_report_as_of_an_earlier_report_shows_what_was_known_then(
    demo_api: TestClient,
) -> None:
    body = read(
        demo_api, "/api/v1/reports/voortgangsrapportage-2019-q4", as_of="interventieplan-fase-4"
    )

    assert body == {
        "report": "voortgangsrapportage-2019-q4",
        "title": "Voortgangsrapportage Interventieplan 2019 Q4",
        "basis": {**AS_OF_INTERVENTIEPLAN, "chain_head": INTERVENTIEPLAN_HEAD},
        "tables": [
            figuur_1(
                [
                    [None, "25", None],
                    [None, "101", None],
                    [None, None, None],
                    [None, None, None],
                    [None, "175", None],
                    [None, None, None],
                    [None, None, None],
                    [None, "140", None],
                    [None, "70", "40"],
                    [None, "125", "100"],
                ],
                [None, "636", "140"],
            )
        ],
    }


def cli(*args: str, cwd: Path) -> str:
    """Run `begroting` in a fresh process, as a user would; its stdout."""
    env = {k: v for k, v in os.environ.items() if k != "BEGROTING_DB_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


@pytest.mark.e2e
def test_a_report_over_http_is_exactly_what_the_cli_prints_and_the_projection_renders(
    demo_api: TestClient, demo_ledger: Ledger, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path}/cli.db"
    cli("demo", "--db", db, cwd=tmp_path)
    # The CLI's own database recorded the demo at its own moment, and the chain covers the
    # recorded times: its chain heads are its own, read from its links (ADR 0007).
    cli_engine = create_engine(db)
    cases = [
        ("interventieplan-fase-4", None),
        ("voortgangsrapportage-2019-q4", "2019-06-01"),
        ("voortgangsrapportage-2019-q4", "now"),
    ]

    for report_id, as_of in cases:
        as_of_args = [] if as_of is None else ["--as-of", as_of]
        printed = json.loads(
            cli("report", report_id, *as_of_args, "--format", "json", "--db", db, cwd=tmp_path)
        )
        params = {} if as_of is None else {"as_of": as_of}
        served = read(demo_api, f"/api/v1/reports/{report_id}", **params)
        with demo_ledger.engine.connect() as conn:
            rendered = as_json(render_report(conn, report_id, as_of, LAST_POSITION))
        with cli_engine.connect() as conn:
            assert printed["basis"]["chain_head"] == head_at(conn, printed["basis"]["log_position"])

        assert served == rendered, (report_id, as_of)
        assert printed == {**served, "basis": {**served["basis"], "chain_head": ANY}}
    cli_engine.dispose()
    assert served["basis"] == {**NOW, "chain_head": DEMO_HEAD}


# -- the basis: as_of, as_recorded_at, min_position -------------------------------------

ROLLUP_2020_AT_ADOPTION = [
    budget_row(2020, 1, "25000.00"),
    budget_row(2020, 2, "101000.00"),
    budget_row(2020, 5, "175000.00"),
    budget_row(2020, 8, "140000.00"),
    budget_row(2020, 9, "70000.00"),
    budget_row(2020, 10, "125000.00"),
]
ROLLUP_2020_AFTER_CARRY_OVER = [
    budget_row(2020, 1, "50000.00"),
    budget_row(2020, 2, "119000.00"),
    budget_row(2020, 4, "80000.00"),
    budget_row(2020, 5, "242000.00"),
    budget_row(2020, 8, "206000.00"),
    budget_row(2020, 9, "70000.00"),
    budget_row(2020, 10, "125000.00"),
]


def moment_basis(moment: str) -> dict[str, Any]:
    return {
        "as_of": moment,
        "report": None,
        "knowledge_cutoff": moment,
        "log_position": LAST_POSITION,
    }


@pytest.mark.parametrize(
    ("as_of", "basis", "rows"),
    [
        pytest.param(
            "2019-05-07", moment_basis("2019-05-07T23:59:59.999999+02:00"), [], id="before"
        ),
        pytest.param(
            "2019-06-01",
            moment_basis("2019-06-01T23:59:59.999999+02:00"),
            ROLLUP_2020_AT_ADOPTION,
            id="after-the-interventieplan",
        ),
        pytest.param(
            "interventieplan-fase-4",
            AS_OF_INTERVENTIEPLAN,
            ROLLUP_2020_AT_ADOPTION,
            id="report-id",
        ),
        pytest.param(
            "report:interventieplan-fase-4",
            AS_OF_INTERVENTIEPLAN,
            ROLLUP_2020_AT_ADOPTION,
            id="report-prefixed-id",
        ),
        pytest.param(
            "2019-12-18T12:00:00+01:00",
            moment_basis("2019-12-18T11:00:00+00:00"),
            ROLLUP_2020_AFTER_CARRY_OVER,
            id="moment-after-the-slotwijziging",
        ),
        pytest.param(
            "2019-12-18T11:59:59+01:00",
            moment_basis("2019-12-18T10:59:59+00:00"),
            ROLLUP_2020_AT_ADOPTION,
            id="moment-just-before-the-slotwijziging",
        ),
        pytest.param("now", NOW, ROLLUP_2020_AFTER_CARRY_OVER, id="now"),
    ],
)
def test_as_of_chooses_the_knowledge_the_figures_are_computed_on(
    demo_api: TestClient, as_of: str, basis: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    body = read(demo_api, "/api/v1/budget/rollup", by="interventie", fiscal_year=2020, as_of=as_of)

    assert body == {"basis": basis, "rows": rows}


def report_realisation(client: TestClient, interventie: int, amount: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/realisations",
        headers=bearer("finance"),
        json={
            "key": fund_line(2019, "6.1", interventie),
            "amount": amount,
            "status": "voorlopig",
            "source_document": "Kwartaalrapportage Q4 2019, aanvulling",
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_as_recorded_at_leaves_out_what_was_recorded_later(
    demo_api: TestClient, demo_ledger: Ledger, clock: Clock
) -> None:
    clock.advance(timedelta(hours=1))
    recorded = report_realisation(demo_api, 1, "5000.00")
    assert recorded["position"] == log_size(demo_ledger) == LAST_POSITION + 1

    before = read(
        demo_api,
        "/api/v1/realisations",
        fiscal_year=2019,
        fund=FUND,
        as_recorded_at="2026-11-23T09:30:00Z",
    )
    since = read(
        demo_api,
        "/api/v1/realisations",
        fiscal_year=2019,
        fund=FUND,
        as_recorded_at="2026-11-23T11:00:00+01:00",
    )

    assert before == {
        "basis": {**NOW, "as_recorded_at": "2026-11-23T09:30:00+00:00"},
        "rows": REALISATIONS_2019,
    }
    assert since == {
        "basis": {**NOW, "log_position": 142, "as_recorded_at": "2026-11-23T10:00:00+00:00"},
        "rows": [realisation("6.1", 1, "5000.00"), *REALISATIONS_2019],
    }


def test_as_recorded_at_a_date_is_the_end_of_that_day_in_amsterdam(
    demo_api: TestClient,
) -> None:
    that_day = read(demo_api, "/api/v1/decisions", as_recorded_at="2026-11-23")
    the_day_before = read(demo_api, "/api/v1/decisions", as_recorded_at="2026-11-22")

    assert that_day["basis"] == {**NOW, "as_recorded_at": "2026-11-23T23:59:59.999999+01:00"}
    assert len(that_day["rows"]) == 7
    assert the_day_before == {
        "basis": {
            **NOW,
            "log_position": 0,
            "as_recorded_at": "2026-11-22T23:59:59.999999+01:00",
        },
        "rows": [],
    }


def test_a_report_as_recorded_before_anything_was_recorded_has_only_empty_cells(
    demo_api: TestClient,
) -> None:
    report = read(
        demo_api, "/api/v1/reports/interventieplan-fase-4", as_recorded_at="2026-11-23T08:00Z"
    )

    assert report["basis"] == {
        **AS_OF_INTERVENTIEPLAN,
        "log_position": 0,
        "as_recorded_at": "2026-11-23T08:00:00+00:00",
        "chain_head": None,
    }
    assert [table["id"] for table in report["tables"]] == ["tabel-6.1", "tabel-7.2"]
    assert {
        value
        for table in report["tables"]
        for row in table["rows"] + table["totals"]
        for value in row["values"].values()
    } == {None}


def test_min_position_at_a_writes_position_sees_that_write(
    demo_api: TestClient, clock: Clock
) -> None:
    clock.advance()
    recorded = report_realisation(demo_api, 1, "7500.00")

    body = read(
        demo_api,
        "/api/v1/lineage/realisations",
        fiscal_year=2019,
        interventie=1,
        min_position=recorded["position"],
    )

    assert body == {
        "basis": {**NOW, "log_position": recorded["position"]},
        "rows": [
            {
                "position": recorded["position"],
                "event": "voorlopig v1",
                "subject": recorded["ids"]["realisation"].replace("-", ""),
                "delta": "7500.00",
                "running_total": "7500.00",
                "decision": None,
                "actor": "demo finance",
                "period": 2019,
                "known_at": "2026-11-23T09:01:00+00:00",
                "recorded_at": "2026-11-23T09:01:00+00:00",
                "import_id": None,
                "origin_year": None,
                "corrects_realisation": None,
                "corrects_version": None,
                "reason": None,
                "mandate": None,
                "authorised": None,
                "problems": [],
                "source": "Kwartaalrapportage Q4 2019, aanvulling",
                "backdated": None,
                "backfill": None,
            }
        ],
    }


def test_min_position_already_reached_answers_at_once(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/events", min_position=LAST_POSITION, after=140)

    assert [event["position"] for event in body["events"]] == [141]


def unknown_position(instance: str) -> dict[str, Any]:
    detail = "the log ends at position 141; 142 has not been recorded"
    return problem(
        422,
        "unknown-position",
        detail,
        instance,
        [query_error("min_position", detail, "unknown-position")],
    )


MALFORMED_AS_OF = f"malformed moment '2019-13-45': {MALFORMED}"
MALFORMED_RECORDED = f"malformed moment 'yesterday': {MALFORMED}"


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        pytest.param(
            "/api/v1/budget/lines",
            {"as_of": "2019-13-45"},
            problem(
                422,
                "invalid-basis",
                MALFORMED_AS_OF,
                "/api/v1/budget/lines",
                [query_error("as_of", MALFORMED_AS_OF, "invalid-basis")],
            ),
            id="malformed-as_of",
        ),
        pytest.param(
            "/api/v1/reports/interventieplan-fase-4",
            {"as_of": "2019-13-45"},
            problem(
                422,
                "invalid-basis",
                MALFORMED_AS_OF,
                "/api/v1/reports/interventieplan-fase-4",
                [query_error("as_of", MALFORMED_AS_OF, "invalid-basis")],
            ),
            id="malformed-as_of-of-a-report",
        ),
        pytest.param(
            "/api/v1/decisions",
            {"as_recorded_at": "yesterday"},
            problem(
                422,
                "invalid-basis",
                MALFORMED_RECORDED,
                "/api/v1/decisions",
                [query_error("as_recorded_at", MALFORMED_RECORDED, "invalid-basis")],
            ),
            id="malformed-as_recorded_at",
        ),
        pytest.param(
            "/api/v1/taakstellingen",
            {"as_of": "begroting-2030"},
            problem(
                422,
                "unknown-report",
                "unknown report 'begroting-2030'",
                "/api/v1/taakstellingen",
                [query_error("as_of", "unknown report 'begroting-2030'", "unknown-report")],
            ),
            id="unknown-report-as-as_of",
        ),
        pytest.param(
            "/api/v1/reserves",
            {"min_position": 142},
            unknown_position("/api/v1/reserves"),
            id="min_position-beyond-the-log",
        ),
        pytest.param(
            "/api/v1/events",
            {"min_position": 142},
            unknown_position("/api/v1/events"),
            id="min_position-beyond-the-log-of-events",
        ),
        pytest.param(
            "/api/v1/decisions",
            {"min_position": -1},
            problem(
                422,
                "invalid-input",
                "the request has invalid fields: min_position",
                "/api/v1/decisions",
                [
                    query_error(
                        "min_position",
                        "Input should be greater than or equal to 0",
                        "greater_than_equal",
                    )
                ],
            ),
            id="negative-min_position",
        ),
        pytest.param(
            "/api/v1/budget/lines",
            {"fiscal_year": 1999},
            problem(
                422,
                "invalid-input",
                "the request has invalid fields: fiscal_year",
                "/api/v1/budget/lines",
                [
                    query_error(
                        "fiscal_year",
                        "Input should be greater than or equal to 2000",
                        "greater_than_equal",
                    )
                ],
            ),
            id="fiscal_year-below-range",
        ),
        pytest.param(
            "/api/v1/realisations",
            {"fiscal_year": 2101},
            problem(
                422,
                "invalid-input",
                "the request has invalid fields: fiscal_year",
                "/api/v1/realisations",
                [
                    query_error(
                        "fiscal_year",
                        "Input should be less than or equal to 2100",
                        "less_than_equal",
                    )
                ],
            ),
            id="fiscal_year-above-range",
        ),
        pytest.param(
            "/api/v1/budget/slotwijzigingen",
            {"fiscal_year": "twintig"},
            problem(
                422,
                "invalid-input",
                "the request has invalid fields: fiscal_year",
                "/api/v1/budget/slotwijzigingen",
                [
                    query_error(
                        "fiscal_year",
                        "Input should be a valid integer, unable to parse string as an integer",
                        "int_parsing",
                    )
                ],
            ),
            id="fiscal_year-not-a-number",
        ),
        pytest.param(
            "/api/v1/budget/rollup",
            {"by": "deelproduct"},
            problem(
                422,
                "invalid-input",
                "the request has invalid fields: by",
                "/api/v1/budget/rollup",
                [
                    query_error(
                        "by",
                        "String should match pattern '^(programma|taakveld|interventie|fund)$'",
                        "string_pattern_mismatch",
                    )
                ],
            ),
            id="bad-by",
        ),
        pytest.param(
            "/api/v1/taakstellingen/ca-hervormen-keten",
            {"base_year": 1999},
            problem(
                422,
                "invalid-input",
                "the request has invalid fields: base_year",
                "/api/v1/taakstellingen/ca-hervormen-keten",
                [
                    query_error(
                        "base_year",
                        "Input should be greater than or equal to 2000",
                        "greater_than_equal",
                    )
                ],
            ),
            id="base_year-below-range",
        ),
    ],
)
def test_a_wrong_question_is_a_422_naming_the_parameter_at_fault(
    demo_api: TestClient, url: str, params: dict[str, Any], expected: dict[str, Any]
) -> None:
    response = demo_api.get(url, params=params, headers=AUDITOR)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == expected


def test_an_unknown_report_as_the_basis_of_a_known_report_is_a_422_on_as_of(
    demo_api: TestClient,
) -> None:
    response = demo_api.get(
        "/api/v1/reports/interventieplan-fase-4",
        params={"as_of": "begroting-2030"},
        headers=AUDITOR,
    )

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "unknown-report",
        "unknown report 'begroting-2030'",
        "/api/v1/reports/interventieplan-fase-4",
        [query_error("as_of", "unknown report 'begroting-2030'", "unknown-report")],
    )


@pytest.mark.parametrize(
    ("parameter", "moment"),
    [
        ("as_of", "9999-12-31"),
        ("as_of", "0001-01-01T00:00"),
        ("as_recorded_at", "9999-12-31"),
    ],
    ids=["as_of-last-day", "as_of-first-moment", "as_recorded_at-last-day"],
)
def test_a_moment_at_the_edge_of_the_calendar_is_a_422_not_a_server_error(
    served_demo_api: TestClient, parameter: str, moment: str
) -> None:
    response = served_demo_api.get("/api/v1/decisions", params={parameter: moment}, headers=AUDITOR)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid-basis"
    assert response.json()["errors"][0]["field"] == parameter


# -- records that do not exist ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code", "detail"),
    [
        pytest.param(
            "/api/v1/decisions/raad-2030-onbekend",
            "not-found",
            "decision 'raad-2030-onbekend' does not exist as of this basis",
            id="decision",
        ),
        pytest.param(
            "/api/v1/budget/lines/00000000000000000000000000000000",
            "not-found",
            "budget line 00000000000000000000000000000000 does not exist as of this basis",
            id="budget-line",
        ),
        pytest.param(
            "/api/v1/taakstellingen/ca-bestaat-niet",
            "not-found",
            "taakstelling 'ca-bestaat-niet' does not exist as of this basis",
            id="taakstelling",
        ),
        pytest.param(
            "/api/v1/reserves/F999",
            "not-found",
            "reserve 'F999' does not exist as of this basis",
            id="reserve",
        ),
        pytest.param(
            "/api/v1/reports/begroting-2030",
            "unknown-report",
            "unknown report 'begroting-2030'",
            id="report",
        ),
    ],
)
def test_a_record_that_does_not_exist_is_a_404(
    demo_api: TestClient, url: str, code: str, detail: str
) -> None:
    response = demo_api.get(url, headers=AUDITOR)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(404, code, detail, url)


def test_a_budget_line_id_that_is_no_uuid_in_either_spelling_is_a_422(
    demo_api: TestClient,
) -> None:
    response = demo_api.get("/api/v1/budget/lines/05D186D5", headers=AUDITOR)

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        "the request has invalid fields: line_id",
        "/api/v1/budget/lines/05D186D5",
        [
            {
                "in": "path",
                "field": "line_id",
                "detail": "String should match pattern "
                "'^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$'",
                "code": "string_pattern_mismatch",
            }
        ],
    )


# -- who may read ----------------------------------------------------------------------

READ_URLS = [
    "/api/v1/decisions",
    f"/api/v1/decisions/{MANDAAT}",
    "/api/v1/budget/lines",
    "/api/v1/budget/lines/05d186d5cd955d33b9da3668a58ae774",
    "/api/v1/budget/rollup",
    "/api/v1/budget/slotwijzigingen",
    "/api/v1/taakstellingen",
    "/api/v1/taakstellingen/ca-hervormen-keten",
    "/api/v1/realisations",
    "/api/v1/reserves",
    "/api/v1/reserves/F058",
    "/api/v1/fiscal-years",
    "/api/v1/lineage/budget?fiscal_year=2020",
    "/api/v1/lineage/taakstellingen/ca-hervormen-keten?fiscal_year=2021",
    "/api/v1/lineage/realisations?fiscal_year=2017",
    "/api/v1/events",
    "/api/v1/reports",
    "/api/v1/reports/interventieplan-fase-4",
]


def path_of(url: str) -> str:
    return url.split("?")[0]


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        pytest.param({}, "send an API token: Authorization: Bearer <token>", id="no-token"),
        pytest.param(
            {"Authorization": "Bearer demo-nobody"},
            "the token is unknown or revoked",
            id="unknown-token",
        ),
        pytest.param(
            {"Authorization": "Basic ZGVtbzpkZW1v"},
            "send an API token: Authorization: Bearer <token>",
            id="not-a-bearer-token",
        ),
    ],
)
def test_every_read_without_a_known_token_is_a_401_with_a_bearer_challenge(
    demo_api: TestClient, headers: dict[str, str], detail: str
) -> None:
    responses = {url: demo_api.get(url, headers=headers) for url in READ_URLS}

    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(READ_URLS, 401)
    assert {url: r.headers["www-authenticate"] for url, r in responses.items()} == dict.fromkeys(
        READ_URLS, 'Bearer realm="begroting"'
    )
    assert {url: r.json() for url, r in responses.items()} == {
        url: problem(401, "unauthenticated", detail, path_of(url)) for url in READ_URLS
    }


# The readers' roles are named in the order of a frozenset, which changes from one process to
# the next (see test_api_authorisation: a strictly xfailed test pins the bug); accept any order.
ADMIN_MAY_NOT_READ = {
    f"this needs the role {' or '.join(order)}; you are admin"
    for order in permutations(("griffie", "finance", "auditor"))
}


def test_every_read_by_the_admin_is_a_403(demo_api: TestClient) -> None:
    responses = {url: demo_api.get(url, headers=bearer("admin")) for url in READ_URLS}

    bodies = {url: r.json() for url, r in responses.items()}
    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(READ_URLS, 403)
    assert {body["detail"] for body in bodies.values()} <= ADMIN_MAY_NOT_READ
    assert bodies == {
        url: problem(403, "forbidden", bodies[url]["detail"], path_of(url)) for url in READ_URLS
    }


@pytest.mark.parametrize("role", ["griffie", "finance", "auditor"])
def test_every_read_is_open_to_each_reading_role(demo_api: TestClient, role: str) -> None:
    statuses = {url: demo_api.get(url, headers=bearer(role)).status_code for url in READ_URLS}

    assert statuses == dict.fromkeys(READ_URLS, 200)
