"""The decisions' commands: propose, adopt, reject, withdraw. Only the roles that decide
pass the guard; which of them may depends on who decides (raad or college), checked after."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Path
from fastapi.responses import Response

from api.auth import Role
from api.http import permit
from api.requests.decision_requests import DecideDecision, ProposeDecision
from api.responses import CommandResult
from api.writing import CHANGES, CREATES, Writer, WriterDep, command_router
from domain.application import Context, Recorded
from domain.errors import NotFoundError, relocated
from domain.events import Bestuursorgaan

DecisionRef = Annotated[str, Path(description="the decision's reference", max_length=200)]

router = command_router(Role.GRIFFIE, Role.FINANCE)


def _body_role(body: Bestuursorgaan) -> Role:
    # The raad's decisions go through the griffie; the college's through finance.
    return Role.GRIFFIE if body is Bestuursorgaan.RAAD else Role.FINANCE


@router.post(
    "/decisions",
    **CREATES,
    response_model=CommandResult,
    tags=["decisions"],
    summary="Propose a decision (a raad mandate has a mandate_scope; a college decision "
    "may name the mandate it relies on)",
)
def propose_decision(body: ProposeDecision, write: WriterDep) -> Response:
    permit(write.identity, _body_role(body.body))
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.propose_decision(
            ctx,
            reference=body.reference,
            title=body.title,
            body=body.body,
            kind=body.kind,
            period=body.period.to_domain(),
            mandate_scope=body.scope(),
            mandate_reference=body.mandate,
            number=body.number,
        ),
        created=lambda _: f"/api/v1/decisions/{body.reference}",
    )


def _decide(write: Writer, decision: str, body: DecideDecision | None, action: str) -> Response:
    # Who may never decide is refused before the lookup, which would tell what exists.
    permit(write.identity, Role.GRIFFIE, Role.FINANCE)
    found = write.services.ledger.app.find_decision(decision)
    if found is None:
        raise NotFoundError(f"decision {decision!r} does not exist", field="decision")
    permit(write.identity, _body_role(found.body))
    method = getattr(write.services.ledger.app, f"{action}_decision")

    def decide(ctx: Context) -> Recorded:
        with relocated("reference", "decision"):  # the path names it `decision`
            recorded: Recorded = method(ctx, reference=decision)
            return recorded

    return write.run(body, decide)


@router.post(
    "/decisions/{decision}/adopt",
    **CHANGES,
    response_model=CommandResult,
    tags=["decisions"],
    summary="Adopt a proposed decision (If-Match: its version)",
)
def adopt_decision(
    decision: DecisionRef,
    write: WriterDep,
    body: Annotated[DecideDecision | None, Body()] = None,
) -> Response:
    return _decide(write, decision, body, "adopt")


@router.post(
    "/decisions/{decision}/reject",
    **CHANGES,
    response_model=CommandResult,
    tags=["decisions"],
    summary="Reject a proposed decision",
)
def reject_decision(
    decision: DecisionRef,
    write: WriterDep,
    body: Annotated[DecideDecision | None, Body()] = None,
) -> Response:
    return _decide(write, decision, body, "reject")


@router.post(
    "/decisions/{decision}/withdraw",
    **CHANGES,
    response_model=CommandResult,
    tags=["decisions"],
    summary="Withdraw a proposed decision",
)
def withdraw_decision(
    decision: DecisionRef,
    write: WriterDep,
    body: Annotated[DecideDecision | None, Body()] = None,
) -> Response:
    return _decide(write, decision, body, "withdraw")
