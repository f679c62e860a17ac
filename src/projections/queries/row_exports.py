"""Exports: a report table, the lineage of a figure and the audit log as plain rows, each
row carrying its provenance (ADR 0009), so a number pasted into a spreadsheet can still be
traced back to the log: the log position of the event behind it, its decision, and the
basis it was computed on (as_of, knowledge cutoff, log position).

Pure functions over the projections' answers; the CSV and XLSX writers live in
`api/spreadsheets.py`. Amounts stay `Decimal`; moments stay ISO 8601 strings with their offset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection

from projections.queries import backdating, lineage, reports
from projections.queries.basis import Basis, BasisError, head_at
from projections.queries.event_log import audit_log
from projections.queries.lineage import LineageRow, RealisationLineageRow
from projections.queries.reports import ReportRow
from projections.queries.rows import BasisRow

Entry = LineageRow | RealisationLineageRow


class Kind(Enum):
    TEXT = "text"  # written as text, never as a formula
    INTEGER = "integer"  # positions, versions, years
    AMOUNT = "amount"  # exact euros and cents (Decimal)
    FIGURE = "figure"  # a published figure in thousands (Decimal, a whole number)


@dataclass(frozen=True)
class Column:
    key: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Export:
    """One sheet of rows: its columns, in order, and rows of plain values (str, int,
    Decimal or None). `provenance` repeats the basis, for a sheet or header of its own.
    `name` names the file; `sheet` says what the rows are, as a spreadsheet's tab shows it."""

    name: str
    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    provenance: tuple[tuple[str, Any], ...]


# Excel cuts a sheet name at 31 characters and refuses these characters in it (and an
# apostrophe at either end): a name that would not fit is replaced by a shorter one that
# still says what the sheet holds, never cut.
SHEET_NAME_LENGTH = 31
SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")


def fits_a_sheet(name: str) -> bool:
    """Whether Excel takes `name` for a sheet as it is."""
    return (
        0 < len(name) <= SHEET_NAME_LENGTH
        and not SHEET_NAME_FORBIDDEN & set(name)
        and not name.startswith("'")
        and not name.endswith("'")
    )


BASIS_COLUMNS = (
    Column("basis_as_of"),
    Column("basis_report"),
    Column("basis_knowledge_cutoff"),
    Column("basis_log_position", Kind.INTEGER),
    Column("chain_head"),
)


def _basis_values(conn: Connection, basis: Basis) -> tuple[Any, ...]:
    cutoff = None if basis.known_at is None else basis.known_at.isoformat()
    return (basis.as_of, basis.report_id, cutoff, basis.position, head_at(conn, basis.position))


def _provenance(conn: Connection, basis: Basis, **more: Any) -> tuple[tuple[str, Any], ...]:
    basis_json = basis.to_json()
    items = [
        ("as_of", basis_json["as_of"]),
        ("report", basis_json["report"]),
        ("knowledge_cutoff", basis_json["knowledge_cutoff"]),
        ("log_position", basis_json["log_position"]),
    ]
    if basis.recorded_at is not None:
        items.append(("as_recorded_at", basis.recorded_at.isoformat()))
    items += list(more.items())
    items.append(("chain_head", head_at(conn, basis.position)))
    return tuple(items)


