"""Realisation commands over HTTP: what a success answers and records, and every way a request
is refused, each refusal recording nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.demo import nijmegen
from api.ledger import Ledger
from domain.realisation import realisation_id
from support.commands import (
    CLOSED_2019,
    JEUGD_2019,
    assert_refused,
    assert_refused_but_for_errors,
    event,
    events_after,
    given,
    given_closed,
    key_of,
    label,
    post,
    result,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import PROBLEM_JSON, Body, in_body, problem
from support.ledgers import log_size

# -- realisations ----------------------------------------------------------------------


def test_finance_reports_a_quarters_realisation(demo_api: TestClient, demo_ledger: Ledger) -> None:
    body = {
        "line": JEUGD_2019,
        "amount": "1234.56",
        "status": "voorlopig",
        "quarter": 2,
        "source_document": "Kwartaalrapportage 2019-Q2",
    }

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    reported = realisation_id(key_of(JEUGD_2019), 2)
    assert response.status_code == 200
    assert "Location" not in response.headers
    assert response.json() == result(
        {"realisation": reported}, {"realisation": 1}, DEMO_LAST_POSITION + 1
    )
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1,
            "Realisation.Reported",
            reported,
            1,
            "2019-Q2",
            source="Kwartaalrapportage 2019-Q2",
        )
    ]


def test_a_second_report_of_the_same_figure_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # the demo holds the stadsrekening 2018 figure of deelproduct 61296
    before = log_size(demo_ledger)
    key = {"fiscal_year": 2018, "programma": nijmegen.SOCIALE_STAD, "deelproduct": "61296"}
    body = {"line": key, "amount": "1.00", "status": "definitief", "source_document": "x"}

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    detail = f"a realisation for {label(key)} in that period exists; correct it instead"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/realisations", "line"),
        demo_ledger,
        before,
    )


def test_a_realisation_names_its_source_document(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/realisations",
        {"line": JEUGD_2019, "amount": "1.00", "status": "voorlopig"},
        "finance",
    )

    detail = "every change names its decision or source document"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/realisations", "source_document"),
        demo_ledger,
        before,
    )


@pytest.mark.parametrize(
    ("quarter", "detail", "code"),
    [
        (5, "Input should be less than or equal to 4", "less_than_equal"),
        ("2", "Input should be a valid integer", "int_type"),
    ],
)
def test_a_quarter_is_a_whole_number_from_1_to_4(
    demo_api: TestClient, demo_ledger: Ledger, quarter: object, detail: str, code: str
) -> None:
    before = log_size(demo_ledger)
    body = {
        "line": JEUGD_2019,
        "amount": "1.00",
        "status": "voorlopig",
        "quarter": quarter,
        "source_document": "x",
    }

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: quarter",
            "/api/v1/realisations",
            in_body("quarter", detail, code),
        ),
        demo_ledger,
        before,
    )


def test_a_realisation_in_a_closed_year_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    given_closed(demo_api, 2019)
    before = log_size(demo_ledger)
    body = {"line": JEUGD_2019, "amount": "1.00", "status": "voorlopig", "source_document": "x"}

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    assert_refused_but_for_errors(
        response,
        problem(409, "fiscal-year-closed", CLOSED_2019, "/api/v1/realisations"),
        demo_ledger,
        before,
    )


def test_a_realisation_with_an_interventie_beyond_any_integer_column_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {
        "line": {**JEUGD_2019, "interventie": 2**70},
        "amount": "1.00",
        "status": "voorlopig",
        "source_document": "x",
    }

    response = post(demo_api, "/api/v1/realisations", body, "finance")

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "invalid-input"
    assert [error["pointer"] for error in response.json()["errors"]] == ["#/line/interventie"]
    assert log_size(demo_ledger) == before


STADSREKENING_61296 = {
    "fiscal_year": 2018,
    "programma": nijmegen.SOCIALE_STAD,
    "deelproduct": "61296",
}


def correction(**more: Any) -> Body:
    return {
        "line": STADSREKENING_61296,
        "corrects_version": 1,
        "amount": "11562000.00",
        "status": "definitief",
        "reason": "Nagekomen factuur",
        "source_document": "Accountantsverklaring 2018",
        **more,
    }


def test_finance_corrects_a_realisation_naming_the_version_it_corrects(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    response = post(demo_api, "/api/v1/realisations/corrections", correction(), "finance")

    corrected = realisation_id(key_of(STADSREKENING_61296), None)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result(
        {"realisation": corrected}, {"realisation": 2}, DEMO_LAST_POSITION + 1
    )
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(
            DEMO_LAST_POSITION + 1,
            "Realisation.Corrected",
            corrected,
            2,
            "2018",
            source="Accountantsverklaring 2018",
        )
    ]


def test_a_correction_of_a_version_that_is_not_the_current_one_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(
        demo_api, "/api/v1/realisations/corrections", correction(corrects_version=2), "finance"
    )

    detail = (
        "the correction names version 2, but the current figure of "
        f"{label(STADSREKENING_61296)} is version 1"
    )
    assert_refused(
        response,
        rule_broken(
            409, "realisation", detail, "/api/v1/realisations/corrections", "corrects_version"
        ),
        demo_ledger,
        before,
    )


def test_a_definitive_figure_cannot_become_provisional(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given the demo's voorlopig 2018 figure made definitive (version 2)
    given(demo_api, "/api/v1/realisations/corrections", correction())
    before = log_size(demo_ledger)

    response = post(
        demo_api,
        "/api/v1/realisations/corrections",
        correction(corrects_version=2, status="voorlopig"),
        "finance",
    )

    detail = "a definitive figure cannot become provisional again"
    assert_refused(
        response,
        rule_broken(409, "realisation", detail, "/api/v1/realisations/corrections", "status"),
        demo_ledger,
        before,
    )


def test_a_correction_of_a_figure_never_reported_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/realisations/corrections", correction(quarter=3), "finance")

    detail = f"realisation for {label(STADSREKENING_61296)} does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/realisations/corrections", "line"),
        demo_ledger,
        before,
    )
