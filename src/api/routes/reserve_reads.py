"""Reserves as balances over HTTP (ADR 0027): per reserve and fiscal year the opening
balance (null with `opening_known: false` where no opening is known, never zero), stortingen,
onttrekkingen, oormerken and the closing balance; and the events behind one figure. Read
roles only; every answer names its basis (ADR 0002)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import READERS
from api.http import JSON, Guarded, ServicesDep, problem_responses, require
from api.pages import Page, PageDep, paged
from api.parameters import FiscalYearQ, RequiredYear
from api.problems import Problem, field_error
from api.reading import BasisDep, reading
from projections.queries.reserve_balances import (
    FigureError,
    ReserveBalanceRow,
    ReserveFigureLineage,
    reserve_balances,
    reserve_lineage,
)

router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1",
    responses=problem_responses(
        _401="no token, or an unknown or revoked one",
        _403="the token's role may not read",
        _404="the reserve does not exist as of this basis",
        _422="an invalid parameter: `errors` names it",
        _503="the read model has not reached `min_position` yet (`read-model-behind`), or the "
        "log does not verify (`chain-broken`: `kind`, `position`, `finding`; ADR 0017)",
    ),
    dependencies=[Depends(require(*READERS))],
)

ReserveCodeQ = Annotated[str | None, Query(max_length=200, description="one reserve's code")]
Figure = Annotated[
    str,
    Query(
        max_length=300,
        description="opening, deposits, withdrawals, closing, or earmark:<name> (the "
        "earmark's balance at the year's end)",
    ),
]


@router.get("/reserves/balances", response_model=Page[ReserveBalanceRow], tags=["reserves"])
def list_reserve_balances(
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    fiscal_year: FiscalYearQ = None,
    code: ReserveCodeQ = None,
) -> Response:
    """Per reserve and fiscal year: `opening` (stated, else the previous year's closing,
    else null with `opening_known: false`), `deposits`, `withdrawals`, the free part, each
    earmark, `closing`; and `implied_opening` where withdrawals exceed the known movements."""
    with reading(found, wanted) as (conn, basis):
        rows = reserve_balances(conn, basis, fiscal_year=fiscal_year, code=code)
    return paged(basis, rows, page)


@router.get("/lineage/reserve", response_model=ReserveFigureLineage, tags=["lineage"])
def reserve_figure_lineage(
    found: ServicesDep,
    wanted: BasisDep,
    code: Annotated[str, Query(max_length=200)],
    fiscal_year: RequiredYear,
    figure: Figure,
) -> Response:
    """The events behind one figure of a reserve's year, with delta and running total (the
    rows of the other lineage answers); `value` is null and there are no rows where the
    figure is unknown. An oormerk counts in both parts it changes, netting out."""
    with reading(found, wanted) as (conn, basis):
        try:
            answer = reserve_lineage(
                conn,
                basis,
                code=code,
                fiscal_year=fiscal_year,
                figure=figure,
                grace=found.backdating_grace,
            )
        except FigureError as error:
            detail = str(error)
            raise Problem(
                422,
                "invalid-figure",
                detail,
                errors=[field_error("query", "figure", detail, "invalid-figure")],
            ) from None
    if answer is None:
        raise Problem(404, "not-found", f"reserve {code!r} does not exist as of this basis")
    return JSON(answer)
