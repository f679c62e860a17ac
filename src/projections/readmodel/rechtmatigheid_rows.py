"""The rows of the `rechtmatigheid` projection (ADR 0029): the verantwoordingsgrens the raad
set, a line's open-einde marking, and the amendments a proposed decision would make."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Table

from domain.budget import BudgetLine
from domain.decision import Decision
from domain.events import Authority, Event
from domain.fiscal_year import FiscalYear
from projections.store.rechtmatigheid_tables import (
    budget_line_regelingen,
    proposed_amendments,
    verantwoordingsgrenzen,
)

TABLES = (verantwoordingsgrenzen, budget_line_regelingen, proposed_amendments)
Columns = dict[str, Any]


def rows(
    event: Event,
    position: int,
    *,
    when: Callable[[Event], Columns],
    authority: Callable[[Authority | None], Columns],
) -> Iterator[tuple[Table, Columns]]:
    """`when` and `authority`: the projectors' own columns of an event's time and decision."""
    if isinstance(event, FiscalYear.VerantwoordingsgrensSet):
        yield (
            verantwoordingsgrenzen,
            {
                "position": position,
                "fiscal_year": event.meta.period.first_year,
                "percentage": str(event.percentage),
                **authority(event.authority),
                **when(event),
                "actor": event.meta.actor,
            },
        )
    elif isinstance(event, BudgetLine.RegelingMarked):
        yield (
            budget_line_regelingen,
            {
                "position": position,
                "line_id": event.originator_id.hex,
                "regeling": event.regeling,
                **authority(event.authority),
                **when(event),
                "actor": event.meta.actor,
            },
        )
    elif isinstance(event, Decision.AmendmentProposed):
        key = event.key
        yield (
            proposed_amendments,
            {
                "position": position,
                "decision_id": event.originator_id.hex,
                "fiscal_year": key.fiscal_year,
                "programma": key.programma,
                "taakveld": key.taakveld,
                "side": key.side.value,
                "deelproduct": key.deelproduct,
                "interventie": key.interventie,
                "fund": key.fund,
                "delta_cents": int(event.amount.amount * 100),
                **when(event),
                "actor": event.meta.actor,
            },
        )
