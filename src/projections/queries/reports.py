"""Reports evaluated from the projections as of a basis, in the published "x € 1.000"."""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NotRequired, Protocol

from sqlalchemy import Connection, Engine, select
from typing_extensions import TypedDict

from domain.money import in_thousands
from projections.queries import cells as table_cells
from projections.queries import figures, row_measures, running
from projections.queries.basis import Basis, euros, head_at, report_basis, resolve_basis
from projections.queries.cells import (
    ColumnSpecRow,
    RowSpecRow,
    TaakstellingKind,
    TableSpecRow,
    row_members,
)
from projections.queries.fact_index import facts_index
from projections.queries.figure_rows import TaakstellingAmountRow
from projections.queries.rows import BasisRow
from projections.store import schema
from projections.store.database import snapshot

Cells = dict[tuple[int | None, int], Decimal]  # (interventie, fiscal year) -> euros
# The kinds of taakstelling, each a running-totals group of its own; a total excluding
# risks counts TARGET alone. The domain's TaakstellingKind values, spelled here because
# importing the domain's aggregates would load the event store into every read (ADR 0037);
# a test holds the two equal.
TARGET, RISK = "taakstelling", "risico"
TAAKSTELLING_KINDS = (TARGET, RISK)
ZERO = Decimal("0.00")
# A column's key: the published figure in x € 1.000 ("-12"), or null for an empty cell.
Figures = dict[str, str | None]


class ReportListRow(TypedDict):
    """A published report: its basis (knowledge cutoff and log position) and decision."""

    report: str
    title: str
    published_at: str
    knowledge_cutoff: str
    log_position: int
    decision: str | None
    source: str | None


class ReportBasis(BasisRow):
    """The basis, with the chain head at its log position (ADR 0007)."""

    chain_head: str | None


class ReportRow(TypedDict):
    """A row as published; `key` and `unit` only where its spec sets them (ADR 0025)."""

    interventie: int | None
    label: str
    key: NotRequired[str]
    unit: NotRequired[str]
    values: Figures


class ReportTotal(TypedDict):
    label: str
    values: Figures


class ReportTable(TypedDict):
    id: str
    title: str
    unit: str
    columns: list[str]
    rows: list[ReportRow]
    totals: list[ReportTotal]


class ReportDocument(TypedDict):
    """A report rendered as of a basis: a document, not a list (its tables are not paged)."""

    report: str
    title: str
    basis: ReportBasis
    tables: list[ReportTable]


def list_reports(conn: Connection) -> list[ReportListRow]:
    rows = conn.execute(select(schema.reports).order_by(schema.reports.c.published_at))
    return [
        {
            "report": row.report_id,
            "title": row.title,
            "published_at": row.published_at.isoformat(),
            "knowledge_cutoff": row.knowledge_cutoff.isoformat(),
            "log_position": row.position,
            "decision": row.decision_reference,
            "source": row.source,
        }
        for row in rows
    ]


def render_report(
    conn: Connection,
    report_id: str,
    as_of: str | None,
    reached: int,
    *,
    as_recorded_at: str | None = None,
) -> ReportDocument:
    """The report's tables as of its own basis (as_of None) or another one."""
    own = report_basis(conn, report_id)
    basis = (
        own
        if as_of is None and as_recorded_at is None
        else resolve_basis(
            conn, as_of or f"report:{report_id}", reached, as_recorded_at=as_recorded_at
        )
    )
    return _render(conn, report_id, basis, head_at(conn, basis.position))


def _render(conn: Connection, report_id: str, basis: Basis, head: str | None) -> ReportDocument:
    row = conn.execute(
        select(schema.reports.c.title, schema.reports.c.tables).where(
            schema.reports.c.report_id == report_id
        )
    ).one()
    specs: list[TableSpecRow] = json.loads(row.tables)
    return {
        "report": report_id,
        "title": row.title,
        # The chain head at the basis's log position: the report's own head on its own
        # basis, which `begroting verify` checks against the log (ADR 0007).
        "basis": {**basis.to_json(), "chain_head": head},
        "tables": [_table(conn, spec, basis) for spec in specs],
    }


