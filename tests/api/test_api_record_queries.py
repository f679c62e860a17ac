"""Reads of records over HTTP, on the Nijmegen demo history: the service, decisions, budget,
taakstellingen, realisations, reserves, fiscal years and lineage; each answer names its basis
and single records carry their version as ETag."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.demo import nijmegen
from api.ledger import Ledger
from domain.application import Context
from domain.money import Money
from domain.realisation import RealisationStatus
from projections.queries import figures
from projections.queries.basis import resolve_basis
from projections.queries.rows import AMOUNT_PATTERN
from support.clock import Clock
from support.demo import (
    DEMO_LAST_POSITION,
)
from support.http import bearer, paging, problem, query_error
from support.queries import (
    AUDITOR,
    FUND,
    MANDAAT,
    NOW,
    REALISATIONS_2019,
    RECORDED,
    WWZ,
    as_json,
    fund_line,
    read,
    realisation,
)

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
        "number": None,
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
    "number": None,
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
            # the fuller history's added decisions, proposed after the spending
            decision(
                "raad-2017-12-nota-slotwijzigingen-2017",
                "Nota Slotwijzigingen 2017",
                "slotwijziging",
                "2017-12-20T11:00:00+00:00",
                165,
            ),
            {
                **decision(
                    "raad-2020-stadsrekening-2019-voorstel-resultaat-beschermd-wonen",
                    "Stadsrekening 2019: voorstel het voordelige resultaat Beschermd Wonen toe "
                    "te voegen aan de bestemmingsreserve Beschermd Wonen",
                    "jaarrekening",
                    "2020-06-03T10:00:00+00:00",
                    167,
                ),
                "status": "proposed",  # only proposed, never adopted (README A20)
            },
        ],
        "paging": paging(9),
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
                "line_id": "e06957de-c107-556d-8127-d2f67bd17559",
                "fiscal_year": 2021,
                "programma": WWZ,
                "taakveld": "6.71",
                "side": "lasten",
                "deelproduct": None,
                "interventie": 9,
                "fund": FUND,
                "categorie": None,
                "amount": "40000.00",
                "mutations": 1,
            },
            {
                "line_id": "aa7661d8-79c0-54c0-82f5-c01cce5b12c1",
                "fiscal_year": 2021,
                "programma": WWZ,
                "taakveld": "6.71",
                "side": "lasten",
                "deelproduct": None,
                "interventie": 10,
                "fund": FUND,
                "categorie": None,
                "amount": "100000.00",
                "mutations": 1,
            },
        ],
        "paging": paging(2),
    }


def test_budget_lines_page_by_offset_and_limit(demo_api: TestClient) -> None:
    whole = read(demo_api, "/api/v1/budget/lines")
    first = read(demo_api, "/api/v1/budget/lines", limit=2)
    second = read(demo_api, "/api/v1/budget/lines", offset=2, limit=2)
    total = len(whole["rows"])

    assert (whole["paging"], first["paging"], second["paging"]) == (
        paging(total),
        paging(total, limit=2),
        paging(total, offset=2, limit=2),
    )
    assert first["rows"] + second["rows"] == whole["rows"][:4]


def test_an_offset_past_the_end_of_the_realisations_is_an_empty_page_with_their_total(
    demo_api: TestClient,
) -> None:
    whole = read(demo_api, "/api/v1/realisations")
    first = read(demo_api, "/api/v1/realisations", limit=3)
    beyond = read(demo_api, "/api/v1/realisations", offset=1000, limit=3)
    total = len(whole["rows"])

    assert first == {"basis": NOW, "rows": whole["rows"][:3], "paging": paging(total, limit=3)}
    assert beyond == {
        "basis": NOW,
        "rows": [],
        "paging": {"offset": 1000, "limit": 3, "total": total, "next_offset": None},
    }


def test_budget_line_ids_in_rows_are_dashed_as_the_commands_answer_them(
    demo_api: TestClient,
) -> None:
    rows = read(demo_api, "/api/v1/budget/lines")["rows"]
    line = read(demo_api, f"/api/v1/budget/lines/{rows[0]['line_id']}")

    assert all(str(UUID(row["line_id"])) == row["line_id"] for row in rows)
    assert line["rows"] == [rows[0]]


def test_every_list_and_record_publishes_its_row_type_and_amounts_as_decimal_strings() -> None:
    document = create_app().openapi()
    schemas = document["components"]["schemas"]
    answers = {
        path: document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        for path in TYPED_READS
    }

    assert {path: answer["schema"]["$ref"].split("/")[-1] for path, answer in answers.items()} == (
        TYPED_READS
    )
    for envelope in TYPED_READS.values():
        row = schemas[schemas[envelope]["properties"]["rows"]["items"]["$ref"].split("/")[-1]]
        assert row["type"] == "object", envelope
        assert row["properties"], envelope
        assert "additionalProperties" not in row, envelope
    amount = schemas["BudgetLineRow"]["properties"]["amount"]
    assert (amount["type"], amount["pattern"]) == ("string", AMOUNT_PATTERN)
    assert schemas["TaakstellingRow"]["properties"]["amounts"]["additionalProperties"]["type"] == (
        "string"
    )


TYPED_READS = {
    "/api/v1/decisions": "Page_DecisionRow_",
    "/api/v1/decisions/{decision}": "Record_DecisionRow_",
    "/api/v1/budget/lines": "Page_BudgetLineRow_",
    "/api/v1/budget/lines/{line_id}": "Record_BudgetLineRow_",
    "/api/v1/budget/rollup": "Page_BudgetRollupRow_",
    "/api/v1/budget/slotwijzigingen": "Page_SlotwijzigingRow_",
    "/api/v1/taakstellingen": "Page_TaakstellingRow_",
    "/api/v1/taakstellingen/{reference}": "Record_TaakstellingRow_",
    "/api/v1/realisations": "Page_RealisationRow_",
    "/api/v1/reserves": "Page_ReserveRow_",
    "/api/v1/reserves/{code}": "Record_ReserveRow_",
    "/api/v1/fiscal-years": "Page_FiscalYearRow_",
    "/api/v1/events": "Page_EventRow_",
    "/api/v1/reports": "Page_ReportListRow_",
}


def test_budget_lines_filtered_by_year_and_fund_are_the_projections_rows(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = read(demo_api, "/api/v1/budget/lines", fiscal_year=2020, fund=FUND)

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, DEMO_LAST_POSITION)
        expected = figures.budget_lines(conn, basis, fiscal_year=2020, fund=FUND)
    assert body == {"basis": NOW, "rows": as_json(expected), "paging": paging(7)}
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
        basis = resolve_basis(conn, None, DEMO_LAST_POSITION)
        expected = as_json(figures.budget_lines(conn, basis))
    assert body == {"basis": NOW, "rows": expected, "paging": paging(17)}
    assert len({row["line_id"] for row in body["rows"]}) == len(body["rows"]) == 17


def test_a_budget_line_reads_alone_with_its_version_as_etag(demo_api: TestClient) -> None:
    response = demo_api.get(
        "/api/v1/budget/lines/05d186d5cd955d33b9da3668a58ae774", headers=AUDITOR
    )

    assert response.status_code == 200
    # opened, amended, carried in, and its three activities specified (tabel 5.2)
    assert response.headers["etag"] == '"6"'
    assert response.json() == {
        "basis": NOW,
        "version": 6,
        "rows": [
            {
                "line_id": "05d186d5-cd95-5d33-b9da-3668a58ae774",
                "fiscal_year": 2020,
                "programma": WWZ,
                "taakveld": "6.71",
                "side": "lasten",
                "deelproduct": None,
                "interventie": 2,
                "fund": FUND,
                "categorie": None,
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
        "paging": paging(4),
    }


@pytest.mark.parametrize("by", ["programma", "taakveld", "interventie", "fund"])
def test_the_budget_rolls_up_by_each_dimension_as_the_projection_does(
    demo_api: TestClient, demo_ledger: Ledger, by: str
) -> None:
    body = read(demo_api, "/api/v1/budget/rollup", by=by, fiscal_year=2019)

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, DEMO_LAST_POSITION)
        expected = as_json(figures.budget_rollup(conn, basis, by, fiscal_year=2019))
    assert body == {"basis": NOW, "rows": expected, "paging": paging(len(expected))}
    assert sum(Decimal(row["amount"]) for row in body["rows"]) == Decimal("3268000.00")


def test_the_budget_rolls_up_by_programma_by_default(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/budget/rollup", fiscal_year=2019)

    assert body == {
        "basis": NOW,
        "rows": [{"fiscal_year": 2019, "side": "lasten", "programma": WWZ, "amount": "3268000.00"}],
        "paging": paging(1),
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
            carried(138, "6.1", 1, "-25000.00"),
            carried(142, "6.71", 2, "-18000.00"),
            carried(146, "6.1", 4, "-80000.00"),
            carried(151, "6.72", 5, "-67000.00"),
            carried(155, "6.82", 8, "-66000.00"),
        ],
        "paging": paging(5),
    }


def test_slotwijzigingen_of_every_year_are_the_projections_rows(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = read(demo_api, "/api/v1/budget/slotwijzigingen")

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, DEMO_LAST_POSITION)
        expected = as_json(figures.slotwijzigingen(conn, basis))
    assert body == {"basis": NOW, "rows": expected, "paging": paging(len(expected))}
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


def test_taakstellingen_list_all_23_as_the_projection_weighs_them(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = read(demo_api, "/api/v1/taakstellingen")

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, DEMO_LAST_POSITION)
        expected = as_json(figures.taakstelling_overview(conn, basis, 2017))
    assert body == {"basis": NOW, "rows": expected, "paging": paging(len(expected))}
    rows = {row["reference"]: row for row in body["rows"]}
    assert len(rows) == 23  # with tabel 4.1's two 2018-only taakstellingen
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

    assert body == {
        "basis": NOW,
        "rows": REALISATIONS_2019,
        "paging": paging(len(REALISATIONS_2019)),
    }


def test_a_realisation_naming_its_month_is_listed_with_it_in_the_order_of_the_months(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    finance = Context(actor="concern control", source="Maandrapportage 2019")
    for quarter, month, amount in ((2, "2019-05", "500.00"), (1, "2019-02", "200.00")):
        demo_ledger.app.report_realisation(
            finance,
            key=nijmegen.fund_line(2019, 2),
            amount=Money.parse(amount),
            status=RealisationStatus.VOORLOPIG,
            quarter=quarter,
            month=month,
        )

    rows = read(demo_api, "/api/v1/realisations", fiscal_year=2019, fund=FUND)["rows"]

    monthly = realisation("6.71", 2, "200.00")
    assert rows[:3] == [
        {**monthly, "quarter": 1, "month": "2019-02"},
        {**monthly, "quarter": 2, "month": "2019-05", "amount": "500.00"},
        REALISATIONS_2019[0],  # the whole year's figure, no quarter and no month, after them
    ]


def test_every_realisation_is_listed_as_the_projection_lists_it(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = read(demo_api, "/api/v1/realisations")

    with demo_ledger.engine.connect() as conn:
        basis = resolve_basis(conn, None, DEMO_LAST_POSITION)
        expected = as_json(figures.realisation_amounts(conn, basis))
    assert body == {"basis": NOW, "rows": expected, "paging": paging(len(expected))}
    assert len(body["rows"]) == 17 + 17 + 6
    assert body["rows"][0] == {
        "fiscal_year": 2017,
        "quarter": None,
        "month": None,
        "programma": "Opgave Sociale Stad",
        "taakveld": None,
        "deelproduct": "60131",
        "interventie": None,
        "fund": None,
        "categorie": None,
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
# F058's withdrawals from its free part, whose opening is unknown (README A21)
F058_WITHDRAWALS = [
    {**F058, "fiscal_year": 2017, "mutation": "-3000000.00"},
    {**F058, "fiscal_year": 2018, "mutation": "-1000000.00"},
]


def test_reserves_list_their_mutation_per_earmark_and_year(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/reserves")

    assert body == {
        "basis": NOW,
        "rows": [
            # a reserve without movements: no year, no mutation
            {
                "code": "BR-BESCHERMD-WONEN",
                "name": "Bestemmingsreserve Beschermd Wonen",
                "kind": "bestemming",
                "earmark": None,
                "fiscal_year": None,
                "mutation": "0.00",
            },
            # the EUR 2m is an oormerk, not a deposit: only the withdrawals from it move F022
            {**F022, "fiscal_year": 2019, "mutation": "-1224000.00"},
            {**F022, "fiscal_year": 2020, "mutation": "-636000.00"},
            {**F022, "fiscal_year": 2021, "mutation": "-140000.00"},
            *F058_WITHDRAWALS,
            {**F058, "fiscal_year": 2019, "mutation": "256000.00"},
            {**F058, "fiscal_year": 2020, "mutation": "-256000.00"},
        ],
        "paging": paging(8),
    }


def test_a_reserve_reads_alone_with_its_version_as_etag(demo_api: TestClient) -> None:
    response = demo_api.get("/api/v1/reserves/F058", headers=AUDITOR)

    assert response.status_code == 200
    assert response.headers["etag"] == '"13"'
    assert response.json() == {
        "basis": NOW,
        "version": 13,
        "rows": [
            *F058_WITHDRAWALS,
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
    assert read(demo_api, "/api/v1/fiscal-years") == {"basis": NOW, "rows": [], "paging": paging(0)}


def test_a_closed_fiscal_year_is_listed_from_when_its_closing_was_known(
    demo_api: TestClient,
) -> None:
    griffie, finance = bearer("griffie"), bearer("finance")
    known = "2019-07-10T12:00:00+02:00"
    jaarrekening = "raad-2019-07-jaarrekening-2018"
    closing = DEMO_LAST_POSITION + 4  # proposed, adopted, then the year's status, closed
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
    assert closed.json()["position"] == closing

    now = read(demo_api, "/api/v1/fiscal-years")
    before = read(demo_api, "/api/v1/fiscal-years", as_of="2019-07-09")

    assert now == {
        "basis": {**NOW, "log_position": closing},
        "rows": [
            {
                "fiscal_year": 2018,
                "status": "closed",
                "decision": jaarrekening,
                "known_at": "2019-07-10T10:00:00+00:00",
                "recorded_at": RECORDED,
                "position": closing,
                "trail": [
                    {
                        "status": "closed",
                        "decision": jaarrekening,
                        "known_at": "2019-07-10T10:00:00+00:00",
                        "recorded_at": RECORDED,
                        "position": closing,
                    }
                ],
            }
        ],
        "paging": paging(1),
    }
    assert before == {
        "basis": {
            "as_of": "2019-07-09T23:59:59.999999+02:00",
            "report": None,
            "knowledge_cutoff": "2019-07-09T23:59:59.999999+02:00",
            "log_position": closing,
        },
        "rows": [],
        "paging": paging(0),
    }


# -- lineage ---------------------------------------------------------------------------


IVP4 = "raad-2019-05-08-interventieplan-fase-4"
SLOT_2019 = "raad-2019-12-nota-slotwijzigingen-2019"
IVP4_SOURCE = (
    "Interventieplan fase 4 \u2013 Opgave Sociale Stad (Nijmegen, 2019), \u00a76.2 en tabel 7.2"
)
CARRY_SOURCE = (
    "Voortgangsrapportage Interventieplan, vierde rapportage 2019 (Q4), uitputting "
    "transformatiebudget (Figuur 1)"
)
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
        "paging": paging(2),
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
                "nijmegen-demo-v2",
            )
            # a budget lineage row names its dekking (ADR 0026) and its source document
            | {"dekking": None, "source": IVP4_SOURCE},
            entry(
                145,  # the carry-over onto the 2020 line, after the specifications
                "CarriedIn",
                f"{WWZ} / 6.71",
                "18000.00",
                "119000.00",
                raad(SLOT_2019, "slotwijziging", "2019-12-18T11:00:00+00:00"),
                2020,
                "2019-12-18T11:00:00+00:00",
                "nijmegen-demo-v2",
            )
            | {"dekking": None, "source": CARRY_SOURCE},
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
        "position": DEMO_LAST_POSITION + 3,  # proposed, adopted, then the transfer out
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
        "dekking": None,  # a budget lineage row names its dekking (ADR 0026)
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
        "paging": paging(2),
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
                "nijmegen-demo-v2",
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
                "nijmegen-demo-v2",
            ),
        ],
    }


def test_realisation_lineage_shows_the_stadsrekening_figure(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/lineage/realisations", fiscal_year=2017, deelproduct="61296")

    assert body == {
        "basis": NOW,
        "paging": paging(1),
        "rows": [
            {
                **entry(
                    18,
                    "definitief v1",
                    "b304f2cf-4337-5b4b-a064-ab3fa027f642",
                    "16664000.00",
                    "16664000.00",
                    None,
                    2017,
                    "2018-04-17T10:00:00+00:00",
                    "nijmegen-demo-v2",
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
        query_error("fiscal_year", "Field required", "missing"),
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
