"""As-of queries over the read model. Every query takes a Basis: a knowledge cutoff on the
known_at axis and a log position on the recorded axis; both are indexed filters (ADR 0002)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, and_, func, select

from projections.queries import running
from projections.queries.basis import Basis, euros
from projections.queries.figure_rows import (
    BudgetLineRow,
    BudgetRollupRow,
    DecisionRow,
    FiscalYearRow,
    FiscalYearStepRow,
    RealisationRow,
    ReserveRow,
    SlotwijzigingRow,
    TaakstellingAmountRow,
    TaakstellingRow,
)
from projections.queries.rows import ROLLUPS
from projections.store import schema


def _nulls_last(*columns: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    # SQLite sorts NULL first and PostgreSQL last: say it, so both list rows alike.
    return [column.nulls_last() for column in columns]


def dashed(hex_id: str) -> str:
    """The read model keeps ids as hex; rows answer them as the commands do, dashed."""
    return str(UUID(hex_id))


def _dashed_or_none(hex_id: str | None) -> str | None:
    return None if hex_id is None else dashed(hex_id)


def budget_lines(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int | None = None,
    fund: str | None = None,
    line_id: UUID | None = None,
) -> list[BudgetLineRow]:
    lines, mutations = schema.budget_lines, schema.budget_mutations
    query = (
        select(
            lines, func.sum(mutations.c.delta_cents).label("total"), func.count().label("mutations")
        )
        .join(mutations, mutations.c.line_id == lines.c.id)
        .where(basis.filter(mutations))
        .group_by(*lines.c)
        .order_by(
            *_nulls_last(
                lines.c.fiscal_year,
                lines.c.programma,
                lines.c.taakveld,
                lines.c.fund,
                lines.c.interventie,
                lines.c.deelproduct,
            )
        )
    )
    if fiscal_year is not None:
        query = query.where(lines.c.fiscal_year == fiscal_year)
    if fund is not None:
        query = query.where(lines.c.fund == fund)
    if line_id is not None:
        query = query.where(lines.c.id == line_id.hex)
    return [
        {
            "line_id": dashed(row.id),
            "fiscal_year": row.fiscal_year,
            "programma": row.programma,
            "taakveld": row.taakveld,
            "side": row.side,
            "deelproduct": row.deelproduct,
            "interventie": row.interventie,
            "fund": row.fund,
            "categorie": row.categorie,
            "amount": euros(row.total),
            "mutations": row.mutations,
        }
        for row in conn.execute(query)
    ]


def _rolled_up(by: str, fiscal_year: int, side: str, value: Any, total: int) -> BudgetRollupRow:
    found: BudgetRollupRow = {"fiscal_year": fiscal_year, "side": side, "amount": euros(total)}
    if by == "programma":
        found["programma"] = value
    elif by == "taakveld":
        found["taakveld"] = value
    elif by == "interventie":
        found["interventie"] = value
    else:
        found["fund"] = value
    return found


def budget_rollup(
    conn: Connection, basis: Basis, by: str, *, fiscal_year: int | None = None
) -> list[BudgetRollupRow]:
    if by not in ROLLUPS:
        raise ValueError(f"roll up by one of {', '.join(ROLLUPS)}")
    # The running totals of the rollup's groups: a seek per group, not a scan (ADR 0034).
    rows = running.sums(
        conn,
        basis,
        by,
        ("fiscal_year", "side", by),
        fiscal_years=None if fiscal_year is None else [fiscal_year],
        ordered=True,
    )
    return [_rolled_up(by, row.fiscal_year, row.side, getattr(row, by), row.total) for row in rows]


def slotwijzigingen(
    conn: Connection, basis: Basis, *, fiscal_year: int | None = None
) -> list[SlotwijzigingRow]:
    slot, lines = schema.slotwijzigingen, schema.budget_lines
    query = (
        select(slot, lines.c.programma, lines.c.taakveld, lines.c.interventie, lines.c.fund)
        .join(lines, lines.c.id == slot.c.line_id)
        .where(basis.filter(slot))
        .order_by(slot.c.fiscal_year, slot.c.position)
    )
    if fiscal_year is not None:
        query = query.where(slot.c.fiscal_year == fiscal_year)
    return [
        {
            "position": row.position,
            "fiscal_year": row.fiscal_year,
            "decision": row.decision_reference,
            "kind": row.kind,
            "programma": row.programma,
            "taakveld": row.taakveld,
            "interventie": row.interventie,
            "fund": row.fund,
            "delta": euros(row.delta_cents),
            "known_at": row.known_at.isoformat(),
            "recorded_at": row.recorded_at.isoformat(),
        }
        for row in conn.execute(query)
    ]


# -- taakstellingen --------------------------------------------------------------------


def taakstelling_amounts(
    conn: Connection, basis: Basis, *, fiscal_years: Sequence[int] | None = None
) -> list[TaakstellingAmountRow]:
    """Per taakstelling, its amount per fiscal year as of the basis; given `fiscal_years`,
    only those years' amounts, and only the taakstellingen with an amount in one of them."""
    ts, mutations = schema.taakstellingen, schema.taakstelling_mutations
    query = (
        select(
            ts.c.id,
            ts.c.reference,
            ts.c.label,
            ts.c.interventie,
            ts.c.taakveld,
            ts.c.kind,
            ts.c.origin,
            ts.c.base_deelproducten,
            mutations.c.fiscal_year,
            func.sum(mutations.c.delta_cents).label("total"),
        )
        .join(mutations, mutations.c.taakstelling_id == ts.c.id)
        .where(basis.filter(mutations))
        .group_by(
            ts.c.id,
            ts.c.reference,
            ts.c.label,
            ts.c.interventie,
            ts.c.taakveld,
            ts.c.kind,
            ts.c.origin,
            ts.c.base_deelproducten,
            mutations.c.fiscal_year,
        )
        .order_by(*_nulls_last(ts.c.interventie, ts.c.position, mutations.c.fiscal_year))
    )
    if fiscal_years is not None:
        query = query.where(mutations.c.fiscal_year.in_(list(fiscal_years)))
    result: dict[str, TaakstellingAmountRow] = {}
    for row in conn.execute(query):
        entry = result.setdefault(
            row.reference,
            {
                "reference": row.reference,
                "label": row.label,
                "interventie": row.interventie,
                "taakveld": row.taakveld,
                "kind": row.kind,
                "origin": row.origin,
                "base_deelproducten": row.base_deelproducten,
                "amounts": {},
            },
        )
        entry["amounts"][row.fiscal_year] = euros(row.total)
    return list(result.values())


