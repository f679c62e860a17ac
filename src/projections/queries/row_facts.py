"""The fact rows behind a table's row measures (ADR 0025): what a table's spec needs read,
and the rows of the facts a document states (kengetal measurements, stated results, budget
specifications), in the shape of `projections.queries.cells.Fact`.

A kengetal measurement, a stated result and a budget specification are not changes to add
up: the latest row of a subject (the last recorded) as of a basis holds its value
(schema.py, ADR 0030). `succession` gives each row the change it made to its subject's value, so
a lineage of such rows still adds up to the figure."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, select

from projections.queries import backdating
from projections.queries.basis import euros
from projections.queries.spec_rows import Extra, Fact, Seen, TableSpecRow, Where
from projections.store import schema

# The measures whose latest row per subject holds the value.
LATEST = ("kengetal", "result", "specification")


@dataclass
class Needs:
    """What a table reads: the funds of its budget and realisation cells, the deelproducten
    of its realisation rows, the taakstellingen of its relative rows, and the kengetallen,
    results and activities its rows name."""

    budget_funds: set[str] = field(default_factory=set)
    realisation_funds: set[str] = field(default_factory=set)
    deelproducten: set[str] = field(default_factory=set)
    taakstelling: bool = False
    relative: set[str] = field(default_factory=set)
    kengetallen: set[str] = field(default_factory=set)
    results: set[str] = field(default_factory=set)
    activities: set[str] = field(default_factory=set)


def needs(spec: TableSpecRow) -> Needs:
    found = Needs()
    fund = spec["fund"]
    for row in spec["rows"]:
        measures = (
            [row["measure"]]
            if "measure" in row
            else [column["measure"] for column in spec["columns"]]
        )
        row_fund = row.get("fund", fund)
        for measure in measures:
            if measure == "budget" and row_fund is not None:
                found.budget_funds.add(row_fund)
            elif measure == "realisation" and "deelproducten" in row:
                found.deelproducten |= set(row["deelproducten"])
            elif measure == "realisation" and row_fund is not None:
                found.realisation_funds.add(row_fund)
            elif measure == "taakstelling":
                found.taakstelling = True
            elif measure == "relative":
                found.taakstelling = True
                found.relative |= set(row["taakstellingen"])
            elif measure == "kengetal" and "kengetal" in row:
                found.kengetallen.add(row["kengetal"])
            elif measure == "result" and "result" in row:
                found.results.add(row["result"])
            elif measure == "specification" and "activity" in row:
                found.activities.add(row["activity"])
    return found


def base_deelproducten(conn: Connection, references: Iterable[str]) -> dict[str, list[str]]:
    """Per taakstelling of `references`, the deelproducten its weight is measured against
    (identity rows: a taakstelling not yet known as of a basis has no visible mutations to
    weigh)."""
    ts = schema.taakstellingen
    query = select(ts.c.reference, ts.c.base_deelproducten).where(
        ts.c.reference.in_(sorted(references))
    )
    return {row.reference: json.loads(row.base_deelproducten) for row in conn.execute(query)}


def stated_facts(
    conn: Connection, needs: Needs, where: Where | None, extra: Extra
) -> list[tuple[Fact, Seen]]:
    extra = list(extra)
    found: list[tuple[Fact, Seen]] = []
    if needs.kengetallen:
        found += _kengetal_facts(conn, needs.kengetallen, where, extra)
    if needs.results:
        found += _result_facts(conn, needs.results, where, extra)
    if needs.activities:
        found += _specification_facts(conn, needs.activities, where, extra)
    return found


def _extras(table: Table, extra: Extra) -> list[Any]:
    return [expression(table).label(name) for name, expression in extra]


def _kengetal_facts(
    conn: Connection, references: set[str], where: Where | None, extra: Extra
) -> list[tuple[Fact, Seen]]:
    kengetallen, measurements = schema.kengetallen, schema.kengetal_measurements
    query = (
        select(
            measurements,
            backdating.import_of(measurements).label("import_id"),
            kengetallen.c.reference,
            kengetallen.c.interventie,
            *_extras(measurements, extra),
        )
        .join(kengetallen, kengetallen.c.id == measurements.c.kengetal_id)
        .where(kengetallen.c.reference.in_(sorted(references)))
    )
    if where is not None:
        query = query.where(where(measurements))
    return [
        (
            Fact(
                measure="kengetal",
                position=row.position,
                fiscal_year=row.fiscal_year,
                interventie=row.interventie,
                taakstelling=None,
                kind="Measured",
                delta=Decimal(row.value),
                subject=f"{row.reference} {row.fiscal_year}"
                + ("" if row.peildatum is None else f" (peildatum {row.peildatum})"),
                decision_id=None,
                decision_reference=None,
                actor=row.actor,
                known_at=row.known_at,
                recorded_at=row.recorded_at,
                import_id=row.import_id,
                source=row.source,
                reference=row.reference,
                latest=f"{row.kengetal_id}:{row.fiscal_year}",
                amount=Decimal(row.value),
                text=row.value,
            ),
            {name: row._mapping[name] for name, _ in extra},
        )
        for row in conn.execute(query)
    ]


def _result_facts(
    conn: Connection, domains: set[str], where: Where | None, extra: Extra
) -> list[tuple[Fact, Seen]]:
    results, entries = schema.stated_results, schema.stated_result_entries
    query = (
        select(
            entries,
            backdating.import_of(entries).label("import_id"),
            results.c.fiscal_year,
            results.c.domain,
            *_extras(entries, extra),
        )
        .join(results, results.c.id == entries.c.result_id)
        .where(results.c.domain.in_(sorted(domains)))
    )
    if where is not None:
        query = query.where(where(entries))
    return [
        (
            Fact(
                measure="result",
                position=row.position,
                fiscal_year=row.fiscal_year,
                interventie=None,
                taakstelling=None,
                kind="Stated" if row.delta_cents == row.amount_cents else "Restated",
                delta=euros(row.amount_cents),
                subject=f"{row.domain} {row.fiscal_year} {row.status}",
                decision_id=None,
                decision_reference=None,
                actor=row.actor,
                known_at=row.known_at,
                recorded_at=row.recorded_at,
                import_id=row.import_id,
                source=row.source,
                reference=row.domain,
                latest=row.result_id,
                amount=euros(row.amount_cents),
            ),
            {name: row._mapping[name] for name, _ in extra},
        )
        for row in conn.execute(query)
    ]


def _specification_facts(
    conn: Connection, activities: set[str], where: Where | None, extra: Extra
) -> list[tuple[Fact, Seen]]:
    lines, parts = schema.budget_lines, schema.budget_specifications
    query = (
        select(
            parts,
            backdating.import_of(parts).label("import_id"),
            lines.c.fiscal_year,
            lines.c.interventie,
            lines.c.fund,
            (lines.c.programma + " / " + lines.c.taakveld).label("line"),
            *_extras(parts, extra),
        )
        .join(lines, lines.c.id == parts.c.line_id)
        .where(parts.c.activity.in_(sorted(activities)))
    )
    if where is not None:
        query = query.where(where(parts))
    return [
        (
            Fact(
                measure="specification",
                position=row.position,
                fiscal_year=row.fiscal_year,
                interventie=row.interventie,
                taakstelling=None,
                kind="Specified",
                delta=euros(row.amount_cents),
                subject=f"{row.line}: {row.activity}",
                decision_id=row.decision_id,
                decision_reference=row.decision_reference,
                actor=row.actor,
                known_at=row.known_at,
                recorded_at=row.recorded_at,
                import_id=row.import_id,
                source=None,
                fund=row.fund,
                reference=row.activity,
                latest=f"{row.line_id}:{row.activity}",
                amount=euros(row.amount_cents),
            ),
            {name: row._mapping[name] for name, _ in extra},
        )
        for row in conn.execute(query)
    ]


def succession(facts: Iterable[Fact]) -> list[Fact]:
    """The facts in the order they became known (known_at, the log breaking ties), each
    with the change it made: a latest-wins row's amount less its subject's amount before it
    in the log (the latest row as of a basis is the one last recorded, as
    `projections.queries.stated_facts` reads it); the others as they are. Their deltas add
    up to the figure of the facts given."""
    before: dict[str, Decimal] = {}
    changed: list[Fact] = []
    for fact in sorted(facts, key=lambda fact: fact.position):
        subject, amount = fact.latest, fact.amount
        if subject is not None and amount is not None:
            fact = replace(fact, delta=amount - before.get(subject, Decimal(0)))
            before[subject] = amount
        changed.append(fact)
    return sorted(changed, key=lambda fact: (fact.known_at, fact.position))
