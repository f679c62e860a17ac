"""The cells of a report's tables and the fact rows behind each of them.

A published cell is the exact sum of read-model fact rows: budget mutations, realisation
entries or taakstelling mutations, chosen by the table's spec (ADR 0003). This module names
the cells, fetches the fact rows a table draws on (with any SQL condition, usually a Basis
filter) and tells which cells each row counts towards. The diff (`projections.queries.diff`) and the
lineage of one cell (`projections.queries.lineage.cell_lineage`) are both built on it, so they add
up to the same figures the report renders (`projections.queries.reports`).

A row with its own measure (ADR 0025) draws on the facts `projections.queries.row_facts`
fetches too (the realisations of its deelproducten, kengetal measurements, stated results,
budget specifications); `projections.queries.row_measures` turns them into its figure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, FromClause, or_, select

from domain.values import BASE_YEAR
from projections.queries import backdating, row_facts
from projections.queries.basis import euros
from projections.queries.spec_rows import CellAddress as CellAddress
from projections.queries.spec_rows import ColumnSpecRow as ColumnSpecRow
from projections.queries.spec_rows import Extra as Extra
from projections.queries.spec_rows import Fact as Fact
from projections.queries.spec_rows import Labelled as Labelled
from projections.queries.spec_rows import RowSpecRow as RowSpecRow
from projections.queries.spec_rows import Seen as Seen
from projections.queries.spec_rows import TaakstellingKind as TaakstellingKind
from projections.queries.spec_rows import TableSpecRow as TableSpecRow
from projections.queries.spec_rows import TotalSpecRow as TotalSpecRow
from projections.queries.spec_rows import Where as Where
from projections.store import schema

ZERO = Decimal("0.00")


class CellError(LookupError):
    """A table, row or column the report does not have; `field` names the parameter.
    `status` is its HTTP status: 404 for a cell that is not there, 422 for one that is
    there but has no figure to trace (a heading)."""

    def __init__(self, message: str, field: str, status: int = 404) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


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
    # ADR 0025: the years a summing column adds (fiscal_year..last_year); the row's key and
    # unit; what a row measure selects (`measure` is then the row's); a total's rows.
    last_year: int | None = None
    key: str | None = None
    unit: str | None = None
    row_measured: bool = False
    fund: str | None = None
    deelproducten: frozenset[str] | None = None
    reference: str | None = None
    base: frozenset[str] | None = None  # a relative row's base deelproducten
    base_year: int | None = None
    parts: tuple[Cell, ...] | None = None

    @property
    def years(self) -> range:
        return range(self.fiscal_year, (self.last_year or self.fiscal_year) + 1)

    def counts(self, fact: Fact) -> bool:
        if self.parts is not None:
            return any(part.counts(fact) for part in self.parts)
        if self.measure == "relative":
            if fact.measure == "taakstelling":
                return fact.fiscal_year in self.years and fact.taakstelling in (self.members or ())
            return (
                fact.measure == "realisation"
                and fact.fiscal_year == self.base_year
                and fact.deelproduct in (self.base or ())
            )
        if fact.measure != self.measure or fact.fiscal_year not in self.years:
            return False
        if self.measure == "taakstelling":
            return self.members is not None and fact.taakstelling in self.members
        if self.deelproducten is not None:
            return fact.deelproduct in self.deelproducten
        if self.measure in ("kengetal", "result"):
            return fact.reference == self.reference
        if self.measure == "specification" and fact.reference != self.reference:
            return False
        if fact.fund != self.fund:
            return False
        return self.kind == "total" or fact.interventie == self.interventie

    def address(self) -> CellAddress:
        address: CellAddress = {
            "table": self.table,
            "row": self.row,
            "kind": self.kind,
            "interventie": self.interventie,
            "column": self.column,
        }
        if self.key is not None:
            address["key"] = self.key
        return address


def report_specs(conn: Connection, report_id: str) -> tuple[str, list[TableSpecRow]]:
    """The report's title and table specs (the caller has checked the report exists)."""
    row = conn.execute(
        select(schema.reports.c.title, schema.reports.c.tables).where(
            schema.reports.c.report_id == report_id
        )
    ).one()
    specs: list[TableSpecRow] = json.loads(row.tables)
    return row.title, specs


# The measures of a row that counts taakstellingen (none: its table's columns').
COUNTING = (None, "taakstelling", "relative")


