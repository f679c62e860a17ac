"""Lineage: the ordered events behind one figure, with delta and running total."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any, NotRequired
from uuid import UUID

from sqlalchemy import Connection, Row, Select, String, Table, select
from typing_extensions import TypedDict

from domain.events import MutationKind
from projections.queries import authority, backdating, cells, row_measures
from projections.queries.authority import DecisionLink, Links, MandateLink
from projections.queries.backdating import Backdated
from projections.queries.basis import Basis, euros, report_basis
from projections.queries.cells import CellAddress
from projections.queries.reports import published_figure
from projections.queries.row_facts import succession
from projections.queries.rows import BasisRow, Euros
from projections.store import schema

# The line of authority of one row: its links (decision, mandate) and what is wrong with it.
Chain = Callable[[Row[Any]], tuple[Links, list[str]]]


class LineageRow(TypedDict):
    """One event behind a figure, with its running total and its authority (ADR 0008) and
    whether it was backdated or is a backfill (ADR 0018). `authorised` is null without a
    decision; `subject` names the budget line, taakstelling or realisation it changes."""

    position: int
    event: str
    subject: str | None
    delta: Euros
    running_total: Euros
    decision: DecisionLink | None
    actor: str
    period: int | None
    known_at: str
    recorded_at: str
    import_id: str | None
    mandate: MandateLink | None
    authorised: bool | None
    problems: list[str]
    source: str | None
    backdated: Backdated | None
    backfill: str | None


class BudgetLineageRow(LineageRow):
    """A budget mutation behind a figure: an amendment names its dekking (funding source),
    null where none was recorded (ADR 0026)."""

    dekking: str | None


class RealisationLineageRow(TypedDict):
    """One entry of a realisation: a late result carries the closed year it belongs to and
    what it corrects (ADR 0010). A realisation carries a source document, not a decision."""

    position: int
    event: str
    subject: str | None
    delta: Euros
    running_total: Euros
    decision: DecisionLink | None
    actor: str
    period: int | None
    known_at: str
    recorded_at: str
    import_id: str | None
    origin_year: int | None
    corrects_realisation: str | None
    corrects_version: int | None
    reason: str | None
    mandate: MandateLink | None
    authorised: bool | None
    problems: list[str]
    source: str | None
    backdated: Backdated | None
    backfill: str | None


class CellLineage(TypedDict):
    """The contributions to one cell of a report: a document (the rows add up to `amount`),
    so never paged. A cell of a row with its own measure (ADR 0025) names it and its unit;
    a kengetal's `amount` is its value (the rows' deltas are its changes); a relative
    cell's `amount` is its taakstellingen (their rows first) and `base` the base
    realisation (its rows after, their running total from zero)."""

    report: str
    basis: BasisRow
    cell: CellAddress
    amount: Euros
    published: str | None
    rows: list[LineageRow]
    measure: NotRequired[str]
    unit: NotRequired[str]
    base: NotRequired[Euros]


def _no_decision(row: Row[Any]) -> tuple[Links, list[str]]:
    return {"decision": None, "mandate": None}, []


def _dashed(hex_id: str | None) -> str | None:
    """A read-model id (hex) as the API spells every id: a dashed UUID."""
    return None if hex_id is None else str(UUID(hex_id))


def _entries(
    rows: Iterable[Row[Any]],
    subject: Callable[[Row[Any]], str | None],
    chain: Chain,
    grace: timedelta,
) -> list[LineageRow]:
    """The rows in order with delta and running total, and each row's authority in the shape
    of the report cell's lineage (`cell_lineage`): the decision as of the basis and, for a
    college decision, the mandate; `authorised` (None without a decision) and `problems`;
    and whether it was backdated beyond `grace` or is a backfill (ADR 0018)."""
    running = Decimal("0.00")
    entries: list[LineageRow] = []
    for row in rows:
        delta = euros(row.delta_cents)
        running += delta
        decided = getattr(row, "decision_id", None) is not None
        links, problems = chain(row) if decided else _no_decision(row)
        import_id = getattr(row, "import_id", None)
        flag = backdating.verdict(row.known_at, row.recorded_at, import_id, grace)
        entries.append(
            {
                "position": row.position,
                "event": row.kind,
                "subject": subject(row),
                "delta": delta,
                "running_total": running,
                "decision": links["decision"],
                "actor": row.actor,
                "period": getattr(row, "fiscal_year", None),
                "known_at": row.known_at.isoformat(),
                "recorded_at": row.recorded_at.isoformat(),
                "import_id": import_id,
                "mandate": links["mandate"],
                "authorised": not problems if decided else None,
                "problems": problems,
                "source": getattr(row, "source", None),
                "backdated": flag["backdated"],
                "backfill": flag["backfill"],
            }
        )
    return entries


def _line(row: Row[Any]) -> str | None:
    line: str | None = row.line
    return line


def _ordered(query: Select[Any], table: Table) -> Select[Any]:
    # The figure as it became known: by business time, the log breaking ties.
    return query.order_by(table.c.known_at, table.c.position)


def budget_lineage(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int,
    fund: str | None = None,
    interventie: int | None = None,
    taakveld: str | None = None,
    programma: str | None = None,
    side: str | None = None,
    categorie: str | None = None,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> list[BudgetLineageRow]:
    lines, mutations = schema.budget_lines, schema.budget_mutations
    # The mutations as the authority report reads them, so both judge a row alike.
    query = (
        authority.budget_mutations(basis)
        .add_columns(
            (lines.c.programma + " / " + lines.c.taakveld).label("line"),
            backdating.source_of(mutations).label("source"),
        )
        .where(lines.c.fiscal_year == fiscal_year)
    )
    for column, value in (
        ("fund", fund),
        ("interventie", interventie),
        ("taakveld", taakveld),
        ("programma", programma),
        ("side", side),
        ("categorie", categorie),
    ):
        if value is not None:
            query = query.where(lines.c[column] == value)
    return budget_entries(conn, basis, _ordered(query, mutations), grace)


def budget_entries(
    conn: Connection, basis: Basis, query: Select[authority.Columns], grace: timedelta
) -> list[BudgetLineageRow]:
    """The rows of `query` (authority.budget_mutations with a `line` label, ordered) as a
    budget figure's lineage: each with its authority as of the basis and its dekking."""
    rows = list(conn.execute(query))
    decisions = authority.decisions_behind(conn, basis, (row.decision_id for row in rows))
    return [
        {**entry, "dekking": row.dekking}
        for entry, row in zip(
            _entries(rows, _line, lambda row: authority.budget_chain(decisions, row), grace),
            rows,
            strict=True,
        )
    ]


