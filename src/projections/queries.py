"""As-of queries over the read model. Every query takes a Basis: a knowledge cutoff on the
known_at axis and a log position on the recorded axis; both are indexed filters (ADR 0002)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, FromClause, and_, func, select

from projections import schema

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_MOMENT = re.compile(r"^\d{4}-")


class BasisError(Exception):
    """The requested "as of" is neither a moment nor a known report."""


class UnknownReportError(BasisError):
    def __init__(self, report_id: str) -> None:
        super().__init__(f"unknown report {report_id!r}")
        self.report_id = report_id


@dataclass(frozen=True)
class Basis:
    """What a query may see: facts known by `known_at` (None: everything) and recorded at
    or before log `position`."""

    as_of: str
    known_at: datetime | None
    position: int
    report_id: str | None = None
    recorded_at: datetime | None = None  # as_recorded_at: the log as it stood then

    def to_json(self) -> dict[str, Any]:
        basis = {
            "as_of": self.as_of,
            "report": self.report_id,
            "knowledge_cutoff": None if self.known_at is None else self.known_at.isoformat(),
            "log_position": self.position,
        }
        if self.recorded_at is not None:
            basis["as_recorded_at"] = self.recorded_at.isoformat()
        return basis

    def filter(self, table: FromClause) -> ColumnElement[bool]:
        clauses = [table.c.position <= self.position]
        if self.known_at is not None:
            clauses.append(table.c.known_at <= self.known_at)
        return and_(*clauses)


def parse_moment(text: str) -> datetime:
    """A date means the end of that day in Amsterdam; a time without offset is Amsterdam's."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1), time(), AMSTERDAM) - timedelta(
                microseconds=1
            )
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=AMSTERDAM)
        return moment.astimezone(UTC)
    except ValueError:
        raise BasisError(
            f"malformed moment {text!r}: use YYYY-MM-DD or ISO 8601 (2019-05-08T17:00+02:00)"
        ) from None
    except OverflowError:
        # The end of 9999-12-31 or the start of year 1 in UTC falls outside the calendar.
        raise BasisError(f"moment {text!r} is outside the calendar") from None


def report_basis(conn: Connection, report_id: str) -> Basis:
    row = conn.execute(
        select(schema.reports.c.knowledge_cutoff, schema.reports.c.position).where(
            schema.reports.c.report_id == report_id
        )
    ).first()
    if row is None:
        raise UnknownReportError(report_id)
    return Basis(
        as_of=f"report:{report_id}",
        known_at=row.knowledge_cutoff,
        position=int(row.position),
        report_id=report_id,
    )


def resolve_basis(
    conn: Connection, as_of: str | None, reached: int, *, as_recorded_at: str | None = None
) -> Basis:
    """`as_of`: None or "now", an ISO moment or date, or a report id (its cutoff).
    `as_recorded_at`: the log as it stood at that moment, for an auditor asking what the
    system held then, late knowledge and corrections recorded since left out."""
    if as_of is None or as_of == "now":
        basis = Basis(as_of="now", known_at=None, position=reached)
    elif _MOMENT.match(as_of):
        moment = parse_moment(as_of)
        basis = Basis(as_of=moment.isoformat(), known_at=moment, position=reached)
    else:
        basis = report_basis(conn, as_of.removeprefix("report:"))
    if as_recorded_at is None:
        return basis
    recorded = parse_moment(as_recorded_at)
    last = conn.execute(
        select(func.max(schema.audit_log.c.position)).where(
            schema.audit_log.c.recorded_at <= recorded, schema.audit_log.c.position <= reached
        )
    ).scalar()
    return replace(
        basis,
        position=min(basis.position, int(last or 0)),
        recorded_at=recorded,
    )


