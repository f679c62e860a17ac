"""The audit log as the read model holds it: one row per event, in log order, for the
auditor (`/events`, `begroting log`, the log export)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, func, select

from projections.queries.figure_rows import EventRow
from projections.queries.figures import dashed
from projections.store import schema


def _events(after: int, until: int | None) -> list[ColumnElement[bool]]:
    log = schema.audit_log
    wanted = [log.c.position > after]
    if until is not None:
        wanted.append(log.c.position <= until)
    return wanted


def audit_log(
    conn: Connection,
    *,
    after: int = 0,
    until: int | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[EventRow]:
    """The events after log position `after` (and up to `until`), in log order."""
    log = schema.audit_log
    query = (
        select(log)
        .where(*_events(after, until))
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
            "payload": row.payload,
        }
        for row in conn.execute(query)
    ]


def audit_log_count(conn: Connection, *, after: int = 0, until: int | None = None) -> int:
    found = conn.execute(
        select(func.count()).select_from(schema.audit_log).where(*_events(after, until))
    ).scalar()
    return int(found or 0)
