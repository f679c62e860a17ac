"""The realisations' commands, for the finance role."""

from __future__ import annotations

from fastapi.responses import Response

from api.auth import Role
from api.requests.realisation_requests import (
    CorrectRealisation,
    ReportLateResult,
    ReportRealisation,
)
from api.responses import CommandResult
from api.writing import CHANGES, WriterDep, command_router
from domain.money import Money

router = command_router(Role.FINANCE)


@router.post(
    "/realisations",
    **CHANGES,
    response_model=CommandResult,
    tags=["realisations"],
    summary="Report a realised figure (voorlopig or definitief)",
)
def report_realisation(body: ReportRealisation, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.report_realisation(
            ctx,
            key=body.line.to_domain(),
            amount=Money(body.amount),
            status=body.status,
            quarter=body.quarter,
        ),
    )


@router.post(
    "/realisations/corrections",
    **CHANGES,
    response_model=CommandResult,
    tags=["realisations"],
    summary="Correct a realisation: names the version it corrects and why",
)
def correct_realisation(body: CorrectRealisation, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.correct_realisation(
            ctx,
            key=body.line.to_domain(),
            corrects_version=body.corrects_version,
            amount=Money(body.amount),
            status=body.status,
            reason=body.reason,
            quarter=body.quarter,
        ),
    )


@router.post(
    "/realisations/late-results",
    **CHANGES,
    response_model=CommandResult,
    tags=["realisations"],
    summary="Book a late result of a closed year in the next open year (resultaat voorgaand "
    "jaar); the closed year is not rewritten",
)
def report_late_result(body: ReportLateResult, write: WriterDep) -> Response:
    app = write.services.ledger.app
    return write.run(
        body,
        lambda ctx: app.report_late_result(
            ctx,
            key=body.line.to_domain(),
            amount=Money(body.amount),
            status=body.status,
            reason=body.reason,
            corrects_version=body.corrects_version,
            quarter=body.quarter,
            mutation_id=write.mutation_id,
        ),
    )