# -- realisations ----------------------------------------------------------------------


def realisation_amounts(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int | None = None,
    deelproducten: Sequence[str] | None = None,
    fund: str | None = None,
) -> list[RealisationRow]:
    subjects, entries = schema.realisations, schema.realisation_entries
    wanted: list[ColumnElement[bool]] = []
    if fiscal_year is not None:
        wanted.append(subjects.c.fiscal_year == fiscal_year)
    if deelproducten is not None:
        wanted.append(subjects.c.deelproduct.in_(list(deelproducten)))
    if fund is not None:
        wanted.append(subjects.c.fund == fund)
    latest = select(
        entries.c.realisation_id,
        func.max(entries.c.position).label("latest"),
        func.sum(entries.c.delta_cents).label("total"),
    ).where(basis.filter(entries))
    if wanted:
        # Only the wanted subjects' entries, not the whole history's (ADR 0013).
        latest = latest.where(entries.c.realisation_id.in_(select(subjects.c.id).where(*wanted)))
    grouped = latest.group_by(entries.c.realisation_id).subquery()
    query = (
        select(subjects, grouped.c.total, entries.c.status, entries.c.version)
        .join(grouped, grouped.c.realisation_id == subjects.c.id)
        .join(entries, entries.c.position == grouped.c.latest)
        .where(*wanted)
        .order_by(
            *_nulls_last(
                subjects.c.fiscal_year,
                subjects.c.deelproduct,
                subjects.c.fund,
                subjects.c.interventie,
                subjects.c.quarter,
                subjects.c.month,
            )
        )
    )
    return [
        {
            "fiscal_year": row.fiscal_year,
            "quarter": row.quarter,
            "month": row.month,
            "programma": row.programma,
            "taakveld": row.taakveld,
            "deelproduct": row.deelproduct,
            "interventie": row.interventie,
            "fund": row.fund,
            "categorie": row.categorie,
            "side": row.side,
            "amount": euros(row.total),
            "status": row.status,
            "version": row.version,
            # A late result booked in this year: the closed year it belongs to (ADR 0010).
            "origin_year": row.origin_year,
            "corrects_realisation": _dashed_or_none(row.corrects_realisation_id),
        }
        for row in conn.execute(query)
    ]