def _figure(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# -- a report --------------------------------------------------------------------------


def report_export(
    conn: Connection,
    report_id: str,
    as_of: str | None,
    reached: int,
    *,
    table: str | None = None,
    as_recorded_at: str | None = None,
) -> Export:
    """The rows and totals of a report's tables (or of one, `table`), as published: figures
    in thousands, an empty cell where the published cell is empty (ADR 0003). A row in its
    own unit (percent, count) names it in `unit`; a `key` column only where a row has a key
    (ADR 0025), so a table of an older spec exports as it did."""
    rendered = reports.render_report(conn, report_id, as_of, reached, as_recorded_at=as_recorded_at)
    tables = [t for t in rendered["tables"] if table is None or t["id"] == table]
    if not tables:
        known = ", ".join(t["id"] for t in rendered["tables"])
        raise UnknownTableError(report_id, table or "", known)
    listed = {r["report"]: r for r in reports.list_reports(conn)}[report_id]
    basis = _basis_of(rendered["basis"])
    figures: list[str] = []
    for spec in tables:
        figures += [key for key in spec["columns"] if key not in figures]
    keyed = any("key" in row for spec in tables for row in spec["rows"])
    columns = (
        Column("report"),
        Column("report_title"),
        Column("report_position", Kind.INTEGER),
        Column("report_decision"),
        Column("table"),
        Column("table_title"),
        Column("unit"),
        Column("row"),
        Column("interventie", Kind.INTEGER),
        *((Column("key"),) if keyed else ()),
        Column("label"),
        *(Column(key, Kind.FIGURE) for key in figures),
        *BASIS_COLUMNS,
    )
    provenance_values = _basis_values(conn, basis)
    rows = []
    for spec in tables:
        lines: list[tuple[str, ReportRow]] = [("row", r) for r in spec["rows"]] + [
            ("total", {"interventie": None, "label": t["label"], "values": t["values"]})
            for t in spec["totals"]
        ]
        for kind, line in lines:
            rows.append(
                (
                    report_id,
                    rendered["title"],
                    listed["log_position"],
                    listed["decision"],
                    spec["id"],
                    spec["title"],
                    line.get("unit", spec["unit"]),
                    kind,
                    line["interventie"],
                    *((line.get("key"),) if keyed else ()),
                    line["label"],
                    *(_figure(line["values"].get(key)) for key in figures),
                    *provenance_values,
                )
            )
    name = report_id if table is None else f"{report_id}-{table}"
    return Export(
        name,
        _report_sheet(table),
        columns,
        tuple(rows),
        _provenance(
            conn,
            basis,
            export=f"report {report_id}" + ("" if table is None else f", table {table}"),
            report_position=listed["log_position"],
            report_decision=listed["decision"],
        ),
    )


def _report_sheet(table: str | None) -> str:
    # The report's id and title are on every row and on the basis sheet; its id can be too
    # long for a sheet name, a table's id mostly is not.
    if table is None:
        return "Report tables"
    named = f"Report table {table}"
    return named if fits_a_sheet(named) else "Report table"


class UnknownTableError(BasisError):
    def __init__(self, report_id: str, table: str, known: str) -> None:
        super().__init__(f"report {report_id!r} has no table {table!r}; it has: {known}")
        self.report_id = report_id
        self.table = table


def _basis_of(json: BasisRow) -> Basis:
    cutoff = json["knowledge_cutoff"]
    recorded = json.get("as_recorded_at")
    return Basis(
        as_of=json["as_of"],
        known_at=None if cutoff is None else datetime.fromisoformat(cutoff),
        position=json["log_position"],
        report_id=json["report"],
        recorded_at=None if recorded is None else datetime.fromisoformat(recorded),
    )


# -- lineage ---------------------------------------------------------------------------

LINEAGE_COLUMNS = (
    Column("figure"),
    Column("position", Kind.INTEGER),
    Column("event"),
    Column("subject"),
    Column("delta", Kind.AMOUNT),
    Column("running_total", Kind.AMOUNT),
    Column("decision"),
    Column("actor"),
    Column("period", Kind.INTEGER),
    Column("known_at"),
    Column("recorded_at"),
    Column("import_id"),
)


# A row's authority, appended after the older columns so their order stays: the mandate a
# college decision relies on, whether the chain holds ("true", "false", empty without a
# decision), what is wrong with it ("; " between problems) and the source document.
AUTHORITY_COLUMNS = (
    Column("mandate"),
    Column("authorised"),
    Column("problems"),
    Column("source"),
)


# Whether a row was backdated (ADR 0018), after the authority: by how much its known_at
# lies before its recorded_at when that is more than the grace (empty otherwise), the grace
# the verdict used (on every row, so a CSV row stands on its own), and a backfill's import.
BACKDATING_COLUMNS = (
    Column("backdated"),
    Column("backdating_grace"),
    Column("backfill"),
)


def _flat_authority(entry: Entry, grace: timedelta) -> dict[str, object]:
    """A lineage row with its decision and mandate as their references, for one cell each."""
    authorised = entry["authorised"]
    return {
        **entry,
        "decision": None if entry["decision"] is None else entry["decision"]["reference"],
        "mandate": None if entry["mandate"] is None else entry["mandate"]["reference"],
        "authorised": None if authorised is None else str(authorised).lower(),
        "problems": "; ".join(entry["problems"]) or None,
        "backdated": None if entry["backdated"] is None else entry["backdated"]["by"],
        "backdating_grace": backdating.iso_duration(grace),
    }


def _describe(what: str, fiscal_year: int, dimensions: Iterable[tuple[str, Any]]) -> str:
    named = [f"{name}={value}" for name, value in dimensions if value is not None]
    return " ".join([what, str(fiscal_year), *named])


def _lineage_export(
    conn: Connection,
    basis: Basis,
    name: str,
    sheet: str,
    figure: str,
    entries: Sequence[Entry],
    grace: timedelta,
    extra: Sequence[Column] = (),
) -> Export:
    columns = (*LINEAGE_COLUMNS, *extra)
    provenance_values = _basis_values(conn, basis)
    flat = [_flat_authority(entry, grace) for entry in entries]
    rows = tuple(
        (
            figure,
            *(entry.get(c.key) for c in columns[1:]),
            *provenance_values,
            *(entry.get(c.key) for c in AUTHORITY_COLUMNS),
            *(entry.get(c.key) for c in BACKDATING_COLUMNS),
        )
        for entry in flat
    )
    return Export(
        name,
        sheet,
        (*columns, *BASIS_COLUMNS, *AUTHORITY_COLUMNS, *BACKDATING_COLUMNS),
        rows,
        _provenance(
            conn,
            basis,
            export=f"lineage of {figure}",
            backdating_grace=backdating.iso_duration(grace),
        ),
    )


def budget_lineage_export(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int,
    fund: str | None = None,
    interventie: int | None = None,
    taakveld: str | None = None,
    programma: str | None = None,
    categorie: str | None = None,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> Export:
    entries = lineage.budget_lineage(
        conn,
        basis,
        fiscal_year=fiscal_year,
        fund=fund,
        interventie=interventie,
        taakveld=taakveld,
        programma=programma,
        categorie=categorie,
        grace=grace,
    )
    dimensions = (
        ("programma", programma),
        ("taakveld", taakveld),
        ("fund", fund),
        ("interventie", interventie),
        ("categorie", categorie),
    )
    figure = _describe("budget", fiscal_year, dimensions)
    return _lineage_export(
        conn,
        basis,
        f"lineage-budget-{fiscal_year}",
        f"Budget lineage {fiscal_year}",
        figure,
        entries,
        grace,
    )


def realisation_lineage_export(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int,
    deelproduct: str | None = None,
    fund: str | None = None,
    interventie: int | None = None,
    categorie: str | None = None,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> Export:
    entries = lineage.realisation_lineage(
        conn,
        basis,
        fiscal_year=fiscal_year,
        deelproduct=deelproduct,
        fund=fund,
        interventie=interventie,
        categorie=categorie,
        grace=grace,
    )
    dimensions = (
        ("deelproduct", deelproduct),
        ("fund", fund),
        ("interventie", interventie),
        ("categorie", categorie),
    )
    figure = _describe("realisation", fiscal_year, dimensions)
    return _lineage_export(
        conn,
        basis,
        f"lineage-realisations-{fiscal_year}",
        f"Realisation lineage {fiscal_year}",
        figure,
        entries,
        grace,
        REALISATION_COLUMNS,
    )


# What a realisation's lineage adds: a late result's closed year and what it corrects.
REALISATION_COLUMNS = (
    Column("origin_year", Kind.INTEGER),
    Column("corrects_realisation"),
    Column("corrects_version", Kind.INTEGER),
    Column("reason"),
)


# -- the audit log ---------------------------------------------------------------------

LOG_COLUMNS = (
    Column("position", Kind.INTEGER),
    Column("event_type"),
    Column("aggregate_id"),
    Column("version", Kind.INTEGER),
    Column("period"),
    Column("known_at"),
    Column("recorded_at"),
    Column("actor"),
    Column("decision"),
    Column("source"),
    Column("import_id"),
    Column("payload"),
)
LOG_PAGE = 1000


def _values(row: Mapping[str, object], columns: Sequence[Column]) -> tuple[object, ...]:
    return tuple(row[c.key] for c in columns)


def log_export(conn: Connection, reached: int) -> Export:
    """Every event of the log up to `reached`, in log order, with its payload."""
    rows: list[tuple[Any, ...]] = []
    after = 0
    head = head_at(conn, reached)
    while True:
        page = audit_log(conn, after=after, until=reached, limit=LOG_PAGE)
        rows += [(*_values(row, LOG_COLUMNS), reached, head) for row in page]
        if len(page) < LOG_PAGE:
            break
        after = page[-1]["position"]
    columns = (*LOG_COLUMNS, Column("log_position", Kind.INTEGER), Column("chain_head"))
    provenance = (("export", "audit log"), ("log_position", reached), ("chain_head", head))
    return Export("audit-log", "Audit log", columns, tuple(rows), provenance)
