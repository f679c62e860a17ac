"""Amounts as a file writes them, read exactly (ADR 0033, "Reading a file").

A text amount is `1234,56`, `1.234,56`, `1234.56`, `1,234.56`, `-12` or `+1.234.567`: a
sign, digits, at most one decimal separator and thousands separators between groups of
three. Which of `.` and `,` is the decimal one (the convention) is settled by the amount
itself where it can be (`1.234,56`, `1234,5`, `1.234.567`), else by the mapping's
`decimal`, else by the other amounts of the file; `1.234` or `1,234` alone is either a
thousand and some or a figure with three decimals, and stays an error until one of those
settles it. An Excel number is its stored decimal text (never a binary float), rounded to
Excel's own fifteen significant digits, the digits Excel shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

from domain.money import CENT, LIMIT

# The separators of a convention: (decimal, thousands).
SEPARATORS = {"comma": (",", "."), "point": (".", ",")}
_AMOUNT = re.compile(r"([+-]?)([0-9][0-9.,]*)")
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:X[0-9]{3})+|[0-9]+")
EXCEL_DIGITS = 15  # Excel keeps and shows 15 significant digits of a number


class Convention(Enum):
    COMMA = "comma"  # 1.234,56
    POINT = "point"  # 1,234.56


class AmountError(ValueError):
    """Why a cell is no amount; the reader names the cell."""

    def __init__(self, message: str, code: str = "invalid-amount") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Reading:
    """A text amount read: its value under each convention the text allows (one if the text
    settles it), and the convention it settles (None: it settles none)."""

    by_convention: dict[Convention, Decimal]
    settles: Convention | None


def _grouped(digits: str, thousands: str) -> str | None:
    """`digits` without its thousands separators, if they group by three; else None."""
    if thousands in digits and _GROUPED.fullmatch(digits.replace(thousands, "X")) is None:
        return None
    return digits.replace(thousands, "")


def _under(body: str, convention: Convention) -> Decimal | None:
    decimal, thousands = SEPARATORS[convention.value]
    whole, _, fraction = body.partition(decimal)
    if decimal in fraction or thousands in fraction:
        return None
    if body.endswith(decimal) or body.startswith(decimal):
        return None
    digits = _grouped(whole, thousands)
    if digits is None:
        return None
    return Decimal(f"{digits}.{fraction}" if fraction else digits)


def read_text(text: str) -> Reading:
    """The readings of a text amount; AmountError if it is none under either convention."""
    found = _AMOUNT.fullmatch(text.strip())
    if found is None:
        raise AmountError(f"{text!r} is not an amount (digits, one decimal separator)")
    sign, body = found.groups()
    readings = {
        convention: -value if sign == "-" else value
        for convention in Convention
        if (value := _under(body, convention)) is not None
    }
    if not readings:
        raise AmountError(f"{text!r} is not an amount: its separators do not group by three")
    # Plain digits read the same under both conventions and settle neither.
    settles = next(iter(readings)) if len(readings) == 1 else None
    return Reading(readings, settles)


def settled(reading: Reading, convention: Convention | None, text: str) -> Decimal:
    """The amount under the file's `convention` (None: the file does not settle one)."""
    values = set(reading.by_convention.values())
    if len(values) == 1 and convention is None:
        return checked(values.pop(), text)
    if convention is None:
        raise AmountError(
            f"{text!r} is ambiguous: a thousands separator or a decimal one? Nothing in the "
            'file settles it: state decimal = "comma" or "point" in the mapping\'s [amounts]',
            "ambiguous-amount",
        )
    if convention not in reading.by_convention:
        decimal = SEPARATORS[convention.value][0]
        raise AmountError(f"{text!r} is not an amount with {decimal!r} as its decimal separator")
    return checked(reading.by_convention[convention], text)


def excel_number(text: str) -> Decimal:
    """An Excel number cell's stored text ("1234.56", "1234.5599999999999", "1E-2"), as
    the Decimal Excel shows: its fifteen significant digits, exactly, no float between."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise AmountError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise AmountError(f"{text!r} is not a number")
    if value:
        digits = value.adjusted() + 1  # digits before the point (negative: zeros after it)
        value = value.quantize(Decimal(1).scaleb(digits - EXCEL_DIGITS))
    return checked(value, text)


def checked(value: Decimal, text: str) -> Decimal:
    if abs(value) >= LIMIT:
        raise AmountError(f"{text!r} is beyond the range of a budget")
    if value != value.quantize(CENT):
        raise AmountError(f"{text!r} has more than two decimals")
    return value.quantize(CENT)
