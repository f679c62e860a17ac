"""The reserves' commands, for the finance role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from fastapi.responses import Response

from api.auth import Role
from api.requests.reserve_requests import (
    AllocateFromReserve,
    EarmarkMovement,
    EstablishReserve,
    ReserveMutation,
    StateReserveOpening,
)
from api.responses import CommandResult
from api.writing import CHANGES, CREATES, Writer, WriterDep, command_router
from domain.application import Context, Recorded
from domain.money import Money

ReserveCode = Annotated[str, Path(description="the reserve's code", max_length=200)]

router = command_router(Role.FINANCE)


@router.post(
    "/reserves",
    **CREATES,
    response_model=CommandResult,
    tags=["reserves"],
    summary="Establish a reserve",
)
def establish_reserve(body: EstablishReserve, write: WriterDep) -> Response:
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


def _reserve_mutation(write: Writer, code: str, body: ReserveMutation, action: str) -> Response:
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


@router.post(
    "/reserves/{code}/deposits",
    **CHANGES,
    response_model=CommandResult,
    tags=["reserves"],
    summary="Deposit into a reserve (storting)",
)
def deposit_to_reserve(code: ReserveCode, body: ReserveMutation, write: WriterDep) -> Response:
    return _reserve_mutation(write, code, body, "deposit_to_reserve")


@router.post(
    "/reserves/{code}/withdrawals",
    **CHANGES,
    response_model=CommandResult,
    tags=["reserves"],
    summary="Withdraw from a reserve (onttrekking)",
)
def withdraw_from_reserve(code: ReserveCode, body: ReserveMutation, write: WriterDep) -> Response:
    return _reserve_mutation(write, code, body, "withdraw_from_reserve")


@router.post(
    "/reserves/{code}/allocations",
    **CHANGES,
    response_model=CommandResult,
    tags=["reserves"],
    summary="Bring reserve money into budget lines, euro for euro",
)
def allocate_from_reserve(
    code: ReserveCode, body: AllocateFromReserve, write: WriterDep
) -> Response:
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


@router.post(
    "/reserves/{code}/openings",
    **CHANGES,
    response_model=CommandResult,
    tags=["reserves"],
    summary="State a reserve's opening balance of a year (as the jaarrekening states it)",
)
def state_reserve_opening(
    code: ReserveCode, body: StateReserveOpening, write: WriterDep
) -> Response:
    return write.run(
        body,
        lambda ctx: write.services.ledger.app.state_reserve_opening(
            ctx,
            code=code,
            fiscal_year=body.fiscal_year,
            amount=Money(body.amount),
            earmark=body.earmark,
            decision=body.decision,
        ),
    )


def _earmark_movement(write: Writer, code: str, body: EarmarkMovement, action: str) -> Response:
    method = getattr(write.services.ledger.app, action)

    def run(ctx: Context) -> Recorded:
        recorded: Recorded = method(
            ctx,
            code=code,
            fiscal_year=body.fiscal_year,
            amount=Money(body.amount),
            earmark=body.earmark,
            decision=body.decision,
            mutation_id=write.mutation_id,
        )
        return recorded

    return write.run(body, run)


@router.post(
    "/reserves/{code}/earmarks",
    **CHANGES,
    response_model=CommandResult,
    tags=["reserves"],
    summary="Earmark part of a reserve's free balance (oormerk; not a storting)",
)
def earmark_in_reserve(code: ReserveCode, body: EarmarkMovement, write: WriterDep) -> Response:
    return _earmark_movement(write, code, body, "earmark_in_reserve")


@router.post(
    "/reserves/{code}/releases",
    **CHANGES,
    response_model=CommandResult,
    tags=["reserves"],
    summary="Release the rest of an earmark back to the reserve's free part",
)
def release_earmark(code: ReserveCode, body: EarmarkMovement, write: WriterDep) -> Response:
    return _earmark_movement(write, code, body, "release_earmark")
