"""The exports over HTTP (ADR 0009): each answers its file with the right content type and
a Content-Disposition naming it, the first rows exactly, on the Nijmegen demo history. A CSV
is for a Dutch Excel unless `dialect=rfc4180` asks for today's comma and point; an XLSX has
its header frozen and filtered, euros formatted, and the basis on a sheet of its own."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)
from support.http import bearer, problem, query_error

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECORDED = "2026-11-23T09:00:00+00:00"
BUDGET = "/api/v1/exports/lineage/budget"
# basis_as_of, _report, _knowledge_cutoff, _log_position, chain_head
NOW = ["now", "", "", str(DEMO_LAST_POSITION), DEMO_HEAD]
PLAN_POSITION = str(INTERVENTIEPLAN_LAST_POSITION)
# the 2019 -> 2020 carry-over of interventie 2 onto its 2020 line (Nota Slotwijzigingen 2019)
CARRIED_IN = "145"
BOM = b"\xef\xbb\xbf"
EUROS = '"€ "#,##0.00;"€ "-#,##0.00'
# The sources of the demo's budget mutations (the lineage reads them from the audit log).
IVP4_SOURCE = (
    "Interventieplan fase 4 \u2013 Opgave Sociale Stad (Nijmegen, 2019), \u00a76.2 en tabel 7.2"
)
CARRY_SOURCE = (
    "Voortgangsrapportage Interventieplan, vierde rapportage 2019 (Q4), uitputting "
    "transformatiebudget (Figuur 1)"
)


def get(api: TestClient, url: str, role: str = "auditor", **params: Any) -> Response:
    return api.get(url, params=params, headers=bearer(role))


def rows_of(response: Response) -> list[list[str]]:
    """The cells of a CSV in the default dialect, excel-nl: a BOM, then `;` between cells."""
    assert response.content.startswith(BOM)
    text = response.content[len(BOM) :].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def rfc4180_rows_of(response: Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def test_a_report_table_exports_as_csv_with_its_basis(demo_api: TestClient) -> None:
    response = get(
        demo_api, "/api/v1/exports/reports/interventieplan-fase-4.csv", table="tabel-7.2"
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == CSV
    assert response.headers["content-disposition"] == (
        'attachment; filename="interventieplan-fase-4-tabel-7.2.csv"'
    )
    rows = rows_of(response)
    assert rows[0][10:14] == ["2019", "2020", "2021", "totaal"]
    assert rows[1] == [
        "interventieplan-fase-4",
        "Interventieplan fase 4 – Opgave Sociale Stad",
        PLAN_POSITION,
        "raad-2019-05-08-interventieplan-fase-4",
        "tabel-7.2",
        "Beroep op het transformatiebudget",
        "EUR_1000",
        "row",
        "1",
        "1. Welzijn, vrijwilligers, leefbare wijken gericht versterken",
        "25",
        "25",
        "",
        "50",
        "report:interventieplan-fase-4",
        "interventieplan-fase-4",
        "2019-05-08T10:00:00+00:00",
        PLAN_POSITION,
        INTERVENTIEPLAN_HEAD,
    ]


def test_a_report_on_another_basis_names_that_basis_on_every_row(demo_api: TestClient) -> None:
    response = get(
        demo_api,
        "/api/v1/exports/reports/interventieplan-fase-4.csv",
        table="tabel-7.2",
        as_of="voortgangsrapportage-2019-q4",
    )

    rows = rows_of(response)
    assert rows[2][8:14] == ["2", "2. Wijkaanpak sociaal domein", "291", "119", "", "410"]
    assert {tuple(row[14:]) for row in rows[1:]} == {
        (
            "report:voortgangsrapportage-2019-q4",
            "voortgangsrapportage-2019-q4",
            "2020-06-03T10:00:00+00:00",
            str(DEMO_LAST_POSITION),
            DEMO_HEAD,
        )
    }


def test_a_report_exports_as_xlsx_that_openpyxl_reads_back(demo_api: TestClient) -> None:
    response = get(demo_api, "/api/v1/exports/reports/interventieplan-fase-4.xlsx")

    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == (
        'attachment; filename="interventieplan-fase-4.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Report tables", "Basis and chain head"]
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[1][:15] == (
        "interventieplan-fase-4",
        "Interventieplan fase 4 – Opgave Sociale Stad",
        INTERVENTIEPLAN_LAST_POSITION,
        "raad-2019-05-08-interventieplan-fase-4",
        "tabel-6.1",
        "Overzicht taakstellingen/opgaven",
        "EUR_1000",
        "row",
        1,
        None,  # key: the workbook's tables 5.x key some rows, tabel 6.1 none
        "Welzijn, vrijwilligers, leefbare wijken gericht versterken (IVP-2)",
        40,
        40,
        40,
        40,
    )
    assert list(workbook.worksheets[1].iter_rows(values_only=True)) == [
        ("key", "value"),
        ("as_of", "report:interventieplan-fase-4"),
        ("report", "interventieplan-fase-4"),
        ("knowledge_cutoff", "2019-05-08T10:00:00+00:00"),
        ("log_position", INTERVENTIEPLAN_LAST_POSITION),
        ("export", "report interventieplan-fase-4"),
        ("report_position", INTERVENTIEPLAN_LAST_POSITION),
        ("report_decision", "raad-2019-05-08-interventieplan-fase-4"),
        ("chain_head", INTERVENTIEPLAN_HEAD),
    ]


def test_a_report_sheet_has_a_frozen_filtered_header_and_figures_with_thousands_separators(
    demo_api: TestClient,
) -> None:
    response = get(
        demo_api, "/api/v1/exports/reports/interventieplan-fase-4.xlsx", table="tabel-7.2"
    )

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, basis = workbook.worksheets
    assert workbook.sheetnames == ["Report table tabel-7.2", "Basis and chain head"]
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:S12")
    assert (sheet["A1"].font.b, sheet["R1"].font.b, sheet["A2"].font.b) == (True, True, False)
    # 2019, 2020, 2021 and totaal for interventie 2 on the plan's own basis: whole thousands
    assert [(cell.value, cell.number_format) for cell in sheet[3][10:14]] == [
        (309, "#,##0"),
        (101, "#,##0"),
        (None, "General"),
        (410, "#,##0"),
    ]
    assert (basis.freeze_panes, basis["A1"].font.b, basis.auto_filter.ref) == ("A2", True, None)


def test_the_lineage_of_a_budget_figure_exports_as_csv(demo_api: TestClient) -> None:
    response = get(
        demo_api, f"{BUDGET}.csv", fiscal_year=2020, fund="transformatiebudget", interventie=2
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == CSV
    assert response.headers["content-disposition"] == (
        'attachment; filename="lineage-budget-2020.csv"'
    )
    assert rows_of(response)[1:] == [
        [
            "budget 2020 fund=transformatiebudget interventie=2",
            "98",
            "Amended",
            "Welzijn, Wijkontwikkeling en Zorg / 6.71",
            "101000,00",
            "101000,00",
            "raad-2019-05-08-interventieplan-fase-4",
            "import:nijmegen-demo",
            "2020",
            "2019-05-08T10:00:00+00:00",
            RECORDED,
            "nijmegen-demo-v2",
            *NOW,
            "",  # mandate: a raad decision relies on none
            "true",
            "",
            IVP4_SOURCE,
            "",  # not backdated: a backfill (ADR 0018)
            "P7D",
            "nijmegen-demo-v2",
        ],
        [
            "budget 2020 fund=transformatiebudget interventie=2",
            CARRIED_IN,
            "CarriedIn",
            "Welzijn, Wijkontwikkeling en Zorg / 6.71",
            "18000,00",
            "119000,00",
            "raad-2019-12-nota-slotwijzigingen-2019",
            "import:nijmegen-demo",
            "2020",
            "2019-12-18T11:00:00+00:00",
            RECORDED,
            "nijmegen-demo-v2",
            *NOW,
            "",  # mandate: a raad decision relies on none
            "true",
            "",
            CARRY_SOURCE,
            "",  # not backdated: a backfill (ADR 0018)
            "P7D",
            "nijmegen-demo-v2",
        ],
    ]


def test_the_lineage_of_a_budget_figure_exports_as_xlsx_with_exact_amounts(
    demo_api: TestClient,
) -> None:
    response = get(
        demo_api, f"{BUDGET}.xlsx", fiscal_year=2020, fund="transformatiebudget", interventie=2
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4:8] == ("delta", "delta_exact", "running_total", "running_total_exact")
    assert [row[4:8] for row in rows[1:]] == [
        (101000, "101000.00", 101000, "101000.00"),
        (18000, "18000.00", 119000, "119000.00"),
    ]
    assert Decimal(str(rows[2][6])) == Decimal("119000.00")
    assert [sheet.cell(2, column).number_format for column in (5, 6, 7, 8)] == [
        EUROS,
        "General",  # delta_exact: the decimal string, text
        EUROS,
        "General",
    ]
    assert sheet.title == "Budget lineage 2020"
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:Z3")


def test_the_lineage_of_a_realised_figure_exports_as_csv(demo_api: TestClient) -> None:
    response = get(
        demo_api,
        "/api/v1/exports/lineage/realisations.csv",
        fiscal_year=2017,
        deelproduct="61296",
    )

    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'attachment; filename="lineage-realisations-2017.csv"'
    )
    assert rows_of(response)[1] == [
        "realisation 2017 deelproduct=61296",
        "18",
        "definitief v1",
        "b304f2cf-4337-5b4b-a064-ab3fa027f642",
        "16664000,00",
        "16664000,00",
        "",
        "import:nijmegen-demo",
        "2017",
        "2018-04-17T10:00:00+00:00",
        RECORDED,
        "nijmegen-demo-v2",
        "",  # origin_year: an ordinary realisation, not a late result
        "",
        "",
        "",
        *NOW,
        "",  # no decision: no mandate and no verdict
        "",
        "",
        "Stadsrekening 2017, deelproduct 61296 Ambulante trajecten volwassenen "
        "(Interventieplan fase 4 \u2013 Opgave Sociale Stad (Nijmegen, 2019), tabellen 5.x)",
        "",
        "P7D",
        "nijmegen-demo-v2",
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_audit_log_exports_every_event(demo_api: TestClient, fmt: str) -> None:
    response = get(demo_api, f"/api/v1/exports/log.{fmt}")

    assert response.status_code == 200
    assert response.headers["content-type"] == {"csv": CSV, "xlsx": XLSX}[fmt]
    assert response.headers["content-disposition"] == f'attachment; filename="audit-log.{fmt}"'
    if fmt == "csv":
        rows = rows_of(response)
        assert rows[1][:12] == [
            "1",
            "Decision.Proposed",
            "2c847157-09e7-53a4-88cc-23f23bff58c1",
            "1",
            "2018..2022",
            "2018-03-07T11:00:00+00:00",
            RECORDED,
            "import:nijmegen-demo",
            "raad-2018-03-interventieplan-fase-2",
            "Interventieplan fase 4 – Opgave Sociale Stad (Nijmegen, 2019), §4.3",
            "nijmegen-demo-v2",
            rows[1][11],
        ]
        assert rows[1][12:] == [str(DEMO_LAST_POSITION), DEMO_HEAD]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 1 + DEMO_LAST_POSITION


def test_an_unknown_table_of_a_report_is_a_404_naming_the_tables(demo_api: TestClient) -> None:
    url = "/api/v1/exports/reports/interventieplan-fase-4.csv"

    response = get(demo_api, url, table="tabel-9")

    detail = (
        "report 'interventieplan-fase-4' has no table 'tabel-9'; it has: tabel-6.1, tabel-7.2, "
        "tabel-4.1, tabel-5.1, tabel-5.2, tabel-5.3, tabel-5.4, tabel-5.5, tabel-5.6, tabel-5.7, "
        "tabel-5.8, tabel-5.9, tabel-5.10, tabel-5.11"
    )
    assert response.status_code == 404
    assert response.json() == problem(
        404,
        "not-found",
        detail,
        url,
        {"in": "query", "field": "table", "detail": detail, "code": "not-found"},
    )


def test_an_unknown_report_is_a_404(demo_api: TestClient) -> None:
    url = "/api/v1/exports/reports/geen-rapport.xlsx"

    response = get(demo_api, url)

    assert response.status_code == 404
    assert response.json() == problem(404, "unknown-report", "unknown report 'geen-rapport'", url)


def test_an_export_is_csv_or_xlsx(demo_api: TestClient) -> None:
    response = get(demo_api, "/api/v1/exports/log.pdf")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "in": "path",
            "field": "fmt",
            "detail": "Input should be 'csv' or 'xlsx'",
            "code": "literal_error",
        }
    ]


def test_the_admin_does_not_export(demo_api: TestClient) -> None:
    response = get(demo_api, "/api/v1/exports/log.csv", role="admin")

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "this needs the role griffie or finance or auditor; you are admin"
    )


# -- the CSV's two dialects ------------------------------------------------------------

LINEAGE_HEADER = (
    "figure,position,event,subject,delta,running_total,decision,actor,period,known_at,"
    "recorded_at,import_id,basis_as_of,basis_report,basis_knowledge_cutoff,basis_log_position,"
    "chain_head,mandate,authorised,problems,source,backdated,backdating_grace,backfill"
)
PLAN = "raad-2019-05-08-interventieplan-fase-4"
SLOT = "raad-2019-12-nota-slotwijzigingen-2019"
LAST = str(DEMO_LAST_POSITION).encode()


def test_the_default_csv_is_for_a_dutch_excel_a_bom_semicolons_and_decimal_commas(
    demo_api: TestClient,
) -> None:
    response = get(
        demo_api, f"{BUDGET}.csv", fiscal_year=2020, fund="transformatiebudget", interventie=2
    )

    assert response.headers["content-type"] == CSV
    assert response.content == (
        BOM + LINEAGE_HEADER.replace(",", ";").encode() + b"\r\n"
        b"budget 2020 fund=transformatiebudget interventie=2;98;Amended;"
        b"Welzijn, Wijkontwikkeling en Zorg / 6.71;101000,00;101000,00;"
        + PLAN.encode() + b";import:nijmegen-demo;2020;2019-05-08T10:00:00+00:00;"
        + RECORDED.encode() + b";nijmegen-demo-v2;now;;;" + LAST + b";" + DEMO_HEAD.encode()
        + b";;true;;" + IVP4_SOURCE.encode() + b";;P7D;nijmegen-demo-v2\r\n"
        b"budget 2020 fund=transformatiebudget interventie=2;"
        + CARRIED_IN.encode() + b";CarriedIn;"
        b"Welzijn, Wijkontwikkeling en Zorg / 6.71;18000,00;119000,00;"
        + SLOT.encode() + b";import:nijmegen-demo;2020;2019-12-18T11:00:00+00:00;"
        + RECORDED.encode() + b";nijmegen-demo-v2;now;;;" + LAST + b";" + DEMO_HEAD.encode()
        + b";;true;;" + CARRY_SOURCE.encode() + b";;P7D;nijmegen-demo-v2\r\n"
    )  # fmt: skip


def test_dialect_rfc4180_gives_commas_decimal_points_and_no_bom(demo_api: TestClient) -> None:
    response = get(
        demo_api,
        f"{BUDGET}.csv",
        fiscal_year=2020,
        fund="transformatiebudget",
        interventie=2,
        dialect="rfc4180",
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == CSV
    assert response.headers["content-disposition"] == (
        'attachment; filename="lineage-budget-2020.csv"'
    )
    assert response.content == (
        LINEAGE_HEADER.encode() + b"\r\n"
        b'budget 2020 fund=transformatiebudget interventie=2,98,Amended,'
        b'"Welzijn, Wijkontwikkeling en Zorg / 6.71",101000.00,101000.00,'
        + PLAN.encode() + b",import:nijmegen-demo,2020,2019-05-08T10:00:00+00:00,"
        + RECORDED.encode() + b",nijmegen-demo-v2,now,,," + LAST + b"," + DEMO_HEAD.encode()
        + b',,true,,"' + IVP4_SOURCE.encode() + b'",,P7D,nijmegen-demo-v2\r\n'
        b'budget 2020 fund=transformatiebudget interventie=2,'
        + CARRIED_IN.encode() + b',CarriedIn,'
        b'"Welzijn, Wijkontwikkeling en Zorg / 6.71",18000.00,119000.00,'
        + SLOT.encode() + b",import:nijmegen-demo,2020,2019-12-18T11:00:00+00:00,"
        + RECORDED.encode() + b",nijmegen-demo-v2,now,,," + LAST + b"," + DEMO_HEAD.encode()
        + b',,true,,"' + CARRY_SOURCE.encode() + b'",,P7D,nijmegen-demo-v2\r\n'
    )  # fmt: skip


def test_both_dialects_hold_the_same_cells_but_for_the_decimal_mark(demo_api: TestClient) -> None:
    url = "/api/v1/exports/lineage/realisations.csv"

    dutch = rows_of(get(demo_api, url, fiscal_year=2017))
    plain = rfc4180_rows_of(get(demo_api, url, fiscal_year=2017, dialect="rfc4180"))

    assert len(dutch) == len(plain) > 2
    assert dutch[0] == plain[0]
    assert [row[4:6] for row in dutch[1:]] == [
        [cell.replace(".", ",") for cell in row[4:6]] for row in plain[1:]
    ]
    assert [row[:4] + row[6:] for row in dutch] == [row[:4] + row[6:] for row in plain]


def test_an_unknown_dialect_is_a_422_naming_the_parameter(demo_api: TestClient) -> None:
    url = "/api/v1/exports/log.csv"

    response = get(demo_api, url, dialect="excel")

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(
        422,
        "invalid-input",
        "the request has invalid fields: dialect",
        url,
        query_error("dialect", "Input should be 'excel-nl' or 'rfc4180'", "literal_error"),
    )


def test_a_dialect_for_an_xlsx_is_a_422_not_ignored(demo_api: TestClient) -> None:
    url = "/api/v1/exports/reports/interventieplan-fase-4.xlsx"

    response = get(demo_api, url, dialect="rfc4180")

    detail = "dialect is for a CSV export; an XLSX has none"
    assert response.status_code == 422
    assert response.json() == problem(
        422, "invalid-input", detail, url, query_error("dialect", detail, "csv-only")
    )


def test_the_openapi_document_describes_the_dialect_on_every_export(demo_api: TestClient) -> None:
    paths = demo_api.get("/openapi.json").json()["paths"]

    exports = [path for path in paths if path.startswith("/api/v1/exports/")]
    dialects = [
        next(p for p in paths[path]["get"]["parameters"] if p["name"] == "dialect")
        for path in exports
    ]
    assert len(exports) == 5  # the Iv3 matrix is the fifth (ADR 0031)
    assert {p["in"] for p in dialects} == {"query"}
    assert {p["required"] for p in dialects} == {False}
    assert [p["schema"]["anyOf"] for p in dialects] == 5 * [
        [{"type": "string", "enum": ["excel-nl", "rfc4180"]}, {"type": "null"}]
    ]
    assert dialects[0]["description"] == (
        "a CSV's dialect: `excel-nl` (the default; what Excel in a Dutch locale opens: a UTF-8 "
        "byte order mark, `;` between cells, decimal commas, `1234,50`) or `rfc4180` (for "
        "tools: `,` between cells, decimal points, `1234.50`, no byte order mark). Not for an "
        "XLSX."
    )