def taakstelling_lineage(
    conn: Connection,
    basis: Basis,
    *,
    reference: str,
    fiscal_year: int,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> list[LineageRow]:
    ts, mutations = schema.taakstellingen, schema.taakstelling_mutations
    query = (
        select(
            mutations,
            ts.c.reference.label("line"),
            backdating.import_of(mutations).label("import_id"),
        )
        .join(ts, ts.c.id == mutations.c.taakstelling_id)
        .where(
            basis.filter(mutations),
            ts.c.reference == reference,
            mutations.c.fiscal_year == fiscal_year,
        )
    )
    decisions = authority.decisions_as_of(conn, basis)

    def chain(row: Row[Any]) -> tuple[Links, list[str]]:
        # A taakstelling belongs to no fund: the write path authorises it with none.
        return authority.chain(
            decisions,
            row.decision_id,
            reference=row.decision_reference,
            known_at=row.known_at,
            kinds=(MutationKind.TAAKSTELLING,),
            fund=None,
            fiscal_year=row.fiscal_year,
        )

    return _entries(conn.execute(_ordered(query, mutations)), _line, chain, grace)


def realisation_lineage(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int,
    deelproduct: str | None = None,
    fund: str | None = None,
    interventie: int | None = None,
    categorie: str | None = None,
    grace: timedelta = backdating.DEFAULT_GRACE,
    realisation_ids: Collection[str] | None = None,
) -> list[RealisationLineageRow]:
    """`realisation_ids` (read-model hex ids): only those realisations, as the rows of an
    uitputting figure name them (ADR 0026)."""
    subjects, entries = schema.realisations, schema.realisation_entries
    query = (
        select(
            *entries.c,
            backdating.import_of(entries).label("import_id"),
            subjects.c.fiscal_year,
            subjects.c.origin_year,
            subjects.c.corrects_realisation_id,
            (entries.c.status + " v" + entries.c.version.cast(String)).label("kind"),
        )
        .join(subjects, subjects.c.id == entries.c.realisation_id)
        .where(basis.filter(entries), subjects.c.fiscal_year == fiscal_year)
    )
    for column, value in (
        ("deelproduct", deelproduct),
        ("fund", fund),
        ("interventie", interventie),
        ("categorie", categorie),
    ):
        if value is not None:
            query = query.where(subjects.c[column] == value)
    if realisation_ids is not None:
        query = query.where(subjects.c.id.in_(list(realisation_ids)))
    rows = list(conn.execute(_ordered(query, entries)))
    # A late result carries the closed year it belongs to and what it corrects (ADR 0010).
    # A realisation carries a source document, not a decision: no line of authority.
    return [
        {
            "position": entry["position"],
            "event": entry["event"],
            "subject": entry["subject"],
            "delta": entry["delta"],
            "running_total": entry["running_total"],
            "decision": entry["decision"],
            "actor": entry["actor"],
            "period": entry["period"],
            "known_at": entry["known_at"],
            "recorded_at": entry["recorded_at"],
            "import_id": entry["import_id"],
            "origin_year": row.origin_year,
            "corrects_realisation": _dashed(row.corrects_realisation_id),
            "corrects_version": row.corrects_version,
            "reason": row.reason,
            "mandate": entry["mandate"],
            "authorised": entry["authorised"],
            "problems": entry["problems"],
            "source": entry["source"],
            "backdated": entry["backdated"],
            "backfill": entry["backfill"],
        }
        for entry, row in zip(
            _entries(rows, lambda row: _dashed(row.realisation_id), _no_decision, grace),
            rows,
            strict=True,
        )
    ]


# -- one cell of a report --------------------------------------------------------------


def cell_lineage(
    conn: Connection,
    report_id: str,
    basis: Basis,
    *,
    table: str,
    row: str,
    column: str,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> CellLineage:
    """The ordered contributions to one cell of a report's table as of the basis: each with
    its delta and running total, its event, decision and line of authority, actor and the three
    times, and whether it was backdated beyond `grace` or is a backfill (ADR 0018). They add
    up to the cell's exact euros, which the report renders (ADR 0003)."""
    report_basis(conn, report_id)  # an unknown report is an UnknownReportError
    _, specs = cells.report_specs(conn, report_id)
    spec, cell = cells.find_cell(conn, specs, table, row, column)
    if cell.measure == "heading":
        raise cells.CellError(
            f"row {row!r} of table {table!r} is a heading: it has no figures to trace",
            "row",
            status=422,
        )
    decisions = authority.decisions_as_of(conn, basis)
    read = cells.facts(conn, spec, basis.filter, taakstellingen=cells.members_of([cell]))
    mine = succession(fact for fact, _ in read if cell.counts(fact))
    parts = [mine]
    if cell.measure == "relative":
        parts = [
            [fact for fact in mine if fact.measure == "taakstelling"],
            [fact for fact in mine if fact.measure == "realisation"],
        ]
    totals: list[Decimal] = []
    contributions: list[LineageRow] = []
    for part in parts:
        totals.append(_contributions(part, contributions, cell, spec, decisions, grace))
    running = totals[0]
    found: CellLineage = {
        "report": report_id,
        "basis": basis.to_json(),
        "cell": cell.address(),
        "amount": running,
        "published": published_figure(running),
        "rows": contributions,
    }
    if cell.row_measured or cell.parts is not None:
        found["published"] = row_measures.figure(cell, mine, spec["unit"])
        found["measure"] = cell.measure
        found["unit"] = cell.unit or ("percent" if cell.measure == "relative" else spec["unit"])
        if cell.measure == "relative":
            found["base"] = totals[1]
    return found


def _contributions(
    facts: list[cells.Fact],
    contributions: list[LineageRow],
    cell: cells.Cell,
    spec: cells.TableSpecRow,
    decisions: dict[str, authority.DecisionState],
    grace: timedelta,
) -> Decimal:
    """Append the facts' lineage rows, their running total from zero; return the total."""
    # A kengetal is no money: its value keeps the digits it was measured in.
    running = Decimal(0) if cell.measure == "kengetal" else Decimal("0.00")
    for fact in facts:
        running += fact.delta
        links: Links = {"decision": None, "mandate": None}
        problems: list[str] = []
        if fact.decision_id is not None:
            kind = authority.MUTATION_KINDS.get(fact.kind)
            links, problems = authority.chain(
                decisions,
                fact.decision_id,
                reference=fact.decision_reference,
                known_at=fact.known_at,
                kinds=(
                    (MutationKind.TAAKSTELLING,)
                    if fact.measure == "taakstelling"
                    else (None if kind is None else (kind,))
                ),
                fund=fact.fund if cell.row_measured else spec["fund"],
                fiscal_year=fact.fiscal_year,
            )
        flag = backdating.verdict(fact.known_at, fact.recorded_at, fact.import_id, grace)
        contributions.append(
            {
                "position": fact.position,
                "event": fact.kind,
                "subject": fact.subject,
                "delta": fact.delta,
                "running_total": running,
                "decision": links["decision"],
                "mandate": links["mandate"],
                "authorised": None if fact.decision_id is None else not problems,
                "problems": problems,
                "source": fact.source,
                "actor": fact.actor,
                "period": fact.fiscal_year,
                "known_at": fact.known_at.isoformat(),
                "recorded_at": fact.recorded_at.isoformat(),
                "import_id": fact.import_id,
                "backdated": flag["backdated"],
                "backfill": flag["backfill"],
            }
        )
    return running
