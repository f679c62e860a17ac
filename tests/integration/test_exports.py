"""Exports keep every amount exact and every row traceable (ADR 0009): the CSV holds the
decimal strings (with a decimal comma for a Dutch Excel, the default, or a point in RFC
4180); the XLSX opens with openpyxl, gives back exactly the Decimal, shows euros, and carries
the provenance columns; text never becomes a formula. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from api import spreadsheets as writers
from api.cli.parser import build_parser
from api.ledger import Ledger
from projections.queries import event_log, row_exports
from projections.queries.basis import resolve_basis
from projections.queries.row_exports import Column, Export, Kind, fits_a_sheet
from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)

FUND = "transformatiebudget"
RECORDED = "2026-11-23T09:00:00+00:00"
CENT = Decimal("0.01")
LINEAGE_HEADER = [
    "figure",
    "position",
    "event",
    "subject",
    "delta",
    "running_total",
    "decision",
    "actor",
    "period",
    "known_at",
    "recorded_at",
    "import_id",
    "basis_as_of",
    "basis_report",
    "basis_knowledge_cutoff",
    "basis_log_position",
    "chain_head",
    # each row's authority, after the older columns
    "mandate",
    "authorised",
    "problems",
    "source",
    # whether it was backdated beyond the grace, the grace, and a backfill's import (ADR 0018)
    "backdated",
    "backdating_grace",
    "backfill",
]
FIGURE = "budget 2020 fund=transformatiebudget interventie=2"
LINE = "Welzijn, Wijkontwikkeling en Zorg / 6.71"
ON_Q4 = ["report:voortgangsrapportage-2019-q4", "voortgangsrapportage-2019-q4"]
Q4_CUTOFF = "2020-06-03T10:00:00+00:00"
# the Q4 report is the demo's last event; the carry-over onto interventie 2's 2020 line
Q4_POSITION = str(DEMO_LAST_POSITION)
CARRIED_IN = "145"

# The sources of the demo's budget mutations (the lineage reads them from the audit log).
IVP4_SOURCE = (
    "Interventieplan fase 4 \u2013 Opgave Sociale Stad (Nijmegen, 2019), \u00a76.2 en tabel 7.2"
)
CARRY_SOURCE = (
    "Voortgangsrapportage Interventieplan, vierde rapportage 2019 (Q4), uitputting "
    "transformatiebudget (Figuur 1)"
)


def lineage_on_q4(ledger: Ledger) -> Export:
    """The lineage of the 2020 transformatiebudget for interventie 2 (the €119k) as the
    voortgangsrapportage 2019-Q4 saw it."""
    with ledger.engine.connect() as conn:
        basis = resolve_basis(conn, "voortgangsrapportage-2019-q4", DEMO_LAST_POSITION)
        return row_exports.budget_lineage_export(
            conn, basis, fiscal_year=2020, fund=FUND, interventie=2
        )


BOM = b"\xef\xbb\xbf"
EUROS = '"€ "#,##0.00;"€ "-#,##0.00'


def read_csv(content: bytes) -> list[list[str]]:
    """The cells of an RFC 4180 CSV."""
    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))


def read_xlsx(content: bytes) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    rows, provenance = workbook.worksheets
    return list(rows.iter_rows(values_only=True)), list(provenance.iter_rows(values_only=True))


def test_a_lineage_as_csv_holds_the_exact_amounts_and_the_basis_on_every_row(
    demo_ledger: Ledger,
) -> None:
    rows = read_csv(writers.to_csv(lineage_on_q4(demo_ledger), "rfc4180"))

    assert rows == [
        LINEAGE_HEADER,
        [
            FIGURE,
            "98",
            "Amended",
            LINE,
            "101000.00",
            "101000.00",
            "raad-2019-05-08-interventieplan-fase-4",
            "import:nijmegen-demo",
            "2020",
            "2019-05-08T10:00:00+00:00",
            RECORDED,
            "nijmegen-demo-v2",
            *ON_Q4,
            Q4_CUTOFF,
            Q4_POSITION,
            DEMO_HEAD,
            "",
            "true",
            "",
            IVP4_SOURCE,
            "",
            "P7D",
            "nijmegen-demo-v2",
        ],
        [
            FIGURE,
            CARRIED_IN,
            "CarriedIn",
            LINE,
            "18000.00",
            "119000.00",
            "raad-2019-12-nota-slotwijzigingen-2019",
            "import:nijmegen-demo",
            "2020",
            "2019-12-18T11:00:00+00:00",
            RECORDED,
            "nijmegen-demo-v2",
            *ON_Q4,
            Q4_CUTOFF,
            Q4_POSITION,
            DEMO_HEAD,
            "",
            "true",
            "",
            CARRY_SOURCE,
            "",
            "P7D",
            "nijmegen-demo-v2",
        ],
    ]


def test_a_lineage_as_xlsx_opens_with_openpyxl_and_gives_back_exactly_the_decimals(
    demo_ledger: Ledger,
) -> None:
    rows, provenance = read_xlsx(writers.to_xlsx(lineage_on_q4(demo_ledger)))

    header = rows[0]
    assert list(header) == [
        *LINEAGE_HEADER[:5],
        "delta_exact",
        "running_total",
        "running_total_exact",
        *LINEAGE_HEADER[6:],
    ]
    first = dict(zip(header, rows[1], strict=True))
    assert first == {
        "figure": FIGURE,
        "position": 98,
        "event": "Amended",
        "subject": LINE,
        "delta": 101000,
        "delta_exact": "101000.00",
        "running_total": 101000,
        "running_total_exact": "101000.00",
        "decision": "raad-2019-05-08-interventieplan-fase-4",
        "actor": "import:nijmegen-demo",
        "period": 2020,
        "known_at": "2019-05-08T10:00:00+00:00",
        "recorded_at": RECORDED,
        "import_id": "nijmegen-demo-v2",
        "basis_as_of": ON_Q4[0],
        "basis_report": ON_Q4[1],
        "basis_knowledge_cutoff": Q4_CUTOFF,
        "basis_log_position": DEMO_LAST_POSITION,
        "chain_head": DEMO_HEAD,
        "mandate": None,
        "authorised": "true",
        "problems": None,
        "source": IVP4_SOURCE,
        "backdated": None,
        "backdating_grace": "P7D",
        "backfill": "nijmegen-demo-v2",
    }
    second = dict(zip(header, rows[2], strict=True))
    assert Decimal(str(second["running_total"])).quantize(CENT) == Decimal("119000.00")
    assert Decimal(second["running_total_exact"]) == Decimal("119000.00")
    assert provenance == [
        ("key", "value"),
        ("as_of", ON_Q4[0]),
        ("report", ON_Q4[1]),
        ("knowledge_cutoff", Q4_CUTOFF),
        ("log_position", DEMO_LAST_POSITION),
        ("export", f"lineage of {FIGURE}"),
        ("backdating_grace", "P7D"),
        ("chain_head", DEMO_HEAD),
    ]


def test_a_report_table_exports_its_published_figures_with_the_report_and_its_basis(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        export = row_exports.report_export(
            conn, "interventieplan-fase-4", None, DEMO_LAST_POSITION, table="tabel-7.2"
        )

    rows = read_csv(writers.to_csv(export, "rfc4180"))
    provenance = [
        "report:interventieplan-fase-4",
        "interventieplan-fase-4",
        "2019-05-08T10:00:00+00:00",
        str(INTERVENTIEPLAN_LAST_POSITION),
        INTERVENTIEPLAN_HEAD,
    ]
    report = [
        "interventieplan-fase-4",
        "Interventieplan fase 4 – Opgave Sociale Stad",
        str(INTERVENTIEPLAN_LAST_POSITION),
        "raad-2019-05-08-interventieplan-fase-4",
        "tabel-7.2",
        "Beroep op het transformatiebudget",
        "EUR_1000",
    ]
    assert rows[0] == [
        "report",
        "report_title",
        "report_position",
        "report_decision",
        "table",
        "table_title",
        "unit",
        "row",
        "interventie",
        "label",
        "2019",
        "2020",
        "2021",
        "totaal",
        "basis_as_of",
        "basis_report",
        "basis_knowledge_cutoff",
        "basis_log_position",
        "chain_head",
    ]
    assert rows[2] == [
        *report,
        "row",
        "2",
        "2. Wijkaanpak sociaal domein",
        "309",
        "101",
        "",
        "410",
        *provenance,
    ]
    assert [row[7:14] for row in rows[1:] if row[7] == "total"] == [
        ["total", "", "Totaal beroep op transformatiebudget", "1224", "636", "140", "2000"]
    ]


def test_the_log_exports_every_event_in_log_order_with_its_position(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        export = row_exports.log_export(conn, DEMO_LAST_POSITION)
        expected = event_log.audit_log(conn, after=0, limit=1000)

    rows, _ = read_xlsx(writers.to_xlsx(export))

    assert rows[0] == (
        "position",
        "event_type",
        "aggregate_id",
        "version",
        "period",
        "known_at",
        "recorded_at",
        "actor",
        "decision",
        "source",
        "import_id",
        "payload",
        "payload_2",  # a report's payload (14 tables) is longer than an Excel cell holds
        "log_position",
        "chain_head",
    )
    assert [row[0] for row in rows[1:]] == list(range(1, DEMO_LAST_POSITION + 1))
    # Nothing is cut: a payload beyond 32,767 characters continues in the next cell.
    assert [row[11] + (row[12] or "") for row in rows[1:]] == [e["payload"] for e in expected]
    assert max(len(row[11]) for row in rows[1:]) == 32767
    assert {row[13] for row in rows[1:]} == {DEMO_LAST_POSITION}


# -- the writers on their own (no database) --------------------------------------------

AMOUNTS = Export(
    name="amounts",
    sheet="Amounts",
    columns=(Column("label"), Column("amount", Kind.AMOUNT)),
    rows=(
        ("cents", Decimal("1234.56")),
        ("a negative delta", Decimal("-0.01")),
        ("fifteen digits", Decimal("9999999999999.99")),
        ("beyond a float", Decimal("999999999999999.99")),
        ("nothing", None),
    ),
    provenance=(("export", "amounts"),),
)


def test_an_amount_a_number_cell_cannot_hold_exactly_is_written_as_its_decimal_string() -> None:
    rows, _ = read_xlsx(writers.to_xlsx(AMOUNTS))

    assert rows == [
        ("label", "amount", "amount_exact"),
        ("cents", 1234.56, "1234.56"),
        ("a negative delta", -0.01, "-0.01"),
        ("fifteen digits", 9999999999999.99, "9999999999999.99"),
        ("beyond a float", "999999999999999.99", "999999999999999.99"),
        ("nothing", None, None),
    ]
    for (_, amount), (_, number, exact) in zip(AMOUNTS.rows[:4], rows[1:5], strict=True):
        assert Decimal(str(number)).quantize(CENT) == amount
        assert Decimal(exact) == amount


def test_an_amount_cell_shows_euros_with_thousands_separators_and_two_decimals() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(writers.to_xlsx(AMOUNTS))).worksheets[0]

    assert [row[1].number_format for row in sheet.iter_rows(min_row=2)] == [
        EUROS,
        EUROS,
        EUROS,
        "General",  # beyond a float: the decimal string, text
        "General",  # nothing
    ]
    assert sheet["C2"].data_type == "s"


def test_a_figure_shows_thousands_separators_and_any_decimals_it_has() -> None:
    export = Export(
        name="figures",
        sheet="Figures",
        columns=(Column("label"), Column("2020", Kind.FIGURE)),
        rows=(("a", Decimal("1224")), ("b", Decimal("12.5")), ("c", None)),
        provenance=(),
    )

    sheet = openpyxl.load_workbook(io.BytesIO(writers.to_xlsx(export))).worksheets[0]

    assert [(row[1].value, row[1].number_format) for row in sheet.iter_rows(min_row=2)] == [
        (1224, "#,##0"),
        (12.5, "#,##0.0"),
        (None, "General"),
    ]


def test_a_workbook_has_its_rows_filtered_under_a_frozen_header_and_the_basis_beside() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(writers.to_xlsx(AMOUNTS)))

    rows, basis = workbook.worksheets
    assert workbook.sheetnames == ["Amounts", "Basis and chain head"]
    assert (rows.freeze_panes, rows.auto_filter.ref) == ("A2", "A1:C6")
    assert [cell.font.b for cell in rows[1]] == [True, True, True]
    assert list(basis.values) == [("key", "value"), ("export", "amounts")]
    assert (basis.freeze_panes, basis.column_dimensions["B"].width) == ("A2", 70)


def test_an_empty_export_filters_its_header_only() -> None:
    export = Export("empty", "Nothing", (Column("a"), Column("b", Kind.AMOUNT)), (), ())

    sheet = openpyxl.load_workbook(io.BytesIO(writers.to_xlsx(export))).worksheets[0]

    assert list(sheet.values) == [("a", "b", "b_exact")]
    assert sheet.auto_filter.ref == "A1:C1"


@pytest.mark.parametrize(
    ("name", "fits"),
    [
        ("Realisation lineage 2017", True),
        ("x" * 31, True),
        ("x" * 32, False),  # Excel would cut it
        ("", False),
        ("Report table a/b", False),
        ("Report table [1]", False),
        ("'quoted'", False),
        ("it's", True),
    ],
)
def test_a_sheet_name_fits_excel_or_is_refused_never_cut(name: str, fits: bool) -> None:
    export = Export("sheet", name, (Column("a"),), (), ())

    assert fits_a_sheet(name) is fits
    if fits:
        workbook = openpyxl.load_workbook(io.BytesIO(writers.to_xlsx(export)))
        assert workbook.sheetnames == [name, "Basis and chain head"]
    else:
        with pytest.raises(ValueError, match="does not fit a sheet name"):
            writers.to_xlsx(export)


def test_a_report_table_whose_id_is_too_long_for_a_sheet_name_gets_a_shorter_one() -> None:
    assert row_exports._report_sheet(None) == "Report tables"
    assert row_exports._report_sheet("tabel-7.2") == "Report table tabel-7.2"
    assert row_exports._report_sheet("tabel-" + "9" * 20) == "Report table"


def test_text_that_looks_like_a_formula_stays_text() -> None:
    export = Export(
        name="actors",
        sheet="Actors",
        columns=(Column("actor"),),
        rows=(('=HYPERLINK("http://example.invalid","klik")',),),
        provenance=(("note", "=1+1"),),
    )

    rows, provenance = read_xlsx(writers.to_xlsx(export))
    sheet = openpyxl.load_workbook(io.BytesIO(writers.to_xlsx(export))).worksheets[0]

    assert rows == [("actor",), ('=HYPERLINK("http://example.invalid","klik")',)]
    assert (sheet["A2"].data_type, sheet["A2"].quotePrefix) == ("s", True)
    assert provenance == [("key", "value"), ("note", "=1+1")]


FORMULAS = Export(
    name="formulas",
    sheet="Formulas",
    columns=(Column("title"), Column("delta", Kind.AMOUNT), Column("position", Kind.INTEGER)),
    rows=(
        ('=HYPERLINK("http://example.invalid","klik")', Decimal("-150000.00"), -1),
        ("+31 24 329 9999", Decimal("1.00"), 1),
        ("-5 in de kantlijn", None, 2),
        ("@SUM(A1)", None, 3),
        ("\tingesprongen", None, 4),
        ("\rterug", None, 5),
        ("Raadsvoorstel = besluit", None, 6),
    ),
    provenance=(),
)


def test_a_csv_neutralises_formula_like_text_and_keeps_numbers_numbers() -> None:
    assert writers.to_csv(FORMULAS).decode().split("\r\n") == [
        "\ufefftitle;delta;position",
        '"\'=HYPERLINK(""http://example.invalid"",""klik"")";-150000,00;-1',
        "'+31 24 329 9999;1,00;1",
        "'-5 in de kantlijn;;2",
        "'@SUM(A1);;3",
        "'\tingesprongen;;4",
        '"\'\rterug";;5',
        "Raadsvoorstel = besluit;;6",
        "",
    ]
    assert writers.to_csv(FORMULAS, "rfc4180").decode().split("\r\n") == [
        "title,delta,position",
        '"\'=HYPERLINK(""http://example.invalid"",""klik"")",-150000.00,-1',
        "'+31 24 329 9999,1.00,1",
        "'-5 in de kantlijn,,2",
        "'@SUM(A1),,3",
        "'\tingesprongen,,4",
        '"\'\rterug",,5',
        "Raadsvoorstel = besluit,,6",
        "",
    ]


def test_an_xlsx_marks_the_same_text_cells_with_a_quote_prefix_and_keeps_the_value() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(writers.to_xlsx(FORMULAS))).worksheets[0]

    cells = [(row[0].value, row[0].quotePrefix, row[1].value) for row in sheet.iter_rows(min_row=2)]
    assert cells == [
        ('=HYPERLINK("http://example.invalid","klik")', True, -150000),
        ("+31 24 329 9999", True, 1),
        ("-5 in de kantlijn", True, None),
        ("@SUM(A1)", True, None),
        ("\tingesprongen", True, None),
        ("\nterug", True, None),  # XML reads a CR back as a line feed
        ("Raadsvoorstel = besluit", False, None),
    ]


def test_a_csv_writes_amounts_as_exact_decimal_strings_and_nothing_as_an_empty_cell() -> None:
    assert writers.to_csv(AMOUNTS) == (
        BOM + b"label;amount\r\n"
        b"cents;1234,56\r\n"
        b"a negative delta;-0,01\r\n"
        b"fifteen digits;9999999999999,99\r\n"
        b"beyond a float;999999999999999,99\r\n"
        b"nothing;\r\n"
    )
    assert writers.to_csv(AMOUNTS, "rfc4180") == (
        b"label,amount\r\n"
        b"cents,1234.56\r\n"
        b"a negative delta,-0.01\r\n"
        b"fifteen digits,9999999999999.99\r\n"
        b"beyond a float,999999999999999.99\r\n"
        b"nothing,\r\n"
    )


def test_a_control_character_xml_cannot_hold_is_replaced_in_the_xlsx_and_kept_in_the_csv() -> None:
    export = Export(
        name="titles",
        sheet="Titles",
        columns=(Column("title"),),
        rows=(("Besluit\x01 met\ttab",),),
        provenance=(),
    )

    rows, _ = read_xlsx(writers.to_xlsx(export))

    assert rows == [("title",), ("Besluit\ufffd met\ttab",)]
    assert writers.to_csv(export, "rfc4180") == b"title\r\nBesluit\x01 met\ttab\r\n"
    assert writers.to_csv(export) == BOM + b"title\r\nBesluit\x01 met\ttab\r\n"


def test_a_csv_cell_holding_the_separator_is_quoted_in_either_dialect() -> None:
    export = Export(
        "labels",
        "Labels",
        (Column("label"), Column("amount", Kind.AMOUNT)),
        (("Zorg; jeugd", Decimal("1.50")), ("Welzijn, wijken", Decimal("2"))),
        (),
    )

    assert writers.to_csv(export) == (
        BOM + b'label;amount\r\n"Zorg; jeugd";1,50\r\nWelzijn, wijken;2\r\n'
    )
    assert writers.to_csv(export, "rfc4180") == (
        b'label,amount\r\nZorg; jeugd,1.50\r\n"Welzijn, wijken",2\r\n'
    )


def test_a_csv_dialect_is_excel_nl_or_rfc4180_on_the_command_line_too() -> None:
    with pytest.raises(ValueError, match="a CSV dialect is one of excel-nl, rfc4180, not 'x'"):
        writers.to_csv(AMOUNTS, "x")  # type: ignore[arg-type]
    parser = build_parser()
    args = parser.parse_args(["export", "csv", "log", "-o", "f.csv"])
    assert args.dialect == writers.DEFAULT_CSV_DIALECT == "excel-nl"
    for dialect in writers.CSV_DIALECTS:
        args = parser.parse_args(["export", "csv", "log", "-o", "f.csv", "--dialect", dialect])
        assert args.dialect == dialect
    assert "dialect" not in vars(parser.parse_args(["export", "xlsx", "log", "-o", "f.xlsx"]))