def deelproduct_names(conn: Connection, basis: Basis, codes: Iterable[str]) -> dict[str, str]:
    """The names the ledger gives deelproducten: a realisation of a deelproduct cites it in
    its source as the stadsrekening lists it, "deelproduct CODE NAME (citation)". The latest
    such source visible on the basis names it; a code no source names is left out."""
    subjects, entries = schema.realisations, schema.realisation_entries
    query = (
        select(subjects.c.deelproduct, entries.c.source)
        .join(subjects, subjects.c.id == entries.c.realisation_id)
        .where(
            basis.filter(entries),
            subjects.c.deelproduct.in_(sorted(set(codes))),
            entries.c.source.is_not(None),
        )
        .order_by(entries.c.position)
    )
    names: dict[str, str] = {}
    for row in conn.execute(query):
        name = _cited_name(row.source, row.deelproduct)
        if name:
            names[row.deelproduct] = name
    return names


def _cited_name(source: str, code: str) -> str | None:
    """The NAME in "... deelproduct CODE NAME (citation)"; a name may hold parentheses of its
    own, so only the last balanced group, the citation, is dropped."""
    marker = f"deelproduct {code} "
    start = source.find(marker)
    if start < 0:
        return None
    name = source[start + len(marker) :].rstrip()
    if name.endswith(")"):
        depth = 0
        for index in range(len(name) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(name[index], 0)
            if depth == 0:
                name = name[:index].rstrip()
                break
    return name or None


# -- reserves --------------------------------------------------------------------------


def reserve_balances(conn: Connection, basis: Basis) -> list[ReserveRow]:
    """Per reserve, earmark and year; a reserve known without mutations has one row with no
    earmark and no year."""
    reserves, mutations, established = (
        schema.reserves,
        schema.reserve_mutations,
        schema.audit_log.alias("established"),
    )
    query = (
        select(
            reserves.c.code,
            reserves.c.name,
            reserves.c.kind,
            mutations.c.earmark,
            mutations.c.fiscal_year,
            func.sum(mutations.c.delta_cents).label("total"),
        )
        .join(established, established.c.position == reserves.c.position)
        .outerjoin(
            mutations, and_(mutations.c.reserve_id == reserves.c.id, basis.filter(mutations))
        )
        .where(basis.filter(established))
        .group_by(
            reserves.c.code,
            reserves.c.name,
            reserves.c.kind,
            mutations.c.earmark,
            mutations.c.fiscal_year,
        )
        .order_by(reserves.c.code, *_nulls_last(mutations.c.earmark, mutations.c.fiscal_year))
    )
    return [
        {
            "code": row.code,
            "name": row.name,
            "kind": row.kind,
            "earmark": row.earmark,
            "fiscal_year": row.fiscal_year,
            "mutation": euros(row.total),
        }
        for row in conn.execute(query)
    ]


def version_of(conn: Connection, aggregate_id: UUID, basis: Basis) -> int | None:
    """The aggregate's version as of the basis (what `If-Match` compares), None if unknown."""
    log = schema.audit_log
    version = conn.execute(
        select(func.max(log.c.originator_version)).where(
            log.c.originator_id == aggregate_id.hex, basis.filter(log)
        )
    ).scalar()
    return None if version is None else int(version)


# -- decisions and fiscal years ----------------------------------------------------------


def decisions(conn: Connection, basis: Basis, *, reference: str | None = None) -> list[DecisionRow]:
    """Each decision known by the basis with its status as of the basis."""
    table, events = schema.decisions, schema.decision_events
    latest = (
        select(events.c.decision_id, func.max(events.c.position).label("latest"))
        .where(basis.filter(events))
        .group_by(events.c.decision_id)
        .subquery()
    )
    mandates = table.alias("mandates")
    query = (
        select(
            table,
            events.c.status,
            events.c.known_at,
            events.c.actor,
            mandates.c.reference.label("mandate"),
        )
        .join(latest, latest.c.decision_id == table.c.id)
        .join(events, events.c.position == latest.c.latest)
        .outerjoin(mandates, mandates.c.id == table.c.mandate_id)
        .order_by(table.c.position)
    )
    if reference is not None:
        query = query.where(table.c.reference == reference)
    return [
        {
            "reference": row.reference,
            "title": row.title,
            "body": row.body,
            "kind": row.kind,
            "status": row.status,
            "status_known_at": row.known_at.isoformat(),
            "mandate": row.mandate,
            "mandate_scope": None if row.mandate_scope is None else json.loads(row.mandate_scope),
            "proposed_at_position": row.position,
            "number": row.number,
        }
        for row in conn.execute(query)
    ]


def fiscal_years(conn: Connection, basis: Basis) -> list[FiscalYearRow]:
    """Each fiscal year with a recorded status as of the basis (closed, or reopened), and
    its trail: every closing and reopening visible on the basis, in log order (ADR 0010)."""
    events = schema.fiscal_year_events
    query = (
        select(events).where(basis.filter(events)).order_by(events.c.fiscal_year, events.c.position)
    )
    trails: dict[int, list[FiscalYearStepRow]] = {}
    for row in conn.execute(query):
        trails.setdefault(row.fiscal_year, []).append(
            {
                "status": row.status,
                "decision": row.decision_reference,
                "known_at": row.known_at.isoformat(),
                "recorded_at": row.recorded_at.isoformat(),
                "position": row.position,
            }
        )
    return [
        {
            "fiscal_year": year,
            "status": trail[-1]["status"],
            "decision": trail[-1]["decision"],
            "known_at": trail[-1]["known_at"],
            "recorded_at": trail[-1]["recorded_at"],
            "position": trail[-1]["position"],
            "trail": trail,
        }
        for year, trail in trails.items()
    ]


def taakstelling_overview(conn: Connection, basis: Basis, base_year: int) -> list[TaakstellingRow]:
    """Taakstellingen per year with their weight relative to the realised base of their
    deelproducten in `base_year` (tabel 6.1's "relatief" columns)."""
    rows = taakstelling_amounts(conn, basis)
    # Only the deelproducten some taakstelling is weighed against (ADR 0013).
    based = sorted({d for row in rows for d in json.loads(row["base_deelproducten"])})
    # A deelproduct's base is the sum of its realisations of the year: one per quarter or
    # month (an imported extract, ADR 0033) adds up, none is taken for the whole.
    bases: dict[str, Decimal] = {}
    found: list[RealisationRow] = []
    if based:
        found = realisation_amounts(conn, basis, fiscal_year=base_year, deelproducten=based)
    for realised in found:
        code = realised["deelproduct"] or ""
        bases[code] = bases.get(code, Decimal("0.00")) + realised["amount"]
    overview: list[TaakstellingRow] = []
    for row in rows:
        deelproducten: list[str] = json.loads(row["base_deelproducten"])
        base = sum((bases.get(d, Decimal(0)) for d in deelproducten), Decimal(0))
        overview.append(
            {
                "reference": row["reference"],
                "label": row["label"],
                "interventie": row["interventie"],
                "taakveld": row["taakveld"],
                "kind": row["kind"],
                "amounts": {str(year): amount for year, amount in row["amounts"].items()},
                "base_deelproducten": deelproducten,
                "base_year": base_year,
                "base": euros(int(base * 100)) if deelproducten else None,
                "relative": {
                    str(year): f"{(amount / base * 100).quantize(Decimal('0.1'))}%"
                    for year, amount in row["amounts"].items()
                    if amount and base
                },
            }
        )
    return overview