# What a rendering on a report's own basis depends on: the report, its log position and
# knowledge cutoff, the chain head there (which names the log up to there) and the runner's
# generation (a rebuild in this process starts a new one).
_Key = tuple[str, int, datetime | None, str | None, int]


class OwnBasisReports:
    """Reports rendered as of their own basis, kept (ADR 0013).

    A report's own basis is a fixed log position with a knowledge cutoff. Its figures are sums
    over read-model rows at or before that position: insert-only rows that are a function of
    the log up to there. The chain head at the position names that log (ADR 0007), so a
    rendering is kept under the report, position, cutoff and head, and the runner's
    generation. Each rendering reads one snapshot of the database: a rebuild by another
    process is never seen half done (the report's row exists only once every row before it
    is back). While a rebuild of this process runs, nothing is kept or served.

    With `encode`, a rendering is also kept as the bytes a service answers (`encoded`): a
    kept report is then neither copied nor serialised again (ADR 0036)."""

    def __init__(
        self,
        engine: Engine,
        generation: Callable[[], int],
        maxsize: int = 256,
        encode: Callable[[ReportDocument], bytes] | None = None,
    ) -> None:
        self._engine = engine
        self._generation = generation
        self._maxsize = maxsize
        self._encode = encode
        self._kept: OrderedDict[_Key, _Kept] = OrderedDict()
        self._kept_generation = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def render(self, report_id: str) -> ReportDocument:
        """What `render_report(conn, report_id, None, reached)` answers."""
        return copy.deepcopy(self._kept_or_rendered(report_id).document)

    def encoded(self, report_id: str) -> bytes:
        """`encode(render(report_id))`, kept with the rendering."""
        if self._encode is None:
            raise TypeError("these reports were kept without an encoding")
        kept = self._kept_or_rendered(report_id)
        if kept.encoded is None:  # rendered, or kept by `render` before any encoding
            kept.encoded = self._encode(kept.document)
        return kept.encoded

    def _kept_or_rendered(self, report_id: str) -> _Kept:
        # A kept document is never handed out: `render` copies it, `encoded` its bytes.
        generation = self._generation()
        stable = generation % 2 == 0
        with self._lock:
            if generation != self._kept_generation:  # nothing survives a rebuild
                self._kept.clear()
                self._kept_generation = generation
        with snapshot(self._engine) as conn:
            own = report_basis(conn, report_id)
            head = head_at(conn, own.position)
            key: _Key = (report_id, own.position, own.known_at, head, generation)
            if stable:
                with self._lock:
                    kept = self._kept.get(key)
                    if kept is not None:
                        self._kept.move_to_end(key)
                        return kept
            rendered = _Kept(_render(conn, report_id, own, head))
        if stable and self._generation() == generation:
            with self._lock:
                if generation == self._kept_generation:
                    self._kept[key] = rendered
                    self._kept.move_to_end(key)
                    while len(self._kept) > self._maxsize:
                        self._kept.popitem(last=False)
        return rendered


@dataclass
class _Kept:
    document: ReportDocument
    encoded: bytes | None = None  # set once; equal bytes whoever sets it


def published_figure(amount: Decimal) -> str | None:
    """The rendering rule (ADR 0003): half-up to whole thousands; zero is an empty cell."""
    if amount == 0:
        return None
    figure = in_thousands(amount)
    return str(figure if figure != 0 else abs(figure))  # never "-0"


