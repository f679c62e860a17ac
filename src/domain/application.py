"""The Begroting application: one method per use case (load, decide, save).

Every method takes a Context (who, when known, why) and returns the ids it touched and the
log position of its last event, never an aggregate. The clock is passed in; the domain
never reads it (ADR 0002).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from domain import transcodings
from domain.budget import BudgetLine, line_id
from domain.decision import Decision, MandateScope, authorise
from domain.errors import (
    ClosedFiscalYearError,
    ConcurrentChangeError,
    DuplicateError,
    InvalidInputError,
    InvalidTimeError,
    NotFoundError,
    OpenFiscalYearError,
    RealisationError,
    StaleVersionError,
    TransferError,
    UnauthorisedMutationError,
    relocated,
)
from domain.events import Authority, Body, DecisionKind, MutationKind
from domain.fiscal_year import FiscalYear
from domain.money import Money
from domain.realisation import Realisation, RealisationStatus, late_result_id, realisation_id
from domain.report import Report, TableSpec
from domain.reserve import FREE, Reserve, ReserveKind
from domain.taakstelling import Taakstelling, TaakstellingKind
from domain.values import (
    MAX_FISCAL_YEAR,
    NAME_LENGTH,
    SHORT_LENGTH,
    LineKey,
    Meta,
    Period,
    YearAmounts,
    check_aware,
    check_text,
)

Clock = Callable[[], datetime]
A = TypeVar("A", bound=Aggregate)


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


class Begroting(Application[UUID]):
    name = "Begroting"
    # A cache with fast-forward reads the newer events of another process before deciding.
    env: ClassVar[dict[str, str]] = {
        "AGGREGATE_CACHE_MAXSIZE": "10000",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }

    def __init__(self, env: dict[str, str] | None = None, *, clock: Clock) -> None:
        self._clock = clock
        self._last_recorded_at: datetime | None = None
        self._batch: Batch | None = None
        super().__init__(env)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcodings.register(transcoder)

    # -- decisions -------------------------------------------------------------------

    def propose_decision(
        self,
        ctx: Context,
        *,
        reference: str,
        title: str,
        body: Body,
        kind: DecisionKind,
        period: Period,
        mandate_scope: MandateScope | None = None,
        mandate_reference: str | None = None,
    ) -> Recorded:
        now = self._now()
        decision_id = Decision.id_for(reference)
        self._refuse_existing(decision_id, f"decision {reference!r} already exists", "reference")
        mandate = (
            self._get(
                Decision,
                Decision.id_for(mandate_reference),
                f"mandate {mandate_reference!r}",
                "mandate",
            )
            if mandate_reference is not None
            else None
        )
        meta = self._meta(ctx, now, period, decision_id=decision_id)
        decision = Decision.propose(
            meta=meta,
            recorded_at=now,
            reference=reference,
            title=title,
            body=body,
            kind=kind,
            mandate_scope=mandate_scope,
            mandate=mandate,
        )
        return self._save(ctx, {"decision": decision.id}, decision)

    def adopt_decision(self, ctx: Context, *, reference: str) -> Recorded:
        return self._decide(ctx, reference, Decision.adopt)

    def reject_decision(self, ctx: Context, *, reference: str) -> Recorded:
        return self._decide(ctx, reference, Decision.reject)

    def withdraw_decision(self, ctx: Context, *, reference: str) -> Recorded:
        return self._decide(ctx, reference, Decision.withdraw)

    def _decide(self, ctx: Context, reference: str, action: Callable[..., None]) -> Recorded:
        now = self._now()
        decision = self._decision(reference)
        action(
            decision,
            meta=self._meta(ctx, now, decision.period, decision_id=decision.id),
            recorded_at=now,
        )
        return self._save(ctx, {"decision": decision.id}, decision)

    # -- budget lines ------------------------------------------------------------------

    def establish_budget(
        self,
        ctx: Context,
        *,
        key: LineKey,
        amount: Money,
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        now, meta, authority = self._authorised(
            ctx, decision, MutationKind.ESTABLISH, key.fund, Period.year(key.fiscal_year)
        )
        line = self._line(key, meta, now)
        line.establish(
            amount=amount,
            authority=authority,
            mutation_id=mutation_id or uuid4(),
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"line": line.id}, line)

    def amend_budget(
        self,
        ctx: Context,
        *,
        key: LineKey,
        delta: Money,
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        now, meta, authority = self._authorised(
            ctx, decision, MutationKind.AMEND, key.fund, Period.year(key.fiscal_year)
        )
        line = self._line(key, meta, now)
        line.amend(
            delta=delta,
            authority=authority,
            mutation_id=mutation_id or uuid4(),
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"line": line.id}, line)

    def transfer_budget(
        self,
        ctx: Context,
        *,
        source: LineKey,
        target: LineKey,
        amount: Money,
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        if source.fiscal_year != target.fiscal_year:
            raise TransferError(
                "a transfer stays within one fiscal year; carry over to move between years",
                field="target.fiscal_year",
            )
        if line_id(source) == line_id(target):
            raise TransferError("a transfer needs two different lines", field="target")
        now, meta, authority = self._authorised(
            ctx,
            decision,
            MutationKind.TRANSFER,
            source.fund,
            Period.year(source.fiscal_year),
            raad_only="a transfer between funds" if source.fund != target.fund else None,
        )
        mutation = mutation_id or uuid4()
        giver = self._existing_line(source, "source")
        taker = self._line(target, meta, now)
        giver.transfer_out(
            amount=amount,
            to_line=taker.id,
            authority=authority,
            mutation_id=mutation,
            meta=meta,
            recorded_at=now,
        )
        taker.transfer_in(
            amount=amount,
            from_line=giver.id,
            authority=authority,
            mutation_id=mutation,
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"source": giver.id, "target": taker.id}, giver, taker)

    def carry_over_budget(
        self,
        ctx: Context,
        *,
        source: LineKey,
        target: LineKey,
        amount: Money,
        reserve: str,
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        """Overheveling: unspent budget of year T goes into a reserve (storting in T) and
        comes out in a later year (onttrekking), landing on the target line."""
        if target.fiscal_year <= source.fiscal_year:
            raise TransferError(
                "a carry-over goes to a later fiscal year", field="target.fiscal_year"
            )
        years = {source.fiscal_year: "source.fiscal_year", target.fiscal_year: "target.fiscal_year"}
        with closed_year_at(years, "source.fiscal_year"):
            now, meta, authority = self._authorised(
                ctx,
                decision,
                MutationKind.CARRY_OVER,
                source.fund,
                Period(source.fiscal_year, target.fiscal_year),
                raad_only="a carry-over between funds" if source.fund != target.fund else None,
            )
        mutation = mutation_id or uuid4()
        giver = self._existing_line(source, "source")
        # Each of the four facts is valid for its own year: T gives and stores, T+n takes.
        given = replace(meta, period=Period.year(source.fiscal_year))
        taken = replace(meta, period=Period.year(target.fiscal_year))
        taker = self._line(target, taken, now)
        store = self._get(Reserve, Reserve.id_for(reserve), f"reserve {reserve!r}", "reserve")
        giver.carry_over(
            amount=amount,
            to_line=taker.id,
            reserve_id=store.id,
            authority=authority,
            mutation_id=mutation,
            meta=given,
            recorded_at=now,
        )
        store.deposit(
            fiscal_year=source.fiscal_year,
            amount=amount,
            earmark=FREE,
            authority=authority,
            mutation_id=uuid5(mutation, "storting"),
            meta=given,
            recorded_at=now,
        )
        store.withdraw(
            fiscal_year=target.fiscal_year,
            amount=amount,
            earmark=FREE,
            authority=authority,
            mutation_id=uuid5(mutation, "onttrekking"),
            meta=taken,
            recorded_at=now,
        )
        taker.carry_in(
            amount=amount,
            from_line=giver.id,
            reserve_id=store.id,
            authority=authority,
            mutation_id=mutation,
            meta=taken,
            recorded_at=now,
        )
        return self._save(
            ctx, {"source": giver.id, "target": taker.id, "reserve": store.id}, giver, store, taker
        )

    # -- taakstellingen ----------------------------------------------------------------

    def impose_taakstelling(
        self,
        ctx: Context,
        *,
        reference: str,
        label: str,
        interventie: int | None,
        programma: str,
        taakveld: str,
        kind: TaakstellingKind,
        origin: str,
        amounts: YearAmounts,
        base_deelproducten: Iterable[str] = (),
        decision: str | None = None,
    ) -> Recorded:
        years = amounts.years()
        if not years:
            raise InvalidInputError("a taakstelling needs amounts per year", field="amounts")
        period = Period.spanning(years)
        authority: Authority | None = None
        if decision is not None:
            now, meta, authority = self._authorised(
                ctx, decision, MutationKind.TAAKSTELLING, None, period
            )
            self._check_open(years)
        else:
            now = self._now()
            meta = self._meta(ctx, now, period)
            self._check_open(years)
        taakstelling_id = Taakstelling.id_for(reference)
        self._refuse_existing(
            taakstelling_id, f"taakstelling {reference!r} already exists", "reference"
        )
        taakstelling = Taakstelling.impose(
            meta=meta,
            recorded_at=now,
            reference=reference,
            label=label,
            interventie=interventie,
            programma=programma,
            taakveld=taakveld,
            kind=kind,
            origin=origin,
            base_deelproducten=tuple(base_deelproducten),
            amounts=amounts,
            authority=authority,
        )
        return self._save(ctx, {"taakstelling": taakstelling.id}, taakstelling)

    def adjust_taakstelling(
        self,
        ctx: Context,
        *,
        reference: str,
        fiscal_year: int,
        delta: Money,
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        now, meta, authority = self._authorised(
            ctx, decision, MutationKind.TAAKSTELLING, None, Period.year(fiscal_year)
        )
        taakstelling = self._taakstelling(reference, "reference")
        taakstelling.adjust(
            fiscal_year=fiscal_year,
            delta=delta,
            authority=authority,
            mutation_id=mutation_id or uuid4(),
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"taakstelling": taakstelling.id}, taakstelling)

    def shift_taakstelling(
        self,
        ctx: Context,
        *,
        source: str,
        target: str,
        fiscal_year: int,
        amount: Money,
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        """Verleggen: part of one target moves to another; the year's total is conserved."""
        now, meta, authority = self._authorised(
            ctx, decision, MutationKind.TAAKSTELLING, None, Period.year(fiscal_year)
        )
        giver = self._taakstelling(source, "source")
        taker = self._taakstelling(target, "target")
        mutation = mutation_id or uuid4()
        with relocated("to", "target"):
            giver.shift_out(
                fiscal_year=fiscal_year,
                amount=amount,
                to=taker,
                authority=authority,
                mutation_id=mutation,
                meta=meta,
                recorded_at=now,
            )
        taker.shift_in(
            fiscal_year=fiscal_year,
            amount=amount,
            source=giver,
            authority=authority,
            mutation_id=mutation,
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"source": giver.id, "target": taker.id}, giver, taker)

    def cancel_taakstelling_year(
        self,
        ctx: Context,
        *,
        reference: str,
        fiscal_year: int,
        coverage: str,
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        now, meta, authority = self._authorised(
            ctx, decision, MutationKind.TAAKSTELLING, None, Period.year(fiscal_year)
        )
        taakstelling = self._taakstelling(reference, "reference")
        taakstelling.cancel_year(
            fiscal_year=fiscal_year,
            coverage=coverage,
            authority=authority,
            mutation_id=mutation_id or uuid4(),
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"taakstelling": taakstelling.id}, taakstelling)

    # -- realisations ------------------------------------------------------------------

    def report_realisation(
        self,
        ctx: Context,
        *,
        key: LineKey,
        amount: Money,
        status: RealisationStatus,
        quarter: int | None = None,
        month: str | None = None,
    ) -> Recorded:
        """`month` ("YYYY-MM", optional) is the month the figure covers (ADR 0020)."""
        now = self._now()
        meta = self._meta(ctx, now, Period.year(key.fiscal_year, quarter))
        self._check_open([key.fiscal_year])
        self._refuse_existing(
            realisation_id(key, quarter),
            f"a realisation for {key.label()} in that period exists; correct it instead",
            "key",
        )
        realisation = Realisation.report(
            key=key,
            quarter=quarter,
            amount=amount,
            status=status,
            meta=meta,
            recorded_at=now,
            month=month,
        )
        return self._save(ctx, {"realisation": realisation.id}, realisation)

    def correct_realisation(
        self,
        ctx: Context,
        *,
        key: LineKey,
        corrects_version: int,
        amount: Money,
        status: RealisationStatus,
        reason: str,
        quarter: int | None = None,
    ) -> Recorded:
        now = self._now()
        meta = self._meta(ctx, now, Period.year(key.fiscal_year, quarter))
        self._check_open([key.fiscal_year])
        realisation = self._get(
            Realisation, realisation_id(key, quarter), f"realisation for {key.label()}", "key"
        )
        realisation.correct(
            corrects_version=corrects_version,
            amount=amount,
            status=status,
            reason=reason,
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"realisation": realisation.id}, realisation)

    def report_late_result(
        self,
        ctx: Context,
        *,
        key: LineKey,
        amount: Money,
        status: RealisationStatus,
        reason: str,
        corrects_version: int | None = None,
        quarter: int | None = None,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        """Resultaat voorgaand jaar (ADR 0010): a result for the closed year
        `key.fiscal_year` that came in late is booked in the next open year on the same
        line dimensions, naming the closed year and, with `corrects_version` (and `quarter`),
        the closed year's figure it corrects. The closed year is never rewritten."""
        now = self._now()
        origin = key.fiscal_year
        if not self._is_closed(origin):
            raise RealisationError(
                f"fiscal year {origin} is open: report or correct its realisation itself",
                field="fiscal_year",
                fiscal_year=origin,
            )
        booked = replace(key, fiscal_year=self.next_open_year(origin))
        meta = self._meta(ctx, now, Period.year(booked.fiscal_year))
        corrects: Realisation | None = None
        if corrects_version is not None:
            corrects = self._get(
                Realisation, realisation_id(key, quarter), f"realisation for {key.label()}", "key"
            )
            if corrects.version != corrects_version:
                raise RealisationError(
                    f"the late result names version {corrects_version}, but the figure of "
                    f"{key.label()} is version {corrects.version}",
                    field="corrects_version",
                    current_version=corrects.version,
                )
        elif quarter is not None:
            raise InvalidInputError(
                "a quarter names the figure a late result corrects: give corrects_version",
                field="quarter",
            )
        late_id = late_result_id(mutation_id or uuid4())
        self._refuse_existing(late_id, "this late result is already recorded", "mutation_id")
        realisation = Realisation.report_late_result(
            realisation_id=late_id,
            key=booked,
            origin_year=origin,
            amount=amount,
            status=status,
            reason=reason,
            corrects=corrects,
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"realisation": realisation.id}, realisation)

    def next_open_year(self, year: int) -> int:
        """The first fiscal year after `year` that is not closed."""
        for later in range(year + 1, MAX_FISCAL_YEAR + 1):
            if not self._is_closed(later):
                return later
        raise ClosedFiscalYearError(MAX_FISCAL_YEAR)

    # -- reserves ----------------------------------------------------------------------

    def establish_reserve(
        self,
        ctx: Context,
        *,
        code: str,
        name: str,
        kind: ReserveKind,
        purpose: str,
        fiscal_year: int,
    ) -> Recorded:
        now = self._now()
        meta = self._meta(ctx, now, Period.year(fiscal_year))
        self._refuse_existing(Reserve.id_for(code), f"reserve {code!r} already exists", "code")
        reserve = Reserve.establish(
            code=code, name=name, kind=kind, purpose=purpose, meta=meta, recorded_at=now
        )
        return self._save(ctx, {"reserve": reserve.id}, reserve)

    def deposit_to_reserve(
        self,
        ctx: Context,
        *,
        code: str,
        fiscal_year: int,
        amount: Money,
        decision: str,
        earmark: str = FREE,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        now, meta, authority = self._authorised(
            ctx, decision, MutationKind.RESERVE, None, Period.year(fiscal_year)
        )
        reserve = self._get(Reserve, Reserve.id_for(code), f"reserve {code!r}", "code")
        reserve.deposit(
            fiscal_year=fiscal_year,
            amount=amount,
            earmark=earmark,
            authority=authority,
            mutation_id=mutation_id or uuid4(),
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"reserve": reserve.id}, reserve)

    def withdraw_from_reserve(
        self,
        ctx: Context,
        *,
        code: str,
        fiscal_year: int,
        amount: Money,
        decision: str,
        earmark: str = FREE,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        now, meta, authority = self._authorised(
            ctx, decision, MutationKind.RESERVE, None, Period.year(fiscal_year)
        )
        reserve = self._get(Reserve, Reserve.id_for(code), f"reserve {code!r}", "code")
        reserve.withdraw(
            fiscal_year=fiscal_year,
            amount=amount,
            earmark=earmark,
            authority=authority,
            mutation_id=mutation_id or uuid4(),
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"reserve": reserve.id}, reserve)

    def allocate_from_reserve(
        self,
        ctx: Context,
        *,
        code: str,
        earmark: str,
        allocations: dict[LineKey, Money],
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        """Bring reserve money into the budget: one onttrekking per fiscal year, matched
        euro for euro by amendments of the receiving lines, in one transaction."""
        if not allocations:
            raise InvalidInputError("an allocation names its lines", field="allocations")
        years = sorted({key.fiscal_year for key in allocations})
        first_of_year: dict[int, str] = {}
        for index, key in enumerate(allocations):
            first_of_year.setdefault(key.fiscal_year, f"allocations.{index}.key.fiscal_year")
        with closed_year_at(first_of_year, "allocations"):
            now, meta, authority = self._authorised(
                ctx, decision, MutationKind.RESERVE, None, Period.spanning(years)
            )
        mutation = mutation_id or uuid4()
        reserve = self._get(Reserve, Reserve.id_for(code), f"reserve {code!r}", "code")
        lines: list[BudgetLine] = []
        for year in years:
            in_year = replace(meta, period=Period.year(year))
            total = Money.zero()
            for key, amount in allocations.items():
                if key.fiscal_year != year:
                    continue
                if not amount.is_positive():
                    raise InvalidInputError("an allocation is more than zero", field="allocations")
                line = self._line(key, in_year, now)
                line.amend(
                    delta=amount,
                    authority=authority,
                    mutation_id=mutation,
                    meta=in_year,
                    recorded_at=now,
                )
                lines.append(line)
                total = total + amount
            with relocated("amount", "allocations"):  # the total of the allocations
                reserve.withdraw(
                    fiscal_year=year,
                    amount=total,
                    earmark=earmark,
                    authority=authority,
                    mutation_id=uuid5(mutation, str(year)),
                    meta=in_year,
                    recorded_at=now,
                )
        return self._save(ctx, {"reserve": reserve.id}, reserve, *lines)

    # -- fiscal years and reports ------------------------------------------------------

    def close_fiscal_year(self, ctx: Context, *, fiscal_year: int, decision: str) -> Recorded:
        now, meta, authority = self._authorised(
            ctx, decision, MutationKind.CLOSE_YEAR, None, Period.year(fiscal_year)
        )
        year_id = FiscalYear.id_for(fiscal_year)
        year = (
            self._get(FiscalYear, year_id, f"fiscal year {fiscal_year}", "fiscal_year")
            if self._exists(year_id)
            else FiscalYear.begin(year=fiscal_year, meta=meta, recorded_at=now)
        )
        year.close(authority=authority, meta=meta, recorded_at=now)
        return self._save(ctx, {"fiscal_year": year.id}, year)

    def reopen_fiscal_year(self, ctx: Context, *, fiscal_year: int, decision: str) -> Recorded:
        """Audited reopening: an adopted raad decision (a revised jaarrekening or a
        begrotingswijziging) opens a closed year again; `FiscalYear.Reopened` names it."""
        now, meta, authority = self._authorised(
            ctx, decision, MutationKind.REOPEN_YEAR, None, Period.year(fiscal_year)
        )
        year_id = FiscalYear.id_for(fiscal_year)
        if not self._exists(year_id):
            raise OpenFiscalYearError(fiscal_year)
        year = self._get(FiscalYear, year_id, f"fiscal year {fiscal_year}", "fiscal_year")
        year.reopen(authority=authority, meta=meta, recorded_at=now)
        return self._save(ctx, {"fiscal_year": year.id}, year)

    def publish_report(
        self,
        ctx: Context,
        *,
        report_id: str,
        title: str,
        published_at: datetime,
        knowledge_cutoff: datetime,
        tables: tuple[TableSpec, ...],
        period: Period,
        decision: str | None = None,
    ) -> Recorded:
        check_aware(published_at, "published_at")
        check_aware(knowledge_cutoff, "knowledge_cutoff")
        now = self._now()
        authority: Authority | None = None
        if decision is not None:
            authority = self._decision(decision).authority()
        meta = self._meta(
            ctx, now, period, decision_id=authority.decision_id if authority else None
        )
        self._refuse_existing(
            Report.id_for(report_id), f"report {report_id!r} already exists", "report_id"
        )
        report = Report.publish(
            report_id=report_id,
            title=title,
            published_at=published_at,
            knowledge_cutoff=knowledge_cutoff,
            tables=tables,
            authority=authority,
            meta=meta,
            recorded_at=now,
        )
        return self._save(ctx, {"report": report.id}, report)

    # -- reading aggregates (used by interfaces to check existence) ----------------------

    def find_decision(self, reference: str) -> Decision | None:
        try:
            return self._decision(reference)
        except NotFoundError:
            return None

    # -- helpers -----------------------------------------------------------------------

    def _now(self) -> datetime:
        now = check_aware(self._clock(), "clock").astimezone(UTC)
        # recorded_at never runs backwards within this process, whatever the clock does.
        if self._last_recorded_at is not None and now < self._last_recorded_at:
            now = self._last_recorded_at
        self._last_recorded_at = now
        return now

    def _meta(
        self, ctx: Context, now: datetime, period: Period, *, decision_id: UUID | None = None
    ) -> Meta:
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

    def _authorised(
        self,
        ctx: Context,
        reference: str,
        kind: MutationKind,
        fund: str | None,
        period: Period,
        *,
        raad_only: str | None = None,
    ) -> tuple[datetime, Meta, Authority]:
        """Load the decision and check it authorises `kind` in every year of `period`.

        `raad_only` names a change (moving money between funds) that a mandate never covers.
        """
        now = self._now()
        decision = self._decision(reference)
        if raad_only is not None and decision.body is not Body.RAAD:
            raise UnauthorisedMutationError(
                f"{raad_only} needs a decision of the raad", field="decision", decision=reference
            )
        meta = self._meta(ctx, now, period, decision_id=decision.id)
        mandate = (
            self._get(Decision, decision.mandate_id, "mandate", "decision")
            if decision.mandate_id is not None
            else None
        )
        years = range(period.first_year, period.last_year + 1)
        for year in years:
            authority = authorise(
                decision, mandate, kind=kind, fund=fund, fiscal_year=year, known_at=meta.known_at
            )
        # Closing and reopening act on the year's lock itself, not on its figures.
        locking = kind in (MutationKind.CLOSE_YEAR, MutationKind.REOPEN_YEAR)
        self._check_open([] if locking else years)
        return now, meta, authority

    def _check_open(self, years: Iterable[int]) -> None:
        for year in years:
            if self._is_closed(year):
                raise ClosedFiscalYearError(year)

    def _is_closed(self, year: int) -> bool:
        fiscal_year = self._lookup(FiscalYear.id_for(year))
        return isinstance(fiscal_year, FiscalYear) and fiscal_year.closed

    def _get(self, cls: type[A], aggregate_id: UUID, what: str, field_name: str) -> A:
        aggregate = self._lookup(aggregate_id)
        if not isinstance(aggregate, cls):
            raise NotFoundError(f"{what} does not exist", field=field_name)
        return aggregate

    def _decision(self, reference: str) -> Decision:
        return self._get(
            Decision, Decision.id_for(reference), f"decision {reference!r}", "decision"
        )

    def _taakstelling(self, reference: str, field_name: str) -> Taakstelling:
        return self._get(
            Taakstelling, Taakstelling.id_for(reference), f"taakstelling {reference!r}", field_name
        )

    def _line(self, key: LineKey, meta: Meta, now: datetime) -> BudgetLine:
        line = self._lookup(line_id(key))
        if line is None:
            return BudgetLine.open(key=key, meta=meta, recorded_at=now)
        if not isinstance(line, BudgetLine):
            raise NotFoundError(f"line {key.label()} does not exist", field="key")
        return line

    def _existing_line(self, key: LineKey, field_name: str) -> BudgetLine:
        return self._get(BudgetLine, line_id(key), f"line {key.label()}", field_name)

    def _refuse_existing(self, aggregate_id: UUID, message: str, field_name: str) -> None:
        if self._exists(aggregate_id):
            raise DuplicateError(message, field=field_name)

    def _lookup(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate as a command may change it (a copy), or None if it does not exist.
        In a batch, the batch's own view first: what its commands changed, then what it
        read before (ADR 0012)."""
        batch = self._batch
        if batch is not None:
            if aggregate_id in batch.missing:
                return None
            held = batch.changed.get(aggregate_id)
            if held is None:
                held = batch.read.get(aggregate_id)
            if held is not None:
                return deepcopy(held)
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            if batch is not None:
                batch.missing.add(aggregate_id)
            return None
        if batch is not None:
            batch.read[aggregate_id] = deepcopy(aggregate)
        return aggregate

    def _exists(self, aggregate_id: UUID) -> bool:
        return self._lookup(aggregate_id) is not None

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
