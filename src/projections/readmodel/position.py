"""Where the read model stands against the log, read without the application: the position
every projection and the hash chain has reached, and the log's last position.

A command that only reads figures asks this first. A read model whose schema is at the
migrations' head and whose projections and chain have reached the log's last position has
nothing to catch up, so the read needs neither the event store nor the domain's use cases,
which are most of its start-up (ADR 0037). Otherwise the ledger is opened and caught up as
before. The answer is the runner's own test for "nothing new" (`ProjectionRunner.catch_up`),
on the same rows.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from projections.store.database import migration_head, stored_events

# The tracking rows of `PROJECTIONS` and of the chain, by name: a test keeps them equal to
# the runner's, so a projection added there cannot be left out here.
TRACKED = (
    "audit_log",
    "decisions",
    "budget",
    "taakstellingen",
    "realisations",
    "reserves",
    "fiscal_years",
    "reports",
    "stated_facts",
    "rechtmatigheid",
    "running_totals",
    "chain",
)


def reached(conn: Connection) -> int:
    """The log position every projection and the chain has reached (0 for one never
    tracked), as `ProjectionRunner.position` reads it."""
    rows = conn.exec_driver_sql("SELECT projection, position FROM projection_tracking")
    tracked = {str(name): int(position) for name, position in rows}
    return min(tracked.get(name, 0) for name in TRACKED)


def log_head(conn: Connection) -> int:
    """The log's last position (0 for an empty log), as the event recorder reads it."""
    table, position = stored_events(conn.dialect.name)
    found = conn.exec_driver_sql(f"SELECT MAX({position}) FROM {table}").scalar()  # noqa: S608 - our names
    return 0 if found is None else int(found)


def current(conn: Connection) -> int | None:
    """The position the read model has reached when it can be read as it stands: its schema
    at head and nothing in the log after that position. None when the ledger must first be
    opened, migrated or caught up, or cannot be read this way (a new or unreadable
    database): its opening then does that, and says what is wrong."""
    head = migration_head()
    if head is None:
        return None  # migrations that do not form one line: alembic decides, on opening
    try:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        if [tuple(row) for row in revision] != [(head,)]:
            return None
        position = reached(conn)
        # Behind: a catch-up is due. Ahead (a log restored under a newer read model): the
        # figures would name events the log no longer holds; the opening says so.
        if position != log_head(conn):
            return None
    except SQLAlchemyError:
        return None
    return position