def _table(conn: Connection, spec: TableSpecRow, basis: Basis) -> ReportTable:
    if table_cells.row_measured(spec):
        return _row_measured_table(conn, spec, basis)
    columns = spec["columns"]
    measures = {column["measure"] for column in columns}
    cells: dict[str, Cells] = {}
    taakstellingen: _Taakstellingen = _ByReference({}, [frozenset()] * len(spec["rows"]))
    if "taakstelling" in measures:
        shown = _years(columns, "taakstelling")
        if any(row_spec["taakstellingen"] for row_spec in spec["rows"]):
            taakstellingen = _ByReference.read(conn, spec, basis, shown)
        else:
            taakstellingen = _ByInterventie.read(conn, spec, basis, shown)
    if "budget" in measures:
        cells["budget"] = _budget(conn, basis, spec["fund"], _years(columns, "budget"))
    if "realisation" in measures:
        cells["realisation"] = _realisations(
            conn, basis, spec["fund"], _years(columns, "realisation")
        )

    rows: list[ReportRow] = []
    for index, row_spec in enumerate(spec["rows"]):
        values: Figures = {}
        for column in columns:
            years = _span(column)
            if column["measure"] == "taakstelling":
                total = taakstellingen.row(index, years)
            else:
                total = sum(
                    (
                        cells[column["measure"]].get((row_spec["interventie"], year), ZERO)
                        for year in years
                    ),
                    start=ZERO,
                )
            values[column["key"]] = row_measures.money_figure(
                total, row_spec.get("unit", spec["unit"])
            )
        rows.append(_row(row_spec, values))

    totals: list[ReportTotal] = []
    for total_spec in spec["totals"]:
        values = {}
        for column in columns:
            years = _span(column)
            if column["measure"] == "taakstelling":
                total = taakstellingen.total(total_spec["include_risks"], years)
            else:
                total = sum(
                    (v for (_, y), v in cells[column["measure"]].items() if y in years), start=ZERO
                )
            values[column["key"]] = row_measures.money_figure(total, spec["unit"])
        totals.append({"label": total_spec["label"], "values": values})

    return {
        "id": spec["id"],
        "title": spec["title"],
        "unit": spec["unit"],
        "columns": [column["key"] for column in columns],
        "rows": rows,
        "totals": totals,
    }


class _Taakstellingen(Protocol):
    """A table's taakstelling figures: a row's (by its index in the spec) and a total's,
    over the years of a column."""

    def row(self, index: int, years: range) -> Decimal: ...

    def total(self, include_risks: bool, years: range) -> Decimal: ...


@dataclass
class _ByReference:
    """A table whose rows name taakstellingen: each row adds its members one by one, a
    total every member of a row."""

    amounts: dict[str, TaakstellingAmountRow]  # by reference
    members: list[frozenset[str]]  # per row

    @classmethod
    def read(
        cls, conn: Connection, spec: TableSpecRow, basis: Basis, years: list[int]
    ) -> _ByReference:
        # Only the years the table shows: a taakstelling without an amount in them adds
        # nothing to any row or total (ADR 0034).
        shown = figures.taakstelling_amounts(conn, basis, fiscal_years=years)
        amounts = {t["reference"]: t for t in shown}
        kinds: dict[str, TaakstellingKind] = {
            reference: {"interventie": t["interventie"], "kind": t["kind"]}
            for reference, t in amounts.items()
        }
        return cls(amounts, row_members(spec, kinds))

    def _sum(self, references: AbstractSet[str], years: range) -> Decimal:
        return sum(
            (self.amounts[r]["amounts"].get(year, ZERO) for r in references for year in years),
            start=ZERO,
        )

    def row(self, index: int, years: range) -> Decimal:
        return self._sum(self.members[index], years)

    def total(self, include_risks: bool, years: range) -> Decimal:
        counted = {
            r
            for r in set().union(*self.members)
            if include_risks or self.amounts[r]["kind"] != RISK
        }
        return self._sum(counted, years)


@dataclass
class _ByInterventie:
    """A table whose rows name no taakstelling: a row counts every taakstelling of its
    interventie, so its figure is the running totals' cell of the interventie, per kind
    (ADR 0034), whatever the number of taakstellingen behind it. The same figures as
    `_ByReference` (tests/integration/test_running_totals.py compares both on a random
    history of both kinds, on every basis)."""

    cells: dict[str, Cells]  # per taakstelling kind: "taakstelling", "risico"
    interventies: list[int | None]  # per row

    @classmethod
    def read(
        cls, conn: Connection, spec: TableSpecRow, basis: Basis, years: list[int]
    ) -> _ByInterventie:
        cells: dict[str, Cells] = {kind: {} for kind in TAAKSTELLING_KINDS}
        for kind in TAAKSTELLING_KINDS:
            for row in running.sums(
                conn, basis, kind, ("interventie", "fiscal_year"), fiscal_years=years
            ):
                cells[kind][(row.interventie, row.fiscal_year)] = euros(row.total)
        return cls(cells, [row_spec["interventie"] for row_spec in spec["rows"]])

    def _sum(
        self, interventies: AbstractSet[int | None], kinds: list[str], years: range
    ) -> Decimal:
        return sum(
            (
                self.cells[kind].get((interventie, year), ZERO)
                for interventie in interventies
                for kind in kinds
                for year in years
            ),
            start=ZERO,
        )

    def row(self, index: int, years: range) -> Decimal:
        return self._sum({self.interventies[index]}, list(TAAKSTELLING_KINDS), years)

    def total(self, include_risks: bool, years: range) -> Decimal:
        kinds = list(TAAKSTELLING_KINDS) if include_risks else [TARGET]
        return self._sum(set(self.interventies), kinds, years)


