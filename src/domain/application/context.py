"""What a command is given and what it answers.

A `Context` says who acts, when the fact became known and why; a command answers
`Recorded`. From the Context and the clock the application makes the `Meta` of the
command's events, and with the authority and mutation id the `Stamp` (domain.events) that
the aggregates' methods take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.errors import InvalidInputError, InvalidTimeError
from domain.values import NAME_LENGTH, SHORT_LENGTH, Meta, Period, check_aware, check_text


@dataclass(frozen=True)
class Context:
    """Who acts, when the fact became known, and why (besides a decision)."""

    actor: str
    known_at: datetime | None = None  # None: known when recorded
    source: str | None = None
    import_id: str | None = None
    # Optimistic concurrency: the version of the changed aggregate the actor last read.
    expected_version: int | None = None
    # The id the caller fixed for this command (an Idempotency-Key): on every event's meta.
    mutation_id: UUID | None = None
    # Told, just before the command's events are written, what it will answer (no position
    # yet) and every aggregate it writes with its new version: the caller can then find
    # them in the log after a crash.
    noting: Callable[[Recorded, dict[UUID, int]], None] | None = None


@dataclass(frozen=True)
class Recorded:
    """What a command recorded: the aggregates it touched and its last log position."""

    ids: dict[str, UUID] = field(default_factory=dict)
    position: int = 0
    versions: dict[str, int] = field(default_factory=dict)  # each aggregate's new version


def meta_for(
    ctx: Context, now: datetime, period: Period, *, decision_id: UUID | None = None
) -> Meta:
    """The envelope of a command's events, recorded at `now`: the Context checked."""
    if not ctx.actor.strip():
        raise InvalidInputError("every change has an actor", field="actor")
    check_text(ctx.actor, "actor", max_length=NAME_LENGTH)
    check_text(ctx.source, "source", required=False)
    check_text(ctx.import_id, "import_id", max_length=SHORT_LENGTH, required=False)
    known_at = now if ctx.known_at is None else check_aware(ctx.known_at, "known_at")
    if known_at > now:
        raise InvalidTimeError(
            "known_at cannot lie after recorded_at (the future)", field="known_at"
        )
    if decision_id is None and not (ctx.source and ctx.source.strip()):
        raise InvalidInputError(
            "every change names its decision or source document", field="source"
        )
    return Meta(
        actor=ctx.actor,
        known_at=known_at,
        period=period,
        decision_id=decision_id,
        source=ctx.source,
        import_id=ctx.import_id,
        mutation_id=ctx.mutation_id,
    )
