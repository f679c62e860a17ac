"""Property-based tests against the live OpenAPI document of a served process.

Schemathesis reads `/openapi.json` from `begroting serve --demo` (a fresh SQLite file, then
a PostgreSQL database of its own), generates requests for every operation (the schema's
examples, its boundary values, random valid and invalid data), sends them over HTTP with
each role's demo token and runs every check it has: no server error; the status, content
type, headers and body of every answer conform to the document; valid data is accepted and
invalid data refused; a missing token is a 401; an undocumented method is a 405 with
`Allow`. Ours on top: after a refusal (4xx) or any read, the event log is exactly as long as
before. Every role tries every operation, so the roles that may not write meet their 403 on
each command. The run is derandomized with a fixed seed: CI sends the same requests every
time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis

from support.ledgers import BACKENDS
from support.processes import Server, fresh_database, serving

pytestmark = pytest.mark.e2e

SEED = 20261123
MAX_EXAMPLES = 3  # per operation and role, for the random (fuzzing) phase


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    # On both backends: the HTTP layer is one code, but what the database refuses, and how
    # its errors reach the client, is not.
    directory: Path = tmp_path_factory.mktemp("schemathesis")
    with (
        fresh_database(request.param, directory) as db,
        serving(db, "--demo", cwd=directory) as served,
    ):
        yield served


@pytest.fixture(scope="module")
def health(server: Server) -> Iterator[httpx.Client]:
    # A fresh connection per request: uvicorn closes a keep-alive connection idle for 5 s,
    # and a request sent just as it closes fails with "Server disconnected".
    no_keep_alive = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=server.url, timeout=30, limits=no_keep_alive) as client:
        yield client


def _config(token: str, *, coverage: bool) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "request-timeout": 30,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            # The coverage phase (every boundary, every missing member, undocumented
            # methods) is the long one: the writer runs it; the other roles, which mostly meet
            # their 403, the examples and the random phase.
            "phases": {"coverage": {"enabled": coverage}},
            "checks": {
                "enabled": True,
                # JSON Schema cannot say that `as_of` names a moment or a report the ledger
                # has, that `min_position` was recorded, or a rule across members (a period
                # that ends before it starts): such a request is valid to the document and
                # refused with a 422 that names the parameter or member (ADR 0006).
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                },
            },
        }
    )


def _schema(server: Server, token: str, *, coverage: bool = False) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(
        f"{server.url}/openapi.json", config=_config(token, coverage=coverage)
    )


@pytest.fixture(scope="module")
def finance_schema(server: Server) -> schemathesis.BaseSchema:
    return _schema(server, "demo-finance", coverage=True)


@pytest.fixture(scope="module")
def griffie_schema(server: Server) -> schemathesis.BaseSchema:
    return _schema(server, "demo-griffie")


@pytest.fixture(scope="module")
def auditor_schema(server: Server) -> schemathesis.BaseSchema:
    return _schema(server, "demo-auditor")


@pytest.fixture(scope="module")
def admin_schema(server: Server) -> schemathesis.BaseSchema:
    return _schema(server, "demo-admin")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32's `from_fixture` reads and rewrites `request.node._nodeid` (to name
    each operation's subtest), an attribute pytest 9.2 no longer has: give it one."""
    request.node._nodeid = request.node.nodeid


def log_position(health: httpx.Client) -> int:
    """The last position of the event log, read by the service from the event store."""
    response = health.get("/api/v1/health")
    assert response.status_code == 200, response.text
    position: int = response.json()["log_position"]
    return position


def call_and_check(case: schemathesis.Case, health: httpx.Client) -> None:
    """Send the case and run every check; fail on a read or a refusal after which the log
    moved."""
    before = log_position(health)
    response = case.call()

    def refused_or_read_requests_record_nothing(
        ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
    ) -> None:
        if 400 <= response.status_code < 500 or case.method.upper() == "GET":
            after = log_position(health)
            assert after == before, (
                f"{case.method.upper()} answered {response.status_code}, yet the event log "
                f"moved from position {before} to {after}"
            )

    case.validate_response(response, additional_checks=[refused_or_read_requests_record_nothing])


as_finance = schemathesis.pytest.from_fixture("finance_schema")
as_griffie = schemathesis.pytest.from_fixture("griffie_schema")
as_auditor = schemathesis.pytest.from_fixture("auditor_schema")
as_admin = schemathesis.pytest.from_fixture("admin_schema")


@as_finance.parametrize()
def test_finance_breaks_nothing_and_every_answer_is_documented(
    case: schemathesis.Case, health: httpx.Client
) -> None:
    call_and_check(case, health)


@as_griffie.parametrize()
def test_the_griffie_breaks_nothing_and_every_answer_is_documented(
    case: schemathesis.Case, health: httpx.Client
) -> None:
    call_and_check(case, health)


@as_auditor.parametrize()
def test_an_auditor_breaks_nothing_and_every_answer_is_documented(
    case: schemathesis.Case, health: httpx.Client
) -> None:
    call_and_check(case, health)


@as_admin.parametrize()
def test_an_admin_breaks_nothing_and_every_answer_is_documented(
    case: schemathesis.Case, health: httpx.Client
) -> None:
    call_and_check(case, health)
