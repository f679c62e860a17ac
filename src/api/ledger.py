"""Opening a ledger: the application, its read model and the runner that keeps them in step.
Shared by the command line and the HTTP service."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import Engine, text

from domain.application import Begroting
from domain.events import Event
from projections.audit import chain
from projections.readmodel.runner import ProjectionRunner
from projections.store.database import (
    Database,
    DatabaseUnavailableError,
    migrate,
    open_application,
    opening,
    stored_events,
)


@dataclass
class Ledger:
    app: Begroting
    engine: Engine
    runner: ProjectionRunner
    # One command at a time per process: the application's clock guard and the aggregate
    # cache are not meant for threads. Other processes are kept apart by the database.
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    # Where it lives: the ledgers of other municipalities live beside it (ADR 0032).
    database: Database | None = None

    def logged(self, aggregate_id: UUID, version: int) -> tuple[int, Any] | None:
        """The event `aggregate_id` recorded as `version`, and its log position; None if
        the log has none. Raises `ChainBroken` (the API's 503) for a row it cannot read."""
        sqlite = self.engine.dialect.name == "sqlite"
        table, position = stored_events(self.engine.dialect.name)
        with self.engine.connect() as conn:
            row = conn.execute(
                text(
                    f"SELECT {position}, topic, state FROM {table} "  # noqa: S608 - our names
                    "WHERE originator_id = :id AND originator_version = :version"
                ),
                {"id": aggregate_id.hex if sqlite else aggregate_id, "version": version},
            ).first()
        if row is None:
            return None
        state = row[2]
        if isinstance(state, bytearray | memoryview):
            state = bytes(state)
        stored = Notification(
            id=int(row[0]),
            originator_id=aggregate_id,
            originator_version=version,
            topic=row[1],
            state=state,
        )
        # A row tampered with so that it cannot be read is a break, never a crash.
        event = chain.decode(self.app, stored)
        if not isinstance(event, Event):
            problem = f"its topic names {type(event).__name__}, not an event of the ledger"
            raise chain.ChainBroken(chain.unreadable(stored.id, problem))
        return stored.id, event

    def close(self) -> None:
        self.app.close()
        self.engine.dispose()


def system_clock() -> datetime:
    return datetime.now(UTC)


def open_ledger(
    url: str, *, schema: str | None = None, clock: Callable[[], datetime] = system_clock
) -> Ledger:
    return open_database(Database.parse(url, schema), clock)


def open_database(database: Database, clock: Callable[[], datetime] = system_clock) -> Ledger:
    """The ledger in `database`: its tables created or migrated to head first."""
    engine = database.create_engine()  # first: it makes a new SQLite file's directory
    try:
        with opening(engine, database):  # one process at a time (PostgreSQL, ADR 0032)
            app = open_application(database, clock)
            try:
                migrate(engine)
            except Exception as error:
                app.close()
                raise DatabaseUnavailableError(
                    f"cannot migrate {database.redacted()}: {error}"
                ) from error
    except BaseException:
        engine.dispose()
        raise
    return Ledger(app, engine, ProjectionRunner(app, engine), database=database)
