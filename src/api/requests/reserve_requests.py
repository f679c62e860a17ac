"""Bodies of the reserves' commands."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    Field,
    field_validator,
)

from api.requests.members import (
    Amount,
    FiscalYearNumber,
    FreeText,
    Input,
    LineKeyIn,
    Name,
    Provenance,
    Reference,
    line,
)
from domain.money import Money
from domain.reserve import FREE, ReserveKind
from domain.values import (
    CODE_LENGTH,
    SHORT_LENGTH,
    LineKey,
)


class EstablishReserve(Provenance):
    code: Annotated[Reference, Field(max_length=CODE_LENGTH)]
    name: Name
    kind: ReserveKind
    purpose: FreeText
    fiscal_year: FiscalYearNumber


class ReserveMutation(Provenance):
    fiscal_year: FiscalYearNumber
    amount: Amount
    decision: Reference
    earmark: Annotated[str, line(SHORT_LENGTH, blank=True)] = FREE


class Allocation(Input):
    line: LineKeyIn
    amount: Amount


class AllocateFromReserve(Provenance):
    earmark: Annotated[str, line(SHORT_LENGTH, blank=True)]
    allocations: list[Allocation] = Field(min_length=1)
    decision: Reference

    @field_validator("allocations")
    @classmethod
    def _each_line_once(cls, allocations: list[Allocation]) -> list[Allocation]:
        seen: dict[LineKeyIn, int] = {}
        for index, item in enumerate(allocations):
            if item.line in seen:
                raise ValueError(
                    f"allocations {seen[item.line]} and {index} name the same line; "
                    "give each line one amount"
                )
            seen[item.line] = index
        return allocations

    def line_amounts(self) -> dict[LineKey, Money]:
        return {item.line.to_domain(): Money(item.amount) for item in self.allocations}


class StateReserveOpening(Provenance):
    """The balance at the start of a fiscal year as the jaarrekening states it: under a
    decision or with `source_document`."""

    fiscal_year: FiscalYearNumber
    amount: Amount
    earmark: Annotated[str, line(SHORT_LENGTH, blank=True)] = FREE
    decision: Reference | None = None


class EarmarkMovement(Provenance):
    """An oormerk (free part into `earmark`) or its release (back)."""

    fiscal_year: FiscalYearNumber
    amount: Amount
    earmark: Annotated[str, line(SHORT_LENGTH)]
    decision: Reference
