"""Closing and reopening fiscal years, and publishing reports, for the finance role."""

from __future__ import annotations

from fastapi.responses import Response

from api.auth import Role
from api.parameters import FiscalYearPath
from api.requests.fiscal_year_requests import (
    CloseFiscalYear,
    PublishReport,
    ReopenFiscalYear,
    SetVerantwoordingsgrens,
)
from api.responses import CommandResult
from api.writing import CHANGES, CREATES, WriterDep, command_router

router = command_router(Role.FINANCE)


@router.post(
    "/fiscal-years/{fiscal_year}/close",
    **CHANGES,
    response_model=CommandResult,
    tags=["fiscal years"],
    summary="Close a fiscal year on the raad's decision (the jaarrekening)",
)
def close_fiscal_year(
    fiscal_year: FiscalYearPath,
    body: CloseFiscalYear,
    write: WriterDep,
) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.close_fiscal_year(
            ctx, fiscal_year=fiscal_year, decision=body.decision
        ),
    )


@router.post(
    "/fiscal-years/{fiscal_year}/reopen",
    **CHANGES,
    response_model=CommandResult,
    tags=["fiscal years"],
    summary="Reopen a closed fiscal year on an adopted raad decision (a jaarrekening or a "
    "begrotingswijziging); the reopening is in the trail and the year may be closed again",
)
def reopen_fiscal_year(
    fiscal_year: FiscalYearPath,
    body: ReopenFiscalYear,
    write: WriterDep,
) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.reopen_fiscal_year(
            ctx, fiscal_year=fiscal_year, decision=body.decision
        ),
    )


@router.post(
    "/fiscal-years/{fiscal_year}/verantwoordingsgrens",
    **CHANGES,
    response_model=CommandResult,
    tags=["fiscal years"],
    summary="Set the year's verantwoordingsgrens on the raad's decision: a percentage of the "
    "year's total lasten (ADR 0029)",
)
def set_verantwoordingsgrens(
    fiscal_year: FiscalYearPath,
    body: SetVerantwoordingsgrens,
    write: WriterDep,
) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.set_verantwoordingsgrens(
            ctx, fiscal_year=fiscal_year, percentage=body.percentage, decision=body.decision
        ),
    )


@router.post(
    "/reports",
    **CREATES,
    response_model=CommandResult,
    tags=["reports"],
    summary="Publish a report: its tables are rendered as of its knowledge cutoff",
)
def publish_report(body: PublishReport, write: WriterDep) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.publish_report(
            ctx,
            report_id=body.report_id,
            title=body.title,
            published_at=body.published_at,
            knowledge_cutoff=body.knowledge_cutoff,
            tables=body.table_specs(),
            period=body.period.to_domain(),
            decision=body.decision,
        ),
        created=lambda _: f"/api/v1/reports/{body.report_id}",
    )
