"""As-of reads of the stated facts (ADR 0030): kengetal values, stated results and budget
specifications. Each answers, per subject, its latest row at or before the basis (the
highest log position the basis sees), as every other fact does (ADR 0002)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select
from typing_extensions import TypedDict

from projections.queries.basis import Basis, euros
from projections.queries.rows import Euros
from projections.store import schema


class KengetalValueRow(TypedDict):
    """A kengetal's value for one fiscal year: exact decimal, in the kengetal's unit."""

    reference: str
    label: str
    unit: str
    interventie: int | None
    fiscal_year: int
    value: Decimal
    peildatum: str | None  # YYYY-MM-DD, where the document gives one
    position: int  # the measurement's log position
    source: str | None


class StatedResultRow(TypedDict):
    """A result as stated: positive for a voordeel, negative for a nadeel."""

    fiscal_year: int
    domain: str
    label: str
    scope: str
    amount: Euros
    status: str  # voorlopig | definitief
    position: int  # the latest statement's log position
    source: str | None


class SpecificationRow(TypedDict):
    """An activity's part of a budget line; it moves no money."""

    line_id: str  # hex, as budget_lines.id
    activity: str
    amount: Euros
    position: int
    decision_reference: str | None


def kengetal_values(
    conn: Connection,
    basis: Basis,
    references: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> list[KengetalValueRow]:
    defined, measured = schema.kengetallen, schema.kengetal_measurements
    wanted: list[ColumnElement[bool]] = [basis.filter(measured)]
    if references is not None:
        wanted.append(
            measured.c.kengetal_id.in_(
                select(defined.c.id).where(defined.c.reference.in_(list(references)))
            )
        )
    if years is not None:
        wanted.append(measured.c.fiscal_year.in_(list(years)))
    latest = (
        select(func.max(measured.c.position).label("latest"))
        .where(*wanted)
        .group_by(measured.c.kengetal_id, measured.c.fiscal_year)
        .subquery()
    )
    query = (
        select(
            defined.c.reference,
            defined.c.label,
            defined.c.unit,
            defined.c.interventie,
            measured.c.fiscal_year,
            measured.c.value,
            measured.c.peildatum,
            measured.c.position,
            measured.c.source,
        )
        .select_from(defined)
        .join(measured, measured.c.kengetal_id == defined.c.id)
        .join(latest, latest.c.latest == measured.c.position)
        .order_by(defined.c.reference, measured.c.fiscal_year)
    )
    return [
        {
            "reference": row.reference,
            "label": row.label,
            "unit": row.unit,
            "interventie": row.interventie,
            "fiscal_year": row.fiscal_year,
            "value": Decimal(row.value),
            "peildatum": row.peildatum,
            "position": int(row.position),
            "source": row.source,
        }
        for row in conn.execute(query)
    ]


def stated_results(
    conn: Connection, basis: Basis, fiscal_year: int | None = None
) -> list[StatedResultRow]:
    subjects, entries = schema.stated_results, schema.stated_result_entries
    wanted: list[Any] = [basis.filter(entries)]
    if fiscal_year is not None:
        wanted.append(
            entries.c.result_id.in_(
                select(subjects.c.id).where(subjects.c.fiscal_year == fiscal_year)
            )
        )
    latest = (
        select(func.max(entries.c.position).label("latest"))
        .where(*wanted)
        .group_by(entries.c.result_id)
        .subquery()
    )
    query = (
        select(
            subjects.c.fiscal_year,
            subjects.c.domain,
            subjects.c.label,
            subjects.c.scope,
            entries.c.amount_cents,
            entries.c.status,
            entries.c.position,
            entries.c.source,
        )
        .join(entries, entries.c.result_id == subjects.c.id)
        .join(latest, latest.c.latest == entries.c.position)
        .order_by(subjects.c.fiscal_year, subjects.c.domain)
    )
    return [
        {
            "fiscal_year": row.fiscal_year,
            "domain": row.domain,
            "label": row.label,
            "scope": row.scope,
            "amount": euros(row.amount_cents),
            "status": row.status,
            "position": int(row.position),
            "source": row.source,
        }
        for row in conn.execute(query)
    ]


def specifications(
    conn: Connection, basis: Basis, line_ids: Iterable[str] | None = None
) -> list[SpecificationRow]:
    """`line_ids` are budget_lines ids (hex, or dashed as the commands answer them)."""
    parts = schema.budget_specifications
    wanted: list[Any] = [basis.filter(parts)]
    if line_ids is not None:
        wanted.append(parts.c.line_id.in_([line_id.replace("-", "") for line_id in line_ids]))
    latest = (
        select(func.max(parts.c.position).label("latest"))
        .where(*wanted)
        .group_by(parts.c.line_id, parts.c.activity)
        .subquery()
    )
    query = (
        select(parts)
        .join(latest, latest.c.latest == parts.c.position)
        .order_by(parts.c.line_id, parts.c.position)
    )
    return [
        {
            "line_id": row.line_id,
            "activity": row.activity,
            "amount": euros(row.amount_cents),
            "position": int(row.position),
            "decision_reference": row.decision_reference,
        }
        for row in conn.execute(query)
    ]
