"""Reads of the audit log and reports over HTTP, on the Nijmegen demo history: the audit log
pages in log order; a report reads exactly as the CLI prints it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest.mock import ANY
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from api.ledger import Ledger
from projections.queries.basis import head_at
from projections.queries.reports import render_report
from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)
from support.http import paging, problem, query_error
from support.queries import AS_OF_INTERVENTIEPLAN, AUDITOR, NOW, RECORDED, as_json, read

# -- the audit log ---------------------------------------------------------------------


def test_one_page_of_the_log_is_the_event_after_the_given_position(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/events", after=1, limit=1)

    source = "Interventieplan fase 4 – Opgave Sociale Stad (Nijmegen, 2019), §4.3"
    payload = {
        "timestamp": {"_type_": "datetime_iso", "_data_": RECORDED},
        "meta": {
            "_type_": "Meta",
            "_data_": {
                "actor": "import:nijmegen-demo",
                "known_at": {"_type_": "datetime_iso", "_data_": "2018-03-07T12:00:00+01:00"},
                "period": {
                    "_type_": "Period",
                    "_data_": {"first_year": 2018, "last_year": 2022, "quarter": None},
                },
                "decision_id": {"_type_": "uuid_hex", "_data_": "2c84715709e753a488cc23f23bff58c1"},
                "source": source,
                "import_id": "nijmegen-demo-v2",
            },
        },
    }
    assert body == {
        "basis": NOW,
        "rows": [
            {
                "position": 2,
                "event_type": "Decision.Adopted",
                "aggregate_id": "2c847157-09e7-53a4-88cc-23f23bff58c1",
                "version": 2,
                "period": "2018..2022",
                "known_at": "2018-03-07T11:00:00+00:00",
                "recorded_at": RECORDED,
                "actor": "import:nijmegen-demo",
                "decision": None,
                "source": source,
                "import_id": "nijmegen-demo-v2",
                "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            }
        ],
        "paging": paging(DEMO_LAST_POSITION - 1, limit=1),
    }


def test_walking_every_page_of_the_log_yields_each_position_once_in_order(
    demo_api: TestClient,
) -> None:
    positions: list[int] = []
    pages: list[tuple[int, int | None]] = []
    offset: int | None = 0
    while offset is not None:
        body = read(demo_api, "/api/v1/events", offset=offset, limit=40)
        assert body["basis"] == NOW
        assert body["paging"] == paging(DEMO_LAST_POSITION, offset=offset, limit=40)
        positions += [event["position"] for event in body["rows"]]
        pages.append((len(body["rows"]), body["paging"]["next_offset"]))
        offset = body["paging"]["next_offset"]

    assert positions == list(range(1, DEMO_LAST_POSITION + 1))
    assert pages == [
        (40, 40),
        (40, 80),
        (40, 120),
        (40, 160),
        (40, 200),
        (40, 240),
        (40, 280),
        (10, None),
    ]


def test_the_log_pages_the_same_on_a_second_walk(demo_api: TestClient) -> None:
    first = read(demo_api, "/api/v1/events", after=60, limit=7)
    second = read(demo_api, "/api/v1/events", after=60, limit=7)

    assert first == second
    assert [event["position"] for event in first["rows"]] == list(range(61, 68))


def test_past_the_end_of_the_log_a_page_is_empty_and_says_there_is_no_more(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/events", after=DEMO_LAST_POSITION)

    assert body == {"basis": NOW, "rows": [], "paging": paging(0)}


def test_the_log_pages_by_offset_and_limit_after_a_position(demo_api: TestClient) -> None:
    after = DEMO_LAST_POSITION - 41  # two pages of 30: a full one and the rest
    whole = read(demo_api, "/api/v1/events", after=after)
    first = read(demo_api, "/api/v1/events", after=after, limit=30)
    second = read(demo_api, "/api/v1/events", after=after, offset=30, limit=30)
    total = DEMO_LAST_POSITION - after

    assert (whole["paging"], first["paging"], second["paging"]) == (
        paging(total),
        paging(total, limit=30),
        paging(total, offset=30, limit=30),
    )
    assert [event["position"] for event in first["rows"] + second["rows"]] == list(
        range(after + 1, DEMO_LAST_POSITION + 1)
    )
    assert first["rows"] + second["rows"] == whole["rows"]


def test_an_offset_past_the_end_of_the_log_is_an_empty_page_with_the_whole_total(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/events", offset=500, limit=10)

    assert body == {
        "basis": NOW,
        "rows": [],
        "paging": {"offset": 500, "limit": 10, "total": DEMO_LAST_POSITION, "next_offset": None},
    }


def test_the_log_rows_name_aggregates_by_dashed_uuid(demo_api: TestClient) -> None:
    rows = read(demo_api, "/api/v1/events")["rows"]

    assert all(str(UUID(row["aggregate_id"])) == row["aggregate_id"] for row in rows)


@pytest.mark.parametrize(
    ("params", "field", "detail", "code"),
    [
        ({"limit": 0}, "limit", "Input should be greater than or equal to 1", "greater_than_equal"),
        (
            {"limit": 10_001},
            "limit",
            "Input should be less than or equal to 10000",
            "less_than_equal",
        ),
        (
            {"offset": -1},
            "offset",
            "Input should be greater than or equal to 0",
            "greater_than_equal",
        ),
        (
            {"after": -1},
            "after",
            "Input should be greater than or equal to 0",
            "greater_than_equal",
        ),
    ],
    ids=["limit-0", "limit-10001", "offset-negative", "after-negative"],
)
def test_a_page_outside_the_limits_names_the_parameter(
    demo_api: TestClient, params: dict[str, int], field: str, detail: str, code: str
) -> None:
    response = demo_api.get("/api/v1/events", params=params, headers=AUDITOR)

    assert response.status_code == 422
    assert response.json() == problem(
        422,
        "invalid-input",
        f"the request has invalid fields: {field}",
        "/api/v1/events",
        query_error(field, detail, code),
    )


# -- reports ---------------------------------------------------------------------------


def test_reports_list_both_published_reports_in_publication_order(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/reports")

    assert body == {
        "basis": NOW,
        "rows": [
            {
                "report": "interventieplan-fase-4",
                "title": "Interventieplan fase 4 – Opgave Sociale Stad",
                "published_at": "2019-05-08T10:00:00+00:00",
                "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
                "log_position": INTERVENTIEPLAN_LAST_POSITION,
                "decision": "raad-2019-05-08-interventieplan-fase-4",
                "source": "Interventieplan fase 4 – Opgave Sociale Stad (Nijmegen, 2019)",
            },
            {
                "report": "voortgangsrapportage-2019-q4",
                "title": "Voortgangsrapportage Interventieplan 2019 Q4",
                "published_at": "2020-06-03T10:00:00+00:00",
                "knowledge_cutoff": "2020-06-03T10:00:00+00:00",
                "log_position": DEMO_LAST_POSITION,
                "decision": None,
                "source": "Voortgangsrapportage Interventieplan, vierde rapportage 2019 (Q4)",
            },
        ],
        "paging": paging(2),
    }


FIGUUR_1_LABELS = [
    "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken",
    "2. Wijkaanpak sociaal domein",
    "3. Inkomen, werk, schulden",
    "4. Sterke basis kinderen en jongeren",
    "5. Verminderen gebruik ambulante Jeugdzorg",
    "6. Jeugdzorg met verblijf*",
    "7. Ombouw Beschermd Wonen en maatschappelijke opvang",
    "8. Doorbraakaanpak",
    "9. Stelselwijziging",
    "10. Datagestuurd werken i/h sociaal domein",
]
FIGUUR_1_COLUMNS = ["uitgaven-2019", "beschikbaar-2020", "beschikbaar-2021"]


def figuur_1(cells: list[list[str | None]], total: list[str | None]) -> dict[str, Any]:
    """Figuur 1 with these published cells, row by row in column order."""
    return {
        "id": "figuur-1",
        "title": "Transformatiebudget",
        "unit": "EUR_1000",
        "columns": FIGUUR_1_COLUMNS,
        "rows": [
            {
                "interventie": number,
                "label": label,
                "values": dict(zip(FIGUUR_1_COLUMNS, values, strict=True)),
            }
            for number, (label, values) in enumerate(zip(FIGUUR_1_LABELS, cells, strict=True), 1)
        ],
        "totals": [{"label": "Totaal", "values": dict(zip(FIGUUR_1_COLUMNS, total, strict=True))}],
    }


FINANCIEEL_BEELD_LABELS = ["Wmo", "Beschermd Wonen", "Jeugd", "Werk en Inkomen"]


def financieel_beeld(results: list[str | None]) -> dict[str, Any]:
    """The Q4 report's stated results of 2019 (voordeel positive), in its row order."""
    return {
        "id": "financieel-beeld",
        "title": "Financieel beeld",
        "unit": "EUR_1000",
        "columns": ["2019"],
        "rows": [
            {"interventie": None, "label": label, "values": {"2019": result}}
            for label, result in zip(FINANCIEEL_BEELD_LABELS, results, strict=True)
        ],
        "totals": [],
    }


