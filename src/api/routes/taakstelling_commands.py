"""The taakstellingen's commands, for the finance role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from fastapi.responses import Response

from api.auth import Role
from api.requests.taakstelling_requests import (
    AdjustTaakstelling,
    CancelTaakstellingYear,
    ImposeTaakstelling,
    ShiftTaakstelling,
)
from api.responses import CommandResult
from api.writing import CHANGES, CREATES, WriterDep, command_router
from domain.money import Money

TaakstellingRef = Annotated[str, Path(description="the taakstelling's reference", max_length=200)]

router = command_router(Role.FINANCE)


@router.post(
    "/taakstellingen",
    **CREATES,
    response_model=CommandResult,
    tags=["taakstellingen"],
    summary="Impose a taakstelling (a savings target, or a risk) with amounts per year",
)
def impose_taakstelling(body: ImposeTaakstelling, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.impose_taakstelling(
            ctx,
            reference=body.reference,
            label=body.label,
            interventie=body.interventie,
            programma=body.programma,
            taakveld=body.taakveld,
            kind=body.kind,
            origin=body.origin,
            amounts=body.year_amounts(),
            base_deelproducten=body.base_deelproducten,
            decision=body.decision,
        ),
        created=lambda _: f"/api/v1/taakstellingen/{body.reference}",
    )


@router.post(
    "/taakstellingen/{reference}/adjustments",
    **CHANGES,
    response_model=CommandResult,
    tags=["taakstellingen"],
    summary="Adjust a taakstelling's amount for one year",
)
def adjust_taakstelling(
    reference: TaakstellingRef, body: AdjustTaakstelling, write: WriterDep
) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.adjust_taakstelling(
            ctx,
            reference=reference,
            fiscal_year=body.fiscal_year,
            delta=Money(body.delta),
            decision=body.decision,
            mutation_id=write.mutation_id,
        ),
    )


@router.post(
    "/taakstellingen/shifts",
    **CHANGES,
    response_model=CommandResult,
    tags=["taakstellingen"],
    summary="Shift part of one taakstelling to another (verleggen); the total is kept",
)
def shift_taakstelling(body: ShiftTaakstelling, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.shift_taakstelling(
            ctx,
            source=body.source,
            target=body.target,
            fiscal_year=body.fiscal_year,
            amount=Money(body.amount),
            decision=body.decision,
            mutation_id=write.mutation_id,
        ),
    )


@router.post(
    "/taakstellingen/{reference}/cancellations",
    **CHANGES,
    response_model=CommandResult,
    tags=["taakstellingen"],
    summary="Cancel a taakstelling for one year, naming its coverage",
)
def cancel_taakstelling_year(
    reference: TaakstellingRef, body: CancelTaakstellingYear, write: WriterDep
) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.cancel_taakstelling_year(
            ctx,
            reference=reference,
            fiscal_year=body.fiscal_year,
            coverage=body.coverage,
            decision=body.decision,
            mutation_id=write.mutation_id,
        ),
    )