def _years(columns: list[ColumnSpecRow], measure: str) -> list[int]:
    """The fiscal years a table shows a measure for: the only cells it reads (ADR 0013)."""
    return sorted(
        {year for column in columns if column["measure"] == measure for year in _span(column)}
    )


def _span(column: ColumnSpecRow) -> range:
    """The years a column adds: its fiscal year, or fiscal_year..last_year (ADR 0025)."""
    return range(column["fiscal_year"], column.get("last_year", column["fiscal_year"]) + 1)


def _row(row_spec: RowSpecRow, values: Figures) -> ReportRow:
    """A published row: its key and unit only where the spec sets them, so a table of an
    older spec renders byte for byte as it was sealed."""
    row: ReportRow = {
        "interventie": row_spec["interventie"],
        "label": row_spec["label"],
        "values": values,
    }
    if "key" in row_spec:
        row["key"] = row_spec["key"]
    if "unit" in row_spec:
        row["unit"] = row_spec["unit"]
    return row


def _row_measured_table(conn: Connection, spec: TableSpecRow, basis: Basis) -> ReportTable:
    """A table whose rows carry their own measures: every cell from its fact rows as of the
    basis, by the rules of `row_measures` (the cells the lineage and the diff trace)."""
    cells = table_cells.table_cells(conn, spec)
    # Indexed once: each cell reads only the facts that count for it, not all of them; and
    # only its cells' taakstellingen are read, not every one of the ledger.
    read = table_cells.facts(conn, spec, basis.filter, taakstellingen=table_cells.members_of(cells))
    facts = facts_index([fact for fact, _ in read])
    figures_of: dict[tuple[str, str, str], str | None] = {
        (cell.kind, cell.row if cell.kind == "total" else cell.key or cell.row, cell.column): (
            row_measures.figure(cell, facts.rows_of(cell), spec["unit"])
        )
        for cell in cells
    }
    columns = [column["key"] for column in spec["columns"]]
    rows = [
        _row(
            row_spec,
            {
                key: figures_of[("row", row_spec.get("key", row_spec["label"]), key)]
                for key in columns
            },
        )
        for row_spec in spec["rows"]
    ]
    totals: list[ReportTotal] = [
        {
            "label": total["label"],
            "values": {key: figures_of[("total", total["label"], key)] for key in columns},
        }
        for total in spec["totals"]
    ]
    return {
        "id": spec["id"],
        "title": spec["title"],
        "unit": spec["unit"],
        "columns": columns,
        "rows": rows,
        "totals": totals,
    }


def _budget(conn: Connection, basis: Basis, fund: str | None, years: list[int]) -> Cells:
    """Per (interventie, fiscal year) of the fund, both sides: its running totals."""
    rows = running.sums(
        conn,
        basis,
        "budget",
        ("interventie", "fiscal_year"),
        fiscal_years=years,
        fund=fund,
        any_fund=False,
    )
    return {(row.interventie, row.fiscal_year): euros(row.total) for row in rows}


def _realisations(conn: Connection, basis: Basis, fund: str | None, years: list[int]) -> Cells:
    """Per (interventie, fiscal year) of the fund, its lasten: their running totals."""
    rows = running.sums(
        conn,
        basis,
        "realisation",
        ("interventie", "fiscal_year"),
        fiscal_years=years,
        fund=fund,
        any_fund=False,
        side="lasten",
    )
    return {(row.interventie, row.fiscal_year): euros(row.total) for row in rows}
