"""One endpoint per domain command. Each parses its body, checks the caller's role, and
calls one application method through the Writer (idempotency, If-Match, problems)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path

from api import schemas
from api.auth import Role
from api.http import Guarded, Writer, WriterDep, permit, problem_responses, require
from api.schemas import CommandResult
from domain.application import Context, Recorded
from domain.errors import NotFoundError, relocated
from domain.events import Bestuursorgaan
from domain.money import Money

WRITE_ERRORS = problem_responses(
    _400="the body is not JSON, or not UTF-8",
    _401="no token, or an unknown or revoked one",
    _403="the token's role may not do this",
    _404="the record named in the URL does not exist",
    _409="a business rule refused it, or the record changed since it was read",
    _413="the body is too large",
    _422="invalid input: `errors` names every field at fault",
)
# The decisions: only the roles that decide, checked before the body; which of them may
# depends on the decision's body (the raad's or the college's), checked after.
router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1",
    responses=WRITE_ERRORS,
    dependencies=[Depends(require(Role.GRIFFIE, Role.FINANCE))],
)
# Finance's own commands: the role is checked before the body is read, so a role that may not
# write learns nothing about its input (the decisions' rule depends on the decision's body).
finance = APIRouter(
    route_class=Guarded,
    prefix="/api/v1",
    responses=WRITE_ERRORS,
    dependencies=[Depends(require(Role.FINANCE))],
)

DecisionRef = Annotated[str, Path(description="the decision's reference", max_length=200)]
TaakstellingRef = Annotated[str, Path(description="the taakstelling's reference", max_length=200)]
ReserveCode = Annotated[str, Path(description="the reserve's code", max_length=200)]


def _body_role(body: Bestuursorgaan) -> Role:
    # The raad's decisions go through the griffie; the college's through finance.
    return Role.GRIFFIE if body is Bestuursorgaan.RAAD else Role.FINANCE


# -- decisions -------------------------------------------------------------------------


@router.post(
    "/decisions",
    status_code=201,
    response_model=CommandResult,
    tags=["decisions"],
    summary="Propose a decision (a raad mandate has a mandate_scope; a college decision "
    "may name the mandate it relies on)",
)
def propose_decision(body: schemas.ProposeDecision, write: WriterDep) -> Any:
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
        ),
        created=lambda _: f"/api/v1/decisions/{body.reference}",
    )


def _decide(write: Writer, decision: str, body: schemas.DecideDecision | None, action: str) -> Any:
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
    response_model=CommandResult,
    tags=["decisions"],
    summary="Adopt a proposed decision (If-Match: its version)",
)
def adopt_decision(
    decision: DecisionRef,
    write: WriterDep,
    body: Annotated[schemas.DecideDecision | None, Body()] = None,
) -> Any:
    return _decide(write, decision, body, "adopt")


@router.post(
    "/decisions/{decision}/reject",
    response_model=CommandResult,
    tags=["decisions"],
    summary="Reject a proposed decision",
)
def reject_decision(
    decision: DecisionRef,
    write: WriterDep,
    body: Annotated[schemas.DecideDecision | None, Body()] = None,
) -> Any:
    return _decide(write, decision, body, "reject")


@router.post(
    "/decisions/{decision}/withdraw",
    response_model=CommandResult,
    tags=["decisions"],
    summary="Withdraw a proposed decision",
)
def withdraw_decision(
    decision: DecisionRef,
    write: WriterDep,
    body: Annotated[schemas.DecideDecision | None, Body()] = None,
) -> Any:
    return _decide(write, decision, body, "withdraw")


# -- budget ----------------------------------------------------------------------------


@finance.post(
    "/budget/establishments",
    response_model=CommandResult,
    tags=["budget"],
    summary="Establish a budget line's amount (primitieve begroting)",
)
def establish_budget(body: schemas.EstablishBudget, write: WriterDep) -> Any:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.establish_budget(
            ctx,
            key=body.key.to_domain(),
            amount=Money(body.amount),
            decision=body.decision,
            mutation_id=write.mutation_id,
        ),
    )


@finance.post(
    "/budget/amendments",
    response_model=CommandResult,
    tags=["budget"],
    summary="Amend a budget line by a delta (begrotingswijziging); If-Match: the line's version",
)
def amend_budget(body: schemas.AmendBudget, write: WriterDep) -> Any:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.amend_budget(
            ctx,
            key=body.key.to_domain(),
            delta=Money(body.delta),
            decision=body.decision,
            mutation_id=write.mutation_id,
        ),
    )


@finance.post(
    "/budget/transfers",
    response_model=CommandResult,
    tags=["budget"],
    summary="Transfer budget between two lines of one year; If-Match: the source's version",
)
def transfer_budget(body: schemas.TransferBudget, write: WriterDep) -> Any:
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


@finance.post(
    "/budget/carry-overs",
    response_model=CommandResult,
    tags=["budget"],
    summary="Carry unspent budget over to a later year through a reserve (overheveling)",
)
def carry_over_budget(body: schemas.CarryOverBudget, write: WriterDep) -> Any:
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


# -- taakstellingen --------------------------------------------------------------------


@finance.post(
    "/taakstellingen",
    status_code=201,
    response_model=CommandResult,
    tags=["taakstellingen"],
    summary="Impose a taakstelling (a savings target, or a risk) with amounts per year",
)
def impose_taakstelling(body: schemas.ImposeTaakstelling, write: WriterDep) -> Any:
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


@finance.post(
    "/taakstellingen/{reference}/adjustments",
    response_model=CommandResult,
    tags=["taakstellingen"],
    summary="Adjust a taakstelling's amount for one year",
)
def adjust_taakstelling(
    reference: TaakstellingRef, body: schemas.AdjustTaakstelling, write: WriterDep
) -> Any:
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


@finance.post(
    "/taakstellingen/shifts",
    response_model=CommandResult,
    tags=["taakstellingen"],
    summary="Shift part of one taakstelling to another (verleggen); the total is kept",
)
def shift_taakstelling(body: schemas.ShiftTaakstelling, write: WriterDep) -> Any:
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


@finance.post(
    "/taakstellingen/{reference}/cancellations",
    response_model=CommandResult,
    tags=["taakstellingen"],
    summary="Cancel a taakstelling for one year, naming its coverage",
)
def cancel_taakstelling_year(
    reference: TaakstellingRef, body: schemas.CancelTaakstellingYear, write: WriterDep
) -> Any:
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


# -- realisations ----------------------------------------------------------------------


@finance.post(
    "/realisations",
    status_code=201,
    response_model=CommandResult,
    tags=["realisations"],
    summary="Report a realised figure (voorlopig or definitief)",
)
def report_realisation(body: schemas.ReportRealisation, write: WriterDep) -> Any:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.report_realisation(
            ctx,
            key=body.key.to_domain(),
            amount=Money(body.amount),
            status=body.status,
            quarter=body.quarter,
        ),
        created=lambda recorded: f"/api/v1/realisations?fiscal_year={body.key.fiscal_year}",
    )


@finance.post(
    "/realisations/corrections",
    response_model=CommandResult,
    tags=["realisations"],
    summary="Correct a realisation: names the version it corrects and why",
)
def correct_realisation(body: schemas.CorrectRealisation, write: WriterDep) -> Any:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.correct_realisation(
            ctx,
            key=body.key.to_domain(),
            corrects_version=body.corrects_version,
            amount=Money(body.amount),
            status=body.status,
            reason=body.reason,
            quarter=body.quarter,
        ),
    )


@finance.post(
    "/realisations/late-results",
    status_code=201,
    response_model=CommandResult,
    tags=["realisations"],
    summary="Book a late result of a closed year in the next open year (resultaat voorgaand "
    "jaar); the closed year is not rewritten",
)
def report_late_result(body: schemas.ReportLateResult, write: WriterDep) -> Any:
    app = write.services.ledger.app
    return write.run(
        body,
        lambda ctx: app.report_late_result(
            ctx,
            key=body.key.to_domain(),
            amount=Money(body.amount),
            status=body.status,
            reason=body.reason,
            corrects_version=body.corrects_version,
            quarter=body.quarter,
            mutation_id=write.mutation_id,
        ),
        created=lambda _: (
            f"/api/v1/realisations?fiscal_year={app.next_open_year(body.key.fiscal_year)}"
        ),
    )


# -- reserves --------------------------------------------------------------------------


@finance.post(
    "/reserves",
    status_code=201,
    response_model=CommandResult,
    tags=["reserves"],
    summary="Establish a reserve",
)
def establish_reserve(body: schemas.EstablishReserve, write: WriterDep) -> Any:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.establish_reserve(
            ctx,
            code=body.code,
            name=body.name,
            kind=body.kind,
            purpose=body.purpose,
            fiscal_year=body.fiscal_year,
        ),
        created=lambda _: f"/api/v1/reserves/{body.code}",
    )


def _reserve_mutation(write: Writer, code: str, body: schemas.ReserveMutation, action: str) -> Any:
    method = getattr(write.services.ledger.app, action)

    def run(ctx: Context) -> Recorded:
        recorded: Recorded = method(
            ctx,
            code=code,
            fiscal_year=body.fiscal_year,
            amount=Money(body.amount),
            decision=body.decision,
            earmark=body.earmark,
            mutation_id=write.mutation_id,
        )
        return recorded

    return write.run(body, run)


@finance.post(
    "/reserves/{code}/deposits",
    response_model=CommandResult,
    tags=["reserves"],
    summary="Deposit into a reserve (storting)",
)
def deposit_to_reserve(code: ReserveCode, body: schemas.ReserveMutation, write: WriterDep) -> Any:
    return _reserve_mutation(write, code, body, "deposit_to_reserve")


@finance.post(
    "/reserves/{code}/withdrawals",
    response_model=CommandResult,
    tags=["reserves"],
    summary="Withdraw from a reserve (onttrekking)",
)
def withdraw_from_reserve(
    code: ReserveCode, body: schemas.ReserveMutation, write: WriterDep
) -> Any:
    return _reserve_mutation(write, code, body, "withdraw_from_reserve")


@finance.post(
    "/reserves/{code}/allocations",
    response_model=CommandResult,
    tags=["reserves"],
    summary="Bring reserve money into budget lines, euro for euro",
)
def allocate_from_reserve(
    code: ReserveCode, body: schemas.AllocateFromReserve, write: WriterDep
) -> Any:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.allocate_from_reserve(
            ctx,
            code=code,
            earmark=body.earmark,
            allocations=body.line_amounts(),
            decision=body.decision,
            mutation_id=write.mutation_id,
        ),
    )


# -- fiscal years and reports ----------------------------------------------------------


@finance.post(
    "/fiscal-years/{fiscal_year}/close",
    response_model=CommandResult,
    tags=["fiscal years"],
    summary="Close a fiscal year on the raad's decision (the jaarrekening)",
)
def close_fiscal_year(
    fiscal_year: Annotated[int, Path(ge=2000, le=2100)],
    body: schemas.CloseFiscalYear,
    write: WriterDep,
) -> Any:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.close_fiscal_year(
            ctx, fiscal_year=fiscal_year, decision=body.decision
        ),
    )


@finance.post(
    "/fiscal-years/{fiscal_year}/reopen",
    response_model=CommandResult,
    tags=["fiscal years"],
    summary="Reopen a closed fiscal year on an adopted raad decision (a jaarrekening or a "
    "begrotingswijziging); the reopening is in the trail and the year may be closed again",
)
def reopen_fiscal_year(
    fiscal_year: Annotated[int, Path(ge=2000, le=2100)],
    body: schemas.ReopenFiscalYear,
    write: WriterDep,
) -> Any:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.reopen_fiscal_year(
            ctx, fiscal_year=fiscal_year, decision=body.decision
        ),
    )


@finance.post(
    "/reports",
    status_code=201,
    response_model=CommandResult,
    tags=["reports"],
    summary="Publish a report: its tables are rendered as of its knowledge cutoff",
)
def publish_report(body: schemas.PublishReport, write: WriterDep) -> Any:
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
