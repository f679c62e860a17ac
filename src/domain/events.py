"""Base classes for every Begroting event: the envelope rides on `meta` (ADR 0002)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import AggregateCreated, AggregateEvent

from domain.values import Meta

# Aggregate ids derive from natural keys, so a repeated command finds the same aggregate
# (the demo and retried imports stay idempotent) and ids are stable across databases.
BEGROTING_NAMESPACE = uuid5(NAMESPACE_URL, "urn:begroting")


# A command derives the ids of what it reads (its decision, the year's lock, its line) every
# time; SHA-1 for each was a tenth of a batched command (ADR 0035).
@lru_cache(maxsize=65536)
def natural_id(kind: str, key: str) -> UUID:
    return uuid5(BEGROTING_NAMESPACE, f"{kind}:{key}")


_OMITTED: dict[type, tuple[str, ...]] = {}


def omitted_fields(cls: type) -> tuple[str, ...]:
    """The fields of an event (or value) class left out of its stored state while None."""
    found = _OMITTED.get(cls)
    if found is None:
        found = _OMITTED[cls] = tuple(
            field.name
            for field in dataclasses.fields(cls)
            if field.metadata.get("omitted_when_none")
        )
    return found


class Event(AggregateEvent):
    """An immutable fact. `timestamp` is its recorded_at, set by the application's clock."""

    meta: Meta

    def __post_init__(self) -> None:
        super().__post_init__()
        # A field added later (OMITTED, with a default of None) is left out of the event's
        # state while unset: the mapper stores that state, so an event without it is stored
        # byte for byte as before it existed, and reads back its default.
        for name in omitted_fields(type(self)):
            if self.__dict__.get(name) is None:
                self.__dict__.pop(name, None)

    @property
    def recorded_at(self) -> datetime:
        return self.timestamp


# An optional event field added later: `field(default=None, metadata=OMITTED)`.
OMITTED = {"omitted_when_none": True}


class Created(AggregateCreated, Event):
    """The first event of an aggregate."""


class Bestuursorgaan(Enum):
    """The governing body of the gemeente that takes a decision. Stored under its former
    name `Body` (transcodings.STORED_TAGS); the events' attribute stays `body`."""

    RAAD = "raad"
    COLLEGE = "college"


class DecisionKind(Enum):
    BEGROTING = "begroting"
    BEGROTINGSWIJZIGING = "begrotingswijziging"
    ZOMERNOTA = "zomernota"
    NAJAARSNOTA = "najaarsnota"
    SLOTWIJZIGING = "slotwijziging"
    JAARREKENING = "jaarrekening"
    BELEIDSNOTA = "beleidsnota"
    MANDATE = "mandate"
    MOTIE = "motie"
    AMENDEMENT = "amendement"


class MutationKind(Enum):
    """What a budget or reserve change does; a mandate's scope names the kinds it allows."""

    ESTABLISH = "establish"
    AMEND = "amend"
    TRANSFER = "transfer"
    CARRY_OVER = "carry-over"
    RESERVE = "reserve"
    TAAKSTELLING = "taakstelling"
    CLOSE_YEAR = "close-year"
    REOPEN_YEAR = "reopen-year"


@dataclass(frozen=True)
class Authority:
    """The decision that authorises a change, as it stood when the change was recorded.

    Copied onto the event so the trail names the authority without a join, and so that a
    projection of slotwijzigingen needs no other projection (ADR 0001).
    """

    decision_id: UUID
    reference: str
    body: Bestuursorgaan
    kind: DecisionKind
    mandate_id: UUID | None


@dataclass(frozen=True)
class Stamp:
    """What the application stamps on the events of one change: its envelope (`meta`), the
    moment it is recorded and, for a change of figures, the decision that authorises it and
    the change's mutation id.

    An argument of the aggregates' methods, never stored itself: each event stores `meta`,
    `timestamp` (recorded_at) and, where its class has them, `authority` and `mutation_id`,
    exactly as before there was a Stamp (the hash chain covers those bytes).
    """

    meta: Meta
    recorded_at: datetime
    authority: Authority | None = None
    mutation_id: UUID | None = None

    @property
    def authorised_by(self) -> Authority:
        """The authority of a change that needs one (the application always gives it)."""
        if self.authority is None:
            raise TypeError("this change needs the authority of a decision on its stamp")
        return self.authority

    @property
    def mutation(self) -> UUID:
        """The mutation id of a change that is applied once (the application gives it)."""
        if self.mutation_id is None:
            raise TypeError("this change needs a mutation id on its stamp")
        return self.mutation_id
