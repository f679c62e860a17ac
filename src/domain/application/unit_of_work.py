"""The unit of work under every use case: load, stamp, save (ADR 0012).

`UnitOfWork` is the application's base: it reads aggregates (a batch's own view first, then
the repository and its cache), makes the Stamp of a change (the clock guard, the Context
checked, the authorising decision), and records the changed aggregates atomically, or holds
them for a batch. A write that loses a race is refused as ConcurrentChangeError.

Persistence: this module and domain/transcodings.py are the domain's only uses of
`eventsourcing.persistence`, and only of its abstract interface: the transcoder the events'
values are encoded with, and `IntegrityError`, which every recorder raises when another
write of the same aggregate version came first. Which recorder (and database) stores the
events is chosen outside the domain, by the application's environment (projections).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from domain import transcodings
from domain.application.context import Context, Recorded, meta_for
from domain.application.known_ids import KnownIds
from domain.budget import BudgetLine, line_id
from domain.decision import Decision, authorise
from domain.errors import (
    ClosedFiscalYearError,
    ConcurrentChangeError,
    DuplicateError,
    NotFoundError,
    StaleVersionError,
    UnauthorisedMutationError,
)
from domain.events import Authority, Bestuursorgaan, MutationKind, Stamp
from domain.fiscal_year import FiscalYear
from domain.taakstelling import Taakstelling
from domain.values import LineKey, Period, check_aware

Clock = Callable[[], datetime]
A = TypeVar("A", bound=Aggregate)


@dataclass
class Batch:
    """The commands of one batch (Begroting.batch): the aggregates they changed, the
    events in the order the commands made them, and what they read, each at most once."""

    changed: dict[UUID, Aggregate] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)
    read: dict[UUID, Aggregate] = field(default_factory=dict)
    missing: set[UUID] = field(default_factory=set)
    commands: int = 0
    position: int = 0  # the log position of its last event, once written

    def hold(self, aggregates: Iterable[Aggregate]) -> None:
        """Take a command's changed copies; its new events go after the earlier ones."""
        for aggregate in aggregates:
            before = self.changed.get(aggregate.id)
            done = len(before.pending_events) if before is not None else 0
            self.events.extend(aggregate.pending_events[done:])
            self.changed[aggregate.id] = aggregate
            self.missing.discard(aggregate.id)
        self.commands += 1


@contextmanager
def closed_year_at(fields: dict[int, str], otherwise: str) -> Iterator[None]:
    """A closed year refused in a command about several years points at the input that
    names that year (a year only spanned points at `otherwise`)."""
    try:
        yield
    except ClosedFiscalYearError as error:
        error.field = fields.get(error.data["fiscal_year"], otherwise)
        raise


@contextmanager
def closed_year_in(items: str, first_of_year: dict[int, int]) -> Iterator[None]:
    """A closed year refused in a command about a list of line keys points at the year of
    the first member naming it (`fiscal_year` of item n of `items`)."""
    try:
        yield
    except ClosedFiscalYearError as error:
        index = first_of_year.get(error.data["fiscal_year"])
        if index is None:
            error.field = items
        else:
            error.item = (items, index)
        raise


