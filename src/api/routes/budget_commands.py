"""The budget's commands, for the finance role."""

from __future__ import annotations

from fastapi.responses import Response

from api.auth import Role
from api.requests.budget_requests import (
    AmendBudget,
    CarryOverBudget,
    EstablishBudget,
    ProposeAmendment,
    TransferBudget,
)
from api.responses import CommandResult
from api.writing import CHANGES, CREATES, WriterDep, command_router
from domain.money import Money

router = command_router(Role.FINANCE)


@router.post(
    "/budget/establishments",
    **CREATES,
    response_model=CommandResult,
    tags=["budget"],
    summary="Establish a budget line's amount (primitieve begroting)",
)
def establish_budget(body: EstablishBudget, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.establish_budget(
            ctx,
            key=body.line.to_domain(),
            amount=Money(body.amount),
            decision=body.decision,
            mutation_id=write.mutation_id,
            regeling=body.regeling,
        ),
        created=lambda recorded: f"/api/v1/budget/lines/{recorded.ids['line']}",
    )


@router.post(
    "/budget/proposed-amendments",
    **CHANGES,
    response_model=CommandResult,
    tags=["budget"],
    summary="Record an amendment a proposed raad decision would make (not in force until "
    "the raad adopts it; the rechtmatigheid view counts it as not yet authorised)",
)
def propose_amendment(body: ProposeAmendment, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.propose_amendment(
            ctx, reference=body.decision, key=body.line.to_domain(), amount=Money(body.amount)
        ),
    )


@router.post(
    "/budget/amendments",
    **CHANGES,
    response_model=CommandResult,
    tags=["budget"],
    summary="Amend a budget line by a delta (begrotingswijziging); If-Match: the line's version",
)
def amend_budget(body: AmendBudget, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.amend_budget(
            ctx,
            key=body.line.to_domain(),
            delta=Money(body.delta),
            decision=body.decision,
            mutation_id=write.mutation_id,
            dekking=body.dekking,
        ),
    )


@router.post(
    "/budget/transfers",
    **CHANGES,
    response_model=CommandResult,
    tags=["budget"],
    summary="Transfer budget between two lines of one year; If-Match: the source's version",
)
def transfer_budget(body: TransferBudget, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.transfer_budget(
            ctx,
            source=body.source.to_domain(),
            target=body.target.to_domain(),
            amount=Money(body.amount),
            decision=body.decision,
            mutation_id=write.mutation_id,
        ),
    )


@router.post(
    "/budget/carry-overs",
    **CHANGES,
    response_model=CommandResult,
    tags=["budget"],
    summary="Carry unspent budget over to a later year through a reserve (overheveling)",
)
def carry_over_budget(body: CarryOverBudget, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.carry_over_budget(
            ctx,
            source=body.source.to_domain(),
            target=body.target.to_domain(),
            amount=Money(body.amount),
            reserve=body.reserve,
            decision=body.decision,
            mutation_id=write.mutation_id,
        ),
    )
