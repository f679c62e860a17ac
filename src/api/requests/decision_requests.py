"""Bodies of the decisions' commands."""

from __future__ import annotations

from pydantic import (
    Field,
)

from api.requests.members import (
    Input,
    PeriodIn,
    Provenance,
    Reference,
    Short,
    Text,
)
from domain.decision import MandateScope
from domain.errors import relocated
from domain.events import Bestuursorgaan, DecisionKind, MutationKind


class MandateScopeIn(Input):
    kinds: list[MutationKind] = Field(min_length=1)
    fund: Short | None = None
    period: PeriodIn

    def to_domain(self) -> MandateScope:
        return MandateScope(kinds=tuple(self.kinds), fund=self.fund, period=self.period.to_domain())


class ProposeDecision(Provenance):
    reference: Reference
    title: Text
    body: Bestuursorgaan
    kind: DecisionKind
    period: PeriodIn
    mandate_scope: MandateScopeIn | None = None
    mandate: Reference | None = Field(
        default=None, description="the reference of the raad mandate a college decision uses"
    )
    number: Short | None = Field(
        default=None,
        description="the municipality's number of a begrotingswijziging of the raad, such as "
        '"2019-12" (begrotingswijziging 2019-12); the mutations it authorises are its parts',
    )

    def scope(self) -> MandateScope | None:
        if self.mandate_scope is None:
            return None
        with relocated("period", "mandate_scope.period"):
            return self.mandate_scope.to_domain()


class DecideDecision(Provenance):
    """Adopt, reject or withdraw: the body is optional."""
