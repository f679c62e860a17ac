"""Reserves as balances over HTTP (ADR 0027): stating an opening, earmarking and releasing
(finance), the balances per reserve and year with an unknown opening as null, and the
events behind one figure; bad input is a problem naming its field."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.ledger import Ledger
from domain.reserve import Reserve
from support.commands import (
    SALDIRESERVE,
    WMO_JEUGD,
    ZOMERNOTA,
    assert_refused,
    event,
    events_after,
    given,
    post,
    result,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import paging, problem, query_error
from support.ledgers import log_size
from support.queries import AUDITOR, NOW, read

F058 = {"code": "F058", "name": "Bestemmingsreserve Wmo-Jeugd", "kind": "bestemming"}
JAARREKENING = "Jaarrekening 2018, staat van reserves"


def free(**figures: str | None) -> dict[str, Any]:
    part: dict[str, Any] = {
        "opening": None,
        "deposits": "0.00",
        "withdrawals": "0.00",
        "earmarked": "0.00",
        "released": "0.00",
        "closing": None,
    }
    return {**part, **figures}


def f058(year: int, **figures: Any) -> dict[str, Any]:
    unknown = {"opening": None, "opening_known": False, "opening_stated": False}
    return {
        **F058,
        "fiscal_year": year,
        **unknown,
        "deposits": "0.00",
        "withdrawals": "0.00",
        "closing": None,
        "earmarks": [],
        "implied_opening": None,
        **figures,
    }


def implied(shortfall: str) -> dict[str, str]:
    return {
        "shortfall": shortfall,
        "message": f"withdrawals exceed the known movements by EUR {shortfall}: an opening "
        f"balance of at least {shortfall} is implied",
    }


# F058's withdrawals from its free part before any known movement (README A21): EUR 3m in
# 2017 and EUR 1m in 2018, each implying an opening of at least what has gone out so far.
F058_2017_2018 = [
    f058(
        2017,
        withdrawals="3000000.00",
        free=free(withdrawals="3000000.00"),
        implied_opening=implied("3000000.00"),
    ),
    f058(
        2018,
        withdrawals="1000000.00",
        free=free(withdrawals="1000000.00"),
        implied_opening=implied("4000000.00"),
    ),
]


# -- commands --------------------------------------------------------------------------


def test_finance_states_an_opening_balance_with_its_source(
    demo_api: TestClient,
) -> None:
    body = {"fiscal_year": 2019, "amount": "1000.00", "source_document": JAARREKENING}

    response = post(demo_api, f"/api/v1/reserves/{WMO_JEUGD}/openings", body, "finance")

    stated = Reserve.id_for(WMO_JEUGD)
    assert response.status_code == 200
    assert response.json() == result({"reserve": stated}, {"reserve": 14}, DEMO_LAST_POSITION + 1)
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1,
            "Reserve.OpeningBalanceStated",
            stated,
            14,
            "2019",
            source=JAARREKENING,
        )
    ]


def test_an_opening_balance_names_a_decision_or_its_source(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = f"/api/v1/reserves/{WMO_JEUGD}/openings"

    response = post(demo_api, path, {"fiscal_year": 2019, "amount": "1.00"}, "finance")

    detail = "every change names its decision or source document"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, path, "source_document"),
        demo_ledger,
        before,
    )


def test_an_opening_correction_known_before_the_statement_it_corrects_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    path = f"/api/v1/reserves/{WMO_JEUGD}/openings"
    stated = {"fiscal_year": 2021, "amount": "100000.00", "source_document": JAARREKENING}
    given(demo_api, path, {**stated, "known_at": "2021-03-01T00:00:00Z"})
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        path,
        {**stated, "amount": "150000.00", "known_at": "2021-01-01T00:00:00Z"},
        "finance",
    )

    detail = "a correction of an opening balance cannot be known before the statement it corrects"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, path, "known_at"),
        demo_ledger,
        before,
    )


def test_finance_earmarks_from_a_free_part_whose_balance_is_unknown_and_releases_it(
    demo_api: TestClient,
) -> None:
    body = {"fiscal_year": 2019, "amount": "500.00", "earmark": "wijkteams", "decision": ZOMERNOTA}

    earmarked = post(demo_api, f"/api/v1/reserves/{SALDIRESERVE}/earmarks", body, "finance")
    released = post(demo_api, f"/api/v1/reserves/{SALDIRESERVE}/releases", body, "finance")

    saldi = Reserve.id_for(SALDIRESERVE)
    assert (earmarked.status_code, released.status_code) == (200, 200)
    assert released.json() == result({"reserve": saldi}, {"reserve": 7}, DEMO_LAST_POSITION + 2)
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(DEMO_LAST_POSITION + 1, "Reserve.Earmarked", saldi, 6, "2019", decision=ZOMERNOTA),
        event(
            DEMO_LAST_POSITION + 2, "Reserve.EarmarkReleased", saldi, 7, "2019", decision=ZOMERNOTA
        ),
    ]


def test_releasing_more_than_an_earmark_holds_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = f"/api/v1/reserves/{SALDIRESERVE}/releases"
    body = {"fiscal_year": 2019, "amount": "0.01", "earmark": "wijkteams", "decision": ZOMERNOTA}

    response = post(demo_api, path, body, "finance")

    detail = (
        f"earmark 'wijkteams' of reserve {SALDIRESERVE} holds 0.00; releasing 0.01 would take "
        "it below zero"
    )
    assert_refused(
        response,
        rule_broken(409, "reserve-below-zero", detail, path, "amount"),
        demo_ledger,
        before,
    )


def test_a_withdrawal_from_a_free_part_whose_opening_is_unknown_is_accepted(
    demo_api: TestClient,
) -> None:
    body = {"fiscal_year": 2020, "amount": "1000.00", "decision": ZOMERNOTA}

    response = post(demo_api, f"/api/v1/reserves/{WMO_JEUGD}/withdrawals", body, "finance")

    assert response.status_code == 200
    [row] = read(demo_api, "/api/v1/reserves/balances", code=WMO_JEUGD, fiscal_year=2020)["rows"]
    # the EUR 4m F058 gave in 2017 and 2018, less the 256,000 carried through it, plus this
    assert row["implied_opening"] == implied("4001000.00")


# -- reads -----------------------------------------------------------------------------


def test_balances_show_an_unknown_opening_as_null_never_zero(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/reserves/balances", code=WMO_JEUGD)

    assert body == {
        "basis": NOW,
        "rows": [
            *F058_2017_2018,
            f058(
                2019,
                deposits="256000.00",
                free=free(deposits="256000.00"),
                implied_opening=implied("4000000.00"),
            ),
            f058(
                2020,
                withdrawals="256000.00",
                free=free(withdrawals="256000.00"),
                implied_opening=implied("4000000.00"),
            ),
        ],
        "paging": paging(4),
    }


def test_a_stated_opening_makes_the_year_and_the_next_known(demo_api: TestClient) -> None:
    opening = {"fiscal_year": 2019, "amount": "1000.00", "source_document": JAARREKENING}
    given(demo_api, f"/api/v1/reserves/{WMO_JEUGD}/openings", opening)

    rows = read(demo_api, "/api/v1/reserves/balances", code=WMO_JEUGD)["rows"]

    known = {"opening_known": True}
    assert rows == [
        *F058_2017_2018,  # before the stated opening: still unknown
        f058(
            2019,
            **known,
            opening="1000.00",
            opening_stated=True,
            deposits="256000.00",
            closing="257000.00",
            free=free(opening="1000.00", deposits="256000.00", closing="257000.00"),
        ),
        f058(
            2020,
            **known,
            opening="257000.00",
            withdrawals="256000.00",
            closing="1000.00",
            free=free(opening="257000.00", withdrawals="256000.00", closing="1000.00"),
        ),
    ]


def test_the_lineage_of_a_figure_adds_up_to_it(demo_api: TestClient) -> None:
    body = read(
        demo_api, "/api/v1/lineage/reserve", code=WMO_JEUGD, fiscal_year=2019, figure="deposits"
    )

    assert (body["basis"], body["code"], body["figure"], body["value"]) == (
        NOW,
        WMO_JEUGD,
        "deposits",
        "256000.00",
    )
    assert body["rows"][-1]["running_total"] == "256000.00"
    assert {(row["event"], row["subject"]) for row in body["rows"]} == {("Deposited", "(vrij)")}


def test_an_unknown_figure_is_a_problem_naming_the_figure(demo_api: TestClient) -> None:
    url = "/api/v1/lineage/reserve"

    response = demo_api.get(
        url, params={"code": WMO_JEUGD, "fiscal_year": 2019, "figure": "saldo"}, headers=AUDITOR
    )

    detail = "unknown figure 'saldo': use opening, deposits, withdrawals, closing or earmark:<name>"
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(
        422, "invalid-figure", detail, url, query_error("figure", detail, "invalid-figure")
    )


def test_a_bad_fiscal_year_is_a_problem_naming_it(demo_api: TestClient) -> None:
    url = "/api/v1/reserves/balances"

    response = demo_api.get(url, params={"fiscal_year": "2019x"}, headers=AUDITOR)

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        "the request has invalid fields: fiscal_year",
        url,
        query_error(
            "fiscal_year",
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        ),
    )


def test_the_lineage_of_an_unknown_reserve_is_not_found(demo_api: TestClient) -> None:
    url = "/api/v1/lineage/reserve"

    response = demo_api.get(
        url, params={"code": "F999", "fiscal_year": 2019, "figure": "opening"}, headers=AUDITOR
    )

    assert response.status_code == 404
    assert response.json() == problem(
        404, "not-found", "reserve 'F999' does not exist as of this basis", url
    )
