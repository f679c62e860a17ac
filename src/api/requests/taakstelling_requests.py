"""Bodies of the taakstellingen's commands."""

from __future__ import annotations

from pydantic import (
    Field,
)

from api.requests.members import (
    Amount,
    Code,
    FiscalYearNumber,
    FreeText,
    InterventieNumber,
    Name,
    Provenance,
    Reference,
    Short,
    Taakveld,
    Text,
    YearKey,
)
from domain.money import Money
from domain.taakstelling import TaakstellingKind
from domain.values import (
    YearAmounts,
)


class ImposeTaakstelling(Provenance):
    reference: Reference
    label: Text
    interventie: InterventieNumber | None = None
    programma: Name
    taakveld: Taakveld
    kind: TaakstellingKind = TaakstellingKind.TARGET
    origin: Short
    amounts: dict[YearKey, Amount] = Field(
        min_length=1, examples=[{"2019": "-150000.00", "2020": "-300000.00"}]
    )
    base_deelproducten: list[Code] = Field(default=[])
    decision: Reference | None = None

    def year_amounts(self) -> YearAmounts:
        return YearAmounts.of({int(year): Money(amount) for year, amount in self.amounts.items()})


class AdjustTaakstelling(Provenance):
    fiscal_year: FiscalYearNumber
    delta: Amount
    decision: Reference


class ShiftTaakstelling(Provenance):
    source: Reference
    target: Reference
    fiscal_year: FiscalYearNumber
    amount: Amount
    decision: Reference


class CancelTaakstellingYear(Provenance):
    fiscal_year: FiscalYearNumber
    coverage: FreeText
    decision: Reference
