"""`begroting serve` as a real process on a free loopback port, driven over HTTP the way a
client would: the griffie decides, finance transfers, reports and publishes, an auditor reads
the published report back as of several moments. The service refuses to start, in one line
on stderr with exit code 2, whenever its settings are wrong or unsafe; it stops cleanly on a
signal; and no number a client sends may break its read model."""

from __future__ import annotations

import getpass
import json
import re
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.demo import nijmegen
from domain.budget import line_id
from domain.decision import Decision
from domain.realisation import realisation_id
from domain.report import Report
from support.demo import DEMO_LAST_POSITION
from support.http import paging
from support.ledgers import BACKENDS
from support.processes import STOP_TIMEOUT, Server, begroting, free_port, fresh_database, serving

pytestmark = pytest.mark.e2e


# -- a served process ------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def demo_server(database: str, tmp_path: Path) -> Iterator[Server]:
    """`begroting serve --demo` over a fresh database: the demo history and its tokens."""
    with serving(database, "--demo", cwd=tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def shared_demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One demo server for the tests that only read."""
    directory = tmp_path_factory.mktemp("shared")
    with serving(f"sqlite:///{directory}/x.db", "--demo", cwd=directory) as server:
        yield server


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


GRIFFIE = bearer("demo-griffie")
FINANCE = bearer("demo-finance")
AUDITOR = bearer("demo-auditor")


# -- the scenario ----------------------------------------------------------------------

DECISION = "raad-2020-03-11-begrotingswijziging-transformatiebudget"
REPORT = "stand-transformatiebudget-2020-q1"
PROPOSED_AT = "2020-02-20T10:00:00+01:00"
ADOPTED_AT = "2020-03-11T21:30:00+01:00"  # the raad meets in the evening
TRANSFERRED_AT = "2020-03-12T09:00:00+01:00"
JUST_BEFORE_THE_TRANSFER = "2020-03-12T08:59:59+01:00"
REALISED_AT = "2020-04-15T10:00:00+02:00"
KNOWLEDGE_CUTOFF = "2020-03-31T23:59:59+02:00"  # after the transfer, before the realisation
PUBLISHED_AT = "2020-04-20T09:00:00+02:00"


def fund_line(interventie: int) -> dict[str, Any]:
    """The 2020 line of the transformatiebudget for an interventie of the demo, as JSON."""
    return {
        "fiscal_year": 2020,
        "programma": nijmegen.WWZ,
        "taakveld": nijmegen.TAAKVELD[interventie],
        "interventie": interventie,
        "fund": nijmegen.FUND,
    }


STELSELWIJZIGING = 9  # 70,000 in 2020
DATAGESTUURD = 10  # 125,000 in 2020
SOURCE_LINE = line_id(nijmegen.fund_line(2020, STELSELWIJZIGING))
TARGET_LINE = line_id(nijmegen.fund_line(2020, DATAGESTUURD))

TABLE = {
    "id": "transformatiebudget-2020",
    "title": "Transformatiebudget 2020: begroot en uitgegeven",
    "unit": "EUR_1000",
    "fund": nijmegen.FUND,
    "columns": [
        {"key": "begroot-2020", "measure": "budget", "fiscal_year": 2020},
        {"key": "uitgaven-2020", "measure": "realisation", "fiscal_year": 2020},
    ],
    "rows": [
        {"interventie": STELSELWIJZIGING, "label": "9. Stelselwijziging"},
        {"interventie": DATAGESTUURD, "label": "10. Datagestuurd werken in het sociaal domein"},
    ],
    "totals": [{"label": "Totaal transformatiebudget"}],
}


LINEAGE = (
    "position",
    "event",
    "delta",
    "running_total",
    "decision",
    "actor",
    "known_at",
    "mandate",
    "authorised",
    "problems",
)


def adopted_by_the_raad(reference: str, kind: str, adopted_known_at: str) -> dict[str, str]:
    """A decision of the raad, adopted, as a lineage row names it."""
    return {
        "reference": reference,
        "body": "raad",
        "kind": kind,
        "status": "adopted",
        "adopted_known_at": adopted_known_at,
    }


Figures = tuple[str | None, str | None]  # (begroot-2020, uitgaven-2020), x EUR 1,000


def rendered(
    basis: dict[str, Any], stelselwijziging: Figures, datagestuurd: Figures, total: Figures
) -> dict[str, Any]:
    """The report as GET /reports/{id} renders it on `basis`, with these figures."""

    def values(figures: Figures) -> dict[str, str | None]:
        return {"begroot-2020": figures[0], "uitgaven-2020": figures[1]}

    return {
        "report": REPORT,
        "title": "Stand transformatiebudget 2020, eerste kwartaal",
        "basis": basis,
        "tables": [
            {
                "id": "transformatiebudget-2020",
                "title": "Transformatiebudget 2020: begroot en uitgegeven",
                "unit": "EUR_1000",
                "columns": ["begroot-2020", "uitgaven-2020"],
                "rows": [
                    {
                        "interventie": STELSELWIJZIGING,
                        "label": "9. Stelselwijziging",
                        "values": values(stelselwijziging),
                    },
                    {
                        "interventie": DATAGESTUURD,
                        "label": "10. Datagestuurd werken in het sociaal domein",
                        "values": values(datagestuurd),
                    },
                ],
                "totals": [{"label": "Totaal transformatiebudget", "values": values(total)}],
            }
        ],
    }


def command_result(
    response: httpx.Response, status: int, etag: str, location: str | None = None
) -> Any:
    """The body of a successful command's answer, after checking its status and headers."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"] == etag
    assert response.headers.get("location") == location
    return response.json()


def test_the_griffie_decides_finance_transfers_and_publishes_and_the_report_reads_per_moment(
    demo_server: Server,
) -> None:
    with httpx.Client(base_url=demo_server.url, timeout=30) as http:
        assert http.get("/api/v1/health").json() == {
            "status": "ok",
            "log_position": DEMO_LAST_POSITION,
            "read_model_position": DEMO_LAST_POSITION,
        }
        decision_id = str(Decision.id_for(DECISION))

        # The griffie proposes a begrotingswijziging for 2020 and the raad adopts it.
        proposed = http.post(
            "/api/v1/decisions",
            headers=GRIFFIE,
            json={
                "reference": DECISION,
                "title": "Begrotingswijziging 2020: datagestuurd werken uit de stelselwijziging",
                "body": "raad",
                "kind": "begrotingswijziging",
                "period": {"first_year": 2020, "last_year": 2020},
                "known_at": PROPOSED_AT,
                "source_document": "Raadsvoorstel 2020/17",
            },
        )
        assert command_result(proposed, 201, '"1"', f"/api/v1/decisions/{DECISION}") == {
            "ids": {"decision": decision_id},
            "versions": {"decision": 1},
            "position": DEMO_LAST_POSITION + 1,
        }
        adopted = http.post(
            f"/api/v1/decisions/{DECISION}/adopt",
            headers={**GRIFFIE, "If-Match": proposed.headers["etag"]},
            json={"known_at": ADOPTED_AT},
        )
        assert command_result(adopted, 200, '"2"') == {
            "ids": {"decision": decision_id},
            "versions": {"decision": 2},
            "position": DEMO_LAST_POSITION + 2,
        }

        # Finance reads the source line's version and transfers 20,000 under that decision.
        source = http.get(f"/api/v1/budget/lines/{SOURCE_LINE.hex}", headers=FINANCE)
        # Opened, amended and specified (its activity, position 131) by the demo.
        assert (source.status_code, source.headers["etag"]) == (200, '"3"')
        assert source.json()["rows"][0]["amount"] == "70000.00"
        transferred = http.post(
            "/api/v1/budget/transfers",
            headers={**FINANCE, "If-Match": source.headers["etag"]},
            json={
                "source": fund_line(STELSELWIJZIGING),
                "target": fund_line(DATAGESTUURD),
                "amount": "20000.00",
                "decision": DECISION,
                "known_at": TRANSFERRED_AT,
            },
        )
        assert command_result(transferred, 200, '"4"') == {
            "ids": {"source": str(SOURCE_LINE), "target": str(TARGET_LINE)},
            "versions": {"source": 4, "target": 4},
            "position": DEMO_LAST_POSITION + 4,
        }

        # Read your write: the lines at the transfer's position.
        lines = http.get(
            "/api/v1/budget/lines",
            headers=AUDITOR,
            params={
                "fiscal_year": 2020,
                "fund": nijmegen.FUND,
                "min_position": DEMO_LAST_POSITION + 4,
            },
        )
        assert lines.status_code == 200
        assert lines.json()["basis"] == {
            "as_of": "now",
            "report": None,
            "knowledge_cutoff": None,
            "log_position": DEMO_LAST_POSITION + 4,
        }
        amounts = {
            row["interventie"]: (row["amount"], row["mutations"]) for row in lines.json()["rows"]
        }
        assert amounts[STELSELWIJZIGING] == ("50000.00", 2)
        assert amounts[DATAGESTUURD] == ("145000.00", 2)
        lineage = http.get(
            "/api/v1/lineage/budget",
            headers=AUDITOR,
            params={"fiscal_year": 2020, "fund": nijmegen.FUND, "interventie": DATAGESTUURD},
        )
        assert [tuple(row[column] for column in LINEAGE) for row in lineage.json()["rows"]] == [
            (
                106,
                "Amended",
                "125000.00",
                "125000.00",
                adopted_by_the_raad(
                    nijmegen.INTERVENTIEPLAN_4, "beleidsnota", "2019-05-08T10:00:00+00:00"
                ),
                nijmegen.ACTOR,
                "2019-05-08T10:00:00+00:00",
                None,
                True,
                [],
            ),
            (
                DEMO_LAST_POSITION + 4,
                "TransferredIn",
                "20000.00",
                "145000.00",
                adopted_by_the_raad(DECISION, "begrotingswijziging", "2020-03-11T20:30:00+00:00"),
                "demo finance",
                "2020-03-12T08:00:00+00:00",
                None,
                True,
                [],
            ),
        ]

        # Finance reports what datagestuurd werken spent in the first quarter, known later.
        realised = http.post(
            "/api/v1/realisations",
            headers=FINANCE,
            json={
                "line": fund_line(DATAGESTUURD),
                "amount": "30400.00",
                "status": "voorlopig",
                "known_at": REALISED_AT,
                "source_document": "Kwartaalrapportage Q1 2020",
            },
        )
        realisation = str(
            realisation_id(nijmegen.fund_line(2020, DATAGESTUURD), quarter=None)  # whole year
        )
        assert command_result(realised, 200, '"1"') == {
            "ids": {"realisation": realisation},
            "versions": {"realisation": 1},
            "position": DEMO_LAST_POSITION + 5,
        }

        # Finance publishes a report whose knowledge cutoff lies between the two.
        published = http.post(
            "/api/v1/reports",
            headers=FINANCE,
            json={
                "report_id": REPORT,
                "title": "Stand transformatiebudget 2020, eerste kwartaal",
                "published_at": PUBLISHED_AT,
                "knowledge_cutoff": KNOWLEDGE_CUTOFF,
                "tables": [TABLE],
                "period": {"first_year": 2020, "last_year": 2020},
                "source_document": "Kwartaalbrief transformatiebudget Q1 2020",
            },
        )
        assert command_result(published, 201, '"1"', f"/api/v1/reports/{REPORT}") == {
            "ids": {"report": str(Report.id_for(REPORT))},
            "versions": {"report": 1},
            "position": DEMO_LAST_POSITION + 6,
        }

        def report(**params: str | int) -> Any:
            response = http.get(f"/api/v1/reports/{REPORT}", headers=AUDITOR, params=params)
            assert response.status_code == 200, response.text
            return response.json()

        # The served process records at its own clock, so its chain head is its own; the
        # auditor's verification recomputes it from the log (ADR 0007).
        report(min_position=DEMO_LAST_POSITION + 6)
        verified = http.get("/api/v1/audit/verify", headers=AUDITOR).json()
        head = verified["head"]
        assert verified == {
            "status": "ok",
            "head": head,
            "position": DEMO_LAST_POSITION + 6,
            "count": DEMO_LAST_POSITION + 6,
            "reports": 3,
            "unchained": 0,
        }

        # As published: the transfer is in, the realisation known after the cutoff is not.
        # A total counts every line of the fund in 2020, not only the rows shown (ADR 0003);
        # the transfer moves money inside the fund, so the budget total stays 892.
        assert report(min_position=DEMO_LAST_POSITION + 6) == rendered(
            {
                "as_of": f"report:{REPORT}",
                "report": REPORT,
                "knowledge_cutoff": "2020-03-31T21:59:59+00:00",
                "log_position": DEMO_LAST_POSITION + 6,
                "chain_head": head,
            },
            stelselwijziging=("50", None),
            datagestuurd=("145", None),
            total=("892", None),
        )
        # A second before the transfer became known: the budget as the demo left it.
        assert report(as_of=JUST_BEFORE_THE_TRANSFER) == rendered(
            {
                "as_of": "2020-03-12T07:59:59+00:00",
                "report": None,
                "knowledge_cutoff": "2020-03-12T07:59:59+00:00",
                "log_position": DEMO_LAST_POSITION + 6,
                "chain_head": head,
            },
            stelselwijziging=("70", None),
            datagestuurd=("125", None),
            total=("892", None),
        )
        # The moment it became known, the transfer counts.
        assert report(as_of=TRANSFERRED_AT)["tables"][0]["rows"][1]["values"] == {
            "begroot-2020": "145",
            "uitgaven-2020": None,
        }
        # Everything known now: the realisation too, 30,400 published as 30.
        assert report(as_of="now") == rendered(
            {
                "as_of": "now",
                "report": None,
                "knowledge_cutoff": None,
                "log_position": DEMO_LAST_POSITION + 6,
                "chain_head": head,
            },
            stelselwijziging=("50", None),
            datagestuurd=("145", "30"),
            total=("892", "30"),
        )

        listed = http.get("/api/v1/reports", headers=AUDITOR).json()["rows"]
        assert [entry["report"] for entry in listed] == [  # in order of publication
            "interventieplan-fase-4",
            REPORT,
            "voortgangsrapportage-2019-q4",
        ]
        assert listed[1] == {
            "report": REPORT,
            "title": "Stand transformatiebudget 2020, eerste kwartaal",
            "published_at": "2020-04-20T07:00:00+00:00",
            "knowledge_cutoff": "2020-03-31T21:59:59+00:00",
            "log_position": DEMO_LAST_POSITION + 6,
            "decision": None,
            "source": "Kwartaalbrief transformatiebudget Q1 2020",
        }
        assert http.get("/api/v1/health").json() == {
            "status": "ok",
            "log_position": DEMO_LAST_POSITION + 6,
            "read_model_position": DEMO_LAST_POSITION + 6,
        }


# -- documentation ---------------------------------------------------------------------


def test_the_openapi_document_and_the_interactive_docs_are_served(
    shared_demo_server: Server,
) -> None:
    openapi = httpx.get(f"{shared_demo_server.url}/openapi.json", timeout=30)
    docs = httpx.get(f"{shared_demo_server.url}/docs", timeout=30)

    assert openapi.status_code == 200
    assert openapi.headers["content-type"] == "application/json"
    document = openapi.json()
    assert (document["openapi"], document["info"]["title"], document["info"]["version"]) == (
        "3.1.0",
        "Begroting",
        "1",
    )
    assert {"/api/v1/health", "/api/v1/budget/transfers", "/api/v1/reports/{report_id}"} <= set(
        document["paths"]
    )
    assert docs.status_code == 200
    assert docs.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>Begroting - Swagger UI</title>" in docs.text
    assert '<main id="swagger-ui" data-openapi-url="/openapi.json"></main>' in docs.text
    # Its assets are the app's own (ADR 0024): served by the process, not a CDN.
    bundle = httpx.get(
        f"{shared_demo_server.url}/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js",
        timeout=30,
    )
    assert (bundle.status_code, bundle.headers["content-type"]) == (
        200,
        "text/javascript; charset=utf-8",
    )


# -- refusing to start -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--db", "postgresql//127.0.0.1/test"],
            "invalid settings: db_url: not a database URL: 'postgresql//127.0.0.1/test'",
            id="malformed-db",
        ),
        pytest.param(
            ["--config", "{tmp}/missing.toml"],
            "the config file {tmp}/missing.toml does not exist",
            id="missing-config",
        ),
        pytest.param(
            ["--config", "{tmp}/typo.toml"],
            "invalid settings: hots: Extra inputs are not permitted",
            id="unknown-config-key",
        ),
        pytest.param(
            ["--db", "sqlite:///{tmp}/x.db", "--demo", "--host", "0.0.0.0"],
            "the demo tokens are public: serve this database on a loopback address, "
            "not 0.0.0.0, or revoke them (begroting token revoke ID)",
            id="demo-tokens-on-all-interfaces",
        ),
        pytest.param(
            ["--db", "sqlite:///{tmp}/x.db"],
            "no active API token, so nobody could use the service: create one with "
            "begroting token create --role admin --name NAME",
            id="no-active-token",
        ),
    ],
)
def test_serve_refuses_to_start_in_one_line_with_exit_code_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "typo.toml").write_text(
        f'db_url = "sqlite:///{tmp_path}/x.db"\nhots = "127.0.0.1"\n', encoding="utf-8"
    )
    port = free_port()

    result = begroting(
        "serve", "--port", str(port), *(arg.format(tmp=tmp_path) for arg in args), cwd=tmp_path
    )

    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"begroting: {message.format(tmp=tmp_path)}\n",
    )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "something listens on the port"


