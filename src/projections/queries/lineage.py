"""Lineage: the ordered events behind one figure, with delta and running total."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, Select, String, select

from domain.events import MutationKind
from projections.queries import authority, backdating, cells
from projections.queries.basis import Basis, euros, report_basis
from projections.queries.reports import published_figure
from projections.store import schema

# The authority chain of one row: its links (decision, mandate) and what is wrong with it.
Chain = Callable[[Row[Any]], tuple[dict[str, Any], list[str]]]


# What a row adds to its older keys, at its end: the rest of its authority, its source and
# whether it was backdated or is a backfill (ADR 0018).
_AUTHORITY = ("mandate", "authorised", "problems", "source", "backdated", "backfill")


def _no_decision(row: Row[Any]) -> tuple[dict[str, Any], list[str]]:
    return {"decision": None, "mandate": None}, []


def _entries(
    rows: Iterable[Row[Any]], subject: str, chain: Chain, grace: timedelta
) -> list[dict[str, Any]]:
    """The rows in order with delta and running total, and each row's authority in the shape
    of the report cell's lineage (`cell_lineage`): the decision as of the basis and, for a
    college decision, the mandate; `authorised` (None without a decision) and `problems`;
    and whether it was backdated beyond `grace` or is a backfill (ADR 0018)."""
    running = Decimal("0.00")
    entries = []
    for row in rows:
        delta = euros(row.delta_cents)
        running += delta
        decided = getattr(row, "decision_id", None) is not None
        links, problems = chain(row) if decided else _no_decision(row)
        import_id = getattr(row, "import_id", None)
        entries.append(
            {
                "position": row.position,
                "event": row.kind,
                "subject": getattr(row, subject, None),
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
                **backdating.verdict(row.known_at, row.recorded_at, import_id, grace),
            }
        )
    return entries


def _ordered(query: Select[Any], table: Any) -> Select[Any]:
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
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> list[dict[str, Any]]:
    lines, mutations = schema.budget_lines, schema.budget_mutations
    # The mutations as the authority report reads them, so both judge a row alike.
    query = (
        authority.budget_mutations(basis)
        .add_columns((lines.c.programma + " / " + lines.c.taakveld).label("line"))
        .where(lines.c.fiscal_year == fiscal_year)
    )
    for column, value in (
        ("fund", fund),
        ("interventie", interventie),
        ("taakveld", taakveld),
        ("programma", programma),
    ):
        if value is not None:
            query = query.where(lines.c[column] == value)
    decisions = authority.decisions_as_of(conn, basis)
    return _entries(
        conn.execute(_ordered(query, mutations)),
        "line",
        lambda row: authority.budget_chain(decisions, row),
        grace,
    )


def taakstelling_lineage(
    conn: Connection,
    basis: Basis,
    *,
    reference: str,
    fiscal_year: int,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> list[dict[str, Any]]:
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

    def chain(row: Row[Any]) -> tuple[dict[str, Any], list[str]]:
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

    return _entries(conn.execute(_ordered(query, mutations)), "line", chain, grace)


def realisation_lineage(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int,
    deelproduct: str | None = None,
    fund: str | None = None,
    interventie: int | None = None,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> list[dict[str, Any]]:
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
    ):
        if value is not None:
            query = query.where(subjects.c[column] == value)
    rows = list(conn.execute(_ordered(query, entries)))
    # A late result carries the closed year it belongs to and what it corrects (ADR 0010).
    # A realisation carries a source document, not a decision: no authority chain.
    return [
        {
            **{key: value for key, value in entry.items() if key not in _AUTHORITY},
            "origin_year": row.origin_year,
            "corrects_realisation": row.corrects_realisation_id,
            "corrects_version": row.corrects_version,
            "reason": row.reason,
            **{key: entry[key] for key in _AUTHORITY},
        }
        for entry, row in zip(
            _entries(rows, "realisation_id", _no_decision, grace), rows, strict=True
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
) -> dict[str, Any]:
    """The ordered contributions to one cell of a report's table as of the basis: each with
    its delta and running total, its event, decision and authority chain, actor and the three
    times, and whether it was backdated beyond `grace` or is a backfill (ADR 0018). They add
    up to the cell's exact euros, which the report renders (ADR 0003)."""
    report_basis(conn, report_id)  # an unknown report is an UnknownReportError
    _, specs = cells.report_specs(conn, report_id)
    spec, cell = cells.find_cell(conn, specs, table, row, column)
    decisions = authority.decisions_as_of(conn, basis)
    mine = [fact for fact, _ in cells.facts(conn, spec, basis.filter) if cell.counts(fact)]
    mine.sort(key=lambda fact: (fact.known_at, fact.position))
    running = Decimal("0.00")
    contributions = []
    for fact in mine:
        running += fact.delta
        links: dict[str, Any] = {"decision": None, "mandate": None}
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
                fund=spec["fund"],
                fiscal_year=fact.fiscal_year,
            )
        contributions.append(
            {
                "position": fact.position,
                "event": fact.kind,
                "subject": fact.subject,
                "delta": fact.delta,
                "running_total": running,
                **links,
                "authorised": None if fact.decision_id is None else not problems,
                "problems": problems,
                "source": fact.source,
                "actor": fact.actor,
                "period": fact.fiscal_year,
                "known_at": fact.known_at.isoformat(),
                "recorded_at": fact.recorded_at.isoformat(),
                "import_id": fact.import_id,
                **backdating.verdict(fact.known_at, fact.recorded_at, fact.import_id, grace),
            }
        )
    return {
        "report": report_id,
        "basis": basis.to_json(),
        "cell": cell.address(),
        "amount": running,
        "published": published_figure(running),
        "rows": contributions,
    }
