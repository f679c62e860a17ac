"""The log re-derived in a scratch read model, to check ours without trusting it: a
report's figures against its seal (`verify_report`), and every projection table against the
live one (`verify_read_model`). Both run the projection runner, so they sit above it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Column, Connection, Engine, Table, create_engine, select
from sqlalchemy.pool import StaticPool
from typing_extensions import TypedDict

from domain.application import Begroting
from projections.queries.basis import UnknownReportError
from projections.readmodel.projectors import PROJECTIONS
from projections.readmodel.runner import ProjectionRunner
from projections.store import schema


@dataclass(frozen=True)
class ReportCheck:
    report_id: str
    ok: bool
    sealed_digest: str
    derived_digest: str | None  # None: the log no longer publishes the report
    position: int
    chain_head: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "report": self.report_id,
            "status": "ok" if self.ok else "differs",
            "position": self.position,
            "chain_head": self.chain_head,
            "sealed_digest": self.sealed_digest,
            "derived_digest": self.derived_digest,
        }


def scratch_engine() -> Engine:
    """An empty in-memory read model, for re-deriving figures without trusting ours."""
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    schema.metadata.create_all(engine)
    return engine


def verify_report(app: Begroting, conn: Connection, report_id: str) -> ReportCheck:
    """Project the log afresh into a scratch read model, render the report at its own
    basis there and compare the digest with the seal stored at its first projection."""

    seal = conn.execute(
        select(schema.report_seals).where(schema.report_seals.c.report_id == report_id)
    ).first()
    if seal is None:
        raise UnknownReportError(f"unknown report {report_id!r}")
    engine = scratch_engine()
    try:
        ProjectionRunner(app, engine).catch_up()
        with engine.connect() as scratch:
            derived = scratch.execute(
                select(schema.report_seals).where(schema.report_seals.c.report_id == report_id)
            ).first()
    finally:
        engine.dispose()
    derived_digest = None if derived is None else str(derived.digest)
    return ReportCheck(
        report_id=report_id,
        ok=derived is not None
        and derived.digest == seal.digest
        and derived.chain_head == seal.chain_head,
        sealed_digest=seal.digest,
        derived_digest=derived_digest,
        position=int(seal.position),
        chain_head=seal.chain_head,
    )


# A read-model value as JSON carries it (times as ISO 8601 text), and a whole row of them.
Scalar = str | int | float | bool | None
Found = Scalar | dict[str, Scalar]


class ReadModelIntact(TypedDict):
    status: Literal["ok"]
    position: int
    tables: dict[str, str]  # table: digest of its rows


class ReadModelDiffers(TypedDict):
    """The first difference: a column of a row (`column` set) or a row on one side only
    (`live` or `recomputed` the row, null for the absent side)."""

    status: Literal["differs"]
    position: int
    table: str | None
    key: dict[str, Scalar] | None
    column: str | None
    live: Found
    recomputed: Found
    detail: str


@dataclass(frozen=True)
class ReadModelCheck:
    ok: bool
    position: int
    tables: dict[str, str]  # table: digest of its rows, for ok
    table: str | None = None
    key: dict[str, Scalar] | None = None
    column: str | None = None
    live: Found = None
    recomputed: Found = None
    detail: str = ""

    def to_json(self) -> ReadModelIntact | ReadModelDiffers:
        if self.ok:
            return {"status": "ok", "position": self.position, "tables": self.tables}
        return {
            "status": "differs",
            "position": self.position,
            "table": self.table,
            "key": self.key,
            "column": self.column,
            "live": self.live,
            "recomputed": self.recomputed,
            "detail": self.detail,
        }


def _ordered(conn: Connection, table: Table, position: int) -> Iterator[Any]:
    """The table's rows up to `position` in primary-key order; text keys in byte order on
    both engines (PostgreSQL's default collation would order them otherwise than SQLite)."""
    keys: list[Any] = []
    for column in table.primary_key.columns:
        is_text = column.type.python_type is str
        keys.append(
            column.collate("C") if is_text and conn.dialect.name == "postgresql" else column
        )
    statement = select(table).where(table.c.position <= position).order_by(*keys)
    yield from conn.execution_options(yield_per=2000).execute(statement)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _key(table: Table, row: Any) -> dict[str, Any]:
    return {c.name: _plain(getattr(row, c.name)) for c in table.primary_key.columns}


def compare_tables(
    live: Connection, recomputed: Connection, tables: Sequence[Table], position: int
) -> ReadModelCheck:
    """Compare each table row by row in primary-key order up to `position`: the first table
    and key that differ, or a digest per table."""
    digests: dict[str, str] = {}
    for table in tables:
        columns: list[Column[Any]] = list(table.columns)
        digest = hashlib.sha256()
        live_rows, derived_rows = (
            _ordered(live, table, position),
            _ordered(recomputed, table, position),
        )
        while True:
            mine, theirs = next(live_rows, None), next(derived_rows, None)
            if mine is None and theirs is None:
                break
            if mine is None or theirs is None or _key(table, mine) != _key(table, theirs):
                return _row_differs(table, position, mine, theirs)
            for column in columns:
                a, b = getattr(mine, column.name), getattr(theirs, column.name)
                if a != b:
                    key = _key(table, mine)
                    return ReadModelCheck(
                        False,
                        position,
                        {},
                        table.name,
                        key,
                        column.name,
                        _plain(a),
                        _plain(b),
                        f"{table.name} {_describe(key)}: {column.name} is {_plain(a)!r} in the "
                        f"read model, {_plain(b)!r} recomputed from the log",
                    )
            digest.update(json.dumps([_plain(v) for v in theirs], default=str).encode() + b"\n")
        digests[table.name] = digest.hexdigest()
    return ReadModelCheck(True, position, digests)


def _describe(key: dict[str, Any]) -> str:
    return ", ".join(f"{name} {value!r}" for name, value in key.items())


def _row_differs(table: Table, position: int, mine: Any, theirs: Any) -> ReadModelCheck:
    """A key on one side only: `live` and `recomputed` are the rows, None for the absent.
    Rows come in key order, so the smaller key is the one the other side lacks."""
    if theirs is None or (mine is not None and _sort_key(table, mine) < _sort_key(table, theirs)):
        key = _key(table, mine)
        detail = f"{table.name} {_describe(key)}: a row the log does not give"
        return ReadModelCheck(False, position, {}, table.name, key, None, _row(mine), None, detail)
    key = _key(table, theirs)
    detail = f"{table.name} {_describe(key)}: a row the log gives is missing from the read model"
    return ReadModelCheck(False, position, {}, table.name, key, None, None, _row(theirs), detail)


def _row(row: Any) -> dict[str, Any]:
    return {name: _plain(value) for name, value in row._mapping.items()}


def _sort_key(table: Table, row: Any) -> tuple[Any, ...]:
    values = (getattr(row, c.name) for c in table.primary_key.columns)
    return tuple(v.encode() if isinstance(v, str) else v for v in values)


def verify_read_model(app: Begroting, engine: Engine, position: int) -> ReadModelCheck:
    """Project the (verified) log into a scratch read model and compare every projection
    table with the live one, both up to `position`, the live read model's."""

    tables = [table for projection in PROJECTIONS for table in projection.tables]
    scratch = scratch_engine()
    try:
        ProjectionRunner(app, scratch).catch_up()
        with engine.connect() as live, scratch.connect() as derived:
            return compare_tables(live, derived, tables, position)
    finally:
        scratch.dispose()