def test_a_report_reads_with_its_own_basis_and_the_published_figures(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/reports/voortgangsrapportage-2019-q4")

    assert body == {
        "report": "voortgangsrapportage-2019-q4",
        "title": "Voortgangsrapportage Interventieplan 2019 Q4",
        "basis": {
            "as_of": "report:voortgangsrapportage-2019-q4",
            "report": "voortgangsrapportage-2019-q4",
            "knowledge_cutoff": "2020-06-03T10:00:00+00:00",
            "log_position": DEMO_LAST_POSITION,
            "chain_head": DEMO_HEAD,
        },
        "tables": [
            figuur_1(
                [
                    [None, "50", None],
                    ["290", "119", None],
                    [None, None, None],
                    ["70", "80", None],
                    ["123", "242", None],
                    [None, None, None],
                    [None, None, None],
                    ["334", "206", None],
                    ["25", "70", "40"],
                    ["125", "125", "100"],
                ],
                ["967", "892", "140"],
            ),
            financieel_beeld(["1000", "10000", "-3400", "3300"]),
        ],
    }


def test_a_report_as_of_an_earlier_report_shows_what_was_known_then(
    demo_api: TestClient,
) -> None:
    body = read(
        demo_api, "/api/v1/reports/voortgangsrapportage-2019-q4", as_of="interventieplan-fase-4"
    )

    assert body == {
        "report": "voortgangsrapportage-2019-q4",
        "title": "Voortgangsrapportage Interventieplan 2019 Q4",
        "basis": {**AS_OF_INTERVENTIEPLAN, "chain_head": INTERVENTIEPLAN_HEAD},
        "tables": [
            figuur_1(
                [
                    [None, "25", None],
                    [None, "101", None],
                    [None, None, None],
                    [None, None, None],
                    [None, "175", None],
                    [None, None, None],
                    [None, None, None],
                    [None, "140", None],
                    [None, "70", "40"],
                    [None, "125", "100"],
                ],
                [None, "636", "140"],
            ),
            # The stated results of 2019 became known with the Q4 report itself.
            financieel_beeld([None, None, None, None]),
        ],
    }


def cli(*args: str, cwd: Path) -> str:
    """Run `begroting` in a fresh process, as a user would; its stdout."""
    env = {k: v for k, v in os.environ.items() if k != "BEGROTING_DB_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


@pytest.mark.e2e
def test_a_report_over_http_is_exactly_what_the_cli_prints_and_the_projection_renders(
    demo_api: TestClient, demo_ledger: Ledger, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path}/cli.db"
    cli("demo", "--db", db, cwd=tmp_path)
    # The CLI's own database recorded the demo at its own moment, and the chain covers the
    # recorded times: its chain heads are its own, read from its links (ADR 0007).
    cli_engine = create_engine(db)
    cases = [
        ("interventieplan-fase-4", None),
        ("voortgangsrapportage-2019-q4", "2019-06-01"),
        ("voortgangsrapportage-2019-q4", "now"),
    ]

    for report_id, as_of in cases:
        as_of_args = [] if as_of is None else ["--as-of", as_of]
        printed = json.loads(
            cli("report", report_id, *as_of_args, "--format", "json", "--db", db, cwd=tmp_path)
        )
        params = {} if as_of is None else {"as_of": as_of}
        served = read(demo_api, f"/api/v1/reports/{report_id}", **params)
        with demo_ledger.engine.connect() as conn:
            rendered = as_json(render_report(conn, report_id, as_of, DEMO_LAST_POSITION))
        with cli_engine.connect() as conn:
            assert printed["basis"]["chain_head"] == head_at(conn, printed["basis"]["log_position"])

        assert served == rendered, (report_id, as_of)
        assert printed == {**served, "basis": {**served["basis"], "chain_head": ANY}}
    cli_engine.dispose()
    assert served["basis"] == {**NOW, "chain_head": DEMO_HEAD}
