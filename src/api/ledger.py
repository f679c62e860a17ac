"""Opening a ledger: the application, its read model and the runner that keeps them in step.
Shared by the command line and the HTTP service."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from domain.application import Begroting
from projections.database import Database, DatabaseUnavailableError, migrate, open_application
from projections.runner import ProjectionRunner


@dataclass
class Ledger:
    app: Begroting
    engine: Engine
    runner: ProjectionRunner
    # One command at a time per process: the application's clock guard and the aggregate
    # cache are not meant for threads. Other processes are kept apart by the database.
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        self.app.close()
        self.engine.dispose()


def system_clock() -> datetime:
    return datetime.now(UTC)


def open_ledger(
    url: str, *, schema: str | None = None, clock: Callable[[], datetime] = system_clock
) -> Ledger:
    database = Database.parse(url, schema)
    engine = database.create_engine()  # first: it makes a new SQLite file's directory
    app = open_application(database, clock)
    try:
        migrate(engine)
    except Exception as error:
        app.close()
        engine.dispose()
        raise DatabaseUnavailableError(f"cannot migrate {database.redacted()}: {error}") from error
    return Ledger(app, engine, ProjectionRunner(app, engine))
