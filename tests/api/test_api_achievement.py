"""Taakstellingen achieved over HTTP (ADR 0028): GET /api/v1/taakstellingen/resultaat and
its lineage, on the small history of support.achievement; exact bodies, and the problems of
bad parameters."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.ledger import Ledger
from support.achievement import NAMES, build
from support.http import problem, query_error
from support.ledgers import SQLITE_ONLY
from support.queries import AUDITOR, read

URL = "/api/v1/taakstellingen/resultaat"
NOW = {"as_of": "now", "report": None, "knowledge_cutoff": None, "log_position": 20}


@pytest.fixture
def client(ledger: Ledger, api: TestClient) -> TestClient:
    build(ledger)
    return api


def measured(zoekgebied: list[str], *figures: Any, **rest: Any) -> dict[str, Any]:
    target, relative, base, realised, saving, saving_relative, difference, status = figures
    return {
        "zoekgebied": zoekgebied,
        "target": target,
        "target_relative": relative,
        "base": base,
        "realised": realised,
        "saving": saving,
        "saving_relative": saving_relative,
        "difference": difference,
        "status": status,
        "reason": None,
        "missing": [],
        "voorlopig": [],
        **rest,
    }


def test_one_interventie_answers_its_rows_the_overlap_and_the_whole_opgave(
    client: TestClient,
) -> None:
    body = read(client, URL, fiscal_year=2018, interventie=2)

    assert body == {
        "basis": NOW,
        "fiscal_year": 2018,
        "base_year": 2017,
        "interventie": 2,
        "taakstellingen": [
            {
                "reference": "t2",
                "label": "Taakstelling t2",
                "interventie": 2,
                "taakveld": "6.71",
                **measured(
                    ["61296", "61301"],
                    *("350000.00", "23.3", "1500000.00", "1100000.00", "400000.00", "26.7"),
                    *("50000.00", "over"),
                ),
                "shared_deelproducten": ["61296", "61301"],
            },
            {
                "reference": "t3",
                "label": "Taakstelling t3",
                "interventie": 2,
                "taakveld": "6.71",
                **measured(
                    ["61301"],
                    *("50000.00", "10.0", "500000.00", "450000.00", "50000.00", "10.0"),
                    *("0.00", "achieved"),
                ),
                "shared_deelproducten": ["61301"],
            },
        ],
        "interventies": [
            {
                "interventie": 2,
                "taakstellingen": ["t2", "t3"],
                "risico": None,
                "opgave_incl_risico": "400000.00",
                **measured(
                    ["61296", "61301"],
                    *("400000.00", "26.7", "1500000.00", "1100000.00", "400000.00", "26.7"),
                    *("0.00", "achieved"),
                ),
                "shared_deelproducten": ["61296"],
                "unshared_saving": "50000.00",
            }
        ],
        "risicos": [],
        "deelproducten": [
            {
                "deelproduct": "61296",
                "name": NAMES["61296"],
                "base": "1000000.00",
                "base_status": "definitief",
                "realised": "650000.00",
                "realised_status": "definitief",
                "saving": "350000.00",
                "interventies": [1, 2],
                "taakstellingen": ["t1", "t2"],
            },
            {
                "deelproduct": "61301",
                "name": NAMES["61301"],
                "base": "500000.00",
                "base_status": "definitief",
                "realised": "450000.00",
                "realised_status": "definitief",
                "saving": "50000.00",
                "interventies": [2],
                "taakstellingen": ["t2", "t3"],
            },
        ],
        "overlap": [{"deelproduct": "61296", "interventies": [1, 2], "saving": "350000.00"}],
        "opgave": {
            "interventies": [1, 2, 3, 4],
            "risico": "70000.00",
            "opgave_incl_risico": "605000.00",
            **measured(
                ["61296", "61301", "61290", "61307"],
                *("535000.00", "20.6", "2600000.00", "2280000.00", "320000.00", "12.3"),
                *("-215000.00", "not-yet"),
            ),
            "over": [1],
            "achieved": [2],
            "not_yet": [3],
            "unknown": [4],
            "unmeasured": ["t6"],
        },
    }


def test_as_of_a_day_the_voorlopig_figure_and_the_gap_show(client: TestClient) -> None:
    body = read(client, URL, fiscal_year=2018, interventie=3, as_of="2019-04-30")

    assert body["basis"]["knowledge_cutoff"] == "2019-04-30T23:59:59.999999+02:00"
    assert body["interventies"] == [
        {
            "interventie": 3,
            "taakstellingen": ["t4", "t5"],
            "risico": None,
            "opgave_incl_risico": "30000.00",
            **measured(
                ["61290", "61307"],
                *("30000.00", "2.7", "1100000.00", None, None, None, None, "unknown"),
                reason="no realisation recorded for 61307 in 2018",
                missing=[{"deelproduct": "61307", "fiscal_year": 2018}],
            ),
            "shared_deelproducten": [],
            "unshared_saving": None,
        }
    ]
    assert body["opgave"]["voorlopig"] == [{"deelproduct": "61296", "fiscal_year": 2018}]
    assert (body["opgave"]["status"], body["opgave"]["saving"]) == ("unknown", None)


def test_the_lineage_adds_up_to_the_target_and_both_years(client: TestClient) -> None:
    body = read(client, f"{URL}/lineage", fiscal_year=2018, reference="t3")

    assert (body["zoekgebied"], body["saving"]) == (["61301"], "50000.00")
    assert [
        (row["subject"], row["delta"], row["running_total"]) for row in body["target"]["rows"]
    ] == [("t3", "50000.00", "50000.00")]
    assert body["target"]["rows"][0]["decision"]["reference"] == "raad-2018-03-taakstellingen"
    assert [row["delta"] for row in body["base"]["rows"]] == ["500000.00"]
    # The quarter figure and the whole-year figure: the year is the sum of both.
    assert [(row["event"], row["delta"]) for row in body["realised"]["rows"]] == [
        ("definitief v1", "100000.00"),
        ("definitief v1", "350000.00"),
    ]
    assert (body["base"]["amount"], body["realised"]["amount"]) == ("500000.00", "450000.00")
    assert body["realised"]["rows"][0]["source"] == (
        f"Stadsrekening 2018, deelproduct 61301 {NAMES['61301']} (tabel 5.2)"
    )


def test_the_lineage_of_no_target_is_not_found(client: TestClient) -> None:
    response = client.get(
        f"{URL}/lineage", params={"fiscal_year": 2018, "reference": "r1"}, headers=AUDITOR
    )

    assert response.status_code == 404
    assert response.json() == problem(
        404,
        "not-found",
        "no taakstelling with a target in 2018 as of this basis",
        f"{URL}/lineage",
    )


@SQLITE_ONLY
@pytest.mark.parametrize("path", [URL, f"{URL}/lineage"], ids=["achievement", "lineage"])
def test_a_base_year_not_before_the_year_names_the_base_year(api: TestClient, path: str) -> None:
    response = api.get(path, params={"fiscal_year": 2018, "base_year": 2018}, headers=AUDITOR)

    assert response.status_code == 422
    detail = "the base year (2018) must come before the fiscal year (2018)"
    assert response.json() == problem(
        422, "invalid-input", detail, path, query_error("base_year", detail, "invalid")
    )


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, [query_error("fiscal_year", "Field required", "missing")]),
        (
            {"fiscal_year": "twee"},
            [
                query_error(
                    "fiscal_year",
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing",
                )
            ],
        ),
        (
            {"fiscal_year": 2018, "interventie": 0},
            [
                query_error(
                    "interventie",
                    "Input should be greater than or equal to 1",
                    "greater_than_equal",
                )
            ],
        ),
    ],
    ids=["no-year", "bad-year", "bad-interventie"],
)
def test_a_bad_parameter_is_a_problem_naming_it(
    api: TestClient, params: dict[str, Any], errors: list[dict[str, Any]]
) -> None:
    response = api.get(URL, params=params, headers=AUDITOR)

    assert response.status_code == 422
    fields = ", ".join(error["field"] for error in errors)
    assert response.json() == problem(
        422, "invalid-input", f"the request has invalid fields: {fields}", URL, *errors
    )


@SQLITE_ONLY
def test_a_reader_role_is_needed(api: TestClient) -> None:
    response = api.get(URL, params={"fiscal_year": 2018})

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