def _taakstelling_kinds(conn: Connection, spec: TableSpecRow) -> dict[str, TaakstellingKind]:
    """The taakstellingen the rows can count (named, or of the interventie of a row naming
    none: `members`), not the ledger's every one. Identity rows only: one not yet known as
    of a basis has no visible mutation rows there, so it adds nothing to any cell."""
    counting = [row for row in spec["rows"] if row.get("measure") in COUNTING]
    named = {reference for row in counting for reference in row["taakstellingen"]}
    interventies = {row["interventie"] for row in counting if not row["taakstellingen"]}
    ts = schema.taakstellingen
    wanted = [ts.c.reference.in_(sorted(named))]
    if interventies - {None}:
        wanted.append(ts.c.interventie.in_(sorted(i for i in interventies if i is not None)))
    if None in interventies:
        wanted.append(ts.c.interventie.is_(None))
    return {
        row.reference: {"interventie": row.interventie, "kind": row.kind}
        for row in conn.execute(
            select(ts.c.reference, ts.c.interventie, ts.c.kind).where(or_(*wanted))
        )
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


def row_members(
    spec: TableSpecRow, taakstellingen: Mapping[str, TaakstellingKind]
) -> list[frozenset[str]]:
    """The taakstellingen each row counts (`members`). Only a row that adds taakstellingen
    claims those it names; a relative row weighs them, a row of another measure has none."""
    adding = [row for row in spec["rows"] if row.get("measure", "taakstelling") == "taakstelling"]
    claimed = {ref for row in adding for ref in row["taakstellingen"]}
    return [
        members(row, taakstellingen, claimed) if row.get("measure") in COUNTING else frozenset()
        for row in spec["rows"]
    ]


def members_of(cells: Iterable[Cell]) -> frozenset[str]:
    """Every taakstelling the cells (and the parts of a total) count."""
    found: set[str] = set()
    for cell in cells:
        found |= cell.members or frozenset()
        if cell.parts is not None:
            found |= members_of(cell.parts)
    return frozenset(found)


def row_measured(spec: TableSpecRow) -> bool:
    """Whether a row of the table carries its own measure (ADR 0025)."""
    return any("measure" in row for row in spec["rows"])


def table_cells(conn: Connection, spec: TableSpecRow) -> list[Cell]:
    """Every cell of one table, rows first and then totals, in published order."""
    measures = {c["measure"] for c in spec["columns"]} | {
        row.get("measure", "") for row in spec["rows"]
    }
    taakstellingen = (
        _taakstelling_kinds(conn, spec) if measures & {"taakstelling", "relative"} else {}
    )
    per_row = row_members(spec, taakstellingen)
    in_table = frozenset().union(*per_row)
    bases = row_facts.base_deelproducten(conn, in_table) if "relative" in measures else {}
    cells: list[Cell] = []
    for row_spec, counted_members in zip(spec["rows"], per_row, strict=True):
        for column in spec["columns"]:
            measure = row_spec.get("measure", column["measure"])
            cells.append(
                Cell(
                    table=spec["id"],
                    row=row_spec["label"],
                    kind="row",
                    interventie=row_spec["interventie"],
                    column=column["key"],
                    measure=measure,
                    fiscal_year=column["fiscal_year"],
                    members=counted_members if measure in ("taakstelling", "relative") else None,
                    last_year=column.get("last_year"),
                    key=row_spec.get("key"),
                    unit=row_spec.get("unit"),
                    row_measured="measure" in row_spec,
                    fund=row_spec.get("fund", spec["fund"]),
                    deelproducten=(
                        frozenset(row_spec["deelproducten"])
                        if "deelproducten" in row_spec
                        else None
                    ),
                    reference=row_spec.get(
                        "kengetal", row_spec.get("result", row_spec.get("activity"))
                    ),
                    base=(
                        frozenset(d for r in counted_members for d in bases.get(r, ()))
                        if measure == "relative"
                        else None
                    ),
                    base_year=row_spec.get("base_year", BASE_YEAR),
                )
            )
    by_column = {
        column["key"]: tuple(
            c for c in cells if c.column == column["key"] and c.measure != "heading"
        )
        for column in spec["columns"]
    }
    for total in spec["totals"]:
        counted = frozenset(
            r for r in in_table if total["include_risks"] or taakstellingen[r]["kind"] != "risico"
        )
        for column in spec["columns"]:
            parts = None
            measure = column["measure"]
            if row_measured(spec):
                # A total of rows with their own measure adds those rows' cells (one money
                # measure, domain.report), without the risks it leaves out.
                parts = tuple(
                    replace(part, members=part.members & counted)
                    if part.members is not None
                    else part
                    for part in by_column[column["key"]]
                )
                measure = parts[0].measure if parts else measure
            cells.append(
                Cell(
                    table=spec["id"],
                    row=total["label"],
                    kind="total",
                    interventie=None,
                    column=column["key"],
                    measure=measure,
                    fiscal_year=column["fiscal_year"],
                    members=counted if column["measure"] == "taakstelling" else None,
                    last_year=column.get("last_year"),
                    fund=spec["fund"],
                    parts=parts,
                )
            )
    return cells


def find_cell(
    conn: Connection, specs: list[TableSpecRow], table: str, row: str, column: str
) -> tuple[TableSpecRow, Cell]:
    """The cell at (table, row, column). `row` is a row's key, a row's or total's label, or
    an interventie number that names exactly one row. A label that several rows carry names
    none of them: their keys do (ADR 0025)."""
    spec = next((s for s in specs if s["id"] == table), None)
    if spec is None:
        tables = ", ".join(s["id"] for s in specs)
        raise CellError(f"the report has no table {table!r}; it has {tables}", "table")
    cells = table_cells(conn, spec)
    in_row = [c for c in cells if c.key is not None and c.key == row]
    if not in_row:
        in_row = [c for c in cells if c.row == row]
        keys = sorted({c.key or "" for c in in_row if c.kind == "row"})
        if len(keys) > 1:
            raise CellError(
                f"table {table!r} has {len(keys)} rows labelled {row!r}: give the row's key "
                f"({', '.join(keys)})",
                "row",
            )
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
    taakstellingen: AbstractSet[str] | None = None,
) -> list[tuple[Fact, Seen]]:
    """The fact rows a table draws on, in log order, with the extra labelled columns.

    `where` is a condition over the fact table, e.g. `basis.filter`; `extra`
    are labelled expressions over it (e.g. whether a row passes another basis);
    `taakstellingen`, if given, the only taakstellingen whose mutations are read (the
    members of the cells asked about, `members_of`), not every one of the ledger."""
    needs = row_facts.needs(spec)
    found: list[tuple[Fact, Seen]] = []
    if needs.budget_funds:
        found += _budget_facts(conn, needs.budget_funds, where, extra)
    if needs.realisation_funds or needs.deelproducten or needs.relative:
        deelproducten = set(needs.deelproducten)
        if needs.relative:
            bases = row_facts.base_deelproducten(conn, needs.relative)
            deelproducten |= {d for r in needs.relative for d in bases.get(r, ())}
        found += _realisation_facts(conn, needs.realisation_funds, deelproducten, where, extra)
    if needs.taakstelling:
        found += _taakstelling_facts(conn, where, extra, taakstellingen)
    found += row_facts.stated_facts(conn, needs, where, extra)
    return sorted(found, key=lambda pair: (pair[0].position, pair[0].fiscal_year))


