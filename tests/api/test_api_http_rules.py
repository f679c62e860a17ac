"""The rules every route keeps (ADR 0006): an unknown query parameter is refused, a GET's
answer carries an ETag and is 304 to a client that holds it, one status per kind of write,
and amounts published as decimal strings. HTTP translation only: SQLite alone."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.ledger import Ledger
from api.requests.members import AMOUNT_PATTERN, AMOUNT_SCHEMA
from support.commands import JEUGD_2019, ZOMERNOTA, post
from support.http import PROBLEM_JSON, bearer, problem, query_error
from support.ledgers import SQLITE_ONLY, log_size

pytestmark = SQLITE_ONLY

REPORT = "/api/v1/reports/interventieplan-fase-4"
UNKNOWN = "this route takes no such parameter"


def unknown(instance: str, *names: str) -> dict[str, object]:
    return problem(
        422,
        "unknown-parameter",
        f"the request has unknown query parameters: {', '.join(names)}",
        instance,
        *(query_error(name, UNKNOWN, "unknown-parameter") for name in names),
    )


# -- unknown query parameters ----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/budget/lines", id="list"),
        pytest.param("/api/v1/decisions/raad-2019-05-08-interventieplan-fase-4", id="record"),
        pytest.param(REPORT, id="report"),
        pytest.param("/api/v1/exports/log.csv", id="export"),
        pytest.param("/api/v1/health", id="health"),
    ],
)
def test_a_read_with_an_unknown_query_parameter_is_refused(demo_api: TestClient, path: str) -> None:
    response = demo_api.get(f"{path}?fiscal_yaer=2019", headers=bearer("auditor"))

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == unknown(path, "fiscal_yaer")


def test_every_unknown_parameter_is_named_and_the_known_ones_are_not(
    demo_api: TestClient,
) -> None:
    response = demo_api.get(
        "/api/v1/budget/lines?zz=1&fiscal_year=2019&as_off=now&zz=2", headers=bearer("auditor")
    )

    assert response.json() == unknown("/api/v1/budget/lines", "as_off", "zz")


def test_a_write_with_an_unknown_query_parameter_records_nothing(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)
    body = {"line": JEUGD_2019, "delta": "1.00", "decision": ZOMERNOTA}

    response = post(demo_api, "/api/v1/budget/amendments?dry_run=true", body, "finance")

    assert response.status_code == 422
    assert response.json() == unknown("/api/v1/budget/amendments", "dry_run")
    assert log_size(demo_ledger) == before


def test_who_may_not_ask_learns_that_before_what_is_wrong_with_the_parameters(
    demo_api: TestClient,
) -> None:
    path = "/api/v1/budget/amendments?dry_run=true"

    assert demo_api.post(path, json={}).status_code == 401
    assert demo_api.post(path, json={}, headers=bearer("auditor")).status_code == 403


# -- conditional GET -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api/v1/budget/lines?fiscal_year=2019", id="list"),
        pytest.param("/api/v1/decisions/raad-2019-05-08-interventieplan-fase-4", id="record"),
        pytest.param(REPORT, id="report"),
        pytest.param("/api/v1/exports/log.csv", id="export"),
    ],
)
def test_a_get_whose_etag_the_client_holds_is_answered_304_without_a_body(
    demo_api: TestClient, path: str
) -> None:
    first = demo_api.get(path, headers=bearer("auditor"))
    tag = first.headers["ETag"]

    again = demo_api.get(path, headers={**bearer("auditor"), "If-None-Match": tag})

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.headers["ETag"] == tag
    assert again.content == b""


@pytest.mark.parametrize(
    "held",
    [
        pytest.param("*", id="any"),
        pytest.param('"other", {tag}', id="list"),
        pytest.param("W/{tag}", id="weak"),
    ],
)
def test_if_none_match_compares_weakly_and_takes_lists_and_any(
    demo_api: TestClient, held: str
) -> None:
    tag = demo_api.get("/api/v1/reserves", headers=bearer("auditor")).headers["ETag"]

    again = demo_api.get(
        "/api/v1/reserves", headers={**bearer("auditor"), "If-None-Match": held.format(tag=tag)}
    )

    assert again.status_code == 304


def test_a_tag_that_does_not_match_gets_the_answer(demo_api: TestClient) -> None:
    first = demo_api.get(REPORT, headers=bearer("auditor"))

    again = demo_api.get(REPORT, headers={**bearer("auditor"), "If-None-Match": '"stale"'})

    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_list_etag_is_a_digest_of_its_bytes_and_changes_with_them(
    demo_api: TestClient,
) -> None:
    before = demo_api.get("/api/v1/budget/lines", headers=bearer("auditor"))
    body = {"line": JEUGD_2019, "delta": "1.00", "decision": ZOMERNOTA}
    assert post(demo_api, "/api/v1/budget/amendments", body, "finance").status_code == 200

    after = demo_api.get(
        "/api/v1/budget/lines",
        headers={**bearer("auditor"), "If-None-Match": before.headers["ETag"]},
    )

    assert len(before.headers["ETag"]) == len('"') + 32 + len('"')
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]


def test_the_document_says_every_get_answers_304(api: TestClient) -> None:
    document = api.get("/openapi.json").json()

    gets = [operations["get"] for operations in document["paths"].values() if "get" in operations]
    assert gets
    for operation in gets:
        assert "304" in operation["responses"]
        assert "ETag" in operation["responses"]["200"]["headers"]


# -- one status per kind of write ------------------------------------------------------

# 201 for a write that creates a record, 200 for every other (ADR 0006).
WRITE_STATUS: dict[tuple[str, str], int | tuple[int, int]] = {
    ("POST", "/api/v1/decisions"): 201,
    ("POST", "/api/v1/decisions/{decision}/adopt"): 200,
    ("POST", "/api/v1/decisions/{decision}/reject"): 200,
    ("POST", "/api/v1/decisions/{decision}/withdraw"): 200,
    ("POST", "/api/v1/budget/establishments"): 201,
    ("POST", "/api/v1/budget/amendments"): 200,
    ("POST", "/api/v1/budget/transfers"): 200,
    ("POST", "/api/v1/budget/carry-overs"): 200,
    ("POST", "/api/v1/taakstellingen"): 201,
    ("POST", "/api/v1/taakstellingen/{reference}/adjustments"): 200,
    ("POST", "/api/v1/taakstellingen/shifts"): 200,
    ("POST", "/api/v1/taakstellingen/{reference}/cancellations"): 200,
    ("POST", "/api/v1/realisations"): 200,
    ("POST", "/api/v1/realisations/corrections"): 200,
    ("POST", "/api/v1/realisations/late-results"): 200,
    ("POST", "/api/v1/reserves"): 201,
    ("POST", "/api/v1/reserves/{code}/deposits"): 200,
    ("POST", "/api/v1/reserves/{code}/withdrawals"): 200,
    ("POST", "/api/v1/reserves/{code}/allocations"): 200,
    ("POST", "/api/v1/reserves/{code}/openings"): 200,
    ("POST", "/api/v1/reserves/{code}/earmarks"): 200,
    ("POST", "/api/v1/reserves/{code}/releases"): 200,
    ("POST", "/api/v1/fiscal-years/{fiscal_year}/close"): 200,
    ("POST", "/api/v1/fiscal-years/{fiscal_year}/reopen"): 200,
    ("POST", "/api/v1/fiscal-years/{fiscal_year}/verantwoordingsgrens"): 200,
    ("POST", "/api/v1/budget/proposed-amendments"): 200,
    ("POST", "/api/v1/kengetallen"): 200,
    ("POST", "/api/v1/kengetallen/measurements"): 200,
    ("POST", "/api/v1/stated-results"): 200,
    ("POST", "/api/v1/stated-results/restatements"): 200,
    ("POST", "/api/v1/budget/specifications"): 200,
    ("POST", "/api/v1/reports"): 201,
    ("POST", "/api/v1/tokens"): 201,
    ("DELETE", "/api/v1/tokens/{token_id}"): 200,
    # An import: 201 when it records, 200 for a dry run or a file imported before (ADR 0033).
    ("POST", "/api/v1/imports/{kind}"): (200, 201),
}


def test_each_write_answers_201_if_it_creates_and_200_otherwise(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    writes = {
        (method.upper(), path): operation["responses"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method != "get"
    }

    assert set(writes) == set(WRITE_STATUS), "classify every write route here"
    for write, status in WRITE_STATUS.items():
        successes = sorted(code for code in writes[write] if code.startswith("2"))
        expected = status if isinstance(status, tuple) else (status,)
        assert successes == [str(code) for code in expected], (write, successes)


# -- amounts ---------------------------------------------------------------------------


def test_every_amount_in_a_request_is_published_as_a_decimal_string(api: TestClient) -> None:
    schemas = api.get("/openapi.json").json()["components"]["schemas"]
    amounts = {
        ("AmendBudget", "delta"),
        ("EstablishBudget", "amount"),
        ("TransferBudget", "amount"),
        ("ReserveMutation", "amount"),
        ("Allocation", "amount"),
        ("ReportRealisation", "amount"),
    }

    for model, member in amounts:
        published = dict(schemas[model]["properties"][member])
        published.pop("title", None)
        assert published == AMOUNT_SCHEMA, (model, member)
    per_year = schemas["ImposeTaakstelling"]["properties"]["amounts"]["patternProperties"]
    assert list(per_year.values()) == [AMOUNT_SCHEMA]
    assert AMOUNT_SCHEMA == {
        "type": "string",
        "pattern": "^-?[0-9]{1,15}(\\.[0-9]{1,2})?$",
        "example": "119000.00",
    }
    assert AMOUNT_SCHEMA["pattern"] == AMOUNT_PATTERN
