"""What every projection is made of: the Projection base, a row, and the shared columns'
values (moved here from projectors.py so a projection can live in a module of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table

from domain.events import Authority, Event
from domain.money import Money

Row = tuple[Table, dict[str, Any]]


def cents(money: Money) -> int:
    return int(money.amount * 100)


def _when(event: Event) -> dict[str, Any]:
    return {"known_at": event.meta.known_at, "recorded_at": event.recorded_at}


def _hex(value: UUID | None) -> str | None:
    return None if value is None else value.hex


def _authority(authority: Authority | None) -> dict[str, Any]:
    if authority is None:
        return {
            "decision_id": None,
            "decision_reference": None,
            "decision_body": None,
            "decision_kind": None,
            "mandate_id": None,
        }
    return {
        "decision_id": authority.decision_id.hex,
        "decision_reference": authority.reference,
        "decision_body": authority.body.value,
        "decision_kind": authority.kind.value,
        "mandate_id": _hex(authority.mandate_id),
    }


@dataclass(frozen=True)
class Projection:
    name: str
    tables: tuple[Table, ...]
    # The event classes `rows` can yield rows for (subclasses included). The runner asks a
    # projection only about events of these classes; `rows` still checks each event itself.
    reads: tuple[type[Event], ...] = (Event,)
    # The projections whose rows this one derives its own from (ADR 0034): a rebuild of any
    # of them rebuilds this one too, or it would keep what it derived from the old rows.
    derived_from: tuple[str, ...] = ()

    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        raise NotImplementedError

    def batch_rows(self, conn: Connection, after: int, last: int) -> Iterator[Row]:
        """Rows derived from the read model's rows at positions after..last, read once the
        batch's event rows are written (ADR 0034); most projections derive none."""
        return iter(())
