"""Bodies of the fiscal years' and the reports' commands."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import (
    AwareDatetime,
    Field,
)

from api.requests.members import (
    FiscalYearNumber,
    Input,
    InterventieNumber,
    Name,
    PeriodIn,
    Provenance,
    Reference,
    Short,
    Text,
    line,
)
from domain.errors import relocated
from domain.report import ColumnSpec, Measure, RowSpec, TableSpec, TotalSpec


class CloseFiscalYear(Provenance):
    decision: Reference


class SetVerantwoordingsgrens(Provenance):
    """The raad's decision and the percentage of the year's total lasten (e.g. "1" or
    "0.5"), above 0 and at most 3 (ADR 0029)."""

    decision: Reference
    percentage: Annotated[Decimal, Field(gt=0, le=3, max_digits=5, decimal_places=2)]


class ReopenFiscalYear(Provenance):
    """The adopted raad decision (a jaarrekening or a begrotingswijziging) that reopens it."""

    decision: Reference


class ColumnIn(Input):
    key: Annotated[str, line(64)]
    measure: Measure
    fiscal_year: FiscalYearNumber


class RowIn(Input):
    interventie: InterventieNumber | None = None
    label: Name
    taakstellingen: list[Reference] = Field(default=[])


class TotalIn(Input):
    label: Name
    include_risks: bool = True


class TableIn(Input):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,62}$")]
    title: Text
    unit: Name
    fund: Short | None = None
    columns: list[ColumnIn] = Field(min_length=1)
    rows: list[RowIn] = Field(min_length=1)
    totals: list[TotalIn] = Field(default=[])

    def to_domain(self) -> TableSpec:
        return TableSpec(
            id=self.id,
            title=self.title,
            unit=self.unit,
            fund=self.fund,
            columns=tuple(ColumnSpec(c.key, c.measure, c.fiscal_year) for c in self.columns),
            rows=tuple(RowSpec(r.interventie, r.label, tuple(r.taakstellingen)) for r in self.rows),
            totals=tuple(TotalSpec(t.label, t.include_risks) for t in self.totals),
        )


class PublishReport(Provenance):
    report_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,62}$")]
    title: Text
    published_at: AwareDatetime
    knowledge_cutoff: AwareDatetime
    tables: list[TableIn] = Field(min_length=1)

    def table_specs(self) -> tuple[TableSpec, ...]:
        specs = []
        for index, table in enumerate(self.tables):
            with relocated("tables", f"tables.{index}"):
                specs.append(table.to_domain())
        return tuple(specs)

    period: PeriodIn
    decision: Reference | None = None
