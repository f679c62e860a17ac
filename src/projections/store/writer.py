"""Bulk insertion of read-model rows inside the runner's batch transaction (ADR 0014).

SQLAlchemy's `conn.execute(insert(table), rows)` builds every row's parameters through the
compiled statement, one dictionary per row, and that cost more than decoding the events.
Here each table's statement and the bind processors of its columns are prepared once per
dialect. A row becomes a list of values in column order with the same processors applied,
so the stored values are exactly those `insert(table)` stores, and a table's rows go to the
driver in one call:
- SQLite: `executemany` of a positional INSERT, through `Connection.exec_driver_sql`;
- PostgreSQL: `COPY ... FROM STDIN` on the same psycopg connection, hence in the same
  transaction as the tracking update. psycopg's errors are wrapped in SQLAlchemy's
  exceptions, as SQLAlchemy wraps them itself, so the runner's race handling is unchanged.

The moments (`UtcDateTime` columns) are the costly values to convert, and the rows of one
batch share them: an event's known_at and recorded_at stand in each of its rows, a command's
events share their known_at. A `RowWriter` converts each distinct moment once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeEngine

from projections.store.schema import UtcDateTime

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Plan:
    """How one table's rows reach the driver on one dialect."""

    statement: str
    values: Callable[[dict[str, Any]], tuple[Any, ...]]  # a row's values in column order
    processors: tuple[tuple[int, Processor], ...]  # (column index, bind processor)
    moments: tuple[int, ...]  # indexes of the UtcDateTime columns
    moment: Processor | None  # their bind processor (the same for every such column)


_PLANS: dict[tuple[str, str], _Plan] = {}  # (dialect, table): a pure function of both


def _plan(dialect: Dialect, table: Table) -> _Plan:
    key = (dialect.name, table.fullname)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _make_plan(dialect, table)
    return plan


def _make_plan(dialect: Dialect, table: Table) -> _Plan:
    columns = list(table.columns)
    preparer = dialect.identifier_preparer
    names = ", ".join(preparer.quote(column.name) for column in columns)
    target = preparer.format_table(table)
    if dialect.name == "postgresql":
        statement = f"COPY {target} ({names}) FROM STDIN"
    else:
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {target} ({names}) VALUES ({marks})"  # noqa: S608 (our names)
    moments = tuple(i for i, c in enumerate(columns) if isinstance(c.type, UtcDateTime))
    # The dialect's own implementation of each type, as a compiled INSERT uses it: on SQLite
    # that renders a moment as text with six fraction digits, which as-of filters compare.
    processors = tuple(
        (index, process)
        for index, column in enumerate(columns)
        if index not in moments and (process := _processor(dialect, column.type)) is not None
    )
    getter = itemgetter(*(column.key for column in columns))
    values: Callable[[dict[str, Any]], tuple[Any, ...]] = (
        getter if len(columns) > 1 else (lambda row: (getter(row),))
    )
    moment = _processor(dialect, UtcDateTime()) if moments else None
    return _Plan(statement, values, processors, moments, moment)


def _processor(dialect: Dialect, type_: TypeEngine[Any]) -> Processor | None:
    return type_.dialect_impl(dialect).bind_processor(dialect)


class RowWriter:
    """Writes the rows of one batch in its transaction. Every row of a table names every
    column of it (the projectors' rows do)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # A moment's stored form depends only on its instant (naive UTC), so equal moments
        # share one conversion.
        self._moments: dict[datetime, Any] = {}

    def insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        dialect = self.conn.dialect
        plan = _plan(dialect, table)
        params = self._values(plan, rows)
        if dialect.name == "postgresql":
            self._copy(plan.statement, params)
        else:
            self.conn.exec_driver_sql(plan.statement, params)

    def _values(self, plan: _Plan, rows: Sequence[dict[str, Any]]) -> list[Any]:
        values, processors, moments = plan.values, plan.processors, plan.moments
        if not processors and not moments:
            return [values(row) for row in rows]
        known = self._moments
        convert = plan.moment
        out = []
        for row in rows:
            items = list(values(row))
            for index in moments:
                value = items[index]
                stored = known.get(value) if value is not None else None
                if stored is None:
                    stored = convert(value) if convert is not None else value
                    if value is not None:
                        known[value] = stored
                items[index] = stored
            for index, process in processors:
                items[index] = process(items[index])
            out.append(tuple(items))
        return out

    def _copy(self, statement: str, params: list[Any]) -> None:
        conn = self.conn
        driver = conn.connection.driver_connection
        dbapi = conn.dialect.loaded_dbapi
        try:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                for row in params:
                    copy.write_row(row)
        except dbapi.Error as error:
            raise DBAPIError.instance(
                statement, None, error, dbapi.Error, dialect=conn.dialect
            ) from error
