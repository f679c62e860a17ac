"""Sums as of a basis from the running totals (ADR 0034): per lane of a group, the total at
its last step visible on the basis, plus the steps of the group's late series (each its own
delta) the basis sees.

Along a lane both the log position and known_at never decrease, so the steps a basis sees
(position <= P and known_at <= K) are a prefix of it, ending at the earlier of the last step
at or before P and the last step known by K: two index seeks, whatever the history's length.

A statement is built once per shape and kept, its values bound at each call: building it
cost more than running it (a dozen milliseconds against a few).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Row,
    Select,
    bindparam,
    case,
    func,
    select,
    union_all,
)

from projections.queries.basis import Basis
from projections.store import schema

_POSITION: BindParameter[int] = bindparam("position", type_=schema.running_steps.c.position.type)
_KNOWN_AT: BindParameter[datetime] = bindparam(
    "known_at", type_=schema.running_steps.c.known_at.type
)


def last_position(
    series_id: ColumnElement[int],
    position: BindParameter[int] | None = None,
    known_at: BindParameter[datetime] | None = None,
) -> ColumnElement[int]:
    """The position of the lane's last step at or before `position` and known by `known_at`
    (its last step without them); NULL if it has none. A seek on (series_id, position), and
    with a cutoff one on (series_id, known_at, position) for the last step known by it."""
    steps = schema.running_steps.alias("last_step")
    query = select(steps.c.position).where(steps.c.series_id == series_id)
    bound: ColumnElement[Any] | None = position
    if known_at is not None:
        known = schema.running_steps.alias("known_step")
        known_last = (
            select(known.c.position)
            .where(known.c.series_id == series_id, known.c.known_at <= known_at)
            .order_by(known.c.known_at.desc(), known.c.position.desc())
            .limit(1)
            .correlate_except(known)
            .scalar_subquery()
        )
        # One bound, the lesser of the two (NULL, so no step, when nothing is known by
        # the cutoff): with two, SQLite seeks by one and filters by the other, reading every
        # step between them.
        bound = (
            known_last
            if position is None
            else case((known_last > position, position), else_=known_last)
        )
    if bound is not None:
        query = query.where(steps.c.position <= bound)
    # Correlated with the series row outside, also where SQLAlchemy would not infer it.
    return (
        query.order_by(steps.c.position.desc()).limit(1).correlate_except(steps).scalar_subquery()
    )


def sums(
    conn: Connection,
    basis: Basis,
    kind: str,
    by: tuple[str, ...],
    *,
    fiscal_years: Sequence[int] | None = None,
    fund: str | None = None,
    any_fund: bool = True,
    side: str | None = None,
    ordered: bool = False,
) -> Sequence[Row[tuple[object, ...]]]:
    """Per group of `kind` (its columns `by`, then `total`) the sum of its facts visible on
    the basis, a group only where the basis sees a fact of it. Only the groups of
    `fiscal_years`, of `fund` (None a value of its own) unless `any_fund`, of `side`;
    `ordered`: by `by`, NULL last on both engines."""
    statement = _statement(
        kind,
        by,
        fiscal_years is not None,
        "any" if any_fund else "none" if fund is None else "one",
        side is not None,
        basis.known_at is not None,
        ordered,
    )
    values: dict[str, Any] = {"position": basis.position, "known_at": basis.known_at}
    values.update(fiscal_years=list(fiscal_years or ()), fund=fund, side=side)
    return conn.execute(statement, values).all()


@cache
def _statement(
    kind: str,
    by: tuple[str, ...],
    years: bool,
    fund: str,
    side: bool,
    cutoff: bool,
    ordered: bool,
) -> Select[Any]:
    series, steps = schema.running_series, schema.running_steps
    where: list[ColumnElement[bool]] = [series.c.kind == kind]
    if years:
        where.append(series.c.fiscal_year.in_(bindparam("fiscal_years", expanding=True)))
    if fund == "none":
        where.append(series.c.fund.is_(None))
    elif fund == "one":
        where.append(series.c.fund == bindparam("fund"))
    if side:
        where.append(series.c.side == bindparam("side"))
    known_at = _KNOWN_AT if cutoff else None
    lanes = (
        select(series.c.id, *(series.c[name] for name in by))
        .add_columns(last_position(series.c.id, _POSITION, known_at).label("at"))
        .where(series.c.position <= _POSITION, series.c.lane >= 0, *where)
        .subquery("lanes")
    )
    regular = select(*(lanes.c[name] for name in by), steps.c.total_cents.label("cents")).join(
        steps, (steps.c.series_id == lanes.c.id) & (steps.c.position == lanes.c.at)
    )
    seen = [steps.c.position <= _POSITION]
    if known_at is not None:
        seen.append(steps.c.known_at <= known_at)
    known_late = (
        select(*(series.c[name] for name in by), steps.c.total_cents.label("cents"))
        .join(steps, steps.c.series_id == series.c.id)
        .where(series.c.lane < 0, *where, *seen)
    )
    both = union_all(regular, known_late).subquery("visible")
    columns = [both.c[name] for name in by]
    statement = select(*columns, func.sum(both.c.cents).label("total")).group_by(*columns)
    if ordered:
        statement = statement.order_by(*(column.nulls_last() for column in columns))
    return statement
