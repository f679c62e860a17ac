"""The running totals' projection (ADR 0034): per group series, steps with the total so far.

It reads no event itself: after the budget, taakstelling and realisation projections have
written a batch's rows, it reads the batch's budget mutations, taakstelling mutations and
realisation entries back, with their line's, taakstelling's or subject's dimensions, and
adds each to the series of every group it belongs to.
So a rebuild of this projection alone, or its catch-up on a database migrated from 0017,
reads the rows those projections hold already, and the steps are a function of those rows
in log order whatever the batches.

A group keeps up to MAX_LANES lanes. A fact goes to the lane whose last known_at is the
latest at or before its own (the fewest lanes for a history, as patience sorting); a fact
known before the last of every lane opens a new lane, or, with every lane taken, is late:
a step of the group's late series (lane -1) that carries its own delta.
The synthetic history needs three lanes (a quarter's figure and its two monthly corrections,
line after line); with one, two thirds of its realisation entries were late.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Table, func, select

from domain.events import Event
from projections.queries.running import last_position
from projections.readmodel.projection_base import Projection, Row
from projections.store import schema

MAX_LANES = 4
# The budget's groups: a rollup's by dimension and side, and a report's cell by fund and
# interventie over both sides; a realisation's: a report's cell by fund, interventie, side;
# a taakstelling's: a report's cell by interventie, its kind the group's ("taakstelling" or
# "risico", which a total excluding risks leaves out).
ROLLUP_KINDS = ("programma", "taakveld", "interventie", "fund")
# (kind, fiscal_year, side, programma, taakveld, interventie, fund)
Group = tuple[str, int, str | None, str | None, str | None, int | None, str | None]


LATE = -1


@dataclass
class _Lane:
    series_id: int
    known_at: datetime  # its last step's
    total_cents: int


@dataclass
class _Group:
    lanes: list[_Lane]
    late: int | None = None  # the late series' id, once it has one


def budget_groups(line: Any) -> list[Group]:
    """The groups a budget line's mutation adds to."""
    year, side = line.fiscal_year, line.side
    groups: list[Group] = [
        (
            kind,
            year,
            side,
            line.programma if kind == "programma" else None,
            line.taakveld if kind == "taakveld" else None,
            line.interventie if kind == "interventie" else None,
            line.fund if kind == "fund" else None,
        )
        for kind in ROLLUP_KINDS
    ]
    groups.append(("budget", year, None, None, None, line.interventie, line.fund))
    return groups


def taakstelling_groups(row: Any) -> list[Group]:
    """The group a taakstelling's mutation of one fiscal year adds to."""
    return [(row.taakstelling_kind, row.fiscal_year, None, None, None, row.interventie, None)]


def realisation_groups(subject: Any) -> list[Group]:
    return [
        (
            "realisation",
            subject.fiscal_year,
            subject.side,
            None,
            None,
            subject.interventie,
            subject.fund,
        )
    ]


class RunningTotals(Projection):
    """Rows of a batch come from `batch_rows`, not from events (see the module's doc)."""

    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        return iter(())

    def batch_rows(self, conn: Connection, after: int, last: int) -> Iterator[Row]:
        """Add the facts at positions after..last, in log order, to their groups' series."""
        facts = list(
            heapq.merge(
                _budget_facts(conn, after, last),
                _taakstelling_facts(conn, after, last),
                _realisation_facts(conn, after, last),
                key=lambda fact: fact[0],
            )
        )
        if not facts:
            return
        lanes = _lanes(conn, {group[1] for _, _, _, groups in facts for group in groups})
        next_id = int(conn.execute(select(func.max(schema.running_series.c.id))).scalar() or 0) + 1
        series: list[dict[str, Any]] = []
        steps: list[dict[str, Any]] = []
        for position, known_at, delta, groups in facts:
            for group in groups:
                held = lanes.setdefault(group, _Group([]))
                fit = max(
                    (lane for lane in held.lanes if lane.known_at <= known_at),
                    key=lambda lane: lane.known_at,
                    default=None,
                )
                if fit is None and len(held.lanes) < MAX_LANES:
                    fit = _Lane(next_id, known_at, 0)
                    series.append(_series_row(next_id, position, group, len(held.lanes)))
                    held.lanes.append(fit)
                    next_id += 1
                if fit is None:
                    if held.late is None:
                        held.late = next_id
                        series.append(_series_row(next_id, position, group, LATE))
                        next_id += 1
                    steps.append(
                        {
                            "series_id": held.late,
                            "position": position,
                            "known_at": known_at,
                            "total_cents": delta,
                        }
                    )
                    continue
                fit.known_at = known_at
                fit.total_cents += delta
                steps.append(
                    {
                        "series_id": fit.series_id,
                        "position": position,
                        "known_at": known_at,
                        "total_cents": fit.total_cents,
                    }
                )
        yield from ((schema.running_series, row) for row in series)
        yield from ((schema.running_steps, row) for row in steps)


