"""Use cases on decisions: propose, adopt, reject, withdraw; and finding one."""

from __future__ import annotations

from collections.abc import Callable

from domain.application.context import Context, Recorded, meta_for
from domain.application.unit_of_work import UnitOfWork
from domain.decision import Decision, MandateScope
from domain.errors import NotFoundError
from domain.events import Bestuursorgaan, DecisionKind, Stamp
from domain.money import Money
from domain.values import LineKey, Period


class DecisionUseCases(UnitOfWork):
    def propose_decision(
        self,
        ctx: Context,
        *,
        reference: str,
        title: str,
        body: Bestuursorgaan,
        kind: DecisionKind,
        period: Period,
        mandate_scope: MandateScope | None = None,
        mandate_reference: str | None = None,
        number: str | None = None,
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
        stamp = Stamp(meta=meta_for(ctx, now, period, decision_id=decision_id), recorded_at=now)
        decision = Decision.propose(
            stamp=stamp,
            reference=reference,
            title=title,
            body=body,
            kind=kind,
            mandate_scope=mandate_scope,
            mandate=mandate,
            number=number,
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
        meta = meta_for(ctx, now, decision.period, decision_id=decision.id)
        action(decision, stamp=Stamp(meta=meta, recorded_at=now))
        return self._save(ctx, {"decision": decision.id}, decision)

    def propose_amendment(
        self, ctx: Context, *, reference: str, key: LineKey, amount: Money
    ) -> Recorded:
        """Record an amendment that the proposed raad decision `reference` would make."""
        now = self._now()
        decision = self._decision(reference)
        meta = meta_for(ctx, now, Period.year(key.fiscal_year), decision_id=decision.id)
        decision.propose_amendment(key=key, amount=amount, stamp=Stamp(meta=meta, recorded_at=now))
        return self._save(ctx, {"decision": decision.id}, decision)

    # -- reading aggregates (used by interfaces to check existence) ----------------------

    def find_decision(self, reference: str) -> Decision | None:
        try:
            return self._decision(reference)
        except NotFoundError:
            return None
