"""Many municipalities on one server (ADR 0032): a ledger per municipality, named by its CBS
code (GM0268), in a PostgreSQL schema or a SQLite file of its own beside the default ledger
(the database of the URL itself). The directory of codes and names lives in the default
ledger's `ledgers` table."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from api.ledger import Ledger, open_database, system_clock
from domain.errors import DuplicateError, InvalidInputError
from domain.values import check_text
from projections.store.database import ConfigurationError, Database, stored_events

LEDGER_CODE = re.compile(r"^GM[0-9]{4}$")

# Kept apart from the read model's metadata: API state of the default ledger alone.
ledger_directory = Table(
    "ledgers",
    MetaData(),
    Column("code", String(6), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
)


class UnknownLedgerError(ConfigurationError):
    """No ledger of that code on this database (the command line's one line, exit 2)."""

    def __init__(self, code: str) -> None:
        super().__init__(
            f"no ledger {code} on this database: create it with "
            f"begroting ledger create {code} --name NAME"
        )
        self.code = code


def ledger_code(given: str, field: str = "code") -> str:
    """A CBS municipality code, GM and four digits; lower case is taken and stored upper."""
    code = given.strip().upper()
    if not LEDGER_CODE.match(code):
        raise InvalidInputError(
            f"{field}: {given!r} is not a CBS municipality code such as GM0268", field=field
        )
    return code


class LedgersBusyError(Exception):
    """Every open ledger was in use for as long as a request waits to open another (ADR
    0032): the service answers 503 rather than open one past its bound."""

    def __init__(self, code: str, waited: float) -> None:
        super().__init__(
            f"every open ledger is in use: ledger {code} waited {waited:g} s to be opened; "
            "retry shortly"
        )
        self.code = code


@dataclass(frozen=True)
class LedgerEntry:
    code: str
    name: str
    events: int


def directory(engine: Engine) -> dict[str, str]:
    """The ledgers of the default ledger's database: code -> name, in code order. A database
    that predates the directory (migration 0017) has none."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(ledger_directory.c.code, ledger_directory.c.name).order_by(
                    ledger_directory.c.code
                )
            ).all()
    except SQLAlchemyError:
        return {}
    return {str(row.code): str(row.name) for row in rows}


def is_known(engine: Engine, code: str) -> bool:
    try:
        with engine.connect() as conn:
            found = conn.execute(
                select(ledger_directory.c.code).where(ledger_directory.c.code == code)
            ).first()
    except SQLAlchemyError as error:
        if _no_directory(error):
            return False  # a database that predates the directory (migration 0017)
        raise  # an outage: the API's 503, never "unknown"
    return found is not None


def _no_directory(error: SQLAlchemyError) -> bool:
    """The `ledgers` table is missing (PostgreSQL 42P01, SQLite "no such table")."""
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) == "42P01" or "no such table" in str(orig)


def named(default: Database, code: str) -> Database:
    """The database of the ledger `code`, refused when the directory does not list it."""
    code = ledger_code(code, "--ledger")
    engine = _directory_engine(default)
    try:
        if engine is None or not is_known(engine, code):
            raise UnknownLedgerError(code)
    finally:
        if engine is not None:
            engine.dispose()
    return default.of_ledger(code)


def _directory_engine(database: Database) -> Engine | None:
    """An engine on the default ledger's database; None for a SQLite file that does not
    exist (it lists no ledger, and a look-up must not create it)."""
    if database.is_sqlite and not Path(make_url(database.url).database or "").is_file():
        return None
    return database.create_engine()


def create_ledger(
    url: str,
    code: str,
    name: str,
    *,
    created_by: str = "system",
    schema: str | None = None,
    clock: Callable[[], datetime] = system_clock,
) -> str:
    """Create the ledger `code` named `name` beside the default ledger of `url` (and
    `schema`): listed in the directory, its schema or file made and migrated. Returns the
    code as stored; a code that exists is refused (DuplicateError)."""
    code = ledger_code(code)
    check_text(name, "name", max_length=200)
    if name != name.strip():
        raise InvalidInputError("a ledger's name has no surrounding spaces", field="name")
    default = Database.parse(url, schema)
    target = default.of_ledger(code)
    home = open_database(default, clock)
    try:
        try:
            with home.engine.begin() as conn:
                conn.execute(
                    insert(ledger_directory).values(
                        code=code, name=name, created_at=clock(), created_by=created_by
                    )
                )
                if target.schema is not None:
                    # In the same transaction: no listed ledger without its schema.
                    conn.execute(text(f'CREATE SCHEMA "{target.schema}"'))
                elif Path(make_url(target.url).database or "").exists():
                    raise DuplicateError(
                        f"the file of ledger {code} exists: {target.redacted()}", field="code"
                    )
        except IntegrityError:
            raise DuplicateError(f"the ledger {code} exists", field="code") from None
        except DBAPIError as error:
            if "already exists" not in str(error.orig):
                raise
            raise DuplicateError(
                f"the schema {target.schema} exists in this database", field="code"
            ) from None
        open_database(target, clock).close()  # its tables, migrated to head
    finally:
        home.close()
    return code


def list_ledgers(url: str, *, schema: str | None = None) -> list[LedgerEntry]:
    """Every ledger of the directory with its name and how many events its log holds."""
    default = Database.parse(url, schema)
    engine = _directory_engine(default)
    if engine is None:
        return []
    try:
        names = directory(engine)
        return [
            LedgerEntry(code, name, _events(engine, default, code)) for code, name in names.items()
        ]
    finally:
        engine.dispose()


def _events(engine: Engine, default: Database, code: str) -> int:
    """The ledger's events, counted without opening it (no migration, no recorder)."""
    target = default.of_ledger(code)
    table, _ = stored_events("sqlite" if target.is_sqlite else "postgresql")
    if target.is_sqlite:
        path = Path(make_url(target.url).database or "")
        if not path.is_file():
            return 0
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            try:
                row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            except sqlite3.OperationalError:  # created, never opened: no log yet
                return 0
        return int(row[0])
    try:
        with engine.connect() as conn:
            count = conn.execute(
                text(f'SELECT count(*) FROM "{target.schema}".{table}')  # noqa: S608
            ).scalar()
    except SQLAlchemyError:
        return 0
    return int(count or 0)


# A secret of the ledger: a token not revoked, or a workspace session not ended (expiry and
# the rest are checked by the ledger's own stores once it is open).
_KNOWN_HASH_SQL = (
    "SELECT 1 FROM {s}api_tokens WHERE token_hash = {h} AND revoked_at IS NULL "
    "UNION ALL SELECT 1 FROM {s}web_sessions WHERE id_hash = {h} AND ended_at IS NULL"
)


def holds_secret(engine: Engine, default: Database, code: str, hashed: str) -> bool:
    """Whether the ledger `code` knows the secret of SHA-256 `hashed`, read without opening
    it (ADR 0032): a caller must not make the service open, migrate and verify a ledger, and
    take its connections, by naming its public CBS code with a made-up token."""
    target = default.of_ledger(code)
    if target.is_sqlite:
        path = Path(make_url(target.url).database or "")
        if not path.is_file():
            return False
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            try:
                sql = _KNOWN_HASH_SQL.format(s="", h="?")
                return conn.execute(sql, (hashed, hashed)).fetchone() is not None
            except sqlite3.OperationalError:  # created, never opened: no tables yet
                return False
    try:
        with engine.connect() as conn:
            sql = _KNOWN_HASH_SQL.format(s=f'"{target.schema}".', h=":h")
            return conn.execute(text(sql), {"h": hashed}).first() is not None
    except SQLAlchemyError:
        return False


def open_named(default: Database, code: str, clock: Callable[[], datetime]) -> Ledger:
    """The ledger `code` beside `default`, opened (migrated at open, ADR 0032)."""
    return open_database(named(default, code), clock)
