"""The ledger and the read model as a command opens them, and the figure a command names."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from projections.audit.verdicts import guard
from projections.queries.basis import Basis, BasisError, parse_moment, resolve_basis
from projections.readmodel import position
from projections.store.database import Database

if TYPE_CHECKING:
    from api.ledger import Ledger
    from api.settings import Settings


class CliError(Exception):
    """A usage or input error a command found: one line, exit 2."""


def settings() -> Settings:
    """The settings (the environment, the config file), read when a command needs them:
    pydantic is a tenth of a second of start-up that `--db` alone does not need."""
    from api.settings import load_settings

    return load_settings()


def db_url(args: argparse.Namespace) -> str:
    """--db, else the settings' database: the default ledger's (ADR 0032)."""
    url: str = getattr(args, "db", None) or settings().db_url
    return url


def database_for(args: argparse.Namespace) -> Database:
    """The database of the ledger --ledger names (a municipality's, listed in the default
    ledger's directory), or of the default ledger without it."""
    default = Database.parse(db_url(args))
    code: str | None = getattr(args, "ledger", None)
    if code is None:
        return default
    from api.ledgers import named  # the ledger directory: only when --ledger names one

    return named(default, code)


def open_for(args: argparse.Namespace) -> Ledger:
    # The application (eventsourcing, the domain's use cases): only for a command that
    # records, verifies or catches up (ADR 0037).
    from api.ledger import open_database

    return open_database(database_for(args))


@contextmanager
def ledger_for(args: argparse.Namespace) -> Iterator[Ledger]:
    ledger = open_for(args)
    try:
        ledger.runner.catch_up()
        yield ledger
    finally:
        ledger.close()


@contextmanager
def uncaught(args: argparse.Namespace) -> Iterator[Ledger]:
    """The ledger as it stands, no catch-up first: verification must also work on a log
    whose tampering keeps the read model from catching up (ADR 0007)."""
    ledger = open_for(args)
    try:
        yield ledger
    finally:
        ledger.close()


def grace() -> timedelta:
    """The backdating grace of the settings (BEGROTING_BACKDATING_GRACE or the config file),
    as the service reads it (ADR 0018)."""
    return settings().grace


@contextmanager
def reading(ledger: Ledger) -> Iterator[tuple[Connection, int]]:
    """The read model's figures, refused while a break in the log is recorded (ADR 0017)."""
    reached = ledger.runner.position()
    with ledger.engine.connect() as conn:
        guard(conn)
        yield conn, reached


@contextmanager
def read_model(args: argparse.Namespace) -> Iterator[tuple[Connection, int]]:
    """The figures of a command that only reads, as `ledger_for` and `reading` give them.
    A read model at the log's head and the schema's (`position.current`) is read as it
    stands, without the application: no event store, no domain use cases, most of a
    read's start-up (ADR 0037). Anything else (a new database, a migration, events to
    apply, a database that cannot be reached) opens the ledger and catches up first."""
    engine = database_for(args).create_engine()
    try:
        try:
            conn = engine.connect()
        except SQLAlchemyError:
            conn = None  # not reachable as it stands: the opening below says why
        if conn is not None:
            with conn:
                reached = position.current(conn)
                if reached is not None:
                    guard(conn)
                    yield conn, reached
                    return
    finally:
        engine.dispose()
    with ledger_for(args) as ledger, reading(ledger) as found:
        yield found


@contextmanager
def unguarded(ledger: Ledger) -> Iterator[tuple[Connection, int]]:
    """For verification and the auditor's kit, which must also work on a broken log."""
    reached = ledger.runner.position()
    with ledger.engine.connect() as conn:
        yield conn, reached


def recorded_at(args: argparse.Namespace) -> str | None:
    """--as-recorded-at, checked here so that a malformed moment names its option."""
    moment: str | None = getattr(args, "as_recorded_at", None)
    if moment is not None:
        try:
            parse_moment(moment)
        except BasisError as error:
            raise CliError(f"--as-recorded-at: {error}") from None
    return moment


def basis_for(conn: Connection, args: argparse.Namespace, reached: int) -> Basis:
    """The basis --as-of and --as-recorded-at name, as the API resolves them (ADR 0002)."""
    return resolve_basis(conn, args.as_of, reached, as_recorded_at=recorded_at(args))


def budget_figure(args: argparse.Namespace) -> dict[str, Any]:
    """The dimensions naming a budget figure, as `history` and `export lineage` take them."""
    return {
        "fiscal_year": args.year,
        "fund": args.fund,
        "interventie": args.interventie,
        "taakveld": args.taakveld,
        "programma": args.programma,
        "categorie": args.categorie,
    }


def realised_figure(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "fiscal_year": args.year,
        "deelproduct": args.deelproduct,
        "fund": args.fund,
        "interventie": args.interventie,
        "categorie": args.categorie,
    }


def write_export(args: argparse.Namespace, export: Any, unit: str) -> None:
    """Write an export (a RowExport) to --output as --format says, and say so."""
    from api import spreadsheets as writers  # openpyxl: only when a file is written

    # Only a CSV has a dialect (its subcommands take --dialect).
    dialect = getattr(args, "dialect", writers.DEFAULT_CSV_DIALECT)
    content = writers.render(export, args.export_format, dialect)
    try:
        with open(args.output, "wb") as output:
            output.write(content)
    except OSError as error:
        raise CliError(f"cannot write {args.output}: {error.strerror}") from None
    print(f"{len(export.rows)} {unit} written to {args.output} ({args.export_format})")
