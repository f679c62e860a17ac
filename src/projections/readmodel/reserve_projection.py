"""The reserves' rows: the reserve, its stortingen and onttrekkingen, and its balance events
(openings, oormerken and their release, ADR 0027)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from domain.events import Event
from domain.reserve import Reserve
from projections.readmodel.projection_base import Projection, Row, _authority, _when, cents
from projections.store import schema


class Reserves(Projection):
    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        if isinstance(event, Reserve.Established):
            yield (
                schema.reserves,
                {
                    "id": event.originator_id.hex,
                    "code": event.code,
                    "name": event.name,
                    "kind": event.kind.value,
                    "purpose": event.purpose,
                    "position": position,
                },
            )
        elif isinstance(event, Reserve.Mutation):
            yield (
                schema.reserve_mutations,
                {
                    "position": position,
                    "reserve_id": event.originator_id.hex,
                    "fiscal_year": event.fiscal_year,
                    "earmark": event.earmark,
                    "direction": (
                        "storting" if isinstance(event, Reserve.Deposited) else "onttrekking"
                    ),
                    "delta_cents": cents(event.delta()),
                    **_authority(event.authority),
                    **_when(event),
                    "actor": event.meta.actor,
                },
            )
        elif isinstance(event, Reserve.OpeningBalanceStated | Reserve.Transfer):
            yield (schema.reserve_balance_events, _reserve_balance_row(event, position))


def _reserve_balance_row(
    event: Reserve.OpeningBalanceStated | Reserve.Transfer, position: int
) -> dict[str, Any]:
    """An opening balance as stated (its delta: the amount less the one it corrects), or an
    oormerk or its release (ADR 0027)."""
    amount = cents(event.amount)
    if isinstance(event, Reserve.OpeningBalanceStated):
        kind, corrects = "opening", event.corrects_version
        previous = event.previous_amount
        delta = amount - (0 if previous is None else cents(previous))
    else:
        kind = "earmarked" if isinstance(event, Reserve.Earmarked) else "released"
        corrects, delta = None, amount
    return {
        "position": position,
        "reserve_id": event.originator_id.hex,
        "version": event.originator_version,
        "fiscal_year": event.fiscal_year,
        "earmark": event.earmark,
        "kind": kind,
        "amount_cents": amount,
        "delta_cents": delta,
        "corrects_version": corrects,
        **_authority(event.authority),
        **_when(event),
        "actor": event.meta.actor,
        "source": event.meta.source,
    }
