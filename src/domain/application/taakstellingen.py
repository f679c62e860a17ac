"""Use cases on taakstellingen: impose, adjust, shift (verleggen) and cancel a year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from uuid import UUID, uuid4

from domain.application.context import Context, Recorded
from domain.application.unit_of_work import UnitOfWork
from domain.errors import InvalidInputError, relocated
from domain.events import MutationKind
from domain.money import Money
from domain.taakstelling import Taakstelling, TaakstellingKind
from domain.values import Period, YearAmounts


class TaakstellingUseCases(UnitOfWork):
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
        if decision is not None:
            stamp = self._authorised(ctx, decision, MutationKind.TAAKSTELLING, None, period)
        else:
            stamp = self._stamp(ctx, period)
        self._check_open(years)
        taakstelling_id = Taakstelling.id_for(reference)
        self._refuse_existing(
            taakstelling_id, f"taakstelling {reference!r} already exists", "reference"
        )
        taakstelling = Taakstelling.impose(
            stamp=stamp,
            reference=reference,
            label=label,
            interventie=interventie,
            programma=programma,
            taakveld=taakveld,
            kind=kind,
            origin=origin,
            base_deelproducten=tuple(base_deelproducten),
            amounts=amounts,
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
        stamp = self._authorised(
            ctx, decision, MutationKind.TAAKSTELLING, None, Period.year(fiscal_year)
        )
        taakstelling = self._taakstelling(reference, "reference")
        taakstelling.adjust(
            fiscal_year=fiscal_year,
            delta=delta,
            stamp=replace(stamp, mutation_id=mutation_id or uuid4()),
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
        stamp = self._authorised(
            ctx, decision, MutationKind.TAAKSTELLING, None, Period.year(fiscal_year)
        )
        giver = self._taakstelling(source, "source")
        taker = self._taakstelling(target, "target")
        stamp = replace(stamp, mutation_id=mutation_id or uuid4())
        with relocated("to", "target"):
            giver.shift_out(fiscal_year=fiscal_year, amount=amount, to=taker, stamp=stamp)
        taker.shift_in(fiscal_year=fiscal_year, amount=amount, source=giver, stamp=stamp)
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
        stamp = self._authorised(
            ctx, decision, MutationKind.TAAKSTELLING, None, Period.year(fiscal_year)
        )
        taakstelling = self._taakstelling(reference, "reference")
        taakstelling.cancel_year(
            fiscal_year=fiscal_year,
            coverage=coverage,
            stamp=replace(stamp, mutation_id=mutation_id or uuid4()),
        )
        return self._save(ctx, {"taakstelling": taakstelling.id}, taakstelling)
