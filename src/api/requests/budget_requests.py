"""Bodies of the budget's commands: each names the budget line it changes `line`, or the
two lines of a transfer `source` and `target`."""

from __future__ import annotations

from api.requests.members import (
    Amount,
    LineKeyIn,
    Provenance,
    Reference,
)


class EstablishBudget(Provenance):
    line: LineKeyIn
    amount: Amount
    decision: Reference


class AmendBudget(Provenance):
    line: LineKeyIn
    delta: Amount
    decision: Reference


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
