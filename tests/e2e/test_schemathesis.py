"""Property-based tests against the live OpenAPI document of a served process.

Schemathesis reads `/openapi.json` from `begroting serve --demo` (a fresh SQLite file for
this module), generates requests for every operation (the schema's examples, its boundary
values, random valid and invalid data), sends them over HTTP with a demo token and checks
every answer: it is never a server error (5xx), and after a refusal (4xx) or any read the
event log is exactly as long as before. Finance, who may write, tries every operation; the
auditor every read. The run is derandomized with a fixed seed: CI sends the same requests
every time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from test_serve import Server, serving

pytestmark = pytest.mark.e2e

SEED = 20261123
MAX_EXAMPLES = 20  # per operation, for the random (fuzzing) phase


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    directory: Path = tmp_path_factory.mktemp("schemathesis")
    with serving(f"sqlite:///{directory}/x.db", "--demo", cwd=directory) as served:
        yield served


@pytest.fixture(scope="module")
def health(server: Server) -> Iterator[httpx.Client]:
    # A fresh connection per request: uvicorn closes a keep-alive connection idle for 5 s,
    # and a request sent just as it closes fails with "Server disconnected".
    no_keep_alive = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=server.url, timeout=30, limits=no_keep_alive) as client:
        yield client


def _config(token: str) -> schemathesis.Config:
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
        }
    )


def _schema(server: Server, token: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{server.url}/openapi.json", config=_config(token))


@pytest.fixture(scope="module")
def finance_schema(server: Server) -> schemathesis.BaseSchema:
    """The live schema, every request carrying the finance token: it may write."""
    return _schema(server, "demo-finance")


@pytest.fixture(scope="module")
def auditor_schema(server: Server) -> schemathesis.BaseSchema:
    """The live schema, every request carrying the auditor token: it reads everything."""
    return _schema(server, "demo-auditor")


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
    """Send the case; fail on a 5xx, and on a read or a refusal after which the log moved."""
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

    case.validate_response(
        response, checks=[not_a_server_error, refused_or_read_requests_record_nothing]
    )


as_finance = schemathesis.pytest.from_fixture("finance_schema")
as_auditor = schemathesis.pytest.from_fixture("auditor_schema").include(method="GET")


@as_finance.parametrize()
def test_no_request_of_a_writer_breaks_the_service_and_a_refused_one_records_nothing(
    case: schemathesis.Case, health: httpx.Client
) -> None:
    call_and_check(case, health)


@as_auditor.parametrize()
def test_no_read_of_an_auditor_breaks_the_service_or_records_anything(
    case: schemathesis.Case, health: httpx.Client
) -> None:
    call_and_check(case, health)
