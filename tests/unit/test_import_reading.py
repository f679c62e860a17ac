"""Reading an extract (ADR 0033, "Reading a file"): CSV and XLSX, every spelling of an
amount exact, the mapping's renames and constants, and every problem of a refused file
named by its row and canonical column."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from api.imports.amounts import AmountError, excel_number
from api.imports.extract import read_source
from domain.imports import ImportKind, ImportRefused, RowProblem, SourceRow
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.values import LineKey, Side

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
HEADER = "jaar;programma;taakveld;categorie;deelproduct;soort;bedrag;omschrijving"
END_OF_Q1 = datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=AMSTERDAM)
BEGROTING = ImportKind.BEGROTING


def csv(*rows: str, header: str = HEADER, delimiter: str = ";") -> bytes:
    lines = [header, *rows]
    return ("\n".join(lines) + "\n").replace(";", delimiter).encode()


# A categorie of each side in the Iv3 model of 2026 (1.1 is salarissen: lasten only).
CATEGORIE = {"lasten": "1.1", "baten": "3.8"}


def row(amount: str, *, taakveld: str = "1.1", soort: str = "lasten") -> str:
    return f"2026;Veiligheid;{taakveld};{CATEGORIE[soort]};;{soort};{amount};Brandweer"


def key(taakveld: str = "1.1", side: Side = Side.LASTEN, categorie: str | None = None) -> LineKey:
    categorie = categorie or CATEGORIE[side.value]
    return LineKey(2026, "Veiligheid", taakveld, side, categorie=categorie)


def amounts(data: bytes, mapping: bytes | None = None) -> list[Decimal]:
    source = read_source(BEGROTING, data, "x.csv", mapping=mapping, known_at="2026-03-31")
    return [r.amount.amount for r in source.rows]


def refusal(
    data: bytes, kind: ImportKind = BEGROTING, file_name: str = "x.csv", **options: object
) -> list[RowProblem]:
    with pytest.raises(ImportRefused) as caught:
        read_source(kind, data, file_name, **options)  # type: ignore[arg-type]
    return list(caught.value.problems)


# -- amounts ---------------------------------------------------------------------------


def test_every_spelling_of_an_amount_is_the_same_decimal() -> None:
    comma = csv(row("1234,56"), row("1.234,56"), row("-1.234,5"), row("+1234"))
    point = csv(row("1234.56"), row("1,234.56"), row("-1,234.5"), row("+1234"))

    expected = [Decimal("1234.56"), Decimal("1234.56"), Decimal("-1234.50"), Decimal("1234.00")]
    assert amounts(comma) == amounts(point) == expected


def test_a_lone_thousands_or_decimal_separator_is_ambiguous_and_names_its_cell() -> None:
    problems = refusal(csv(row("1.234")), known_at="2026-03-31")

    assert problems == [
        RowProblem(
            2,
            "bedrag",
            "'1.234' is ambiguous: a thousands separator or a decimal one? Nothing in the file "
            'settles it: state decimal = "comma" or "point" in the mapping\'s [amounts] '
            "(cell G2)",
            "ambiguous-amount",
        )
    ]


def test_the_other_amounts_of_the_file_settle_the_convention() -> None:
    assert amounts(csv(row("1.234"), row("12,50"))) == [Decimal("1234.00"), Decimal("12.50")]
    assert amounts(csv(row("1,234"), row("12.50"))) == [Decimal("1234.00"), Decimal("12.50")]


def test_the_mapping_states_the_convention_and_every_text_amount_follows_it() -> None:
    comma = b'[amounts]\ndecimal = "comma"\n'
    point = b'[amounts]\ndecimal = "point"\n'

    assert amounts(csv(row("1.234")), comma) == [Decimal("1234.00")]
    assert refusal(csv(row("1.234")), mapping=point, known_at="2026-03-31") == [
        RowProblem(2, "bedrag", "'1.234' has more than two decimals (cell G2)", "invalid-amount")
    ]
    assert refusal(csv(row("1234.56")), mapping=comma, known_at="2026-03-31") == [
        RowProblem(
            2,
            "bedrag",
            "'1234.56' is not an amount with ',' as its decimal separator (cell G2)",
            "invalid-amount",
        )
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12,345", "'12,345' has more than two decimals"),
        ("12,3a", "'12,3a' is not an amount (digits, one decimal separator)"),
        ("1.23.4,5", "'1.23.4,5' is not an amount: its separators do not group by three"),
        ("", "bedrag is empty"),
        ("1000000000000000", "'1000000000000000' is beyond the range of a budget"),
    ],
)
def test_a_malformed_amount_is_named_with_its_cell(text: str, message: str) -> None:
    problems = refusal(csv(row("1,5"), row(text)), known_at="2026-03-31")

    code = "invalid-input" if text == "" else "invalid-amount"
    assert problems == [RowProblem(3, "bedrag", f"{message} (cell G3)", code)]


@pytest.mark.parametrize(
    ("stored", "value"),
    [
        ("1234.56", "1234.56"),
        ("1234.5599999999999", "1234.56"),  # a sum Excel shows as 1234,56
        ("0.30000000000000004", "0.30"),
        ("1E-2", "0.01"),
        ("2026", "2026.00"),
    ],
)
def test_an_excel_number_is_its_stored_text_to_excels_fifteen_digits(
    stored: str, value: str
) -> None:
    assert excel_number(stored) == Decimal(value)


def test_an_excel_number_with_a_third_decimal_is_refused() -> None:
    with pytest.raises(AmountError) as caught:
        excel_number("12.345")

    assert str(caught.value) == "'12.345' has more than two decimals"


# -- CSV -------------------------------------------------------------------------------


def test_a_comma_separated_file_with_a_byte_order_mark_reads_as_a_semicolon_one() -> None:
    semicolons = csv(row("1234.56"), row("10", soort="baten"))
    commas = b"\xef\xbb\xbf" + csv(row("1234.56"), row("10", soort="baten"), delimiter=",")

    one = read_source(BEGROTING, semicolons, "a.csv", known_at="2026-03-31")
    other = read_source(BEGROTING, commas, "a.csv", known_at="2026-03-31")

    assert (
        one.rows
        == other.rows
        == (
            SourceRow(2, key(), Money(Decimal("1234.56")), "Brandweer"),
            SourceRow(3, key(side=Side.BATEN), Money(Decimal("10")), "Brandweer"),
        )
    )
    assert (other.sha256, other.sheet) == (hashlib.sha256(commas).hexdigest(), None)


def test_a_decimal_comma_in_a_comma_separated_file_is_quoted() -> None:
    data = csv('2026;Veiligheid;1.1;1.1;;lasten;"1.234,56";Brandweer', delimiter=",")

    assert amounts(data) == [Decimal("1234.56")]


def test_headers_are_case_insensitive_and_blank_rows_are_skipped() -> None:
    data = csv(row("5"), ";;;;;;;", "", header=HEADER.upper().replace("BEDRAG", " Bedrag "))

    source = read_source(BEGROTING, data, "/tmp/exports/Begroting 2026.csv", known_at="2026Q1")

    assert source.rows == (SourceRow(2, key(), Money(Decimal(5)), "Brandweer"),)
    assert (source.file_name, source.known_at) == ("Begroting 2026.csv", END_OF_Q1)


def test_the_file_name_is_its_base_name() -> None:
    source = read_source(BEGROTING, csv(row("5")), "C:\\ERP\\uit.csv", known_at="2026-03-31")

    assert source.file_name == "uit.csv"


# -- XLSX ------------------------------------------------------------------------------


def xlsx(*rows: list[object], header: list[str] | None = None, title: str = "Blad1") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header or HEADER.split(";"))
    for cells in rows:
        sheet.append(cells)
    other = book.create_sheet("Toelichting")
    other.append(["niets"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_numbers_and_text_amounts_read_exactly() -> None:
    data = xlsx(
        [2026, "Veiligheid", "1.1", "1.1", None, "lasten", 1234.56, "Brandweer"],
        [2026, "Veiligheid", "1.1", "1.1", None, "lasten", "1.234,56", "Brandweer"],
        [2026, "Veiligheid", "1.1", "1.1", None, "lasten", 1234, "Brandweer"],
        [2026, "Veiligheid", "1.1", "1.1", "4711", "lasten", Decimal("0.1"), "Brandweer"],
    )

    source = read_source(BEGROTING, data, "b.xlsx", known_at="2026-03-31")

    assert [r.amount for r in source.rows] == [
        Money(Decimal("1234.56")),
        Money(Decimal("1234.56")),
        Money(Decimal("1234")),
        Money(Decimal("0.10")),
    ]
    assert source.rows[3].key.deelproduct == "4711"
    assert (source.sheet, source.sha256) == ("Blad1", hashlib.sha256(data).hexdigest())


def test_a_named_sheet_and_a_date_cell_as_the_peildatum() -> None:
    header = [*HEADER.split(";"), "Peildatum"]
    cells = [2026, "Veiligheid", "1.1", "3.8", None, "baten", 10, "Leges", date(2026, 3, 31)]
    data = xlsx(cells, header=header, title="Export")

    source = read_source(BEGROTING, data, "b.xlsx", sheet="Export")

    assert (source.sheet, source.known_at) == ("Export", END_OF_Q1)
    assert source.rows == (SourceRow(2, key(side=Side.BATEN), Money(Decimal(10)), "Leges"),)


def test_an_xlsx_cell_at_fault_is_named_by_its_letter() -> None:
    data = xlsx([2026, "Veiligheid", "1.1", "1.1", None, "lasten", 12.345, "x"])

    assert refusal(data, known_at="2026-03-31") == [
        RowProblem(2, "bedrag", "'12.345' has more than two decimals (cell G2)", "invalid-amount")
    ]


def test_a_sheet_the_workbook_lacks_refuses_the_file() -> None:
    assert refusal(xlsx(), sheet="Begroting") == [
        RowProblem(
            None,
            None,
            "the workbook has no sheet 'Begroting': Blad1, Toelichting",
            "unreadable-file",
        )
    ]


# -- the mapping -----------------------------------------------------------------------

ERP_HEADER = "Boekjaar;Programma;Taakveld;Ec. cat.;Kostenplaats;L/B;Bedrag EUR;Tekst"
ERP_MAPPING = b"""
[columns]
jaar = "Boekjaar"
categorie = "Ec. cat."
deelproduct = "Kostenplaats"
soort = "L/B"
bedrag = "Bedrag EUR"
omschrijving = "Tekst"

