"""Bodies of the budget's commands: each names the budget line it changes `line`, or the
two lines of a transfer `source` and `target`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.requests.members import (
    Amount,
    LineKeyIn,
    Provenance,
    Reference,
    line,
)
from domain.budget import DEKKING_LENGTH

Dekking = Annotated[str, line(DEKKING_LENGTH, examples=["algemene middelen"])]


class EstablishBudget(Provenance):
    line: LineKeyIn
    amount: Amount
    decision: Reference
    # A lasten line whose spending follows entitlements: Kadernota category 2 (ADR 0029).
    regeling: Literal["open-einde"] | None = None


class ProposeAmendment(Provenance):
    """An amendment the proposed raad decision `decision` would make (ADR 0029)."""

    line: LineKeyIn
    amount: Amount
    decision: Reference


class AmendBudget(Provenance):
    line: LineKeyIn
    delta: Amount
    decision: Reference
    dekking: Dekking | None = Field(
        default=None,
        description="the funding source of the change, such as "
        '"Saldireserve, oormerk transformatiebudget" or "algemene middelen"',
    )


class TransferBudget(Provenance):
    source: LineKeyIn
    target: LineKeyIn
    amount: Amount
    decision: Reference


class CarryOverBudget(Provenance):
    source: LineKeyIn
    target: LineKeyIn
    amount: Amount
    reserve: Reference
    decision: Reference
