"""Reserve commands over HTTP: what a success answers and records, and every way a request is
refused, each refusal recording nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx2 import Response

from api.ledger import Ledger
from domain.budget import line_id
from domain.reserve import Reserve
from support.commands import (
    FUND,
    INTERVENTIEPLAN,
    SALDIRESERVE,
    WMO_JEUGD,
    ZOMERNOTA,
    assert_refused,
    assert_refused_but_for_errors,
    event,
    events_after,
    fund_line,
    given,
    key_of,
    line,
    post,
    reserve,
    result,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import in_body, problem
from support.ledgers import log_size

# -- reserves --------------------------------------------------------------------------


def test_finance_establishes_a_reserve(api: TestClient, ledger: Ledger) -> None:
    response = post(api, "/api/v1/reserves", reserve("F100"), "finance")

    established = Reserve.id_for("F100")
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/reserves/F100"
    assert response.headers["ETag"] == '"1"'
    assert response.json() == result({"reserve": established}, {"reserve": 1}, 1)
    assert events_after(api, 0) == [
        event(
            1, "Reserve.Established", established, 1, "2026", source="Raadsvoorstel reserves 2026"
        )
    ]


def test_a_reserve_code_is_used_once(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/reserves", reserve(WMO_JEUGD), "finance")

    detail = f"reserve {WMO_JEUGD!r} already exists"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/reserves", "code"),
        demo_ledger,
        before,
    )


def test_a_reserve_names_its_source_document(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/reserves", reserve("F100", source_document=None), "finance")

    detail = "every change names its decision or source document"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/reserves", "source_document"),
        ledger,
        before,
    )


def test_finance_deposits_into_a_reserve(demo_api: TestClient, demo_ledger: Ledger) -> None:
    response = post(
        demo_api,
        f"/api/v1/reserves/{WMO_JEUGD}/deposits",
        {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA},
        "finance",
    )

    deposited = Reserve.id_for(WMO_JEUGD)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"14"'
    assert response.json() == result(
        {"reserve": deposited}, {"reserve": 14}, DEMO_LAST_POSITION + 1
    )
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1, "Reserve.Deposited", deposited, 14, "2019", decision=ZOMERNOTA
        )
    ]


def test_a_deposit_into_an_unknown_reserve_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/reserves/F999/deposits"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "1.00", "decision": ZOMERNOTA}, "finance"
    )

    assert_refused(
        response,
        problem(404, "not-found", "reserve 'F999' does not exist", path),
        demo_ledger,
        before,
    )


def test_a_deposit_of_nothing_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    path = f"/api/v1/reserves/{WMO_JEUGD}/deposits"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "0.00", "decision": ZOMERNOTA}, "finance"
    )

    detail = "the amount must be more than zero"
    assert_refused(
        response, rule_broken(422, "invalid-input", detail, path, "amount"), demo_ledger, before
    )


def test_a_deposit_on_an_unknown_decision_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = f"/api/v1/reserves/{WMO_JEUGD}/deposits"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "1.00", "decision": "geen"}, "finance"
    )

    detail = "decision 'geen' does not exist"
    assert_refused(
        response, rule_broken(422, "not-found", detail, path, "decision"), demo_ledger, before
    )


def test_finance_withdraws_from_a_reserve(demo_api: TestClient, demo_ledger: Ledger) -> None:
    deposit = {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA}
    given(demo_api, f"/api/v1/reserves/{WMO_JEUGD}/deposits", deposit)

    response = post(
        demo_api,
        f"/api/v1/reserves/{WMO_JEUGD}/withdrawals",
        {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA},
        "finance",
    )

    withdrawn = Reserve.id_for(WMO_JEUGD)
    assert response.status_code == 200
    assert response.json() == result(
        {"reserve": withdrawn}, {"reserve": 15}, DEMO_LAST_POSITION + 2
    )
    assert events_after(demo_api, DEMO_LAST_POSITION + 1) == [
        event(
            DEMO_LAST_POSITION + 2, "Reserve.Withdrawn", withdrawn, 15, "2019", decision=ZOMERNOTA
        )
    ]


def test_a_withdrawal_below_a_stated_opening_balance_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given the opening of 2019 stated (without one the balance is unknown: ADR 0027)
    opening = {"fiscal_year": 2019, "amount": "0.00", "source_document": "Jaarrekening 2018"}
    given(demo_api, f"/api/v1/reserves/{WMO_JEUGD}/openings", opening)
    before = log_size(demo_ledger)
    path = f"/api/v1/reserves/{WMO_JEUGD}/withdrawals"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "0.01", "decision": ZOMERNOTA}, "finance"
    )

    detail = f"reserve {WMO_JEUGD} holds 0.00; withdrawing 0.01 would take it below zero"
    assert_refused(
        response,
        rule_broken(409, "reserve-below-zero", detail, path, "amount"),
        demo_ledger,
        before,
    )


def test_a_withdrawal_from_an_unknown_reserve_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/reserves/F999/withdrawals"

    response = post(
        demo_api, path, {"fiscal_year": 2019, "amount": "1.00", "decision": ZOMERNOTA}, "finance"
    )

    assert_refused(
        response,
        problem(404, "not-found", "reserve 'F999' does not exist", path),
        demo_ledger,
        before,
    )


def test_finance_allocates_reserve_money_to_a_line(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given 500.00 deposited into the free part of the reserve
    deposit = {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA}
    given(demo_api, f"/api/v1/reserves/{WMO_JEUGD}/deposits", deposit)
    key = line(2019, "6.1")

    # when
    response = post(
        demo_api,
        f"/api/v1/reserves/{WMO_JEUGD}/allocations",
        {"earmark": "", "allocations": [{"line": key, "amount": "100.00"}], "decision": ZOMERNOTA},
        "finance",
    )

    # then
    allocating, receiving = Reserve.id_for(WMO_JEUGD), line_id(key_of(key))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"15"'
    assert response.json() == result(
        {"reserve": allocating}, {"reserve": 15}, DEMO_LAST_POSITION + 4
    )
    assert events_after(demo_api, DEMO_LAST_POSITION + 1) == [
        event(
            DEMO_LAST_POSITION + 2, "Reserve.Withdrawn", allocating, 15, "2019", decision=ZOMERNOTA
        ),
        event(DEMO_LAST_POSITION + 3, "BudgetLine.Opened", receiving, 1, "2019"),
        event(
            DEMO_LAST_POSITION + 4, "BudgetLine.Amended", receiving, 2, "2019", decision=ZOMERNOTA
        ),
    ]


def test_an_allocation_from_an_unknown_reserve_is_not_found(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/reserves/F999/allocations"
    body = {
        "earmark": "",
        "allocations": [{"line": line(2019, "6.1"), "amount": "1.00"}],
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, path, body, "finance")

    assert_refused(
        response,
        problem(404, "not-found", "reserve 'F999' does not exist", path),
        demo_ledger,
        before,
    )


EARMARK_SPENT = (
    f"earmark {FUND!r} of reserve {SALDIRESERVE} holds 0.00; withdrawing 5.00 would take it "
    "below zero"
)


def _allocate_a_spent_earmark(api: TestClient) -> Response:
    body = {
        "earmark": FUND,
        "allocations": [{"line": fund_line(2019, 2), "amount": "5.00"}],
        "decision": INTERVENTIEPLAN,
    }
    return post(api, f"/api/v1/reserves/{SALDIRESERVE}/allocations", body, "finance")


def test_an_allocation_beyond_the_earmark_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # the demo allocated the whole 2,000,000.00 earmark of the saldireserve
    before = log_size(demo_ledger)

    response = _allocate_a_spent_earmark(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(
            409,
            "reserve-below-zero",
            EARMARK_SPENT,
            f"/api/v1/reserves/{SALDIRESERVE}/allocations",
        ),
        demo_ledger,
        before,
    )


def test_an_allocation_beyond_the_earmark_points_at_the_allocations(
    demo_api: TestClient,
) -> None:
    response = _allocate_a_spent_earmark(demo_api)

    assert response.json()["errors"] == [
        in_body("allocations", EARMARK_SPENT, "reserve-below-zero")
    ]
