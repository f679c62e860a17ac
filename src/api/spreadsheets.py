"""CSV and XLSX writers for the exports of `projections.queries.row_exports` (ADR 0009).

CSV, in one of two dialects, UTF-8 with CRLF line ends, every value as text, an empty cell
for None:
- `excel-nl` (the default), what Excel in a Dutch locale opens by double-click: a byte order
  mark (so Excel reads UTF-8), `;` between cells, an amount as its exact decimal string with
  a decimal comma and no thousands separator ("1234,50"), which Excel reads as a number;
- `rfc4180`, for tools: `,` between cells, a decimal point ("1234.50"), no byte order mark.
In both, moments stay ISO 8601 text with their offset, and a text cell that starts with =,
+, -, @, a tab or a CR is prefixed with an apostrophe (formula_like: the XLSX marks the same
cells with a quote prefix).

XLSX (openpyxl): a sheet of rows named for what they are, its header frozen and filtered,
and a sheet `Basis and chain head`. An amount column `X` is a number shown in euros with
thousands separators when the number is exact, and beside it `X_exact`, the exact decimal
string, always. openpyxl writes a number with 16 significant digits and reads it back as a
float, so a number cell is exact only for an amount of at most 15 significant digits (every
amount below 10^13 euros); a larger one is written as its decimal string in `X` too, never
rounded. Text is never a formula; a control character XML cannot hold is written as U+FFFD.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any, Literal, get_args

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from projections.queries.row_exports import Column, Export, Kind, fits_a_sheet

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
EXACT_DIGITS = 15  # what a float (and so a spreadsheet number) holds exactly
EXACT_SUFFIX = "_exact"

CsvDialect = Literal["excel-nl", "rfc4180"]
CSV_DIALECTS: tuple[CsvDialect, ...] = get_args(CsvDialect)
DEFAULT_CSV_DIALECT: CsvDialect = "excel-nl"
BOM = "\ufeff"

# Number formats are stored in Excel's own notation (`,` groups thousands, `.` starts the
# decimals); Excel shows them in the reader's locale: `€ 1.234,50` in a Dutch one. A
# negative amount reads `€ -1.234,50`, as Dutch finance writes it.
EUROS = '"€ "#,##0.00;"€ "-#,##0.00'
THOUSANDS = "#,##0"  # a published figure: its unit (EUR_1000) is in the row's `unit`
BASIS_SHEET = "Basis and chain head"


# Text a spreadsheet reads as a formula (OWASP, CSV injection): one rule for both writers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    """Whether a text cell would run as a formula: it starts with = + - @, a tab or a CR.
    Only text: a number, such as a negative amount, stays a number."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _csv_cell(value: Any, decimal_comma: bool) -> str:
    # A formula-like text gets a leading apostrophe, as OWASP advises; a spreadsheet shows
    # the text, a tool strips the one character. Numbers are written as they are, only
    # the decimal point becomes the comma a Dutch Excel reads a number by.
    if formula_like(value):
        return "'" + str(value)
    if decimal_comma and isinstance(value, Decimal):
        return _text(value).replace(".", ",")
    return _text(value)


def to_csv(export: Export, dialect: CsvDialect = DEFAULT_CSV_DIALECT) -> bytes:
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"a CSV dialect is one of {', '.join(CSV_DIALECTS)}, not {dialect!r}")
    dutch = dialect == "excel-nl"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";" if dutch else ",", lineterminator="\r\n")
    writer.writerow([_csv_cell(column.key, dutch) for column in export.columns])
    for row in export.rows:
        writer.writerow([_csv_cell(value, dutch) for value in row])
    return ((BOM if dutch else "") + buffer.getvalue()).encode("utf-8")


def exact_as_number(amount: Decimal) -> bool:
    """Whether a number cell holds `amount` exactly: it has at most 15 significant digits."""
    return len(amount.as_tuple().digits) <= EXACT_DIGITS


# Excel's limit on the text of one cell; openpyxl cuts a longer text there without a word.
CELL_LIMIT = 32767


