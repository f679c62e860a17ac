"""Taakstellingen: savings targets per measure and year, and the risks listed beside them."""

from __future__ import annotations

from enum import Enum
from typing import Any, cast
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import DuplicateError, InvalidInputError, TaakstellingError, relocated
from domain.events import Authority, Created, Event, Stamp, natural_id
from domain.money import Money
from domain.taakvelden import check_taakveld
from domain.values import (
    CODE_LENGTH,
    NAME_LENGTH,
    SHORT_LENGTH,
    TAAKVELD_LENGTH,
    YearAmounts,
    check_interventie,
    check_text,
)


class TaakstellingKind(Enum):
    TARGET = "taakstelling"
    # Listed with the targets but "geen taakstelling": never part of a total excluding risk.
    RISK = "risico"


class Taakstelling(LedgerAggregate):
    def __init__(
        self,
        reference: str,
        label: str,
        interventie: int | None,
        programma: str,
        taakveld: str,
        kind: TaakstellingKind,
        origin: str,
        base_deelproducten: tuple[str, ...],
        amounts: YearAmounts,
        authority: Authority | None,
    ) -> None:
        self.reference = reference
        self.label = label
        self.interventie = interventie
        self.programma = programma
        self.taakveld = taakveld
        self.kind = kind
        self.origin = origin
        self.base_deelproducten = tuple(base_deelproducten)
        self.amounts: dict[int, Money] = dict(amounts.items)
        self.mutation_ids: set[UUID] = set()

    @staticmethod
    def id_for(reference: str) -> UUID:
        return natural_id("taakstelling", reference)

    @classmethod
    def impose(
        cls,
        *,
        stamp: Stamp,
        reference: str,
        label: str,
        interventie: int | None,
        programma: str,
        taakveld: str,
        kind: TaakstellingKind,
        origin: str,
        base_deelproducten: tuple[str, ...],
        amounts: YearAmounts,
    ) -> Taakstelling:
        if not reference.strip():
            raise InvalidInputError("a taakstelling needs a reference", field="reference")
        if not label.strip():
            raise InvalidInputError("a taakstelling needs a label", field="label")
        if not amounts.items:
            raise InvalidInputError("a taakstelling needs amounts per year", field="amounts")
        check_interventie(interventie)
        check_text(reference, "reference", max_length=NAME_LENGTH)
        check_text(label, "label")
        check_text(programma, "programma", max_length=NAME_LENGTH)
        check_text(taakveld, "taakveld", max_length=TAAKVELD_LENGTH)
        check_text(origin, "origin", max_length=SHORT_LENGTH)
        for deelproduct in base_deelproducten:
            check_text(deelproduct, "base_deelproducten", max_length=CODE_LENGTH)
        for year, amount in amounts:
            check_taakveld(taakveld, year)
            if amount.is_negative():
                raise InvalidInputError(
                    "a taakstelling is a positive saving", field=f"amounts.{year}"
                )
        authority = stamp.authority
        if kind is TaakstellingKind.TARGET and authority is None:
            raise TaakstellingError(
                "a taakstelling is imposed by an adopted decision", field="decision"
            )
        if kind is TaakstellingKind.RISK and authority is None and not stamp.meta.source:
            raise TaakstellingError("a risk names its source document", field="source")
        return cls._create(
            cls.Imposed,
            id=cls.id_for(reference),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
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

    class Imposed(Created):
        reference: str
        label: str
        interventie: int | None
        programma: str
        taakveld: str
        kind: TaakstellingKind
        origin: str
        base_deelproducten: tuple[str, ...]
        amounts: YearAmounts
        authority: Authority | None

    class Mutation(Event):
        mutation_id: UUID
        fiscal_year: int
        authority: Authority

        def delta(self) -> Money:
            raise NotImplementedError

        def apply(self, aggregate: Any) -> None:
            taakstelling = cast(Taakstelling, aggregate)
            current = taakstelling.amounts.get(self.fiscal_year, Money.zero())
            taakstelling.amounts[self.fiscal_year] = current + self.delta()
            taakstelling.mutation_ids.add(self.mutation_id)

    class Adjusted(Mutation):
        amount: Money

        def delta(self) -> Money:
            return self.amount

    class ShiftedOut(Mutation):
        """Verlegd: part of this target moves to another taakstelling for that year."""

        amount: Money
        to_taakstelling: UUID

        def delta(self) -> Money:
            return -self.amount

    class ShiftedIn(Mutation):
        amount: Money
        from_taakstelling: UUID

        def delta(self) -> Money:
            return self.amount

    class YearCancelled(Mutation):
        """The target for one year is cancelled; `coverage` names what covers it instead."""

        amount: Money
        coverage: str

        def delta(self) -> Money:
            return -self.amount

    def amount_for(self, year: int) -> Money:
        return self.amounts.get(year, Money.zero())

    def _check_new(self, mutation_id: UUID) -> None:
        if mutation_id in self.mutation_ids:
            raise DuplicateError(
                f"mutation {mutation_id} was already applied to {self.reference!r}",
                field="mutation_id",
            )

    def _check_year(self, year: int) -> None:
        with relocated("taakveld", "fiscal_year"):  # the taakveld is fixed; the year is at fault
            check_taakveld(self.taakveld, year)

    def adjust(
        self,
        *,
        fiscal_year: int,
        delta: Money,
        stamp: Stamp,
    ) -> None:
        self._check_new(stamp.mutation)
        self._check_year(fiscal_year)
        if delta.is_zero():
            raise InvalidInputError("an adjustment changes the amount", field="amount")
        if (self.amount_for(fiscal_year) + delta).is_negative():
            raise TaakstellingError(
                f"{self.reference!r} holds {self.amount_for(fiscal_year)} for {fiscal_year};"
                f" it cannot fall by {-delta}",
                field="amount",
            )
        self.trigger_event(
            self.Adjusted,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            fiscal_year=fiscal_year,
            authority=stamp.authorised_by,
            amount=delta,
        )

    def shift_out(
        self,
        *,
        fiscal_year: int,
        amount: Money,
        to: Taakstelling,
        stamp: Stamp,
    ) -> None:
        self._check_new(stamp.mutation)
        if to.id == self.id:
            raise TaakstellingError("a taakstelling cannot shift to itself", field="to")
        if not amount.is_positive():
            raise InvalidInputError("the amount must be more than zero", field="amount")
        if amount > self.amount_for(fiscal_year):
            raise TaakstellingError(
                f"{self.reference!r} holds {self.amount_for(fiscal_year)} for {fiscal_year};"
                f" it cannot shift {amount}",
                field="amount",
            )
        self.trigger_event(
            self.ShiftedOut,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            fiscal_year=fiscal_year,
            authority=stamp.authorised_by,
            amount=amount,
            to_taakstelling=to.id,
        )

    def shift_in(
        self,
        *,
        fiscal_year: int,
        amount: Money,
        source: Taakstelling,
        stamp: Stamp,
    ) -> None:
        self._check_new(stamp.mutation)
        self._check_year(fiscal_year)
        self.trigger_event(
            self.ShiftedIn,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            fiscal_year=fiscal_year,
            authority=stamp.authorised_by,
            amount=amount,
            from_taakstelling=source.id,
        )

    def cancel_year(
        self,
        *,
        fiscal_year: int,
        coverage: str,
        stamp: Stamp,
    ) -> None:
        self._check_new(stamp.mutation)
        check_text(coverage, "coverage", required=False)
        if not coverage.strip():
            raise TaakstellingError(
                "cancelling a year names the coverage that replaces it", field="coverage"
            )
        amount = self.amount_for(fiscal_year)
        if amount.is_zero():
            raise TaakstellingError(
                f"{self.reference!r} has nothing to cancel in {fiscal_year}", field="fiscal_year"
            )
        self.trigger_event(
            self.YearCancelled,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            mutation_id=stamp.mutation,
            fiscal_year=fiscal_year,
            authority=stamp.authorised_by,
            amount=amount,
            coverage=coverage,
        )
