"""Bodies of the stated facts' commands (ADR 0030): a kengetal and its measurements, a
result as a report states it, and an activity's part of a budget line."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, PlainSerializer, PlainValidator, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from api.requests.members import (
    Amount,
    Code,
    FiscalYearNumber,
    FreeText,
    InterventieNumber,
    LineKeyIn,
    Name,
    Provenance,
    Reference,
    Short,
    Text,
)
from domain.realisation import RealisationStatus

VALUE_PATTERN = r"^-?[0-9]{1,30}(\.[0-9]{1,9})?$"
VALUE_FORMAT = (
    "a kengetal's value is a string of ASCII digits with an optional leading minus and at "
    'most nine decimals after a point, such as "15000" or "7.7"'
)
_VALUE = re.compile(VALUE_PATTERN)


def _value(value: Any) -> Decimal:
    """Exact, as an amount is (ADR 0006): a JSON string, never a number (a float)."""
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str) or not _VALUE.fullmatch(value):
        raise PydanticCustomError("invalid-value", VALUE_FORMAT)
    found = Decimal(value)
    return found if found else abs(found)


KengetalValue = Annotated[
    Decimal,
    PlainValidator(_value),
    PlainSerializer(lambda value: format(value, "f"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": VALUE_PATTERN, "example": "7.7"}),
]


def _day(value: Any) -> date:
    """A peildatum is a JSON string YYYY-MM-DD: a day, not a moment and not a number."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("invalid-date", "a peildatum is a date YYYY-MM-DD")


_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
Peildatum = Annotated[
    date,
    PlainValidator(_day),
    PlainSerializer(lambda day: day.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date", "example": "2019-01-31"}),
]


class DefineKengetal(Provenance):
    reference: Reference
    label: Text
    unit: Code
    fiscal_year: FiscalYearNumber
    interventie: InterventieNumber | None = None


class MeasureKengetal(Provenance):
    reference: Reference
    fiscal_year: FiscalYearNumber
    value: KengetalValue
    peildatum: Peildatum | None = None


class StateResult(Provenance):
    """`amount` is positive for a voordeel, negative for a nadeel."""

    fiscal_year: FiscalYearNumber
    domain: Short
    label: Text
    scope: Text
    amount: Amount
    status: RealisationStatus


class RestateResult(Provenance):
    fiscal_year: FiscalYearNumber
    domain: Short
    corrects_version: Annotated[int, Strict(), Field(ge=1)]
    amount: Amount
    status: RealisationStatus
    reason: FreeText


class SpecifyBudget(Provenance):
    line: LineKeyIn
    activity: Name
    amount: Amount
    decision: Reference
