"""Sums as of a basis from the running totals (ADR 0034): per lane of a group, the total at
its last step visible on the basis, plus the group's late facts the basis sees.

Along a lane both the log position and known_at never decrease, so the steps a basis sees
(position <= P and known_at <= K) are a prefix of it, ending at the earlier of the last step
at or before P and the last step known by K: two index seeks, whatever the history's length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, union_all

from projections.queries.basis import Basis
from projections.store import schema


def last_position(
    series_id: ColumnElement[Any], basis: Basis | None = None
) -> ColumnElement[Any]:
    """The position of the lane's last step visible on the basis (its last step without
    one); NULL if it has none. A seek on (series_id, position), and with a cutoff one on
    (series_id, known_at, position) for the last step known by it."""
    steps = schema.running_steps.alias("last_step")
    query = select(steps.c.position).where(steps.c.series_id == series_id)
    if basis is not None:
        query = query.where(steps.c.position <= basis.position)
        if basis.known_at is not None:
            known = schema.running_steps.alias("known_step")
            query = query.where(
                steps.c.position
                <= select(known.c.position)
                .where(known.c.series_id == series_id, known.c.known_at <= basis.known_at)
                .order_by(known.c.known_at.desc(), known.c.position.desc())
                .limit(1)
                .correlate_except(known)
                .scalar_subquery()
            )
    # Correlated with the series row outside, also where SQLAlchemy would not infer it.
    return (
        query.order_by(steps.c.position.desc()).limit(1).correlate_except(steps).scalar_subquery()
    )


def sums(
    basis: Basis, kind: str, by: Sequence[str], *where: ColumnElement[bool]
) -> Select[Any]:
    """Per group of `kind` (its columns `by`) the sum of its facts visible on the basis, a
    group only where the basis sees a fact of it; `where` conditions on running_series."""
    series, steps, late = schema.running_series, schema.running_steps, schema.running_late
    lanes = (
        select(series.c.id, *(series.c[name] for name in by))
        .add_columns(last_position(series.c.id, basis).label("at"))
        .where(series.c.kind == kind, series.c.position <= basis.position, *where)
        .subquery("lanes")
    )
    regular = select(*(lanes.c[name] for name in by), steps.c.total_cents.label("cents")).join(
        steps, (steps.c.series_id == lanes.c.id) & (steps.c.position == lanes.c.at)
    )
    known_late = (
        select(*(series.c[name] for name in by), late.c.delta_cents.label("cents"))
        .join(late, late.c.series_id == series.c.id)
        .where(series.c.kind == kind, *where, basis.filter(late))
    )
    both = union_all(regular, known_late).subquery("visible")
    columns = [both.c[name] for name in by]
    return select(*columns, func.sum(both.c.cents).label("total")).group_by(*columns)
