"""Budget lines and their mutations: establish, amend, transfer, carry over."""

from __future__ import annotations

from dataclasses import field
from typing import Any, cast
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import DuplicateError, InsufficientBudgetError, InvalidInputError
from domain.events import OMITTED, Authority, Created, Event, Stamp, natural_id
from domain.iv3 import check_key
from domain.money import Money, sum_money
from domain.taakvelden import check_taakveld
from domain.values import NAME_LENGTH, LineKey, Side, check_text, programma_key

# What a lasten line may be marked as when the raad establishes it: an open-einde regeling
# (spending set by entitlement, not by the budget: Kadernota Rechtmatigheid category 2).
REGELINGEN = ("open-einde",)

# How long a dekking may be: a funding source named in a line ("Saldireserve, oormerk
# transformatiebudget"), the length of the read model's column.
DEKKING_LENGTH = 200


def check_dekking(dekking: str | None) -> str | None:
    """A change's dekking (funding source): single-line text, not blank, or none."""
    if dekking is not None:
        check_text(dekking, "dekking", max_length=DEKKING_LENGTH)
    return dekking


def line_id(key: LineKey) -> UUID:
    return line_id_of(
        key.fiscal_year,
        key.programma,
        key.taakveld,
        key.side.value,
        key.deelproduct,
        key.interventie,
        key.fund,
        key.categorie,
    )


def line_id_of(
    fiscal_year: int,
    programma: str,
    taakveld: str | None,
    side: str,
    deelproduct: str | None,
    interventie: int | None,
    fund: str | None,
    categorie: str | None = None,
) -> UUID:
    """The id of the line of these dimensions, as recorded (a read model's row names a
    realisation's dimensions; a realisation meets the line whose id they give)."""
    parts = [
        str(fiscal_year),
        programma_key(programma),
        taakveld or "",
        side,
        deelproduct or "",
        "" if interventie is None else str(interventie),
        fund or "",
    ]
    if categorie is not None:  # a line of the history before categorie keeps its id
        parts.append(categorie)
    return natural_id("budget-line", "|".join(parts))


