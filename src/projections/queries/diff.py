"""Why did it change: a report's tables on two bases, every differing figure split into its
causes, each cause with its events and delta (ADR 0008).

A cell is the exact sum of its fact rows (`projections.queries.cells`). Between a basis `from` and a
basis `to`, the rows visible on exactly one of them are the whole difference: a row visible
only on `to` adds its delta, a row visible only on `from` takes it away. Grouping those rows
by cause therefore adds up to the difference exactly, in cents, by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NotRequired

from sqlalchemy import ColumnElement, Connection, FromClause, case, or_
from typing_extensions import TypedDict

from domain.money import in_thousands
from projections.queries import backdating, row_measures
from projections.queries.authority import DecisionState, decisions_as_of
from projections.queries.backdating import Backdated
from projections.queries.basis import Basis, report_basis
from projections.queries.cells import ZERO, Cell, Fact, Seen, facts, report_specs, table_cells
from projections.queries.fact_index import FactIndex
from projections.queries.reports import published_figure
from projections.queries.row_facts import succession
from projections.queries.rows import BasisRow, Euros

# The cause of a fact row, by its measure and event (ADR 0008).
CAUSES = {
    ("budget", "Established"): "budget-establishment",
    ("budget", "Amended"): "budget-amendment",
    ("budget", "TransferredOut"): "transfer",
    ("budget", "TransferredIn"): "transfer",
    ("budget", "CarriedOver"): "carry-over",
    ("budget", "CarriedIn"): "carry-over",
    ("realisation", "Reported"): "realisation",
    ("realisation", "Corrected"): "realisation-correction",
    ("taakstelling", "Imposed"): "taakstelling-imposed",
    ("taakstelling", "Adjusted"): "taakstelling-adjustment",
    ("taakstelling", "ShiftedOut"): "taakstelling-shift",
    ("taakstelling", "ShiftedIn"): "taakstelling-shift",
    ("taakstelling", "YearCancelled"): "taakstelling-cancellation",
    # ADR 0025: the facts a document states, behind rows with their own measure.
    ("kengetal", "Measured"): "kengetal-measurement",
    ("result", "Stated"): "stated-result",
    ("result", "Restated"): "result-restatement",
    ("specification", "Specified"): "budget-specification",
}


class DiffDecision(TypedDict):
    """The decision behind a cause; `new` where it was not yet adopted on the `from` basis.
    Only `reference` and `new` where the read model does not know the decision."""

    reference: str | None
    body: NotRequired[str]
    kind: NotRequired[str]
    status: NotRequired[str | None]
    adopted_known_at: NotRequired[str | None]
    new: bool


class DiffEvent(TypedDict):
    position: int
    event: str
    subject: str
    delta: Euros
    actor: str
    period: int
    known_at: str
    recorded_at: str
    source: str | None
    backdated: Backdated | None
    backfill: str | None


class Cause(TypedDict):
    cause: str
    direction: str  # added | removed
    late: bool
    decision: DiffDecision | None
    delta: Euros
    events: list[DiffEvent]


# `from` is a keyword: these two take the functional syntax.
PublishedDifference = TypedDict(
    "PublishedDifference", {"from": str | None, "to": str | None, "difference": str}
)
CellDiff = TypedDict(
    "CellDiff",
    {
        "table": str,
        "row": str,
        "kind": str,
        "interventie": int | None,
        "column": str,
        "from": Euros,
        "to": Euros,
        "difference": Euros,
        "published": PublishedDifference,
        "causes": list[Cause],
        "key": NotRequired[str],  # only for a row with a key (its label may repeat)
        "unit": NotRequired[str],  # only for a cell that is not in euros
    },
)
ReportDiff = TypedDict(
    "ReportDiff",
    {"report": str, "title": str, "from": BasisRow, "to": BasisRow, "cells": list[CellDiff]},
)
ReportDiff.__doc__ = """Every figure of a report that differs between two bases, with its
causes: a document, not a list (its cells are not paged)."""


def _visible(basis: Basis) -> Callable[[FromClause], ColumnElement[int]]:
    return lambda table: case((basis.filter(table), 1), else_=0)


def _known_by(basis: Basis, moment: datetime) -> bool:
    return basis.known_at is None or moment <= basis.known_at


def classify(fact: Fact, *, added: bool, old: Basis, new: Basis) -> tuple[str, bool]:
    """The cause of one differing row and whether it is *late*: known by the cutoff of the
    basis that lacks it, so missing there only because it was recorded after that basis's
    log position (a back-dated fact, ADR 0002)."""
    lacking = old if added else new
    late = _known_by(lacking, fact.known_at)
    cause = CAUSES.get((fact.measure, fact.kind), fact.kind)
    if cause == "realisation" and late:
        cause = "late-realisation"
    return cause, late


def _decision(
    fact: Fact, before: dict[str, DecisionState], after: dict[str, DecisionState]
) -> DiffDecision | None:
    if fact.decision_id is None:
        return None
    known = after.get(fact.decision_id) or before.get(fact.decision_id)
    if known is None:
        return {"reference": fact.decision_reference, "new": True}
    earlier = before.get(fact.decision_id)
    plain = known.to_json()
    return {
        "reference": plain["reference"],
        "body": plain["body"],
        "kind": plain["kind"],
        "status": plain["status"],
        "adopted_known_at": plain["adopted_known_at"],
        # New: not yet adopted on the `from` basis, so the decision itself is a cause.
        "new": earlier is None or earlier.status != "adopted",
    }


def _rendered(amount: Decimal) -> Decimal:
    return in_thousands(amount) if amount else Decimal(0)


def report_diff(
    conn: Connection,
    report_id: str,
    old: Basis,
    new: Basis,
    *,
    grace: timedelta = backdating.DEFAULT_GRACE,
) -> ReportDiff:
    """Every cell of the report's tables whose exact amount differs between `old` (from) and
    `new` (to), with its causes; the causes of a cell add up to its difference. Each event
    says whether it was backdated beyond `grace` or is a backfill (ADR 0018)."""
    report_basis(conn, report_id)  # an unknown report is an UnknownReportError
    title, specs = report_specs(conn, report_id)
    before, after = decisions_as_of(conn, old), decisions_as_of(conn, new)
    changed: list[CellDiff] = []
    for spec in specs:
        cells = table_cells(conn, spec)
        rows = facts(
            conn,
            spec,
            lambda t: or_(old.filter(t), new.filter(t)),
            extra=[("in_old", _visible(old)), ("in_new", _visible(new))],
        )
        # Indexed once: each cell reads only the rows that count for it, not all of them.
        index = FactIndex(rows, _fact)
        for cell in cells:
            mine = index.rows_of(cell)
            if cell.row_measured or cell.parts is not None:
                changed += _row_measured_diff(
                    cell, spec["unit"], mine, old, new, before, after, grace
                )
            else:
                changed += _cell_diff(cell, mine, old, new, before, after, grace)
    return {
        "report": report_id,
        "title": title,
        "from": old.to_json(),
        "to": new.to_json(),
        "cells": changed,
    }


def _fact(row: tuple[Fact, Seen]) -> Fact:
    return row[0]


def _cell_diff(
    cell: Cell,
    rows: list[tuple[Fact, Seen]],
    old: Basis,
    new: Basis,
    before: dict[str, DecisionState],
    after: dict[str, DecisionState],
    grace: timedelta,
) -> list[CellDiff]:
    mine = [(fact, seen) for fact, seen in rows if cell.counts(fact)]
    was = sum((f.delta for f, seen in mine if seen["in_old"]), start=ZERO)
    now = sum((f.delta for f, seen in mine if seen["in_new"]), start=ZERO)
    if was == now:
        return []
    published_was, published_now = published_figure(was), published_figure(now)
    return [
        _changed(
            cell,
            was,
            now,
            (published_was, published_now, str(_rendered(now) - _rendered(was))),
            _causes(mine, {}, old, new, before, after, grace),
        )
    ]


def _row_measured_diff(
    cell: Cell,
    unit: str,
    rows: list[tuple[Fact, Seen]],
    old: Basis,
    new: Basis,
    before: dict[str, DecisionState],
    after: dict[str, DecisionState],
    grace: timedelta,
) -> list[CellDiff]:
    """A cell of a row with its own measure (ADR 0025): its value on each basis by its
    measure's rule. A kengetal, result or specification row's effect is the change it made
    to its subject's value on the basis that sees it; a relative cell's causes are the
    changes of its taakstellingen and its base realisation."""
    mine = [(fact, seen) for fact, seen in rows if cell.counts(fact)]
    on_old = succession(fact for fact, seen in mine if seen["in_old"])
    on_new = succession(fact for fact, seen in mine if seen["in_new"])
    was, now = row_measures.value(cell, on_old), row_measures.value(cell, on_new)
    published_was = row_measures.figure(cell, on_old, unit)
    published_now = row_measures.figure(cell, on_new, unit)
    if was == now and published_was == published_now:
        return []
    effects = {(f.position, f.fiscal_year, True): f.delta for f in on_new}
    effects |= {(f.position, f.fiscal_year, False): -f.delta for f in on_old}
    difference = Decimal(published_now or 0) - Decimal(published_was or 0)
    changed = _changed(
        cell,
        was or ZERO,
        now or ZERO,
        (published_was, published_now, str(difference)),
        _causes(mine, effects, old, new, before, after, grace),
    )
    if cell.unit is not None:
        # Not euros (a percentage, a count): its causes are changes of its parts, in their
        # own amounts, so they do not add up to the difference (ADR 0025).
        changed["unit"] = cell.unit
    return [changed]


def _changed(
    cell: Cell,
    was: Decimal,
    now: Decimal,
    published: tuple[str | None, str | None, str],
    causes: list[Cause],
) -> CellDiff:
    address = cell.address()
    changed: CellDiff = {
        "table": address["table"],
        "row": address["row"],
        "kind": address["kind"],
        "interventie": address["interventie"],
        "column": address["column"],
        "from": was,
        "to": now,
        "difference": now - was,
        "published": {"from": published[0], "to": published[1], "difference": published[2]},
        "causes": causes,
    }
    if cell.key is not None:
        changed["key"] = cell.key
    return changed


def _causes(
    mine: list[tuple[Fact, Seen]],
    effects: dict[tuple[int, int, bool], Decimal],
    old: Basis,
    new: Basis,
    before: dict[str, DecisionState],
    after: dict[str, DecisionState],
    grace: timedelta,
) -> list[Cause]:
    """The rows visible on exactly one basis, grouped by cause; a row's effect is its delta
    (taken away where only `old` sees it), or what `effects` says."""
    causes: dict[tuple[str, str | None, bool, bool], Cause] = {}
    for fact, seen in mine:
        if bool(seen["in_old"]) == bool(seen["in_new"]):
            continue
        added = bool(seen["in_new"])
        effect = effects.get(
            (fact.position, fact.fiscal_year, added), fact.delta if added else -fact.delta
        )
        cause, late = classify(fact, added=added, old=old, new=new)
        key = (cause, fact.decision_reference, added, late)
        group = causes.setdefault(
            key,
            {
                "cause": cause,
                "direction": "added" if added else "removed",
                "late": late,
                "decision": _decision(fact, before, after),
                "delta": ZERO,
                "events": [],
            },
        )
        group["delta"] += effect
        flag = backdating.verdict(fact.known_at, fact.recorded_at, fact.import_id, grace)
        group["events"].append(
            {
                "position": fact.position,
                "event": fact.kind,
                "subject": fact.subject,
                "delta": effect,
                "actor": fact.actor,
                "period": fact.fiscal_year,
                "known_at": fact.known_at.isoformat(),
                "recorded_at": fact.recorded_at.isoformat(),
                "source": fact.source,
                "backdated": flag["backdated"],
                "backfill": flag["backfill"],
            }
        )
    return list(causes.values())
