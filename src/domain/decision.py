"""Decisions (besluiten) of the raad and the college, and the mandates the raad grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, cast
from uuid import UUID

from domain.aggregate import LedgerAggregate
from domain.errors import DecisionStateError, InvalidInputError, UnauthorisedMutationError
from domain.events import (
    OMITTED,
    Authority,
    Bestuursorgaan,
    Created,
    DecisionKind,
    Event,
    MutationKind,
    Stamp,
    natural_id,
)
from domain.money import Money
from domain.taakvelden import check_taakveld
from domain.values import MIN_FISCAL_YEAR, NAME_LENGTH, SHORT_LENGTH, LineKey, Period, check_text


class DecisionStatus(Enum):
    PROPOSED = "proposed"
    ADOPTED = "adopted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class MandateScope:
    """What a raad mandate lets the college decide: which kinds of change, on which fund,
    for which fiscal years. A college decision outside it authorises nothing."""

    kinds: tuple[MutationKind, ...]
    fund: str | None
    period: Period

    def covers(self, kind: MutationKind, fund: str | None, fiscal_year: int) -> bool:
        return (
            kind in self.kinds
            and (self.fund is None or self.fund == fund)
            and self.period.first_year <= fiscal_year <= self.period.last_year
        )


# A motie asks, a mandate delegates: neither changes a figure by itself.
_NOT_AUTHORISING = {DecisionKind.MOTIE, DecisionKind.MANDATE}
# The raad's decisions that change an adopted begroting (Gemeentewet art. 192): the ones a
# municipality numbers as its begrotingswijzigingen ("begrotingswijziging 2019-12").
NUMBERED_KINDS = (
    DecisionKind.BEGROTINGSWIJZIGING,
    DecisionKind.ZOMERNOTA,
    DecisionKind.NAJAARSNOTA,
    DecisionKind.SLOTWIJZIGING,
)


class Decision(LedgerAggregate):
    def __init__(
        self,
        reference: str,
        title: str,
        body: Bestuursorgaan,
        kind: DecisionKind,
        mandate_scope: MandateScope | None,
        mandate_id: UUID | None,
        number: str | None = None,
    ) -> None:
        self.reference = reference
        self.number = number
        self.title = title
        self.body = body
        self.kind = kind
        self.mandate_scope = mandate_scope
        self.mandate_id = mandate_id
        self.status = DecisionStatus.PROPOSED
        self.decided_at: datetime | None = None
        self.period: Period = Period.year(MIN_FISCAL_YEAR)  # set by Proposed.apply

    @staticmethod
    def id_for(reference: str) -> UUID:
        return natural_id("decision", reference)

    @classmethod
    def propose(
        cls,
        *,
        stamp: Stamp,
        reference: str,
        title: str,
        body: Bestuursorgaan,
        kind: DecisionKind,
        mandate_scope: MandateScope | None = None,
        mandate: Decision | None = None,
        number: str | None = None,
    ) -> Decision:
        """`number`: the municipality's number of a begrotingswijziging ("2019-12"), for a
        raad decision of one of NUMBERED_KINDS; the mutations it authorises are its parts."""
        if not reference.strip():
            raise InvalidInputError("a decision needs a reference", field="reference")
        if not title.strip():
            raise InvalidInputError("a decision needs a title", field="title")
        check_text(reference, "reference", max_length=NAME_LENGTH)
        check_text(title, "title")
        if kind is DecisionKind.MANDATE:
            if body is not Bestuursorgaan.RAAD:
                raise InvalidInputError("only the raad grants a mandate", field="body")
            if mandate_scope is None:
                raise InvalidInputError("a mandate needs a scope", field="mandate_scope")
            check_text(mandate_scope.fund, "mandate_scope.fund", required=False)
        elif mandate_scope is not None:
            raise InvalidInputError("only a mandate has a scope", field="mandate_scope")
        if number is not None:
            check_text(number, "number", max_length=SHORT_LENGTH)
            if body is not Bestuursorgaan.RAAD or kind not in NUMBERED_KINDS:
                raise InvalidInputError(
                    "only a begrotingswijziging of the raad carries a number "
                    f"(a {body.value} {kind.value} does not)",
                    field="number",
                )
        if mandate is not None:
            if body is not Bestuursorgaan.COLLEGE:
                raise InvalidInputError("only the college acts under a mandate", field="mandate")
            if mandate.kind is not DecisionKind.MANDATE:
                raise InvalidInputError(
                    f"decision {mandate.reference!r} is not a mandate", field="mandate"
                )
        return cls._create(
            cls.Proposed,
            id=cls.id_for(reference),
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            reference=reference,
            title=title,
            body=body,
            kind=kind,
            mandate_scope=mandate_scope,
            mandate_id=mandate.id if mandate is not None else None,
            number=number,
        )

    class Proposed(Created):
        reference: str
        title: str
        body: Bestuursorgaan
        kind: DecisionKind
        mandate_scope: MandateScope | None
        mandate_id: UUID | None
        # Stored only when set: a decision proposed without one is stored as before.
        number: str | None = field(default=None, metadata=OMITTED)

        def apply(self, aggregate: Any) -> None:
            # The fiscal years the decision concerns; its lifecycle events share them.
            cast(Decision, aggregate).period = self.meta.period

    def adopt(self, *, stamp: Stamp) -> None:
        self._check_proposed("adopt")
        self.trigger_event(self.Adopted, timestamp=stamp.recorded_at, meta=stamp.meta)

    def reject(self, *, stamp: Stamp) -> None:
        self._check_proposed("reject")
        self.trigger_event(self.Rejected, timestamp=stamp.recorded_at, meta=stamp.meta)

    def withdraw(self, *, stamp: Stamp) -> None:
        self._check_proposed("withdraw")
        self.trigger_event(self.Withdrawn, timestamp=stamp.recorded_at, meta=stamp.meta)

    def _check_proposed(self, action: str) -> None:
        if self.status is not DecisionStatus.PROPOSED:
            raise DecisionStateError(
                f"cannot {action} decision {self.reference!r}: it is {self.status.value}",
                field="reference",
                reference=self.reference,
                status=self.status.value,
            )

    def propose_amendment(self, *, key: LineKey, amount: Money, stamp: Stamp) -> None:
        """A budget amendment this proposed raad decision would make: not in force until the
        raad adopts the decision (then the amendment itself is recorded), yet it tells the
        rechtmatigheid view which overschrijding awaits authorisation (ADR 0029)."""
        self._check_proposed("propose an amendment to")
        if self.body is not Bestuursorgaan.RAAD or self.kind in _NOT_AUTHORISING:
            raise InvalidInputError(
                "only a decision of the raad that changes the budget proposes an amendment",
                field="reference",
            )
        if not self.period.first_year <= key.fiscal_year <= self.period.last_year:
            raise InvalidInputError(
                f"decision {self.reference!r} concerns {self.period}, not {key.fiscal_year}",
                field="fiscal_year",
            )
        if key.taakveld is None:
            raise InvalidInputError("a budget line needs a taakveld", field="taakveld")
        check_taakveld(key.taakveld, key.fiscal_year)
        if amount.is_zero():
            raise InvalidInputError("an amendment changes the amount", field="amount")
        self.trigger_event(
            self.AmendmentProposed,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            key=key,
            amount=amount,
        )

    class AmendmentProposed(Event):
        """The decision, still proposed, would amend the line of `key` by `amount`."""

        key: LineKey
        amount: Money

    class Adopted(Event):
        def apply(self, aggregate: Any) -> None:
            decision = cast(Decision, aggregate)
            decision.status = DecisionStatus.ADOPTED
            decision.decided_at = self.meta.known_at

    class Rejected(Event):
        def apply(self, aggregate: Any) -> None:
            decision = cast(Decision, aggregate)
            decision.status = DecisionStatus.REJECTED
            decision.decided_at = self.meta.known_at

    class Withdrawn(Event):
        def apply(self, aggregate: Any) -> None:
            cast(Decision, aggregate).status = DecisionStatus.WITHDRAWN

    def authority(self) -> Authority:
        return Authority(
            decision_id=self.id,
            reference=self.reference,
            body=self.body,
            kind=self.kind,
            mandate_id=self.mandate_id,
        )

    def is_adopted_by(self, moment: datetime) -> bool:
        return (
            self.status is DecisionStatus.ADOPTED
            and self.decided_at is not None
            and self.decided_at <= moment
        )


def authorise(
    decision: Decision,
    mandate: Decision | None,
    *,
    kind: MutationKind,
    fund: str | None,
    fiscal_year: int,
    known_at: datetime,
) -> Authority:
    """The rule of budgetrecht: a change takes effect only through a decision the raad
    adopted, or a college decision within a mandate the raad granted and adopted.

    Raises UnauthorisedMutationError naming what is missing; returns the authority to record.
    """
    reference = decision.reference
    if not decision.is_adopted_by(known_at):
        raise UnauthorisedMutationError(
            f"decision {reference!r} is {decision.status.value}"
            + ("" if decision.status is not DecisionStatus.ADOPTED else " only after this change")
            + "; a change takes effect only through an adopted decision",
            field="decision",
            decision=reference,
        )
    if decision.kind in _NOT_AUTHORISING:
        raise UnauthorisedMutationError(
            f"a {decision.kind.value} ({reference!r}) does not itself authorise a change",
            field="decision",
            decision=reference,
        )
    if decision.body is Bestuursorgaan.RAAD:
        return decision.authority()
    if mandate is None or decision.mandate_id != mandate.id:
        raise UnauthorisedMutationError(
            f"college decision {reference!r} relies on no mandate of the raad",
            field="decision",
            decision=reference,
        )
    scope = mandate.mandate_scope
    if not mandate.is_adopted_by(known_at) or scope is None:
        raise UnauthorisedMutationError(
            f"mandate {mandate.reference!r} is not adopted by the raad",
            field="decision",
            decision=reference,
        )
    if not scope.covers(kind, fund, fiscal_year):
        raise UnauthorisedMutationError(
            f"mandate {mandate.reference!r} does not cover a {kind.value} "
            f"on fund {fund!r} in {fiscal_year}",
            field="decision",
            decision=reference,
        )
    return decision.authority()