def _extras(table: FromClause, extra: list[tuple[str, Labelled]]) -> list[Any]:
    return [expression(table).label(name) for name, expression in extra]


def _budget_facts(
    conn: Connection, funds: set[str], where: Where | None, extra: Extra
) -> list[tuple[Fact, Seen]]:
    lines, mutations = schema.budget_lines, schema.budget_mutations
    extra = list(extra)
    query = (
        select(
            mutations,
            lines.c.fiscal_year,
            lines.c.interventie,
            lines.c.fund,
            (lines.c.programma + " / " + lines.c.taakveld).label("line"),
            *_extras(mutations, extra),
        )
        .join(lines, lines.c.id == mutations.c.line_id)
        .where(lines.c.fund.in_(sorted(funds)))
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
                fund=row.fund,
            ),
            {name: row._mapping[name] for name, _ in extra},
        )
        for row in conn.execute(query)
    ]


def _realisation_facts(
    conn: Connection,
    funds: set[str],
    deelproducten: set[str],
    where: Where | None,
    extra: Extra,
) -> list[tuple[Fact, Seen]]:
    subjects, entries = schema.realisations, schema.realisation_entries
    extra = list(extra)
    query = (
        select(
            entries,
            backdating.import_of(entries).label("import_id"),
            subjects.c.fiscal_year,
            subjects.c.interventie,
            subjects.c.fund,
            subjects.c.deelproduct,
            *_extras(entries, extra),
        )
        .join(subjects, subjects.c.id == entries.c.realisation_id)
        .where(
            or_(
                subjects.c.fund.in_(sorted(funds)),
                subjects.c.deelproduct.in_(sorted(deelproducten)),
            ),
            subjects.c.side == "lasten",
        )
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
                fund=row.fund,
                deelproduct=row.deelproduct,
            ),
            {name: row._mapping[name] for name, _ in extra},
        )
        for row in conn.execute(query)
    ]


def _taakstelling_facts(
    conn: Connection, where: Where | None, extra: Extra, references: AbstractSet[str] | None
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
    if references is not None:
        query = query.where(ts.c.reference.in_(sorted(references)))
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
