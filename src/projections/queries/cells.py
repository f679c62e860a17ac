"""The cells of a report's tables and the fact rows behind each of them.

A published cell is the exact sum of read-model fact rows: budget mutations, realisation
entries or taakstelling mutations, chosen by the table's spec (ADR 0003). This module names
the cells, fetches the fact rows a table draws on (with any SQL condition, usually a Basis
filter) and tells which cells each row counts towards. The diff (`projections.queries.diff`) and the
lineage of one cell (`projections.queries.lineage.cell_lineage`) are both built on it, so they add
up to the same figures the report renders (`projections.queries.reports`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, FromClause, select
from typing_extensions import TypedDict

from projections.queries import backdating
from projections.queries.basis import euros
from projections.store import schema

ZERO = Decimal("0.00")
# A condition over a fact table (a Basis filter is one), and labelled expressions over it.
Where = Callable[[FromClause], ColumnElement[bool]]
Labelled = Callable[[FromClause], ColumnElement[int]]
Extra = Iterable[tuple[str, Labelled]]
Seen = dict[str, int]  # the extra columns' values on one fact row


class ColumnSpecRow(TypedDict):
    key: str
    measure: str
    fiscal_year: int


class RowSpecRow(TypedDict):
    interventie: int | None
    label: str
    taakstellingen: list[str]


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


class CellError(LookupError):
    """A table, row or column the report does not have; `field` names the parameter."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


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


@dataclass(frozen=True)
class Cell:
    table: str
    row: str  # the row's (or total's) label
    kind: str  # row | total
    interventie: int | None
    column: str
    measure: str
    fiscal_year: int
    members: frozenset[str] | None  # taakstelling references, for that measure

    def counts(self, fact: Fact) -> bool:
        if fact.measure != self.measure or fact.fiscal_year != self.fiscal_year:
            return False
        if self.measure == "taakstelling":
            return self.members is not None and fact.taakstelling in self.members
        return self.kind == "total" or fact.interventie == self.interventie

    def address(self) -> CellAddress:
        return {
            "table": self.table,
            "row": self.row,
            "kind": self.kind,
            "interventie": self.interventie,
            "column": self.column,
        }


def report_specs(conn: Connection, report_id: str) -> tuple[str, list[TableSpecRow]]:
    """The report's title and table specs (the caller has checked the report exists)."""
    row = conn.execute(
        select(schema.reports.c.title, schema.reports.c.tables).where(
            schema.reports.c.report_id == report_id
        )
    ).one()
    specs: list[TableSpecRow] = json.loads(row.tables)
    return row.title, specs


def _taakstelling_kinds(conn: Connection) -> dict[str, TaakstellingKind]:
    # Identity rows only; a taakstelling not yet known as of a basis has no visible mutation
    # rows there, so it adds nothing to any cell.
    ts = schema.taakstellingen
    return {
        row.reference: {"interventie": row.interventie, "kind": row.kind}
        for row in conn.execute(select(ts.c.reference, ts.c.interventie, ts.c.kind))
    }


def members(
    row_spec: RowSpecRow, taakstellingen: Mapping[str, TaakstellingKind], claimed: set[str]
) -> frozenset[str]:
    """The taakstellingen a row counts: those it names, or else every taakstelling of its
    interventie that no row of the table names (the rule `reports` renders by)."""
    wanted = set(row_spec["taakstellingen"])
    if wanted:
        return frozenset(wanted & taakstellingen.keys())
    return frozenset(
        reference
        for reference, t in taakstellingen.items()
        if t["interventie"] == row_spec["interventie"] and reference not in claimed
    )


def table_cells(conn: Connection, spec: TableSpecRow) -> list[Cell]:
    """Every cell of one table, rows first and then totals, in published order."""
    taakstellingen = (
        _taakstelling_kinds(conn)
        if any(c["measure"] == "taakstelling" for c in spec["columns"])
        else {}
    )
    claimed = {ref for row in spec["rows"] for ref in row["taakstellingen"]}
    per_row = [members(row_spec, taakstellingen, claimed) for row_spec in spec["rows"]]
    in_table = frozenset().union(*per_row)
    cells: list[Cell] = []
    for row_spec, row_members in zip(spec["rows"], per_row, strict=True):
        for column in spec["columns"]:
            cells.append(
                Cell(
                    table=spec["id"],
                    row=row_spec["label"],
                    kind="row",
                    interventie=row_spec["interventie"],
                    column=column["key"],
                    measure=column["measure"],
                    fiscal_year=column["fiscal_year"],
                    members=row_members if column["measure"] == "taakstelling" else None,
                )
            )
    for total in spec["totals"]:
        counted = frozenset(
            r for r in in_table if total["include_risks"] or taakstellingen[r]["kind"] != "risico"
        )
        for column in spec["columns"]:
            cells.append(
                Cell(
                    table=spec["id"],
                    row=total["label"],
                    kind="total",
                    interventie=None,
                    column=column["key"],
                    measure=column["measure"],
                    fiscal_year=column["fiscal_year"],
                    members=counted if column["measure"] == "taakstelling" else None,
                )
            )
    return cells


