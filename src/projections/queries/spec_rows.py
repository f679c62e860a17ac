"""The shapes a report table's cells are made of: a table's spec as the read model keeps
it (`domain.report.TableSpec` as JSON) and one fact row behind a figure
(`projections.queries.cells` and `projections.queries.row_facts` build on them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NotRequired

from sqlalchemy import ColumnElement, FromClause
from typing_extensions import TypedDict

# A condition over a fact table (a Basis filter is one), and labelled expressions over it.
Where = Callable[[FromClause], ColumnElement[bool]]
Labelled = Callable[[FromClause], ColumnElement[int]]
Extra = Iterable[tuple[str, Labelled]]
Seen = dict[str, int]  # the extra columns' values on one fact row


class ColumnSpecRow(TypedDict):
    key: str
    measure: str
    fiscal_year: int
    last_year: NotRequired[int]


class RowSpecRow(TypedDict):
    """A row's spec; the optional fields only where the spec sets them (ADR 0025)."""

    interventie: int | None
    label: str
    taakstellingen: list[str]
    measure: NotRequired[str]
    key: NotRequired[str]
    unit: NotRequired[str]
    deelproducten: NotRequired[list[str]]
    fund: NotRequired[str]
    activity: NotRequired[str]
    kengetal: NotRequired[str]
    result: NotRequired[str]
    base_year: NotRequired[int]


class TotalSpecRow(TypedDict):
    label: str
    include_risks: bool


class TableSpecRow(TypedDict):
    """A table's spec as the read model keeps it (`domain.report.TableSpec`, as JSON)."""

    id: str
    title: str
    unit: str
    fund: str | None
    columns: list[ColumnSpecRow]
    rows: list[RowSpecRow]
    totals: list[TotalSpecRow]


class TaakstellingKind(TypedDict):
    interventie: int | None
    kind: str


class CellAddress(TypedDict):
    table: str
    row: str  # the row's or total's label
    kind: str  # row | total
    interventie: int | None
    column: str
    key: NotRequired[str]  # where the row has one (ADR 0025)


@dataclass(frozen=True)
class Fact:
    """One read-model row behind a figure, with what places it in a table."""

    measure: str  # budget | realisation | taakstelling
    position: int
    fiscal_year: int
    interventie: int | None
    taakstelling: str | None  # the taakstelling's reference
    kind: str  # the event: Amended, CarriedOver, Reported, Corrected, ShiftedIn, ...
    delta: Decimal
    subject: str  # the budget line, realisation or taakstelling it changes
    decision_id: str | None
    decision_reference: str | None
    actor: str
    known_at: datetime
    recorded_at: datetime
    import_id: str | None
    source: str | None
    # Where a row measure (ADR 0025) places it: the fund of its line or realisation, the
    # realisation's deelproduct, the kengetal's reference, the result's key or the
    # specified activity; and for the facts whose latest row holds the value (kengetal,
    # result, specification), the subject the rows succeed each other on, the value as
    # stated and the text as recorded.
    fund: str | None = None
    deelproduct: str | None = None
    reference: str | None = None
    latest: str | None = None
    amount: Decimal | None = None
    text: str | None = None
