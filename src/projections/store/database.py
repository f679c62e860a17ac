"""One database URL chooses the engine: SQLite (embedded default) or PostgreSQL.

The event log lives in the eventsourcing core recorder's table; the read model in our
SQLAlchemy tables in the same database (ADR 0004). Opening a ledger creates what is missing
and migrates the read-model schema to head.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

import migrations

if TYPE_CHECKING:
    from domain.application import Begroting, Clock

# How long a writer waits for a lock another holds (SQLite's one write lock, the read
# model's lock during a rebuild) before it gives up with a busy error (ADR 0015).
LOCK_WAIT_SECONDS = 30

# What a checkpointed SQLite write-ahead log is cut back to: four times the default
# autocheckpoint's 1,000 pages of 4 KiB.
WAL_SIZE_LIMIT = 16 * 1024 * 1024


def stored_events(dialect: str) -> tuple[str, str]:
    """The event recorder's table and its log-position column, for reading rows as they are
    stored (the chain's read around a malformed row, a retry's look-up; ADR 0007)."""
    if dialect == "sqlite":
        return "stored_events", "rowid"
    return "begroting_events", "notification_id"


class ConfigurationError(Exception):
    """The database setting is missing, malformed or unsafe."""


class DatabaseUnavailableError(Exception):
    """The database could not be reached or opened."""


# SQLite's "database is locked" and "database table is locked" (the busy timeout ran out).
_SQLITE_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_lock_timeout(error: BaseException) -> bool:
    """Whether `error`, or an error it wraps (SQLAlchemy's `orig`, the eventsourcing
    recorders' `__cause__`), is a wait for a lock (or a pooled connection) that ran out:
    another transaction held it, the database itself is fine. A retry later may succeed."""
    seen: set[int] = set()
    current: BaseException | None = error
    # psycopg is imported by SQLAlchemy's dialect when a PostgreSQL engine is made, and the
    # event store when a ledger's application is opened; before that no error can be one of
    # theirs, and a command that needs neither does not load them (ADR 0023, ADR 0037).
    psycopg = sys.modules.get("psycopg")
    recorder = sys.modules.get("eventsourcing.persistence")
    lock_errors: tuple[type[BaseException], ...] = ()
    if recorder is not None:
        lock_errors += (recorder.ConnectionUnavailableError,)
    if psycopg is not None:
        lock_errors += (psycopg.errors.LockNotAvailable,)
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, lock_errors):
            return True
        if isinstance(current, sqlite3.OperationalError) and (
            getattr(current, "sqlite_errorcode", None) in _SQLITE_BUSY or "locked" in str(current)
        ):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


# The connections one ledger among many may hold (ADR 0032): the event recorder's pool
# (psycopg_pool: opened at start, grown to size + overflow under load) and the read model's
# SQLAlchemy pool. The default ledger keeps the larger pools it always had.
SHARED_RECORDER_POOL = (1, 1)
SHARED_ENGINE_POOL = (2, 2)
SHARED_CONNECTIONS = sum(SHARED_RECORDER_POOL) + sum(SHARED_ENGINE_POOL)
DEFAULT_CONNECTIONS = 2 + 4 + 5 + 10  # the recorder's 2 + 4, SQLAlchemy's 5 + 10


@dataclass(frozen=True)
class Database:
    url: str
    schema: str | None = None  # PostgreSQL only: isolates a ledger (tests use one per test)
    # One ledger among many on a server (ADR 0032): small connection pools.
    shared: bool = False

    @classmethod
    def parse(cls, text: str, schema: str | None = None) -> Database:
        try:
            url = make_url(text)
        except ArgumentError:
            raise ConfigurationError(f"not a database URL: {text!r}") from None
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise ConfigurationError("a SQLite URL names a file: sqlite:///path/to/file")
            return cls(url.render_as_string(hide_password=False), None)
        if url.get_backend_name() == "postgresql":
            if not url.database:
                raise ConfigurationError("a PostgreSQL URL names a database")
            url = url.set(drivername="postgresql+psycopg")
            return cls(url.render_as_string(hide_password=False), schema)
        raise ConfigurationError(
            f"unsupported database {url.get_backend_name()!r}: use sqlite:/// or postgresql://"
        )

    def of_ledger(self, code: str) -> Database:
        """The database of the ledger `code` (GM0268) beside this default one (ADR 0032):
        on SQLite the file <stem>.ledgers/GM0268.sqlite3 next to this file, on PostgreSQL
        the schema gm0268 of the same database (s_gm0268 when this ledger is schema s)."""
        url = make_url(self.url)
        if self.is_sqlite:
            path = Path(url.database or "")
            ledger = path.parent / f"{path.stem}.ledgers" / f"{code}.sqlite3"
            return Database(
                url.set(database=str(ledger)).render_as_string(hide_password=False), None, True
            )
        schema = code.lower() if self.schema is None else f"{self.schema}_{code.lower()}"
        return Database(self.url, schema, True)

    def redacted(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.url).get_backend_name() == "sqlite"

    def eventsourcing_env(self) -> dict[str, str]:
        url = make_url(self.url)
        if self.is_sqlite:
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": url.database or "",
                "SQLITE_LOCK_TIMEOUT": str(LOCK_WAIT_SECONDS),
            }
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.database or "",
            "POSTGRES_HOST": url.host or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "postgres",
            "POSTGRES_PASSWORD": url.password or "",
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_POOL_SIZE": str(SHARED_RECORDER_POOL[0] if self.shared else 2),
            "POSTGRES_MAX_OVERFLOW": str(SHARED_RECORDER_POOL[1] if self.shared else 4),
        }
        if self.schema:
            env["POSTGRES_SCHEMA"] = self.schema
        return env

    def create_engine(self) -> Engine:
        if self.is_sqlite:
            path = make_url(self.url).database
            if path is not None:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(self.url)

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection: Any, _: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000}")
                cursor.execute("PRAGMA journal_mode = WAL")
                # SQLite never shrinks its write-ahead log by itself: a large transaction (an
                # import, a rebuild) would leave it at its size for good (ADR 0038).
                cursor.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
                cursor.close()

            return engine
        connect_args: dict[str, Any] = {"connect_timeout": 5}
        if self.schema:
            connect_args["options"] = f"-csearch_path={self.schema}"
        pools: dict[str, Any] = {}
        if self.shared:
            pools = {"pool_size": SHARED_ENGINE_POOL[0], "max_overflow": SHARED_ENGINE_POOL[1]}
        return create_engine(self.url, connect_args=connect_args, pool_pre_ping=True, **pools)


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one committed state of the database, as if no other
    transaction ran meanwhile (PostgreSQL: REPEATABLE READ; SQLite: one read transaction,
    which the driver would not begin for a SELECT). It writes nothing; closing rolls back."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN")
            yield conn
        return
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        yield conn


_REVISION = re.compile(r'^(down_revision|revision) = (None|"[^"]*")$', re.MULTILINE)


def migration_head() -> str | None:
    """The newest migration's revision, read from the files of migrations/versions without
    alembic; None when they do not form one line (then alembic decides)."""
    revisions, downs = set(), set()
    for path in Path(next(iter(migrations.__path__)), "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revisions.add(found["revision"].strip('"'))
        downs.add(found.get("down_revision", "None").strip('"'))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def _current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:  # a new database: no version table yet
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def _sqlite_revision(conn: Connection) -> str | None:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    if found is None:
        return None
    rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return str(rows[0][0]) if len(rows) == 1 else None


_migrating = threading.Lock()


def migrate(engine: Engine) -> None:
    """Bring the read-model schema (and the log's append-only triggers) to head. A schema
    already at head is left without loading alembic: its import is a sixth of a command's
    start-up, paid on every open (ADR 0023)."""
    head = migration_head()
    if head is not None and _current_revision(engine) == head:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", next(iter(migrations.__path__)))
    # Alembic's `context` and `op` are module globals: one migration at a time in a
    # process, whatever the ledger (a service opens ledgers from many threads).
    with _migrating, engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # The write lock before the version is read: another process migrating the
            # same file first is waited for, and its work found done (ADR 0032). The
            # driver would otherwise run each DDL statement on its own, outside any lock.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            if head is not None and _sqlite_revision(connection) == head:
                return
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _unavailable(database: Database, error: SQLAlchemyError) -> DatabaseUnavailableError:
    reason = " ".join(str(getattr(error, "orig", None) or error).split())  # one line
    return DatabaseUnavailableError(f"cannot open {database.redacted()}: {reason}")


def _write_ahead_log(engine: Engine, database: Database) -> None:
    """A new SQLite file is switched to its write-ahead log by its first connection. Two
    switching it at once may be refused at once ("database is locked": SQLite does not wait
    for that lock), and the event store's connections switch it without a retry. Switched
    here first, retried until the lock wait runs out, they find it done."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            with engine.connect():  # the engine's pragmas switch it
                return
        except SQLAlchemyError as error:
            if is_lock_timeout(error) and time.monotonic() < deadline:
                time.sleep(0.01)
                continue
            raise _unavailable(database, error) from error


@contextmanager
def opening(engine: Engine, database: Database) -> Iterator[None]:
    """On PostgreSQL, one process at a time creates and migrates the tables of a schema:
    two opening it at once would race on the recorder's CREATE ... IF NOT EXISTS and
    CREATE OR REPLACE FUNCTION ("tuple concurrently updated") or on a migration (ADR
    0032). A transaction-level advisory lock keyed by the schema, released when the
    opening ends, however it ends. SQLite's one write lock keeps its openers apart, once
    the file is in write-ahead-log mode."""
    if database.is_sqlite:
        _write_ahead_log(engine, database)
        yield
        return
    name = f"begroting:open:{database.schema or 'public'}".encode()
    key = int.from_bytes(hashlib.sha256(name).digest()[:8], "big", signed=True)
    try:
        conn = engine.connect()
    except SQLAlchemyError as error:
        raise _unavailable(database, error) from error
    with conn, conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
        yield


def open_application(database: Database, clock: Clock) -> Begroting:
    # The domain's use cases and the event store: only for a command that records or must
    # read the log itself, not for a read of a current read model (ADR 0037).
    from domain.application import Begroting

    try:
        return Begroting(database.eventsourcing_env(), clock=clock)
    except Exception as error:  # the recorders raise driver-specific errors
        raise DatabaseUnavailableError(f"cannot open {database.redacted()}: {error}") from error