def find_cell(
    conn: Connection, specs: list[TableSpecRow], table: str, row: str, column: str
) -> tuple[TableSpecRow, Cell]:
    """The cell at (table, row, column). `row` is a row's or total's label, or an
    interventie number that names exactly one row."""
    spec = next((s for s in specs if s["id"] == table), None)
    if spec is None:
        tables = ", ".join(s["id"] for s in specs)
        raise CellError(f"the report has no table {table!r}; it has {tables}", "table")
    cells = table_cells(conn, spec)
    in_row = [c for c in cells if c.row == row]
    if not in_row and row.isdigit():
        numbered = {c.row for c in cells if c.kind == "row" and c.interventie == int(row)}
        if len(numbered) == 1:
            in_row = [c for c in cells if c.row in numbered]
    if not in_row:
        raise CellError(
            f"table {table!r} has no row {row!r}: give a row's label, or an interventie "
            "number that names exactly one row",
            "row",
        )
    found = next((c for c in in_row if c.column == column), None)
    if found is None:
        columns = ", ".join(c["key"] for c in spec["columns"])
        raise CellError(f"table {table!r} has no column {column!r}; it has {columns}", "column")
    return spec, found


def facts(
    conn: Connection,
    spec: TableSpecRow,
    where: Where | None = None,
    *,
    extra: Extra = (),
) -> list[tuple[Fact, Seen]]:
    """The fact rows a table draws on, in log order, with the extra labelled columns.

    `where` is a condition over the fact table, e.g. `basis.filter`; `extra`
    are labelled expressions over it (e.g. whether a row passes another basis)."""
    measures = {column["measure"] for column in spec["columns"]}
    found: list[tuple[Fact, Seen]] = []
    if "budget" in measures:
        found += _budget_facts(conn, spec["fund"], where, extra)
    if "realisation" in measures:
        found += _realisation_facts(conn, spec["fund"], where, extra)
    if "taakstelling" in measures:
        found += _taakstelling_facts(conn, where, extra)
    return sorted(found, key=lambda pair: (pair[0].position, pair[0].fiscal_year))


def _extras(table: FromClause, extra: list[tuple[str, Labelled]]) -> list[Any]:
    return [expression(table).label(name) for name, expression in extra]


def _budget_facts(
    conn: Connection, fund: str | None, where: Where | None, extra: Extra
) -> list[tuple[Fact, Seen]]:
    lines, mutations = schema.budget_lines, schema.budget_mutations
    extra = list(extra)
    query = (
        select(
            mutations,
            lines.c.fiscal_year,
            lines.c.interventie,
            (lines.c.programma + " / " + lines.c.taakveld).label("line"),
            *_extras(mutations, extra),
        )
        .join(lines, lines.c.id == mutations.c.line_id)
        .where(lines.c.fund == fund)
    )
    if where is not None:
        query = query.where(where(mutations))
    return [
        (
            Fact(
                measure="budget",
                position=row.position,
                fiscal_year=row.fiscal_year,
                interventie=row.interventie,
                taakstelling=None,
                kind=row.kind,
                delta=euros(row.delta_cents),
                subject=row.line,
                decision_id=row.decision_id,
                decision_reference=row.decision_reference,
                actor=row.actor,
                known_at=row.known_at,
                recorded_at=row.recorded_at,
                import_id=row.import_id,
                source=None,
            ),
            {name: row._mapping[name] for name, _ in extra},
        )
        for row in conn.execute(query)
    ]


def _realisation_facts(
    conn: Connection, fund: str | None, where: Where | None, extra: Extra
) -> list[tuple[Fact, Seen]]:
    subjects, entries = schema.realisations, schema.realisation_entries
    extra = list(extra)
    query = (
        select(
            entries,
            backdating.import_of(entries).label("import_id"),
            subjects.c.fiscal_year,
            subjects.c.interventie,
            *_extras(entries, extra),
        )
        .join(subjects, subjects.c.id == entries.c.realisation_id)
        .where(subjects.c.fund == fund, subjects.c.side == "lasten")
    )
    if where is not None:
        query = query.where(where(entries))
    return [
        (
            Fact(
                measure="realisation",
                position=row.position,
                fiscal_year=row.fiscal_year,
                interventie=row.interventie,
                taakstelling=None,
                kind="Reported" if row.corrects_version is None else "Corrected",
                delta=euros(row.delta_cents),
                subject=f"{UUID(row.realisation_id)} v{row.version} {row.status}",
                decision_id=None,
                decision_reference=None,
                actor=row.actor,
                known_at=row.known_at,
                recorded_at=row.recorded_at,
                import_id=row.import_id,
                source=row.source,
            ),
            {name: row._mapping[name] for name, _ in extra},
        )
        for row in conn.execute(query)
    ]


def _taakstelling_facts(
    conn: Connection, where: Where | None, extra: Extra
) -> list[tuple[Fact, Seen]]:
    ts, mutations = schema.taakstellingen, schema.taakstelling_mutations
    extra = list(extra)
    query = select(
        mutations,
        backdating.import_of(mutations).label("import_id"),
        ts.c.reference,
        ts.c.interventie,
        *_extras(mutations, extra),
    ).join(ts, ts.c.id == mutations.c.taakstelling_id)
    if where is not None:
        query = query.where(where(mutations))
    return [
        (
            Fact(
                measure="taakstelling",
                position=row.position,
                fiscal_year=row.fiscal_year,
                interventie=row.interventie,
                taakstelling=row.reference,
                kind=row.kind,
                delta=euros(row.delta_cents),
                subject=row.reference,
                decision_id=row.decision_id,
                decision_reference=row.decision_reference,
                actor=row.actor,
                known_at=row.known_at,
                recorded_at=row.recorded_at,
                import_id=row.import_id,
                source=None,
            ),
            {name: row._mapping[name] for name, _ in extra},
        )
        for row in conn.execute(query)
    ]