class BudgetLine(LedgerAggregate):
    """The authorised amount of one line. It never goes below zero; every change names
    its authority; a mutation id is applied once (a retry is refused, not doubled)."""

    def __init__(self, key: LineKey) -> None:
        self.key = key
        self.total = Money.zero()
        self.established = False
        self.mutation_ids: set[UUID] = set()
        # activity -> its specified part of the line (ADR 0030); moves no money
        self.specifications: dict[str, Money] = {}
        self.regeling: str | None = None

    @classmethod
    def open(cls, *, key: LineKey, stamp: Stamp) -> BudgetLine:
        if key.taakveld is None:
            raise InvalidInputError("a budget line needs a taakveld", field="taakveld")
        check_taakveld(key.taakveld, key.fiscal_year)
        check_key(key)
        return cls._create(
            cls.Opened, id=line_id(key), timestamp=stamp.recorded_at, meta=stamp.meta, key=key
        )

    class Opened(Created):
        key: LineKey

    class Mutation(Event):
        """A change of the line's amount, authorised by `authority`."""

        mutation_id: UUID
        authority: Authority

        def delta(self) -> Money:
            raise NotImplementedError

        def apply(self, aggregate: Any) -> None:
            line = cast(BudgetLine, aggregate)
            line.total = line.total + self.delta()
            line.mutation_ids.add(self.mutation_id)

    class Established(Mutation):
        """The primitieve begroting of the line."""

        amount: Money

        def delta(self) -> Money:
            return self.amount

        def apply(self, aggregate: Any) -> None:
            super().apply(aggregate)
            cast(BudgetLine, aggregate).established = True

    class Amended(Mutation):
        amount: Money
        # The funding source of the change, stored only when set (events before it had none).
        dekking: str | None = field(default=None, metadata=OMITTED)

        def delta(self) -> Money:
            return self.amount

    class TransferredOut(Mutation):
        amount: Money
        to_line: UUID

        def delta(self) -> Money:
            return -self.amount

    class TransferredIn(Mutation):
        amount: Money
        from_line: UUID

        def delta(self) -> Money:
            return self.amount

    class CarriedOver(Mutation):
        """Unspent budget leaves this year for a later one, through a reserve."""

        amount: Money
        to_line: UUID
        reserve_id: UUID

        def delta(self) -> Money:
            return -self.amount

    class CarriedIn(Mutation):
        amount: Money
        from_line: UUID
        reserve_id: UUID

        def delta(self) -> Money:
            return self.amount

    class Specified(Event):
        """An activity's part of the line (tabel 5.2's "Opstart Stip Nijmegen-zuid 64"),
        authorised by `authority`. Not a Mutation: the line's total stays as it was; the
        latest Specified of an activity is its amount (ADR 0030)."""

        activity: str
        amount: Money
        authority: Authority

        def apply(self, aggregate: Any) -> None:
            cast(BudgetLine, aggregate).specifications[self.activity] = self.amount

    def specify(self, *, activity: str, amount: Money, stamp: Stamp) -> None:
        """Rule: the specified parts of a line (this activity's new amount included) never
        exceed the line's total when they are given."""
        check_text(activity, "activity", max_length=NAME_LENGTH)
        if amount.is_negative():
            raise InvalidInputError("a specified amount cannot be negative", field="amount")
        if self.specifications.get(activity) == amount:
            raise InvalidInputError(
                f"{activity!r} of line {self.key.label()} is already {amount}", field="amount"
            )
        others = sum_money([part for name, part in self.specifications.items() if name != activity])
        if (self.total - others - amount).is_negative():
            raise InsufficientBudgetError(
                f"line {self.key.label()} holds {self.total}; its specified parts would come"
                f" to {others + amount}",
                field="amount",
                available=str(self.total - others),
                requested=str(amount),
            )
        self.trigger_event(
            self.Specified,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            activity=activity,
            amount=amount,
            authority=stamp.authorised_by,
        )

    class RegelingMarked(Event):
        """The raad's decision `authority` marks the line as a regeling of kind `regeling`
        (open-einde): its lasten follow entitlements, not the amount (ADR 0029)."""

        regeling: str
        authority: Authority

        def apply(self, aggregate: Any) -> None:
            cast(BudgetLine, aggregate).regeling = self.regeling

    def mark_regeling(self, *, regeling: str, stamp: Stamp) -> None:
        if regeling not in REGELINGEN:
            raise InvalidInputError(
                f"a regeling is one of {', '.join(REGELINGEN)}", field="regeling"
            )
        if self.key.side is not Side.LASTEN:
            raise InvalidInputError(
                "only a lasten line is an open-einde regeling", field="regeling"
            )
        if self.regeling == regeling:
            raise DuplicateError(
                f"line {self.key.label()} is already marked {regeling}", field="regeling"
            )
        self.trigger_event(
            self.RegelingMarked,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            regeling=regeling,
            authority=stamp.authorised_by,
        )

    def _check_new(self, mutation_id: UUID) -> None:
        if mutation_id in self.mutation_ids:
            raise DuplicateError(
                f"mutation {mutation_id} was already applied to line {self.key.label()}",
                field="mutation_id",
                mutation_id=str(mutation_id),
            )

    def _check_covers(self, amount: Money) -> None:
        if (self.total - amount).is_negative():
            raise InsufficientBudgetError(
                f"line {self.key.label()} holds {self.total}; it cannot give {amount}",
                field="amount",
                available=str(self.total),
                requested=str(amount),
            )

    @staticmethod
    def _check_positive(amount: Money) -> None:
        if not amount.is_positive():
            raise InvalidInputError("the amount must be more than zero", field="amount")

    def establish(
        self,
        *,
        amount: Money,
        stamp: Stamp,
    ) -> None:
        self._check_new(stamp.mutation)
        if self.established or self.mutation_ids:
            raise DuplicateError(
                f"line {self.key.label()} already has a budget; amend it instead",
                field="key",
            )
        if amount.is_negative():
            raise InvalidInputError("a budget cannot be negative", field="amount")
        self.trigger_event(
            self.Established,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            authority=stamp.authorised_by,
            amount=amount,
        )

    def amend(
        self,
        *,
        delta: Money,
        stamp: Stamp,
        dekking: str | None = None,
    ) -> None:
        self._check_new(stamp.mutation)
        check_dekking(dekking)
        if delta.is_zero():
            raise InvalidInputError("an amendment changes the amount", field="amount")
        if delta.is_negative():
            self._check_covers(-delta)
        self.trigger_event(
            self.Amended,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            authority=stamp.authorised_by,
            amount=delta,
            dekking=dekking,
        )

    def transfer_out(
        self,
        *,
        amount: Money,
        to_line: UUID,
        stamp: Stamp,
    ) -> None:
        self._check_new(stamp.mutation)
        self._check_positive(amount)
        self._check_covers(amount)
        self.trigger_event(
            self.TransferredOut,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            authority=stamp.authorised_by,
            amount=amount,
            to_line=to_line,
        )

    def transfer_in(
        self,
        *,
        amount: Money,
        from_line: UUID,
        stamp: Stamp,
    ) -> None:
        self._check_new(stamp.mutation)
        self._check_positive(amount)
        self.trigger_event(
            self.TransferredIn,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            authority=stamp.authorised_by,
            amount=amount,
            from_line=from_line,
        )

    def carry_over(
        self,
        *,
        amount: Money,
        to_line: UUID,
        reserve_id: UUID,
        stamp: Stamp,
    ) -> None:
        self._check_new(stamp.mutation)
        self._check_positive(amount)
        self._check_covers(amount)
        self.trigger_event(
            self.CarriedOver,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            authority=stamp.authorised_by,
            amount=amount,
            to_line=to_line,
            reserve_id=reserve_id,
        )

    def carry_in(
        self,
        *,
        amount: Money,
        from_line: UUID,
        reserve_id: UUID,
        stamp: Stamp,
    ) -> None:
        self._check_new(stamp.mutation)
        self._check_positive(amount)
        self.trigger_event(
            self.CarriedIn,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            authority=stamp.authorised_by,
            amount=amount,
            from_line=from_line,
            reserve_id=reserve_id,
        )
