"""The stated facts' commands over HTTP (ADR 0030): what a success answers and records, and
refusals naming the body member at fault, each recording nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.ledger import Ledger
from domain.budget import line_id
from domain.kengetal import Kengetal
from domain.stated_result import StatedResult
from support.commands import (
    INTERVENTIEPLAN,
    assert_refused,
    event,
    events_after,
    fund_line,
    key_of,
    payloads_after,
    post,
    result,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import bearer, in_body, problem
from support.ledgers import log_size

LAST = DEMO_LAST_POSITION
KENGETAL = {
    "reference": "ivp-2-bezoeken-stips",
    "label": "Aantal bezoeken Stips per jaar",
    "unit": "count",
    "fiscal_year": 2017,
    "interventie": 2,
    "source_document": "Interventieplan fase 4",
}
MEASUREMENT = {
    "reference": "ivp-2-bezoeken-stips",
    "fiscal_year": 2019,
    "value": "7.7",
    "peildatum": "2019-01-31",
    "source_document": "Interventieplan fase 4",
}
# The demo states the Q4 report's four domains for 2019; this is a fifth.
RESULT = {
    "fiscal_year": 2019,
    "domain": "schuldhulp",
    "label": "Schuldhulp",
    "scope": "Op het onderdeel Wmo realiseren we over 2019 een voordelig resultaat",
    "amount": "1000000.00",
    "status": "voorlopig",
    "source_document": "Kwartaalrapportage Q4 2019",
}
RESTATEMENT = {
    "fiscal_year": 2019,
    "domain": "schuldhulp",
    "corrects_version": 1,
    "amount": "1100000.00",
    "status": "definitief",
    "reason": "jaarrekening",
    "source_document": "Jaarrekening 2019",
}
IVP_2_2019 = fund_line(2019, 2)  # 291,000.00 in the demo
SPECIFICATION = {
    "line": IVP_2_2019,
    "activity": "Opbouwwerk",
    # The demo specifies 64k + 76k + 169k of the 309k allocated; the line now holds 291k
    # after its carry-over, so Opbouwwerk is re-specified within what is left.
    "amount": "50000.00",
    "decision": INTERVENTIEPLAN,
}


def test_finance_defines_and_measures_a_kengetal(demo_api: TestClient) -> None:
    defined = post(demo_api, "/api/v1/kengetallen", KENGETAL, "finance")
    measured = post(demo_api, "/api/v1/kengetallen/measurements", MEASUREMENT, "finance")

    kengetal = Kengetal.id_for("ivp-2-bezoeken-stips")
    assert (defined.status_code, measured.status_code) == (200, 200)
    assert defined.json() == result({"kengetal": kengetal}, {"kengetal": 1}, LAST + 1)
    assert measured.json() == result({"kengetal": kengetal}, {"kengetal": 2}, LAST + 2)
    source = "Interventieplan fase 4"
    assert events_after(demo_api, LAST) == [
        event(LAST + 1, "Kengetal.Defined", kengetal, 1, "2017", source=source),
        event(LAST + 2, "Kengetal.Measured", kengetal, 2, "2019", source=source),
    ]
    measured_payload = payloads_after(demo_api, LAST + 1)[0]
    assert (
        measured_payload["value"],
        measured_payload["peildatum"],
        measured_payload["replaces_version"],
    ) == (
        {"_type_": "decimal_str", "_data_": "7.7"},
        {"_type_": "date", "_data_": "2019-01-31"},
        None,
    )


def test_a_kengetal_value_is_a_decimal_string_not_a_json_number(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    post(demo_api, "/api/v1/kengetallen", KENGETAL, "finance")
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/kengetallen/measurements", {**MEASUREMENT, "value": 7.7}, "finance"
    )

    detail = (
        "a kengetal's value is a string of ASCII digits with an optional leading minus and at "
        'most nine decimals after a point, such as "15000" or "7.7"'
    )
    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: value",
            "/api/v1/kengetallen/measurements",
            in_body("value", detail, "invalid-value"),
        ),
        demo_ledger,
        before,
    )


def test_measuring_an_undefined_kengetal_names_the_reference(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/kengetallen/measurements", MEASUREMENT, "finance")

    detail = "kengetal 'ivp-2-bezoeken-stips' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/kengetallen/measurements", "reference"),
        demo_ledger,
        before,
    )


def test_finance_states_and_restates_a_result(demo_api: TestClient) -> None:
    stated = post(demo_api, "/api/v1/stated-results", RESULT, "finance")
    restated = post(demo_api, "/api/v1/stated-results/restatements", RESTATEMENT, "finance")

    wmo = StatedResult.id_for(2019, "schuldhulp")
    assert stated.json() == result({"stated_result": wmo}, {"stated_result": 1}, LAST + 1)
    assert restated.json() == result({"stated_result": wmo}, {"stated_result": 2}, LAST + 2)
    assert events_after(demo_api, LAST) == [
        event(LAST + 1, "StatedResult.Stated", wmo, 1, "2019", source="Kwartaalrapportage Q4 2019"),
        event(LAST + 2, "StatedResult.Restated", wmo, 2, "2019", source="Jaarrekening 2019"),
    ]


def test_a_restatement_of_a_stale_version_names_corrects_version(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    post(demo_api, "/api/v1/stated-results", RESULT, "finance")
    post(demo_api, "/api/v1/stated-results/restatements", RESTATEMENT, "finance")
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/stated-results/restatements",
        {**RESTATEMENT, "amount": "1200000.00"},
        "finance",
    )

    assert response.status_code == 409
    assert response.json()["errors"] == [
        in_body(
            "corrects_version",
            "the restatement names version 1, but the current result of schuldhulp 2019 is "
            "version 2",
            "realisation",
        )
    ]
    assert log_size(demo_ledger) == before


def line_2_in_2019(api: TestClient) -> dict[str, object]:
    lines = api.get(
        "/api/v1/budget/lines",
        params={"fiscal_year": 2019, "fund": "transformatiebudget"},
        headers=bearer("auditor"),
    ).json()
    [row] = [row for row in lines["rows"] if row["interventie"] == 2]
    return {"amount": row["amount"], "mutations": row["mutations"]}


def test_finance_specifies_a_line_and_no_money_moves(demo_api: TestClient) -> None:
    before = line_2_in_2019(demo_api)

    response = post(demo_api, "/api/v1/budget/specifications", SPECIFICATION, "finance")

    line = line_id(key_of(IVP_2_2019))
    assert response.status_code == 200
    assert response.json() == result({"line": line}, {"line": 7}, LAST + 1)
    assert events_after(demo_api, LAST) == [
        event(LAST + 1, "BudgetLine.Specified", line, 7, "2019", decision=INTERVENTIEPLAN)
    ]
    assert line_2_in_2019(demo_api) == before == {"amount": "291000.00", "mutations": 2}


def test_parts_beyond_the_line_are_refused_naming_the_amount(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/specifications",
        {**SPECIFICATION, "amount": "291000.01"},
        "finance",
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "amount"
    assert log_size(demo_ledger) == before


def test_a_negative_part_is_refused_with_a_422_naming_the_amount(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/budget/specifications", {**SPECIFICATION, "amount": "-1.00"}, "finance"
    )

    detail = "a specified amount cannot be negative"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/budget/specifications", "amount"),
        demo_ledger,
        before,
    )


def test_a_retried_command_under_its_idempotency_key_records_once(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    key = {"Idempotency-Key": "stated-wmo-2019"}
    first = post(demo_api, "/api/v1/stated-results", RESULT, "finance", **key)
    again = post(demo_api, "/api/v1/stated-results", RESULT, "finance", **key)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert log_size(demo_ledger) == LAST + 1


def test_the_griffie_may_not_state_a_result(demo_api: TestClient, demo_ledger: Ledger) -> None:
    response = post(demo_api, "/api/v1/stated-results", RESULT, "griffie")

    assert response.status_code == 403
    assert log_size(demo_ledger) == LAST
