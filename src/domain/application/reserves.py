"""Use cases on reserves: establish, deposit (storting), withdraw (onttrekking), state an
opening balance, earmark (oormerk) and release an earmark, and allocate reserve money to
budget lines."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4, uuid5

from domain.application.context import Context, Recorded
from domain.application.unit_of_work import UnitOfWork, closed_year_in
from domain.budget import BudgetLine
from domain.errors import InvalidInputError, relocated
from domain.events import MutationKind
from domain.money import Money
from domain.reserve import FREE, Reserve, ReserveKind
from domain.values import LineKey, Period


class ReserveUseCases(UnitOfWork):
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
        stamp = self._stamp(ctx, Period.year(fiscal_year))
        self._refuse_existing(Reserve.id_for(code), f"reserve {code!r} already exists", "code")
        reserve = Reserve.establish(code=code, name=name, kind=kind, purpose=purpose, stamp=stamp)
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
        stamp = self._authorised(
            ctx, decision, MutationKind.RESERVE, None, Period.year(fiscal_year)
        )
        reserve = self._get(Reserve, Reserve.id_for(code), f"reserve {code!r}", "code")
        reserve.deposit(
            fiscal_year=fiscal_year,
            amount=amount,
            earmark=earmark,
            stamp=replace(stamp, mutation_id=mutation_id or uuid4()),
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
        stamp = self._authorised(
            ctx, decision, MutationKind.RESERVE, None, Period.year(fiscal_year)
        )
        reserve = self._get(Reserve, Reserve.id_for(code), f"reserve {code!r}", "code")
        reserve.withdraw(
            fiscal_year=fiscal_year,
            amount=amount,
            earmark=earmark,
            stamp=replace(stamp, mutation_id=mutation_id or uuid4()),
        )
        return self._save(ctx, {"reserve": reserve.id}, reserve)

    def state_reserve_opening(
        self,
        ctx: Context,
        *,
        code: str,
        fiscal_year: int,
        amount: Money,
        earmark: str = FREE,
        decision: str | None = None,
    ) -> Recorded:
        """The balance at the start of `fiscal_year` as the jaarrekening states it: under a
        decision (the raad's adoption of the jaarrekening) or with its source document."""
        period = Period.year(fiscal_year)
        stamp = (
            self._stamp(ctx, period)
            if decision is None
            else self._authorised(ctx, decision, MutationKind.RESERVE, None, period)
        )
        reserve = self._get(Reserve, Reserve.id_for(code), f"reserve {code!r}", "code")
        reserve.state_opening(fiscal_year=fiscal_year, amount=amount, earmark=earmark, stamp=stamp)
        return self._save(ctx, {"reserve": reserve.id}, reserve)

    def earmark_in_reserve(
        self,
        ctx: Context,
        *,
        code: str,
        fiscal_year: int,
        amount: Money,
        earmark: str,
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        stamp = self._authorised(
            ctx, decision, MutationKind.RESERVE, None, Period.year(fiscal_year)
        )
        reserve = self._get(Reserve, Reserve.id_for(code), f"reserve {code!r}", "code")
        reserve.earmark(
            fiscal_year=fiscal_year,
            amount=amount,
            earmark=earmark,
            stamp=replace(stamp, mutation_id=mutation_id or uuid4()),
        )
        return self._save(ctx, {"reserve": reserve.id}, reserve)

    def release_earmark(
        self,
        ctx: Context,
        *,
        code: str,
        fiscal_year: int,
        amount: Money,
        earmark: str,
        decision: str,
        mutation_id: UUID | None = None,
    ) -> Recorded:
        stamp = self._authorised(
            ctx, decision, MutationKind.RESERVE, None, Period.year(fiscal_year)
        )
        reserve = self._get(Reserve, Reserve.id_for(code), f"reserve {code!r}", "code")
        reserve.release(
            fiscal_year=fiscal_year,
            amount=amount,
            earmark=earmark,
            stamp=replace(stamp, mutation_id=mutation_id or uuid4()),
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
        euro for euro by amendments of the receiving lines, in one transaction.

        An error about one allocation names it: `item` is ("allocations", its index in
        `allocations`) and `field` the field of its line key (a closed year: `fiscal_year`).
        """
        if not allocations:
            raise InvalidInputError("an allocation names its lines", field="allocations")
        years = sorted({key.fiscal_year for key in allocations})
        first_of_year: dict[int, int] = {}
        for index, key in enumerate(allocations):
            first_of_year.setdefault(key.fiscal_year, index)
        with closed_year_in("allocations", first_of_year):
            stamp = self._authorised(
                ctx, decision, MutationKind.RESERVE, None, Period.spanning(years)
            )
        mutation = mutation_id or uuid4()
        reserve = self._get(Reserve, Reserve.id_for(code), f"reserve {code!r}", "code")
        lines: list[BudgetLine] = []
        for year in years:
            in_year = replace(
                stamp, meta=replace(stamp.meta, period=Period.year(year)), mutation_id=mutation
            )
            total = Money.zero()
            for key, amount in allocations.items():
                if key.fiscal_year != year:
                    continue
                if not amount.is_positive():
                    raise InvalidInputError("an allocation is more than zero", field="allocations")
                line = self._line(key, in_year)
                line.amend(delta=amount, stamp=in_year)
                lines.append(line)
                total = total + amount
            with relocated("amount", "allocations"):  # the total of the allocations
                reserve.withdraw(
                    fiscal_year=year,
                    amount=total,
                    earmark=earmark,
                    stamp=replace(in_year, mutation_id=uuid5(mutation, str(year))),
                )
        return self._save(ctx, {"reserve": reserve.id}, reserve, *lines)