class UnitOfWork(Application[UUID]):
    """Loading, stamping and saving, for the use cases (each area's module) to build on."""

    def __init__(self, env: dict[str, str] | None = None, *, clock: Clock) -> None:
        self._clock = clock
        self._last_recorded_at: datetime | None = None
        self._batch: Batch | None = None
        self._known = KnownIds()
        super().__init__(env)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcodings.register(transcoder)

    # -- the stamp of a change -----------------------------------------------------------

    def _now(self) -> datetime:
        now = check_aware(self._clock(), "clock").astimezone(UTC)
        # recorded_at never runs backwards within this process, whatever the clock does.
        if self._last_recorded_at is not None and now < self._last_recorded_at:
            now = self._last_recorded_at
        self._last_recorded_at = now
        return now

    def _stamp(self, ctx: Context, period: Period, *, decision_id: UUID | None = None) -> Stamp:
        """The stamp of a change that needs no authority (or finds its own)."""
        now = self._now()
        return Stamp(meta=meta_for(ctx, now, period, decision_id=decision_id), recorded_at=now)

    def _authorised(
        self,
        ctx: Context,
        reference: str,
        kind: MutationKind,
        fund: str | None,
        period: Period,
        *,
        raad_only: str | None = None,
    ) -> Stamp:
        """Load the decision and check it authorises `kind` in every year of `period`.

        `raad_only` names a change (moving money between funds) that a mandate never covers.
        """
        now = self._now()
        decision = self._read(Decision, Decision.id_for(reference), f"decision {reference!r}")
        if raad_only is not None and decision.body is not Bestuursorgaan.RAAD:
            raise UnauthorisedMutationError(
                f"{raad_only} needs a decision of the raad", field="decision", decision=reference
            )
        meta = meta_for(ctx, now, period, decision_id=decision.id)
        mandate = (
            self._read(Decision, decision.mandate_id, "mandate")
            if decision.mandate_id is not None
            else None
        )
        years = range(period.first_year, period.last_year + 1)
        authority: Authority | None = None
        for year in years:
            authority = authorise(
                decision, mandate, kind=kind, fund=fund, fiscal_year=year, known_at=meta.known_at
            )
        # Closing and reopening act on the year's lock itself, not on its figures.
        locking = kind in (MutationKind.CLOSE_YEAR, MutationKind.REOPEN_YEAR)
        self._check_open([] if locking else years)
        return Stamp(meta=meta, recorded_at=now, authority=authority)

    def _check_open(self, years: Iterable[int]) -> None:
        for year in years:
            if self._is_closed(year):
                raise ClosedFiscalYearError(year)

    def _is_closed(self, year: int) -> bool:
        fiscal_year = self._lookup(FiscalYear.id_for(year), copy=False)
        return isinstance(fiscal_year, FiscalYear) and fiscal_year.closed

    # -- loading -------------------------------------------------------------------------

    def _get(self, cls: type[A], aggregate_id: UUID, what: str, field_name: str) -> A:
        aggregate = self._lookup(aggregate_id)
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"{what} does not exist", field=field_name)
        return aggregate

    def _read(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """An aggregate to read, never to change: the held or cached one itself, no copy.
        Most commands read their decision, its mandate and the year's lock (ADR 0035).
        Safe because the service and the CLI run every command under the ledger's write
        lock (api.ledger.Ledger.write_lock): a fast-forward of the cached
        aggregate (by another command) changes it in place, never while this one reads it."""
        aggregate = self._lookup(aggregate_id, copy=False)
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"{what} does not exist", field="decision")
        return aggregate

    def _decision(self, reference: str) -> Decision:
        return self._get(
            Decision, Decision.id_for(reference), f"decision {reference!r}", "decision"
        )

    def _taakstelling(self, reference: str, field_name: str) -> Taakstelling:
        return self._get(
            Taakstelling, Taakstelling.id_for(reference), f"taakstelling {reference!r}", field_name
        )

    def _line(self, key: LineKey, stamp: Stamp) -> BudgetLine:
        """The line of `key`, opened (with `stamp`) if it does not exist yet."""
        line = self._lookup(line_id(key))
        if line is None:
            return BudgetLine.open(key=key, stamp=stamp)
        if not isinstance(line, BudgetLine):
            raise NotFoundError(f"line {key.label()} does not exist", field="key")
        return line

    def _existing_line(self, key: LineKey, field_name: str) -> BudgetLine:
        return self._get(BudgetLine, line_id(key), f"line {key.label()}", field_name)

    def _refuse_existing(self, aggregate_id: UUID, message: str, field_name: str) -> None:
        if self._exists(aggregate_id):
            raise DuplicateError(message, field=field_name)

    def _lookup(self, aggregate_id: UUID, *, copy: bool = True) -> Aggregate | None:
        """The aggregate as a command may change it (a copy), or None if it does not exist.
        In a batch, the batch's own view first: what its commands changed, then what it
        read before (ADR 0012). Without `copy`, the held or cached aggregate itself: for a
        caller that only reads it (ADR 0035)."""
        batch = self._batch
        if batch is not None:
            if aggregate_id in batch.missing:
                return None
            held = batch.changed.get(aggregate_id)
            if held is None:
                held = batch.read.get(aggregate_id)
            if held is not None:
                return deepcopy(held) if copy else held
            if self._known.absent(aggregate_id):  # not in the log at the batch's start
                batch.missing.add(aggregate_id)
                return None
        try:
            # The repository copies what it takes from its cache; a batch's first read
            # keeps that copy as its own, so no command changes the cache's.
            aggregate: Aggregate = self.repository.get(
                aggregate_id, deepcopy_from_cache=copy or batch is not None
            )
        except AggregateNotFoundError:
            if batch is not None:
                batch.missing.add(aggregate_id)
            return None
        if batch is not None:
            batch.read[aggregate_id] = aggregate
            return deepcopy(aggregate) if copy else aggregate
        return aggregate

    def _exists(self, aggregate_id: UUID) -> bool:
        return self._lookup(aggregate_id, copy=False) is not None

    # -- saving --------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Record the commands made inside in one transaction when the block ends.

        Each command is checked and applied on its own: one that is refused raises and
        changes nothing, and the batch goes on. An exception that leaves the block records
        nothing of the batch. Inside, a command's `Recorded.position` is 0; the batch's
        `position` is set when it is written. A batch is for one writer: no other command
        of this application runs while it is open (ADR 0012)."""
        if self._batch is not None:
            raise RuntimeError("a batch is already open: batches do not nest")
        batch = self._batch = Batch()
        try:
            self._known.refresh(self.recorder)
            yield batch
        finally:
            self._batch = None
        if not batch.events:
            return
        try:
            recordings = self.events.put(batch.events)
        except IntegrityError:
            raise ConcurrentChangeError(
                "another change to a record of the batch came first; nothing was recorded"
            ) from None
        batch.position = max(r.notification.id for r in recordings)
        first = min(r.notification.id for r in recordings)
        self._known.written(batch.changed, first, batch.position)
        for aggregate in batch.changed.values():
            aggregate.collect_events()  # written above, in the order of the commands
            self._remember(aggregate)

    def _remember(self, aggregate: Aggregate) -> None:
        """Keep a just-recorded aggregate in the cache: the next command that needs it then
        only fast-forwards it instead of replaying its events (ADR 0012)."""
        if self.repository.cache is not None:
            self.repository.cache.put(aggregate.id, aggregate)

    def _save(self, ctx: Context, ids: dict[str, UUID], *aggregates: Any) -> Recorded:
        """Record the aggregates atomically (in a batch: hold them for the batch's write).
        The first is the one the command changes: its version before the command must be
        the one the actor expected, if they said."""
        batch = self._batch
        if ctx.expected_version is not None and aggregates:
            changed = aggregates[0]
            held = batch.changed.get(changed.id) if batch is not None else None
            version = (
                held.version if held is not None else changed.version - len(changed.pending_events)
            )
            if version != ctx.expected_version:
                raise StaleVersionError(
                    f"the record is at version {version}, not {ctx.expected_version}: "
                    "it changed since it was read; read it again",
                    field="expected_version",
                    version=version,
                )
        by_id = {aggregate.id: aggregate.version for aggregate in aggregates}
        versions = {name: by_id[aggregate_id] for name, aggregate_id in ids.items()}
        if batch is not None:
            batch.hold(aggregates)
            return Recorded(ids=ids, position=0, versions=versions)
        if ctx.noting is not None:
            ctx.noting(Recorded(ids=ids, position=0, versions=versions), by_id)
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            raise ConcurrentChangeError(
                "another change to the same record came first; nothing was recorded"
            ) from None
        for aggregate in aggregates:
            self._remember(aggregate)
        position = max((r.notification.id for r in recordings), default=0)
        return Recorded(ids=ids, position=position, versions=versions)
