"""Budget against realisation over HTTP (ADR 0026): the uitputting of a fiscal year as of any
basis, per line, programma, taakveld or interventie and side, optionally per quarter-end;
and the events behind one of its figures. Read roles only; every answer names its basis."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import READERS
from api.http import JSON, Guarded, ServicesDep, problem_responses, require
from api.pages import Page, PageDep, paged
from api.parameters import RequiredYear
from api.problems import Problem
from api.reading import BasisDep, reading
from projections.queries import uitputting
from projections.queries.lineage import BudgetLineageRow, RealisationLineageRow
from projections.queries.uitputting_rows import UitputtingDocument

router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1",
    responses=problem_responses(
        _401="no token, or an unknown or revoked one",
        _403="the token's role may not read",
        _404="the basis knows no such row",
        _422="an invalid parameter: `errors` names it",
        _503="the read model has not reached `min_position` yet (`read-model-behind`), or the "
        "log does not verify (`chain-broken`: `kind`, `position`, `finding`; ADR 0017)",
    ),
    dependencies=[Depends(require(*READERS))],
)

By = Annotated[
    str,
    Query(
        pattern="^(line|programma|taakveld|interventie)$",
        description="group per budget line, programma, taakveld or interventie",
    ),
]
SideQ = Annotated[str | None, Query(pattern="^(lasten|baten)$", description="one side only")]
RequiredSide = Annotated[str, Query(pattern="^(lasten|baten)$")]
Figure = Annotated[
    str,
    Query(
        pattern="^(primitief|wijzigingen|realisatie)$",
        description="the figure: the primitieve begroting, the wijzigingen or the realisatie",
    ),
]
Key = Annotated[
    str | None,
    Query(
        max_length=200,
        description="the row's `key` (a line's id, a programma, a taakveld, an interventie); "
        "absent for the row without one",
    ),
]


@router.get("/budget/uitputting", response_model=UitputtingDocument, tags=["budget"])
def budget_uitputting(
    found: ServicesDep,
    wanted: BasisDep,
    fiscal_year: RequiredYear,
    by: By = "programma",
    side: SideQ = None,
    quarters: Annotated[
        bool, Query(description="also each figure as of the ends of Q1..Q4 of the year")
    ] = False,
) -> Response:
    """The year's begroting against its realisation, per group and side: primitief,
    wijzigingen, begroting na wijziging, realisatie (and its voorlopig part), saldo (positive
    for a voordeel) and uitputting %; realisations that meet no line in rows `no_line: true`;
    totals per side. A document, not a list: never paged."""
    with reading(found, wanted) as (conn, basis):
        document = uitputting.uitputting(
            conn, basis, fiscal_year=fiscal_year, by=by, side=side, quarters=quarters
        )
    return JSON(document)


@router.get(
    "/lineage/uitputting",
    response_model=Page[BudgetLineageRow | RealisationLineageRow],
    tags=["lineage"],
)
def uitputting_lineage(
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    fiscal_year: RequiredYear,
    side: RequiredSide,
    figure: Figure,
    by: By = "programma",
    key: Key = None,
    no_line: Annotated[bool, Query(description="the row of realisations without a line")] = False,
) -> Response:
    """The events behind one figure of a row of GET /api/v1/budget/uitputting: budget
    mutations (with decision, authority and dekking) or realisation entries, in order, with
    delta and running total."""
    with reading(found, wanted) as (conn, basis):
        rows = uitputting.figure_lineage(
            conn,
            basis,
            fiscal_year=fiscal_year,
            by=by,
            key=key,
            side=side,
            figure=figure,
            no_line=no_line,
            grace=found.backdating_grace,
        )
    if rows is None:
        raise Problem(
            404, "not-found", f"no uitputting row {key!r} ({side}) in {fiscal_year} on this basis"
        )
    return paged(basis, rows, page)
