"""The cells of a file: a CSV's text, or an XLSX sheet's values with every number as the
decimal text Excel stored (ADR 0033, "Reading a file")."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# An XLSX file is a ZIP archive; a CSV never starts with these bytes.
ZIP_MAGIC = b"PK\x03\x04"
MAX_ROWS = 100_000  # a year's lines and monthly totals of a municipality, many times over


@dataclass(frozen=True)
class Number:
    """An Excel number cell: its stored text, never a float."""

    text: str


Cell = str | Number | datetime | None


class TableError(ValueError):
    """The file cannot be read as a table at all."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (the spreadsheet's row number, its cells)
    sheet: str | None


def read_table(data: bytes, sheet: str | None, recognised: Callable[[list[str]], int]) -> Table:
    """The file's header and rows. `recognised` counts the headers of a split that the
    import knows: a CSV's delimiter is the one of `;` and `,` that names more of them."""
    if data.startswith(ZIP_MAGIC):
        return _xlsx(data, sheet)
    if sheet is not None:
        raise TableError("a CSV has no sheets: --sheet (or the mapping's sheet) is for XLSX")
    return _csv(data, recognised)


def _csv(data: bytes, recognised: Callable[[list[str]], int]) -> Table:
    try:
        text = data.decode("utf-8-sig")  # with or without a byte order mark
    except UnicodeDecodeError as error:
        raise TableError(
            f"the file is neither XLSX nor UTF-8 text (byte {error.start + 1} is not UTF-8)"
        ) from None
    if not text.strip():
        raise TableError("the file is empty")
    first = text.splitlines()[0]
    delimiter = max(
        (";", ","), key=lambda d: (recognised(next(csv.reader([first], delimiter=d))), d == ";")
    )
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise TableError(f"the file is not CSV: {error}") from None
    headers, *rows = records
    _bounded(len(rows))
    return Table(headers, [(number, list(row)) for number, row in enumerate(rows, 2)], None)


def _bounded(rows: int) -> None:
    if rows > MAX_ROWS:
        raise TableError(f"the file has {rows} rows: at most {MAX_ROWS} are read at once")


def _xlsx(data: bytes, sheet: str | None) -> Table:
    from openpyxl import load_workbook  # only when an XLSX is read

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableError(f"the file is not an XLSX workbook: {error}") from None
    try:
        name = sheet or book.sheetnames[0]
        if name not in book.sheetnames:
            raise TableError(f"the workbook has no sheet {name!r}: {', '.join(book.sheetnames)}")
        records = _sheet_cells(book, name)
    except SyntaxError as error:  # the XML parsers' ParseError (a truncated sheet)
        raise TableError(f"sheet {name!r} is not a readable XLSX sheet: {error}") from None
    finally:
        book.close()
    if not records:
        raise TableError(f"sheet {name!r} is empty")
    (_, header), *rows = records
    headers = ["" if cell is None else str(cell) for cell in header]
    _bounded(len(rows))
    return Table(headers, rows, name)


def _sheet_cells(book: Any, name: str) -> list[tuple[int, list[Cell]]]:
    """The rows of a sheet through openpyxl's own sheet parser, every number cell kept as
    the text the file stores (openpyxl would turn it into a float)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    class TextNumbers(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            number = element.get("t", "n") == "n" and (
                int(element.get("s", 0) or 0) not in self.date_formats
            )
            if number:
                # A "str" cell's text is kept as it is: the stored number, not a float.
                element.set("t", "str")
            cell: dict[str, Any] = super().parse_cell(element)
            if number and cell["value"] is not None:
                cell["value"] = Number(str(cell["value"]))
            return cell

    worksheet = book[name]
    rows: list[tuple[int, list[Cell]]] = []
    with worksheet._get_source() as source:
        parser = TextNumbers(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        header_width: int | None = None
        for number, cells in parser.parse():
            # A cell beyond the header's width is no column of the import: ignored, and a
            # row is never allocated up to a far column (XFD is 16384 cells).
            width = max((cell["column"] for cell in cells), default=0)
            if header_width is not None:
                width = min(width, header_width)
            row: list[Cell] = [None] * width
            for cell in cells:
                if cell["column"] <= width:
                    row[cell["column"] - 1] = _cell(cell["value"])
            if header_width is None:
                header_width = width
            rows.append((number, row))
            _bounded(len(rows) - 1)
    return rows


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str | Number | datetime):
        return value
    return str(value)  # a boolean, an error value (#N/A): text the checks refuse
