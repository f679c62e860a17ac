"""Fiscal-year commands over HTTP: closing, reopening (ADR 0010) and the resultaat voorgaand jaar
(ADR 0010); what a success answers and records, and every refusal, each recording nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid5

import pytest
from fastapi.testclient import TestClient

from api.ledger import Ledger
from domain.events import BEGROTING_NAMESPACE
from domain.fiscal_year import FiscalYear
from domain.realisation import late_result_id, realisation_id
from support.clock import CLOCK_START, Clock
from support.commands import (
    CLOSED_2019,
    FUND,
    JAARREKENING,
    NOW,
    SLOTWIJZIGING,
    WWZ,
    ZOMERNOTA,
    amend_in_2019,
    assert_refused,
    event,
    events_after,
    fund_line,
    given_adopted,
    given_closed,
    given_proposed,
    key_of,
    label,
    post,
    proposal,
    result,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import Body, bearer, in_path, problem
from support.ledgers import log_size

# -- fiscal years ----------------------------------------------------------------------


def test_finance_closes_a_fiscal_year_on_the_adopted_jaarrekening(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_adopted(demo_api, proposal(JAARREKENING, kind="jaarrekening"))
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/fiscal-years/2019/close", {"decision": JAARREKENING}, "finance"
    )

    year = FiscalYear.id_for(2019)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result({"fiscal_year": year}, {"fiscal_year": 2}, before + 2)
    assert events_after(demo_api, before) == [
        event(before + 1, "FiscalYear.Registered", year, 1, "2019"),
        event(before + 2, "FiscalYear.Closed", year, 2, "2019", decision=JAARREKENING),
    ]


def test_a_closed_year_is_not_closed_again(demo_api: TestClient, demo_ledger: Ledger) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/close"

    response = post(demo_api, path, {"decision": JAARREKENING}, "finance")

    assert_refused(
        response,
        problem(
            409,
            "fiscal-year-closed",
            CLOSED_2019,
            path,
            in_path("fiscal_year", CLOSED_2019, "fiscal-year-closed"),
        ),
        demo_ledger,
        before,
    )


def test_only_a_jaarrekening_closes_a_year(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/close"

    response = post(demo_api, path, {"decision": ZOMERNOTA}, "finance")

    detail = "a fiscal year is closed by the jaarrekening the raad adopted"
    assert_refused(
        response, rule_broken(422, "invalid-input", detail, path, "decision"), demo_ledger, before
    )


def test_closing_on_an_unknown_decision_is_refused(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)
    path = "/api/v1/fiscal-years/2019/close"

    response = post(api, path, {"decision": JAARREKENING}, "finance")

    detail = f"decision {JAARREKENING!r} does not exist"
    assert_refused(
        response, rule_broken(422, "not-found", detail, path, "decision"), ledger, before
    )


@pytest.mark.parametrize(
    ("year", "detail", "code"),
    [
        ("1999", "Input should be greater than or equal to 2000", "greater_than_equal"),
        (
            "twintig",
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        ),
    ],
)
def test_a_fiscal_year_in_the_path_is_a_year_of_this_ledger(
    api: TestClient, ledger: Ledger, year: str, detail: str, code: str
) -> None:
    before = log_size(ledger)
    path = f"/api/v1/fiscal-years/{year}/close"

    response = post(api, path, {"decision": JAARREKENING}, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: fiscal_year",
            path,
            in_path("fiscal_year", detail, code),
        ),
        ledger,
        before,
    )


# -- reopening a fiscal year (ADR 0010) ------------------------------------------------

HERSTEL = "raad-2020-09-herstel-jaarrekening-2019"  # a raad begrotingswijziging for 2019
NOT_CLOSED_2019 = "fiscal year 2019 is not closed; there is nothing to reopen"


def _at(minutes: int) -> str:
    return (CLOCK_START + timedelta(minutes=minutes)).isoformat()


def _trail(status: str, decision: str, minutes: int, position: int) -> Body:
    moment = _at(minutes)
    return {
        "status": status,
        "decision": decision,
        "known_at": moment,
        "recorded_at": moment,
        "position": position,
    }


def _fiscal_years(api: TestClient, **params: str) -> Body:
    response = api.get("/api/v1/fiscal-years", params=params, headers=bearer("auditor"))
    assert response.status_code == 200, response.text
    answer: Body = response.json()
    return answer


def _year(*trail: Body) -> Body:
    return {"fiscal_year": 2019, **{k: v for k, v in trail[-1].items()}, "trail": list(trail)}


def test_a_locked_year_refuses_a_mutation_until_the_raad_reopens_it_and_the_trail_shows_both(
    demo_api: TestClient, demo_ledger: Ledger, clock: Clock
) -> None:
    given_closed(demo_api, 2019)  # DEMO_LAST_POSITION + 1 to + 4, at minute 0
    refused = amend_in_2019(demo_api)
    assert (refused.status_code, refused.json()["code"]) == (409, "fiscal-year-closed")
    assert log_size(demo_ledger) == DEMO_LAST_POSITION + 4
    clock.advance(timedelta(minutes=60))
    given_adopted(demo_api, proposal(HERSTEL))  # DEMO_LAST_POSITION + 5 to + 6

    reopened = post(demo_api, "/api/v1/fiscal-years/2019/reopen", {"decision": HERSTEL}, "finance")

    year = FiscalYear.id_for(2019)
    assert reopened.status_code == 200
    assert reopened.headers["ETag"] == '"3"'
    assert reopened.json() == result(
        {"fiscal_year": year}, {"fiscal_year": 3}, DEMO_LAST_POSITION + 7
    )
    assert events_after(demo_api, DEMO_LAST_POSITION + 6) == [
        {
            **event(
                DEMO_LAST_POSITION + 7, "FiscalYear.Reopened", year, 3, "2019", decision=HERSTEL
            ),
            "known_at": _at(60),
            "recorded_at": _at(60),
        }
    ]
    clock.advance(timedelta(minutes=60))
    accepted = amend_in_2019(demo_api)
    assert (accepted.status_code, accepted.json()["position"]) == (200, DEMO_LAST_POSITION + 8)
    clock.advance(timedelta(minutes=60))
    closed_again = post(
        demo_api, "/api/v1/fiscal-years/2019/close", {"decision": JAARREKENING}, "finance"
    )
    assert closed_again.json() == result(
        {"fiscal_year": year}, {"fiscal_year": 4}, DEMO_LAST_POSITION + 9
    )
    assert amend_in_2019(demo_api).status_code == 409

    closed = _trail("closed", JAARREKENING, 0, DEMO_LAST_POSITION + 4)
    reopening = _trail("reopened", HERSTEL, 60, DEMO_LAST_POSITION + 7)
    closing_again = _trail("closed", JAARREKENING, 180, DEMO_LAST_POSITION + 9)
    assert _fiscal_years(demo_api)["rows"] == [_year(closed, reopening, closing_again)]
    assert _fiscal_years(demo_api, as_of=_at(30))["rows"] == [_year(closed)]
    assert _fiscal_years(demo_api, as_of=_at(90))["rows"] == [_year(closed, reopening)]
    assert _fiscal_years(demo_api, as_of=_at(-1))["rows"] == []


def test_a_year_that_is_not_closed_is_not_reopened(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_adopted(demo_api, proposal(HERSTEL))
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/reopen"

    response = post(demo_api, path, {"decision": HERSTEL}, "finance")

    assert_refused(
        response,
        problem(
            409,
            "fiscal-year-open",
            NOT_CLOSED_2019,
            path,
            in_path("fiscal_year", NOT_CLOSED_2019, "fiscal-year-open"),
        ),
        demo_ledger,
        before,
    )


def test_only_a_raad_jaarrekening_or_begrotingswijziging_reopens_a_year(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/reopen"

    response = post(demo_api, path, {"decision": SLOTWIJZIGING}, "finance")

    detail = (
        "a fiscal year is reopened by a decision of the raad: "
        "a jaarrekening or a begrotingswijziging"
    )
    assert_refused(
        response, rule_broken(422, "invalid-input", detail, path, "decision"), demo_ledger, before
    )


def test_the_jaarrekening_that_closed_a_year_does_not_reopen_it(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/reopen"

    response = post(demo_api, path, {"decision": JAARREKENING}, "finance")

    detail = "the decision that closed the year cannot reopen it"
    assert_refused(
        response, rule_broken(422, "invalid-input", detail, path, "decision"), demo_ledger, before
    )


def test_reopening_on_a_proposed_decision_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    given_proposed(demo_api, proposal(HERSTEL))
    before = log_size(demo_ledger)
    path = "/api/v1/fiscal-years/2019/reopen"

    response = post(demo_api, path, {"decision": HERSTEL}, "finance")

    detail = (
        f"decision {HERSTEL!r} is proposed; a change takes effect only through an adopted decision"
    )
    assert_refused(
        response, rule_broken(409, "unauthorised", detail, path, "decision"), demo_ledger, before
    )


# -- resultaat voorgaand jaar (ADR 0010) ------------------------------------------------

LATE_KEY = "late-2019-wijkaanpak"
# The demo's voorlopige 2019 realisation of interventie 2 on the fund: 290,000.00, version 1.
WIJKAANPAK_2019 = {**fund_line(2019, 2)}
LATE_REASON = "nagekomen declaraties wijkaanpak 2019"


def late_body(**more: Any) -> Body:
    return {
        "line": WIJKAANPAK_2019,
        "amount": "18000.00",
        "status": "definitief",
        "reason": LATE_REASON,
        "corrects_version": 1,
        "source_document": "Eindafrekening wijkaanpak 2019",
        **more,
    }


def late_id(key: str = LATE_KEY) -> UUID:
    mutation = uuid5(BEGROTING_NAMESPACE, f"idempotency:demo finance\n{key}")
    return late_result_id(mutation)


def realisations(api: TestClient, year: int) -> list[Body]:
    response = api.get(
        "/api/v1/realisations",
        params={"fiscal_year": year, "fund": FUND},
        headers=bearer("auditor"),
    )
    assert response.status_code == 200, response.text
    rows: list[Body] = response.json()["rows"]
    return rows


def test_a_late_result_of_a_closed_year_is_booked_in_the_next_year_and_the_closed_year_stays(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    closed_2019 = realisations(demo_api, 2019)
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/realisations/late-results",
        late_body(),
        "finance",
        **{"Idempotency-Key": LATE_KEY},
    )

    assert response.status_code == 200, response.text
    assert "Location" not in response.headers
    assert response.json() == result({"realisation": late_id()}, {"realisation": 1}, before + 1)
    assert events_after(demo_api, before) == [
        event(
            before + 1,
            "Realisation.LateResultReported",
            late_id(),
            1,
            "2020",
            source="Eindafrekening wijkaanpak 2019",
        )
    ]
    assert realisations(demo_api, 2019) == closed_2019
    corrected = realisation_id(key_of(WIJKAANPAK_2019), None).hex
    late_row = {
        "fiscal_year": 2020,
        "quarter": None,
        "month": None,
        "programma": WWZ,
        "taakveld": WIJKAANPAK_2019["taakveld"],
        "deelproduct": None,
        "interventie": 2,
        "fund": FUND,
        "categorie": None,
        "side": "lasten",
        "amount": "18000.00",
        "status": "definitief",
        "version": 1,
        "origin_year": 2019,
        "corrects_realisation": str(realisation_id(key_of(WIJKAANPAK_2019), None)),
    }
    assert [row for row in realisations(demo_api, 2020) if row["origin_year"]] == [late_row]
    lineage = demo_api.get(
        "/api/v1/lineage/realisations",
        params={"fiscal_year": 2020, "fund": FUND, "interventie": 2},
        headers=bearer("auditor"),
    ).json()["rows"]
    assert lineage[-1] == {
        "position": before + 1,
        "event": "definitief v1",
        "subject": str(late_id()),
        "delta": "18000.00",
        "running_total": lineage[-1]["running_total"],
        "decision": None,
        "actor": "demo finance",
        "period": 2020,
        "known_at": NOW,
        "recorded_at": NOW,
        "import_id": None,
        "origin_year": 2019,
        "corrects_realisation": str(UUID(corrected)),
        "corrects_version": 1,
        "reason": LATE_REASON,
        "mandate": None,
        "authorised": None,
        "problems": [],
        "source": "Eindafrekening wijkaanpak 2019",
        "backdated": None,
        "backfill": None,
    }
    exported = demo_api.get(
        "/api/v1/exports/lineage/realisations.csv",
        params={"fiscal_year": 2020, "fund": FUND, "interventie": 2, "dialect": "rfc4180"},
        headers=bearer("auditor"),
    )
    last = exported.text.splitlines()[-1].split(",")
    assert last[:6] == [
        "realisation 2020 fund=transformatiebudget interventie=2",
        str(before + 1),
        "definitief v1",
        str(late_id()),
        "18000.00",
        lineage[-1]["running_total"],
    ]
    assert last[12:16] == ["2019", str(UUID(corrected)), "1", LATE_REASON]
    # then the authority columns: no decision, so no mandate and no verdict; the source; and
    # last the backdating columns: not backdated, under the default grace, no backfill
    assert last[-7:] == ["", "", "", "Eindafrekening wijkaanpak 2019", "", "P7D", ""]


def test_a_late_result_for_a_year_still_open_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    path = "/api/v1/realisations/late-results"

    response = post(demo_api, path, late_body(), "finance")

    detail = "fiscal year 2019 is open: report or correct its realisation itself"
    assert_refused(
        response,
        rule_broken(409, "realisation", detail, path, "line.fiscal_year"),
        demo_ledger,
        before,
    )


def test_a_late_result_naming_a_stale_version_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    path = "/api/v1/realisations/late-results"

    response = post(demo_api, path, late_body(corrects_version=2), "finance")

    detail = (
        f"the late result names version 2, but the figure of {label(WIJKAANPAK_2019)} is version 1"
    )
    assert_refused(
        response,
        rule_broken(409, "realisation", detail, path, "corrects_version"),
        demo_ledger,
        before,
    )
