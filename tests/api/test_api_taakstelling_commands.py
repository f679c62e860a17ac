"""Taakstelling commands over HTTP: what a success answers and records, and every way a request
is refused, each refusal recording nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from api.ledger import Ledger
from domain.taakstelling import Taakstelling
from support.commands import (
    INTERVENTIEPLAN,
    WWZ,
    assert_refused,
    assert_refused_but_for_errors,
    event,
    events_after,
    post,
    result,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import PROBLEM_JSON, Body, in_body, problem
from support.ledgers import log_size

# -- taakstellingen --------------------------------------------------------------------


def taakstelling(reference: str, **more: Any) -> Body:
    return {
        "reference": reference,
        "label": "Extra besparing wijkteams",
        "interventie": 2,
        "programma": WWZ,
        "taakveld": "6.71",
        "origin": "Najaarsnota 2019",
        "amounts": {"2020": "1000.00", "2021": "2000.00"},
        "decision": INTERVENTIEPLAN,
        **more,
    }


def test_finance_imposes_a_taakstelling(demo_api: TestClient, demo_ledger: Ledger) -> None:
    response = post(demo_api, "/api/v1/taakstellingen", taakstelling("extra-besparing"), "finance")

    imposed = Taakstelling.id_for("extra-besparing")
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/taakstellingen/extra-besparing"
    assert response.headers["ETag"] == '"1"'
    assert response.json() == result(
        {"taakstelling": imposed}, {"taakstelling": 1}, DEMO_LAST_POSITION + 1
    )
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1,
            "Taakstelling.Imposed",
            imposed,
            1,
            "2020..2021",
            decision=INTERVENTIEPLAN,
        )
    ]


def test_a_risk_is_listed_on_its_source_document_alone(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = taakstelling("risico-x", kind="risico", decision=None, source_document="BZK-brief 2019")

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    risk = Taakstelling.id_for("risico-x")
    assert response.status_code == 201
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1,
            "Taakstelling.Imposed",
            risk,
            1,
            "2020..2021",
            source="BZK-brief 2019",
        )
    ]


def test_a_taakstelling_reference_is_used_once(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/taakstellingen", taakstelling("ca-premie-caz"), "finance")

    detail = "taakstelling 'ca-premie-caz' already exists"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/taakstellingen", "reference"),
        demo_ledger,
        before,
    )


def test_a_taakstelling_on_a_taakveld_gone_in_one_of_its_years_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = taakstelling("x", amounts={"2022": "1.00", "2023": "1.00"})

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    detail = "taakveld '6.71' does not exist in the catalogue of fiscal year 2023"
    assert_refused(
        response,
        rule_broken(422, "unknown-taakveld", detail, "/api/v1/taakstellingen", "taakveld"),
        demo_ledger,
        before,
    )


def test_a_taakstelling_is_a_positive_saving(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = taakstelling("x", amounts={"2020": "-5.00"})

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    detail = "a taakstelling is a positive saving"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/taakstellingen", "amounts.2020"),
        demo_ledger,
        before,
    )


def test_a_target_without_a_decision_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = taakstelling("x", decision=None, source_document="Coalitieakkoord")

    response = post(demo_api, "/api/v1/taakstellingen", body, "finance")

    detail = "a taakstelling is imposed by an adopted decision"
    assert_refused(
        response,
        rule_broken(409, "taakstelling", detail, "/api/v1/taakstellingen", "decision"),
        demo_ledger,
        before,
    )


def test_a_taakstelling_naming_neither_decision_nor_source_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/taakstellingen", taakstelling("x", decision=None), "finance")

    detail = "every change names its decision or source document"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/taakstellingen", "source_document"),
        demo_ledger,
        before,
    )


def test_an_interventie_beyond_any_integer_column_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/taakstellingen", taakstelling("x", interventie=2**70), "finance"
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "invalid-input"
    assert [error["pointer"] for error in response.json()["errors"]] == ["#/interventie"]
    assert log_size(demo_ledger) == before


def test_finance_adjusts_a_taakstelling_for_one_year(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(
        demo_api,
        "/api/v1/taakstellingen/ca-premie-caz/adjustments",
        {"fiscal_year": 2021, "delta": "-90000.00", "decision": INTERVENTIEPLAN},
        "finance",
    )

    adjusted = Taakstelling.id_for("ca-premie-caz")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"3"'
    assert response.json() == result(
        {"taakstelling": adjusted}, {"taakstelling": 3}, DEMO_LAST_POSITION + 1
    )
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1,
            "Taakstelling.Adjusted",
            adjusted,
            3,
            "2021",
            decision=INTERVENTIEPLAN,
        )
    ]


def test_adjusting_an_unknown_taakstelling_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/taakstellingen/onbekend/adjustments"

    response = post(
        demo_api,
        path,
        {"fiscal_year": 2021, "delta": "1.00", "decision": INTERVENTIEPLAN},
        "finance",
    )

    assert_refused(
        response,
        problem(404, "not-found", "taakstelling 'onbekend' does not exist", path),
        demo_ledger,
        before,
    )


ADJUSTED_BELOW_ZERO = "'ca-premie-caz' holds 790000.00 for 2021; it cannot fall by 790000.01"


def _adjust_below_zero(api: TestClient) -> Response:
    body = {"fiscal_year": 2021, "delta": "-790000.01", "decision": INTERVENTIEPLAN}
    return post(api, "/api/v1/taakstellingen/ca-premie-caz/adjustments", body, "finance")


def test_an_adjustment_below_zero_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = _adjust_below_zero(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(
            409,
            "taakstelling",
            ADJUSTED_BELOW_ZERO,
            "/api/v1/taakstellingen/ca-premie-caz/adjustments",
        ),
        demo_ledger,
        before,
    )


def test_an_adjustment_below_zero_points_at_its_delta(demo_api: TestClient) -> None:
    response = _adjust_below_zero(demo_api)

    assert response.json()["errors"] == [in_body("delta", ADJUSTED_BELOW_ZERO, "taakstelling")]


TAAKVELD_GONE = "taakveld '6.71' does not exist in the catalogue of fiscal year 2023"
BESPARING = "ca-taakstellende-besparing-zorg-welzijn"  # on taakveld 6.71, 2020..2022


def _adjust_in_a_year_without_the_taakveld(api: TestClient) -> Response:
    body = {"fiscal_year": 2023, "delta": "1.00", "decision": INTERVENTIEPLAN}
    return post(api, f"/api/v1/taakstellingen/{BESPARING}/adjustments", body, "finance")


def test_an_adjustment_in_a_year_whose_catalogue_lacks_the_taakveld_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = _adjust_in_a_year_without_the_taakveld(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(
            422,
            "unknown-taakveld",
            TAAKVELD_GONE,
            f"/api/v1/taakstellingen/{BESPARING}/adjustments",
        ),
        demo_ledger,
        before,
    )


def test_an_adjustment_in_a_year_without_the_taakveld_points_at_the_year(
    demo_api: TestClient,
) -> None:
    response = _adjust_in_a_year_without_the_taakveld(demo_api)

    assert response.json()["errors"] == [in_body("fiscal_year", TAAKVELD_GONE, "unknown-taakveld")]


def test_finance_shifts_part_of_a_taakstelling_to_another(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(
        demo_api,
        "/api/v1/taakstellingen/shifts",
        {
            "source": "ca-meerwerk-werkbedrijf",
            "target": "ca-bijzondere-bijstand-tweedehands",
            "fiscal_year": 2021,
            "amount": "100000.00",
            "decision": INTERVENTIEPLAN,
        },
        "finance",
    )

    giver = Taakstelling.id_for("ca-meerwerk-werkbedrijf")
    taker = Taakstelling.id_for("ca-bijzondere-bijstand-tweedehands")
    assert response.status_code == 200
    assert response.json() == result(
        {"source": giver, "target": taker}, {"source": 2, "target": 2}, DEMO_LAST_POSITION + 2
    )
    ivp = INTERVENTIEPLAN
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(DEMO_LAST_POSITION + 1, "Taakstelling.ShiftedOut", giver, 2, "2021", decision=ivp),
        event(DEMO_LAST_POSITION + 2, "Taakstelling.ShiftedIn", taker, 2, "2021", decision=ivp),
    ]


def test_a_shift_of_more_than_the_source_holds_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": "ca-meerwerk-werkbedrijf",
        "target": "ca-bijzondere-bijstand-tweedehands",
        "fiscal_year": 2021,
        "amount": "1200000.01",
        "decision": INTERVENTIEPLAN,
    }

    response = post(demo_api, "/api/v1/taakstellingen/shifts", body, "finance")

    detail = "'ca-meerwerk-werkbedrijf' holds 1200000.00 for 2021; it cannot shift 1200000.01"
    assert_refused(
        response,
        rule_broken(409, "taakstelling", detail, "/api/v1/taakstellingen/shifts", "amount"),
        demo_ledger,
        before,
    )


def test_a_shift_from_an_unknown_taakstelling_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": "onbekend",
        "target": "ca-bijzondere-bijstand-tweedehands",
        "fiscal_year": 2021,
        "amount": "1.00",
        "decision": INTERVENTIEPLAN,
    }

    response = post(demo_api, "/api/v1/taakstellingen/shifts", body, "finance")

    detail = "taakstelling 'onbekend' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/taakstellingen/shifts", "source"),
        demo_ledger,
        before,
    )


SHIFT_TO_ITSELF = "a taakstelling cannot shift to itself"


def _shift_to_itself(api: TestClient) -> Response:
    body = {
        "source": "ca-premie-caz",
        "target": "ca-premie-caz",
        "fiscal_year": 2021,
        "amount": "1.00",
        "decision": INTERVENTIEPLAN,
    }
    return post(api, "/api/v1/taakstellingen/shifts", body, "finance")


def test_a_shift_to_itself_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = _shift_to_itself(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(409, "taakstelling", SHIFT_TO_ITSELF, "/api/v1/taakstellingen/shifts"),
        demo_ledger,
        before,
    )


def test_a_shift_to_itself_points_at_its_target(demo_api: TestClient) -> None:
    response = _shift_to_itself(demo_api)

    assert response.json()["errors"] == [in_body("target", SHIFT_TO_ITSELF, "taakstelling")]


def test_finance_cancels_a_taakstelling_for_one_year(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(
        demo_api,
        "/api/v1/taakstellingen/ca-premie-caz/cancellations",
        {
            "fiscal_year": 2020,
            "coverage": "Meevallende ontvangsten BUIG",
            "decision": INTERVENTIEPLAN,
        },
        "finance",
    )

    cancelled = Taakstelling.id_for("ca-premie-caz")
    assert response.status_code == 200
    assert response.json() == result(
        {"taakstelling": cancelled}, {"taakstelling": 3}, DEMO_LAST_POSITION + 1
    )
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1,
            "Taakstelling.YearCancelled",
            cancelled,
            3,
            "2020",
            decision=INTERVENTIEPLAN,
        )
    ]


def test_a_year_already_cancelled_has_nothing_to_cancel(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # the amendement of November 2018 cancelled ca-premie-caz for 2019
    before = log_size(demo_ledger)
    path = "/api/v1/taakstellingen/ca-premie-caz/cancellations"

    response = post(
        demo_api,
        path,
        {"fiscal_year": 2019, "coverage": "BUIG", "decision": INTERVENTIEPLAN},
        "finance",
    )

    detail = "'ca-premie-caz' has nothing to cancel in 2019"
    assert_refused(
        response,
        rule_broken(409, "taakstelling", detail, path, "fiscal_year"),
        demo_ledger,
        before,
    )


def test_cancelling_an_unknown_taakstelling_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/taakstellingen/onbekend/cancellations"

    response = post(
        demo_api,
        path,
        {"fiscal_year": 2020, "coverage": "BUIG", "decision": INTERVENTIEPLAN},
        "finance",
    )

    assert_refused(
        response,
        problem(404, "not-found", "taakstelling 'onbekend' does not exist", path),
        demo_ledger,
        before,
    )