def _spans(export: Export) -> list[int]:
    """Per column, how many cells its longest text needs: a text beyond CELL_LIMIT (a report's
    payload in the log) continues in `key_2`, `key_3`, ... so nothing is cut."""
    spans = [1] * len(export.columns)
    for row in export.rows:
        for index, value in enumerate(row):
            if isinstance(value, str) and len(value) > CELL_LIMIT:
                spans[index] = max(spans[index], -(-len(value) // CELL_LIMIT))
    return spans


def xlsx_columns(export: Export) -> list[str]:
    """The header of the XLSX sheet: every amount column followed by its exact twin, and a
    text column too long for one cell by its continuations."""
    header = []
    for column, span in zip(export.columns, _spans(export), strict=True):
        header.append(column.key)
        header += [f"{column.key}_{part}" for part in range(2, span + 1)]
        if column.kind is Kind.AMOUNT:
            header.append(column.key + EXACT_SUFFIX)
    return header


def _cells(column: Column, value: Any, span: int = 1) -> list[Any]:
    if span > 1:
        text = "" if value is None else str(value)
        parts = [text[i : i + CELL_LIMIT] for i in range(0, len(text), CELL_LIMIT)]
        return (parts + [None] * span)[:span]
    if column.kind is Kind.AMOUNT:
        exact = None if value is None else _text(value)
        if value is None or not exact_as_number(value):
            return [exact, exact]
        return [value, exact]
    if column.kind is Kind.FIGURE and value is not None and not exact_as_number(value):
        return [_text(value)]
    return [value]


def _plain_text(cell: Cell | MergedCell) -> None:
    # openpyxl takes a string starting with "=" for a formula: a name or a payload must
    # never run in the auditor's spreadsheet. A formula-like text is also marked with the
    # cell's quote prefix (Excel's own leading apostrophe, not part of the value), so it
    # stays text when someone edits the cell.
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if formula_like(cell.value) and isinstance(cell, Cell):
            cell.quotePrefix = True


def _storable(value: Any) -> Any:
    """XML 1.0, and so XLSX, cannot hold most C0 control characters: each becomes U+FFFD
    (the CSV keeps the text byte for byte)."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def _figure_format(value: Decimal) -> str:
    # A published figure is a whole number of thousands; should one have decimals, the
    # format shows all of them rather than round the view of it.
    decimals = max(0, -int(value.as_tuple().exponent))
    return THOUSANDS + ("." + "0" * decimals if decimals else "")


def _header(sheet: Worksheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _rows_sheet(sheet: Worksheet, export: Export) -> None:
    if not fits_a_sheet(export.sheet):
        raise ValueError(f"{export.sheet!r} does not fit a sheet name")
    sheet.title = export.sheet
    header = xlsx_columns(export)
    sheet.append(header)
    spans = _spans(export)
    kinds: list[Kind] = []
    for column, span in zip(export.columns, spans, strict=True):
        kinds += [column.kind] * span
        if column.kind is Kind.AMOUNT:
            kinds.append(Kind.TEXT)
    for row in export.rows:
        values: list[Any] = []
        for column, value, span in zip(export.columns, row, spans, strict=True):
            values += _cells(column, _storable(value), span)
        sheet.append(values)
    for index, kind in enumerate(kinds, start=1):
        letter = get_column_letter(index)
        for (cell,) in sheet.iter_rows(min_col=index, max_col=index, min_row=1):
            _plain_text(cell)
            if isinstance(cell.value, Decimal):
                if kind is Kind.AMOUNT:
                    cell.number_format = EUROS
                elif kind is Kind.FIGURE:
                    cell.number_format = _figure_format(cell.value)
        sheet.column_dimensions[letter].width = max(12, min(60, len(header[index - 1]) + 2))
    _header(sheet)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(export.rows) + 1}"


def _basis_sheet(sheet: Worksheet, export: Export) -> None:
    sheet.append(["key", "value"])
    for key, value in export.provenance:
        sheet.append([key, _storable(value)])
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            _plain_text(cell)
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 70  # a chain head is 64 hex digits
    _header(sheet)


def to_xlsx(export: Export) -> bytes:
    workbook = Workbook()
    _rows_sheet(workbook.worksheets[0], export)  # a new workbook has one sheet
    _basis_sheet(workbook.create_sheet(BASIS_SHEET), export)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(export: Export, fmt: str, dialect: CsvDialect = DEFAULT_CSV_DIALECT) -> bytes:
    """The export as a file: `dialect` is the CSV's; an XLSX has none."""
    if fmt == "csv":
        return to_csv(export, dialect)
    if fmt == "xlsx":
        return to_xlsx(export)
    raise ValueError(f"an export is csv or xlsx, not {fmt!r}")


def filename(export: Export, fmt: str) -> str:
    return f"{export.name}.{fmt}"
