"""Reserves (saldireserve, bestemmingsreserves) and their earmarks."""

from __future__ import annotations

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
    """A reserve's balance, per earmark, never goes below zero. An earmark (the €2m
    transformatiebudget in the saldireserve) is a sub-ledger, not a reserve of its own."""

    def __init__(self, code: str, name: str, kind: ReserveKind, purpose: str) -> None:
        self.code = code
        self.name = name
        self.kind = kind
        self.purpose = purpose
        self.balances: dict[str, Money] = {}
        self.mutation_ids: set[UUID] = set()

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
            reserve.balances[self.earmark] = reserve.balance(self.earmark) + self.delta()
            reserve.mutation_ids.add(self.mutation_id)

    class Deposited(Mutation):
        """Storting."""

        def delta(self) -> Money:
            return self.amount

    class Withdrawn(Mutation):
        """Onttrekking."""

        def delta(self) -> Money:
            return -self.amount

    def balance(self, earmark: str = FREE) -> Money:
        return self.balances.get(earmark, Money.zero())

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
        available = self.balance(earmark)
        if amount > available:
            where = f"earmark {earmark!r} of " if earmark else ""
            raise ReserveBalanceError(
                f"{where}reserve {self.code} holds {available}; withdrawing {amount}"
                " would take it below zero",
                field="amount",
                available=str(available),
                requested=str(amount),
            )
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