def _series_row(series_id: int, position: int, group: Group, lane: int) -> dict[str, Any]:
    kind, year, side, programma, taakveld, interventie, fund = group
    return {
        "id": series_id,
        "position": position,
        "kind": kind,
        "fiscal_year": year,
        "side": side,
        "programma": programma,
        "taakveld": taakveld,
        "interventie": interventie,
        "fund": fund,
        "lane": lane,
    }


Fact = tuple[int, datetime, int, list[Group]]


def _budget_facts(conn: Connection, after: int, last: int) -> Iterator[Fact]:
    """The budget mutations at positions after..last, in log order. One event records one
    mutation (its position is the row's key), so no two facts share a step."""
    mutations = schema.budget_mutations
    return _facts(
        conn, mutations, schema.budget_lines, mutations.c.line_id, budget_groups, after, last
    )


def _taakstelling_facts(conn: Connection, after: int, last: int) -> Iterator[Fact]:
    """The taakstelling mutations at positions after..last, in log order. An imposition
    records a row per fiscal year at its position: each in a group of its own year, so
    again no two facts share a step. A taakstelling's kind and interventie never change
    (its row is written once, at its imposition), so its groups are fixed."""
    ts, mutations = schema.taakstellingen, schema.taakstelling_mutations
    query = (
        select(
            mutations.c.position,
            mutations.c.known_at,
            mutations.c.delta_cents,
            mutations.c.fiscal_year,
            ts.c.interventie,
            ts.c.kind.label("taakstelling_kind"),
        )
        .join(ts, ts.c.id == mutations.c.taakstelling_id)
        .where(mutations.c.position > after, mutations.c.position <= last)
        .order_by(mutations.c.position, mutations.c.fiscal_year)
    )
    for row in conn.execute(query):
        yield int(row.position), row.known_at, int(row.delta_cents), taakstelling_groups(row)


def _realisation_facts(conn: Connection, after: int, last: int) -> Iterator[Fact]:
    entries = schema.realisation_entries
    return _facts(
        conn,
        entries,
        schema.realisations,
        entries.c.realisation_id,
        realisation_groups,
        after,
        last,
    )


def _facts(
    conn: Connection,
    facts: Table,
    subjects: Table,
    subject_id: Column[str],
    groups: Callable[[Any], list[Group]],
    after: int,
    last: int,
) -> Iterator[Fact]:
    """A fact table's rows at positions after..last with their subject's dimensions."""
    query = (
        select(facts.c.position, facts.c.known_at, facts.c.delta_cents, subjects)
        .join(subjects, subjects.c.id == subject_id)
        .where(facts.c.position > after, facts.c.position <= last)
        .order_by(facts.c.position)
    )
    for row in conn.execute(query):
        yield int(row.position), row.known_at, int(row.delta_cents), groups(row)


def _lanes(conn: Connection, years: set[int]) -> dict[Group, _Group]:
    """The lanes of every group of these fiscal years, each with its last step, and its
    late series: one query, a seek per lane."""
    series, steps = schema.running_series, schema.running_steps
    heads = (
        select(series, last_position(series.c.id).label("head"))
        .where(series.c.fiscal_year.in_(sorted(years)))
        .subquery()
    )
    query = (
        select(heads, steps.c.known_at, steps.c.total_cents)
        .join(steps, (steps.c.series_id == heads.c.id) & (steps.c.position == heads.c.head))
        .order_by(heads.c.id)
    )
    lanes: dict[Group, _Group] = {}
    for row in conn.execute(query):
        group: Group = (
            row.kind,
            row.fiscal_year,
            row.side,
            row.programma,
            row.taakveld,
            row.interventie,
            row.fund,
        )
        held = lanes.setdefault(group, _Group([]))
        if row.lane == LATE:
            held.late = row.id
        else:
            held.lanes.append(_Lane(row.id, row.known_at, int(row.total_cents)))
    return lanes
