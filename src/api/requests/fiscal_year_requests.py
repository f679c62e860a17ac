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
    # A column that adds fiscal_year..last_year (tabel 7.2's "totaal", ADR 0025).
    last_year: FiscalYearNumber | None = None


class RowIn(Input):
    """A row; the optional fields make it carry its own measure (ADR 0025)."""

    interventie: InterventieNumber | None = None
    label: Name
    taakstellingen: list[Reference] = Field(default=[])
    measure: Measure | None = None
    key: Annotated[str, line(64)] | None = None
    unit: Short | None = None
    deelproducten: list[Short] | None = None
    fund: Short | None = None
    activity: Name | None = None
    kengetal: Reference | None = None
    result: Short | None = None
    base_year: FiscalYearNumber | None = None

    def to_domain(self) -> RowSpec:
        return RowSpec(
            self.interventie,
            self.label,
            tuple(self.taakstellingen),
            measure=self.measure,
            key=self.key,
            unit=self.unit,
            deelproducten=None if self.deelproducten is None else tuple(self.deelproducten),
            fund=self.fund,
            activity=self.activity,
            kengetal=self.kengetal,
            result=self.result,
            base_year=self.base_year,
        )


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
            columns=tuple(
                ColumnSpec(c.key, c.measure, c.fiscal_year, c.last_year) for c in self.columns
            ),
            rows=tuple(row.to_domain() for row in self.rows),
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