def _nulls_last(*columns: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    # SQLite sorts NULL first and PostgreSQL last: say it, so both list rows alike.
    return [column.nulls_last() for column in columns]


def euros(total_cents: int | None) -> Decimal:
    return (Decimal(total_cents or 0) / 100).quantize(Decimal("0.01"))


# -- budget ----------------------------------------------------------------------------


def budget_lines(
    conn: Connection,
    basis: Basis,
    *,
    fiscal_year: int | None = None,
    fund: str | None = None,
    line_id: str | None = None,
) -> list[dict[str, Any]]:
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
        query = query.where(lines.c.id == line_id)
    return [
        {
            "line_id": row.id,
            "fiscal_year": row.fiscal_year,
            "programma": row.programma,
            "taakveld": row.taakveld,
            "side": row.side,
            "deelproduct": row.deelproduct,
            "interventie": row.interventie,
            "fund": row.fund,
            "amount": euros(row.total),
            "mutations": row.mutations,
        }
        for row in conn.execute(query)
    ]


ROLLUPS = ("programma", "taakveld", "interventie", "fund")


def budget_rollup(
    conn: Connection, basis: Basis, by: str, *, fiscal_year: int | None = None
) -> list[dict[str, Any]]:
    if by not in ROLLUPS:
        raise ValueError(f"roll up by one of {', '.join(ROLLUPS)}")
    lines, mutations = schema.budget_lines, schema.budget_mutations
    dimension = lines.c[by]
    query = (
        select(
            lines.c.fiscal_year,
            lines.c.side,
            dimension,
            func.sum(mutations.c.delta_cents).label("total"),
        )
        .join(mutations, mutations.c.line_id == lines.c.id)
        .where(basis.filter(mutations))
        .group_by(lines.c.fiscal_year, lines.c.side, dimension)
        .order_by(*_nulls_last(lines.c.fiscal_year, lines.c.side, dimension))
    )
    if fiscal_year is not None:
        query = query.where(lines.c.fiscal_year == fiscal_year)
    return [
        {"fiscal_year": row.fiscal_year, "side": row.side, by: row[2], "amount": euros(row.total)}
        for row in conn.execute(query)
    ]


def slotwijzigingen(
    conn: Connection, basis: Basis, *, fiscal_year: int | None = None
) -> list[dict[str, Any]]:
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


def taakstelling_amounts(conn: Connection, basis: Basis) -> list[dict[str, Any]]:
    """Per taakstelling, its amount per fiscal year as of the basis."""
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
    result: dict[str, dict[str, Any]] = {}
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
) -> list[dict[str, Any]]:
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
            )
        )
    )
    return [
        {
            "fiscal_year": row.fiscal_year,
            "quarter": row.quarter,
            "programma": row.programma,
            "taakveld": row.taakveld,
            "deelproduct": row.deelproduct,
            "interventie": row.interventie,
            "fund": row.fund,
            "side": row.side,
            "amount": euros(row.total),
            "status": row.status,
            "version": row.version,
            # A late result booked in this year: the closed year it belongs to (ADR 0010).
            "origin_year": row.origin_year,
            "corrects_realisation": row.corrects_realisation_id,
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


def reserve_balances(conn: Connection, basis: Basis) -> list[dict[str, Any]]:
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


# -- audit log -------------------------------------------------------------------------


def audit_log(conn: Connection, *, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    log = schema.audit_log
    query = select(log).where(log.c.position > after).order_by(log.c.position).limit(limit)
    return [
        {
            "position": row.position,
            "event_type": row.event_type,
            "aggregate_id": row.originator_id,
            "version": row.originator_version,
            "period": row.period,
            "known_at": row.known_at.isoformat(),
            "recorded_at": row.recorded_at.isoformat(),
            "actor": row.actor,
            "decision": row.decision_reference,
            "source": row.source,
            "import_id": row.import_id,
            "payload": row.payload,
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


def decisions(
    conn: Connection, basis: Basis, *, reference: str | None = None
) -> list[dict[str, Any]]:
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
        }
        for row in conn.execute(query)
    ]


def fiscal_years(conn: Connection, basis: Basis) -> list[dict[str, Any]]:
    """Each fiscal year with a recorded status as of the basis (closed, or reopened), and
    its trail: every closing and reopening visible on the basis, in log order (ADR 0010)."""
    events = schema.fiscal_year_events
    query = (
        select(events).where(basis.filter(events)).order_by(events.c.fiscal_year, events.c.position)
    )
    years: dict[int, dict[str, Any]] = {}
    for row in conn.execute(query):
        step = {
            "status": row.status,
            "decision": row.decision_reference,
            "known_at": row.known_at.isoformat(),
            "recorded_at": row.recorded_at.isoformat(),
            "position": row.position,
        }
        entry = years.setdefault(row.fiscal_year, {"fiscal_year": row.fiscal_year, "trail": []})
        entry["trail"].append(step)
        entry.update(step)
    return [
        {key: entry[key] for key in (*FISCAL_YEAR_COLUMNS, "trail")} for entry in years.values()
    ]


FISCAL_YEAR_COLUMNS = ("fiscal_year", "status", "decision", "known_at", "recorded_at", "position")


def taakstelling_overview(conn: Connection, basis: Basis, base_year: int) -> list[dict[str, Any]]:
    """Taakstellingen per year with their weight relative to the realised base of their
    deelproducten in `base_year` (tabel 6.1's "relatief" columns)."""
    rows = taakstelling_amounts(conn, basis)
    # Only the deelproducten some taakstelling is weighed against (ADR 0013).
    based = sorted({d for row in rows for d in json.loads(row["base_deelproducten"])})
    bases = (
        {
            row["deelproduct"]: row["amount"]
            for row in realisation_amounts(conn, basis, fiscal_year=base_year, deelproducten=based)
        }
        if based
        else {}
    )
    overview = []
    for row in rows:
        deelproducten: list[str] = json.loads(row["base_deelproducten"])
        base = sum((bases.get(d, Decimal(0)) for d in deelproducten), Decimal(0))
        overview.append(
            {
                **{k: row[k] for k in ("reference", "label", "interventie", "taakveld", "kind")},
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
