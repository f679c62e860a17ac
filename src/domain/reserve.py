"""Reserves (saldireserve, bestemmingsreserves) and their earmarks (oormerken).

A reserve is a balance per earmark and fiscal year (ADR 0027): an opening balance as the
jaarrekening states it, stortingen, onttrekkingen, and oormerken that move part of the free
balance into an earmark (and release what is left back). Where no opening is stated the
free part's balance is unknown, never zero: a withdrawal from it is then accepted.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, cast
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import DuplicateError, InvalidInputError, ReserveBalanceError
from domain.events import Authority, Created, Event, Stamp, natural_id
from domain.money import Money
from domain.values import CODE_LENGTH, NAME_LENGTH, SHORT_LENGTH, check_text

FREE = ""  # the part of a reserve without an earmark


class ReserveKind(Enum):
    ALGEMEEN = "algemeen"
    BESTEMMING = "bestemming"


class Reserve(LedgerAggregate):
    """A reserve's known balance, per earmark, never goes below zero. An earmark (the €2m
    transformatiebudget in the saldireserve) is a sub-ledger, not a reserve of its own; it
    starts empty, so its balance is always known. The free part's balance is known from the
    first fiscal year with a stated opening balance on."""

    def __init__(self, code: str, name: str, kind: ReserveKind, purpose: str) -> None:
        self.code = code
        self.name = name
        self.kind = kind
        self.purpose = purpose
        self.balances: dict[str, Money] = {}
        self.mutation_ids: set[UUID] = set()
        # Net movement per (earmark, fiscal year), and the stated openings with the version
        # of the statement (a correction names it).
        self.movements: dict[tuple[str, int], Money] = {}
        self.openings: dict[tuple[str, int], tuple[Money, int]] = {}
        # When each stated opening became known: a correction may not be known before it
        # (a basis between the two would see the correction's delta without its base).
        self.opening_known_at: dict[tuple[str, int], datetime] = {}

    @staticmethod
    def id_for(code: str) -> UUID:
        return natural_id("reserve", code)

    @classmethod
    def establish(
        cls,
        *,
        code: str,
        name: str,
        kind: ReserveKind,
        purpose: str,
        stamp: Stamp,
    ) -> Reserve:
        if not code.strip():
            raise InvalidInputError("a reserve needs a code", field="code")
        if not name.strip():
            raise InvalidInputError("a reserve needs a name", field="name")
        check_text(code, "code", max_length=CODE_LENGTH)
        check_text(name, "name", max_length=NAME_LENGTH)
        check_text(purpose, "purpose", required=False)
        return cls._create(
            cls.Established,
            id=cls.id_for(code),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            code=code,
            name=name,
            kind=kind,
            purpose=purpose,
        )

    class Established(Created):
        code: str
        name: str
        kind: ReserveKind
        purpose: str

    class Mutation(Event):
        mutation_id: UUID
        fiscal_year: int
        amount: Money
        earmark: str
        authority: Authority

        def delta(self) -> Money:
            raise NotImplementedError

        def apply(self, aggregate: Any) -> None:
            reserve = cast(Reserve, aggregate)
            reserve._move(self.earmark, self.fiscal_year, self.delta())
            reserve.mutation_ids.add(self.mutation_id)

    class Deposited(Mutation):
        """Storting."""

        def delta(self) -> Money:
            return self.amount

    class Withdrawn(Mutation):
        """Onttrekking."""

        def delta(self) -> Money:
            return -self.amount

    class OpeningBalanceStated(Event):
        """The balance of a part of the reserve at the start of a fiscal year, as the
        jaarrekening states it. A later statement for the same year and earmark corrects
        the earlier: it names its version and amount."""

        fiscal_year: int
        amount: Money
        earmark: str
        authority: Authority | None
        corrects_version: int | None
        previous_amount: Money | None

        def apply(self, aggregate: Any) -> None:
            reserve = cast(Reserve, aggregate)
            reserve.openings[(self.earmark, self.fiscal_year)] = (
                self.amount,
                self.originator_version,
            )
            reserve.opening_known_at[(self.earmark, self.fiscal_year)] = self.meta.known_at

    class Transfer(Event):
        """Money moving between the free part and an earmark: the reserve's total stays."""

        mutation_id: UUID
        fiscal_year: int
        earmark: str
        amount: Money
        authority: Authority

        def into_earmark(self) -> Money:
            raise NotImplementedError

        def apply(self, aggregate: Any) -> None:
            reserve = cast(Reserve, aggregate)
            reserve._move(self.earmark, self.fiscal_year, self.into_earmark())
            reserve._move(FREE, self.fiscal_year, -self.into_earmark())
            reserve.mutation_ids.add(self.mutation_id)

    class Earmarked(Transfer):
        """An oormerk: part of the free balance set aside for a purpose. Not a storting."""

        def into_earmark(self) -> Money:
            return self.amount

    class EarmarkReleased(Transfer):
        """What is left of an earmark flows back to the free part."""

        def into_earmark(self) -> Money:
            return -self.amount

    def _move(self, earmark: str, fiscal_year: int, delta: Money) -> None:
        self.balances[earmark] = self.balances.get(earmark, Money.zero()) + delta
        key = (earmark, fiscal_year)
        self.movements[key] = self.movements.get(key, Money.zero()) + delta

    def _years(self) -> set[int]:
        return {year for _, year in self.movements} | {year for _, year in self.openings}

    def _stated_from(self, earmark: str, fiscal_year: int) -> int | None:
        """The last year at or before `fiscal_year` with a stated opening for `earmark`."""
        stated = [y for e, y in self.openings if e == earmark and y <= fiscal_year]
        return max(stated) if stated else None

    def opening_known(self, earmark: str, fiscal_year: int) -> bool:
        """An earmark starts empty; the free part is known from a stated opening on."""
        return earmark != FREE or self._stated_from(FREE, fiscal_year) is not None

    def balance(self, earmark: str = FREE, fiscal_year: int | None = None) -> Money:
        """The balance at the end of `fiscal_year` (None: of the last year recorded) as far
        as it is known: without a stated opening, the sum of the movements alone."""
        years = self._years()
        year = fiscal_year if fiscal_year is not None else max(years, default=0)
        start = self._stated_from(earmark, year)
        total = Money.zero() if start is None else self.openings[(earmark, start)][0]
        for (e, y), delta in self.movements.items():
            if e == earmark and y <= year and (start is None or y >= start):
                total = total + delta
        return total

    def _available(self, earmark: str, fiscal_year: int) -> Money:
        """What a year can take from a part without its balance going below zero at the end
        of that year or of a later one (up to the next stated opening, which resets it)."""
        later = sorted(y for y in self._years() | {fiscal_year} if y >= fiscal_year)
        reset = [y for e, y in self.openings if e == earmark and y > fiscal_year]
        if reset:
            later = [y for y in later if y < min(reset)]
        return min(self.balance(earmark, y) for y in later)

    def _check_balance(self, earmark: str, fiscal_year: int, amount: Money, doing: str) -> None:
        if not self.opening_known(earmark, fiscal_year):
            return  # the free part's balance is unknown: the view flags what is implied
        available = self._available(earmark, fiscal_year)
        if amount > available:
            where = f"earmark {earmark!r} of " if earmark else ""
            raise ReserveBalanceError(
                f"{where}reserve {self.code} holds {available}; {doing} {amount}"
                " would take it below zero",
                field="amount",
                available=str(available),
                requested=str(amount),
            )

    def _check(self, mutation_id: UUID, amount: Money, earmark: str) -> None:
        check_text(earmark, "earmark", max_length=SHORT_LENGTH, required=False)
        if mutation_id in self.mutation_ids:
            raise DuplicateError(
                f"mutation {mutation_id} was already applied to reserve {self.code}",
                field="mutation_id",
            )
        if not amount.is_positive():
            raise InvalidInputError("the amount must be more than zero", field="amount")

    def deposit(
        self,
        *,
        fiscal_year: int,
        amount: Money,
        earmark: str,
        stamp: Stamp,
    ) -> None:
        self._check(stamp.mutation, amount, earmark)
        self.trigger_event(
            self.Deposited,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            fiscal_year=fiscal_year,
            amount=amount,
            earmark=earmark,
            authority=stamp.authorised_by,
        )

    def withdraw(
        self,
        *,
        fiscal_year: int,
        amount: Money,
        earmark: str,
        stamp: Stamp,
    ) -> None:
        self._check(stamp.mutation, amount, earmark)
        self._check_balance(earmark, fiscal_year, amount, "withdrawing")
        self.trigger_event(
            self.Withdrawn,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            fiscal_year=fiscal_year,
            amount=amount,
            earmark=earmark,
            authority=stamp.authorised_by,
        )

    def state_opening(
        self,
        *,
        fiscal_year: int,
        amount: Money,
        earmark: str,
        stamp: Stamp,
    ) -> None:
        """State the balance at the start of `fiscal_year`; a second statement for the same
        year and earmark corrects the first."""
        check_text(earmark, "earmark", max_length=SHORT_LENGTH, required=False)
        if amount.is_negative():
            raise InvalidInputError("an opening balance is not below zero", field="amount")
        earlier = self.openings.get((earmark, fiscal_year))
        if earlier is not None and earlier[0] == amount:
            raise DuplicateError(
                f"the opening balance of {fiscal_year} is already stated as {amount}",
                field="amount",
            )
        known_before = self.opening_known_at.get((earmark, fiscal_year))
        if known_before is not None and stamp.meta.known_at < known_before:
            raise InvalidInputError(
                "a correction of an opening balance cannot be known before the statement it"
                " corrects",
                field="known_at",
            )
        self.trigger_event(
            self.OpeningBalanceStated,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            fiscal_year=fiscal_year,
            amount=amount,
            earmark=earmark,
            authority=stamp.authority,
            corrects_version=None if earlier is None else earlier[1],
            previous_amount=None if earlier is None else earlier[0],
        )

    def earmark(
        self,
        *,
        fiscal_year: int,
        amount: Money,
        earmark: str,
        stamp: Stamp,
    ) -> None:
        """Set part of the free balance aside in `earmark` (an oormerk)."""
        self._check_transfer(stamp.mutation, amount, earmark)
        self._check_balance(FREE, fiscal_year, amount, "earmarking")
        self._transfer(self.Earmarked, fiscal_year, amount, earmark, stamp)

    def release(
        self,
        *,
        fiscal_year: int,
        amount: Money,
        earmark: str,
        stamp: Stamp,
    ) -> None:
        """Let what is left of `earmark` flow back to the free part."""
        self._check_transfer(stamp.mutation, amount, earmark)
        self._check_balance(earmark, fiscal_year, amount, "releasing")
        self._transfer(self.EarmarkReleased, fiscal_year, amount, earmark, stamp)

    def _check_transfer(self, mutation_id: UUID, amount: Money, earmark: str) -> None:
        if not earmark.strip():
            raise InvalidInputError("an oormerk names its earmark", field="earmark")
        self._check(mutation_id, amount, earmark)

    def _transfer(
        self,
        event: type[Reserve.Transfer],
        fiscal_year: int,
        amount: Money,
        earmark: str,
        stamp: Stamp,
    ) -> None:
        self.trigger_event(
            event,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            fiscal_year=fiscal_year,
            earmark=earmark,
            amount=amount,
            authority=stamp.authorised_by,
        )
