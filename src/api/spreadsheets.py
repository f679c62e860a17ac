"""CSV and XLSX writers for the exports of `projections.queries.row_exports` (ADR 0009).

CSV (RFC 4180, UTF-8, comma-separated, CRLF line ends): every value as text; an amount is
its exact decimal string ("1234.50"), an empty cell is None. A text cell that starts with
=, +, -, @, a tab or a CR is prefixed with an apostrophe (formula_like: the XLSX marks the
same cells with a quote prefix).

XLSX (openpyxl): one sheet of rows with a frozen header, and a sheet `provenance` with the
basis. An amount column `X` is a number in euros (format `#,##0.00`) when the number is
exact, and beside it `X_exact`, the exact decimal string, always. openpyxl writes a number
with 16 significant digits and reads it back as a float, so a number cell is exact only for
an amount of at most 15 significant digits (every amount below 10^13 euros); a larger one is
written as its decimal string in `X` too, never rounded. Text is never a formula; a control
character XML cannot hold is written as U+FFFD.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.utils import get_column_letter

from projections.queries.row_exports import Column, Export, Kind

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
EXACT_DIGITS = 15  # what a float (and so a spreadsheet number) holds exactly
EXACT_SUFFIX = "_exact"


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


def _csv_cell(value: Any) -> str:
    # A formula-like text gets a leading apostrophe, as OWASP advises; a spreadsheet shows
    # the text, a tool strips the one character. Numbers are written as they are.
    return "'" + value if formula_like(value) else _text(value)


def to_csv(export: Export) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_cell(column.key) for column in export.columns])
    for row in export.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def exact_as_number(amount: Decimal) -> bool:
    """Whether a number cell holds `amount` exactly: it has at most 15 significant digits."""
    return len(amount.as_tuple().digits) <= EXACT_DIGITS


def xlsx_columns(export: Export) -> list[str]:
    """The header of the XLSX sheet: every amount column followed by its exact twin."""
    header = []
    for column in export.columns:
        header.append(column.key)
        if column.kind is Kind.AMOUNT:
            header.append(column.key + EXACT_SUFFIX)
    return header


def _cells(column: Column, value: Any) -> list[Any]:
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


def to_xlsx(export: Export) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # a new workbook has one sheet
    sheet.title = export.name[:31]
    header = xlsx_columns(export)
    sheet.append(header)
    kinds: list[Kind] = []
    for column in export.columns:
        kinds.append(column.kind)
        if column.kind is Kind.AMOUNT:
            kinds.append(Kind.TEXT)
    for row in export.rows:
        values: list[Any] = []
        for column, value in zip(export.columns, row, strict=True):
            values += _cells(column, _storable(value))
        sheet.append(values)
    for index, kind in enumerate(kinds, start=1):
        letter = get_column_letter(index)
        for (cell,) in sheet.iter_rows(min_col=index, max_col=index, min_row=1):
            _plain_text(cell)
            if kind is Kind.AMOUNT and isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
        sheet.column_dimensions[letter].width = max(12, min(60, len(header[index - 1]) + 2))
    sheet.freeze_panes = "A2"
    provenance = workbook.create_sheet("provenance")
    provenance.append(["key", "value"])
    for key, value in export.provenance:
        provenance.append([key, _storable(value)])
    for row_cells in provenance.iter_rows():
        for cell in row_cells:
            _plain_text(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(export: Export, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(export)
    if fmt == "xlsx":
        return to_xlsx(export)
    raise ValueError(f"an export is csv or xlsx, not {fmt!r}")


def filename(export: Export, fmt: str) -> str:
    return f"{export.name}.{fmt}"
