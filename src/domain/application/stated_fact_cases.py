"""Use cases on stated facts (ADR 0030): kengetallen and their measurements, results a
report states per domain, and an activity's specified part of a budget line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.application.context import Context, Recorded
from domain.application.unit_of_work import UnitOfWork
from domain.events import MutationKind
from domain.kengetal import Kengetal
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.stated_result import StatedResult
from domain.values import LineKey, Period


class StatedFactUseCases(UnitOfWork):
    def define_kengetal(
        self,
        ctx: Context,
        *,
        reference: str,
        label: str,
        unit: str,
        fiscal_year: int,
        interventie: int | None = None,
    ) -> Recorded:
        """`fiscal_year` is the year the definition is valid from (its event's period)."""
        stamp = self._stamp(ctx, Period.year(fiscal_year))
        self._refuse_existing(
            Kengetal.id_for(reference), f"kengetal {reference!r} already exists", "reference"
        )
        kengetal = Kengetal.define(
            reference=reference, label=label, unit=unit, interventie=interventie, stamp=stamp
        )
        return self._save(ctx, {"kengetal": kengetal.id}, kengetal)

    def measure_kengetal(
        self,
        ctx: Context,
        *,
        reference: str,
        fiscal_year: int,
        value: Decimal,
        peildatum: date | None = None,
    ) -> Recorded:
        """A later measurement of the same year replaces the earlier one (and names it)."""
        stamp = self._stamp(ctx, Period.year(fiscal_year))
        kengetal = self._get(
            Kengetal, Kengetal.id_for(reference), f"kengetal {reference!r}", "reference"
        )
        kengetal.measure(fiscal_year=fiscal_year, value=value, peildatum=peildatum, stamp=stamp)
        return self._save(ctx, {"kengetal": kengetal.id}, kengetal)

    def state_result(
        self,
        ctx: Context,
        *,
        fiscal_year: int,
        domain: str,
        label: str,
        scope: str,
        amount: Money,
        status: RealisationStatus,
    ) -> Recorded:
        stamp = self._stamp(ctx, Period.year(fiscal_year))
        self._refuse_existing(
            StatedResult.id_for(fiscal_year, domain),
            f"a result for {domain!r} in {fiscal_year} is stated; restate it instead",
            "domain",
        )
        result = StatedResult.state(
            fiscal_year=fiscal_year,
            domain=domain,
            label=label,
            scope=scope,
            amount=amount,
            status=status,
            stamp=stamp,
        )
        return self._save(ctx, {"stated_result": result.id}, result)

    def restate_result(
        self,
        ctx: Context,
        *,
        fiscal_year: int,
        domain: str,
        amount: Money,
        status: RealisationStatus,
        reason: str,
        corrects_version: int,
    ) -> Recorded:
        stamp = self._stamp(ctx, Period.year(fiscal_year))
        result = self._get(
            StatedResult,
            StatedResult.id_for(fiscal_year, domain),
            f"stated result {domain!r} of {fiscal_year}",
            "domain",
        )
        result.restate(
            amount=amount,
            status=status,
            reason=reason,
            corrects_version=corrects_version,
            stamp=stamp,
        )
        return self._save(ctx, {"stated_result": result.id}, result)

    def specify_budget(
        self,
        ctx: Context,
        *,
        key: LineKey,
        activity: str,
        amount: Money,
        decision: str,
    ) -> Recorded:
        """An activity's part of an existing line; it moves no money. A decision that may
        amend the line may specify it (the same authorisation as an amendment)."""
        stamp = self._authorised(
            ctx, decision, MutationKind.AMEND, key.fund, Period.year(key.fiscal_year)
        )
        line = self._existing_line(key, "key")
        line.specify(activity=activity, amount=amount, stamp=stamp)
        return self._save(ctx, {"line": line.id}, line)
