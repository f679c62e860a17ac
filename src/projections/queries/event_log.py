"""The audit log as the read model holds it: one row per event, in log order, for the
auditor (`/events`, `begroting log`, the log export, the workspace's Gebeurtenissen page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    LargeBinary,
    TableClause,
    column,
    func,
    select,
    table,
)

from projections.queries.basis import AMSTERDAM
from projections.queries.figure_rows import EventRow
from projections.queries.figures import dashed
from projections.store import schema
from projections.store.database import stored_events


@dataclass(frozen=True)
class LogFilter:
    """Which events a reader of the log asks for; None asks nothing of that field. The
    period is of days in Amsterdam, both ends included, on the time the fact became known
    (`known_at`, the axis a basis reads, ADR 0002)."""

    known_from: date | None = None
    known_to: date | None = None
    event_type: str | None = None
    actor: str | None = None
    decision: str | None = None


ANY = LogFilter()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), AMSTERDAM)


def _events(after: int, until: int | None, wanted: LogFilter) -> list[ColumnElement[bool]]:
    log = schema.audit_log
    conditions = [log.c.position > after]
    if until is not None:
        conditions.append(log.c.position <= until)
    if wanted.known_from is not None:
        conditions.append(log.c.known_at >= _start_of(wanted.known_from))
    if wanted.known_to is not None:
        conditions.append(log.c.known_at < _start_of(wanted.known_to + timedelta(days=1)))
    if wanted.event_type is not None:
        conditions.append(log.c.event_type == wanted.event_type)
    if wanted.actor is not None:
        conditions.append(log.c.actor == wanted.actor)
    if wanted.decision is not None:
        conditions.append(log.c.decision_reference == wanted.decision)
    return conditions


def _event_store(dialect: str) -> tuple[TableClause, str]:
    """The event recorder's table and its log-position column: the audit log keeps no copy
    of an event's stored state; its readers read it there (migration 0019, ADR 0038)."""
    name, position = stored_events(dialect)
    return table(name, column(position, BigInteger), column("state", LargeBinary)), position


def audit_log(
    conn: Connection,
    *,
    after: int = 0,
    until: int | None = None,
    offset: int = 0,
    limit: int = 100,
    wanted: LogFilter = ANY,
) -> list[EventRow]:
    """The events after log position `after` (and up to `until`) that `wanted` asks for,
    in log order."""
    log = schema.audit_log
    events, at = _event_store(conn.dialect.name)
    query = (
        select(log, events.c.state.label("payload"))
        .select_from(log.outerjoin(events, events.c[at] == log.c.position))
        .where(*_events(after, until, wanted))
        .order_by(log.c.position)
        .offset(offset)
        .limit(limit)
    )
    return [
        {
            "position": row.position,
            "event_type": row.event_type,
            "aggregate_id": dashed(row.originator_id),
            "version": row.originator_version,
            "period": row.period,
            "known_at": row.known_at.isoformat(),
            "recorded_at": row.recorded_at.isoformat(),
            "actor": row.actor,
            "decision": row.decision_reference,
            "source": row.source,
            "import_id": row.import_id,
            # No state only where the event store lost a row, which the chain reports.
            "payload": "" if row.payload is None else bytes(row.payload).decode("utf-8"),
        }
        for row in conn.execute(query)
    ]


def audit_log_count(
    conn: Connection, *, after: int = 0, until: int | None = None, wanted: LogFilter = ANY
) -> int:
    found = conn.execute(
        select(func.count()).select_from(schema.audit_log).where(*_events(after, until, wanted))
    ).scalar()
    return int(found or 0)


@dataclass(frozen=True)
class LogChoices:
    """What the log's filters can choose from: the event types and actors up to a position,
    each once, sorted."""

    event_types: list[str]
    actors: list[str]


def log_choices(conn: Connection, *, until: int) -> LogChoices:
    log = schema.audit_log

    def distinct(column: ColumnElement[str]) -> list[str]:
        query = select(column).where(log.c.position <= until).distinct().order_by(column)
        return [str(value) for value in conn.execute(query).scalars()]

    return LogChoices(distinct(log.c.event_type), distinct(log.c.actor))
