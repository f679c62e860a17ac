"""Use cases on budget lines: establish, amend, transfer and carry over (overheveling)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4, uuid5

from domain.application.context import Context, Recorded
from domain.application.unit_of_work import UnitOfWork, closed_year_at
from domain.budget import line_id
from domain.errors import TransferError
from domain.events import MutationKind
from domain.money import Money
from domain.reserve import FREE, Reserve
from domain.values import LineKey, Period


class BudgetLineUseCases(UnitOfWork):
    def establish_budget(
        self,
        ctx: Context,
        *,
        key: LineKey,
        amount: Money,
        decision: str,
        mutation_id: UUID | None = None,
        regeling: str | None = None,
    ) -> Recorded:
        """The primitieve begroting of a line; `regeling` ("open-einde") marks it, in the
        same save, as a regeling whose lasten follow entitlements (ADR 0029)."""
        stamp = self._authorised(
            ctx, decision, MutationKind.ESTABLISH, key.fund, Period.year(key.fiscal_year)
        )
        line = self._line(key, stamp)
        line.establish(amount=amount, stamp=replace(stamp, mutation_id=mutation_id or uuid4()))
        if regeling is not None:
            line.mark_regeling(regeling=regeling, stamp=stamp)
        return self._save(ctx, {"line": line.id}, line)

    def amend_budget(
        self,
        ctx: Context,
        *,
        key: LineKey,
        delta: Money,
        decision: str,
        mutation_id: UUID | None = None,
        dekking: str | None = None,
    ) -> Recorded:
        """`dekking`: the funding source of the change, recorded with it."""
        stamp = self._authorised(
            ctx, decision, MutationKind.AMEND, key.fund, Period.year(key.fiscal_year)
        )
        line = self._line(key, stamp)
        line.amend(
            delta=delta, stamp=replace(stamp, mutation_id=mutation_id or uuid4()), dekking=dekking
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
        stamp = self._authorised(
            ctx,
            decision,
            MutationKind.TRANSFER,
            source.fund,
            Period.year(source.fiscal_year),
            raad_only="a transfer between funds" if source.fund != target.fund else None,
        )
        stamp = replace(stamp, mutation_id=mutation_id or uuid4())
        giver = self._existing_line(source, "source")
        taker = self._line(target, stamp)
        giver.transfer_out(amount=amount, to_line=taker.id, stamp=stamp)
        taker.transfer_in(amount=amount, from_line=giver.id, stamp=stamp)
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
            stamp = self._authorised(
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
        given = replace(
            stamp,
            meta=replace(stamp.meta, period=Period.year(source.fiscal_year)),
            mutation_id=mutation,
        )
        taken = replace(
            stamp,
            meta=replace(stamp.meta, period=Period.year(target.fiscal_year)),
            mutation_id=mutation,
        )
        taker = self._line(target, taken)
        store = self._get(Reserve, Reserve.id_for(reserve), f"reserve {reserve!r}", "reserve")
        giver.carry_over(amount=amount, to_line=taker.id, reserve_id=store.id, stamp=given)
        store.deposit(
            fiscal_year=source.fiscal_year,
            amount=amount,
            earmark=FREE,
            stamp=replace(given, mutation_id=uuid5(mutation, "storting")),
        )
        store.withdraw(
            fiscal_year=target.fiscal_year,
            amount=amount,
            earmark=FREE,
            stamp=replace(taken, mutation_id=uuid5(mutation, "onttrekking")),
        )
        taker.carry_in(amount=amount, from_line=giver.id, reserve_id=store.id, stamp=taken)
        return self._save(
            ctx, {"source": giver.id, "target": taker.id, "reserve": store.id}, giver, store, taker
        )
