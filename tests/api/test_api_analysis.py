"""The audit analyses over HTTP (ADR 0008), on the Nijmegen demo history and both databases:
the authority behind every budget mutation, begrotingsonrechtmatigheid, why a report's
figures changed between two bases, and the events behind one cell; every answer exactly, and
every wrong question a problem document naming the parameter at fault."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from support.demo import DEMO_LAST_POSITION, INTERVENTIEPLAN_LAST_POSITION
from support.http import bearer, paging, problem, query_error

AUDITOR = bearer("auditor")
WWZ = "Welzijn, Wijkontwikkeling en Zorg"
FUND = "transformatiebudget"
IVP4 = "raad-2019-05-08-interventieplan-fase-4"
SLOTWIJZIGING = "raad-2019-12-nota-slotwijzigingen-2019"
RECORDED = "2026-11-23T09:00:00+00:00"  # when the demo history was recorded (the test clock)
ACTOR = "import:nijmegen-demo"
IMPORT_ID = "nijmegen-demo-v2"
NOW = {"as_of": "now", "report": None, "knowledge_cutoff": None, "log_position": DEMO_LAST_POSITION}
INTERVENTIEPLAN = {
    "as_of": "report:interventieplan-fase-4",
    "report": "interventieplan-fase-4",
    "knowledge_cutoff": "2019-05-08T10:00:00+00:00",
    "log_position": INTERVENTIEPLAN_LAST_POSITION,
}
VOORTGANG = {
    "as_of": "report:voortgangsrapportage-2019-q4",
    "report": "voortgangsrapportage-2019-q4",
    "knowledge_cutoff": "2020-06-03T10:00:00+00:00",
    "log_position": DEMO_LAST_POSITION,
}
IVP4_DECISION = {
    "reference": IVP4,
    "body": "raad",
    "kind": "beleidsnota",
    "status": "adopted",
    "adopted_known_at": "2019-05-08T10:00:00+00:00",
}
SLOT_DECISION = {
    "reference": SLOTWIJZIGING,
    "body": "raad",
    "kind": "slotwijziging",
    "status": "adopted",
    "adopted_known_at": "2019-12-18T11:00:00+00:00",
}
TAAKVELD = {1: "6.1", 2: "6.71", 4: "6.1", 5: "6.72", 8: "6.82", 9: "6.71", 10: "6.71"}


def read(client: TestClient, url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, params=params, headers=AUDITOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


# -- the authority report --------------------------------------------------------------


def mutation(position: int, year: int, interventie: int, delta: str) -> dict[str, Any]:
    return {
        "position": position,
        "event": "Amended",
        "delta": delta,
        "line": {
            "fiscal_year": year,
            "programma": WWZ,
            "taakveld": TAAKVELD[interventie],
            "side": "lasten",
            "deelproduct": None,
            "interventie": interventie,
            "fund": FUND,
        },
        "decision": IVP4_DECISION,
        "mandate": None,
        "authorised": True,
        "problems": [],
        "actor": ACTOR,
        "known_at": "2019-05-08T10:00:00+00:00",
        "recorded_at": RECORDED,
        "import_id": IMPORT_ID,
        "backdated": None,
        "backfill": IMPORT_ID,
    }


def test_the_authority_report_lists_each_mutation_with_its_chain(demo_api: TestClient) -> None:
    body = read(demo_api, "/api/v1/audit/authority", fiscal_year=2021)

    assert body == {
        "basis": NOW,
        "paging": paging(2),
        "rows": [
            mutation(108, 2021, 9, "40000.00"),
            mutation(110, 2021, 10, "100000.00"),
        ],
    }


def test_the_authority_report_as_of_a_report_lists_what_was_known_then(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/audit/authority", as_of="interventieplan-fase-4")
    unauthorised = read(demo_api, "/api/v1/audit/authority", without_authority="true")

    assert body["basis"] == INTERVENTIEPLAN
    assert [row["position"] for row in body["rows"]] == list(range(82, 111, 2))
    assert unauthorised == {"basis": NOW, "rows": [], "paging": paging(0)}


def test_the_authority_report_pages_by_offset_and_limit(demo_api: TestClient) -> None:
    whole = read(demo_api, "/api/v1/audit/authority")
    first = read(demo_api, "/api/v1/audit/authority", limit=2)
    second = read(demo_api, "/api/v1/audit/authority", offset=2, limit=2)
    past_the_end = read(demo_api, "/api/v1/audit/authority", offset=10_000)
    total = len(whole["rows"])

    assert total > 4
    assert (whole["paging"], first["paging"], second["paging"], past_the_end["paging"]) == (
        paging(total),
        paging(total, limit=2),
        paging(total, offset=2, limit=2),
        paging(total, offset=10_000),
    )
    assert first["rows"] + second["rows"] == whole["rows"][:4]
    assert past_the_end["rows"] == []
    assert first["basis"] == second["basis"] == whole["basis"]


def test_the_lineage_of_a_realised_figure_names_realisations_by_dashed_uuid(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/lineage/realisations", fiscal_year=2017)

    subjects = [row["subject"] for row in body["rows"]]
    assert subjects
    assert all(str(UUID(subject)) == subject for subject in subjects)


# -- begrotingsonrechtmatigheid --------------------------------------------------------


def test_onrechtmatigheid_on_the_demo_is_only_programmas_without_a_recorded_begroting(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/audit/onrechtmatigheid")
    in_2019 = read(demo_api, "/api/v1/audit/onrechtmatigheid", fiscal_year=2019)

    # No overschrijding: data gaps (ADR 0029); the whole body: tests/api/test_api_rechtmatigheid.
    assert [(row["programma"], row["fiscal_year"], row["finding"]) for row in body["rows"]] == [
        ("Opgave Sociale Stad", 2017, "geen-begroting-vastgelegd"),
        ("Opgave Sociale Stad", 2018, "geen-begroting-vastgelegd"),
        (WWZ, 2019, "geen-begroting-vastgelegd"),
    ]
    assert [row["excess"] for row in body["rows"]] == [None, None, None]
    assert body["paging"] == paging(3)
    assert [(row["programma"], row["fiscal_year"]) for row in in_2019["rows"]] == [(WWZ, 2019)]


# -- why did it change -----------------------------------------------------------------


def carried(
    row: str,
    interventie: int | None,
    column: str,
    was: str,
    now: str,
    published: tuple[str | None, str | None, str],
    events: list[tuple[int, int, int, str]],
) -> dict[str, Any]:
    """A tabel 7.2 cell changed by the slotwijziging's carry-overs: events as (position,
    fiscal year, interventie, delta)."""
    delta = sum(int(e[3].split(".")[0]) for e in events)
    return {
        "table": "tabel-7.2",
        "row": row,
        "kind": "row" if interventie is not None else "total",
        "interventie": interventie,
        "column": column,
        "from": was,
        "to": now,
        "difference": f"{delta}.00",
        "published": dict(zip(("from", "to", "difference"), published, strict=True)),
        "causes": [
            {
                "cause": "carry-over",
                "direction": "added",
                "late": False,
                "decision": {**SLOT_DECISION, "new": True},
                "delta": f"{delta}.00",
                "events": [
                    {
                        "position": position,
                        "event": "CarriedOver" if year == 2019 else "CarriedIn",
                        "subject": f"{WWZ} / {TAAKVELD[number]}",
                        "delta": amount,
                        "actor": ACTOR,
                        "period": year,
                        "known_at": "2019-12-18T11:00:00+00:00",
                        "recorded_at": RECORDED,
                        "source": None,
                        "backdated": None,
                        "backfill": IMPORT_ID,
                    }
                    for position, year, number, amount in events
                ],
            }
        ],
    }


ROWS_7_2 = {
    1: "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken",
    2: "2. Wijkaanpak sociaal domein",
    4: "4. Sterke basis kinderen en jongeren",
    5: "5. Verminderen gebruik ambulante Jeugdzorg",
    8: "8. Doorbraakaanpak",
}
# interventie -> (carried over, its positions out and in, the 2019 and 2020 budgets before)
CARRY_OVERS = {
    1: (25, 138, 141, 25, 25),
    2: (18, 142, 145, 309, 101),
    4: (80, 146, 150, 150, 0),
    5: (67, 151, 154, 190, 175),
    8: (66, 155, 158, 400, 140),
}


def _figure(thousands: int) -> str | None:
    return str(thousands) if thousands else None


def expected_diff_cells() -> list[dict[str, Any]]:
    cells = []
    for number, (amount, out, into, was_2019, was_2020) in CARRY_OVERS.items():
        cells += [
            carried(
                ROWS_7_2[number],
                number,
                "2019",
                f"{was_2019 * 1000}.00",
                f"{(was_2019 - amount) * 1000}.00",
                (_figure(was_2019), _figure(was_2019 - amount), str(-amount)),
                [(out, 2019, number, f"-{amount * 1000}.00")],
            ),
            carried(
                ROWS_7_2[number],
                number,
                "2020",
                f"{was_2020 * 1000}.00",
                f"{(was_2020 + amount) * 1000}.00",
                (_figure(was_2020), _figure(was_2020 + amount), str(amount)),
                [(into, 2020, number, f"{amount * 1000}.00")],
            ),
        ]
    total = "Totaal beroep op transformatiebudget"
    cells += [
        carried(
            total,
            None,
            "2019",
            "1224000.00",
            "968000.00",
            ("1224", "968", "-256"),
            [(c[1], 2019, n, f"-{c[0] * 1000}.00") for n, c in CARRY_OVERS.items()],
        ),
        carried(
            total,
            None,
            "2020",
            "636000.00",
            "892000.00",
            ("636", "892", "256"),
            [(c[2], 2020, n, f"{c[0] * 1000}.00") for n, c in CARRY_OVERS.items()],
        ),
    ]
    # The "Totaal" beroep op het transformatiebudget of tables 5.2, 5.4, 5.5 and 5.8 is its
    # interventie's budget on the fund: it moves with the same carry-over as tabel 7.2's row.
    for number, table in ((2, "tabel-5.2"), (4, "tabel-5.4"), (5, "tabel-5.5"), (8, "tabel-5.8")):
        cells += [
            {**cell, "table": table, "row": "Totaal"}
            for cell in cells
            if cell["table"] == "tabel-7.2" and cell["interventie"] == number
        ]
    return cells


def test_a_report_diff_names_every_changed_figure_and_its_causes(demo_api: TestClient) -> None:
    body = read(
        demo_api,
        "/api/v1/reports/interventieplan-fase-4/diff",
        **{"from": "interventieplan-fase-4", "to": "voortgangsrapportage-2019-q4"},
    )

    assert body == {
        "report": "interventieplan-fase-4",
        "title": "Interventieplan fase 4 – Opgave Sociale Stad",
        "from": INTERVENTIEPLAN,
        "to": VOORTGANG,
        "cells": expected_diff_cells(),
    }


def test_a_report_diff_runs_from_the_reports_own_basis_to_now_by_default(
    demo_api: TestClient,
) -> None:
    body = read(demo_api, "/api/v1/reports/interventieplan-fase-4/diff")

    assert body["from"] == INTERVENTIEPLAN
    assert body["to"] == NOW
    assert body["cells"] == expected_diff_cells()


# -- the lineage of a cell -------------------------------------------------------------


def contribution(
    position: int, event: str, delta: str, running: str, decision: dict[str, Any], known: str
) -> dict[str, Any]:
    return {
        "position": position,
        "event": event,
        "subject": f"{WWZ} / 6.71",
        "delta": delta,
        "running_total": running,
        "decision": decision,
        "mandate": None,
        "authorised": True,
        "problems": [],
        "source": None,
        "actor": ACTOR,
        "period": 2020,
        "known_at": known,
        "recorded_at": RECORDED,
        "import_id": IMPORT_ID,
        "backdated": None,
        "backfill": IMPORT_ID,
    }


def test_a_report_cell_lists_the_events_that_add_up_to_it(demo_api: TestClient) -> None:
    params = {"table": "tabel-7.2", "row": "2. Wijkaanpak sociaal domein", "column": "2020"}
    own = read(demo_api, "/api/v1/reports/interventieplan-fase-4/cells", **params)
    later = read(
        demo_api,
        "/api/v1/reports/interventieplan-fase-4/cells",
        **params,
        as_of="voortgangsrapportage-2019-q4",
    )

    cell = {
        "table": "tabel-7.2",
        "row": "2. Wijkaanpak sociaal domein",
        "kind": "row",
        "interventie": 2,
        "column": "2020",
    }
    amended = contribution(
        98, "Amended", "101000.00", "101000.00", IVP4_DECISION, "2019-05-08T10:00:00+00:00"
    )
    assert own == {
        "report": "interventieplan-fase-4",
        "basis": INTERVENTIEPLAN,
        "cell": cell,
        "amount": "101000.00",
        "published": "101",
        "rows": [amended],
    }
    assert later == {
        "report": "interventieplan-fase-4",
        "basis": VOORTGANG,
        "cell": cell,
        "amount": "119000.00",
        "published": "119",
        "rows": [
            amended,
            contribution(
                145,
                "CarriedIn",
                "18000.00",
                "119000.00",
                SLOT_DECISION,
                "2019-12-18T11:00:00+00:00",
            ),
        ],
    }


# -- wrong questions -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/begroting-2030/diff",
        "/api/v1/reports/begroting-2030/cells?table=t&row=r&column=c",
    ],
    ids=["diff", "cells"],
)
def test_an_unknown_report_is_a_404(demo_api: TestClient, url: str) -> None:
    response = demo_api.get(url, headers=AUDITOR)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(
        404, "unknown-report", "unknown report 'begroting-2030'", url.split("?")[0]
    )


MALFORMED = (
    "use a date (2019-12-31 or 31-12-2019), a quarter (2019Q4) or ISO 8601 (2019-05-08T17:00+02:00)"
)
DIFF = "/api/v1/reports/interventieplan-fase-4/diff"
CELLS = "/api/v1/reports/interventieplan-fase-4/cells"
CELL = {"table": "tabel-7.2", "row": "2", "column": "2020"}


def unknown_cell(field: str, detail: str) -> dict[str, Any]:
    return problem(422, "unknown-cell", detail, CELLS, query_error(field, detail, "unknown-cell"))


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        pytest.param(
            DIFF,
            {"from": "2019-13-01"},
            problem(
                422,
                "invalid-basis",
                f"malformed moment '2019-13-01': {MALFORMED}",
                DIFF,
                query_error("from", f"malformed moment '2019-13-01': {MALFORMED}", "invalid-basis"),
            ),
            id="diff-from-malformed",
        ),
        pytest.param(
            DIFF,
            {"to": "begroting-2030"},
            problem(
                422,
                "unknown-report",
                "unknown report 'begroting-2030'",
                DIFF,
                query_error("to", "unknown report 'begroting-2030'", "unknown-report"),
            ),
            id="diff-to-unknown-report",
        ),
        pytest.param(
            "/api/v1/audit/authority",
            {"as_of": "gisteren"},
            problem(
                422,
                "unknown-report",
                "unknown report 'gisteren'",
                "/api/v1/audit/authority",
                query_error("as_of", "unknown report 'gisteren'", "unknown-report"),
            ),
            id="authority-as_of-unknown-report",
        ),
        pytest.param(
            "/api/v1/audit/onrechtmatigheid",
            {"as_of": "2019-02-30"},
            problem(
                422,
                "invalid-basis",
                f"malformed moment '2019-02-30': {MALFORMED}",
                "/api/v1/audit/onrechtmatigheid",
                query_error(
                    "as_of", f"malformed moment '2019-02-30': {MALFORMED}", "invalid-basis"
                ),
            ),
            id="onrechtmatigheid-as_of-malformed",
        ),
        pytest.param(
            CELLS,
            {**CELL, "as_of": "2019-02-30"},
            problem(
                422,
                "invalid-basis",
                f"malformed moment '2019-02-30': {MALFORMED}",
                CELLS,
                query_error(
                    "as_of", f"malformed moment '2019-02-30': {MALFORMED}", "invalid-basis"
                ),
            ),
            id="cells-as_of-malformed",
        ),
        pytest.param(
            CELLS,
            {**CELL, "table": "tabel-9"},
            unknown_cell(
                "table",
                "the report has no table 'tabel-9'; it has tabel-6.1, tabel-7.2, tabel-4.1, "
                + ", ".join(f"tabel-5.{n}" for n in range(1, 12)),
            ),
            id="cells-unknown-table",
        ),
        pytest.param(
            CELLS,
            {**CELL, "row": "99"},
            unknown_cell(
                "row",
                "table 'tabel-7.2' has no row '99': give a row's label, or an interventie "
                "number that names exactly one row",
            ),
            id="cells-unknown-row",
        ),
        pytest.param(
            CELLS,
            {**CELL, "column": "2030"},
            unknown_cell(
                "column", "table 'tabel-7.2' has no column '2030'; it has 2019, 2020, 2021, totaal"
            ),
            id="cells-unknown-column",
        ),
    ],
)
def test_a_wrong_question_is_a_422_naming_the_parameter_at_fault(
    demo_api: TestClient, url: str, params: dict[str, Any], expected: dict[str, Any]
) -> None:
    response = demo_api.get(url, params=params, headers=AUDITOR)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == expected


def test_a_cell_without_its_table_row_and_column_is_a_422_naming_each(
    demo_api: TestClient,
) -> None:
    response = demo_api.get(CELLS, headers=AUDITOR)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["table", "row", "column"]