[values.soort]
L = "lasten"
B = "baten"
"""


def test_a_mapping_renames_the_files_headers_and_translates_its_words() -> None:
    data = csv("2026;Veiligheid;1.1;3.8;K12;L;1.234,56;Brandweer", header=ERP_HEADER)

    source = read_source(BEGROTING, data, "erp.csv", mapping=ERP_MAPPING, known_at="2026-03-31")

    assert source.rows == (
        SourceRow(
            2,
            LineKey(2026, "Veiligheid", "1.1", Side.LASTEN, deelproduct="K12", categorie="3.8"),
            Money(Decimal("1234.56")),
            "Brandweer",
        ),
    )


def test_a_mapping_fixes_constants_for_every_row() -> None:
    header = "programma;taakveld;soort;bedrag"
    mapping = b'[constants]\njaar = 2026\npeildatum = 2026-03-31\ncategorie = "1.1"\n'

    source = read_source(
        BEGROTING, csv("Veiligheid;1.1;lasten;5", header=header), "c.csv", mapping=mapping
    )

    assert source.rows == (SourceRow(2, key(), Money(Decimal(5))),)
    assert source.known_at == END_OF_Q1


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (b"[columns]\nbudget = 'B'\n", "[columns] 'budget' is not a column of an import: use "
         "jaar, programma, taakveld, categorie, deelproduct, soort, bedrag, omschrijving, "
         "periode, status, peildatum"),
        (b"[constants]\nbedrag = 5\n", "[constants] bedrag: an amount is never a constant"),
        (b"[columns]\njaar = 'J'\n[constants]\njaar = 2026\n",
         "jaar is both a column and a constant: give one"),
        (b"[amounts]\ndecimal = 'dot'\n",
         '[amounts] decimal is "comma" (1.234,56) or "point" (1,234.56)'),
        (b"kolommen = 1\n", "unknown key 'kolommen': use amounts, columns, constants, sheet, "
         "values"),
        (b"[columns\n", "the mapping is not TOML: Expected ']' at the end of a table "
         "declaration (at line 1, column 9)"),
    ],
)  # fmt: skip
def test_a_mapping_at_fault_is_named(mapping: bytes, message: str) -> None:
    problems = refusal(csv(row("5")), mapping=mapping, mapping_name="erp.toml")

    assert problems == [RowProblem(None, "mapping", f"erp.toml: {message}", "invalid-mapping")]


# -- every problem, with its row and column --------------------------------------------


def test_every_problem_of_the_file_is_named_with_its_row_and_column() -> None:
    data = csv(
        "2026;Veiligheid;1.1;1.1;;lasten;10;ok",
        "26;Veiligheid;1.1;1.1;;lasten;10;x",
        "2026;;9.99;1.1;;kosten;1,234;x",
        "2026;Veil\u202eigheid;1.1;3.8;;baten;10,0015;x",
        '2026;Veiligheid;1.1;1.1;;lasten;;"regel\nmet breuk"',
    )

    problems = refusal(data)

    assert problems == [
        RowProblem(
            None,
            "known_at",
            "the extract's date is not given: a peildatum column, peildatum in the mapping's "
            "[constants], or known_at (--known-at)",
            "missing-known-at",
        ),
        RowProblem(3, "jaar", "jaar is a year from 2000 to 2100, not '26' (cell A3)"),
        RowProblem(4, "programma", "programma is empty (cell B4)"),
        RowProblem(
            4,
            "taakveld",
            "taakveld '9.99' does not exist in the catalogue of fiscal year 2026 (cell C4)",
            "unknown-taakveld",
        ),
        RowProblem(4, "soort", "soort is lasten or baten, not 'kosten' (cell F4)"),
        RowProblem(4, "bedrag", "'1,234' has more than two decimals (cell G4)", "invalid-amount"),
        RowProblem(5, "programma", "programma holds a control character (cell B5)"),
        RowProblem(5, "bedrag", "'10,0015' has more than two decimals (cell G5)", "invalid-amount"),
        RowProblem(6, "bedrag", "bedrag is empty (cell G6)"),
        RowProblem(
            6,
            "omschrijving",
            "omschrijving holds a line break (it is single-line text) (cell H6)",
        ),
    ]


def test_a_missing_column_is_named_once_with_the_header_the_mapping_gave_it() -> None:
    header = "Boekjaar;programma;categorie"
    data = csv("2026;Veiligheid;1.1", header=header)

    problems = refusal(data, mapping=b'[columns]\njaar = "Jaar"\n', known_at="2026-03-31")

    hint = " (a mapping can name the file's own header for it)"
    assert problems == [
        RowProblem(1, "jaar", "the file has no column 'Jaar'", "missing-column"),
        RowProblem(1, "taakveld", f"the file has no column 'taakveld'{hint}", "missing-column"),
        RowProblem(1, "soort", f"the file has no column 'soort'{hint}", "missing-column"),
        RowProblem(1, "bedrag", f"the file has no column 'bedrag'{hint}", "missing-column"),
    ]


def test_a_header_twice_is_refused() -> None:
    data = csv(row("5") + ";7", header=HEADER + ";Bedrag")

    assert refusal(data, known_at="2026-03-31") == [
        RowProblem(1, "bedrag", "the header 'bedrag' appears twice (G1, I1)")
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"jaar;bedrag\n2026;\xff\n", "the file is neither XLSX nor UTF-8 text (byte 18 is not "
         "UTF-8)"),
        (b"  \n", "the file is empty"),
        (b"PK\x03\x04broken", "the file is not an XLSX workbook: File is not a zip file"),
    ],
)  # fmt: skip
def test_a_file_that_is_no_table_is_refused(data: bytes, message: str) -> None:
    assert refusal(data, known_at="2026-03-31") == [
        RowProblem(None, None, message, "unreadable-file")
    ]


def test_a_file_without_rows_is_refused() -> None:
    assert refusal(csv(), known_at="2026-03-31") == [
        RowProblem(None, None, "the file has no rows to import", "no-rows")
    ]


def test_a_sheet_for_a_csv_is_refused() -> None:
    assert refusal(csv(row("5")), sheet="Blad1") == [
        RowProblem(
            None,
            None,
            "a CSV has no sheets: --sheet (or the mapping's sheet) is for XLSX",
            "unreadable-file",
        )
    ]


# -- realisations and the extract's date -----------------------------------------------

REALISATIE = HEADER + ";periode;status;peildatum"


def test_a_realisation_extract_reads_its_periode_and_status() -> None:
    data = csv(
        row("1.500,00") + ";2026-02;voorlopig;2026-03-05",
        row("20,00", soort="baten") + ";2026-02;Definitief;2026-03-05",
        header=REALISATIE,
    )

    source = read_source(ImportKind.REALISATIE, data, "r.csv")

    assert source.rows == (
        SourceRow(
            2,
            key(),
            Money(Decimal("1500")),
            "Brandweer",
            "2026-02",
            RealisationStatus.VOORLOPIG,
        ),
        SourceRow(
            3,
            key(side=Side.BATEN),
            Money(Decimal("20")),
            "Brandweer",
            "2026-02",
            RealisationStatus.DEFINITIEF,
        ),
    )
    assert source.known_at == datetime(2026, 3, 5, 23, 59, 59, 999999, tzinfo=AMSTERDAM)


def test_a_realisation_rows_periode_status_and_peildatum_are_checked() -> None:
    data = csv(
        row("1") + ";2026-02;voorlopig;2026-03-05",
        row("1") + ";2025-12;voorlopig;2026-03-05",
        row("1") + ";2026-13;klaar;2026-03-06",
        row("1") + ";;;gisteren",
        header=REALISATIE,
    )

    problems = refusal(data, ImportKind.REALISATIE)

    assert problems == [
        RowProblem(3, "periode", "month 2025-12 lies outside fiscal year 2026 (cell I3)"),
        RowProblem(4, "periode", "a month is YYYY-MM, not '2026-13' (cell I4)"),
        RowProblem(4, "status", "status is voorlopig or definitief, not 'klaar' (cell J4)"),
        RowProblem(
            4,
            "peildatum",
            "an extract has one peildatum: 2026-03-06T23:59:59.999999+01:00 here, "
            "2026-03-05T23:59:59.999999+01:00 in row 2 (cell K4)",
        ),
        RowProblem(5, "periode", "periode is empty (cell I5)"),
        RowProblem(5, "status", "status is empty (cell J5)"),
        RowProblem(
            5,
            "peildatum",
            "malformed moment 'gisteren': use a date (2019-12-31 or 31-12-2019), a quarter "
            "(2019Q4) or ISO 8601 (2019-05-08T17:00+02:00) (cell K5)",
        ),
    ]


def test_a_realisation_extract_without_periode_or_status_misses_them() -> None:
    problems = refusal(csv(row("1")), ImportKind.REALISATIE, known_at="2026-03-31")

    hint = " (a mapping can name the file's own header for it)"
    assert problems == [
        RowProblem(1, "periode", f"the file has no column 'periode'{hint}", "missing-column"),
        RowProblem(1, "status", f"the file has no column 'status'{hint}", "missing-column"),
    ]


def test_the_option_gives_the_date_the_file_does_not_and_may_not_contradict_it() -> None:
    with_date = csv(row("1") + ";2026-03-31", header=HEADER + ";peildatum")

    given = read_source(BEGROTING, csv(row("1")), "x.csv", known_at="2026-03-31T12:00+02:00")
    same = read_source(BEGROTING, with_date, "x.csv", known_at="31-03-2026")

    assert given.known_at == datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    assert same.known_at == END_OF_Q1
    assert refusal(with_date, known_at="2026-04-01") == [
        RowProblem(
            None,
            "known_at",
            "known_at 2026-04-01T23:59:59.999999+02:00 is not the file's peildatum "
            "2026-03-31T23:59:59.999999+02:00 (row 2): give one of them",
            "conflicting-known-at",
        )
    ]
    assert refusal(csv(row("1")), known_at="morgen") == [
        RowProblem(
            None,
            "known_at",
            "known_at: malformed moment 'morgen': use a date (2019-12-31 or 31-12-2019), a "
            "quarter (2019Q4) or ISO 8601 (2019-05-08T17:00+02:00)",
            "invalid-known-at",
        )
    ]


def test_a_constant_at_fault_is_the_files_problem_named_once() -> None:
    header = "programma;taakveld;soort;bedrag"
    mapping = b'[constants]\njaar = "zesentwintig"\n'

    problems = refusal(
        csv("Veiligheid;1.1;lasten;5", "Veiligheid;1.2;lasten;6", header=header),
        mapping=mapping,
        known_at="2026-03-31",
    )

    assert problems == [
        RowProblem(
            None,
            "jaar",
            "jaar is a year from 2000 to 2100, not 'zesentwintig' (the mapping's constant)",
        )
    ]


def test_a_cell_at_fault_is_named_with_the_files_own_header() -> None:
    data = csv("2026;Veiligheid;1.1;3.8;K12;X;12,3456;Brandweer", header=ERP_HEADER)

    assert refusal(data, mapping=ERP_MAPPING, known_at="2026-03-31") == [
        RowProblem(2, "soort", "soort is lasten or baten, not 'X' (cell F2, header 'L/B')"),
        RowProblem(
            2,
            "bedrag",
            "'12,3456' has more than two decimals (cell G2, header 'Bedrag EUR')",
            "invalid-amount",
        ),
    ]


def test_a_header_that_names_no_column_is_one_problem() -> None:
    tabs = csv(row("5"), delimiter="\t")

    assert refusal(tabs, known_at="2026-03-31") == [
        RowProblem(
            None,
            None,
            "row 1 names none of the columns of a begroting extract (jaar, programma, "
            "taakveld, soort, bedrag, ...): a CSV is separated by ; or , and a mapping names "
            "a file's own headers",
            "unknown-header",
        )
    ]


# -- rows the header does not fit, and malformed sheets ---------------------------------


def test_a_csv_row_with_more_or_fewer_cells_than_the_header_is_refused() -> None:
    data = csv("2026;Veiligheid;1.1;1.1;;lasten;1234;56;Brandweer", "2026;Veiligheid;1.1")

    assert refusal(data.replace(b";", b","), known_at="2026-03-31") == [
        RowProblem(
            2,
            None,
            "row 2 has 9 cells, the header 8: quote an amount with a decimal comma "
            '("1234,56") or separate the cells with ";"',
            "row-width",
        ),
        RowProblem(
            3,
            None,
            "row 3 has 3 cells, the header 8: quote an amount with a decimal comma "
            '("1234,56") or separate the cells with ";"',
            "row-width",
        ),
    ]


def _patched(data: bytes, patch: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = patch(body)
            zout.writestr(item, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("stored", "shown"), [(b"abc", "abc"), (b"sNaN", "sNaN"), (b"1E999999", "1E999999")]
)
def test_a_number_cell_that_is_no_number_is_the_rows_problem(stored: bytes, shown: str) -> None:
    cells: list[object] = [2026, "Veiligheid", "1.1", "1.1", None, "lasten", 5, "x"]
    data = _patched(
        xlsx(cells), lambda body: body.replace(b"<v>2026</v>", b"<v>" + stored + b"</v>", 1)
    )

    assert refusal(data, known_at="2026-03-31") == [
        RowProblem(
            2,
            "jaar",
            f"jaar is a year from 2000 to 2100, not {shown!r} (cell A2)",
        )
    ]


def test_a_truncated_sheet_is_refused_as_unreadable() -> None:
    data = _patched(
        xlsx([2026, "Veiligheid", "1.1", "1.1", None, "lasten", 5, "x"]), lambda b: b[:-30]
    )

    [problem] = refusal(data, known_at="2026-03-31")

    assert (problem.row, problem.column, problem.code) == (None, None, "unreadable-file")
    assert problem.message.startswith("sheet 'Blad1' is not a readable XLSX sheet: ")


@pytest.mark.parametrize("column", ["taakveld", "categorie", "deelproduct"])
def test_a_number_cell_in_a_code_column_is_refused(column: str) -> None:
    cells: list[object] = [2026, "Reserves", "0.10", "7.1", "RS-1", "lasten", 1000, "x"]
    at = HEADER.split(";").index(column)
    cells[at] = 0.1
    letter = "ABCDEFGH"[at]

    assert refusal(xlsx(cells), known_at="2026-03-31") == [
        RowProblem(
            2,
            column,
            f"{column} is a number cell (0.1): format the column as text, as Excel keeps no"
            f" trailing zero (cell {letter}2)",
        )
    ]


def test_a_cell_far_beyond_the_header_is_ignored_without_allocating_to_it() -> None:
    cells: list[object] = [2026, "Veiligheid", "1.1", "1.1", None, "lasten", 5, "x"]
    far = b'<c r="XFD1" t="inlineStr"><is><t>far</t></is></c></row>'

    def widen(body: bytes) -> bytes:  # every data row gets a cell in the last column
        head, rest = body.split(b"</row>", 1)
        return head + b"</row>" + rest.replace(b"</row>", far)

    data = _patched(xlsx(*[cells] * 300), widen)
    tracemalloc.start()
    source = read_source(BEGROTING, data, "b.xlsx", known_at="2026-03-31")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert source.rows[0] == SourceRow(2, key(), Money(Decimal(5)), "x")
    assert len(source.rows) == 300
    assert peak < 5_000_000


def test_an_extract_dated_today_is_known_now_not_at_the_end_of_the_day() -> None:
    now = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    header = f"{HEADER};peildatum"
    dated = csv(f"{row('5')};2026-03-31", header=header)
    constant = b'[constants]\npeildatum = "2026-03-31"\n'

    by_column = read_source(BEGROTING, dated, "x.csv", now=now)
    by_option = read_source(BEGROTING, csv(row("5")), "x.csv", known_at="31-03-2026", now=now)
    by_mapping = read_source(BEGROTING, csv(row("5")), "x.csv", mapping=constant, now=now)
    yesterday = read_source(BEGROTING, csv(row("5")), "x.csv", known_at="2026-03-30", now=now)
    timed = read_source(BEGROTING, csv(row("5")), "x.csv", known_at="2026-03-31T23:00", now=now)

    assert by_column.known_at == by_option.known_at == by_mapping.known_at == now
    assert yesterday.known_at == datetime(2026, 3, 30, 23, 59, 59, 999999, tzinfo=AMSTERDAM)
    assert timed.known_at == datetime(2026, 3, 31, 21, 0, tzinfo=UTC)  # refused later: the future


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "b" * 197 + ".csv",
            "the file name is 201 characters: at most 200 are recorded; rename the file",
        ),
        (
            "begroting\t2026.csv",
            "the file name 'begroting\\\\t2026.csv' holds a control character; rename the file",
        ),
    ],
)
def test_a_file_name_the_ledger_cannot_record_is_the_files_problem(name: str, message: str) -> None:
    assert refusal(csv(row("5")), known_at="2026-03-31", file_name=name) == [
        RowProblem(None, "file", message, "invalid-file-name")
    ]


def test_an_extract_dated_today_is_stated_as_its_day_whenever_it_is_read() -> None:
    morning = datetime(2026, 3, 31, 7, 0, tzinfo=UTC)
    noon = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)

    one = read_source(BEGROTING, csv(row("5")), "x.csv", known_at="2026-03-31", now=morning)
    other = read_source(BEGROTING, csv(row("5")), "x.csv", known_at="2026-03-31", now=noon)

    assert (one.known_at, other.known_at) == (morning, noon)
    assert one.stated_at == other.stated_at == END_OF_Q1  # the import's identity


def test_a_later_date_stays_in_the_future_and_a_quarter_in_progress_is_now() -> None:
    now = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)

    later = read_source(BEGROTING, csv(row("5")), "x.csv", known_at="2026-04-01", now=now)
    quarter = read_source(BEGROTING, csv(row("5")), "x.csv", known_at="2026Q1", now=now)

    assert later.known_at == datetime(2026, 4, 1, 23, 59, 59, 999999, tzinfo=AMSTERDAM)
    assert quarter.known_at == now
