"""Issue 16, items 5 to 7 over HTTP: one text rule (single-line text, free text with line
breaks), year keys and amounts in one ASCII format, the order of the checks (401, then 403,
then anything about the body), OPTIONS and HEAD, and formula-like text in a CSV export. Only
what stores text runs on both databases; the HTTP translation alone runs on SQLite."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.ledger import Ledger
from support.commands import assert_refused, post, proposal
from support.http import bearer, in_body, problem
from support.ledgers import SQLITE_ONLY

RESERVE = {
    "code": "R-1",
    "name": "Reserve sociaal domein",
    "kind": "bestemming",
    "purpose": "Egalisatie",
    "fiscal_year": 2026,
    "source_document": "Raadsvoorstel reserves 2026",
}
CONTROL = "holds a control character"
LINE_BREAK = "holds a line break (it is single-line text)"
JSON = {"Content-Type": "application/json"}
BROKEN = b'{"reference": "raad-x",'


# -- text --------------------------------------------------------------------------------


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("member", "value", "detail"),
    [
        pytest.param("name", "Reserve\nsociaal", LINE_BREAK, id="line-break-in-a-name"),
        pytest.param("name", "Reserve\tsociaal", CONTROL, id="tab-in-a-name"),
        pytest.param("name", "Reserve\r", CONTROL, id="cr-in-a-name"),
        pytest.param("name", "Reserve\u0085", CONTROL, id="c1-next-line"),
        pytest.param("name", "Reserve\u009b", CONTROL, id="c1-csi"),
        pytest.param("name", "\u202eevreseR", CONTROL, id="bidi-override"),
        pytest.param("name", "Re\u200bserve", CONTROL, id="zero-width-space"),
        pytest.param("name", "Reserve\u2028", CONTROL, id="line-separator"),
        pytest.param("source_document", "Raadsvoorstel\n2026", LINE_BREAK, id="source-document"),
        pytest.param("purpose", "Egalisatie\r\nvan lasten", CONTROL, id="crlf-in-free-text"),
        pytest.param("purpose", "Egalisatie\tvan lasten", CONTROL, id="tab-in-free-text"),
        pytest.param("purpose", "Egalisatie\u202e", CONTROL, id="bidi-in-free-text"),
    ],
)
def test_text_that_breaks_the_text_rule_is_refused_naming_the_member(
    api: TestClient, ledger: Ledger, member: str, value: str, detail: str
) -> None:
    response = post(api, "/api/v1/reserves", {**RESERVE, member: value}, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            f"the request has invalid fields: {member}",
            "/api/v1/reserves",
            in_body(member, detail, "value_error"),
        ),
        ledger,
        0,
    )


def test_free_text_keeps_its_line_breaks(api: TestClient) -> None:
    purpose = "Egalisatie van lasten.\nZie raadsvoorstel 2026."

    response = post(api, "/api/v1/reserves", {**RESERVE, "purpose": purpose}, "finance")

    assert response.status_code == 201, response.text
    payload = api.get("/api/v1/events", headers=bearer("auditor")).json()["rows"][0]["payload"]
    assert '"purpose":"Egalisatie van lasten.\\nZie raadsvoorstel 2026."' in payload


@SQLITE_ONLY
def test_a_line_in_a_programma_is_single_line(api: TestClient, ledger: Ledger) -> None:
    key = {"fiscal_year": 2019, "programma": "a\nb", "taakveld": "6.1"}
    body = {"line": key, "amount": "1.00", "decision": "raad-x"}

    response = post(api, "/api/v1/budget/establishments", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: line.programma",
            "/api/v1/budget/establishments",
            in_body("line.programma", LINE_BREAK, "value_error"),
        ),
        ledger,
        0,
    )


@SQLITE_ONLY
def test_a_token_name_with_a_bidi_override_is_refused(api: TestClient) -> None:
    response = post(api, "/api/v1/tokens", {"name": "R. Kamer\u202e", "role": "auditor"}, "admin")

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        "the request has invalid fields: name",
        "/api/v1/tokens",
        in_body("name", CONTROL, "value_error"),
    )
    names = [t["name"] for t in api.get("/api/v1/tokens", headers=bearer("admin")).json()["rows"]]
    assert names == ["demo griffie", "demo finance", "demo auditor", "demo admin"]


@SQLITE_ONLY
def test_a_query_parameter_with_a_line_break_is_refused(api: TestClient) -> None:
    response = api.get("/api/v1/budget/lines?fund=a%0Ab", headers=bearer("auditor"))

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        "the request has invalid fields: fund",
        "/api/v1/budget/lines",
        {"in": "query", "field": "fund", "detail": LINE_BREAK, "code": "invalid-input"},
    )


# -- year keys and amounts ---------------------------------------------------------------


@SQLITE_ONLY
@pytest.mark.parametrize("year", ["\u0662\u0660\u0662\u0661", "\uff12\uff10\uff12\uff11", "02021"])
def test_a_year_key_is_four_ascii_digits(api: TestClient, ledger: Ledger, year: str) -> None:
    body = {
        "reference": "ca-jaren",
        "label": "Jaren",
        "programma": "Welzijn, Wijkontwikkeling en Zorg",
        "taakveld": "6.1",
        "origin": "begroting",
        "amounts": {"2021": "1000.00", year: "5.00"},
        "decision": "raad-x",
    }

    response = post(api, "/api/v1/taakstellingen", body, "finance")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            f"the request has invalid fields: amounts.{year}",
            "/api/v1/taakstellingen",
            in_body(
                f"amounts.{year}",
                "String should match pattern '^[0-9]{4}$'",
                "string_pattern_mismatch",
            ),
        ),
        ledger,
        0,
    )


@SQLITE_ONLY
@pytest.mark.parametrize("year", ["\u0662\u0660\u0662\u0661", "\uff12\uff10\uff12\uff11"])
def test_a_year_in_a_query_or_path_is_ascii_digits(api: TestClient, year: str) -> None:
    response = api.get(
        "/api/v1/budget/lines", params={"fiscal_year": year}, headers=bearer("auditor")
    )

    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error == {
        "in": "query",
        "field": "fiscal_year",
        "detail": "Input should be a valid integer, unable to parse string as an integer",
        "code": "int_parsing",
    }


# -- the order of the checks -------------------------------------------------------------

NO_TOKEN = "send an API token: Authorization: Bearer <token>"


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("path", "headers", "status", "code", "detail"),
    [
        pytest.param("/api/v1/decisions", {}, 401, "unauthenticated", NO_TOKEN, id="no-token"),
        pytest.param(
            "/api/v1/budget/amendments",
            {"Authorization": "Bearer bgt_unknown"},
            401,
            "unauthenticated",
            "the token is unknown or revoked",
            id="unknown-token",
        ),
        pytest.param(
            "/api/v1/decisions",
            bearer("auditor"),
            403,
            "forbidden",
            "this needs the role griffie or finance; you are auditor",
            id="auditor-decision",
        ),
        pytest.param(
            "/api/v1/decisions/raad-x/adopt",
            bearer("admin"),
            403,
            "forbidden",
            "this needs the role griffie or finance; you are admin",
            id="admin-adopts",
        ),
        pytest.param(
            "/api/v1/budget/amendments",
            bearer("griffie"),
            403,
            "forbidden",
            "this needs the role finance; you are griffie",
            id="griffie-amends",
        ),
        pytest.param(
            "/api/v1/tokens",
            bearer("finance"),
            403,
            "forbidden",
            "this needs the role admin; you are finance",
            id="finance-creates-a-token",
        ),
    ],
)
def test_authentication_then_the_role_come_before_a_broken_body(
    api: TestClient,
    ledger: Ledger,
    path: str,
    headers: dict[str, str],
    status: int,
    code: str,
    detail: str,
) -> None:
    response = api.post(path, content=BROKEN, headers={**JSON, **headers})

    assert_refused(response, problem(status, code, detail, path), ledger, 0)
    if status == 401:
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="begroting"'


@SQLITE_ONLY
def test_an_auditors_invalid_decision_is_403_not_422(api: TestClient, ledger: Ledger) -> None:
    response = post(api, "/api/v1/decisions", {"reference": "raad-x", "extra": 1}, "auditor")

    assert_refused(
        response,
        problem(
            403,
            "forbidden",
            "this needs the role griffie or finance; you are auditor",
            "/api/v1/decisions",
        ),
        ledger,
        0,
    )


@SQLITE_ONLY
def test_a_broken_body_of_a_role_that_may_is_400(api: TestClient, ledger: Ledger) -> None:
    response = api.post("/api/v1/decisions", content=BROKEN, headers={**JSON, **bearer("griffie")})

    detail = "the body is not JSON: Expecting property name enclosed in double quotes"
    assert_refused(
        response,
        problem(
            400,
            "malformed-body",
            detail,
            "/api/v1/decisions",
            {"in": "body", "field": "", "detail": detail, "code": "malformed-body", "pointer": "#"},
        ),
        ledger,
        0,
    )


TOO_LARGE = "the request body is larger than 1048576 bytes"


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("role", "status", "code", "detail"),
    [
        (None, 401, "unauthenticated", NO_TOKEN),
        ("auditor", 403, "forbidden", "this needs the role griffie or finance; you are auditor"),
        ("griffie", 413, "too-large", TOO_LARGE),
    ],
)
def test_a_body_over_the_limit_is_413_only_for_a_caller_who_may(
    api: TestClient, ledger: Ledger, role: str | None, status: int, code: str, detail: str
) -> None:
    body = proposal("raad-2026-11-groot", title="x" * 1_100_000)
    headers = {} if role is None else bearer(role)

    response = api.post("/api/v1/decisions", json=body, headers=headers)

    assert_refused(response, problem(status, code, detail, "/api/v1/decisions"), ledger, 0)


@SQLITE_ONLY
def test_a_parameter_with_a_control_character_and_no_token_is_401(api: TestClient) -> None:
    response = api.get("/api/v1/budget/lines?fund=%00")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


# -- OPTIONS, HEAD and 405 ---------------------------------------------------------------


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/v1/decisions", "GET, HEAD, POST, OPTIONS"),
        ("/api/v1/budget/amendments", "POST, OPTIONS"),
        ("/api/v1/taakstellingen/shifts", "POST, OPTIONS"),  # not a taakstelling's GET
        ("/api/v1/taakstellingen/ca-1", "GET, HEAD, OPTIONS"),
        ("/api/v1/tokens", "GET, HEAD, POST, OPTIONS"),
        ("/api/v1/tokens/0123456789abcdef0123456789abcdef", "DELETE, OPTIONS"),
        ("/api/v1/health", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_lists_every_method_of_the_path(api: TestClient, path: str, allow: str) -> None:
    options = api.options(path)
    put = api.put(path, headers=bearer("admin"))

    assert (options.status_code, options.headers["Allow"], options.content) == (204, allow, b"")
    assert (put.status_code, put.headers["Allow"]) == (405, allow)
    assert put.json()["code"] == "method-not-allowed"


@SQLITE_ONLY
def test_head_answers_the_headers_of_get_without_its_body(api: TestClient) -> None:
    get = api.get("/api/v1/decisions", headers=bearer("auditor"))
    head = api.head("/api/v1/decisions", headers=bearer("auditor"))

    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert api.head("/api/v1/decisions").status_code == 401


@SQLITE_ONLY
def test_every_operation_with_a_body_documents_400(api: TestClient) -> None:
    document = api.get("/openapi.json").json()

    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and "400" not in operation["responses"]
    ]
    with_body = sum(
        "requestBody" in operation
        for operations in document["paths"].values()
        for operation in operations.values()
    )

    assert undocumented == []
    assert with_body == 34  # every POST


@SQLITE_ONLY
def test_an_amount_is_documented_as_its_one_format(api: TestClient) -> None:
    document = api.get("/openapi.json").json()

    delta = document["components"]["schemas"]["AmendBudget"]["properties"]["delta"]

    assert (delta["type"], delta["pattern"]) == ("string", r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$")


# -- CSV exports -------------------------------------------------------------------------


def test_a_formula_in_a_source_document_is_neutralised_in_the_log_csv(api: TestClient) -> None:
    payload = '=HYPERLINK("http://example.invalid","klik")'
    response = post(api, "/api/v1/reserves", {**RESERVE, "source_document": payload}, "finance")
    assert response.status_code == 201, response.text

    exported = api.get("/api/v1/exports/log.csv", headers=bearer("auditor"))
    plain = api.get("/api/v1/exports/log.csv?dialect=rfc4180", headers=bearer("auditor"))

    # the default dialect, for a Dutch Excel: a byte order mark and `;` between cells
    text = exported.content.decode("utf-8-sig")
    rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [(row["position"], row["source"]) for row in rows] == [("1", "'" + payload)]
    rows = list(csv.DictReader(io.StringIO(plain.text)))
    assert [(row["position"], row["source"]) for row in rows] == [("1", "'" + payload)]