# -- tokens from the command line ------------------------------------------------------

UUID_TEXT = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CREATED = re.compile(rf"^token ({UUID_TEXT}) for 'R\. Kamer' \(auditor\):\n(bgt_[\w-]{{43}})\n$")


def test_a_token_created_on_the_command_line_opens_the_service_until_it_is_revoked(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    created = begroting(
        "token", "create", "--role", "auditor", "--name", "R. Kamer", "--db", db, cwd=tmp_path
    )
    assert (created.returncode, created.stderr) == (0, "Keep it now: only its hash is stored.\n")
    match = CREATED.match(created.stdout)
    assert match is not None, created.stdout
    token_id, secret = match.groups()

    with serving(db, cwd=tmp_path) as server, httpx.Client(base_url=server.url) as http:
        read = http.get("/api/v1/decisions", headers=bearer(secret))
        assert (read.status_code, read.json()) == (
            200,
            {
                "basis": {
                    "as_of": "now",
                    "report": None,
                    "knowledge_cutoff": None,
                    "log_position": 0,
                },
                "rows": [],
                "paging": paging(0),
            },
        )
        written = http.post(
            "/api/v1/reserves",
            headers=bearer(secret),
            json={
                "code": "F100",
                "name": "Reserve van de rekenkamer",
                "kind": "bestemming",
                "purpose": "Een auditor schrijft niet",
                "fiscal_year": 2020,
                "source_document": "n.v.t.",
            },
        )
        assert (written.status_code, written.json()["code"]) == (403, "forbidden")

        revoked = begroting("token", "revoke", token_id, "--db", db, cwd=tmp_path)
        assert revoked.returncode == 0, revoked.stderr
        assert re.fullmatch(
            rf"token {token_id} \(R\. Kamer\) revoked at \S+\+00:00\n", revoked.stdout
        ), revoked.stdout

        refused = http.get("/api/v1/decisions", headers=bearer(secret))
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="begroting"'
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json() == {
            "type": "urn:begroting:problem:unauthenticated",
            "title": "Unauthorized",
            "status": 401,
            "detail": "the token is unknown or revoked",
            "instance": "/api/v1/decisions",
            "code": "unauthenticated",
        }
        server.stop()
    assert server.output().endswith(
        "INFO:     Application shutdown complete.\n"
        f"INFO:     Finished server process [{server.process.pid}]\n"
    ), server.output()

    listed = begroting("token", "list", "--format", "json", "--db", db, cwd=tmp_path)
    (record,) = json.loads(listed.stdout)
    assert (record["id"], record["revoked_by"]) == (token_id, f"cli:{getpass.getuser()}")
    # With its only token revoked, the service no longer starts.
    again = begroting("serve", "--db", db, "--port", str(free_port()), cwd=tmp_path)
    assert (again.returncode, again.stderr) == (
        2,
        "begroting: no active API token, so nobody could use the service: create one with "
        "begroting token create --role admin --name NAME\n",
    )


# -- stopping --------------------------------------------------------------------------


def test_sigterm_stops_the_service_and_closes_its_ledger_as_ctrl_c_does(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with serving(f"sqlite:///{db}", "--demo", cwd=tmp_path) as server:
        assert sorted(path.name for path in tmp_path.glob("x.db*")) == [
            "x.db",
            "x.db-shm",
            "x.db-wal",
        ]
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(STOP_TIMEOUT)

    assert "INFO:     Application shutdown complete.\n" in server.output()
    # Closing its last connection checkpoints SQLite's write-ahead log and removes it, as
    # it does after SIGINT (Ctrl+C); a process that never closes its ledger leaves both.
    assert sorted(path.name for path in tmp_path.glob("x.db*")) == ["x.db"]


def test_ctrl_c_stops_the_service_and_closes_its_ledger(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with serving(f"sqlite:///{db}", "--demo", cwd=tmp_path) as server:
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(STOP_TIMEOUT) == 0

    assert "INFO:     Application shutdown complete.\n" in server.output()
    assert sorted(path.name for path in tmp_path.glob("x.db*")) == ["x.db"]


# -- integers beyond the read model's columns ------------------------------------------
# The read model keeps interventies and positions in INTEGER columns: 64 bits on SQLite,
# 32 bits (interventie) and 64 bits (positions) on PostgreSQL. Whatever the service does with
# a larger number, refuse it or hold it, it may neither answer 500 nor record an event it
# can then not project.

TOO_LARGE_FOR_AN_INTEGER_COLUMN = {"sqlite": 2**63, "postgres": 2**31}
BEYOND_ANY_COLUMN = 2**63


def _backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


def _assert_refused_and_not_recorded(response: httpx.Response, field: str, log: int) -> None:
    assert response.status_code == 422, response.text
    assert field in {error["field"] for error in response.json()["errors"]}
    assert httpx.get(f"{response.request.url.join('/api/v1/health')}").json()["log_position"] == log


def test_a_realisation_for_an_interventie_beyond_the_read_model_is_refused_or_readable(
    demo_server: Server, database: str
) -> None:
    interventie = TOO_LARGE_FOR_AN_INTEGER_COLUMN[_backend(database)]
    key = {**fund_line(DATAGESTUURD), "interventie": interventie}

    response = httpx.post(
        f"{demo_server.url}/api/v1/realisations",
        headers=FINANCE,
        json={
            "line": key,
            "amount": "1.00",
            "status": "voorlopig",
            "source_document": "Kwartaalrapportage Q1 2020",
        },
        timeout=30,
    )

    if response.status_code != 200:
        _assert_refused_and_not_recorded(response, "line.interventie", DEMO_LAST_POSITION)
        return
    health = httpx.get(f"{demo_server.url}/api/v1/health", timeout=30).json()
    assert health["read_model_position"] == health["log_position"] == DEMO_LAST_POSITION + 1
    listed = httpx.get(
        f"{demo_server.url}/api/v1/realisations",
        headers=AUDITOR,
        params={"fiscal_year": 2020, "fund": nijmegen.FUND},
        timeout=30,
    )
    assert listed.status_code == 200, listed.text
    rows = listed.json()["rows"]
    assert [row["amount"] for row in rows if row["interventie"] == interventie] == ["1.00"]


def test_a_taakstelling_for_an_interventie_beyond_the_read_model_is_refused_or_readable(
    demo_server: Server, database: str
) -> None:
    interventie = TOO_LARGE_FOR_AN_INTEGER_COLUMN[_backend(database)]

    response = httpx.post(
        f"{demo_server.url}/api/v1/taakstellingen",
        headers=FINANCE,
        json={
            "reference": "ca-grote-interventie",
            "label": "Een interventie met een te groot nummer",
            "interventie": interventie,
            "programma": nijmegen.WWZ,
            "taakveld": "6.71",
            "origin": "CA",
            "amounts": {"2021": "1000.00"},
            "decision": nijmegen.STADSBEGROTING_2019,
        },
        timeout=30,
    )

    if response.status_code != 201:
        _assert_refused_and_not_recorded(response, "interventie", DEMO_LAST_POSITION)
        return
    read = httpx.get(
        f"{demo_server.url}/api/v1/taakstellingen/ca-grote-interventie",
        headers=AUDITOR,
        timeout=30,
    )
    assert read.status_code == 200, read.text
    assert read.json()["rows"][0]["interventie"] == interventie


@pytest.fixture(scope="module", params=BACKENDS)
def reading_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """One demo server per backend for the reads below, which change nothing."""
    directory = tmp_path_factory.mktemp(f"reading-{request.param}")
    with (
        fresh_database(request.param, directory) as url,
        serving(url, "--demo", cwd=directory) as server,
    ):
        yield server


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        pytest.param("/api/v1/events", {"after": BEYOND_ANY_COLUMN}, "after", id="events"),
        pytest.param(
            "/api/v1/lineage/budget",
            {"fiscal_year": 2020, "interventie": BEYOND_ANY_COLUMN},
            "interventie",
            id="budget-lineage",
        ),
        pytest.param(
            "/api/v1/lineage/realisations",
            {"fiscal_year": 2020, "interventie": BEYOND_ANY_COLUMN},
            "interventie",
            id="realisation-lineage",
        ),
    ],
)
def test_a_read_for_a_number_beyond_any_column_finds_nothing_or_is_refused(
    reading_server: Server, path: str, params: dict[str, int], field: str
) -> None:
    # A fresh connection each time: after a 500 the server drops the keep-alive connection.
    response = httpx.get(f"{reading_server.url}{path}", headers=AUDITOR, params=params, timeout=30)

    if response.status_code == 422:
        assert field in {error["field"] for error in response.json()["errors"]}
        return
    assert response.status_code == 200, response.text
    found = response.json()
    assert found.get("events", found.get("rows")) == []
