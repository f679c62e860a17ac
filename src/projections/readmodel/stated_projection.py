"""The stated facts' projection (ADR 0030): kengetallen and their measurements, and results
as a report states them. Budget specifications are the budget projection's (projectors.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from domain.events import Event
from domain.kengetal import Kengetal
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.stated_result import StatedResult
from projections.readmodel.projection_base import Projection, Row, _when, cents
from projections.store import schema


class StatedFacts(Projection):
    """Kengetallen and their measurements; results as a report states them (ADR 0030)."""

    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        if isinstance(event, Kengetal.Defined):
            yield (
                schema.kengetallen,
                {
                    "id": event.originator_id.hex,
                    "reference": event.reference,
                    "label": event.label,
                    "unit": event.unit,
                    "interventie": event.interventie,
                    "position": position,
                },
            )
        elif isinstance(event, Kengetal.Measured):
            yield (
                schema.kengetal_measurements,
                {
                    "position": position,
                    "kengetal_id": event.originator_id.hex,
                    "fiscal_year": event.fiscal_year,
                    "peildatum": None if event.peildatum is None else event.peildatum.isoformat(),
                    "value": format(event.value, "f"),
                    **_when(event),
                    "actor": event.meta.actor,
                    "source": event.meta.source,
                },
            )
        elif isinstance(event, StatedResult.Stated):
            yield (
                schema.stated_results,
                {
                    "id": event.originator_id.hex,
                    "fiscal_year": event.fiscal_year,
                    "domain": event.domain,
                    "label": event.label,
                    "scope": event.scope,
                    "position": position,
                },
            )
            yield (
                schema.stated_result_entries,
                self._entry(event, position, event.amount, cents(event.amount), event.status),
            )
        elif isinstance(event, StatedResult.Restated):
            yield (
                schema.stated_result_entries,
                self._entry(
                    event,
                    position,
                    event.amount,
                    cents(event.amount) - cents(event.previous_amount),
                    event.status,
                ),
            )

    @staticmethod
    def _entry(
        event: Event, position: int, amount: Money, delta_cents: int, status: RealisationStatus
    ) -> dict[str, Any]:
        return {
            "position": position,
            "result_id": event.originator_id.hex,
            "amount_cents": cents(amount),
            "delta_cents": delta_cents,
            "status": status.value,
            **_when(event),
            "actor": event.meta.actor,
            "source": event.meta.source,
        }
