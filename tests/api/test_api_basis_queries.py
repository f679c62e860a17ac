"""The basis of every read over HTTP (`as_of`, `as_recorded_at`, `min_position`), records that do
not exist, and who may read; every wrong question is a problem document naming what is wrong."""

from __future__ import annotations

from datetime import timedelta
from itertools import permutations
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.ledger import Ledger
from support.clock import Clock
from support.demo import (
    DEMO_LAST_POSITION,
)
from support.http import bearer, paging, problem, query_error
from support.ledgers import log_size
from support.queries import (
    AS_OF_INTERVENTIEPLAN,
    AUDITOR,
    FUND,
    MALFORMED,
    MANDAAT,
    NOW,
    REALISATIONS_2019,
    budget_row,
    fund_line,
    read,
    realisation,
)

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
        "log_position": DEMO_LAST_POSITION,
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

    assert body == {"basis": basis, "rows": rows, "paging": paging(len(rows))}


def report_realisation(client: TestClient, interventie: int, amount: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/realisations",
        headers=bearer("finance"),
        json={
            "line": fund_line(2019, "6.1", interventie),
            "amount": amount,
            "status": "voorlopig",
            "source_document": "Kwartaalrapportage Q4 2019, aanvulling",
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_as_recorded_at_leaves_out_what_was_recorded_later(
    demo_api: TestClient, demo_ledger: Ledger, clock: Clock
) -> None:
    clock.advance(timedelta(hours=1))
    recorded = report_realisation(demo_api, 1, "5000.00")
    assert recorded["position"] == log_size(demo_ledger) == DEMO_LAST_POSITION + 1

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
        "paging": paging(len(REALISATIONS_2019)),
    }
    assert since == {
        "basis": {
            **NOW,
            "log_position": DEMO_LAST_POSITION + 1,
            "as_recorded_at": "2026-11-23T10:00:00+00:00",
        },
        "rows": [realisation("6.1", 1, "5000.00"), *REALISATIONS_2019],
        "paging": paging(1 + len(REALISATIONS_2019)),
    }


def test_as_recorded_at_a_date_is_the_end_of_that_day_in_amsterdam(
    demo_api: TestClient,
) -> None:
    that_day = read(demo_api, "/api/v1/decisions", as_recorded_at="2026-11-23")
    the_day_before = read(demo_api, "/api/v1/decisions", as_recorded_at="2026-11-22")

    assert that_day["basis"] == {**NOW, "as_recorded_at": "2026-11-23T23:59:59.999999+01:00"}
    assert (
        len(that_day["rows"]) == 9
    )  # the 7 decisions, the Nota Slotwijzigingen 2017, the BW proposal
    assert the_day_before == {
        "basis": {
            **NOW,
            "log_position": 0,
            "as_recorded_at": "2026-11-22T23:59:59.999999+01:00",
        },
        "rows": [],
        "paging": paging(0),
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
    assert [table["id"] for table in report["tables"]] == [
        "tabel-6.1",
        "tabel-7.2",
        "tabel-4.1",
        *(f"tabel-5.{n}" for n in range(1, 12)),
    ]
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
        "paging": paging(1),
        "rows": [
            {
                "position": recorded["position"],
                "event": "voorlopig v1",
                "subject": recorded["ids"]["realisation"],
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
    body = read(
        demo_api, "/api/v1/events", min_position=DEMO_LAST_POSITION, after=DEMO_LAST_POSITION - 1
    )

    assert [event["position"] for event in body["rows"]] == [DEMO_LAST_POSITION]


def unknown_position(instance: str) -> dict[str, Any]:
    detail = (
        f"the log ends at position {DEMO_LAST_POSITION}; "
        f"{DEMO_LAST_POSITION + 1} has not been recorded"
    )
    return problem(
        422,
        "unknown-position",
        detail,
        instance,
        query_error("min_position", detail, "unknown-position"),
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
                query_error("as_of", MALFORMED_AS_OF, "invalid-basis"),
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
                query_error("as_of", MALFORMED_AS_OF, "invalid-basis"),
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
                query_error("as_recorded_at", MALFORMED_RECORDED, "invalid-basis"),
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
                query_error("as_of", "unknown report 'begroting-2030'", "unknown-report"),
            ),
            id="unknown-report-as-as_of",
        ),
        pytest.param(
            "/api/v1/reserves",
            {"min_position": DEMO_LAST_POSITION + 1},
            unknown_position("/api/v1/reserves"),
            id="min_position-beyond-the-log",
        ),
        pytest.param(
            "/api/v1/events",
            {"min_position": DEMO_LAST_POSITION + 1},
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
                query_error(
                    "min_position",
                    "Input should be greater than or equal to 0",
                    "greater_than_equal",
                ),
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
                query_error(
                    "fiscal_year",
                    "Input should be greater than or equal to 2000",
                    "greater_than_equal",
                ),
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
                query_error(
                    "fiscal_year",
                    "Input should be less than or equal to 2100",
                    "less_than_equal",
                ),
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
                query_error(
                    "fiscal_year",
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing",
                ),
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
                query_error(
                    "by",
                    "String should match pattern '^(programma|taakveld|interventie|fund)$'",
                    "string_pattern_mismatch",
                ),
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
                query_error(
                    "base_year",
                    "Input should be greater than or equal to 2000",
                    "greater_than_equal",
                ),
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
        query_error("as_of", "unknown report 'begroting-2030'", "unknown-report"),
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
        {
            "in": "path",
            "field": "line_id",
            "detail": "String should match pattern "
            "'^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$'",
            "code": "string_pattern_mismatch",
        },
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
