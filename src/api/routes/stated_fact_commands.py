"""The stated facts' commands (ADR 0030), for the finance role."""

from __future__ import annotations

from fastapi.responses import Response

from api.auth import Role
from api.requests.stated_fact_requests import (
    DefineKengetal,
    MeasureKengetal,
    RestateResult,
    SpecifyBudget,
    StateResult,
)
from api.responses import CommandResult
from api.writing import CHANGES, WriterDep, command_router
from domain.money import Money

router = command_router(Role.FINANCE)


@router.post(
    "/kengetallen",
    **CHANGES,
    response_model=CommandResult,
    tags=["kengetallen"],
    summary="Define a kengetal: what it counts, in which unit, for which interventie",
)
def define_kengetal(body: DefineKengetal, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.define_kengetal(
            ctx,
            reference=body.reference,
            label=body.label,
            unit=body.unit,
            fiscal_year=body.fiscal_year,
            interventie=body.interventie,
        ),
    )


@router.post(
    "/kengetallen/measurements",
    **CHANGES,
    response_model=CommandResult,
    tags=["kengetallen"],
    summary="Measure a kengetal for a fiscal year; a later measurement of the year replaces "
    "the earlier one",
)
def measure_kengetal(body: MeasureKengetal, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.measure_kengetal(
            ctx,
            reference=body.reference,
            fiscal_year=body.fiscal_year,
            value=body.value,
            peildatum=body.peildatum,
        ),
    )


@router.post(
    "/stated-results",
    **CHANGES,
    response_model=CommandResult,
    tags=["stated results"],
    summary="Record a result as a report states it (voordeel positive, nadeel negative)",
)
def state_result(body: StateResult, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.state_result(
            ctx,
            fiscal_year=body.fiscal_year,
            domain=body.domain,
            label=body.label,
            scope=body.scope,
            amount=Money(body.amount),
            status=body.status,
        ),
    )


@router.post(
    "/stated-results/restatements",
    **CHANGES,
    response_model=CommandResult,
    tags=["stated results"],
    summary="Restate a stated result: names the version it corrects and why",
)
def restate_result(body: RestateResult, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.restate_result(
            ctx,
            fiscal_year=body.fiscal_year,
            domain=body.domain,
            amount=Money(body.amount),
            status=body.status,
            reason=body.reason,
            corrects_version=body.corrects_version,
        ),
    )


@router.post(
    "/budget/specifications",
    **CHANGES,
    response_model=CommandResult,
    tags=["budget"],
    summary="Specify an activity's part of a budget line; it moves no money",
)
def specify_budget(body: SpecifyBudget, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.specify_budget(
            ctx,
            key=body.line.to_domain(),
            activity=body.activity,
            amount=Money(body.amount),
            decision=body.decision,
        ),
    )
