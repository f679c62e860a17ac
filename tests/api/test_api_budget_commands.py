"""Budget commands over HTTP: establish, amend, transfer and carry over; what a success answers
and records, and every way a request is refused, each refusal recording nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from api.ledger import Ledger
from domain.budget import line_id
from domain.reserve import Reserve
from support.commands import (
    AMOUNT_FORMAT,
    CLOSED_2019,
    FUND,
    INTERVENTIEPLAN,
    JEUGD_2019,
    MANDAAT,
    SLOTWIJZIGING,
    WMO_JEUGD,
    ZOMERNOTA,
    amend_in_2019,
    assert_refused,
    assert_refused_but_for_errors,
    event,
    events_after,
    fund_line,
    given_adopted,
    given_closed,
    given_proposed,
    key_of,
    label,
    line,
    payloads_after,
    post,
    proposal,
    result,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import in_body, in_header, problem
from support.ledgers import SQLITE_ONLY, log_size

# -- budget: establish ----------------------------------------------------------------


def test_finance_establishes_a_new_lines_budget(demo_api: TestClient, demo_ledger: Ledger) -> None:
    key = line(2019, "6.1")

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"line": key, "amount": "125000.50", "decision": ZOMERNOTA},
        "finance",
    )

    budget_line = line_id(key_of(key))
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/budget/lines/{budget_line}"
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result({"line": budget_line}, {"line": 2}, DEMO_LAST_POSITION + 2)
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(DEMO_LAST_POSITION + 1, "BudgetLine.Opened", budget_line, 1, "2019"),
        event(
            DEMO_LAST_POSITION + 2,
            "BudgetLine.Established",
            budget_line,
            2,
            "2019",
            decision=ZOMERNOTA,
        ),
    ]
    assert payloads_after(demo_api, DEMO_LAST_POSITION)[1]["amount"] == {
        "_type_": "money",
        "_data_": "125000.50",
    }


def test_a_line_that_has_a_budget_is_amended_not_established_again(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"line": JEUGD_2019, "amount": "1.00", "decision": ZOMERNOTA},
        "finance",
    )

    detail = f"line {label(JEUGD_2019)} already has a budget; amend it instead"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/budget/establishments", "line"),
        demo_ledger,
        before,
    )


def test_a_budget_naming_an_unknown_decision_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"line": line(2019, "6.1"), "amount": "1.00", "decision": "raad-nooit-genomen"},
        "finance",
    )

    detail = "decision 'raad-nooit-genomen' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/budget/establishments", "decision"),
        demo_ledger,
        before,
    )


def test_a_budget_on_a_decision_not_yet_adopted_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_proposed(demo_api, proposal("raad-2026-11-voorstel"))
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"line": line(2019, "6.1"), "amount": "1.00", "decision": "raad-2026-11-voorstel"},
        "finance",
    )

    detail = (
        "decision 'raad-2026-11-voorstel' is proposed; "
        "a change takes effect only through an adopted decision"
    )
    assert_refused(
        response,
        rule_broken(409, "unauthorised", detail, "/api/v1/budget/establishments", "decision"),
        demo_ledger,
        before,
    )


def test_a_negative_budget_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"line": line(2019, "6.1"), "amount": "-1.00", "decision": ZOMERNOTA},
        "finance",
    )

    detail = "a budget cannot be negative"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/budget/establishments", "amount"),
        demo_ledger,
        before,
    )


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("amount", "detail"),
    [
        (1234.5, f"{AMOUNT_FORMAT}, not a JSON number"),
        (10, f"{AMOUNT_FORMAT}, not a JSON number"),
        (True, f"{AMOUNT_FORMAT}, not a JSON boolean"),
        ("1234.567", AMOUNT_FORMAT),
        ("NaN", AMOUNT_FORMAT),
        ("1000000000000000.00", AMOUNT_FORMAT),
        ("\uff11\uff10", AMOUNT_FORMAT),
        ("1_000", AMOUNT_FORMAT),
        ("+5", AMOUNT_FORMAT),
        (".5", AMOUNT_FORMAT),
        ("1E+2", AMOUNT_FORMAT),
        ("10\n", AMOUNT_FORMAT),
        (" 10", AMOUNT_FORMAT),
    ],
    ids=[
        "float",
        "integer",
        "boolean",
        "third-decimal",
        "nan",
        "beyond-a-budget",
        "fullwidth-digits",
        "underscore",
        "plus",
        "no-units",
        "exponent",
        "line-break",
        "space",
    ],
)
def test_an_amount_that_is_not_exact_euros_and_cents_is_refused(
    demo_api: TestClient, demo_ledger: Ledger, amount: object, detail: str
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"line": line(2019, "6.1"), "amount": amount, "decision": ZOMERNOTA},
        "finance",
    )

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: amount",
            "/api/v1/budget/establishments",
            in_body("amount", detail, "invalid-amount"),
        ),
        demo_ledger,
        before,
    )


@pytest.mark.parametrize(("year", "taakveld"), [(2019, "6.71a"), (2023, "6.71"), (2025, "6.72a")])
def test_a_taakveld_unknown_in_the_lines_year_is_refused(
    demo_api: TestClient, demo_ledger: Ledger, year: int, taakveld: str
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/establishments",
        {"line": line(year, taakveld), "amount": "1.00", "decision": INTERVENTIEPLAN},
        "finance",
    )

    detail = f"taakveld {taakveld!r} does not exist in the catalogue of fiscal year {year}"
    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: line.taakveld",
            "/api/v1/budget/establishments",
            in_body("line.taakveld", detail, "value_error"),
        ),
        demo_ledger,
        before,
    )


NO_TAAKVELD = "a budget line needs a taakveld"


def _establish_without_taakveld(api: TestClient) -> Response:
    body = {"line": line(2019, None), "amount": "1.00", "decision": ZOMERNOTA}
    return post(api, "/api/v1/budget/establishments", body, "finance")


def test_a_budget_line_without_a_taakveld_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = _establish_without_taakveld(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(422, "invalid-input", NO_TAAKVELD, "/api/v1/budget/establishments"),
        demo_ledger,
        before,
    )


def test_a_missing_taakveld_points_into_the_key(demo_api: TestClient) -> None:
    response = _establish_without_taakveld(demo_api)

    assert response.json()["errors"] == [in_body("line.taakveld", NO_TAAKVELD, "invalid-input")]


def test_a_malformed_known_at_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = {
        "line": line(2019, "6.1"),
        "amount": "1.00",
        "decision": ZOMERNOTA,
        "known_at": "2019-13-01",
    }

    response = post(demo_api, "/api/v1/budget/establishments", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: known_at",
            "/api/v1/budget/establishments",
            in_body(
                "known_at",
                "Input should be a valid datetime or date, month value is outside expected "
                "range of 1-12",
                "datetime_from_date_parsing",
            ),
        ),
        demo_ledger,
        before,
    )


def test_a_known_at_without_a_time_zone_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "line": line(2019, "6.1"),
        "amount": "1.00",
        "decision": ZOMERNOTA,
        "known_at": "2019-08-01T12:00:00",
    }

    response = post(demo_api, "/api/v1/budget/establishments", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: known_at",
            "/api/v1/budget/establishments",
            in_body("known_at", "Input should have timezone info", "timezone_aware"),
        ),
        demo_ledger,
        before,
    )


# -- budget: amend ---------------------------------------------------------------------


def test_finance_amends_a_line(demo_api: TestClient, demo_ledger: Ledger) -> None:
    response = post(
        demo_api,
        "/api/v1/budget/amendments",
        {"line": JEUGD_2019, "delta": "-300000.00", "decision": ZOMERNOTA},
        "finance",
    )

    budget_line = line_id(key_of(JEUGD_2019))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"3"'
    assert response.json() == result({"line": budget_line}, {"line": 3}, DEMO_LAST_POSITION + 1)
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1, "BudgetLine.Amended", budget_line, 3, "2019", decision=ZOMERNOTA
        )
    ]
    assert payloads_after(demo_api, DEMO_LAST_POSITION)[0]["amount"] == {
        "_type_": "money",
        "_data_": "-300000.00",
    }


def test_amending_with_the_lines_current_version_succeeds(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(
        demo_api,
        "/api/v1/budget/amendments",
        {"line": JEUGD_2019, "delta": "1.00", "decision": ZOMERNOTA},
        "finance",
        **{"If-Match": '"2"'},
    )

    assert response.status_code == 200
    assert response.headers["ETag"] == '"3"'


CUT_TOO_DEEP = f"line {label(JEUGD_2019)} holds 2300000.00; it cannot give 2300000.01"


def _cut_too_deep(api: TestClient) -> Response:
    body = {"line": JEUGD_2019, "delta": "-2300000.01", "decision": ZOMERNOTA}
    return post(api, "/api/v1/budget/amendments", body, "finance")


def test_an_amendment_taking_a_line_below_zero_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = _cut_too_deep(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(409, "insufficient-budget", CUT_TOO_DEEP, "/api/v1/budget/amendments"),
        demo_ledger,
        before,
    )


def test_an_amendment_below_zero_points_at_its_delta(demo_api: TestClient) -> None:
    response = _cut_too_deep(demo_api)

    assert response.json()["errors"] == [in_body("delta", CUT_TOO_DEEP, "insufficient-budget")]


def test_an_amendment_of_nothing_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/budget/amendments",
        {"line": JEUGD_2019, "delta": "0.00", "decision": ZOMERNOTA},
        "finance",
    )

    assert_refused_but_for_errors(
        response,
        problem(
            422, "invalid-input", "an amendment changes the amount", "/api/v1/budget/amendments"
        ),
        demo_ledger,
        before,
    )


def test_a_mandate_that_covers_no_amendments_authorises_none(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given a college decision under the mandate (transfers and carry-overs only)
    college = proposal("college-x", body="college", years=(2020, 2020), mandate=MANDAAT)
    given_adopted(demo_api, college, role="finance")
    before = log_size(demo_ledger)

    # when it is used to amend a line of the fund
    response = post(
        demo_api,
        "/api/v1/budget/amendments",
        {"line": fund_line(2020, 2), "delta": "1000.00", "decision": "college-x"},
        "finance",
    )

    # then
    detail = f"mandate {MANDAAT!r} does not cover a amend on fund {FUND!r} in 2020"
    assert_refused(
        response,
        rule_broken(409, "unauthorised", detail, "/api/v1/budget/amendments", "decision"),
        demo_ledger,
        before,
    )


def test_an_amendment_in_a_closed_year_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)

    response = amend_in_2019(demo_api)

    assert_refused_but_for_errors(
        response,
        problem(409, "fiscal-year-closed", CLOSED_2019, "/api/v1/budget/amendments"),
        demo_ledger,
        before,
    )


def test_a_closed_year_points_at_the_lines_fiscal_year(demo_api: TestClient) -> None:
    given_closed(demo_api, 2019)

    response = amend_in_2019(demo_api)

    assert response.json()["errors"] == [
        in_body("line.fiscal_year", CLOSED_2019, "fiscal-year-closed")
    ]


# -- budget: transfer ------------------------------------------------------------------


def test_finance_transfers_budget_to_a_new_line(demo_api: TestClient, demo_ledger: Ledger) -> None:
    target = line(2019, "6.71")

    response = post(
        demo_api,
        "/api/v1/budget/transfers",
        {"source": JEUGD_2019, "target": target, "amount": "1000.00", "decision": ZOMERNOTA},
        "finance",
    )

    giver, taker = line_id(key_of(JEUGD_2019)), line_id(key_of(target))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"3"'
    assert response.json() == result(
        {"source": giver, "target": taker}, {"source": 3, "target": 2}, DEMO_LAST_POSITION + 3
    )
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1,
            "BudgetLine.TransferredOut",
            giver,
            3,
            "2019",
            decision=ZOMERNOTA,
        ),
        event(DEMO_LAST_POSITION + 2, "BudgetLine.Opened", taker, 1, "2019"),
        event(
            DEMO_LAST_POSITION + 3, "BudgetLine.TransferredIn", taker, 2, "2019", decision=ZOMERNOTA
        ),
    ]
    transferred_out, _, transferred_in = payloads_after(demo_api, DEMO_LAST_POSITION)
    assert transferred_out["to_line"] == {"_type_": "uuid_hex", "_data_": taker.hex}
    assert transferred_in["from_line"] == {"_type_": "uuid_hex", "_data_": giver.hex}
    assert transferred_out["meta"]["_data_"]["actor"] == "demo finance"


def test_the_college_transfers_within_the_fund_under_the_mandate(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    college = proposal("college-x", body="college", years=(2020, 2020), mandate=MANDAAT)
    given_adopted(demo_api, college, role="finance")
    before = log_size(demo_ledger)
    source, target = fund_line(2020, 2), fund_line(2020, 9)

    response = post(
        demo_api,
        "/api/v1/budget/transfers",
        {"source": source, "target": target, "amount": "1000.00", "decision": "college-x"},
        "finance",
    )

    giver, taker = line_id(key_of(source)), line_id(key_of(target))
    assert response.status_code == 200
    assert response.json() == result(
        {"source": giver, "target": taker}, {"source": 7, "target": 4}, before + 2
    )
    assert events_after(demo_api, before) == [
        event(before + 1, "BudgetLine.TransferredOut", giver, 7, "2020", decision="college-x"),
        event(before + 2, "BudgetLine.TransferredIn", taker, 4, "2020", decision="college-x"),
    ]


def test_a_transfer_larger_than_the_line_is_refused_and_records_nothing(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": JEUGD_2019,
        "target": line(2019, "6.71"),
        "amount": "2300000.01",
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = f"line {label(JEUGD_2019)} holds 2300000.00; it cannot give 2300000.01"
    assert_refused(
        response,
        rule_broken(409, "insufficient-budget", detail, "/api/v1/budget/transfers", "amount"),
        demo_ledger,
        before,
    )


def test_a_transfer_between_years_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": JEUGD_2019,
        "target": line(2020, "6.72"),
        "amount": "1.00",
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = "a transfer stays within one fiscal year; carry over to move between years"
    assert_refused(
        response,
        rule_broken(
            409, "invalid-transfer", detail, "/api/v1/budget/transfers", "target.fiscal_year"
        ),
        demo_ledger,
        before,
    )


def test_a_transfer_to_its_own_line_is_refused(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = {"source": JEUGD_2019, "target": JEUGD_2019, "amount": "1.00", "decision": ZOMERNOTA}

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = "a transfer needs two different lines"
    assert_refused(
        response,
        rule_broken(409, "invalid-transfer", detail, "/api/v1/budget/transfers", "target"),
        demo_ledger,
        before,
    )


def test_a_transfer_from_a_line_that_does_not_exist_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    source = line(2019, "6.3")
    body = {"source": source, "target": JEUGD_2019, "amount": "1.00", "decision": ZOMERNOTA}

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = f"line {label(source)} does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/budget/transfers", "source"),
        demo_ledger,
        before,
    )


def test_a_transfer_between_funds_needs_the_raad(demo_api: TestClient, demo_ledger: Ledger) -> None:
    college = proposal("college-x", body="college", years=(2020, 2020), mandate=MANDAAT)
    given_adopted(demo_api, college, role="finance")
    before = log_size(demo_ledger)
    body = {
        "source": fund_line(2020, 2),
        "target": line(2020, "6.71"),
        "amount": "1.00",
        "decision": "college-x",
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    detail = "a transfer between funds needs a decision of the raad"
    assert_refused(
        response,
        rule_broken(409, "unauthorised", detail, "/api/v1/budget/transfers", "decision"),
        demo_ledger,
        before,
    )


def test_a_transfer_on_a_stale_source_version_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": JEUGD_2019,
        "target": line(2019, "6.71"),
        "amount": "1.00",
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance", **{"If-Match": '"1"'})

    detail = "the record is at version 2, not 1: it changed since it was read; read it again"
    assert_refused(
        response,
        problem(
            409,
            "stale-version",
            detail,
            "/api/v1/budget/transfers",
            in_header("If-Match", detail, "stale-version"),
        ),
        demo_ledger,
        before,
    )


def test_a_transfer_naming_an_unknown_taakveld_and_three_decimals_is_refused_on_both(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": JEUGD_2019,
        "target": line(2019, "6.71b"),
        "amount": "1.005",
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/budget/transfers", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: amount, target.taakveld",
            "/api/v1/budget/transfers",
            in_body(
                "target.taakveld",
                "taakveld '6.71b' does not exist in the catalogue of fiscal year 2019",
                "value_error",
            ),
            in_body("amount", AMOUNT_FORMAT, "invalid-amount"),
        ),
        demo_ledger,
        before,
    )


# -- budget: carry over ----------------------------------------------------------------


def test_finance_carries_unspent_budget_over_through_a_reserve(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    source, target = fund_line(2019, 4), fund_line(2020, 4)

    response = post(
        demo_api,
        "/api/v1/budget/carry-overs",
        {
            "source": source,
            "target": target,
            "amount": "1000.00",
            "reserve": WMO_JEUGD,
            "decision": SLOTWIJZIGING,
        },
        "finance",
    )

    giver, taker = line_id(key_of(source)), line_id(key_of(target))
    store = Reserve.id_for(WMO_JEUGD)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"6"'
    assert response.json() == result(
        {"source": giver, "target": taker, "reserve": store},
        {"source": 6, "target": 3, "reserve": 15},
        DEMO_LAST_POSITION + 4,
    )
    slot = SLOTWIJZIGING
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(DEMO_LAST_POSITION + 1, "BudgetLine.CarriedOver", giver, 6, "2019", decision=slot),
        event(DEMO_LAST_POSITION + 2, "Reserve.Deposited", store, 14, "2019", decision=slot),
        event(DEMO_LAST_POSITION + 3, "Reserve.Withdrawn", store, 15, "2020", decision=slot),
        event(DEMO_LAST_POSITION + 4, "BudgetLine.CarriedIn", taker, 3, "2020", decision=slot),
    ]


def test_a_carry_over_goes_to_a_later_year(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": fund_line(2019, 4),
        "target": fund_line(2019, 2),
        "amount": "1.00",
        "reserve": WMO_JEUGD,
        "decision": SLOTWIJZIGING,
    }

    response = post(demo_api, "/api/v1/budget/carry-overs", body, "finance")

    detail = "a carry-over goes to a later fiscal year"
    assert_refused(
        response,
        rule_broken(
            409, "invalid-transfer", detail, "/api/v1/budget/carry-overs", "target.fiscal_year"
        ),
        demo_ledger,
        before,
    )


def test_a_carry_over_through_an_unknown_reserve_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "source": fund_line(2019, 4),
        "target": fund_line(2020, 4),
        "amount": "1.00",
        "reserve": "F999",
        "decision": SLOTWIJZIGING,
    }

    response = post(demo_api, "/api/v1/budget/carry-overs", body, "finance")

    detail = "reserve 'F999' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/budget/carry-overs", "reserve"),
        demo_ledger,
        before,
    )


def test_a_carry_over_of_more_than_is_unspent_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    source = fund_line(2019, 4)  # 150,000 allocated, 80,000 carried over already
    body = {
        "source": source,
        "target": fund_line(2020, 4),
        "amount": "70000.01",
        "reserve": WMO_JEUGD,
        "decision": SLOTWIJZIGING,
    }

    response = post(demo_api, "/api/v1/budget/carry-overs", body, "finance")

    detail = f"line {label(source)} holds 70000.00; it cannot give 70000.01"
    assert_refused(
        response,
        rule_broken(409, "insufficient-budget", detail, "/api/v1/budget/carry-overs", "amount"),
        demo_ledger,
        before,
    )
