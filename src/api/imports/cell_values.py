"""The values of an extract's cells (ADR 0033): text, codes, years, months, moments, each
checked; a cell at fault raises Fault, which the reader places at its row and column."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from api.imports.sheet_cells import Cell, Number
from domain.realisation import check_month
from domain.values import (
    CATEGORIE_LENGTH,
    CODE_LENGTH,
    MAX_FISCAL_YEAR,
    MIN_FISCAL_YEAR,
    NAME_LENGTH,
    TAAKVELD_LENGTH,
    check_text,
)

TEXT_LENGTHS = {
    "programma": NAME_LENGTH,
    "taakveld": TAAKVELD_LENGTH,
    "categorie": CATEGORIE_LENGTH,
    "deelproduct": CODE_LENGTH,
    "omschrijving": NAME_LENGTH,
}


class Fault(ValueError):
    """One cell at fault; the reader adds where it is."""


def opt(value: object) -> str | None:
    return None if value is None else str(value)


def as_text(cell: Cell) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, Number):
        return cell.text
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return cell.strip()


def text_of(cell: Cell, column: str, *, required: bool = False) -> str | None:
    text = as_text(cell)
    if text is None and required:
        raise Fault(f"{column} is empty")
    return check_text(text, column, max_length=TEXT_LENGTHS.get(column), required=False)


def code_of(cell: Cell, column: str, *, required: bool = False) -> str | None:
    """A code is text: Excel stores the number 0.10 as 0.1, another taakveld."""
    if isinstance(cell, Number):
        raise Fault(
            f"{column} is a number cell ({cell.text}): format the column as text, as Excel"
            " keeps no trailing zero"
        )
    return text_of(cell, column, required=required)


def year_of(cell: Cell) -> int:
    text = as_text(cell)
    if text is None:
        raise Fault("jaar is empty")
    try:
        year = Decimal(text) if isinstance(cell, Number) else None
    except InvalidOperation:
        year = None  # a number cell that holds no number: refused as the text it is
    if year is not None and year.is_finite() and abs(year) < 10_000 and year == year.to_integral():
        text = str(int(year))
    if (
        not text.isascii()
        or not text.isdigit()
        or not MIN_FISCAL_YEAR <= int(text) <= MAX_FISCAL_YEAR
    ):
        raise Fault(f"jaar is a year from {MIN_FISCAL_YEAR} to {MAX_FISCAL_YEAR}, not {text!r}")
    return int(text)


def month_of(cell: Cell) -> str:
    if isinstance(cell, datetime):
        return f"{cell.year:04d}-{cell.month:02d}"
    text = as_text(cell)
    if text is None:
        raise Fault("periode is empty")
    check_month(text, int(text[:4]) if text[:4].isdigit() else MIN_FISCAL_YEAR, None)
    return text


def moment_of(cell: Cell, now: datetime | None) -> datetime:
    from projections.queries.basis import BasisError, parse_moment

    if isinstance(cell, datetime):
        cell = cell.date().isoformat()
    text = as_text(cell)
    if text is None:
        raise Fault("peildatum is empty")
    try:
        return parse_moment(text, now=now)
    except BasisError as error:
        raise Fault(str(error)) from None
